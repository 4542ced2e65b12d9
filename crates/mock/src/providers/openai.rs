//! OpenAI and the OpenAI-compatible APIs: OpenAI, Azure OpenAI, Groq, Fireworks, Together,
//! Mistral, DeepSeek, OpenRouter, xAI (and Ollama's `/v1` routes, through `ollama.rs`).
//! The success bodies follow OpenAI's API reference (https://platform.openai.com/docs/api-reference);
//! each provider's error envelope and messages are cited where they are built.

use super::{body_model, mask, Ctx, Provider, Route};
use crate::reply::{sse_event, Body, Outcome, Reply};
use serde_json::{json, Value};

pub fn sub_scenarios(p: Provider) -> &'static [(&'static str, &'static str)] {
    match p {
        Provider::Openai => &[
            (
                "insufficient_quota",
                "429 insufficient_quota (the `quota` answer)",
            ),
            (
                "invalid_url",
                "404 Invalid URL, as for a base URL without /v1",
            ),
            (
                "unsupported_parameter",
                "400 unsupported_parameter: max_tokens sent to a reasoning model",
            ),
            (
                "tool_message_order",
                "400: a role 'tool' message with no tool_calls message before it",
            ),
            (
                "length",
                "200 cut at the token limit: finish_reason length, JSON content unfinished",
            ),
            (
                "json_mode",
                "200: JSON content only when response_format asks for it, prose otherwise",
            ),
        ],
        Provider::Groq => &[
            (
                "tpm_request_too_large",
                "413 rate_limit_exceeded: one request over the tokens-per-minute limit",
            ),
            (
                "json_validate_failed",
                "400 json_validate_failed: JSON mode output did not validate",
            ),
            (
                "tool_use_failed",
                "400 tool_use_failed: the model's tool call did not parse",
            ),
            (
                "organization_restricted",
                "400 organization_restricted: the organization is blocked",
            ),
            (
                "cloudflare_blocked",
                "403 Cloudflare block page (HTML): the client's network is blocked",
            ),
            (
                "property_unsupported",
                "400 invalid_request_error: a message carries a property Groq does not accept",
            ),
        ],
        Provider::Fireworks => &[
            (
                "first_token_deadline",
                "429 too_many_requests: no first token before the deadline (overloaded)",
            ),
            (
                "fire_pass_route",
                "403 on GET /models for a Fire Pass key; chat completions answered",
            ),
            (
                "no_conversation_config",
                "404 on chat completions for a base model without a chat template; /completions answered",
            ),
        ],
        Provider::Together => &[(
            "non_serverless_model",
            "400 model_not_available: the model needs a dedicated endpoint",
        )],
        Provider::AzureOpenai => &[
            (
                "deployment_not_found",
                "404 DeploymentNotFound (the `model_not_found` answer)",
            ),
            (
                "api_version_missing",
                "404 Resource not found: no api-version query",
            ),
            (
                "api_version_unsupported",
                "400 BadRequest: API version not supported",
            ),
        ],
        Provider::Openrouter => &[
            ("no_provider", "503: no provider available for the model"),
            ("no_endpoints", "404: No endpoints found for the model"),
            (
                "free_models_per_day",
                "429: the daily request allowance of :free models is used up",
            ),
            (
                "more_credits",
                "402: the balance cannot pay for the max_tokens requested",
            ),
            (
                "provider_error",
                "400 Provider returned error: the upstream provider rejected the request",
            ),
            (
                "key_limit",
                "403: the key's own credit limit is used up (Key limit exceeded)",
            ),
            (
                "mid_stream_error",
                "200 stream: content, then a chunk with finish_reason error and a top-level error",
            ),
        ],
        Provider::Xai => &[(
            "unsupported_argument",
            "400: a sampling or reasoning parameter the model does not take (ok without it)",
        )],
        Provider::Mistral => &[(
            "message_order",
            "400 invalid_request_message_order: Unexpected role 'user' after role 'tool'",
        )],
        _ => &[],
    }
}

/// Strips the provider's prefix and names the operation.
pub fn route(p: Provider, method: &str, path: &str) -> Route {
    let rest = match p {
        Provider::Openai | Provider::Together | Provider::Mistral | Provider::Xai => {
            path.strip_prefix("/v1")
        }
        Provider::Groq => path.strip_prefix("/openai/v1"),
        // fireworks-ai appends /v1; the OpenAI SDK pointed at Fireworks uses /inference/v1.
        Provider::Fireworks => path
            .strip_prefix("/inference/v1")
            .or_else(|| path.strip_prefix("/v1")),
        Provider::Deepseek => Some(path.strip_prefix("/v1").unwrap_or(path)),
        Provider::Openrouter => path.strip_prefix("/api/v1"),
        Provider::AzureOpenai => azure_rest(path),
        Provider::Ollama => path.strip_prefix("/v1"),
        _ => None,
    };
    match (method, rest) {
        ("POST", Some("/chat/completions")) => Route::Chat,
        ("POST", Some("/responses")) => Route::Responses,
        ("POST", Some("/embeddings")) => Route::Embeddings,
        ("GET", Some("/models")) => Route::Models,
        // https://openrouter.ai/docs/api-reference/limits: GET /api/v1/key checks a key.
        ("GET", Some("/key")) if p == Provider::Openrouter => Route::Key,
        ("GET", Some(r)) if r.starts_with("/models/") => Route::Model(r[8..].to_string()),
        _ => Route::Unknown,
    }
}

/// Azure: `/openai/deployments/{deployment}/chat/completions?api-version=…` (the classic
/// API) or `/openai/v1/chat/completions` (the v1 API, no api-version).
/// https://learn.microsoft.com/azure/ai-foundry/openai/reference
fn azure_rest(path: &str) -> Option<&str> {
    if let Some(rest) = path.strip_prefix("/openai/deployments/") {
        return rest.find('/').map(|i| &rest[i..]);
    }
    // Models - List of the classic data-plane API: GET /openai/models?api-version=…
    if path == "/openai/models" {
        return Some("/models");
    }
    path.strip_prefix("/openai/v1")
        .or_else(|| path.strip_prefix("/openai"))
}

fn azure_deployment(path: &str) -> Option<&str> {
    path.strip_prefix("/openai/deployments/")?.split('/').next()
}

/// The team id xAI's messages name (a UUID in real answers).
const XAI_TEAM: &str = "e77de0a1-0000-4000-8000-00000e77de01";

/// The user id OpenRouter appends to some error bodies.
const OPENROUTER_USER: &str = "user_2errdexMockUser00000000";

/// The first `n` characters of a key.
fn head(key: &str, n: usize) -> String {
    key.chars().take(n).collect()
}

