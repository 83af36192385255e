//! `.control` ... `.endc` blocks: taken out of the physical lines before the netlist lexer
//! sees them (their lines are not netlist syntax), kept verbatim with their spans.
//!
//! Both keywords are case-insensitive (a block also ends at `.endcontrol`, as in ngspice)
//! and may come from `.include`d files. A `.control`
//! after `.end` is ignored (as everything after `.end`); a `.control` without `.endc` is an
//! error at the `.control` line.

use super::ast::{ControlBlock, ControlLine};
use super::source::PhysLine;
use crate::error::{Error, Result};

fn keyword(text: &str) -> String {
    text.split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Split `lines` (after the title) into the netlist lines and the control blocks.
pub fn extract(lines: &[PhysLine]) -> Result<(Vec<PhysLine>, Vec<ControlBlock>)> {
    let mut rest = Vec::with_capacity(lines.len());
    let mut blocks = Vec::new();
    let mut open: Option<ControlBlock> = None;
    let mut ended = false;
    for l in lines {
        let kw = keyword(&l.text);
        if let Some(b) = open.as_mut() {
            // ngspice ends a block at any word starting with `.endc` (`.endcontrol`).
            if kw.starts_with(".endc") {
                blocks.extend(open.take());
            } else {
                b.lines.push(ControlLine {
                    text: l.text.clone(),
                    span: l.span(1, l.text.trim_end()),
                });
            }
            continue;
        }
        if ended {
            rest.push(l.clone());
            continue;
        }
        match kw.as_str() {
            ".control" => {
                let col = l.text.chars().take_while(|c| c.is_whitespace()).count() + 1;
                open = Some(ControlBlock {
                    span: l.span(col, ".control"),
                    lines: Vec::new(),
                });
            }
            ".end" => {
                ended = true;
                rest.push(l.clone());
            }
            _ => rest.push(l.clone()),
        }
    }
    if let Some(b) = open {
        return Err(Error::at(
            b.span,
            "`.control` block without `.endc`",
            Some("end the block with a line `.endc`".into()),
        ));
    }
    Ok((rest, blocks))
}
