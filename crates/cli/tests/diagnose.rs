//! `errdex diagnose`, `scan` and `run` as users run them: a scrubbed environment, real
//! inputs from `crates/diagnose/tests/inputs/`, snapshots of the JSON contract and of the
//! terminal output, and the guarantee that no key reaches any output.

mod common;

use common::errdex;
use std::process::Output;

const INPUTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../diagnose/tests/inputs");

fn input(name: &str) -> Vec<u8> {
    std::fs::read(format!("{INPUTS}/{name}")).unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn diagnose_json_is_the_documented_contract() {
    // --top 1: the runner-up depends on which other entries exist.
    let o = errdex(
        &["diagnose", "--json", "--top", "1"],
        &input("capture-anthropic-401.txt"),
    );
    assert!(o.status.success());
    let value: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    insta::assert_json_snapshot!("diagnose_json", value);
}

#[test]
fn diagnose_terminal_output() {
    let o = errdex(
        &["diagnose", "--color", "never"],
        &input("capture-anthropic-401.txt"),
    );
    assert!(o.status.success());
    insta::assert_snapshot!("diagnose_terminal", stdout(&o));
}

#[test]
fn diagnose_no_match_exits_1_with_suggestions() {
    let o = errdex(
        &["diagnose", "--color", "never"],
        &input("negative-github-401.txt"),
    );
    assert_eq!(o.status.code(), Some(1));
    // The suggestions depend on the knowledge base of the day: snapshot the rest.
    let text = stdout(&o);
    let (head, rest) = text.split_once("Nearest entries\n").expect("suggestions");
    assert!(rest.starts_with("  errdex explain "), "{rest}");
    insta::assert_snapshot!("diagnose_no_match_terminal", head);
    let o = errdex(
        &["diagnose", "--json", "-"],
        &input("negative-github-401.txt"),
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(value["matches"], serde_json::json!([]));
}

#[test]
fn diagnose_reads_a_file_argument() {
    let path = format!("{INPUTS}/report-openai-v0-openinterpreter-679.txt");
    let o = errdex(&["diagnose", "--json", "--top", "1", &path], b"");
    let value: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(value["matches"].as_array().unwrap().len(), 1);
    assert_eq!(value["matches"][0]["id"], "openai/insufficient-quota-v0");
    assert_eq!(value["facts"]["sdk_version"], "<1.0");
}

#[test]
fn batch_answers_one_line_per_input() {
    let batch = [
        serde_json::json!({"id": "a", "text": String::from_utf8(input("capture-anthropic-401.txt")).unwrap(), "provider": "ignored"}),
        serde_json::json!({"id": 2, "text": "npm ERR! code ERESOLVE"}),
    ]
    .iter()
    .map(|v| v.to_string())
    .collect::<Vec<_>>()
    .join("\n");
    let o = errdex(&["diagnose", "--batch", "-"], batch.as_bytes());
    assert!(o.status.success());
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(
        lines[0]["matches"][0]["id"],
        "anthropic/authentication-error"
    );
    assert_eq!(lines[0]["matches"][0]["kind"], "authentication");
    assert_eq!(lines[1], serde_json::json!({"id": 2, "matches": []}));
}

/// A key pasted with the error reaches no output format, human, JSON, batch or scan.
#[test]
fn no_key_reaches_any_output() {
    let key = "sk-ant-api03-Q2xhdWRlSXNBUmVhbGx5TmljZU1vZGVsVGhhdEhlbHBzUGVvcGxlMTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PAA";
    let mut text = format!("export ANTHROPIC_API_KEY={key}\ncurl -H 'x-api-key: {key}' https://api.anthropic.com/v1/messages\n").into_bytes();
    text.extend(input("capture-anthropic-401.txt"));
    let hidden = &key[30..80];
    for args in [
        vec!["diagnose"],
        vec!["diagnose", "--json"],
        vec!["scan"],
        vec!["scan", "--json"],
    ] {
        let o = errdex(&args, &text);
        let all = format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
        assert!(!all.contains(hidden), "{args:?} leaked the key:\n{all}");
    }
    let batch =
        serde_json::json!({"id": 1, "text": String::from_utf8(text.clone()).unwrap()}).to_string();
    let o = errdex(&["diagnose", "--batch", "-"], batch.as_bytes());
    assert!(!stdout(&o).contains(hidden));
}

#[test]
fn scan_groups_repeats_with_line_numbers() {
    let mut log = Vec::new();
    for _ in 0..2 {
        log.extend_from_slice(b"2026-11-23T12:00:00Z INFO GET /health 200\n");
        log.extend(input("report-json-body-ai-automation-153.txt"));
    }
    let o = errdex(&["scan", "--json"], &log);
    assert!(o.status.success());
    let value: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(value["path"], "-");
    assert_eq!(value["groups"][0]["id"], "anthropic/authentication-error");
    assert_eq!(value["groups"][0]["count"], 2);
    assert_eq!(value["groups"][0]["first_line"], 2);
    assert_eq!(value["groups"][0]["last_line"], 4);
}

#[cfg(unix)]
#[test]
fn run_passes_output_through_and_keeps_the_exit_status() {
    let script = format!(
        "cat '{INPUTS}/capture-anthropic-401.txt' >&2; echo out; echo \"py=$PYTHONUNBUFFERED\"; exit 3"
    );
    let o = errdex(&["run", "--", "sh", "-c", &script], b"");
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(stdout(&o), "out\npy=1\n");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("Traceback (most recent call last):"),
        "{err}"
    );
    assert!(err.contains("errdex: diagnosis of the output above"));
    assert!(err.contains("anthropic/authentication-error"));
    let o = errdex(&["run", "--", "sh", "-c", "echo fine"], b"");
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "fine\n");
    assert!(o.stderr.is_empty());
}
