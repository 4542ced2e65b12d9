//! Errors carried by a shared SDK (the `openai` package pointed at an OpenAI-compatible
//! API): when no host, key or wrapper names the provider, the wording of an entry that says
//! it arrives through that package names it. A small knowledge base written here keeps the
//! test independent of which entries exist.

mod common;

use common::{diagnoser_of, entry};
use errdex_diagnose::Diagnoser;

fn diagnoser() -> Diagnoser {
    let texts = [
        (
            "openai/authentication-error",
            entry(
                "openai/authentication-error",
                "authentication",
                401,
                &[("openai", "openai.AuthenticationError")],
                r#"literals = ["Incorrect API key provided"]"#,
            ),
        ),
        (
            "deepseek/authentication-error",
            entry(
                "deepseek/authentication-error",
                "authentication",
                401,
                &[("openai", "openai.AuthenticationError")],
                r#"literals = ["Authentication Fails, Your api key"]"#,
            ),
        ),
        (
            "anthropic/overloaded-error",
            entry(
                "anthropic/overloaded-error",
                "overloaded",
                529,
                &[("anthropic", "anthropic.OverloadedError")],
                r#"literals = ["Overloaded, try later"]"#,
            ),
        ),
    ];
    diagnoser_of(texts)
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
