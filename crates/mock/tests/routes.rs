//! The mock's routes through `app()` with tower's `oneshot`, no socket: statuses, headers
//! and body shapes per provider and scenario, key judging, the request log and the
//! stateful scenarios.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use errdex_mock::keys::mock_key;
use errdex_mock::{app, MockState, Outcome, Provider};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Answer {
    status: u16,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn call(
    state: &MockState,
    method: &str,
    uri: &str,
    auth: Option<(&str, String)>,
    body: Value,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some((name, value)) = auth {
        req = req.header(name, value);
    }
    let req = req
        .header("content-type", "application/json")
        .body(if body.is_null() {
            Body::empty()
        } else {
            Body::from(body.to_string())
        })
        .unwrap();
    let res = app(state.clone()).oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = res
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn bearer(p: Provider) -> Option<(&'static str, String)> {
    Some(("authorization", format!("Bearer {}", mock_key(p))))
}

fn anthropic_body() -> Value {
    json!({"model": "claude-haiku-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": "Hi"}]})
}

fn chat_body() -> Value {
    json!({"model": "m", "messages": [{"role": "user", "content": "Hi"}]})
}

/// (provider, scenario, path after the scenario, expected status, a JSON pointer, its value)
const ERRORS: &[(Provider, &str, &str, u16, &str, &str)] = &[
    (
        Provider::Anthropic,
        "invalid_key",
        "/v1/messages",
        401,
        "/error/type",
        "authentication_error",
    ),
    (
        Provider::Anthropic,
        "permission",
        "/v1/messages",
        403,
        "/error/type",
        "permission_error",
    ),
    (
        Provider::Anthropic,
        "model_not_found",
        "/v1/messages",
        404,
        "/error/type",
        "not_found_error",
    ),
    (
        Provider::Anthropic,
        "too_large",
        "/v1/messages",
        413,
        "/error/type",
        "request_too_large",
    ),
    (
        Provider::Anthropic,
        "rate_limit",
        "/v1/messages",
        429,
        "/error/type",
        "rate_limit_error",
    ),
    (
        Provider::Anthropic,
        "spend_limit",
        "/v1/messages",
        429,
        "/error/details/error_code",
        "enforced_spend_limit_reached",
    ),
    (
        Provider::Anthropic,
        "quota",
        "/v1/messages",
        400,
        "/error/type",
        "invalid_request_error",
    ),
    (
        Provider::Anthropic,
        "overloaded",
        "/v1/messages",
        529,
        "/error/type",
        "overloaded_error",
    ),
    (
        Provider::Anthropic,
        "server_error",
        "/v1/messages",
        500,
        "/error/type",
        "api_error",
    ),
    (
        Provider::Openai,
        "invalid_key",
        "/v1/chat/completions",
        401,
        "/error/code",
        "invalid_api_key",
    ),
    (
        Provider::Openai,
        "quota",
        "/v1/chat/completions",
        429,
        "/error/code",
        "insufficient_quota",
    ),
    (
        Provider::Openai,
        "context_length",
        "/v1/chat/completions",
        400,
        "/error/code",
        "context_length_exceeded",
    ),
    (
        Provider::Openai,
        "overloaded",
        "/v1/chat/completions",
        503,
        "/error/type",
        "server_error",
    ),
    (
        Provider::Openai,
        "unsupported_parameter",
        "/v1/chat/completions",
        400,
        "/error/code",
        "unsupported_parameter",
    ),
    (
        Provider::Openai,
        "tool_message_order",
        "/v1/chat/completions",
        400,
        "/error/param",
        "messages.[1].role",
    ),
    (
        Provider::Openai,
        "length",
        "/v1/chat/completions",
        200,
        "/choices/0/finish_reason",
        "length",
    ),
    (
        Provider::Groq,
        "rate_limit",
        "/openai/v1/chat/completions",
        429,
        "/error/code",
        "rate_limit_exceeded",
    ),
    (
        Provider::Groq,
        "too_large",
        "/openai/v1/chat/completions",
        413,
        "/error/code",
        "request_too_large",
    ),
    (
        Provider::Fireworks,
        "quota",
        "/v1/chat/completions",
        412,
        "/error/code",
        "PRECONDITION_FAILED",
    ),
    (
        Provider::Fireworks,
        "model_not_found",
        "/inference/v1/chat/completions",
        404,
        "/error/code",
        "NOT_FOUND",
    ),
    (
        Provider::Together,
        "quota",
        "/v1/chat/completions",
        402,
        "/error/type",
        "invalid_request_error",
    ),
    (
        Provider::Groq,
        "context_length",
        "/openai/v1/chat/completions",
        400,
        "/error/param",
        "messages",
    ),
    (
        Provider::Groq,
        "tpm_request_too_large",
        "/openai/v1/chat/completions",
        413,
        "/error/code",
        "rate_limit_exceeded",
    ),
    (
        Provider::Groq,
        "json_validate_failed",
        "/openai/v1/chat/completions",
        400,
        "/error/code",
        "json_validate_failed",
    ),
    (
        Provider::Groq,
        "tool_use_failed",
        "/openai/v1/chat/completions",
        400,
        "/error/code",
        "tool_use_failed",
    ),
    (
        Provider::Groq,
        "organization_restricted",
        "/openai/v1/chat/completions",
        400,
        "/error/code",
        "organization_restricted",
    ),
    (
        Provider::Groq,
        "ok",
        "/openai/v1/openai/v1/chat/completions",
        404,
        "/error/code",
        "unknown_url",
    ),
    (
        Provider::Groq,
        "property_unsupported",
        "/openai/v1/chat/completions",
        400,
        "/error/type",
        "invalid_request_error",
    ),
    (
        Provider::Fireworks,
        "first_token_deadline",
        "/inference/v1/chat/completions",
        429,
        "/error/code",
        "too_many_requests",
    ),
    (
        Provider::Together,
        "rate_limit",
        "/v1/chat/completions",
        429,
        "/error/type",
        "credit_limit",
    ),
    (
        Provider::Together,
        "non_serverless_model",
        "/v1/chat/completions",
        400,
        "/error/code",
        "model_not_available",
    ),
    (
        Provider::Mistral,
        "invalid_key",
        "/v1/chat/completions",
        401,
        "/type",
        "authentication_error",
    ),
    (
        Provider::Mistral,
        "unprocessable",
        "/v1/chat/completions",
        422,
        "/message/detail/0/msg",
        "Extra inputs are not permitted",
    ),
    (
        Provider::Mistral,
        "model_not_found",
        "/v1/chat/completions",
        400,
        "/type",
        "invalid_model",
    ),
    (
        Provider::Mistral,
        "message_order",
        "/v1/chat/completions",
        400,
        "/code",
        "3230",
    ),
    (
        Provider::Deepseek,
        "quota",
        "/chat/completions",
        402,
        "/error/message",
        "Insufficient Balance",
    ),
    (
        Provider::Openrouter,
        "quota",
        "/api/v1/chat/completions",
        402,
        "/error/code",
        "402",
    ),
    (
        Provider::Xai,
        "invalid_key",
        "/v1/chat/completions",
        400,
        "/code",
        "Client specified an invalid argument",
    ),
    (
        Provider::Xai,
        "model_not_found",
        "/v1/chat/completions",
        404,
        "/code",
        "Some requested entity was not found",
    ),
    (
        Provider::Xai,
        "quota",
        "/v1/chat/completions",
        429,
        "/code",
        "Some resource has been exhausted",
    ),
    (
        Provider::Xai,
        "permission",
        "/v1/chat/completions",
        403,
        "/code",
        "The caller does not have permission to execute the specified operation",
    ),
    (
        Provider::Openrouter,
        "no_endpoints",
        "/api/v1/chat/completions",
        404,
        "/error/message",
        "No endpoints found for m.",
    ),
    (
        Provider::Openrouter,
        "free_models_per_day",
        "/api/v1/chat/completions",
        429,
        "/error/metadata/headers/X-RateLimit-Remaining",
        "0",
    ),
    (
        Provider::Openrouter,
        "more_credits",
        "/api/v1/chat/completions",
        402,
        "/error/code",
        "402",
    ),
    (
        Provider::Openrouter,
        "rate_limit",
        "/api/v1/chat/completions",
        429,
        "/error/message",
        "Provider returned error",
    ),
    (
        Provider::Openrouter,
        "provider_error",
        "/api/v1/chat/completions",
        400,
        "/error/metadata/provider_name",
        "OpenAI",
    ),
    (
        Provider::Deepseek,
        "invalid_key",
        "/chat/completions",
        401,
        "/error/type",
        "authentication_error",
    ),
    (
        Provider::AzureOpenai,
        "deployment_not_found",
        "/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
        404,
        "/error/code",
        "DeploymentNotFound",
    ),
    (
        Provider::AzureOpenai,
        "ok",
        "/openai/deployments/gpt4o/chat/completions",
        404,
        "/error/message",
        "Resource not found",
    ),
    (
        Provider::AzureOpenai,
        "content_filter",
        "/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
        400,
        "/error/innererror/code",
        "ResponsibleAIPolicyViolation",
    ),
    (
        Provider::Cohere,
        "rate_limit",
        "/v2/chat",
        429,
        "/id",
        "e77de000-0000-4000-8000-000000000000",
    ),
    (
        Provider::Google,
        "invalid_key",
        "/v1beta/models/gemini-2.5-flash:generateContent",
        400,
        "/error/details/0/reason",
        "API_KEY_INVALID",
    ),
    (
        Provider::Google,
        "function_schema",
        "/v1/models/gemini-2.5-flash:generateContent",
        400,
        "/error/status",
        "INVALID_ARGUMENT",
    ),
    (
        Provider::Google,
        "response_blocked",
        "/v1beta/models/gemini-2.5-flash:generateContent",
        200,
        "/candidates/0/finishReason",
        "BLOCKLIST",
    ),
    (
        Provider::Google,
        "quota",
        "/v1/models/gemini-2.5-flash:generateContent",
        429,
        "/error/status",
        "RESOURCE_EXHAUSTED",
    ),
    (
        Provider::Vertex,
        "model_not_found",
        "/v1/projects/p/locations/us-central1/publishers/google/models/gemini-x:generateContent",
        404,
        "/error/status",
        "NOT_FOUND",
    ),
    (
        Provider::Vertex,
        "overloaded",
        "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5:rawPredict",
        529,
        "/error/type",
        "overloaded_error",
    ),
    (
        Provider::Bedrock,
        "rate_limit",
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke",
        429,
        "/message",
        "Too many requests, please wait before trying again.",
    ),
    (
        Provider::Bedrock,
        "permission",
        "/model/m/converse",
        403,
        "/message",
        "You don't have access to the model with the specified model ID.",
    ),
    (
        Provider::Bedrock,
        "expired_token",
        "/model/m/converse",
        403,
        "/message",
        "The security token included in the request is expired",
    ),
    (
        Provider::Bedrock,
        "resource_not_found",
        "/model/m/invoke",
        404,
        "/message",
        "Could not resolve the foundation model from the provided model identifier.",
    ),
    (
        Provider::Bedrock,
        "on_demand_unsupported",
        "/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse",
        400,
        "/message",
        "Invocation of model ID anthropic.claude-sonnet-4-5-20250929-v1:0 with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
    ),
    (
        Provider::Ollama,
        "model_not_found",
        "/api/chat",
        404,
        "/error",
        "model \"m\" not found, try pulling it first",
    ),
    (
        Provider::Cohere,
        "trial_monthly",
        "/v2/chat",
        429,
        "/message",
        "You are using a Trial key, which is limited to 1000 API calls / month. You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits at 'https://dashboard.cohere.com/api-keys'. Contact us on 'https://discord.gg/XW44jPfYJu' or email us at support@cohere.com with any questions",
    ),
    (
        Provider::Ollama,
        "out_of_memory",
        "/api/chat",
        500,
        "/error",
        "model requires more system memory (5.3 GiB) than is available (3.5 GiB)",
    ),
    (
        Provider::Ollama,
        "tools_unsupported",
        "/api/chat",
        400,
        "/error",
        "registry.ollama.ai/library/m:latest does not support tools",
    ),
    (
        Provider::Ollama,
        "tools_unsupported",
        "/v1/chat/completions",
        400,
        "/error/message",
        "registry.ollama.ai/library/m:latest does not support tools",
    ),
    (
        Provider::Ollama,
        "model_not_found",
        "/v1/chat/completions",
        404,
        "/error/type",
        "not_found_error",
    ),
];

