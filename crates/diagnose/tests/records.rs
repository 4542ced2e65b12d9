//! Every traceback that `errdex verify` captured from a real SDK (the records in
//! `verification/`), and everything each broken example printed (their transcripts), is
//! diagnosed as its own entry: a change to the engine or to another
//! entry's signals that would fail an entry's "diagnosed as this entry" step fails here,
//! in `cargo test`, without running the SDKs.

use errdex_diagnose::Diagnoser;
use std::path::Path;

#[test]
fn every_captured_traceback_is_diagnosed_as_its_entry() {
    let diagnoser = Diagnoser::new(errdex_kb::index());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../verification");
    let mut failures = Vec::new();
    let mut count = 0;
    let mut from_transcripts = 0;
    for provider in std::fs::read_dir(&root).unwrap() {
        let provider = provider.unwrap().path();
        if !provider.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&provider).unwrap() {
            let path = file.unwrap().path();
            let record: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let entry = record["entry"].as_str().unwrap();
            let current = errdex_kb::index()
                .entries
                .iter()
                .any(|e| e.id.to_string() == entry && e.status == errdex_entry::Status::Current);
            if record["passed"] != true || !current {
                continue;
            }
            for run in record["runs"].as_array().unwrap() {
                let traceback = run["traceback"].as_str().unwrap_or("");
                let transcript = run["transcript"].as_str().unwrap_or("");
                // The record keeps the first broken example's traceback; the transcript
                // has what every broken example printed (an entry may have several).
                let outputs = broken_outputs(transcript);
                from_transcripts += outputs.len();
                let printed = std::iter::once(traceback.to_string())
                    .filter(|t| !t.is_empty())
                    .chain(outputs);
                for (n, text) in printed.enumerate() {
                    count += 1;
                    let d = diagnoser.diagnose(&text);
                    let top = d.matches.first().map(|m| m.id.to_string());
                    if top.as_deref() != Some(entry) {
                        failures.push(format!(
                            "{entry} ({} {}, output {n}): got {top:?}",
                            run["sdk"].as_str().unwrap_or("?"),
                            run["sdk_version"].as_str().unwrap_or("?")
                        ));
                    }
                }
            }
        }
    }
    assert!(count > 0, "no records in {}", root.display());
    assert!(
        from_transcripts > 0,
        "no broken example's output in the transcripts"
    );
    eprintln!("{count} outputs, {from_transcripts} of them from transcripts");
    assert!(
        failures.is_empty(),
        "{} of {count} captured tracebacks are not diagnosed as their entry:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What each broken example printed, from a record's transcript: the `stdout:` and
/// `stderr:` blocks of every `--- broken example` section, indented by two spaces there.
fn broken_outputs(transcript: &str) -> Vec<String> {
    transcript
        .split("\n--- ")
        .filter(|section| section.starts_with("broken example"))
        .filter_map(|section| {
            let start = section.find("\nstdout:\n")?;
            let end = section[start..].find("\nmock log:")? + start;
            let text: Vec<&str> = section[start + 1..end]
                .lines()
                .filter(|l| !matches!(*l, "stdout:" | "stderr:" | "  (nothing)"))
                .map(|l| l.strip_prefix("  ").unwrap_or(l))
                .collect();
            Some(text.join("\n"))
        })
        .collect()
}

#[test]
fn a_transcript_gives_what_each_broken_example_printed() {
    let transcript = "== errdex verify x\n\n--- broken example (line 3, scenario `a`)\n$ python app.py\nexit: Some(1)\nstdout:\n  (nothing)\nstderr:\n  Traceback (most recent call last):\n  anthropic.BadRequestError: 400\nmock log:\n  POST → 400\n\n--- fixed example (line 9, scenario `ok`)\nstdout:\n  fine\nstderr:\n  (nothing)\nmock log:\n  POST → 200\n\n--- broken example (line 20, scenario `b`)\nstdout:\n  partial\nstderr:\n  Error: 413\nmock log:\n";
    assert_eq!(
        broken_outputs(transcript),
        [
            "Traceback (most recent call last):\nanthropic.BadRequestError: 400",
            "partial\nError: 413"
        ]
    );
}