/// The last `n` characters of a key.
fn tail(key: &str, n: usize) -> String {
    let chars: Vec<char> = key.chars().collect();
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

/// The error envelope each provider sends.
fn err(p: Provider, status: u16, message: &str, kind: &str, code: Option<&str>) -> Reply {
    let body = match p {
        // Fireworks documents no body; this is the envelope seen in the wild (412):
        // https://github.com/pollinations/pollinations/issues/12136 — codes are UPPER_SNAKE.
        Provider::Fireworks => json!({
            "error": {"message": message, "param": null, "code": code.unwrap_or(kind), "type": "error"},
            "request_id": "00000000-0000-4000-8000-e77de0mock00",
        }),
        // https://docs.mistral.ai/resources/error-glossary
        Provider::Mistral => json!({
            "object": "error", "message": message, "type": kind, "param": null, "code": code,
        }),
        // https://openrouter.ai/docs/api-reference/errors: numeric code, optional metadata.
        Provider::Openrouter => json!({"error": {"code": status, "message": message}}),
        // xAI: {"code": <gRPC-style text>, "error": <message>}, e.g.
        // https://github.com/openai/openai-python/issues/1936 (quoted xAI body).
        Provider::Xai => json!({"code": kind, "error": message}),
        // Azure's own errors: {"error": {"code", "message"}}
        // https://learn.microsoft.com/azure/ai-foundry/openai/reference#error-response
        Provider::AzureOpenai if code.is_none() => {
            json!({"error": {"code": kind, "message": message}})
        }
        // OpenAI's ErrorObject: openai/types/shared/error_object.py,
        // https://platform.openai.com/docs/guides/error-codes ; Groq, Together, DeepSeek and
        // Ollama's /v1 copy it.
        _ => json!({"error": {"message": message, "type": kind, "param": null, "code": code}}),
    };
    Reply::json(status, body)
}

fn rate_headers(reply: Reply, p: Provider) -> Reply {
    // https://platform.openai.com/docs/guides/rate-limits ; Groq: retry-after only on 429
    // (https://console.groq.com/docs/rate-limits).
    let reply = reply.header("retry-after", "1");
    match p {
        Provider::Openai | Provider::Groq | Provider::AzureOpenai => reply
            .header("x-ratelimit-limit-requests", "500")
            .header("x-ratelimit-remaining-requests", "0")
            .header("x-ratelimit-reset-requests", "120ms")
            .header("x-ratelimit-limit-tokens", "30000")
            .header("x-ratelimit-remaining-tokens", "0")
            .header("x-ratelimit-reset-tokens", "1s"),
        _ => reply,
    }
}

pub fn refuse_key(cx: &Ctx, missing: bool) -> Reply {
    let p = cx.provider;
    let key = cx.key.as_deref().unwrap_or("");
    match p {
        // https://platform.openai.com/docs/guides/error-codes (401 Incorrect API key provided);
        // body seen in https://github.com/dan1471/FREE-openai-api-keys/issues/48
        Provider::Openai if missing => err(p, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.", "invalid_request_error", None),
        Provider::Openai => err(p, 401, &format!("Incorrect API key provided: {}. You can find your API key at https://platform.openai.com/account/api-keys.", mask(key)), "invalid_request_error", Some("invalid_api_key")),
        // https://learn.microsoft.com/answers/questions/1306325 (quoted Azure 401 body)
        Provider::AzureOpenai => err(p, 401, "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.", "401", None),
        // https://github.com/ag5826000/resume-commentor/issues/4
        Provider::Groq => err(p, 401, "Invalid API Key", "invalid_request_error", Some("invalid_api_key")),
        Provider::Fireworks => err(p, 401, "The API key you provided is invalid.", "error", Some("UNAUTHORIZED")),
        // https://docs.together.ai/docs/error-codes (401)
        Provider::Together => err(p, 401, "Invalid API key provided. You can find your API key at https://api.together.xyz/settings/api-keys.", "invalid_request_error", Some("invalid_api_key")),
        // https://docs.mistral.ai/resources/error-glossary (401 Unauthorized)
        Provider::Mistral => err(p, 401, "Unauthorized", "authentication_error", None),
        // https://api-docs.deepseek.com/quick_start/error_codes (401 Authentication Fails)
        // DeepSeek shows four stars and the key's last four characters ("****d569"):
        // https://github.com/szczyglis-dev/py-gpt/issues/112 , https://github.com/continuedev/continue/issues/11820
        Provider::Deepseek => err(p, 401, &format!("Authentication Fails, Your api key: ****{} is invalid", tail(key, 4)), "authentication_error", Some("invalid_request_error")),
        // https://openrouter.ai/docs/api-reference/errors (401: invalid credentials)
        Provider::Openrouter if missing => err(p, 401, "No auth credentials found", "", None),
        Provider::Openrouter => err(p, 401, "User not found.", "", None),
        // xAI answers a bad key with 400 "Client specified an invalid argument" (docs.x.ai
        // debugging: "400 … An incorrect API key is supplied") and masks it to its first and
        // last two characters: https://github.com/hotovo/aider-desk/issues/653 ("sk***gA"),
        // https://github.com/continuedev/continue/issues/10778 ("na***ys").
        Provider::Xai => err(p, 400, &format!("Incorrect API key provided: {}***{}. You can obtain an API key from https://console.x.ai.", head(key, 2), tail(key, 2)), "Client specified an invalid argument", None),
        _ => err(p, 401, "Unauthorized", "invalid_request_error", None),
    }
}

pub fn answer(scenario: &str, cx: &Ctx) -> Option<Reply> {
    let p = cx.provider;
    let default_model = match p {
        Provider::Groq => "llama-3.3-70b-versatile",
        Provider::Fireworks => "accounts/fireworks/models/llama-v3p1-8b-instruct",
        Provider::Together => "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        Provider::Mistral => "mistral-small-latest",
        Provider::Deepseek => "deepseek-chat",
        Provider::Openrouter => "openai/gpt-4o-mini",
        Provider::Xai => "grok-4",
        Provider::Ollama => "llama3.2",
        _ => "gpt-4o-mini",
    };
    let model = match (p, azure_deployment(&cx.path)) {
        (Provider::AzureOpenai, Some(d)) => d.to_string(),
        _ => body_model(&cx.body, default_model),
    };
    if p == Provider::AzureOpenai
        && cx.path.starts_with("/openai/")
        && !cx.path.starts_with("/openai/v1")
    {
        // The classic Azure API answers 404 "Resource not found" without api-version
        // (e.g. https://github.com/openai/openai-python/issues/1013).
        if !cx.query.contains_key("api-version") || scenario == "api_version_missing" {
            return Some(err(p, 404, "Resource not found", "404", None));
        }
    }
    if p == Provider::Fireworks && scenario == "no_conversation_config" {
        if let Some(reply) = base_model_only(cx, &model) {
            return Some(reply);
        }
    }
    if cx.route == Route::Unknown || scenario == "invalid_url" {
        return Some(match p {
            // OpenAI's answer to an unknown path (a base URL without /v1), e.g.
            // https://github.com/openai/openai-python/issues/1250
            Provider::Openai => err(
                p,
                404,
                &format!("Invalid URL ({} {})", cx.method, cx.path),
                "invalid_request_error",
                None,
            ),
            Provider::AzureOpenai => err(p, 404, "Resource not found", "404", None),
            Provider::Ollama => Reply::json(404, json!("404 page not found")),
            // https://github.com/PromtEngineer/Verbi/issues/12 ,
            // https://github.com/ChatGPTNextWeb/NextChat/issues/4599 (quoted bodies).
            Provider::Groq => err(
                p,
                404,
                &format!(
                    "Unknown request URL: {} {}. Please check the URL for typos, or see the docs at https://console.groq.com/docs/",
                    cx.method, cx.path
                ),
                "invalid_request_error",
                Some("unknown_url"),
            ),
            _ => err(p, 404, "Not Found", "invalid_request_error", None),
        });
    }
    let with_scenario = |s: &str| answer_error(s, p, cx, &model);
    Some(match scenario {
        "ok" | "slow" => success(cx, &model),
        "content_filter" => content_filter(p, cx, &model)?,
        "malformed" => Reply::malformed(),
        "stream_cut" => stream(cx, &model).cut_after(2),
        "stream_error" => {
            // OpenAI sends {"error": …} as a data line inside a 200 stream; the SDKs raise
            // APIError from it (openai/_streaming.py).
            let mut chunks = chunks(&model);
            chunks.truncate(2);
            chunks.push(sse_event(
                None,
                &json!({"error": {"message": "The server had an error while processing your request. Sorry about that!", "type": "server_error", "param": null, "code": null}}),
            ));
            Reply::sse(chunks).outcome(Outcome::StreamError)
        }
        "mid_stream_error" if p == Provider::Openrouter => {
            // An upstream failure after the stream began: the HTTP status is already 200, so
            // OpenRouter ends the stream with a chunk carrying a top-level `error` {code,
            // message} and finish_reason "error"
            // (https://openrouter.ai/docs/api-reference/errors, streaming error format). The
            // message and metadata as quoted from a real stream in
            // https://github.com/hotovo/aider-desk/issues/103 .
            let mut chunks = chunks(&model);
            chunks.truncate(3);
            chunks.push(sse_event(
                None,
                &json!({"id": "gen-errdexmock", "provider": "DeepInfra", "model": model, "object": "chat.completion.chunk", "created": 1764000000,
                        "error": {"code": 502, "message": "Error processing stream", "metadata": {"provider_name": "DeepInfra", "raw": {"retryable": true}}},
                        "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": "error", "native_finish_reason": "error", "logprobs": null}]}),
            ));
            chunks.push("data: [DONE]\n\n".to_string());
            Reply::sse(chunks).outcome(Outcome::StreamError)
        }
        s => with_scenario(s)?,
    })
}

