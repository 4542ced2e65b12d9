//! Every traceback that `errdex verify` captured from a real SDK (the records in
//! `verification/`) is diagnosed as its own entry: a change to the engine or to another
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
                if traceback.is_empty() {
                    continue;
                }
                count += 1;
                let d = diagnoser.diagnose(traceback);
                let top = d.matches.first().map(|m| m.id.to_string());
                if top.as_deref() != Some(entry) {
                    failures.push(format!(
                        "{entry} ({} {}): got {top:?}",
                        run["sdk"].as_str().unwrap_or("?"),
                        run["sdk_version"].as_str().unwrap_or("?")
                    ));
                }
            }
        }
    }
    assert!(count > 0, "no records in {}", root.display());
    assert!(
        failures.is_empty(),
        "{} of {count} captured tracebacks are not diagnosed as their entry:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
