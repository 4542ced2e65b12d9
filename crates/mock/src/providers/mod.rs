//! Per-provider routes and answers. Each module says, for its provider family, which paths
//! the official SDKs request, and what each scenario answers there — status, headers and
//! body as the real API sends them, each with its source in a comment.

pub mod anthropic;
pub mod bedrock;
pub mod cohere;
pub mod google;
pub mod ollama;
pub mod openai;

use crate::reply::Reply;
use serde_json::Value;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Provider {
    Anthropic,
    Openai,
    AzureOpenai,
    Fireworks,
    Groq,
    Together,
    Mistral,
    Deepseek,
    Openrouter,
    Xai,
    Cohere,
    Google,
    Vertex,
    Bedrock,
    Ollama,
}

impl Provider {
    pub const ALL: &'static [Provider] = &[
        Provider::Anthropic,
        Provider::Openai,
        Provider::AzureOpenai,
        Provider::Fireworks,
        Provider::Groq,
        Provider::Together,
        Provider::Mistral,
        Provider::Deepseek,
        Provider::Openrouter,
        Provider::Xai,
        Provider::Cohere,
        Provider::Google,
        Provider::Vertex,
        Provider::Bedrock,
        Provider::Ollama,
    ];

    /// The path segment, the same as errdex's taxonomy name.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Anthropic => "anthropic",
            Provider::Openai => "openai",
            Provider::AzureOpenai => "azure-openai",
            Provider::Fireworks => "fireworks",
            Provider::Groq => "groq",
            Provider::Together => "together",
            Provider::Mistral => "mistral",
            Provider::Deepseek => "deepseek",
            Provider::Openrouter => "openrouter",
            Provider::Xai => "xai",
            Provider::Cohere => "cohere",
            Provider::Google => "google",
            Provider::Vertex => "vertex",
            Provider::Bedrock => "bedrock",
            Provider::Ollama => "ollama",
        }
    }

    pub fn parse(text: &str) -> Option<Provider> {
        Provider::ALL.iter().copied().find(|p| p.as_str() == text)
    }

    /// The path, after `/<provider>/<scenario>`, of the route that lists models (the
    /// doctor uses it to check keys), and the suffix the SDK's base URL must end with.
    pub fn models_path(self) -> &'static str {
        match self {
            Provider::Anthropic => "/v1/models",
            Provider::Openai | Provider::Fireworks | Provider::Together => "/v1/models",
            Provider::Mistral | Provider::Xai => "/v1/models",
            Provider::AzureOpenai => "/openai/models?api-version=2024-10-21",
            Provider::Groq => "/openai/v1/models",
            Provider::Deepseek => "/models",
            Provider::Openrouter => "/api/v1/models",
            Provider::Cohere => "/v1/models",
            Provider::Google => "/v1beta/models",
            Provider::Vertex => "/v1/publishers/google/models",
            Provider::Bedrock => "/foundation-models",
            Provider::Ollama => "/api/tags",
        }
    }

    /// What to append to `http://HOST:PORT/<provider>/<scenario>` to get the base URL the
    /// provider's official SDK expects (sdk-facts §7: the OpenAI SDK appends
    /// `/chat/completions` to a base that must end in `/v1`, Groq's appends
    /// `/openai/v1/...`, …).
    pub fn sdk_base_suffix(self) -> &'static str {
        match self {
            Provider::Openai | Provider::Xai => "/v1",
            Provider::Openrouter => "/api/v1",
            _ => "",
        }
    }

    /// Sub-scenarios of this provider, beyond [`crate::scenario::COMMON`].
    pub fn sub_scenarios(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Provider::Anthropic => anthropic::SUB_SCENARIOS,
            Provider::Bedrock => bedrock::SUB_SCENARIOS,
            Provider::Google | Provider::Vertex => google::SUB_SCENARIOS,
            Provider::Cohere => cohere::SUB_SCENARIOS,
            Provider::Ollama => ollama::SUB_SCENARIOS,
            p => openai::sub_scenarios(p),
        }
    }
}

/// The operation a request asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Anthropic Messages (`/v1/messages`), also Bedrock/Vertex rawPredict bodies.
    Messages,
    CountTokens,
    /// OpenAI-style Chat Completions on any OpenAI-compatible provider.
    Chat,
    Responses,
    Embeddings,
    Models,
    Model(String),
    /// OpenRouter's key information (`GET /api/v1/key`), what a key check asks for.
    Key,
    /// Cohere v2 chat.
    CohereChat,
    CohereEmbed,
    /// Gemini / Vertex generateContent and streamGenerateContent.
    Generate,
    /// Anthropic models on Vertex (`:rawPredict` / `:streamRawPredict`).
    RawPredict,
    /// Bedrock runtime.
    Invoke,
    Converse,
    OllamaChat,
    OllamaGenerate,
    /// Ollama's `POST /api/pull` (download a model from the registry).
    OllamaPull,
    /// A path the provider does not serve.
    Unknown,
}

