//! Each finding from a fixture environment and fixture `.env` files. The real process
//! environment never enters: `Inputs` is built by hand.

use errdex_doctor::{diagnose_keys, parse_dotenv, Finding, Inputs, Problem, Severity};
use errdex_entry::Provider;
use std::path::PathBuf;

const ANT: &str = "sk-ant-api03-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQAA";
const OAI: &str = "sk-proj-abcdefghijklmnopqrstuvwxyzT3BlbkFJabcdefghijklmnopqrstuv";
const GROQ: &str = "gsk_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn env(vars: &[(&str, &str)]) -> Inputs {
    Inputs {
        env: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Inputs::default()
    }
}

fn with_file(mut inputs: Inputs, name: &str, text: &str) -> Inputs {
    let path = PathBuf::from(name);
    let (vars, errors) = parse_dotenv(&path, text);
    assert!(errors.is_empty(), "{errors:?}");
    inputs.files.push((path, vars));
    inputs
}

fn run(inputs: &Inputs) -> Vec<Finding> {
    let exists =
        |id: &str| id.ends_with("/authentication-error") || id.ends_with("/missing-api-key");
    diagnose_keys(inputs, &exists)
}

fn only(findings: &[Finding], problem: Problem) -> &Finding {
    let matching: Vec<&Finding> = findings.iter().filter(|f| f.problem == problem).collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one {problem:?} in {findings:#?}"
    );
    matching[0]
}

/// No output of the doctor contains more of a key than the masking rule allows.
fn assert_no_key_leaks(findings: &[Finding], keys: &[&str]) {
    let text = format!("{findings:?}");
    for key in keys {
        for window in key.as_bytes().windows(12) {
            let piece = std::str::from_utf8(window).unwrap();
            assert!(
                !text.contains(piece),
                "a 12-character piece of a key leaked: {piece}"
            );
        }
    }
}

