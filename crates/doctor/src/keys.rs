//! What the doctor asks of a key: whose format it has (from the one key-format table in
//! `errdex-secrets`), whether it is a placeholder, and how to show it without exposing it.

use errdex_entry::Provider;
use errdex_secrets::{identify, is_well_formed, KEY_FORMATS};

/// The provider whose key format `value` has, when the format says so with confidence.
/// A bare `sk-` prefix is shared by several OpenAI-compatible providers, so it names a
/// provider only when the strict pattern matches the whole key.
pub fn key_provider(value: &str) -> Option<Provider> {
    let format = identify(value)?;
    if format.prefix == "sk-" && !is_well_formed(format, value) {
        return None;
    }
    Provider::parse(format.provider)
}

/// Whether the table knows how this provider's keys look.
pub fn has_known_format(provider: Provider) -> bool {
    KEY_FORMATS
        .iter()
        .any(|f| f.provider == provider.as_str() && f.prefix != "sk-")
}

/// The prefixes of a provider's keys, for messages: `sk-ant-…`.
pub fn describe_format(provider: Provider) -> String {
    let mut prefixes: Vec<&str> = KEY_FORMATS
        .iter()
        .filter(|f| f.provider == provider.as_str())
        .map(|f| f.prefix)
        .collect();
    prefixes.dedup();
    // The shortest prefix covers the others (`sk-ant-` covers `sk-ant-api03-`).
    prefixes.sort_by_key(|p| p.len());
    match prefixes.first() {
        Some(p) => format!("they start with `{p}`"),
        None => "format unknown".into(),
    }
}

/// Values people leave in place of a key.
pub fn placeholder(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    if v.is_empty() {
        return false;
    }
    let stripped: String = v.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let only = |c: char| !stripped.is_empty() && stripped.chars().all(|x| x == c);
    v.contains("your") && (v.contains("key") || v.contains("token"))
        || v.starts_with('<') && v.ends_with('>')
        || v.starts_with("${")
        || v.starts_with("{{")
        || v.ends_with("...")
        || v.ends_with('…')
        || only('x')
        || only('0')
        || only('*')
        || [
            "changeme",
            "change-me",
            "replace-me",
            "replaceme",
            "todo",
            "placeholder",
            "api_key",
            "apikey",
            "api-key",
            "secret",
            "key",
            "test",
            "none",
            "null",
            "dummy",
            "example",
        ]
        .contains(&v.as_str())
        || v.contains("xxxx")
}

/// A key as it may be shown: the shared masking rule of `errdex-secrets` (at most the
/// recognised prefix and the last 4 characters, never more than a quarter), with the
/// prefix further capped at 6 characters; and the length, which helps spot truncation.
pub fn mask(value: &str) -> String {
    let prefix = identify(value)
        .map_or(0, |f| f.prefix.chars().count())
        .min(6);
    let shown: String = errdex_secrets::mask(value, prefix)
        .chars()
        .map(|c| if c.is_control() { '␤' } else { c })
        .collect();
    format!("{shown} ({} chars)", value.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANTHROPIC: &str = "sk-ant-api03-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQAA";

    #[test]
    fn masks_show_at_most_6_and_4_and_a_quarter() {
        let m = mask(ANTHROPIC);
        assert!(
            m.starts_with("sk-ant****")
                && m.ends_with(&format!("PQAA ({} chars)", ANTHROPIC.len())),
            "{m}"
        );
        for key in ["", "abc", "abcdefgh", "sk-0123456789abcdef", ANTHROPIC] {
            let m = mask(key);
            let shown = m.split(" (").next().unwrap().replace("****", "");
            assert!(
                shown.chars().count() <= key.chars().count() / 4,
                "{key}: {m}"
            );
            assert!(shown.chars().count() <= 10);
        }
    }

    #[test]
    fn knows_whose_key_it_is() {
        assert_eq!(key_provider(ANTHROPIC), Some(Provider::Anthropic));
        assert_eq!(
            key_provider("gsk_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
            Some(Provider::Groq)
        );
        assert_eq!(key_provider("sk-notreallyanything-1234567890"), None);
        assert!(has_known_format(Provider::Anthropic));
        assert!(!has_known_format(Provider::Mistral));
        assert_eq!(
            describe_format(Provider::Anthropic),
            "they start with `sk-ant-`"
        );
    }

    #[test]
    fn recognises_placeholders() {
        for p in [
            "your_api_key_here",
            "YOUR-KEY",
            "<key>",
            "sk-...",
            "xxx",
            "XXXXXXXX",
            "${ANTHROPIC_API_KEY}",
            "changeme",
            "sk-ant-xxxxxxxx",
        ] {
            assert!(placeholder(p), "{p}");
        }
        assert!(!placeholder(ANTHROPIC));
        assert!(!placeholder("gsk_abcdefghijklmnopqrstuvwxyz"));
    }
}
