//! `spinspice crossbar validate | plan | job | merge`: the flags become a
//! [`SweepCommand`], which [`spinspice::crossbar::sweep`] runs.

use super::args::{CrossbarCommand, CrossbarValidateArgs};
use super::progress::Reporter;
use spinspice::crossbar::sweep::{self, JobArgs, MergeArgs, PlanArgs, SweepCommand, ValidateArgs};
use std::time::Duration;

impl From<&CrossbarValidateArgs> for ValidateArgs {
    fn from(a: &CrossbarValidateArgs) -> Self {
        ValidateArgs {
            model: a.model.clone(),
            layer: a.layer.clone(),
            images: a.images,
            tile: a.tile.clone(),
            variation: a.variation.clone(),
            levels: a.levels,
            seeds: a.seeds,
            seed: a.seed,
            g_min: a.g_min,
            g_max: a.g_max,
            r_p: a.r_p,
            r_ap: a.r_ap,
            stuck_on: a.stuck_on.clone(),
            stuck_off: a.stuck_off.clone(),
            scheme: a.scheme.clone(),
            r_wire: a.r_wire,
            data_dir: a.data_dir.clone(),
            out: a.out.clone(),
        }
    }
}

impl From<&CrossbarCommand> for SweepCommand {
    fn from(c: &CrossbarCommand) -> Self {
        match c {
            CrossbarCommand::Validate(a) => SweepCommand::Validate(a.into()),
            CrossbarCommand::Plan(p) => SweepCommand::Plan(PlanArgs {
                validate: (&p.validate).into(),
                jobs: p.jobs,
                dir: p.dir.clone(),
            }),
            CrossbarCommand::Merge(m) => SweepCommand::Merge(MergeArgs { dir: m.dir.clone() }),
            CrossbarCommand::Job(j) => SweepCommand::Job(JobArgs {
                spec: j.spec.clone(),
            }),
        }
    }
}

/// Run `spinspice crossbar ...` (seed and summary lines on stderr).
pub fn run(c: &CrossbarCommand) -> spinspice::Result<()> {
    sweep::run_with(&c.into(), &mut Reporter::stderr(Duration::from_secs(2)))
}
