//! The entry parser on any text: `parse_entry` never panics, every problem it reports has
//! a line inside the file, and an entry it accepts renders as the JSON view.
#![no_main]

use errdex_entry::views::EntryView;
use errdex_entry::{parse_entry, EntryId, Provider};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The id comes from the file's path; take the provider the front matter names so
    // that an entry copied from kb/ can be accepted and its view rendered.
    let provider = text
        .lines()
        .find_map(|l| l.strip_prefix("provider = \""))
        .and_then(|rest| rest.split('"').next())
        .and_then(Provider::parse)
        .unwrap_or(Provider::ALL[0]);
    let id = EntryId::new(provider, "fuzz-entry").expect("a valid slug");
    let file = Path::new("kb/fuzz/fuzz-entry.md");
    match parse_entry(file, id, text) {
        Ok(parsed) => {
            serde_json::to_vec(&EntryView::new(&parsed.entry)).expect("views serialise");
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused entry names its problems");
            // Lines are 1-based; a problem at the end of the file may name the line after
            // its last newline.
            let lines = text.matches('\n').count() + 1;
            for p in &problems {
                assert!(
                    (1..=lines).contains(&p.line),
                    "problem at line {} of a {lines}-line file: {}",
                    p.line,
                    p.message
                );
            }
        }
    }
});
