//! Which variables each provider's official SDKs read, where its API lives, and the
//! unofficial spellings people set instead. Every row names the SDK source it was read
//! from (the installed packages of 2026-11-23: anthropic 2.12.0, openai 2.54.0, groq 1.7.0,
//! fireworks-ai 1.2.28, together 3.1.1, mistralai 3.7.0, cohere 7.3.1, google-genai 3.4.0,
//! litellm 1.106.2).
//!
//! Bedrock and Vertex authenticate with cloud credentials, not an API key, and Ollama needs
//! none: they are not in this table.

use errdex_entry::Provider;

/// How a provider's model-list request carries the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer <key>`
    Bearer,
    /// `x-api-key: <key>` plus `anthropic-version`
    Anthropic,
    /// `x-goog-api-key: <key>`
    Google,
    /// `api-key: <key>` (Azure OpenAI)
    Azure,
}

#[derive(Debug)]
pub struct ProviderVars {
    pub provider: Provider,
    /// Official key variables, in the order the SDK reads them.
    pub keys: &'static [&'static str],
    /// Official base-URL variables.
    pub base_urls: &'static [&'static str],
    /// The official API hosts; a leading `.` matches any subdomain.
    pub hosts: &'static [&'static str],
    /// Names people set that no official SDK reads (the SDK then finds no key).
    pub misspellings: &'static [&'static str],
    /// The default base URL the model list is requested under, and its path: each
    /// provider's documented list-models route (OpenRouter lists models without a key, so
    /// its key-information route `GET /api/v1/key` is asked instead:
    /// https://openrouter.ai/docs/api-reference/limits). `tests/online.rs` runs every one
    /// against `errdex mock`.
    pub default_base: &'static str,
    pub models_path: &'static str,
    pub auth: Auth,
    pub source: &'static str,
}