#[tokio::test]
async fn every_provider_answers_its_scenarios_with_its_own_status_and_body() {
    let state = MockState::new();
    for (p, scenario, path, status, pointer, value) in ERRORS {
        let uri = format!("/{}/{scenario}{path}", p.as_str());
        let auth = match p {
            Provider::Anthropic => Some(("x-api-key", mock_key(*p))),
            Provider::Google => Some(("x-goog-api-key", mock_key(*p))),
            Provider::AzureOpenai => Some(("api-key", mock_key(*p))),
            _ => bearer(*p),
        };
        let body = if *p == Provider::Anthropic {
            anthropic_body()
        } else {
            chat_body()
        };
        let a = call(&state, "POST", &uri, auth, body).await;
        assert_eq!(a.status, *status, "{uri}: {}", a.text);
        let got = a.json().pointer(pointer).cloned().unwrap_or(Value::Null);
        let got = got
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| got.to_string());
        assert_eq!(got, *value, "{uri} {pointer}: {}", a.text);
    }
}

#[tokio::test]
async fn request_ids_and_retry_headers_are_where_the_sdks_read_them() {
    let state = MockState::new();
    let a = call(
        &state,
        "POST",
        "/anthropic/rate_limit/v1/messages",
        bearer(Provider::Anthropic),
        anthropic_body(),
    )
    .await;
    assert_eq!(a.header("request-id"), Some("req_011CErrdexMockRequestId"));
    assert_eq!(a.header("retry-after"), Some("1"));
    assert!(a.header("anthropic-ratelimit-requests-remaining").is_some());
    let a = call(
        &state,
        "POST",
        "/openai/rate_limit/v1/chat/completions",
        bearer(Provider::Openai),
        chat_body(),
    )
    .await;
    assert!(a.header("x-request-id").is_some());
    assert_eq!(a.header("x-ratelimit-remaining-requests"), Some("0"));
    let a = call(
        &state,
        "POST",
        "/bedrock/rate_limit/model/m/invoke",
        None,
        chat_body(),
    )
    .await;
    assert!(a
        .header("x-amzn-errortype")
        .unwrap()
        .starts_with("ThrottlingException:"));
}

