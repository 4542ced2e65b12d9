//! Boundary tests driven by data: real inputs (captures and public reports, never the
//! devset) in `tests/inputs/` with the entry each must be diagnosed as, listed in
//! `tests/inputs/EXPECTED`; then every input shape of issue 3, built from a real capture.

use errdex_diagnose::{Diagnoser, Diagnosis};
use std::path::Path;
use std::sync::OnceLock;

fn diagnoser() -> &'static Diagnoser {
    static D: OnceLock<Diagnoser> = OnceLock::new();
    D.get_or_init(|| Diagnoser::new(errdex_kb::index()))
}

fn inputs() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/inputs"))
}

fn top(d: &Diagnosis) -> String {
    d.matches
        .first()
        .map_or("none".to_string(), |m| m.id.to_string())
}

/// Evidence offsets point into the redacted text, at the value they name.
fn assert_evidence_points_into_text(d: &Diagnosis) {
    for m in &d.matches {
        assert!((0.0..=1.0).contains(&m.confidence));
        for e in &m.evidence {
            let at = d
                .text
                .get(e.start..e.end)
                .unwrap_or_else(|| panic!("{e:?} outside the text"));
            assert!(
                at.eq_ignore_ascii_case(&e.value) || e.signal == "sdk_version",
                "{e:?} points at {at:?}"
            );
        }
    }
}

#[test]
fn every_real_input_is_diagnosed_as_expected() {
    let expected = std::fs::read_to_string(inputs().join("EXPECTED")).unwrap();
    let mut failures = Vec::new();
    let mut count = 0;
    for line in expected
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (file, want) = line.split_once(char::is_whitespace).unwrap();
        let bytes = std::fs::read(inputs().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let d = diagnoser().diagnose(&bytes);
        assert_evidence_points_into_text(&d);
        let got = top(&d);
        if got != want.trim() {
            failures.push(format!(
                "{file}: expected {}, got {got} ({:?})",
                want.trim(),
                d.matches.first().map(|m| (m.confidence, &m.evidence))
            ));
        }
        count += 1;
    }
    assert!(count >= 20, "only {count} inputs");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every file in the folder is listed (so none is silently skipped).
#[test]
fn every_input_file_is_listed() {
    let expected = std::fs::read_to_string(inputs().join("EXPECTED")).unwrap();
    for entry in std::fs::read_dir(inputs()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name != "EXPECTED" {
            assert!(
                expected.lines().any(|l| l.starts_with(&format!("{name} "))),
                "{name} is not in EXPECTED"
            );
        }
    }
}

fn capture() -> String {
    std::fs::read_to_string(inputs().join("capture-anthropic-401.txt")).unwrap()
}

const AUTH: &str = "anthropic/authentication-error";

#[test]
fn shape_python_traceback() {
    let d = diagnoser().diagnose(capture());
    assert_eq!(top(&d), AUTH);
    assert_eq!(d.facts.language, Some("python"));
    assert_eq!(d.facts.sdk.as_deref(), Some("anthropic"));
    assert_eq!(d.facts.http_status, Some(401));
    assert_eq!(
        d.facts.exception.as_deref(),
        Some("anthropic.AuthenticationError")
    );
    assert_eq!(
        d.facts.request_id.as_deref(),
        Some("req_011MockAnthropicReqId")
    );
    let signals: Vec<&str> = d.matches[0]
        .evidence
        .iter()
        .map(|e| e.signal.as_str())
        .collect();
    for s in ["exception_class", "http_status", "message"] {
        assert!(signals.contains(&s), "{s} missing from {signals:?}");
    }
}

#[test]
fn shape_chained_traceback() {
    let text =
        std::fs::read_to_string(inputs().join("capture-anthropic-connection_refused.txt")).unwrap();
    let d = diagnoser().diagnose(&text);
    assert_eq!(
        d.facts.exception.as_deref(),
        Some("anthropic.APIConnectionError")
    );
    assert!(
        d.facts.exception_chain.len() >= 2,
        "{:?}",
        d.facts.exception_chain
    );
    assert_eq!(
        d.facts.exception_chain.first().map(String::as_str),
        Some("httpcore2.ConnectError")
    );
    let d = diagnoser().diagnose(
        std::fs::read(inputs().join("report-litellm-chained-openhands-4651.txt")).unwrap(),
    );
    assert_eq!(top(&d), AUTH);
    assert_eq!(d.facts.provider.map(|p| p.as_str()), Some("anthropic"));
    assert_eq!(d.facts.via.map(|p| p.as_str()), Some("litellm"));
}

#[test]
fn shape_node_stack() {
    let d = diagnoser()
        .diagnose(std::fs::read(inputs().join("capture-node-anthropic-401.txt")).unwrap());
    assert_eq!(top(&d), AUTH);
    assert_eq!(d.facts.language, Some("typescript"));
    assert_eq!(d.facts.sdk.as_deref(), Some("@anthropic-ai/sdk"));
}

#[test]
fn shape_exception_line_alone() {
    let last = capture().lines().last().unwrap().to_string();
    assert!(last.starts_with("anthropic.AuthenticationError: "));
    assert_eq!(top(&diagnoser().diagnose(&last)), AUTH);
}

#[test]
fn shape_json_body() {
    let body = r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CYhr1kdGzCrPHfrhibMen"}"#;
    let d = diagnoser().diagnose(body);
    assert_eq!(top(&d), AUTH);
    assert_eq!(d.facts.error_type.as_deref(), Some("authentication_error"));
}

/// `curl -i` output: the status line and headers Anthropic documents (`request-id`), then
/// the documented body.
#[test]
fn shape_curl_with_headers() {
    let text = "$ curl -i https://api.anthropic.com/v1/messages -H 'x-api-key: sk-ant-api03-Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wAA' -H 'anthropic-version: 2023-06-01' -d @req.json\nHTTP/2 401\ndate: Mon, 23 Nov 2026 12:00:00 GMT\ncontent-type: application/json\nrequest-id: req_011CYhr1kdGzCrPHfrhibMen\nx-should-retry: false\n\n{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"},\"request_id\":\"req_011CYhr1kdGzCrPHfrhibMen\"}\n";
    let d = diagnoser().diagnose(text);
    assert_eq!(top(&d), AUTH);
    assert_eq!(d.facts.http_status, Some(401));
    assert!(d.facts.hosts.contains(&"api.anthropic.com".to_string()));
    assert!(
        !d.text.contains("Zm9vYmFyYmF6cXV4"),
        "the key leaked: {}",
        d.text
    );
}

