//! `errdex doctor [--env-file PATH]… [--online [--allow-host HOST]…] [--provider P]… [--json]`
//!
//! Exit status: 0 when nothing is wrong, 1 when any error or warning was found (or a
//! `.env` file could not be read), 2 on usage errors — so it can gate CI and pre-commit.

use crate::cli::DoctorArgs;
use crate::output::{self, Exit, Output, BAD, BOLD, DIM, GOOD};
use errdex_doctor::{Finding, Inputs, Severity};
use serde::Serialize;
use std::collections::BTreeMap;

/// The `--json` document (schema in README.md).
#[derive(Serialize)]
struct Report<'a> {
    /// Providers in use (or demanded), in taxonomy order.
    providers: Vec<&'static str>,
    /// The dotenv files read.
    files: Vec<String>,
    /// Lines of those files that could not be parsed, as `file:line: message`.
    file_errors: Vec<String>,
    findings: &'a [Finding],
    /// True when nothing of severity error or warning was found.
    ok: bool,
}

pub fn run(args: DoctorArgs, out: &Output) -> anyhow::Result<Exit> {
    let cwd = std::env::current_dir()?;
    let (files, file_errors) = errdex_doctor::load_files(&cwd, &args.env_files);
    // Only the variables the doctor knows are read from the environment.
    let env = std::env::vars_os()
        .filter_map(|(k, v)| {
            let k = k.into_string().ok()?;
            errdex_doctor::known_variable(&k).then(|| (k, v.to_string_lossy().into_owned()))
        })
        .collect();
    let inputs = Inputs {
        env,
        files,
        demanded: args.provider.clone(),
        only: args.provider.clone(),
    };
    let index = errdex_kb::index();
    let exists = |id: &str| id.parse().ok().is_some_and(|id| index.get(&id).is_some());
    let mut findings = errdex_doctor::diagnose_keys(&inputs, &exists);
    if args.online {
        findings.extend(errdex_doctor::check_online(
            &inputs,
            &args.allow_hosts,
            &exists,
        ));
    }
    // Files are named as the user would type them, relative to the current directory.
    for f in &mut findings {
        if let errdex_doctor::Source::File { path, .. } = &mut f.source {
            if let Ok(rel) = path.strip_prefix(&cwd) {
                *path = rel.to_path_buf();
            }
        }
    }
    let providers = errdex_doctor::providers_in_use(&inputs);
    let ok = file_errors.is_empty() && findings.iter().all(|f| f.severity == Severity::Info);
    let relative = |p: &std::path::Path| p.strip_prefix(&cwd).unwrap_or(p).display().to_string();

    if args.json {
        output::json(
            out,
            &Report {
                providers: providers.iter().map(|p| p.as_str()).collect(),
                files: inputs.files.iter().map(|(p, _)| relative(p)).collect(),
                file_errors: file_errors
                    .iter()
                    .map(|e| format!("{}:{}: {}", relative(&e.file), e.line, e.message))
                    .collect(),
                findings: &findings,
                ok,
            },
        )?;
        return Ok(if ok { Exit::Success } else { Exit::Failure });
    }

    let mut text = String::new();
    for e in &file_errors {
        text.push_str(&format!(
            "{} {}:{}: {}\n",
            out.paint(BAD, "✗"),
            relative(&e.file),
            e.line,
            e.message
        ));
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
    for f in &findings {
        by_provider.entry(f.provider).or_default().push(f);
    }
    for provider in &providers {
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
    Ok(if ok { Exit::Success } else { Exit::Failure })
}