#[test]
fn a_clean_setup_has_no_findings_and_unused_providers_are_not_reported() {
    let f = run(&env(&[("ANTHROPIC_API_KEY", ANT), ("PATH", "/usr/bin")]));
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn missing_when_demanded() {
    let mut inputs = env(&[]);
    inputs.demanded = vec![Provider::Groq];
    let f = run(&inputs);
    let missing = only(&f, Problem::Missing);
    assert_eq!(missing.variable, "GROQ_API_KEY");
    assert_eq!(missing.severity, Severity::Error);
    assert_eq!(missing.entry.as_deref(), Some("groq/missing-api-key"));
}

#[test]
fn missing_when_only_a_base_url_is_set() {
    let f = run(&env(&[(
        "ANTHROPIC_BASE_URL",
        "http://127.0.0.1:9/anthropic/ok",
    )]));
    assert_eq!(only(&f, Problem::Missing).variable, "ANTHROPIC_API_KEY");
}

#[test]
fn empty_value() {
    let f = run(&env(&[("OPENAI_API_KEY", "")]));
    let e = only(&f, Problem::Empty);
    assert_eq!(e.severity, Severity::Error);
    assert_eq!(e.source.to_string(), "environment");
}

#[test]
fn whitespace_and_line_breaks() {
    let f = run(&env(&[("ANTHROPIC_API_KEY", &format!("{ANT} "))]));
    only(&f, Problem::Whitespace);
    let f = run(&with_file(
        env(&[]),
        ".env",
        &format!("ANTHROPIC_API_KEY=\"{ANT}\n\"\n"),
    ));
    let w = only(&f, Problem::Whitespace);
    assert!(w.message.contains("line break"), "{}", w.message);
    assert_eq!(w.source.to_string(), ".env:1");
    assert_no_key_leaks(&f, &[ANT]);
}

#[test]
fn quotes_kept_literally() {
    let f = run(&env(&[("ANTHROPIC_API_KEY", &format!("\"{ANT}\""))]));
    only(&f, Problem::LiteralQuotes);
    let f = run(&with_file(
        env(&[]),
        ".env",
        &format!("ANTHROPIC_API_KEY='\"{ANT}\"'\n"),
    ));
    assert_eq!(
        only(&f, Problem::LiteralQuotes).source.to_string(),
        ".env:1"
    );
    assert_no_key_leaks(&f, &[ANT]);
}

#[test]
fn placeholders() {
    for value in ["your_api_key_here", "sk-...", "<key>", "xxx"] {
        let f = run(&env(&[("OPENAI_API_KEY", value)]));
        assert_eq!(
            only(&f, Problem::Placeholder).severity,
            Severity::Error,
            "{value}"
        );
    }
}

#[test]
fn a_key_of_another_provider() {
    let f = run(&env(&[("ANTHROPIC_API_KEY", OAI)]));
    let o = only(&f, Problem::OtherProviderKey);
    assert!(o.message.contains("openai key"), "{}", o.message);
    assert!(o.fix.contains("OPENAI_API_KEY"), "{}", o.fix);
    assert_eq!(o.entry.as_deref(), Some("anthropic/authentication-error"));
    assert_no_key_leaks(&f, &[OAI]);
}

#[test]
fn a_format_that_is_not_the_providers() {
    let f = run(&env(&[("GROQ_API_KEY", "abc123def456ghi789jkl012mno345")]));
    assert_eq!(only(&f, Problem::WrongFormat).severity, Severity::Warning);
}

#[test]
fn unofficial_names_with_the_official_one_missing() {
    for (name, official) in [
        ("CLAUDE_API_KEY", "ANTHROPIC_API_KEY"),
        ("OPENAI_KEY", "OPENAI_API_KEY"),
        ("FIREWORKS_KEY", "FIREWORKS_API_KEY"),
        ("GROQ_KEY", "GROQ_API_KEY"),
        ("ANTHROPIC_KEY", "ANTHROPIC_API_KEY"),
    ] {
        let f = run(&env(&[(name, ANT)]));
        let u = only(&f, Problem::UnofficialName);
        assert_eq!(u.severity, Severity::Error);
        assert!(u.fix.contains(official), "{}", u.fix);
        assert!(f.iter().all(|x| x.problem != Problem::Missing), "{f:#?}");
    }
    let f = run(&env(&[("CLAUDE_API_KEY", ANT), ("ANTHROPIC_API_KEY", ANT)]));
    assert_eq!(only(&f, Problem::UnofficialName).severity, Severity::Info);
}

#[test]
fn two_official_variables_in_conflict() {
    let other = ANT.replace("abc", "xyz");
    let f = run(&env(&[
        ("ANTHROPIC_API_KEY", ANT),
        ("ANTHROPIC_AUTH_TOKEN", &other),
    ]));
    let c = only(&f, Problem::Conflict);
    assert_eq!(c.variable, "ANTHROPIC_AUTH_TOKEN");
    let f = run(&env(&[
        ("GOOGLE_API_KEY", "AIzaSyA1234567890abcdefghijklmnopqrstu"),
        ("GEMINI_API_KEY", "AIzaSyB1234567890abcdefghijklmnopqrstu"),
    ]));
    assert_eq!(only(&f, Problem::Conflict).variable, "GEMINI_API_KEY");
}

#[test]
fn a_dotenv_value_shadowed_by_the_environment() {
    let other = ANT.replace("abc", "xyz");
    let inputs = with_file(
        env(&[("ANTHROPIC_API_KEY", ANT)]),
        ".env",
        &format!("# keys\nANTHROPIC_API_KEY={other}\n"),
    );
    let f = run(&inputs);
    let s = only(&f, Problem::Shadowed);
    assert_eq!(s.source.to_string(), ".env:2");
    assert_no_key_leaks(&f, &[ANT, &other]);
}

#[test]
fn the_same_key_in_two_providers_variables() {
    let f = run(&env(&[("GROQ_API_KEY", GROQ), ("OPENAI_API_KEY", GROQ)]));
    assert!(f.iter().any(|x| x.problem == Problem::SharedKey), "{f:#?}");
    assert_no_key_leaks(&f, &[GROQ]);
}

#[test]
fn a_base_url_of_another_provider() {
    let f = run(&env(&[
        ("ANTHROPIC_API_KEY", ANT),
        ("ANTHROPIC_BASE_URL", "https://api.openai.com/v1"),
    ]));
    assert_eq!(only(&f, Problem::ForeignBaseUrl).severity, Severity::Error);
    // The openai package pointed at Groq: fine, but the key must be Groq's.
    let f = run(&env(&[
        ("OPENAI_API_KEY", OAI),
        ("OPENAI_BASE_URL", "https://api.groq.com/openai/v1"),
    ]));
    assert_eq!(only(&f, Problem::ForeignBaseUrl).severity, Severity::Info);
    assert!(only(&f, Problem::OtherProviderKey)
        .message
        .contains("requests go to groq"));
    let f = run(&env(&[
        ("OPENAI_API_KEY", GROQ),
        ("OPENAI_BASE_URL", "https://api.groq.com/openai/v1"),
    ]));
    assert!(f.iter().all(|x| x.severity == Severity::Info), "{f:#?}");
    // An unknown host receives the key: a warning.
    let f = run(&env(&[
        ("ANTHROPIC_API_KEY", ANT),
        ("ANTHROPIC_BASE_URL", "https://llm-proxy.example.com"),
    ]));
    assert_eq!(
        only(&f, Problem::ForeignBaseUrl).severity,
        Severity::Warning
    );
    // Loopback is the developer's own machine: nothing to report.
    let f = run(&env(&[
        ("ANTHROPIC_API_KEY", ANT),
        ("ANTHROPIC_BASE_URL", "http://127.0.0.1:8080/anthropic/ok"),
    ]));
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn only_restricts_the_report_to_one_provider() {
    let mut inputs = env(&[("OPENAI_API_KEY", ""), ("ANTHROPIC_API_KEY", "")]);
    inputs.only = vec![Provider::Anthropic];
    let f = run(&inputs);
    assert!(f.iter().all(|x| x.provider == Provider::Anthropic) && !f.is_empty());
}

#[test]
fn files_are_read_from_the_directory_and_malformed_ones_reported() {
    let dir = std::env::temp_dir().join(format!("errdex-doctor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(".env"),
        "OPENAI_API_KEY=sk-...\nnot an assignment\n",
    )
    .unwrap();
    std::fs::write(dir.join(".env.local"), "GROQ_API_KEY=\"unclosed\n").unwrap();
    let (files, errors) = errdex_doctor::load_files(&dir, &[dir.join("missing.env")]);
    assert_eq!(files.len(), 2);
    let messages: Vec<String> = errors
        .iter()
        .map(|e| e.to_string().replace(&format!("{}/", dir.display()), ""))
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert_eq!(
        messages[0],
        ".env:2: `not an assignment` is not an assignment: write NAME=value"
    );
    assert!(
        messages[1].starts_with(".env.local:1: the value of `GROQ_API_KEY` opens a double quote")
    );
    assert!(messages[2].starts_with("missing.env:1: cannot read it"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Hostile `.env` files (SECURITY.md): NUL bytes, invalid UTF-8, a 1 MB line, an unclosed
/// quote at the end, `export` prefixes, a key pasted on a line of its own and a terminal
/// escape sequence. Every readable assignment is kept, every other line is a message with
/// file and line, and no message shows a key or a control character.
#[test]
fn hostile_dotenv_files_are_read_and_messages_show_no_key_or_control_character() {
    let dir = std::env::temp_dir().join(format!("errdex-doctor-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"export ANTHROPIC_API_KEY=");
    bytes.extend_from_slice(ANT.as_bytes());
    bytes.extend_from_slice(b"\nNUL\0NAME=1\nBAD_UTF8=\xff\xfe\xc3\x28\n");
    bytes.extend_from_slice(format!("LONG={}\n", "x".repeat(1024 * 1024)).as_bytes());
    bytes.extend_from_slice(format!("{GROQ}\n").as_bytes());
    bytes.extend_from_slice(b"\x1b]0;owned\x07 \x1b[2J\n");
    bytes.extend_from_slice(b"export   OPENAI_BASE_URL = https://api.openai.com/v1\n");
    bytes.extend_from_slice(b"LAST=\"never closed ");
    bytes.extend_from_slice(OAI.as_bytes());
    std::fs::write(dir.join(".env"), &bytes).unwrap();
    let (files, errors) = errdex_doctor::load_files(&dir, &[]);
    let vars = &files[0].1;
    let got: Vec<(&str, usize)> = vars.iter().map(|v| (v.name.as_str(), v.line)).collect();
    assert_eq!(
        got,
        [
            ("ANTHROPIC_API_KEY", 1),
            ("BAD_UTF8", 3),
            ("LONG", 4),
            ("OPENAI_BASE_URL", 7)
        ]
    );
    assert_eq!(vars[0].value, ANT);
    assert_eq!(vars[1].value, "\u{fffd}\u{fffd}\u{fffd}(");
    assert_eq!(vars[2].value.len(), 1024 * 1024);
    assert_eq!(vars[3].value, "https://api.openai.com/v1");
    let messages: Vec<String> = errors
        .iter()
        .map(|e| e.to_string().replace(&format!("{}/", dir.display()), ""))
        .collect();
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert!(messages[0].starts_with(".env:2: `NUL\\u{0}NAME` is not a variable name"));
    assert!(
        messages[1].starts_with(".env:5: `gsk_****"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].starts_with(".env:6: `\\u{1b}]0;owned\\u{7}"),
        "{}",
        messages[2]
    );
    assert_eq!(
        messages[3],
        ".env:8: the value of `LAST` opens a double quote that is never closed: close it"
    );
    let all = messages.join("\n");
    assert!(!all.chars().any(|c| c.is_control() && c != '\n'), "{all}");
    for key in [GROQ, OAI, ANT] {
        for window in key.as_bytes().windows(12) {
            let piece = std::str::from_utf8(window).unwrap();
            assert!(!all.contains(piece), "a piece of a key leaked: {piece}");
        }
    }
    let findings = run(&errdex_doctor::Inputs {
        files,
        ..Inputs::default()
    });
    assert_no_key_leaks(&findings, &[ANT, OAI, GROQ]);
    std::fs::remove_dir_all(&dir).unwrap();
}