#[test]
fn shape_timestamped_log_line() {
    let last = capture().lines().last().unwrap().to_string();
    let line = format!("2026-11-23 12:00:01,118 ERROR worker[42]: {last}");
    let d = diagnoser().diagnose(&line);
    assert_eq!(top(&d), AUTH);
    assert_eq!(
        d.facts.exception.as_deref(),
        Some("anthropic.AuthenticationError")
    );
    assert_eq!(
        d.facts.exception_chain,
        vec!["anthropic.AuthenticationError".to_string()]
    );
}

#[test]
fn shape_ansi_colours() {
    let coloured = capture().replace(
        "anthropic.AuthenticationError",
        "\x1b[1;31manthropic.AuthenticationError\x1b[0m",
    );
    let d = diagnoser().diagnose(&coloured);
    assert_eq!(top(&d), AUTH);
    assert!(!d.text.contains('\x1b'));
}

#[test]
fn shape_crlf() {
    let d = diagnoser().diagnose(capture().replace('\n', "\r\n"));
    assert_eq!(top(&d), AUTH);
    assert!(!d.text.contains('\r'));
}

#[test]
fn shape_invalid_utf8() {
    let mut bytes = b"\xff\xfe garbage \xc3\x28\n".to_vec();
    bytes.extend_from_slice(capture().as_bytes());
    bytes.extend_from_slice(b"\n\x80\x81");
    let d = diagnoser().diagnose(&bytes);
    assert_eq!(top(&d), AUTH);
    assert!(d.text.contains('\u{fffd}'));
}

#[test]
fn shape_empty_input() {
    for input in ["", "\n\n", "   "] {
        let d = diagnoser().diagnose(input);
        assert!(d.matches.is_empty());
    }
}

#[test]
fn shape_multi_megabyte_log() {
    let noise = "2026-11-23 12:00:00,000 INFO GET /health 200 1.2ms (Error budget ok; 401 retries; Traceback none; timeout=30s)\n";
    let mut log = noise.repeat(3 * 1024 * 1024 / noise.len());
    log.push_str(&capture());
    log.push_str(&noise.repeat(100));
    assert!(log.len() > 3_000_000);
    let d = diagnoser().diagnose(&log);
    assert_eq!(top(&d), AUTH);
}

