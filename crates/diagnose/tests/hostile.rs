//! Hostile content: entry signal regexes that a backtracking engine takes exponential time
//! on. Diagnosis compiles signals with the `regex` crate only (finite automata, linear in
//! the input), so an adversarial 50 KB text is diagnosed like any other. No timing is
//! asserted: with a backtracking engine these inputs would need ~2^50000 steps, so the test
//! finishing at all is the proof.

mod common;

use common::{diagnoser_of, entry};
use errdex_diagnose::Diagnoser;

const NESTED_PLUS: &str = "anthropic/nested-plus";
const ALTERNATION: &str = "anthropic/alternation-star";

fn diagnoser() -> Diagnoser {
    diagnoser_of(
        [(NESTED_PLUS, r"^(a+)+$"), (ALTERNATION, r"(a|a)*b")].map(|(id, regex)| {
            let signals = format!("regexes = ['{regex}']");
            let exception = [("anthropic", "anthropic.BadRequestError")];
            (id, entry(id, "bad_request", 400, &exception, &signals))
        }),
    )
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
