//! Hostile content: entry signal regexes that a backtracking engine takes exponential time
//! on. Diagnosis compiles signals with the `regex` crate only (finite automata, linear in
//! the input), so an adversarial 50 KB text is diagnosed like any other. No timing is
//! asserted: with a backtracking engine these inputs would need ~2^50000 steps, so the test
//! finishing at all is the proof.

use errdex_diagnose::Diagnoser;
use errdex_entry::{parse_entry, EntryId, Index};
use std::path::Path;

/// A minimal valid entry whose only signal is `regex`.
fn entry(id: &str, regex: &str) -> String {
    let (provider, _) = id.split_once('/').unwrap();
    let front = format!(
        "+++\ntitle = \"{id}\"\nsummary = \"A test entry.\"\nprovider = \"{provider}\"\nkind = \"bad_request\"\n\
         http_status = 400\nseverity = \"high\"\ndifficulty = \"beginner\"\ntime_to_fix = \"5 minutes\"\n\
         retryable = false\nsources = [\"test\"]\n\n[[exceptions]]\nlanguage = \"python\"\nsdk = \"anthropic\"\n\
         versions = \">=1\"\nclass = \"anthropic.BadRequestError\"\n\n[signals]\nregexes = ['{regex}']\n\n\
         [[compatibility]]\nlanguage = \"python\"\nruntime = \">=3.9\"\nsdk = \"anthropic\"\nversions = \">=1\"\n+++\n"
    );
    let body = "## What it means\n\nM.\n\n## Quick fix\n\nQ.\n\n## Why it happens\n\nW.\n\n## Detection\n\nD.\n\n\
         ## Causes & fixes\n\n1. **C.** Fix: F.\n\n## Code\n\nChanged.\n\n\
         ```python,broken,sdk=anthropic>=1,scenario=invalid_key,raises=anthropic.BadRequestError\nimport anthropic\n```\n\n\
         ```python,fixed,sdk=anthropic>=1,scenario=ok\nimport anthropic\n```\n\n\
         ## Workaround\n\nA.\n\n## Prevention\n\nP.\n";
    format!("{front}\n{body}")
}

const NESTED_PLUS: &str = "anthropic/nested-plus";
const ALTERNATION: &str = "anthropic/alternation-star";

fn diagnoser() -> Diagnoser {
    let mut entries = Vec::new();
    for (id, regex) in [(NESTED_PLUS, r"^(a+)+$"), (ALTERNATION, r"(a|a)*b")] {
        let parsed = parse_entry(
            Path::new("test.md"),
            id.parse::<EntryId>().unwrap(),
            &entry(id, regex),
        )
        .unwrap_or_else(|problems| panic!("{problems:?}"));
        entries.push(parsed.entry);
    }
    Diagnoser::new(&Index {
        revision: "test".into(),
        entries,
        problems: Vec::new(),
    })
}

fn named(d: &errdex_diagnose::Diagnosis) -> Vec<String> {
    d.matches.iter().map(|m| m.id.to_string()).collect()
}

#[test]
fn catastrophic_patterns_run_in_linear_time() {
    let d = diagnoser();
    // The regexes are live: a short text each one matches names its entry by the pattern.
    for (text, id) in [("aaaa", NESTED_PLUS), ("aaab", ALTERNATION)] {
        let diagnosis = d.diagnose(text);
        let top = diagnosis
            .matches
            .first()
            .unwrap_or_else(|| panic!("{text}"));
        assert_eq!(top.id.to_string(), id);
        assert!(top.evidence.iter().any(|e| e.signal == "message_pattern"));
    }
    // The inputs that make a backtracking engine explore every split of the `a`s before
    // failing: 50,000 of them, then a character that makes the match fail.
    let run = "a".repeat(50_000);
    for text in [format!("{run}!"), format!("{run}!\n{run}c"), run.clone()] {
        let diagnosis = d.diagnose(&text);
        assert!(
            !named(&diagnosis).contains(&ALTERNATION.to_string()),
            "no `b`, no match"
        );
        assert_eq!(
            named(&diagnosis).contains(&NESTED_PLUS.to_string()),
            !text.contains('!'),
            "only a text of `a`s alone matches `^(a+)+$`"
        );
    }
}
