//! The binary as users run it: every test spawns `errdex` with a scrubbed environment
//! (no API keys, no colour preference) and checks its output and exit status.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn errdex(args: &[&str]) -> Output {
    common::errdex_without_keys()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("errdex runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 output")
}

const FOUNDING: &str = "anthropic/authentication-error";

#[test]
fn explain_prints_every_section_in_page_order() {
    let o = errdex(&["explain", FOUNDING]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        !text.contains('\x1b'),
        "colour when stdout is not a terminal"
    );
    let order = [
        "What it means",
        "Stack trace",
        "Quick fix",
        "Why it happens",
        "Detection",
        "Causes & fixes",
        "Code",
        "Workaround",
        "Prevention",
        "Compatibility",
        "Verified",
        "Community notes",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|h| {
            text.find(&format!("\n{h}\n"))
                .unwrap_or_else(|| panic!("no section {h}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "sections out of order"
    );
    // The verification date changes with every `errdex verify`; the rest must not.
    let json = stdout(&errdex(&["explain", FOUNDING, "--json"]));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let text = match json["verification"]["date"].as_str() {
        Some(date) => text.replace(date, "[date]"),
        None => text,
    };
    insta::assert_snapshot!("explain_terminal", text);
}

#[test]
fn explain_json_has_every_field_and_section() {
    let o = errdex(&["explain", FOUNDING, "--json"]);
    assert!(o.status.success());
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["id"], FOUNDING);
    assert_eq!(json["provider"], "anthropic");
    assert_eq!(json["kind"], "authentication");
    for section in [
        "meaning",
        "quick_fix",
        "why",
        "detection",
        "workaround",
        "prevention",
    ] {
        assert!(
            json["sections"][section]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{section}"
        );
    }
    assert!(json["sections"]["causes"]
        .as_array()
        .is_some_and(|c| !c.is_empty()));
    let examples = json["sections"]["code"]["examples"].as_array().unwrap();
    assert!(examples
        .iter()
        .any(|x| x["role"] == "broken" && x["raises"].is_string()));
    assert!(examples.iter().any(|x| x["role"] == "fixed"));
    let mut json = json;
    if json["verification"]["date"].is_string() {
        json["verification"]["date"] = "[date]".into();
    }
    insta::assert_json_snapshot!("explain_json", json);
}

#[test]
fn colour_is_on_only_when_asked_for_or_on_a_terminal() {
    let always = stdout(&errdex(&["--color", "always", "explain", FOUNDING]));
    assert!(always.contains("\x1b["));
    let never = stdout(&errdex(&["--color", "never", "explain", FOUNDING]));
    assert!(!never.contains('\x1b'));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_errdex"));
    let no_color = cmd
        .args(["explain", FOUNDING])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&no_color).contains('\x1b'));
}

#[test]
fn an_unknown_id_names_the_nearest_ids_and_exits_1() {
    let o = errdex(&["explain", "anthropic/authentcation-eror"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("no entry `anthropic/authentcation-eror`"),
        "{err}"
    );
    assert!(err.contains(FOUNDING), "{err}");
    let o = errdex(&["explain", "../../etc/passwd"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn list_json_describes_every_entry_and_each_one_explains() {
    let o = errdex(&["list", "--json"]);
    assert!(o.status.success());
    let items: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(items.len() >= 4, "the four founding entries at least");
    for item in &items {
        for field in [
            "id",
            "provider",
            "kind",
            "title",
            "http_status",
            "exceptions",
            "verified",
            "verification",
        ] {
            assert!(item.get(field).is_some(), "{field} missing in {item}");
        }
        assert!(["not_run", "passed", "failed", "unverifiable"]
            .contains(&item["verification"].as_str().unwrap()));
        assert_eq!(item["verified"], item["verification"] == "passed");
        let id = item["id"].as_str().unwrap();
        assert!(errdex(&["explain", id]).status.success(), "{id}");
    }
    for (provider, kind) in [
        ("anthropic", "authentication"),
        ("anthropic", "missing_api_key"),
        ("fireworks", "authentication"),
        ("fireworks", "missing_api_key"),
    ] {
        assert!(
            items
                .iter()
                .any(|i| i["provider"] == provider && i["kind"] == kind),
            "no founding entry for {provider} {kind}"
        );
    }
}

#[test]
fn list_filters_by_provider_and_kind_and_rejects_unknown_values() {
    let o = errdex(&["list", "--json", "--provider", "fireworks"]);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["provider"] == "fireworks"));
    let o = errdex(&[
        "list",
        "--json",
        "--kind",
        "authentication",
        "--provider",
        "anthropic",
    ]);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(items
        .iter()
        .all(|i| i["provider"] == "anthropic" && i["kind"] == "authentication"));
    assert!(items.iter().any(|i| i["id"] == FOUNDING), "{items:#?}");
    let o = errdex(&["list", "--provider", "claude"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("anthropic, openai"), "{}", stderr(&o));
}

#[test]
fn search_ranks_matching_entries_and_exits_1_on_nothing() {
    let o = errdex(&["search", "--json", "invalid", "x-api-key"]);
    assert!(o.status.success());
    let hits: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(hits[0]["id"], FOUNDING, "{hits:#?}");
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "ranked best first");
    let o = errdex(&["search", "qqzzxv"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no entry matches"));
}

#[test]
fn check_passes_on_the_knowledge_base_and_fails_with_file_and_line_on_a_broken_one() {
    let kb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb");
    let o = errdex(&["check", "--kb", kb.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let broken =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../entry/tests/fixtures/many-problems/kb");
    let o = errdex(&["check", "--kb", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(
        out.contains("example-error.md:5: unknown kind `auth`"),
        "{out}"
    );
    assert!(stderr(&o).contains("3 problem(s)"));
    let o = errdex(&["check", "--kb", "/no/such/folder"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read the knowledge base"));
}

#[test]
fn version_names_the_knowledge_base_revision_and_size() {
    let o = errdex(&["--version"]);
    let text = stdout(&o);
    assert!(
        text.starts_with(concat!("errdex ", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(
        text.contains("knowledge base ") && text.contains(" entries)"),
        "{text}"
    );
}