#[tokio::test]
async fn ok_judges_keys_like_the_real_api() {
    let state = MockState::new();
    let path = "/anthropic/ok/v1/messages";
    let a = call(
        &state,
        "POST",
        path,
        bearer(Provider::Anthropic),
        anthropic_body(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["content"][0]["type"], "text");
    let a = call(
        &state,
        "POST",
        path,
        Some(("x-api-key", "YOUR_API_KEY".into())),
        anthropic_body(),
    )
    .await;
    assert_eq!(
        (a.status, a.json()["error"]["message"].as_str()),
        (401, Some("invalid x-api-key"))
    );
    let a = call(&state, "POST", path, None, anthropic_body()).await;
    assert_eq!(a.json()["error"]["message"], "x-api-key header is required");
    // An OpenAI key sent to Anthropic: the real 401.
    let a = call(
        &state,
        "POST",
        path,
        bearer(Provider::Openai),
        anthropic_body(),
    )
    .await;
    assert_eq!(a.status, 401);
    let a = call(
        &state,
        "POST",
        "/openai/ok/v1/chat/completions",
        bearer(Provider::Anthropic),
        chat_body(),
    )
    .await;
    assert_eq!(a.json()["error"]["code"], "invalid_api_key");
    assert!(a.json()["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("Incorrect API key provided: sk-a"));
}

#[tokio::test]
async fn ok_validates_messages_as_anthropic_does() {
    let state = MockState::new();
    let path = "/anthropic/ok/v1/messages";
    let a = call(
        &state,
        "POST",
        path,
        bearer(Provider::Anthropic),
        json!({"model": "m", "messages": []}),
    )
    .await;
    assert_eq!(a.json()["error"]["message"], "max_tokens: Field required");
    let body = json!({"model": "m", "max_tokens": 8, "messages": [
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "w", "input": {}}]},
        {"role": "user", "content": "and?"},
    ]});
    let a = call(&state, "POST", path, bearer(Provider::Anthropic), body).await;
    assert_eq!(a.status, 400);
    assert!(a.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("`tool_use` ids were found without `tool_result` blocks"));
}

