//! The one table of API-key formats. Redaction, `errdex doctor` and the notes filter all
//! read it; add a provider's format here and every one of them knows it.

/// How one provider's keys look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyFormat {
    /// A stable name, reported as [`crate::Secret::format`]: `anthropic-api-key`, …
    pub name: &'static str,
    /// The provider as `taxonomy.md` spells it (`anthropic`, `openai`, …); `huggingface`
    /// for the one non-LLM format kept because its tokens show up in the same logs.
    pub provider: &'static str,
    /// The fixed start of every key of this format: what redaction may show.
    pub prefix: &'static str,
    /// The characters that follow the prefix, as a regex class.
    pub body: &'static str,
    /// The fewest body characters for a token to be treated as a key when redacting.
    /// Lower than the real length on purpose: truncated keys in logs are still secrets.
    pub min_body: usize,
    /// The documented full shape (anchored when used), for telling a well-formed key from
    /// a damaged one (`errdex doctor`).
    pub pattern: &'static str,
    /// The variables the provider's SDKs read this key from.
    pub env_vars: &'static [&'static str],
    /// Where the format comes from.
    pub source: &'static str,
}

const WORD: &str = "[A-Za-z0-9_-]";
const ALNUM: &str = "[A-Za-z0-9]";

/// Every known key format, more specific prefixes before the prefixes they extend
/// (`sk-ant-api03-` before `sk-ant-` before `sk-`): the first format whose prefix starts a
/// token names it.
pub static KEY_FORMATS: &[KeyFormat] = &[
    KeyFormat {
        name: "anthropic-api-key",
        provider: "anthropic",
        prefix: "sk-ant-api03-",
        body: WORD,
        min_body: 8,
        pattern: r"sk-ant-api03-[A-Za-z0-9_-]{93}AA",
        env_vars: &["ANTHROPIC_API_KEY"],
        // gitleaks config rule `anthropic-api-key` (gitleaks.toml, commit b58d3f1);
        // trufflehog pkg/detectors/anthropic/anthropic.go. sdk-facts.md §6.
        source: "gitleaks rule anthropic-api-key; trufflehog detector anthropic",
    },
    KeyFormat {
        name: "anthropic-admin-key",
        provider: "anthropic",
        prefix: "sk-ant-admin01-",
        body: WORD,
        min_body: 8,
        pattern: r"sk-ant-admin01-[A-Za-z0-9_-]{93}AA",
        env_vars: &["ANTHROPIC_ADMIN_KEY"],
        // gitleaks config rule `anthropic-admin-api-key`. sdk-facts.md §6.
        source: "gitleaks rule anthropic-admin-api-key",
    },
    KeyFormat {
        name: "anthropic-oauth-token",
        provider: "anthropic",
        prefix: "sk-ant-oat01-",
        body: WORD,
        min_body: 8,
        pattern: r"sk-ant-oat01-[A-Za-z0-9_-]{20,}",
        env_vars: &["ANTHROPIC_AUTH_TOKEN"],
        // Third-party: https://vibekit.bot/anthropic-api-key-format. sdk-facts.md §6.
        source: "https://vibekit.bot/anthropic-api-key-format (third-party)",
    },
    KeyFormat {
        name: "anthropic-key",
        provider: "anthropic",
        prefix: "sk-ant-",
        body: WORD,
        min_body: 8,
        pattern: r"sk-ant-[A-Za-z0-9_-]{20,}",
        env_vars: &["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"],
        // Every Anthropic key family above starts with `sk-ant-` (gitleaks, trufflehog).
        source: "gitleaks rules anthropic-api-key, anthropic-admin-api-key",
    },
    KeyFormat {
        name: "openai-project-key",
        provider: "openai",
        prefix: "sk-proj-",
        body: WORD,
        min_body: 8,
        pattern: r"sk-proj-[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}",
        env_vars: &["OPENAI_API_KEY"],
        // gitleaks config rule `openai-api-key`; trufflehog pkg/detectors/openai/openai.go
        // (commit 3ab759f). sdk-facts.md §6.
        source: "gitleaks rule openai-api-key; trufflehog detector openai",
    },
    KeyFormat {
        name: "openai-service-account-key",
        provider: "openai",
        prefix: "sk-svcacct-",
        body: WORD,
        min_body: 8,
        pattern: r"sk-svcacct-[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}",
        env_vars: &["OPENAI_API_KEY"],
        source: "gitleaks rule openai-api-key; trufflehog detector openai",
    },
    KeyFormat {
        name: "openai-admin-key",
        provider: "openai",
        prefix: "sk-admin-",
        body: WORD,
        min_body: 8,
        pattern: r"sk-admin-[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}",
        env_vars: &["OPENAI_ADMIN_KEY"],
        source: "gitleaks rule openai-api-key; trufflehog detector openai",
    },
    KeyFormat {
        name: "openrouter-key",
        provider: "openrouter",
        prefix: "sk-or-v1-",
        body: WORD,
        min_body: 8,
        pattern: r"sk-or-v1-[0-9a-f]{64}",
        env_vars: &["OPENROUTER_API_KEY"],
        // trufflehog pkg/detectors/openrouter; OpenRouter's docs say keys start `sk-or-v1-`.
        source: "trufflehog detector openrouter",
    },
    KeyFormat {
        name: "deepseek-key",
        provider: "deepseek",
        prefix: "sk-",
        body: ALNUM,
        min_body: 32,
        pattern: r"sk-[0-9a-f]{32}",
        env_vars: &["DEEPSEEK_API_KEY"],
        // `sk-` and 32 hexadecimal characters: public key-format checks for DeepSeek
        // (third-party code), and keys quoted in DeepSeek 401 reports.
        source: "third-party key checks for DeepSeek (sk- + 32 hex)",
    },
    KeyFormat {
        name: "openai-key",
        provider: "openai",
        prefix: "sk-",
        body: WORD,
        min_body: 16,
        pattern: r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}",
        env_vars: &["OPENAI_API_KEY"],
        // Legacy user keys; gitleaks `openai-api-key`, trufflehog openai. Several
        // OpenAI-compatible providers also issue `sk-` keys, so the provider is a guess
        // unless the strict pattern matches.
        source: "gitleaks rule openai-api-key; trufflehog detector openai",
    },
    KeyFormat {
        name: "groq-key",
        provider: "groq",
        prefix: "gsk_",
        body: ALNUM,
        min_body: 8,
        pattern: r"gsk_[A-Za-z0-9]{52}",
        env_vars: &["GROQ_API_KEY"],
        // trufflehog pkg/detectors/groq/groq.go. sdk-facts.md §6.
        source: "trufflehog detector groq",
    },
    KeyFormat {
        name: "google-api-key",
        provider: "google",
        prefix: "AIza",
        body: WORD,
        min_body: 8,
        pattern: r"AIza[0-9A-Za-z_-]{35}",
        env_vars: &["GOOGLE_API_KEY", "GEMINI_API_KEY"],
        // gitleaks `gcp-api-key`; trufflehog pkg/detectors/googlegemini. sdk-facts.md §6.
        source: "gitleaks rule gcp-api-key; trufflehog detector googlegemini",
    },
    KeyFormat {
        name: "fireworks-key",
        provider: "fireworks",
        prefix: "fw_",
        body: ALNUM,
        min_body: 8,
        pattern: r"fw_[A-Za-z0-9]{20,}",
        env_vars: &["FIREWORKS_API_KEY"],
        // Weak source: a third-party tutorial only. sdk-facts.md §6.
        source: "https://theneuralbase.com/fireworks-ai/learn/beginner/401-api-key/ (third-party)",
    },
    KeyFormat {
        name: "xai-key",
        provider: "xai",
        prefix: "xai-",
        body: ALNUM,
        min_body: 16,
        pattern: r"xai-[A-Za-z0-9]{80}",
        env_vars: &["XAI_API_KEY"],
        // Public secret-scanner rules (`xai-` + 80 alphanumerics), third-party.
        source: "third-party secret-scanner rules for xAI keys",
    },
    KeyFormat {
        name: "aws-access-key-id",
        provider: "bedrock",
        prefix: "AKIA",
        body: "[A-Z0-9]",
        min_body: 16,
        pattern: r"AKIA[A-Z0-9]{16}",
        env_vars: &["AWS_ACCESS_KEY_ID"],
        // gitleaks `aws-access-token`: Bedrock is reached with AWS credentials.
        source: "gitleaks rule aws-access-token",
    },
    KeyFormat {
        name: "huggingface-token",
        provider: "huggingface",
        prefix: "hf_",
        body: ALNUM,
        min_body: 16,
        pattern: r"hf_[A-Za-z]{34}",
        env_vars: &["HF_TOKEN", "HUGGINGFACE_HUB_TOKEN"],
        // gitleaks `huggingface-access-token`.
        source: "gitleaks rule huggingface-access-token",
    },
];

