//! API-key formats, as the `ok` scenario judges them, and well-formed mock keys for the
//! harness. Formats from public secret-scanner rules (gitleaks `config/gitleaks.toml`,
//! trufflehog `pkg/detectors/*`) and provider docs; see shared/reference/sdk-facts.md §6.
//! Where a provider documents no format, only keys of *another* provider's known format
//! are rejected.

use crate::providers::Provider;

/// What the mock thinks of the credential a request carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Missing,
    /// Well-formed, but another provider's key.
    Foreign(Provider),
    Malformed,
}

fn alnum(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn token_chars(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn hex(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// Whether `key` has the format of `provider`'s keys. Prefixed formats come from the one
/// key-format table of `errdex-secrets` (shared with redaction and `errdex doctor`); the
/// providers whose keys have no prefix, which that table cannot name in free text, are
/// judged here.
pub fn has_format(provider: Provider, key: &str) -> bool {
    use Provider::*;
    let in_table = || {
        errdex_secrets::KEY_FORMATS
            .iter()
            .filter(|f| f.provider == provider.as_str())
            .any(|f| errdex_secrets::is_well_formed(f, key))
    };
    match provider {
        Anthropic | Openai | Groq | Fireworks | Openrouter | Deepseek | Xai | Google => in_table(),
        // Vertex: an OAuth 2 access token (ya29.…) from gcloud / google-auth.
        Vertex => key.starts_with("ya29.") && key.len() > 20,
        // Azure resource keys: 32 hex characters (older) or 84 alphanumerics (newer).
        AzureOpenai => (key.len() == 32 && hex(key)) || (key.len() == 84 && alnum(key)),
        // AWS access key ids (in the table); Bedrock API keys: ABSK… (bearer).
        Bedrock => in_table() || (key.starts_with("ABSK") && key.len() > 20),
        // gitleaks `cohere-api-token`: 40 alphanumerics.
        Cohere => key.len() == 40 && alnum(key),
        // No documented format: anything of 32+ key characters.
        Mistral | Together => key.len() >= 32 && token_chars(key),
        Ollama => true,
    }
}

/// Judges a request's credential for `provider`.
pub fn judge(provider: Provider, key: Option<&str>) -> Verdict {
    if provider == Provider::Ollama {
        return Verdict::Valid; // Ollama has no authentication.
    }
    let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
        return Verdict::Missing;
    };
    let distinctive = [
        Provider::Anthropic,
        Provider::Openai,
        Provider::Groq,
        Provider::Fireworks,
        Provider::Openrouter,
        Provider::Xai,
        Provider::Google,
    ];
    if let Some(other) = distinctive
        .into_iter()
        .find(|&p| p != provider && has_format(p, key))
    {
        // A DeepSeek key is an `sk-` key too, but never carries OpenAI's infix.
        return Verdict::Foreign(other);
    }
    if has_format(provider, key) {
        Verdict::Valid
    } else {
        Verdict::Malformed
    }
}

/// A key of `provider`'s format that no real account has, for the harness and examples.
/// Built at run time so that no literal in this repository looks like a leaked key.
pub fn mock_key(provider: Provider) -> String {
    use Provider::*;
    let fill = |n: usize| "errdexMock".repeat(n / 10 + 1)[..n].to_string();
    let hexfill = |n: usize| "e77de0".repeat(n / 6 + 1)[..n].to_string();
    match provider {
        Anthropic => format!("sk-ant-api03-{}AA", fill(93)),
        Openai => format!("sk-proj-{}T3BlbkFJ{}", fill(20), fill(20)),
        Groq => format!("gsk_{}", fill(52)),
        Fireworks => format!("fw_{}", fill(24)),
        Openrouter => format!("sk-or-v1-{}", hexfill(64)),
        Deepseek => format!("sk-{}", hexfill(32)),
        Xai => format!("xai-{}", fill(80)),
        Google => format!("AIza{}", fill(35)),
        Vertex => format!("ya29.{}", fill(40)),
        AzureOpenai => hexfill(32),
        Bedrock => format!("AKIA{}", "ERRDEXMOCKKEY234"),
        Cohere => fill(40),
        Mistral | Together => fill(32),
        Ollama => "ollama".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mock_key_is_valid_for_its_provider_only() {
        for &p in Provider::ALL {
            let key = mock_key(p);
            assert_eq!(judge(p, Some(&key)), Verdict::Valid, "{p:?}: {key}");
        }
    }

    #[test]
    fn foreign_and_malformed_keys_are_told_apart() {
        let anthropic = mock_key(Provider::Anthropic);
        assert_eq!(
            judge(Provider::Openai, Some(&anthropic)),
            Verdict::Foreign(Provider::Anthropic)
        );
        assert_eq!(
            judge(Provider::Anthropic, Some("YOUR_API_KEY")),
            Verdict::Malformed
        );
        assert_eq!(judge(Provider::Anthropic, Some("  ")), Verdict::Missing);
        assert_eq!(judge(Provider::Anthropic, None), Verdict::Missing);
        let groq = mock_key(Provider::Groq);
        assert_eq!(
            judge(Provider::Together, Some(&groq)),
            Verdict::Foreign(Provider::Groq)
        );
    }
}