#[tokio::test]
async fn success_bodies_and_model_lists_have_the_shapes_the_sdks_parse() {
    let state = MockState::new();
    for p in Provider::ALL {
        let path = format!("/{}/ok{}", p.as_str(), p.models_path());
        let auth = match p {
            Provider::Google => Some(("x-goog-api-key", mock_key(*p))),
            Provider::AzureOpenai => Some(("api-key", mock_key(*p))),
            Provider::Bedrock => Some(("authorization", format!("AWS4-HMAC-SHA256 Credential={}/20261124/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=0", mock_key(*p)))),
            _ => bearer(*p),
        };
        let a = call(&state, "GET", &path, auth, Value::Null).await;
        assert_eq!(a.status, 200, "{path}: {}", a.text);
        a.json();
    }
    let a = call(
        &state,
        "POST",
        "/openai/ok/v1/embeddings",
        bearer(Provider::Openai),
        json!({"model": "e", "input": "x", "encoding_format": "base64"}),
    )
    .await;
    assert!(a.json()["data"][0]["embedding"].is_string());
    let a = call(
        &state,
        "POST",
        "/openai/ok/v1/responses",
        bearer(Provider::Openai),
        json!({"model": "m", "input": "x"}),
    )
    .await;
    assert_eq!(a.json()["output"][0]["content"][0]["type"], "output_text");
}