/// Everything a provider module needs to answer one request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub provider: Provider,
    pub route: Route,
    pub method: String,
    /// The path after `/<provider>/<scenario>`, with its leading slash.
    pub path: String,
    pub query: HashMap<String, String>,
    pub body: Value,
    /// The model named in the body or the path.
    pub model: String,
    pub stream: bool,
    /// The credential as sent (never logged).
    pub key: Option<String>,
    pub body_len: usize,
}

/// Which operation `path` is for `provider`, and the model named in the path if any.
pub fn route(provider: Provider, method: &str, path: &str) -> (Route, Option<String>, bool) {
    match provider {
        Provider::Anthropic => (anthropic::route(method, path), None, false),
        Provider::Cohere => (cohere::route(method, path), None, false),
        Provider::Google | Provider::Vertex => google::route(provider, method, path),
        Provider::Bedrock => bedrock::route(method, path),
        Provider::Ollama => (ollama::route(method, path), None, false),
        p => (openai::route(p, method, path), None, false),
    }
}

/// The answer of `scenario` for this request, or `None` when the provider has no
/// counterpart for it.
pub fn answer(scenario: &str, cx: &Ctx) -> Option<Reply> {
    let reply = match cx.provider {
        Provider::Anthropic => anthropic::answer(scenario, cx),
        Provider::Cohere => cohere::answer(scenario, cx),
        Provider::Google | Provider::Vertex => google::answer(scenario, cx),
        Provider::Bedrock => bedrock::answer(scenario, cx),
        Provider::Ollama => ollama::answer(scenario, cx),
        _ => openai::answer(scenario, cx),
    }?;
    Some(with_request_id(cx.provider, reply))
}

/// The answer to a request whose key the real API would refuse (missing, malformed,
/// another provider's).
pub fn refuse_key(cx: &Ctx, missing: bool) -> Reply {
    let reply = match cx.provider {
        Provider::Anthropic => anthropic::refuse_key(missing),
        Provider::Cohere => cohere::refuse_key(missing),
        Provider::Google | Provider::Vertex => google::refuse_key(cx.provider, missing),
        Provider::Bedrock => bedrock::refuse_key(missing),
        _ => openai::refuse_key(cx, missing),
    };
    with_request_id(cx.provider, reply)
}

/// The credential a request carries, where this provider's SDKs put it.
pub fn credential(
    provider: Provider,
    headers: &axum::http::HeaderMap,
    query: &HashMap<String, String>,
) -> Option<String> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    // The scheme is case-insensitive (RFC 9110 §11.1): cohere 4.x sends `BEARER <key>`.
    let bearer = || {
        header("authorization").and_then(|v| {
            v.split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, key)| key.to_string())
        })
    };
    match provider {
        // anthropic 2.x sends Authorization: Bearer; older clients and curl x-api-key.
        Provider::Anthropic => header("x-api-key").or_else(bearer),
        Provider::AzureOpenai => header("api-key").or_else(bearer),
        Provider::Google => header("x-goog-api-key").or_else(|| query.get("key").cloned()),
        // SigV4: `AWS4-HMAC-SHA256 Credential=AKIA…/date/region/bedrock/aws4_request, …`.
        Provider::Bedrock => header("authorization").and_then(|v| {
            v.split("Credential=")
                .nth(1)
                .and_then(|c| c.split('/').next())
                .map(str::to_string)
                .or_else(|| v.strip_prefix("Bearer ").map(str::to_string))
        }),
        _ => bearer(),
    }
}

/// A stable request id, in the header each provider's SDK reads (sdk-facts §7).
fn with_request_id(provider: Provider, reply: Reply) -> Reply {
    match provider {
        Provider::Anthropic => reply.header("request-id", "req_011CErrdexMockRequestId"),
        Provider::Bedrock => {
            reply.header("x-amzn-requestid", "8f1c7c2e-0000-4000-8000-e77de0000000")
        }
        Provider::Google | Provider::Vertex | Provider::Ollama => reply,
        Provider::Cohere => reply.header("x-debug-trace-id", "e77de0000000mock"),
        _ => reply.header("x-request-id", "req_errdex_mock_0001"),
    }
}

/// The model named in a JSON body, or a default.
pub fn body_model(body: &Value, default: &str) -> String {
    body.get("model")
        .and_then(Value::as_str)
        .unwrap_or(default)
        .to_string()
}

/// A key shown the way OpenAI-style errors mask it: `sk-proj-****abcd`.
pub fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len().min(40) - 8))
}
