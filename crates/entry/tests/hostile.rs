//! Hostile content files: what an entry file can hold that must not crash, hang or slip a
//! slow regex past `check` (the catalogue in SECURITY.md). Each case starts from the valid
//! fixture and changes one thing.

use errdex_entry::{parse_entry, EntryId, Problem};
use std::path::Path;

const VALID: &str = include_str!("fixtures/valid/kb/anthropic/example-error.md");

fn id() -> EntryId {
    "anthropic/example-error".parse().unwrap()
}

fn parse(text: &str) -> Result<errdex_entry::Parsed, Vec<Problem>> {
    parse_entry(Path::new("kb/anthropic/example-error.md"), id(), text)
}

/// The valid entry with `extra` appended to its "What it means" section.
fn with_meaning(extra: &str) -> String {
    let at = VALID.find("The key was rejected.").unwrap();
    format!("{}{extra}\n\n{}", &VALID[..at], &VALID[at..])
}

/// The valid entry with its one signal regex replaced.
fn with_regex(pattern: &str) -> String {
    VALID.replace(
        r"regexes = ['(?i)invalid\s+x-api-key']",
        &format!("regexes = ['{pattern}']"),
    )
}

fn messages(result: Result<errdex_entry::Parsed, Vec<Problem>>) -> Vec<String> {
    match result {
        Ok(_) => Vec::new(),
        Err(problems) => problems.into_iter().map(|p| p.message).collect(),
    }
}

/// pulldown-cmark builds its tree without recursion, and the parser walks events: 10,000
/// levels of block quotes, lists, emphasis and brackets parse on a test thread's 2 MiB stack.
#[test]
fn ten_thousand_levels_of_nested_markdown_parse_without_overflowing_the_stack() {
    let depth = 10_000;
    for nested in [
        ">".repeat(depth) + " deep",
        "*".repeat(depth) + "deep" + &"*".repeat(depth),
        "[".repeat(depth) + "deep" + &"]".repeat(depth),
        (0..depth).map(|_| "- ").collect::<String>() + "deep",
        "deep ".to_string() + &"`".repeat(depth),
    ] {
        let parsed = parse(&with_meaning(&nested)).unwrap_or_else(|p| panic!("{p:?}"));
        assert!(parsed.entry.sections.meaning.contains("deep"));
    }
}

/// A 10,000-deep TOML array or table in the front matter is a problem with a line, not a
/// stack overflow.
#[test]
fn deeply_nested_front_matter_is_a_problem_not_a_crash() {
    let depth = 10_000;
    for value in [
        "[".repeat(depth) + &"]".repeat(depth),
        "{ a = ".repeat(depth) + "1" + &" }".repeat(depth),
    ] {
        let text = VALID.replace("retryable = false\n", &format!("retryable = {value}\n"));
        let problems = messages(parse(&text));
        assert!(
            problems.iter().any(|m| m.starts_with("front matter:")),
            "{problems:?}"
        );
    }
}

/// Nothing is quadratic in the size of an entry: a 5 MB section parses.
#[test]
fn a_five_megabyte_entry_parses() {
    let line = "The server rejects the key because it was revoked, mistyped or never issued.\n";
    let huge = line.repeat(5 * 1024 * 1024 / line.len());
    let parsed = parse(&with_meaning(&huge)).unwrap_or_else(|p| panic!("{p:?}"));
    assert!(parsed.entry.sections.meaning.len() > 5_000_000);
}

/// Patterns that backtracking engines take exponential time on compile and are kept: the
/// `regex` crate runs them in linear time (the diagnose test `catastrophic_patterns_run_in_
/// linear_time` runs them on adversarial input).
#[test]
fn catastrophic_looking_patterns_are_accepted_by_the_linear_engine() {
    for pattern in [r"(a+)+$", r"(a|a)*b", r"(a|aa)+$", r"(.*a){12}"] {
        let parsed = parse(&with_regex(pattern)).unwrap_or_else(|p| panic!("{pattern}: {p:?}"));
        assert_eq!(parsed.entry.signals.regexes, [pattern]);
    }
}

/// Bounded repetitions multiply when nested: `(a{20}){20}` is as wide as `a{400}` and is
/// refused like it, while repetitions side by side are not; a regex too large to compile is
/// a problem, not a crash.
#[test]
fn wide_or_huge_regexes_are_refused_with_the_reason() {
    let problems = messages(parse(&with_regex(r"(?:x-api-key.{0,20}){20}")));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].contains("repeats up to 400 times"),
        "{problems:?}"
    );
    let problems = messages(parse(&with_regex(r"x-api-key [a-z]{100} [0-9]{100}")));
    assert!(problems.is_empty(), "{problems:?}");
    let huge = format!("({})", r"\w{100}".repeat(2000));
    let problems = messages(parse(&with_regex(&huge)));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("does not compile"), "{problems:?}");
}
