//! Small knowledge bases written in a test, so that what it asserts does not depend on
//! which entries `kb/` holds.

// Each test file is its own crate and uses part of this module.
#![allow(dead_code)]

use errdex_diagnose::Diagnoser;
use errdex_entry::{parse_entry, EntryId, Index};
use std::path::Path;

/// A minimal valid entry. `exceptions` are `(sdk, class)` pairs (Python, versions `>=1`);
/// the first one's package is its compatibility and examples. `signals` is the body of its
/// `[signals]` table, e.g. `literals = ["…"]`.
pub fn entry(
    id: &str,
    kind: &str,
    status: u16,
    exceptions: &[(&str, &str)],
    signals: &str,
) -> String {
    let (provider, _) = id.split_once('/').unwrap();
    let mut front = format!(
        "+++\ntitle = \"{id}\"\nsummary = \"A test entry.\"\nprovider = \"{provider}\"\nkind = \"{kind}\"\n\
         http_status = {status}\nseverity = \"high\"\ndifficulty = \"beginner\"\ntime_to_fix = \"5 minutes\"\n\
         retryable = false\nsources = [\"test\"]\n"
    );
    for (sdk, class) in exceptions {
        front.push_str(&format!(
            "\n[[exceptions]]\nlanguage = \"python\"\nsdk = \"{sdk}\"\nversions = \">=1\"\nclass = \"{class}\"\n"
        ));
    }
    let (sdk, class) = exceptions[0];
    front.push_str(&format!(
        "\n[signals]\n{signals}\n\n[[compatibility]]\nlanguage = \"python\"\n\
         runtime = \">=3.9\"\nsdk = \"{sdk}\"\nversions = \">=1\"\n+++\n"
    ));
    let body = format!(
        "## What it means\n\nM.\n\n## Quick fix\n\nQ.\n\n## Why it happens\n\nW.\n\n## Detection\n\nD.\n\n\
         ## Causes & fixes\n\n1. **C.** Fix: F.\n\n## Code\n\nChanged.\n\n\
         ```python,broken,sdk={sdk}>=1,scenario=invalid_key,raises={class}\nimport {sdk}\n```\n\n\
         ```python,fixed,sdk={sdk}>=1,scenario=ok\nimport {sdk}\n```\n\n\
         ## Workaround\n\nA.\n\n## Prevention\n\nP.\n"
    );
    format!("{front}\n{body}")
}

/// A diagnoser over the entries `(id, text)`, each parsed as `errdex check` would.
pub fn diagnoser_of<'a>(entries: impl IntoIterator<Item = (&'a str, String)>) -> Diagnoser {
    let entries = entries
        .into_iter()
        .map(|(id, text)| {
            let id: EntryId = id.parse().unwrap();
            parse_entry(Path::new("test.md"), id, &text)
                .unwrap_or_else(|problems| panic!("{problems:?}"))
                .entry
        })
        .collect();
    Diagnoser::new(&Index {
        revision: "test".into(),
        entries,
        problems: Vec::new(),
    })
}