#[tokio::test]
async fn a_stream_read_up_to_its_end_marker_is_logged_complete() {
    // The OpenAI SDKs stop reading at `data: [DONE]` and close the response at once.
    let state = MockState::new();
    let mut chat = chat_body();
    chat["stream"] = json!(true);
    let req = Request::builder()
        .method("POST")
        .uri("/openai/ok/v1/chat/completions")
        .header(
            "authorization",
            format!("Bearer {}", mock_key(Provider::Openai)),
        )
        .header("content-type", "application/json")
        .body(Body::from(chat.to_string()))
        .unwrap();
    let mut body = app(state.clone()).oneshot(req).await.unwrap().into_body();
    let mut seen = String::new();
    while !seen.contains("data: [DONE]") {
        let frame = body.frame().await.expect("a frame").expect("no error");
        if let Ok(data) = frame.into_data() {
            seen.push_str(&String::from_utf8_lossy(&data));
        }
    }
    drop(body);
    let log = state.requests();
    assert!(log.last().unwrap().completed, "{seen}");
    assert!(log.last().unwrap().succeeded());
}

#[tokio::test]
async fn streams_end_normally_carry_an_error_event_or_are_cut() {
    let state = MockState::new();
    let mut body = anthropic_body();
    body["stream"] = json!(true);
    let a = call(
        &state,
        "POST",
        "/anthropic/ok/v1/messages",
        bearer(Provider::Anthropic),
        body.clone(),
    )
    .await;
    assert!(a
        .header("content-type")
        .unwrap()
        .starts_with("text/event-stream"));
    assert!(a.text.contains("event: message_stop"));
    let a = call(
        &state,
        "POST",
        "/anthropic/stream_error/v1/messages",
        bearer(Provider::Anthropic),
        body.clone(),
    )
    .await;
    assert_eq!(a.status, 200);
    assert!(a.text.contains(
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\""
    ));
    let a = call(
        &state,
        "POST",
        "/anthropic/stream_cut/v1/messages",
        bearer(Provider::Anthropic),
        body,
    )
    .await;
    assert!(!a.text.contains("message_stop"), "{}", a.text);
    let log = state.requests();
    assert_eq!(log.last().unwrap().outcome, Outcome::StreamCut);
    assert!(!log.last().unwrap().completed);
    let mut chat = chat_body();
    chat["stream"] = json!(true);
    let a = call(
        &state,
        "POST",
        "/openai/ok/v1/chat/completions",
        bearer(Provider::Openai),
        chat,
    )
    .await;
    assert!(a.text.trim_end().ends_with("data: [DONE]"));
}

