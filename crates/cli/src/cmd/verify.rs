//! `errdex verify [--entry ID | --provider P] [--json] [--jobs N] [--sdk-versions PKG=V,…]`:
//! runs the examples of the knowledge base on disk with the real SDKs against the mock
//! and writes `verification/<provider>/<slug>.json`; exit 1 when any entry fails.

use crate::cli::VerifyArgs;
use crate::output::{self, Exit, Output, BAD, BOLD, DIM, GOOD};
use anyhow::{bail, Context};
use errdex_entry::{load_kb, EntryId, Index};
use errdex_verify::envs::{default_cache, Envs};
use errdex_verify::lock::Lock;
use errdex_verify::{EntryResult, Event};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;

pub fn run(args: VerifyArgs, out: &Output) -> anyhow::Result<Exit> {
    let lock_path = args.records.join("sdks.lock");
    let mut lock = Lock::load(&lock_path).map_err(anyhow::Error::msg)?;
    let envs = Envs::new(default_cache());
    if args.prepare {
        let mut failed = false;
        for (what, result) in errdex_verify::prepare(&lock, &envs) {
            match result {
                Ok(dir) => eprintln!("ready  {what}  {dir}"),
                Err(e) => {
                    failed = true;
                    eprintln!("FAILED {what}: {e}");
                }
            }
        }
        return Ok(if failed { Exit::Failure } else { Exit::Success });
    }
    let loaded = load_kb(&args.kb).with_context(|| format!("cannot read {}", args.kb.display()))?;
    let mut entries: Vec<_> = loaded.entries.into_iter().map(|p| p.entry).collect();
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    let index = Index {
        revision: String::new(),
        entries: entries.clone(),
        problems: Vec::new(),
    };
    if let Some(id) = &args.entry {
        let wanted: EntryId = id.parse().map_err(|e| anyhow::anyhow!("{id}: {e}"))?;
        entries.retain(|e| e.id == wanted);
        if entries.is_empty() {
            bail!(
                "no entry {id} in {}; `errdex list` shows the ids",
                args.kb.display()
            );
        }
    }
    if let Some(p) = args.provider {
        entries.retain(|e| e.provider == p);
    }
    let extra =
        errdex_verify::parse_sdk_versions(&args.sdk_versions).map_err(anyhow::Error::msg)?;
    let plan = errdex_verify::plan(entries, &mut lock, &envs, &extra)?;
    lock.save_merged(&lock_path).map_err(anyhow::Error::msg)?;

    let bar = ProgressBar::new(plan.len() as u64);
    if args.json || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} verifying [{bar:30}] {pos}/{len} {elapsed} {wide_msg}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let running = Mutex::new(Vec::<String>::new());
    let plain = !args.json && !std::io::stderr().is_terminal();
    let on_event = |event: Event| {
        let mut now = running.lock().expect("running");
        match event {
            Event::Started(id) => now.push(id.to_string()),
            Event::Finished(r) => {
                now.retain(|i| i != &r.id);
                bar.inc(1);
                let line = format!(
                    "{} {} ({:.1} s)",
                    if r.passed { "passed" } else { "FAILED" },
                    r.id,
                    r.seconds
                );
                if plain {
                    eprintln!("{line}");
                } else if !args.json {
                    bar.println(line);
                }
            }
        }
        bar.set_message(now.join(", "));
    };
    let diagnoser = errdex_diagnose::Diagnoser::new(&index);
    let diagnose = |text: &str| Some(diagnose_top(&diagnoser, text));
    let results =
        errdex_verify::verify(plan, &args.records, args.jobs, &envs, &diagnose, &on_event);
    bar.finish_and_clear();

    if args.json {
        output::json(out, &results)?;
    } else {
        out.print(&table(&results, out))?;
    }
    Ok(if results.iter().all(|r| r.passed) {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// The diagnosis step: the top match of errdex's own diagnosis (of the knowledge base
/// being verified) for everything the broken example printed.
fn diagnose_top(diagnoser: &errdex_diagnose::Diagnoser, printed: &str) -> Result<String, String> {
    let diagnosis = diagnoser.diagnose(printed);
    match diagnosis.matches.first() {
        Some(top) => Ok(top.id.to_string()),
        None => Err("errdex diagnose matched no entry".into()),
    }
}

fn table(results: &[EntryResult], out: &Output) -> String {
    let width = results.iter().map(|r| r.id.len()).max().unwrap_or(5).max(5);
    let mut text = format!(
        "{}\n",
        out.paint(
            BOLD,
            &format!("{:width$}  result  {:>6}  sdk", "entry", "time")
        )
    );
    for r in results {
        let result = if r.passed {
            out.paint(GOOD, "passed")
        } else {
            out.paint(BAD, "FAILED")
        };
        text.push_str(&format!(
            "{:width$}  {result}  {:>5.1}s  {}\n",
            r.id,
            r.seconds,
            r.sdks.join(", ")
        ));
        for f in &r.failures {
            text.push_str(&format!("{}  {}\n", " ".repeat(width), out.paint(BAD, f)));
        }
        for s in r.skipped.iter().take(1) {
            text.push_str(&format!("{}  {}\n", " ".repeat(width), out.paint(DIM, s)));
        }
    }
    let passed = results.iter().filter(|r| r.passed).count();
    text.push_str(&format!(
        "{}\n",
        out.paint(
            DIM,
            &format!(
                "{passed} passed, {} failed; records in verification/",
                results.len() - passed
            )
        )
    ));
    text
}
