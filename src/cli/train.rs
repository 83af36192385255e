//! `spinspice train` and `spinspice eval`.

use super::args::{EvalArgs, TrainArgs};
use indicatif::{ProgressBar, ProgressStyle};
use spinspice::neuron::data;
use spinspice::neuron::export::NeuronSpec;
use spinspice::neuron::NeuronModel;
use spinspice::progress::Event;
use spinspice::snn::encode::Encoding;
use spinspice::snn::eval::{evaluate_dir, read_config, write_report};
use spinspice::snn::model::NetConfig;
use spinspice::snn::surrogate::Surrogate;
use spinspice::snn::train::{train as run_train, Augment, LrSchedule, TrainConfig, TrainEvent};
use spinspice::Result;
use std::path::PathBuf;

/// `spinspice train ...`.
pub fn train(a: &TrainArgs) -> Result<()> {
    spinspice::snn::tune_allocator();
    let dir = a
        .data_dir
        .clone()
        .unwrap_or_else(|| data::default_dir(&a.dataset));
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("runs/{}-{}-{}", a.dataset, a.arch, a.neuron)));
    let cfg = TrainConfig {
        dataset: a.dataset.clone(),
        net: NetConfig {
            arch: a.arch.clone(),
            neuron: NeuronSpec::from_model(&NeuronModel::network_preset(&a.neuron)?),
            surrogate: Surrogate::parse(&a.surrogate, a.slope)?,
            steps: a.steps,
            encoding: Encoding::parse(&a.encoding)?,
            hidden: a.hidden,
        },
        epochs: a.epochs,
        batch_size: a.batch_size,
        lr: a.lr,
        lr_schedule: LrSchedule::parse(&a.lr_schedule)?,
        seed: a.seed,
        train_limit: a.train_limit,
        test_limit: a.test_limit,
        augment: Augment::parse(&a.augment)?,
        weight_decay: a.weight_decay,
        dropout: a.dropout,
    };
    let ds = data::load(&a.dataset, &dir, a.train_limit, a.test_limit)?;
    if !a.quiet {
        eprintln!(
            "train {} {} {}: {} train / {} test images, {} steps, batch {}, lr {} ({}), augment {}, weight decay {}, dropout {}, seed {} -> {}",
            a.dataset,
            a.arch,
            a.neuron,
            ds.train.len(),
            ds.test.len(),
            a.steps,
            a.batch_size,
            a.lr,
            a.lr_schedule,
            a.augment,
            a.weight_decay,
            a.dropout,
            a.seed,
            out.display()
        );
    }
    let bar = if a.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "epoch {prefix} [{bar:30}] {pos}/{len} batches, {msg} ({eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let quiet = a.quiet;
    let epochs = a.epochs;
    // without a terminal the bar draws nothing: a plain line at most every 30 s instead
    let mut last_line = std::time::Instant::now();
    let mut total = 0usize;
    let mut on = |e: Event| match e {
        Event::Train(TrainEvent::Start { done, batches }) => {
            total = batches;
            bar.set_length(batches as u64);
            if done > 0 && !quiet {
                eprintln!("resuming after epoch {done}");
            }
        }
        Event::Train(TrainEvent::Batch { epoch, done, loss }) => {
            bar.set_prefix(format!("{epoch}/{epochs}"));
            bar.set_position(done as u64);
            bar.set_message(format!("loss {loss:.4}"));
            if bar.is_hidden() && !quiet && last_line.elapsed().as_secs() >= 30 {
                last_line = std::time::Instant::now();
                eprintln!("epoch {epoch}/{epochs}: batch {done}/{total}, loss {loss:.4}");
            }
        }
        Event::Train(TrainEvent::Epoch(r)) => {
            let line = format!(
                "epoch {}: train loss {:.4} acc {:.4} | test loss {:.4} acc {:.4} | {:.1} images/s",
                r.epoch,
                r.train_loss,
                r.train_accuracy,
                r.test_loss,
                r.test_accuracy,
                r.train_images_per_s
            );
            if bar.is_hidden() {
                // not a terminal: plain lines
                if !quiet {
                    eprintln!("{line}");
                }
            } else {
                bar.println(line);
            }
            bar.set_position(0);
        }
        Event::Note(line) if !quiet => eprintln!("{line}"),
        _ => {}
    };
    let m = run_train(&cfg, &ds, &out, &mut on)?;
    bar.finish_and_clear();
    println!(
        "test accuracy {:.4} after {} epochs ({:.1} training images/s); wrote {}/{{config.json,metrics.json,checkpoint/,export/}}",
        m.test_accuracy,
        m.epochs,
        m.train_images_per_s,
        out.display()
    );
    Ok(())
}

/// `spinspice eval DIR ...`.
pub fn eval(a: &EvalArgs) -> Result<()> {
    spinspice::snn::tune_allocator();
    let dir = if a.model.is_file() {
        a.model
            .parent()
            .and_then(|p| p.parent())
            .map(PathBuf::from)
            .unwrap_or_default()
    } else {
        a.model.clone()
    };
    let cfg = read_config(&dir)?;
    let ddir = a
        .data_dir
        .clone()
        .unwrap_or_else(|| data::default_dir(&cfg.dataset));
    let limit = a.test_limit.or(cfg.test_limit);
    let ds = data::load(&cfg.dataset, &ddir, Some(0), limit)?;
    let rep = evaluate_dir(&dir, &ds.test)?;
    let out = a.out.clone().unwrap_or_else(|| dir.clone());
    let files = write_report(&rep, &dir, &out)?;
    println!("accuracy {:.4} on {} test images", rep.accuracy, rep.images);
    println!("confusion (rows: true class, columns: predicted):");
    for (i, row) in rep.confusion.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|v| format!("{v:5}")).collect();
        println!("  {i}: {}", cells.join(""));
    }
    for f in files {
        eprintln!("wrote {}", f.display());
    }
    Ok(())
}