#[tokio::test]
async fn then_ok_fails_n_times_per_client_and_the_log_shows_it() {
    let state = MockState::new();
    let path = "/anthropic/overloaded_then_ok/v1/messages";
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            call(
                &state,
                "POST",
                path,
                bearer(Provider::Anthropic),
                anthropic_body(),
            )
            .await
            .status,
        );
    }
    assert_eq!(statuses, [529, 529, 200]);
    // Another client (another key) starts its own count.
    let other = format!("sk-ant-api03-{}AA", "z".repeat(93));
    let a = call(
        &state,
        "POST",
        path,
        Some(("x-api-key", other)),
        anthropic_body(),
    )
    .await;
    assert_eq!(a.status, 529);
    let log = state.requests();
    assert_eq!(log.len(), 4);
    assert!(log[2].succeeded() && !log[0].succeeded());
    assert_eq!(log[0].answered, "overloaded");
    // The admin route clears log and counters.
    let a = call(&state, "DELETE", "/_errdex/requests", None, Value::Null).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT.as_u16());
    assert!(state.requests().is_empty());
    assert_eq!(
        call(
            &state,
            "POST",
            path,
            bearer(Provider::Anthropic),
            anthropic_body()
        )
        .await
        .status,
        529
    );
    let a = call(&state, "GET", "/_errdex/requests", None, Value::Null).await;
    assert_eq!(a.json().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn mistakes_in_the_base_url_get_a_message_that_says_what_to_change() {
    let state = MockState::new();
    let a = call(&state, "POST", "/nope/ok/v1/messages", None, Value::Null).await;
    assert_eq!(a.status, 404);
    assert!(a.json()["errdex_mock_error"]
        .as_str()
        .unwrap()
        .contains("unknown provider `nope`"));
    let a = call(
        &state,
        "POST",
        "/anthropic/unprocessable/v1/messages",
        bearer(Provider::Anthropic),
        anthropic_body(),
    )
    .await;
    assert!(a.json()["errdex_mock_error"]
        .as_str()
        .unwrap()
        .contains("has no `unprocessable` scenario"));
    // The OpenAI base URL without /v1 gets OpenAI's own answer.
    let a = call(
        &state,
        "POST",
        "/openai/ok/chat/completions",
        bearer(Provider::Openai),
        chat_body(),
    )
    .await;
    assert_eq!(
        a.json()["error"]["message"],
        "Invalid URL (POST /chat/completions)"
    );
}

#[test]
fn the_catalogue_lists_every_provider_with_ok_and_its_own_sub_scenarios() {
    let catalogue = errdex_mock::catalogue();
    assert_eq!(catalogue.len(), Provider::ALL.len());
    for (p, scenarios) in &catalogue {
        let names: Vec<&str> = scenarios.iter().map(|(n, _)| *n).collect();
        assert!(names.contains(&"ok"), "{p:?}");
        assert!(names.contains(&"slow"), "{p:?}");
    }
    let anthropic = &catalogue[0].1;
    assert!(anthropic
        .iter()
        .any(|(n, _)| *n == "tool_use_without_result"));
}

#[tokio::test]
async fn groq_behind_cloudflare_answers_a_block_page_in_html() {
    let state = MockState::new();
    let a = call(
        &state,
        "POST",
        "/groq/cloudflare_blocked/openai/v1/chat/completions",
        bearer(Provider::Groq),
        chat_body(),
    )
    .await;
    assert_eq!(a.status, 403);
    assert!(a.header("content-type").unwrap().starts_with("text/html"));
    assert!(a.text.contains("Sorry, you have been blocked"));
    assert!(
        !a.text.contains('\n'),
        "one line, so Python's traceback ends with it"
    );
}

#[tokio::test]
async fn anthropic_400s_name_the_value_sent_and_vertex_names_the_resource_requested() {
    let state = MockState::new();
    let auth = || bearer(Provider::Anthropic);
    let mut body = anthropic_body();
    body["max_tokens"] = json!(100000);
    let a = call(
        &state,
        "POST",
        "/anthropic/max_tokens_exceeded/v1/messages",
        auth(),
        body,
    )
    .await;
    assert_eq!(a.status, 400);
    assert_eq!(
        a.json()["error"]["message"],
        "max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens for claude-haiku-4-5"
    );
    let a = call(
        &state,
        "POST",
        "/anthropic/temperature_and_top_p/v1/messages",
        auth(),
        anthropic_body(),
    )
    .await;
    assert_eq!(a.status, 400);
    assert!(a.text.contains("cannot both be specified for this model"));
    let image = json!({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "A".repeat(6_000_000)}});
    let mut body = anthropic_body();
    body["messages"][0]["content"] = json!([{"type": "text", "text": "What is this?"}, image]);
    let a = call(
        &state,
        "POST",
        "/anthropic/image_too_large/v1/messages",
        auth(),
        body,
    )
    .await;
    assert_eq!(
        a.json()["error"]["message"],
        "messages.0.content.1.image.source.base64: image exceeds 5 MB maximum: 6000000 bytes > 5242880 bytes"
    );
    let a = call(
        &state,
        "POST",
        "/anthropic/billing/v1/messages",
        auth(),
        anthropic_body(),
    )
    .await;
    assert_eq!(
        (a.status, a.json()["error"]["type"].as_str()),
        (402, Some("billing_error"))
    );

    let raw = "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict";
    let resource =
        "projects/p/locations/us-east5/publishers/anthropic/models/claude-haiku-4-5@20251001";
    let vertex = || bearer(Provider::Vertex);
    let a = call(
        &state,
        "POST",
        &format!("/vertex/permission{raw}"),
        vertex(),
        anthropic_body(),
    )
    .await;
    assert_eq!(a.status, 403);
    assert!(a.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains(&format!("'//aiplatform.googleapis.com/{resource}'")));
    let a = call(
        &state,
        "POST",
        &format!("/vertex/model_not_found{raw}"),
        vertex(),
        anthropic_body(),
    )
    .await;
    assert_eq!(
        a.json()["error"]["message"],
        format!("Publisher Model `{resource}` not found.")
    );
    let a = call(
        &state,
        "POST",
        &format!("/vertex/rate_limit{raw}"),
        vertex(),
        anthropic_body(),
    )
    .await;
    assert_eq!(a.json()["error"]["status"], "RESOURCE_EXHAUSTED");
    assert!(a.text.contains(
        "online_prediction_requests_per_base_model with base model: anthropic-claude-haiku-4-5."
    ));
}

