//! `errdex check [--kb DIR]`: every problem of a knowledge-base folder, with file:line.

use crate::cli::CheckArgs;
use crate::output::{Exit, Output};

pub fn run(args: CheckArgs, out: &Output) -> anyhow::Result<Exit> {
    let loaded = errdex_entry::load_kb(&args.kb)?;
    let problems = errdex_entry::check(&loaded);
    let mut text = String::new();
    for problem in &problems {
        text.push_str(&format!("{problem}\n"));
    }
    out.print(&text)?;
    if problems.is_empty() {
        eprintln!(
            "{}: {} entries, no problems",
            args.kb.display(),
            loaded.entries.len()
        );
        Ok(Exit::Success)
    } else {
        eprintln!(
            "{}: {} problem(s); fix them and run `errdex check` again",
            args.kb.display(),
            problems.len()
        );
        Ok(Exit::Failure)
    }
}
