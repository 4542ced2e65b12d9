//! `errdex doctor` as users run it: a scrubbed environment, fixture `.env` files in a
//! temporary directory, exit statuses, and no key in any output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ANT: &str = "sk-ant-api03-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQAA";

fn dir(name: &str, dotenv: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("errdex-doctor-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".env"), dotenv).unwrap();
    dir
}

fn doctor(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_errdex"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd.envs(env.iter().copied())
        .arg("doctor")
        .args(args)
        .current_dir(dir);
    cmd.output().unwrap()
}

fn assert_no_key(o: &Output) {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    for piece in ANT.as_bytes().windows(12) {
        assert!(
            !all.contains(std::str::from_utf8(piece).unwrap()),
            "a key leaked:\n{all}"
        );
    }
}

#[test]
fn a_clean_environment_exits_0() {
    let d = dir("clean", "# nothing here\n");
    let o = doctor(&d, &[("ANTHROPIC_API_KEY", ANT)], &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("✓ key variables look right"));
    assert_no_key(&o);
}

#[test]
fn findings_name_variable_file_and_line_and_exit_1() {
    let d = dir(
        "findings",
        &format!("# keys\nANTHROPIC_API_KEY=\" {ANT}\"\nCLAUDE_API_KEY={ANT}\n"),
    );
    let o = doctor(&d, &[], &["--json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["providers"], serde_json::json!(["anthropic"]));
    let findings = report["findings"].as_array().unwrap();
    let ws = findings
        .iter()
        .find(|f| f["problem"] == "whitespace")
        .expect("whitespace finding");
    assert_eq!(ws["source"], ".env:2");
    assert_eq!(ws["variable"], "ANTHROPIC_API_KEY");
    assert_eq!(ws["severity"], "error");
    assert_eq!(ws["entry"], "anthropic/authentication-error");
    for f in findings {
        for field in [
            "provider", "variable", "source", "problem", "severity", "fix", "entry",
        ] {
            assert!(f.get(field).is_some(), "{field}");
        }
    }
    assert_no_key(&o);
    let human = doctor(&d, &[], &[]);
    assert_eq!(human.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&human.stdout).contains("✗ ANTHROPIC_API_KEY (.env:2)"));
    assert_no_key(&human);
}

#[test]
fn a_demanded_provider_is_reported_missing() {
    let d = dir("demanded", "");
    let o = doctor(&d, &[], &["--provider", "fireworks", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["findings"][0]["problem"], "missing");
    assert_eq!(report["findings"][0]["entry"], "fireworks/missing-api-key");
}

#[test]
fn malformed_dotenv_is_reported_with_file_and_line() {
    let d = dir("malformed", "OK=1\nnot an assignment\n");
    let o = doctor(&d, &[], &["--json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        report["file_errors"][0],
        ".env:2: `not an assignment` is not an assignment: write NAME=value"
    );
}

#[test]
fn usage_errors_exit_2() {
    let d = dir("usage", "");
    assert_eq!(
        doctor(&d, &[], &["--allow-host", "x.example"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        doctor(&d, &[], &["--provider", "claude"]).status.code(),
        Some(2)
    );
}