#[test]
fn a_key_in_the_input_never_reaches_the_output() {
    let key = "sk-ant-api03-Q2xhdWRlSXNBUmVhbGx5TmljZU1vZGVsVGhhdEhlbHBzUGVvcGxlMTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PAA";
    let text = format!("client = Anthropic(api_key=\"{key}\")\n{}", capture());
    let d = diagnoser().diagnose(&text);
    let json = serde_json::to_string(&d).unwrap();
    assert!(!json.contains(&key[20..60]), "{json}");
    assert_eq!(top(&d), AUTH);
}

/// Two entries that differ only by SDK range: the visible version decides.
#[test]
fn version_aware_choice() {
    let message = "RateLimitError: You exceeded your current quota, please check your plan and billing details.";
    let v0 = format!("  File \"/venv/lib/python3.9/site-packages/openai/api_requestor.py\", line 775, in _interpret_response_line\n{message}");
    let v1 = format!("  File \"/venv/lib/python3.11/site-packages/openai/_base_client.py\", line 1055, in post\n{message}");
    let d0 = diagnoser().diagnose(&v0);
    let d1 = diagnoser().diagnose(&v1);
    assert_eq!(top(&d0), "openai/insufficient-quota-v0");
    assert_eq!(d0.facts.sdk_version.as_deref(), Some("<1.0"));
    assert_eq!(top(&d1), "openai/insufficient-quota");
    assert_eq!(d1.facts.sdk_version.as_deref(), Some(">=1.0"));
    // The other one is among the runners-up.
    assert!(
        d0.matches[1..]
            .iter()
            .any(|m| m.id.to_string() == "openai/insufficient-quota"),
        "{:?}",
        d0.matches
            .iter()
            .map(|m| m.id.to_string())
            .collect::<Vec<_>>()
    );
    let d = diagnoser().diagnose("openai==0.28.1\nRateLimitError: You exceeded your current quota, please check your plan and billing details.");
    assert_eq!(top(&d), "openai/insufficient-quota-v0");
}

/// `scan`: errors found in a log with noise, grouped, counted once per record, with line
/// numbers; a traceback counts once however many frames it has; chunking does not matter.
#[test]
fn scan_groups_errors_in_a_log() {
    let capture = capture();
    let noise = "2026-11-23T12:00:00.000Z WARN auth: token refresh failed: 401 Unauthorized from https://api.github.com/user\n2026-11-23T12:00:00.001Z ERROR db: timeout after 30s\n";
    let mut log = String::new();
    for _ in 0..3 {
        log.push_str(&noise.repeat(50));
        log.push_str("2026-11-23T12:00:01.000Z ERROR app: request failed\n");
        log.push_str(&capture);
    }
    log.push_str(&noise.repeat(10));
    for chunk_size in [7, 4096, log.len()] {
        let mut scanner = diagnoser().scanner();
        for chunk in log.as_bytes().chunks(chunk_size) {
            scanner.feed(chunk);
        }
        let report = scanner.finish();
        assert_eq!(report.groups.len(), 1, "{:?}", report.groups);
        let g = &report.groups[0];
        assert_eq!(g.id.to_string(), AUTH);
        assert_eq!(g.count, 3, "chunk size {chunk_size}");
        let per_block = 101 + capture.lines().count() as u64;
        assert_eq!(g.first_line, per_block);
        assert_eq!(g.last_line, 3 * per_block);
        assert_eq!(report.lines, log.lines().count() as u64);
    }
}

/// A literal found across a terminal's line wrap is shown where it stands in the text:
/// its evidence spans the break, and read with the break as one blank it is the literal.
#[test]
fn shape_literal_wrapped_by_a_terminal() {
    let text =
        std::fs::read_to_string(inputs().join("report-wrapped-claude-code-8210.txt")).unwrap();
    let d = diagnoser().diagnose(&text);
    assert_eq!(top(&d), "anthropic/tool-use-without-tool-result");
    let joined: Vec<String> = d.matches[0]
        .evidence
        .iter()
        .filter(|e| e.signal == "message" && d.text[e.start..e.end].contains('\n'))
        .map(|e| {
            d.text[e.start..e.end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert!(
        joined
            .contains(&"ids were found without `tool_result` blocks immediately after".to_string()),
        "{joined:?}"
    );
    assert!(joined.contains(
        &"Each `tool_use` block must have a corresponding `tool_result` block in the next message"
            .to_string()
    ));
}
