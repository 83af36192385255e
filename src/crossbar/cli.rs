//! CLI.
/// Run.
pub fn run(_a: &crate::cli::CrossbarCommand) -> crate::Result<()> {
    Err(crate::Error::Usage("not yet".into()))
}