#[tokio::test]
async fn cohere_forbidden_html_is_the_edge_page_not_json() {
    let state = MockState::new();
    let a = call(
        &state,
        "POST",
        "/cohere/forbidden_html/v2/chat",
        bearer(Provider::Cohere),
        chat_body(),
    )
    .await;
    assert_eq!(a.status, 403);
    assert!(a.header("content-type").unwrap().starts_with("text/html"));
    assert!(a.text.ends_with("<title>403</title>403 Forbidden"));
}

#[tokio::test]
async fn ollama_pull_succeeds_or_reports_a_missing_manifest() {
    let state = MockState::new();
    let body = json!({"model": "llama3.2", "stream": false});
    let ok = call(&state, "POST", "/ollama/ok/api/pull", None, body.clone()).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json()["status"], "success");
    let missing = call(
        &state,
        "POST",
        "/ollama/manifest_not_found/api/pull",
        None,
        body,
    )
    .await;
    assert_eq!(missing.status, 500);
    assert_eq!(
        missing.json()["error"],
        "pull model manifest: file does not exist"
    );
}

#[tokio::test]
async fn google_stream_truncated_ends_cleanly_inside_an_event() {
    let state = MockState::new();
    let a = call(
        &state,
        "POST",
        "/google/stream_truncated/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        Some(("x-goog-api-key", mock_key(Provider::Google))),
        json!({"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}),
    )
    .await;
    assert_eq!(a.status, 200);
    assert!(a
        .header("content-type")
        .unwrap()
        .starts_with("text/event-stream"));
    // The first event is whole, the second stops half-way: no closing blank line.
    assert!(a.text.starts_with("data: {"), "{}", a.text);
    assert!(a.text.contains("\n\ndata: {"), "{}", a.text);
    assert!(!a.text.ends_with("\n\n"), "{}", a.text);
    assert!(!a.text.contains("STOP"), "{}", a.text);
    let log = state.requests();
    let last = log.last().unwrap();
    assert_eq!(last.outcome, Outcome::StreamCut);
    assert!(last.completed, "the body ended normally");
    assert!(!last.succeeded());
}

#[tokio::test]
async fn anthropic_context_window_413_is_an_invalid_request_error() {
    let state = MockState::new();
    let a = call(
        &state,
        "POST",
        "/anthropic/context_window_413/v1/messages",
        Some(("x-api-key", mock_key(Provider::Anthropic))),
        anthropic_body(),
    )
    .await;
    assert_eq!(a.status, 413);
    assert_eq!(a.json()["error"]["type"], "invalid_request_error");
    assert_eq!(
        a.json()["error"]["message"],
        "Request size exceeds model context window"
    );
}

#[tokio::test]
async fn openrouter_key_limit_is_a_403_naming_the_keys_page() {
    let state = MockState::new();
    let a = call(
        &state,
        "POST",
        "/openrouter/key_limit/api/v1/chat/completions",
        bearer(Provider::Openrouter),
        chat_body(),
    )
    .await;
    assert_eq!(a.status, 403);
    assert_eq!(a.json()["error"]["code"], 403);
    assert_eq!(
        a.json()["error"]["message"],
        "Key limit exceeded (monthly limit). Manage it using https://openrouter.ai/settings/keys"
    );
}

#[tokio::test]
async fn openrouter_mid_stream_error_ends_a_200_stream_with_finish_reason_error() {
    let state = MockState::new();
    let mut chat = chat_body();
    chat["stream"] = json!(true);
    for expect_error in [true, true, false] {
        let a = call(
            &state,
            "POST",
            "/openrouter/mid_stream_error_then_ok/api/v1/chat/completions",
            bearer(Provider::Openrouter),
            chat.clone(),
        )
        .await;
        assert_eq!(a.status, 200);
        assert!(a.text.contains("Hello from "), "{}", a.text);
        assert_eq!(
            a.text
                .contains("\"error\":{\"code\":502,\"message\":\"Error processing stream\""),
            expect_error,
            "{}",
            a.text
        );
        assert_eq!(
            a.text.contains("\"finish_reason\":\"error\""),
            expect_error,
            "{}",
            a.text
        );
    }
    let log = state.requests();
    assert_eq!(log[0].outcome, Outcome::StreamError);
    assert_eq!(log[2].answered, "ok");
}

#[tokio::test]
async fn cohere_v1_chat_answers_the_v1_shape_and_any_case_of_bearer() {
    let state = MockState::new();
    let body = json!({"message": "Hi", "model": "command-r"});
    let upper = Some((
        "authorization",
        format!("BEARER {}", mock_key(Provider::Cohere)),
    ));
    let a = call(&state, "POST", "/cohere/ok/v1/chat", upper, body.clone()).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json()["text"], "Hello from errdex mock.");
    assert!(a.json()["response_id"].is_string());
    let a = call(
        &state,
        "POST",
        "/cohere/invalid_key/v1/chat",
        Some(("authorization", "BEARER YOUR_API_KEY".to_string())),
        body,
    )
    .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["message"], "invalid api token");
}

