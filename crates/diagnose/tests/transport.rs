//! Errors carried by a shared SDK (the `openai` package pointed at an OpenAI-compatible
//! API): when no host, key or wrapper names the provider, the wording of an entry that says
//! it arrives through that package names it. A small knowledge base written here keeps the
//! test independent of which entries exist.

use errdex_diagnose::Diagnoser;
use errdex_entry::{parse_entry, EntryId, Index};
use std::path::Path;

/// A minimal valid entry: `exceptions` are `(sdk, class)` pairs, `literal` its one signal.
fn entry(id: &str, kind: &str, status: u16, exceptions: &[(&str, &str)], literal: &str) -> String {
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
        "\n[signals]\nliterals = [\"{literal}\"]\n\n[[compatibility]]\nlanguage = \"python\"\n\
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

fn diagnoser() -> Diagnoser {
    let texts = [
        (
            "openai/authentication-error",
            entry(
                "openai/authentication-error",
                "authentication",
                401,
                &[("openai", "openai.AuthenticationError")],
                "Incorrect API key provided",
            ),
        ),
        (
            "deepseek/authentication-error",
            entry(
                "deepseek/authentication-error",
                "authentication",
                401,
                &[("openai", "openai.AuthenticationError")],
                "Authentication Fails, Your api key",
            ),
        ),
        (
            "anthropic/overloaded-error",
            entry(
                "anthropic/overloaded-error",
                "overloaded",
                529,
                &[("anthropic", "anthropic.OverloadedError")],
                "Overloaded, try later",
            ),
        ),
    ];
    let mut entries = Vec::new();
    for (id, text) in texts {
        let id: EntryId = id.parse().unwrap();
        let parsed = parse_entry(Path::new("test.md"), id, &text)
            .unwrap_or_else(|problems| panic!("{problems:?}"));
        entries.push(parsed.entry);
    }
    Diagnoser::new(&Index {
        revision: "test".into(),
        entries,
        problems: Vec::new(),
    })
}

fn through_openai(message: &str, status: u16) -> String {
    format!(
        "Traceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n  \
         File \"/app/.venv/lib/python3.12/site-packages/openai/_base_client.py\", line 1047, in request\n    \
         raise self._make_status_error_from_response(err.response) from None\n\
         openai.AuthenticationError: Error code: {status} - {{'error': {{'message': '{message}', 'type': 'authentication_error'}}}}\n"
    )
}

#[test]
fn a_compatible_providers_wording_names_it_through_the_openai_package() {
    let d = diagnoser().diagnose(through_openai(
        "Authentication Fails, Your api key: ****abcd is invalid",
        401,
    ));
    let top = d.matches.first().expect("a match");
    assert_eq!(top.id.to_string(), "deepseek/authentication-error");
    assert_eq!(d.facts.provider.map(|p| p.as_str()), Some("deepseek"));
    assert_eq!(d.facts.via.map(|p| p.as_str()), Some("openai"));
    assert!(d
        .facts
        .provider_evidence
        .iter()
        .any(|e| e.signal == "provider_message"));
}

#[test]
fn openais_own_wording_stays_openai() {
    let d = diagnoser().diagnose(through_openai(
        "Incorrect API key provided: sk-abc. You can find your API key at https://platform.openai.com/account/api-keys.",
        401,
    ));
    assert_eq!(
        d.matches.first().map(|m| m.id.to_string()).as_deref(),
        Some("openai/authentication-error")
    );
    assert_eq!(d.facts.provider.map(|p| p.as_str()), Some("openai"));
}

#[test]
fn an_entry_not_reached_through_the_package_does_not_claim_the_provider() {
    // Anthropic's wording inside an `openai` traceback: the anthropic entry names only the
    // anthropic SDK, so its message is no provider clue here and the answer stays openai.
    let d = diagnoser().diagnose(through_openai("Overloaded, try later", 529));
    assert_eq!(d.facts.provider.map(|p| p.as_str()), Some("openai"));
    assert!(d
        .facts
        .provider_evidence
        .iter()
        .all(|e| e.signal != "provider_message"));
}