fn answer_error(scenario: &str, p: Provider, cx: &Ctx, model: &str) -> Option<Reply> {
    use Provider::*;
    Some(match (p, scenario) {
        (_, "invalid_key") => refuse_key(cx, false),

        // --- OpenAI: https://platform.openai.com/docs/guides/error-codes
        (Openai, "permission") => Reply::json(403, json!({"error": {"code": "unsupported_country_region_territory", "message": "Country, region, or territory not supported", "param": null, "type": "request_forbidden"}})),
        // https://github.com/openai/openai-agents-python/issues/458
        (Openai, "model_not_found") => err(p, 404, &format!("The model `{model}` does not exist or you do not have access to it."), "invalid_request_error", Some("model_not_found")),
        (Openai, "bad_request") => Reply::json(400, json!({"error": {"message": "Invalid value: 'robot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", "type": "invalid_request_error", "param": "messages[0].role", "code": "invalid_value"}})),
        (Openai | AzureOpenai, "context_length") => Reply::json(400, json!({"error": {"message": "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}})),
        (Openai, "rate_limit") => rate_headers(err(p, 429, &format!("Rate limit reached for {model} in organization org-errdexmock on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more."), "requests", Some("rate_limit_exceeded")), p),
        // https://github.com/chatanywhere/GPT_API_free/issues/229 — type and code both insufficient_quota.
        (Openai, "quota" | "insufficient_quota") => err(p, 429, "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.", "insufficient_quota", Some("insufficient_quota")),
        (Openai, "overloaded") => err(p, 503, "The engine is currently overloaded, please try again later.", "server_error", None),
        (Openai, "server_error") => err(p, 500, "The server had an error while processing your request. Sorry about that!", "server_error", None),
        // Reasoning models refuse max_tokens: https://github.com/griptape-ai/ComfyUI-Griptape/issues/312 ,
        // https://github.com/ITSpecialist111/ai_automation_suggester/issues/38 (quoted bodies).
        (Openai, "unsupported_parameter") => Reply::json(400, json!({"error": {"message": "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", "type": "invalid_request_error", "param": "max_tokens", "code": "unsupported_parameter"}})),
        // The spelling "preceeding" and `param` naming the tool message are OpenAI's:
        // https://github.com/smarter-sh/smarter/issues/264 , https://github.com/miurla/morphic/issues/136
        // A 200 that stopped at the output-token limit: finish_reason "length"
        // (https://platform.openai.com/docs/api-reference/chat/object); the parse helpers then
        // raise LengthFinishReasonError (https://github.com/openai/openai-python/pull/1701 ,
        // https://github.com/wzf2000/MACRec/issues/2 , usage with completion_tokens at the cap).
        (Openai, "length") if cx.route == Route::Chat => {
            let mut body = completion(model, "{\"title\": \"Weekly plan\", \"points\": [\"shop\", \"co");
            body["choices"][0]["finish_reason"] = json!("length");
            body["usage"] = json!({"prompt_tokens": 8, "completion_tokens": 16, "total_tokens": 24});
            Reply::ok(body).outcome(Outcome::Truncated)
        }
        // JSON mode: with response_format json_object or json_schema the model's content is
        // JSON (https://platform.openai.com/docs/guides/structured-outputs); without it, the
        // ordinary prose answer, which a JSON output parser cannot read.
        (Openai, "json_mode") if cx.route == Route::Chat => match cx.body["response_format"]["type"].as_str() {
            Some("json_object") => Reply::ok(completion(model, "{\"answer\": \"Hello from errdex mock.\"}")),
            Some("json_schema") => {
                let instance = schema_instance(&cx.body["response_format"]["json_schema"]["schema"]);
                Reply::ok(completion(model, &instance.to_string()))
            }
            _ => success(cx, model).outcome(Outcome::Unstructured),
        },
        (Openai, "tool_message_order") => {
            let at = cx.body["messages"].as_array().and_then(|m| m.iter().position(|m| m["role"] == "tool")).unwrap_or(1);
            Reply::json(400, json!({"error": {"message": "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", "type": "invalid_request_error", "param": format!("messages.[{at}].role"), "code": null}}))
        }

        // --- Azure OpenAI: https://learn.microsoft.com/azure/ai-foundry/openai/reference
        (AzureOpenai, "permission") => err(p, 403, "Public access is disabled. Please configure private endpoint.", "403", None),
        (AzureOpenai, "model_not_found" | "deployment_not_found") => err(p, 404, "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.", "DeploymentNotFound", None),
        (AzureOpenai, "api_version_unsupported") => err(p, 400, "API version not supported", "BadRequest", None),
        (AzureOpenai, "bad_request") => Reply::json(400, json!({"error": {"message": "Invalid value: 'robot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", "type": "invalid_request_error", "param": "messages[0].role", "code": "invalid_value"}})),
        // https://learn.microsoft.com/azure/ai-foundry/openai/quotas-limits (429 text quoted widely)
        (AzureOpenai, "rate_limit") => rate_headers(err(p, 429, "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.", "429", None), p),
        (AzureOpenai, "quota") => err(p, 403, "Out of call volume quota for OpenAI API. Quota will be replenished in 1.00:00:00.", "403", None),
        (AzureOpenai, "server_error") => err(p, 500, "The server had an error processing your request. Sorry about that! You can retry your request, or contact us through an Azure support request at: https://go.microsoft.com/fwlink/?linkid=2213926 if you keep seeing this error.", "InternalServerError", None),
        (AzureOpenai, "overloaded") => err(p, 503, "The service is temporarily unable to process your request. Please try again later.", "ServiceUnavailable", None),

        // --- Groq: https://console.groq.com/docs/errors
        (Groq, "permission") => err(p, 403, "Forbidden", "permissions_error", None),
        (Groq, "model_not_found") => err(p, 404, &format!("The model `{model}` does not exist or you do not have access to it."), "invalid_request_error", Some("model_not_found")),
        (Groq, "bad_request") => err(p, 400, "'messages' : property 'messages' is missing", "invalid_request_error", None),
        // param "messages": https://github.com/ScrapeGraphAI/Scrapegraph-ai/issues/411 ,
        // https://github.com/thepersonalaicompany/amurex-backend/issues/51 (quoted bodies).
        (Groq, "context_length") => Reply::json(400, json!({"error": {"message": "Please reduce the length of the messages or completion.", "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}})),
        // One request larger than the whole TPM budget is a 413, not a 429:
        // https://github.com/assafelovic/gpt-researcher/issues/985 ,
        // https://github.com/HunorLaczko/ha-groq-cloud-api/issues/27 (quoted bodies).
        (Groq, "tpm_request_too_large") => Reply::json(413, json!({"error": {"message": format!("Request too large for model `{model}` in organization `org_errdexmock` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 14810, please reduce your message size and try again. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing"), "type": "tokens", "code": "rate_limit_exceeded"}})),
        // https://github.com/thepersonalaicompany/amurex-backend/issues/38 ,
        // https://github.com/build-with-groq/g1/pull/23 (bodies with failed_generation).
        (Groq, "json_validate_failed") => Reply::json(400, json!({"error": {"message": "Failed to generate JSON. Please adjust your prompt. See 'failed_generation' for more details.", "type": "invalid_request_error", "code": "json_validate_failed", "failed_generation": "```json\n{\n  \"title\": \"Weekly plan\",\n  \"steps\": [\"shop\", \"cook\""}})),
        // https://github.com/groq/groq-typescript/issues/28 ,
        // https://github.com/langchain-ai/langchain/pull/31440 (bodies with failed_generation).
        (Groq, "tool_use_failed") => Reply::json(400, json!({"error": {"message": "Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.", "type": "invalid_request_error", "code": "tool_use_failed", "failed_generation": "<function=get_weather>{\"city\": \"Paris\"}</function>"}})),
        // Groq validates messages strictly: https://github.com/odysseus-dev/odysseus/issues/200 ,
        // https://github.com/ServiceStack/llms/issues/17 , https://github.com/run-llama/llama_index/issues/14701 .
        (Groq, "property_unsupported") => err(p, 400, "'messages.1' : for 'role:user' the following must be satisfied[('messages.1' : property 'metadata' is unsupported)]", "invalid_request_error", None),
        // https://github.com/crewAIInc/crewAI/issues/783 ,
        // https://github.com/NVIDIA-NeMo/Guardrails/issues/563 (quoted bodies).
        (Groq, "organization_restricted") => err(p, 400, "Organization has been restricted. Please reach out to support if you believe this was in error.", "invalid_request_error", Some("organization_restricted")),
        // Cloudflare's block page in front of api.groq.com, served as HTML with 403:
        // https://github.com/run-llama/llama_index/issues/16796 ,
        // https://github.com/lobehub/lobehub/issues/2143 . Abridged to its telling lines and
        // kept on one line, so that Python's traceback ends with the class and the page.
        (Groq, "cloudflare_blocked") => Reply {
            status: 403,
            headers: Vec::new(),
            body: Body::Text("text/html; charset=UTF-8", "<!DOCTYPE html><html lang=\"en-US\"><head><title>Attention Required! | Cloudflare</title></head><body><div id=\"cf-wrapper\"><div id=\"cf-error-details\" class=\"cf-error-details-wrapper\"><h1 data-translate=\"block_headline\">Sorry, you have been blocked</h1><h2 class=\"cf-subheadline\"><span data-translate=\"unable_to_access\">You are unable to access</span> groq.com</h2></div><span class=\"cf-footer-item\">Cloudflare Ray ID: <strong>8d2c0f5e7a9b4e77</strong></span></div></body></html>".into()),
            outcome: Outcome::Error,
        },
        (Groq, "too_large") => err(p, 413, "Request Entity Too Large", "invalid_request_error", Some("request_too_large")),
        (Groq, "unprocessable") => err(p, 422, "Unprocessable Entity", "invalid_request_error", None),
        // https://tessl.io/registry/skills/github/jeremylongshore/claude-code-plugins-plus-skills/groq-common-errors
        (Groq, "rate_limit") => rate_headers(err(p, 429, &format!("Rate limit reached for model `{model}` in organization `org_errdexmock` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Used 5800, Requested 400. Please try again in 2s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing"), "tokens", Some("rate_limit_exceeded")), p),
        (Groq, "quota") => rate_headers(err(p, 429, &format!("Rate limit reached for model `{model}` in organization `org_errdexmock` service tier `on_demand` on tokens per day (TPD): Limit 100000, Used 99800, Requested 400. Please try again in 4m48s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing"), "tokens", Some("rate_limit_exceeded")), p),
        (Groq, "overloaded") => err(p, 503, "Service Unavailable", "internal_server_error", Some("service_unavailable")),
        (Groq, "server_error") => err(p, 500, "Internal Server Error", "internal_server_error", None),

        // --- Fireworks: https://docs.fireworks.ai/guides/inference-error-codes (statuses;
        // messages and codes other than PRECONDITION_FAILED are assumptions, sdk-facts §5.5)
        (Fireworks, "permission") => err(p, 403, "Forbidden", "error", Some("PERMISSION_DENIED")),
        // A Fire Pass subscription key (fpk_…) may call chat completions but not list models:
        // 403 "Fire Pass API keys are not authorized for this route." on /inference/v1/models
        // (https://github.com/diegosouzapw/OmniRoute/issues/2929, the message quoted; the
        // envelope and code are those of the 403 above, an assumption).
        (Fireworks, "fire_pass_route") => match cx.route {
            Route::Models => err(p, 403, "Fire Pass API keys are not authorized for this route.", "error", Some("PERMISSION_DENIED")),
            _ => success(cx, model),
        },
        // param "model": https://github.com/warpdotdev/warp/issues/15107 (quoted body).
        (Fireworks, "model_not_found") => Reply::json(404, json!({"error": {"message": "Model not found, inaccessible, and/or not deployed", "param": "model", "code": "NOT_FOUND", "type": "error"}, "request_id": "00000000-0000-4000-8000-e77de0mock00"})),
        // Fireworks' other envelope {"error": {"object", "type", "code", "message"}}
        // (https://github.com/vercel/ai/releases/tag/@ai-sdk%2Ffireworks@1.0.51); the 429 text
        // as reported for Fireworks in https://github.com/vybestack/llxprt-code/issues/144 .
        (Fireworks, "first_token_deadline") => Reply::json(429, json!({"error": {"object": "error", "type": "invalid_request_error", "code": "too_many_requests", "message": "Request didn't generate first token before the given deadline, the service is overloaded"}})),
        // https://github.com/earendil-works/pi/issues/5352 (a 400 in another envelope)
        (Fireworks, "bad_request") => Reply::json(400, json!({"error": {"type": "invalid_request_error", "message": "Invalid request: 'messages' must contain at least one message"}, "type": "error"})),
        (Fireworks, "context_length") => err(p, 400, "The prompt is too long: 140000, model maximum context length: 131072", "error", Some("INVALID_ARGUMENT")),
        (Fireworks, "too_large") => err(p, 413, "Request payload too large", "error", Some("INVALID_ARGUMENT")),
        // The serverless usage-limit body, flat: https://github.com/GordeyZuev/LEAP/issues/6
        (Fireworks, "rate_limit") => rate_headers(Reply::json(429, json!({"error": "Too Many Requests", "message": "You have exceeded your usage limits. Please try again later or contact Fireworks to explore dedicated capacity."})), p),
        // https://github.com/pollinations/pollinations/issues/12136 (412, real)
        (Fireworks, "quota") => err(p, 412, "Account errdex-mock is suspended, possibly due to reaching the monthly spending limit or failure to pay past invoices. Please go to https://fireworks.ai/account/billing to resolve the issue.", "error", Some("PRECONDITION_FAILED")),
        (Fireworks, "overloaded") => err(p, 503, "Service unavailable: the model is overloaded, please try again later", "error", Some("UNAVAILABLE")),
        (Fireworks, "server_error") => err(p, 500, "Internal server error", "error", Some("INTERNAL")),

        // --- Together: https://docs.together.ai/docs/error-codes (type/code strings undocumented)
        (Together, "permission") => err(p, 403, "You do not have access to this model.", "invalid_request_error", None),
        (Together, "model_not_found") => err(p, 404, &format!("Unable to access model {model}. Please visit https://api.together.ai/models to view the list of supported models."), "invalid_request_error", Some("model_not_available")),
        (Together, "bad_request") => err(p, 400, "Input validation error: `temperature` must be strictly positive", "invalid_request_error", None),
        (Together, "context_length") => err(p, 400, "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 8193. Given: 8000 `inputs` tokens and 512 `max_new_tokens`", "invalid_request_error", None),
        // https://github.com/togethercomputer/MoA/issues/27 (quoted body; type credit_limit).
        (Together, "rate_limit") => rate_headers(err(p, 429, "You have been rate limited. Your rate limit is 60 queries per minute. Please navigate to https://api.together.xyz/settings/billing to upgrade to a paid plan.", "credit_limit", None), p),
        // https://github.com/HeyPuter/puter/issues/3168 (quoted bodies, with a top-level id).
        (Together, "non_serverless_model") => Reply::json(400, json!({"id": "o9ErrdexMock-2kFHot-a023f60e9b77ff7e", "error": {"message": format!("Unable to access non-serverless model {model}. Please visit https://api.together.ai/models/{model} to create and start a new dedicated endpoint for the model."), "type": "invalid_request_error", "param": null, "code": "model_not_available"}})),
        (Together, "quota") => err(p, 402, "Credit limit exceeded. Please navigate to https://api.together.xyz/settings/billing to add credit or upgrade your plan.", "invalid_request_error", Some("credit_limit")),
        (Together, "overloaded") => err(p, 503, "The server is overloaded or not ready yet.", "server_error", None),
        (Together, "server_error") => err(p, 500, "Internal server error", "server_error", None),

        // --- Mistral: https://docs.mistral.ai/resources/error-glossary
        (Mistral, "permission") => err(p, 403, "Forbidden", "invalid_request_error", None),
        // type invalid_model, code 1500: https://github.com/mistralai/mistral-vibe/issues/617 ,
        // https://github.com/lfnovo/open-notebook/issues/441 (quoted bodies).
        (Mistral, "model_not_found") => err(p, 400, &format!("Invalid model: {model}"), "invalid_model", Some("1500")),
        (Mistral, "bad_request") => err(p, 400, "Invalid request", "invalid_request_error", None),
        // https://github.com/datapizza-labs/datapizza-ai/issues/98 (mistralai SDKError, quoted body),
        // https://github.com/BerriAI/litellm/issues/17761
        (Mistral, "message_order") => err(p, 400, "Unexpected role 'user' after role 'tool'", "invalid_request_message_order", Some("3230")),
        // type invalid_request_invalid_args, code 3051, as a mistralai SDKError quoted in public
        // code (searched: "too large for model with"); https://portkey.ai/error-library/context-length-exceeded-error-13710000
        (Mistral, "context_length") => err(p, 400, "Prompt contains 140000 tokens and 0 draft tokens, too large for model with 131072 maximum context length", "invalid_request_invalid_args", Some("3051")),
        // A field the API does not accept, FastAPI-style detail inside Mistral's envelope:
        // https://github.com/editor-code-assistant/eca/issues/231 (max_completion_tokens),
        // https://github.com/crewAIInc/crewAI/issues/60 . The SDK types 422 as HTTPValidationError.
        (Mistral, "unprocessable") => Reply::json(422, json!({"object": "error", "message": {"detail": [{"type": "extra_forbidden", "loc": ["body", "max_completion_tokens"], "msg": "Extra inputs are not permitted", "input": 256}]}, "type": "invalid_request_error", "param": null, "code": null})),
        (Mistral, "rate_limit") => rate_headers(err(p, 429, "Requests rate limit exceeded", "rate_limit_error", Some("1300")), p),
        (Mistral, "overloaded") => err(p, 429, "Service tier capacity exceeded for this model.", "service_tier_capacity_exceeded", Some("3505")),
        (Mistral, "server_error") => err(p, 500, "Internal server error", "server_error", None),

        // --- DeepSeek: https://api-docs.deepseek.com/quick_start/error_codes
        (Deepseek, "bad_request") => err(p, 400, "Failed to deserialize the JSON body into the target type: messages: missing field `messages`", "invalid_request_error", Some("invalid_request_error")),
        (Deepseek, "model_not_found") => err(p, 400, "Model Not Exist", "invalid_request_error", Some("invalid_request_error")),
        (Deepseek, "context_length") => err(p, 400, "This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (139000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.", "invalid_request_error", Some("invalid_request_error")),
        (Deepseek, "quota") => err(p, 402, "Insufficient Balance", "unknown_error", Some("invalid_request_error")),
        (Deepseek, "unprocessable") => err(p, 422, "Invalid Parameters", "invalid_request_error", Some("invalid_request_error")),
        (Deepseek, "rate_limit") => rate_headers(err(p, 429, "Rate Limit Reached", "rate_limit_error", Some("rate_limit_exceeded")), p),
        (Deepseek, "overloaded") => err(p, 503, "The server is overloaded due to high traffic. Please retry your request after a brief wait.", "server_error", None),
        (Deepseek, "server_error") => err(p, 500, "Server Error", "server_error", None),

        // --- OpenRouter: https://openrouter.ai/docs/api-reference/errors
        (Openrouter, "bad_request") => err(p, 400, "Input required: specify \"prompt\" or \"messages\"", "", None),
        (Openrouter, "model_not_found") => err(p, 400, &format!("{model} is not a valid model ID"), "", None),
        // https://github.com/Gitlawb/openclaude/issues/43 , https://github.com/Alishahryar1/free-claude-code/issues/772
        (Openrouter, "quota") => err(p, 402, "Insufficient credits. This account never purchased credits. Make sure your key is on the correct account or org, and if so, purchase more at https://openrouter.ai/settings/credits", "", None),
        // The balance is checked against max_tokens before routing; metadata.provider_name null:
        // https://github.com/Gitlawb/openclaude/issues/1125 , https://github.com/babikov/doka-site/issues/7
        (Openrouter, "more_credits") => Reply::json(402, json!({"error": {"message": "This request requires more credits, or fewer max_tokens. You requested up to 65536 tokens, but can only afford 3395. To increase, visit https://openrouter.ai/settings/credits and upgrade to a paid account", "code": 402, "metadata": {"provider_name": null}}, "user_id": OPENROUTER_USER})),
        (Openrouter, "context_length") => err(p, 400, "This endpoint's maximum context length is 131072 tokens. However, you requested about 140000 tokens (139000 of text input, 1000 in the output). Please reduce the length of either one, or use the \"middle-out\" transform to compress your prompt automatically.", "", None),
        // An upstream 429 is relayed as "Provider returned error" with the upstream's text in
        // metadata.raw: https://github.com/open-webui/computer/issues/293 (quoted body).
        (Openrouter, "rate_limit") => rate_headers(Reply::json(429, json!({"error": {"message": "Provider returned error", "code": 429, "metadata": {"raw": format!("{model} is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations"), "provider_name": "Chutes"}}, "user_id": OPENROUTER_USER})), p),
        // OpenRouter's own daily cap on :free models (50 a day without credits), the reset time
        // in metadata.headers: https://github.com/Gitlawb/openclaude/issues/936 ,
        // https://github.com/cline/cline/issues/5301
        (Openrouter, "free_models_per_day") => Reply::json(429, json!({"error": {"message": "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day", "code": 429, "metadata": {"headers": {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1764028800000"}, "provider_name": null}}, "user_id": OPENROUTER_USER})),
        // An upstream 400 relayed with the provider's own body in metadata.raw:
        // https://github.com/reVrost/go-openrouter/pull/21 (an OpenAI json_object 400),
        // https://github.com/diegosouzapw/OmniRoute/issues/3044
        (Openrouter, "provider_error") => Reply::json(400, json!({"error": {"message": "Provider returned error", "code": 400, "metadata": {"raw": "{\n  \"error\": {\n    \"message\": \"Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.\",\n    \"type\": \"invalid_request_error\",\n    \"param\": \"input\",\n    \"code\": null\n  }\n}", "provider_name": "OpenAI"}}, "user_id": OPENROUTER_USER})),
        // 404 when no provider endpoint serves the model (or none is left after the account's
        // privacy settings): https://github.com/chatboxai/chatbox/issues/2743 ,
        // https://github.com/vyancharuk/nodejs-api-boilerplate/issues/16
        (Openrouter, "no_endpoints") => err(p, 404, &format!("No endpoints found for {model}."), "", None),
        // A key whose own credit limit is spent (https://openrouter.ai/docs/api-reference/authentication):
        // 403 with this body in https://github.com/gptme/gptme/issues/1449 ; "(total limit)" in
        // https://github.com/MCPJam/inspector/issues/1287 .
        (Openrouter, "key_limit") => err(p, 403, "Key limit exceeded (monthly limit). Manage it using https://openrouter.ai/settings/keys", "", None),
        (Openrouter, "overloaded" | "no_provider") => err(p, 503, &format!("No endpoints found for {model}."), "", None),
        (Openrouter, "server_error") => err(p, 502, "Provider returned error", "", None),

        // --- xAI: https://docs.x.ai/docs/key-information/debugging ; `code` is the gRPC status
        // text, `error` the message; messages that name the team give its UUID.
        // 403 for a team without credits, with this code, as quoted in public fixtures of the
        // body ("Your newly created team doesn't have any credits or licenses yet.").
        (Xai, "permission") => err(p, 403, &format!("Your newly created team doesn't have any credits or licenses yet. You can purchase those on https://console.x.ai/team/{XAI_TEAM}."), "The caller does not have permission to execute the specified operation", None),
        // https://github.com/yihong0618/bilingual_book_maker/issues/464 (quoted body)
        (Xai, "model_not_found") => err(p, 404, &format!("The model {model} does not exist or your team {XAI_TEAM} does not have access to it. Please ensure you're using the correct API key. If you believe this is a mistake, please contact support and quote your team ID and the model name."), "Some requested entity was not found", None),
        // https://github.com/nocmt/LLMSearchPlus/issues/2 (quoted body)
        (Xai, "bad_request") => err(p, 400, "The model expects a single `text` element per message.", "Client specified an invalid argument", None),
        // https://github.com/cline/cline/issues/3120 ("This model's maximum prompt length is 131072 but the request contains 136973 tokens.")
        (Xai, "context_length") => err(p, 400, "This model's maximum prompt length is 256000 but the request contains 300000 tokens.", "Client specified an invalid argument", None),
        // https://github.com/cline/cline/issues/4826 (the message); the code of xAI's 429s, as
        // quoted with the spending-limit body below.
        (Xai, "rate_limit") => rate_headers(err(p, 429, &format!("Too many tokens for team {XAI_TEAM} and model {model}. Your team's rate limit is — Tokens per Minute (actual/limit): 65605/16000. You can view your team rate limits at https://console.x.ai."), "Some resource has been exhausted", None), p),
        // https://github.com/continuedev/continue/issues/10373 , /10740 (the message); the code
        // as in public fixtures of the same body (a LiteLLM `XaiException - {"code":"Some
        // resource has been exhausted","error":"Your team … has either used all available …"}`).
        (Xai, "quota") => err(p, 429, &format!("Your team {XAI_TEAM} has either used all available credits or reached its monthly spending limit. To continue making API requests, please purchase more credits or raise your spending limit."), "Some resource has been exhausted", None),
        // A parameter the model does not take (https://docs.x.ai/docs/guides/reasoning: reasoning
        // models reject presencePenalty, frequencyPenalty and stop; reasoning_effort only on some
        // models). Body as quoted in https://github.com/BerriAI/litellm/pull/16265 ("Model
        // grok-4-latest does not support parameter reasoningEffort."); the older wording
        // "Argument not supported on this model: stop" in https://github.com/BerriAI/litellm/issues/12635 .
        // Without such a parameter the request is answered.
        (Xai, "unsupported_argument") => {
            let sent = [
                ("presence_penalty", "presencePenalty"),
                ("frequency_penalty", "frequencyPenalty"),
                ("stop", "stop"),
                ("reasoning_effort", "reasoningEffort"),
            ]
            .into_iter()
            .find(|(k, _)| cx.body.get(*k).is_some_and(|v| !v.is_null()));
            match sent {
                Some((_, name)) => err(p, 400, &format!("Model {model} does not support parameter {name}."), "Client specified an invalid argument", None),
                None => success(cx, model),
            }
        }
        (Xai, "server_error") => err(p, 500, "Internal error", "Internal error", None),
        (Xai, "overloaded") => err(p, 503, "Service temporarily unavailable. The model is at capacity.", "The service is currently unavailable", None),

        // --- Ollama's OpenAI-compatible routes (ollama/openai/openai.go: 400
        // invalid_request_error, 404 not_found_error, else api_error).
        (Ollama, "model_not_found") => err(p, 404, &format!("model \"{model}\" not found, try pulling it first"), "not_found_error", None),
        (Ollama, "bad_request") => err(p, 400, "invalid message format", "invalid_request_error", None),
        (Ollama, "server_error") => err(p, 500, "llama runner process has terminated: exit status 2", "api_error", None),
        // https://github.com/FoundationAgents/OpenManus/issues/220 (400 through /v1, type api_error).
        (Ollama, "tools_unsupported") => err(p, 400, &format!("{} does not support tools", super::ollama::registry_name(model)), "api_error", None),
        (Ollama, "overloaded") => err(p, 503, "server busy, please try again.  maximum pending requests exceeded", "api_error", None),

        _ => return None,
    })
}

/// Fireworks serving a base model, one without a chat template (`conversation_config`):
/// chat completions answer 404 in the `{"error": {"object", "type", "message"}}` envelope,
/// as quoted in https://github.com/BerriAI/litellm/issues/3465 (a 404 with
/// 'model is missing conversation_config, please use /completions API instead'; also
/// https://github.com/evilsocket/nerve/issues/12 for accounts/fireworks/models/llama-v3-8b-hf),
/// while the text completions endpoint the message points to answers
/// (https://docs.fireworks.ai/guides/completions-api: base models use /completions).
fn base_model_only(cx: &Ctx, model: &str) -> Option<Reply> {
    match cx.route {
        Route::Chat => Some(Reply::json(
            404,
            json!({"error": {"object": "error", "type": "invalid_request_error", "message": "model is missing conversation_config, please use /completions API instead"}}),
        )),
        _ if cx.method == "POST"
            && matches!(
                cx.path.as_str(),
                "/inference/v1/completions" | "/v1/completions"
            ) =>
        {
            Some(Reply::ok(json!({
                "id": "cmpl-errdexmock", "object": "text_completion", "created": 1764000000,
                "model": model,
                "choices": [{"index": 0, "text": " Hello from errdex mock.", "logprobs": null, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 8, "completion_tokens": 6, "total_tokens": 14},
            })))
        }
        _ => None,
    }
}

fn content_filter(p: Provider, cx: &Ctx, model: &str) -> Option<Reply> {
    Some(match p {
        // Azure's content filter: 400 with innererror ResponsibleAIPolicyViolation
        // https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter
        Provider::AzureOpenai => Reply::json(
            400,
            json!({"error": {
            "message": "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
            "type": null, "param": "prompt", "code": "content_filter", "status": 400,
            "innererror": {"code": "ResponsibleAIPolicyViolation", "content_filter_result": {
                "hate": {"filtered": false, "severity": "safe"}, "self_harm": {"filtered": false, "severity": "safe"},
                "sexual": {"filtered": false, "severity": "safe"}, "violence": {"filtered": true, "severity": "high"}}}}}),
        ),
        // OpenRouter: 403 when the moderation flags the input (errors page).
        Provider::Openrouter => Reply::json(
            403,
            json!({"error": {"code": 403, "message": format!("{model} requires moderation on OpenAI. Your input was flagged for \"violence\"."), "metadata": {"reasons": ["violence"], "flagged_input": "…", "provider_name": "OpenAI", "model_slug": model}}}),
        ),
        // OpenAI and the others: a 200 whose choice ends with finish_reason "content_filter".
        _ => {
            let mut body = completion(model, "");
            body["choices"][0]["finish_reason"] = json!("content_filter");
            body["choices"][0]["message"]["content"] = Value::Null;
            if cx.route != Route::Chat {
                return None;
            }
            Reply::ok(body).outcome(Outcome::ContentFilter)
        }
    })
}

/// A minimal instance of a JSON schema's object: each property with an empty value of its
/// type, so structured-output parsers that validate against the schema accept it.
fn schema_instance(schema: &Value) -> Value {
    match schema["type"].as_str() {
        Some("object") => {
            let mut out = serde_json::Map::new();
            if let Some(props) = schema["properties"].as_object() {
                for (name, prop) in props {
                    out.insert(name.clone(), schema_instance(prop));
                }
            }
            Value::Object(out)
        }
        Some("array") => json!([]),
        Some("integer") | Some("number") => json!(0),
        Some("boolean") => json!(false),
        Some("null") => Value::Null,
        _ => json!("Hello from errdex mock."),
    }
}

pub fn completion(model: &str, text: &str) -> Value {
    json!({
        "id": "chatcmpl-errdexmock",
        "object": "chat.completion",
        "created": 1764000000,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": text, "refusal": null, "tool_calls": null},
            "logprobs": null,
            "finish_reason": "stop",
        }],
        "usage": {"prompt_tokens": 8, "completion_tokens": 6, "total_tokens": 14},
    })
}

fn chunks(model: &str) -> Vec<String> {
    let chunk = |delta: Value, finish: Value| {
        sse_event(
            None,
            &json!({"id": "chatcmpl-errdexmock", "object": "chat.completion.chunk", "created": 1764000000, "model": model,
                    "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]}),
        )
    };
    vec![
        chunk(json!({"role": "assistant", "content": ""}), Value::Null),
        chunk(json!({"content": "Hello from "}), Value::Null),
        chunk(json!({"content": "errdex mock."}), Value::Null),
        chunk(json!({}), json!("stop")),
        "data: [DONE]\n\n".to_string(),
    ]
}

fn stream(cx: &Ctx, model: &str) -> Reply {
    if cx.route == Route::Responses {
        return Reply::sse(response_events(model));
    }
    Reply::sse(chunks(model))
}

fn response_body(model: &str, status: &str) -> Value {
    json!({
        "id": "resp_errdexmock", "object": "response", "created_at": 1764000000, "status": status,
        "model": model, "error": null, "incomplete_details": null, "instructions": null,
        "metadata": {}, "parallel_tool_calls": true, "temperature": 1.0, "top_p": 1.0,
        "tool_choice": "auto", "tools": [],
        "output": if status == "completed" { json!([{
            "type": "message", "id": "msg_errdexmock", "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": "Hello from errdex mock.", "annotations": []}]}]) } else { json!([]) },
        "usage": {"input_tokens": 8, "output_tokens": 6, "total_tokens": 14,
                  "input_tokens_details": {"cached_tokens": 0}, "output_tokens_details": {"reasoning_tokens": 0}},
    })
}

fn response_events(model: &str) -> Vec<String> {
    let e = |name: &str, data: Value| sse_event(Some(name), &data);
    vec![
        e(
            "response.created",
            json!({"type": "response.created", "sequence_number": 0, "response": response_body(model, "in_progress")}),
        ),
        e(
            "response.output_text.delta",
            json!({"type": "response.output_text.delta", "sequence_number": 1, "item_id": "msg_errdexmock", "output_index": 0, "content_index": 0, "delta": "Hello from errdex mock.", "logprobs": []}),
        ),
        e(
            "response.completed",
            json!({"type": "response.completed", "sequence_number": 2, "response": response_body(model, "completed")}),
        ),
    ]
}

pub fn models(model: &str) -> Value {
    json!({"object": "list", "data": [{
        "id": model, "object": "model", "created": 1721172741, "owned_by": "system",
        // Mistral's SDK requires these two fields in its model cards.
        "type": "base",
        "capabilities": {"completion_chat": true, "completion_fim": false, "function_calling": true, "fine_tuning": false, "vision": false},
    }]})
}

/// Three float32 values, as a list or (the Python SDK's default request) base64.
fn embeddings(cx: &Ctx, model: &str) -> Value {
    let values = [0.0023f32, -0.0093, 0.0158];
    let embedding = if cx.body.get("encoding_format").and_then(Value::as_str) == Some("base64") {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        json!(base64(&bytes))
    } else {
        json!(values)
    };
    json!({"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": embedding}],
           "model": model, "usage": {"prompt_tokens": 8, "total_tokens": 8}})
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn success(cx: &Ctx, model: &str) -> Reply {
    match &cx.route {
        Route::Chat | Route::Responses if cx.stream => stream(cx, model),
        Route::Chat => Reply::ok(completion(model, "Hello from errdex mock.")),
        Route::Responses => Reply::ok(response_body(model, "completed")),
        Route::Embeddings => Reply::ok(embeddings(cx, model)),
        Route::Models => Reply::ok(models(model)),
        // The documented shape (https://openrouter.ai/docs/api-reference/limits).
        Route::Key => Reply::ok(json!({"data": {
            "label": "sk-or-v1-e77...de0", "limit": null, "limit_reset": null,
            "limit_remaining": null, "usage": 0.0, "is_free_tier": false
        }})),
        Route::Model(id) => Reply::ok(
            json!({"id": id, "object": "model", "created": 1721172741, "owned_by": "system"}),
        ),
        _ => err(cx.provider, 404, "Not Found", "invalid_request_error", None),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(super::base64(b"Man"), "TWFu");
        assert_eq!(super::base64(b"Ma"), "TWE=");
        assert_eq!(super::base64(b"M"), "TQ==");
    }
}