#[tokio::test]
async fn xai_unsupported_argument_names_the_parameter_and_answers_without_it() {
    let state = MockState::new();
    let body = json!({"model": "grok-4", "messages": [{"role": "user", "content": "Hi"}], "presence_penalty": 0.5});
    let a = call(
        &state,
        "POST",
        "/xai/unsupported_argument/v1/chat/completions",
        bearer(Provider::Xai),
        body,
    )
    .await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert_eq!(a.json()["code"], "Client specified an invalid argument");
    assert_eq!(
        a.json()["error"],
        "Model grok-4 does not support parameter presencePenalty."
    );
    let a = call(
        &state,
        "POST",
        "/xai/unsupported_argument/v1/chat/completions",
        bearer(Provider::Xai),
        json!({"model": "grok-4", "messages": [{"role": "user", "content": "Hi"}]}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

#[tokio::test]
async fn openai_json_mode_answers_json_only_when_asked() {
    let state = MockState::new();
    let uri = "/openai/json_mode/v1/chat/completions";
    let a = call(&state, "POST", uri, bearer(Provider::Openai), chat_body()).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let prose = a.json()["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(serde_json::from_str::<Value>(&prose).is_err(), "{prose}");
    let mut body = chat_body();
    body["response_format"] = json!({"type": "json_object"});
    let a = call(&state, "POST", uri, bearer(Provider::Openai), body).await;
    let content = a.json()["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(serde_json::from_str::<Value>(&content).unwrap().is_object());
    let mut body = chat_body();
    body["response_format"] = json!({"type": "json_schema", "json_schema": {"name": "Reply", "strict": true, "schema": {
        "type": "object", "properties": {"title": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}, "score": {"type": "integer"}},
        "required": ["title", "tags", "score"], "additionalProperties": false}}});
    let a = call(&state, "POST", uri, bearer(Provider::Openai), body).await;
    let content = a.json()["choices"][0]["message"]["content"]
        .as_str()
        .unwrap()
        .to_string();
    let v: Value = serde_json::from_str(&content).unwrap();
    assert!(
        v["title"].is_string() && v["tags"].is_array() && v["score"].is_i64(),
        "{v}"
    );
}

#[tokio::test]
async fn fireworks_fire_pass_route_refuses_the_model_list_only() {
    let state = MockState::new();
    let a = call(
        &state,
        "GET",
        "/fireworks/fire_pass_route/inference/v1/models",
        bearer(Provider::Fireworks),
        Value::Null,
    )
    .await;
    assert_eq!(a.status, 403, "{}", a.text);
    assert_eq!(
        a.json()["error"]["message"],
        "Fire Pass API keys are not authorized for this route."
    );
    let a = call(
        &state,
        "POST",
        "/fireworks/fire_pass_route/inference/v1/chat/completions",
        bearer(Provider::Fireworks),
        chat_body(),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

#[tokio::test]
async fn fireworks_no_conversation_config_refuses_chat_and_answers_text_completions() {
    let state = MockState::new();
    let model = "accounts/fireworks/models/llama-v3-8b-hf";
    let a = call(
        &state,
        "POST",
        "/fireworks/no_conversation_config/inference/v1/chat/completions",
        bearer(Provider::Fireworks),
        json!({"model": model, "messages": [{"role": "user", "content": "Hi"}]}),
    )
    .await;
    assert_eq!(a.status, 404, "{}", a.text);
    assert_eq!(
        a.json()["error"],
        json!({"object": "error", "type": "invalid_request_error", "message": "model is missing conversation_config, please use /completions API instead"})
    );
    let a = call(
        &state,
        "POST",
        "/fireworks/no_conversation_config/inference/v1/completions",
        bearer(Provider::Fireworks),
        json!({"model": model, "prompt": "Once upon a time", "max_tokens": 16}),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let v = a.json();
    assert_eq!(v["object"], "text_completion");
    assert_eq!(v["model"], model);
    assert!(v["choices"][0]["text"].is_string(), "{v}");
}
