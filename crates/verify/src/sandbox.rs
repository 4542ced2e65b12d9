//! The environment an example runs in: nothing of the caller's (no real key or base URL
//! can leak in, and a real provider is never reached), only the mock's base URLs and
//! well-formed mock keys, and what offline runs need.

use errdex_mock::keys::mock_key;
use errdex_mock::Provider;
use std::net::SocketAddr;

/// Variables kept from the caller: where programs are, and the locale.
const KEPT: &[&str] = &["PATH", "LANG", "LC_ALL", "SYSTEMROOT"];

pub fn kept_vars() -> Vec<(String, String)> {
    KEPT.iter()
        .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
        .collect()
}

/// The providers whose variables are set for an entry of `provider`: itself, or, for a
/// wrapper (LiteLLM, LangChain), every provider it may call.
fn providers_for(provider: &str) -> Vec<Provider> {
    match Provider::parse(provider) {
        Some(p) => vec![p],
        None => Provider::ALL.to_vec(),
    }
}

/// Base-URL and key variables, for the entry's provider and the example's SDK. `with_key`
/// is false for `nokey` examples: every key variable is left unset.
pub fn example_env(
    provider: &str,
    sdk: &str,
    scenario: &str,
    mock: SocketAddr,
    with_key: bool,
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = Vec::new();
    let mut set = |k: &str, v: String| env.push((k.to_string(), v));
    let base = |p: Provider| format!("http://{mock}/{}/{scenario}", p.as_str());
    set("ERRDEX_MOCK_URL", format!("http://{mock}"));
    let providers = providers_for(provider);
    if let [p] = providers.as_slice() {
        set(
            "ERRDEX_BASE_URL",
            format!("{}{}", base(*p), p.sdk_base_suffix()),
        );
    }
    let mut keys: Vec<(&str, String)> = Vec::new();
    for p in providers {
        let key = mock_key(p);
        match p {
            Provider::Anthropic => {
                set("ANTHROPIC_BASE_URL", base(p));
                keys.push(("ANTHROPIC_API_KEY", key));
            }
            Provider::Openai => {
                set("OPENAI_BASE_URL", format!("{}/v1", base(p)));
                keys.push(("OPENAI_API_KEY", key));
            }
            Provider::AzureOpenai => {
                set("AZURE_OPENAI_ENDPOINT", base(p));
                set("OPENAI_API_VERSION", "2024-10-21".into());
                keys.push(("AZURE_OPENAI_API_KEY", key));
            }
            Provider::Groq => {
                set("GROQ_BASE_URL", base(p));
                keys.push(("GROQ_API_KEY", key));
            }
            Provider::Fireworks => {
                set("FIREWORKS_BASE_URL", base(p));
                keys.push(("FIREWORKS_API_KEY", key));
            }
            Provider::Together => {
                set("TOGETHER_BASE_URL", base(p));
                keys.push(("TOGETHER_API_KEY", key));
            }
            Provider::Mistral => keys.push(("MISTRAL_API_KEY", key)),
            Provider::Deepseek => {
                set("DEEPSEEK_BASE_URL", base(p));
                keys.push(("DEEPSEEK_API_KEY", key));
            }
            Provider::Openrouter => {
                set("OPENROUTER_BASE_URL", format!("{}/api/v1", base(p)));
                keys.push(("OPENROUTER_API_KEY", key));
            }
            Provider::Xai => {
                set("XAI_BASE_URL", format!("{}/v1", base(p)));
                keys.push(("XAI_API_KEY", key));
            }
            Provider::Cohere => {
                set("CO_API_URL", base(p));
                keys.push(("CO_API_KEY", key));
            }
            Provider::Google => {
                set("GOOGLE_GEMINI_BASE_URL", base(p));
                keys.push(("GEMINI_API_KEY", key));
            }
            Provider::Vertex => {
                set("GOOGLE_VERTEX_BASE_URL", base(p));
                set("ANTHROPIC_VERTEX_BASE_URL", format!("{}/v1", base(p)));
                set("GOOGLE_CLOUD_PROJECT", "errdex-mock".into());
                set("ANTHROPIC_VERTEX_PROJECT_ID", "errdex-mock".into());
                set("GOOGLE_CLOUD_LOCATION", "us-central1".into());
                set("CLOUD_ML_REGION", "us-east5".into());
                keys.push(("ERRDEX_VERTEX_ACCESS_TOKEN", key));
            }
            Provider::Bedrock => {
                set("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", base(p));
                set("AWS_ENDPOINT_URL_BEDROCK", base(p));
                set("ANTHROPIC_BEDROCK_BASE_URL", base(p));
                set("AWS_REGION", "us-east-1".into());
                set("AWS_DEFAULT_REGION", "us-east-1".into());
                set("AWS_EC2_METADATA_DISABLED", "true".into());
                keys.push(("AWS_ACCESS_KEY_ID", key));
                keys.push((
                    "AWS_SECRET_ACCESS_KEY",
                    "errdexMockSecretAccessKey0000000000000000".into(),
                ));
            }
            Provider::Ollama => set("OLLAMA_HOST", base(p)),
        }
    }
    // The OpenAI SDK pointed at an OpenAI-compatible provider: its variables name that
    // provider's route and key.
    if matches!(sdk, "openai") {
        if let Some(p) = Provider::parse(provider).filter(|p| {
            !matches!(
                p,
                Provider::Openai | Provider::AzureOpenai | Provider::Anthropic
            )
        }) {
            let suffix = match p {
                Provider::Groq => "/openai/v1",
                Provider::Fireworks => "/inference/v1",
                Provider::Deepseek => "",
                Provider::Openrouter => "/api/v1",
                _ => "/v1",
            };
            set("OPENAI_BASE_URL", format!("{}{suffix}", base(p)));
            keys.push(("OPENAI_API_KEY", mock_key(p)));
        }
    }
    if with_key {
        for (k, v) in keys {
            set(k, v);
        }
    }
    // LiteLLM fetches its model cost map from the network at import unless told not to.
    set("LITELLM_LOCAL_MODEL_COST_MAP", "True".into());
    set("PYTHONDONTWRITEBYTECODE", "1".into());
    set("PYTHONUNBUFFERED", "1".into());
    set("NO_COLOR", "1".into());
    set("NODE_NO_WARNINGS", "1".into());
    env
}

/// Whether a variable holds a secret, for transcripts.
pub fn is_secret(name: &str) -> bool {
    name.ends_with("_KEY") || name.ends_with("_TOKEN") || name.contains("SECRET")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anthropic_examples_get_the_mock_url_and_a_key_only_when_asked() {
        let addr: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let env = example_env("anthropic", "anthropic", "rate_limit", addr, true);
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(
            get("ANTHROPIC_BASE_URL").as_deref(),
            Some("http://127.0.0.1:9/anthropic/rate_limit")
        );
        assert!(get("ANTHROPIC_API_KEY")
            .unwrap()
            .starts_with("sk-ant-api03-"));
        let env = example_env("anthropic", "anthropic", "ok", addr, false);
        assert!(env.iter().all(|(k, _)| !k.ends_with("_API_KEY")));
    }

    #[test]
    fn the_openai_sdk_on_fireworks_is_pointed_at_fireworks() {
        let addr: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let env = example_env("fireworks", "openai", "ok", addr, true);
        let get = |k: &str| {
            env.iter()
                .rev()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            get("OPENAI_BASE_URL").as_deref(),
            Some("http://127.0.0.1:9/fireworks/ok/inference/v1")
        );
        assert!(get("OPENAI_API_KEY").unwrap().starts_with("fw_"));
    }
}
