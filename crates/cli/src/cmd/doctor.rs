//! `errdex doctor [--env-file PATH]… [--online [--allow-host HOST]…] [--provider P]… [--json]`
//!
//! Exit status: 0 when nothing is wrong, 1 when any error or warning was found (or a
//! `.env` file could not be read), 2 on usage errors — so it can gate CI and pre-commit.

use crate::cli::DoctorArgs;
use crate::output::{self, Exit, Output, BAD, BOLD, DIM, GOOD};
use errdex_doctor::{Finding, Severity};
use std::collections::BTreeMap;

pub fn run(args: DoctorArgs, out: &Output) -> anyhow::Result<Exit> {
    let cwd = std::env::current_dir()?;
    let index = errdex_kb::catalogue();
    let exists = |id: &str| id.parse().ok().is_some_and(|id| index.get(&id).is_some());
    let report = errdex_doctor::run(
        errdex_doctor::Check {
            dir: &cwd,
            env: errdex_doctor::process_env(),
            extra_files: &args.env_files,
            providers: args.provider.clone(),
            online: args.online.then_some(args.allow_hosts.as_slice()),
        },
        &exists,
    );
    let exit = if report.ok {
        Exit::Success
    } else {
        Exit::Failure
    };
    if args.json {
        output::json(out, &report)?;
        return Ok(exit);
    }
    let (providers, findings) = (&report.providers, &report.findings);

    let mut text = String::new();
    for e in &report.file_errors {
        text.push_str(&format!("{} {e}\n", out.paint(BAD, "✗")));
    }
    if providers.is_empty() {
        text.push_str(
            "No LLM provider variables found in the environment, ./.env or ./.env.local.\n",
        );
        text.push_str(&out.paint(
            DIM,
            "Use --provider P to demand a provider's key, --env-file PATH for other files.\n",
        ));
    }
    let mut by_provider: BTreeMap<_, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_provider.entry(f.provider).or_default().push(f);
    }
    for provider in providers {
        text.push_str(&format!("{}\n", out.paint(BOLD, provider.as_str())));
        let list = by_provider.remove(provider).unwrap_or_default();
        if list.iter().all(|f| f.severity == Severity::Info) {
            text.push_str(&format!(
                "  {} key variables look right\n",
                out.paint(GOOD, "✓")
            ));
        }
        for f in list {
            let mark = match f.severity {
                Severity::Error => out.paint(BAD, "✗"),
                Severity::Warning => out.paint(BAD, "!"),
                Severity::Info => out.paint(GOOD, "✓"),
            };
            text.push_str(&format!(
                "  {mark} {} ({}): {}\n",
                f.variable, f.source, f.message
            ));
            if f.severity != Severity::Info || f.problem == errdex_doctor::Problem::UnofficialName {
                text.push_str(&format!("      fix: {}\n", f.fix));
            }
            if let Some(entry) = &f.entry {
                text.push_str(&out.paint(DIM, &format!("      see: errdex explain {entry}\n")));
            }
        }
    }
    if !args.online && !providers.is_empty() {
        text.push_str(&out.paint(
            DIM,
            "Offline checks only; --online asks each provider's own API whether the key is valid.\n",
        ));
    }
    out.print(&text)?;
    Ok(exit)
}