/// The format of `token`: the longest prefix that starts it, and among formats sharing
/// that prefix (`sk-`), the one whose documented shape it has.
pub fn identify(token: &str) -> Option<&'static KeyFormat> {
    use std::sync::OnceLock;
    static STRICT: OnceLock<Vec<regex::Regex>> = OnceLock::new();
    let strict = STRICT.get_or_init(|| {
        KEY_FORMATS
            .iter()
            .map(|f| regex::Regex::new(&format!("^(?:{})$", f.pattern)).expect("valid pattern"))
            .collect()
    });
    let token = token.trim();
    KEY_FORMATS
        .iter()
        .zip(strict)
        .filter(|(f, _)| token.starts_with(f.prefix))
        .map(|(f, re)| (f, re.is_match(token)))
        .filter(|(f, well_formed)| *well_formed || token.len() >= f.prefix.len() + f.min_body)
        // Later formats win ties in max_by_key; reverse so the table order breaks ties.
        .rev()
        .max_by_key(|(f, well_formed)| (f.prefix.len(), *well_formed))
        .map(|(f, _)| f)
}

/// Whether `token` has the documented full shape of `format`.
pub fn is_well_formed(format: &KeyFormat, token: &str) -> bool {
    regex::Regex::new(&format!("^(?:{})$", format.pattern))
        .map(|re| re.is_match(token))
        .unwrap_or(false)
}