pub const PROVIDERS: &[ProviderVars] = &[
    ProviderVars {
        provider: Provider::Anthropic,
        keys: &["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"],
        base_urls: &["ANTHROPIC_BASE_URL"],
        hosts: &["api.anthropic.com"],
        misspellings: &["CLAUDE_API_KEY", "ANTHROPIC_KEY", "CLAUDE_KEY", "ANTHROPIC_APIKEY", "ANTHROPIC_TOKEN", "ANTHROPIC_API_TOKEN"],
        default_base: "https://api.anthropic.com",
        models_path: "/v1/models",
        auth: Auth::Anthropic,
        source: "anthropic/_client.py:105-106 (ANTHROPIC_API_KEY, then ANTHROPIC_AUTH_TOKEN), ANTHROPIC_BASE_URL",
    },
    ProviderVars {
        provider: Provider::Openai,
        keys: &["OPENAI_API_KEY"],
        base_urls: &["OPENAI_BASE_URL"],
        hosts: &["api.openai.com"],
        misspellings: &["OPENAI_KEY", "OPEN_AI_API_KEY", "OPENAI_APIKEY", "OPENAI_TOKEN", "OPENAI_SECRET_KEY"],
        default_base: "https://api.openai.com/v1",
        models_path: "/models",
        auth: Auth::Bearer,
        source: "openai/_client.py (OPENAI_API_KEY; OPENAI_BASE_URL at line 252)",
    },
    ProviderVars {
        provider: Provider::AzureOpenai,
        keys: &["AZURE_OPENAI_API_KEY"],
        base_urls: &["AZURE_OPENAI_ENDPOINT"],
        hosts: &[".openai.azure.com", ".cognitiveservices.azure.com"],
        misspellings: &["AZURE_OPENAI_KEY", "AZURE_KEY", "AZURE_OPENAI_APIKEY"],
        default_base: "",
        models_path: "/openai/models?api-version=2024-10-21",
        auth: Auth::Azure,
        source: "openai/lib/azure.py:215-244 (AZURE_OPENAI_API_KEY, OPENAI_API_VERSION, AZURE_OPENAI_ENDPOINT)",
    },
    ProviderVars {
        provider: Provider::Fireworks,
        keys: &["FIREWORKS_API_KEY"],
        base_urls: &["FIREWORKS_BASE_URL"],
        hosts: &["api.fireworks.ai"],
        misspellings: &["FIREWORKS_KEY", "FIREWORKS_AI_API_KEY", "FIREWORKSAI_API_KEY", "FIREWORKS_TOKEN"],
        default_base: "https://api.fireworks.ai/inference",
        models_path: "/v1/models",
        auth: Auth::Bearer,
        source: "fireworks/_client.py:136-158 (FIREWORKS_API_KEY, FIREWORKS_BASE_URL, default https://api.fireworks.ai)",
    },
    ProviderVars {
        provider: Provider::Groq,
        keys: &["GROQ_API_KEY"],
        base_urls: &["GROQ_BASE_URL"],
        hosts: &["api.groq.com"],
        misspellings: &["GROQ_KEY", "GROQ_TOKEN", "GROQ_APIKEY"],
        default_base: "https://api.groq.com",
        models_path: "/openai/v1/models",
        auth: Auth::Bearer,
        source: "groq/_client.py:78-93 (GROQ_API_KEY, GROQ_BASE_URL, default https://api.groq.com)",
    },
    ProviderVars {
        provider: Provider::Together,
        keys: &["TOGETHER_API_KEY"],
        base_urls: &["TOGETHER_BASE_URL"],
        hosts: &["api.together.ai", "api.together.xyz"],
        misspellings: &["TOGETHER_KEY", "TOGETHER_AI_API_KEY", "TOGETHER_TOKEN"],
        default_base: "https://api.together.ai",
        models_path: "/v1/models",
        auth: Auth::Bearer,
        source: "together/_client.py:136-158 (TOGETHER_API_KEY, TOGETHER_BASE_URL, default https://api.together.ai)",
    },
    ProviderVars {
        provider: Provider::Mistral,
        keys: &["MISTRAL_API_KEY"],
        base_urls: &[],
        hosts: &["api.mistral.ai"],
        misspellings: &["MISTRAL_KEY", "MISTRALAI_API_KEY", "MISTRAL_AI_API_KEY", "MISTRAL_TOKEN"],
        default_base: "https://api.mistral.ai",
        models_path: "/v1/models",
        auth: Auth::Bearer,
        source: "mistralai/client/utils/security.py:79 (MISTRAL_API_KEY); no base-URL variable (client/sdkconfiguration.py:18-27)",
    },
    ProviderVars {
        provider: Provider::Cohere,
        keys: &["CO_API_KEY", "COHERE_API_KEY"],
        base_urls: &["CO_API_URL"],
        hosts: &["api.cohere.com", "api.cohere.ai"],
        misspellings: &["COHERE_KEY", "CO_KEY", "COHERE_TOKEN"],
        default_base: "https://api.cohere.com",
        models_path: "/v1/models",
        auth: Auth::Bearer,
        source: "cohere/client.py:573-578 (CO_API_KEY, then the undocumented COHERE_API_KEY), CO_API_URL",
    },
    ProviderVars {
        provider: Provider::Google,
        keys: &["GOOGLE_API_KEY", "GEMINI_API_KEY"],
        base_urls: &["GOOGLE_GEMINI_BASE_URL"],
        hosts: &["generativelanguage.googleapis.com"],
        misspellings: &["GEMINI_KEY", "GOOGLE_GEMINI_API_KEY", "GOOGLE_AI_API_KEY", "GOOGLE_GENAI_KEY", "GEMINI_TOKEN"],
        default_base: "https://generativelanguage.googleapis.com",
        models_path: "/v1beta/models",
        auth: Auth::Google,
        source: "google/genai/_api_client.py:165-178 (GOOGLE_API_KEY wins over GEMINI_API_KEY), _base_url.py:50 (GOOGLE_GEMINI_BASE_URL)",
    },
    ProviderVars {
        provider: Provider::Openrouter,
        keys: &["OPENROUTER_API_KEY"],
        base_urls: &["OPENROUTER_API_BASE"],
        hosts: &["openrouter.ai"],
        misspellings: &["OPENROUTER_KEY", "OPEN_ROUTER_API_KEY"],
        default_base: "https://openrouter.ai/api/v1",
        models_path: "/key",
        auth: Auth::Bearer,
        source: "litellm/main.py:3489-3495 (OPENROUTER_API_KEY, OPENROUTER_API_BASE, default https://openrouter.ai/api/v1)",
    },
    ProviderVars {
        provider: Provider::Deepseek,
        keys: &["DEEPSEEK_API_KEY"],
        base_urls: &["DEEPSEEK_API_BASE"],
        hosts: &["api.deepseek.com"],
        misspellings: &["DEEPSEEK_KEY", "DEEP_SEEK_API_KEY"],
        default_base: "https://api.deepseek.com",
        models_path: "/models",
        auth: Auth::Bearer,
        source: "litellm/litellm_core_utils/get_llm_provider_logic.py:727-730 (DEEPSEEK_API_KEY, https://api.deepseek.com/v1)",
    },
    ProviderVars {
        provider: Provider::Xai,
        keys: &["XAI_API_KEY"],
        base_urls: &["XAI_API_BASE"],
        hosts: &["api.x.ai"],
        misspellings: &["GROK_API_KEY", "XAI_KEY", "X_AI_API_KEY"],
        default_base: "https://api.x.ai/v1",
        models_path: "/models",
        auth: Auth::Bearer,
        source: "litellm/llms/xai/common_utils.py:73 (XAI_API_KEY); litellm/realtime_api/main.py:509 (XAI_API_BASE, https://api.x.ai/v1)",
    },
];

pub fn vars_of(provider: Provider) -> Option<&'static ProviderVars> {
    PROVIDERS.iter().find(|p| p.provider == provider)
}

/// The provider whose official API host `host` is.
pub fn provider_of_host(host: &str) -> Option<Provider> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    PROVIDERS
        .iter()
        .find(|p| {
            p.hosts.iter().any(|h| match h.strip_prefix('.') {
                Some(suffix) => host.ends_with(&format!(".{suffix}")),
                None => host == *h,
            })
        })
        .map(|p| p.provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_variable_is_claimed_twice() {
        let mut seen = std::collections::HashSet::new();
        for p in PROVIDERS {
            for v in p.keys.iter().chain(p.base_urls).chain(p.misspellings) {
                assert!(seen.insert(*v), "{v} appears twice");
            }
        }
    }

    #[test]
    fn hosts_resolve_to_their_provider() {
        assert_eq!(
            provider_of_host("api.anthropic.com"),
            Some(Provider::Anthropic)
        );
        assert_eq!(
            provider_of_host("my-resource.openai.azure.com"),
            Some(Provider::AzureOpenai)
        );
        assert_eq!(provider_of_host("openai.azure.com.evil.example"), None);
        assert_eq!(provider_of_host("API.GROQ.COM"), Some(Provider::Groq));
        assert_eq!(provider_of_host("example.com"), None);
    }
}
