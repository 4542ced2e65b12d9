//! One fixture per kind of broken entry: `tests/fixtures/<case>/kb/` is checked and the
//! problems, one per line as `errdex check` prints them, must equal `<case>/expected.txt`
//! exactly (file, line and message). `valid/` must have none.
//!
//! After a deliberate change of messages: `ERRDEX_BLESS=1 cargo test -p errdex-entry --test
//! fixtures`, then review the diff of the expected files.

use std::path::Path;

#[test]
fn every_broken_fixture_reports_exactly_its_expected_problems() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bless = std::env::var_os("ERRDEX_BLESS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let loaded = errdex_entry::load_kb(&case.join("kb")).unwrap();
        let actual: String = errdex_entry::check(&loaded)
            .iter()
            .map(|p| {
                // Paths relative to the fixture, wherever the repository is.
                let line = format!("{}:{}: {}\n", p.file.display(), p.line, p.message);
                line.replace(&format!("{}/", case.display()), "")
            })
            .collect();
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if name == "valid" {
            assert!(
                actual.is_empty(),
                "the valid fixture has problems:\n{actual}"
            );
            assert_eq!(loaded.entries.len(), 1);
        } else if actual.is_empty() {
            failures.push(format!("{name}: no problem reported"));
        } else if actual != expected {
            failures.push(format!(
                "{name}:\n--- expected\n{expected}--- actual\n{actual}"
            ));
        }
    }
    assert!(cases.len() > 20, "fixtures missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
