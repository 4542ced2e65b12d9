//! Anthropic's Messages API. Error envelope and status → type table:
//! https://docs.anthropic.com/en/api/errors ; rate-limit headers:
//! https://docs.anthropic.com/en/api/rate-limits ; streaming events:
//! https://docs.anthropic.com/en/docs/build-with-claude/streaming .

use super::{body_model, Ctx, Provider, Route};
use crate::reply::{sse_event, Outcome, Reply};
use serde_json::{json, Value};

pub const SUB_SCENARIOS: &[(&str, &str)] = &[
    (
        "credit_balance",
        "400 invalid_request_error: credit balance too low (the `quota` answer)",
    ),
    (
        "spend_limit",
        "429 rate_limit_error with details.error_code enforced_spend_limit_reached",
    ),
    (
        "roles_must_alternate",
        "400: roles must alternate between user and assistant",
    ),
    (
        "tool_use_without_result",
        "400: tool_use ids without tool_result blocks after them",
    ),
    ("max_tokens_required", "400: max_tokens: Field required"),
    ("billing", "402 billing_error"),
    ("timeout_error", "504 timeout_error"),
    (
        "max_tokens_exceeded",
        "400: max_tokens above the model's output limit",
    ),
    (
        "temperature_and_top_p",
        "400: temperature and top_p cannot both be specified",
    ),
    ("image_too_large", "400: a base64 image over 5 MB"),
    (
        "context_window_413",
        "413 invalid_request_error: Request size exceeds model context window",
    ),
];

/// Requests above this are refused with 413 by the real API (32 MB for Messages).
const MAX_BODY: usize = 32 * 1024 * 1024;

pub fn route(method: &str, path: &str) -> Route {
    match (method, path) {
        ("POST", "/v1/messages") => Route::Messages,
        ("POST", "/v1/messages/count_tokens") => Route::CountTokens,
        ("GET", "/v1/models") => Route::Models,
        ("GET", p) if p.starts_with("/v1/models/") => Route::Model(p[11..].to_string()),
        _ => Route::Unknown,
    }
}

pub fn error(status: u16, kind: &str, message: &str) -> Reply {
    Reply::json(
        status,
        json!({
            "type": "error",
            "error": {"type": kind, "message": message},
            "request_id": "req_011CErrdexMockRequestId",
        }),
    )
}

pub fn refuse_key(missing: bool) -> Reply {
    // Both messages are the API's own (errors page; e.g. anthropics/anthropic-sdk-python#209).
    if missing {
        error(401, "authentication_error", "x-api-key header is required")
    } else {
        error(401, "authentication_error", "invalid x-api-key")
    }
}

pub fn answer(scenario: &str, cx: &Ctx) -> Option<Reply> {
    if cx.route == Route::Unknown {
        return Some(error(404, "not_found_error", "Not Found"));
    }
    let model = if cx.model.is_empty() {
        body_model(&cx.body, "claude-haiku-4-5")
    } else {
        cx.model.clone()
    };
    Some(match scenario {
        "ok" | "slow" => return Some(validate(cx).unwrap_or_else(|| success(cx, &model))),
        "content_filter" => {
            // Claude 4 models stop with stop_reason "refusal" when the streaming classifiers
            // intervene: https://docs.anthropic.com/en/docs/test-and-evaluate/strengthen-guardrails/handle-streaming-refusals
            let mut message = message_body(&model, "");
            message["content"] = json!([]);
            message["stop_reason"] = json!("refusal");
            Reply::ok(message).outcome(Outcome::ContentFilter)
        }
        "invalid_key" => refuse_key(false),
        "permission" => error(
            403,
            "permission_error",
            "Your API key does not have permission to use the specified resource.",
        ),
        "model_not_found" => error(404, "not_found_error", &format!("model: {model}")),
        "bad_request" => error(
            400,
            "invalid_request_error",
            "messages: at least one message is required",
        ),
        "max_tokens_required" => error(400, "invalid_request_error", "max_tokens: Field required"),
        // Public reports, e.g. https://github.com/anthropics/claude-code/issues/1431
        "context_length" => error(
            400,
            "invalid_request_error",
            "prompt is too long: 208310 tokens > 200000 maximum",
        ),
        // The context-window refusal some requests get as a 413, body as quoted in
        // https://github.com/anthropics/claude-code/issues/6380 and /6368.
        "context_window_413" => error(
            413,
            "invalid_request_error",
            "Request size exceeds model context window",
        ),
        // Sent by the edge before the API: errors page, "request_too_large".
        "too_large" => error(
            413,
            "request_too_large",
            "Request exceeds the maximum allowed number of bytes. The maximum request size is 32 MB for standard API requests.",
        ),
        "rate_limit" => rate_limit(error(
            429,
            "rate_limit_error",
            "Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.",
        )),
        // The low-credit answer is a 400, not a 429 (e.g. https://github.com/anthropics/anthropic-sdk-python/issues/576).
        "quota" | "credit_balance" => error(
            400,
            "invalid_request_error",
            "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
        ),
        // anthropic/_error_classes.py maps details.error_code to EnforcedSpendLimitReachedError;
        // no retry-after: it must not be retried.
        "spend_limit" => Reply::json(
            429,
            json!({
                "type": "error",
                "error": {
                    "type": "rate_limit_error",
                    "message": "You have reached your specified API usage limits. You will regain access on 2026-12-01 at 00:00 UTC.",
                    "details": {"error_code": "enforced_spend_limit_reached"},
                },
                "request_id": "req_011CErrdexMockRequestId",
            }),
        ),
        // No real 402 body has been quoted publicly; the message is the errors page's own
        // description of billing_error (https://docs.anthropic.com/en/api/errors).
        "billing" => error(402, "billing_error", "There's an issue with your billing or payment information."),
        // Likewise the errors page's description of timeout_error (504).
        "timeout_error" => error(
            504,
            "timeout_error",
            "The request timed out while processing.",
        ),
        // Historic API text (before consecutive turns were merged), widely quoted, e.g.
        // https://github.com/langchain-ai/langchain/issues/21478
        "roles_must_alternate" => error(
            400,
            "invalid_request_error",
            "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"user\" roles in a row",
        ),
        "tool_use_without_result" => error(400, "invalid_request_error", &tool_use_message(1, "toolu_01A09q90qw90lq917835lq9")),
        // The limit and the model named as the API words it, e.g.
        // https://github.com/OpenHands/OpenHands/issues/11090 ("max_tokens: 1000000 > 64000,
        // which is the maximum allowed number of output tokens for claude-sonnet-4-20250514").
        "max_tokens_exceeded" => {
            let limit = output_limit(&model);
            let asked = cx.body.get("max_tokens").and_then(Value::as_u64).unwrap_or(0);
            error(400, "invalid_request_error", &format!(
                "max_tokens: {} > {limit}, which is the maximum allowed number of output tokens for {model}",
                asked.max(limit + 1)
            ))
        }
        // Newer models take one sampling parameter, e.g. https://github.com/BerriAI/litellm/issues/15097
        "temperature_and_top_p" => error(
            400,
            "invalid_request_error",
            "`temperature` and `top_p` cannot both be specified for this model. Please use only one.",
        ),
        // The 5 MB limit is on the base64 string, e.g. https://github.com/anthropics/claude-code/issues/10612
        // ("messages.0.content.2.image.source.base64: image exceeds 5 MB maximum: 15908784 bytes > 5242880 bytes").
        "image_too_large" => {
            let (at, size) = first_image(&cx.body).unwrap_or(("messages.0.content.0".into(), MAX_IMAGE + 1));
            error(400, "invalid_request_error", &format!(
                "{at}.image.source.base64: image exceeds 5 MB maximum: {} bytes > {MAX_IMAGE} bytes",
                size.max(MAX_IMAGE + 1)
            ))
        }
        // 529 is Anthropic's own status for overload (errors page).
        "overloaded" => error(529, "overloaded_error", "Overloaded"),
        "server_error" => error(500, "api_error", "Internal server error"),
        "malformed" => Reply::malformed(),
        "stream_error" | "stream_cut" => {
            let events = stream_events(&model);
            if scenario == "stream_cut" {
                stream_reply(events).cut_after(3)
            } else {
                // An overloaded_error event inside a 200 stream, as the API sends it mid-stream
                // (errors page: "errors can occur after returning a 200 response").
                let mut kept: Vec<String> = events.into_iter().take(3).collect();
                kept.push(sse_event(
                    Some("error"),
                    &json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
                ));
                stream_reply(kept).outcome(Outcome::StreamError)
            }
        }
        _ => return None,
    })
}

/// The largest base64 image the Messages API takes (5 MB, counted on the base64 text).
const MAX_IMAGE: u64 = 5 * 1024 * 1024;

/// A model's output-token limit, for the `max_tokens_exceeded` message (models overview,
/// https://docs.anthropic.com/en/docs/about-claude/models/overview: 64k for Sonnet 4 / 4.5
/// and Haiku 4.5, 32k for Opus 4 / 4.1, 8192 for the 3.5 models, 4096 for Claude 3).
fn output_limit(model: &str) -> u64 {
    if model.contains("claude-3-5") {
        8192
    } else if model.contains("claude-3") {
        4096
    } else if model.contains("opus-4-1")
        || model.contains("opus-4-0")
        || model.contains("opus-4@")
        || model.contains("opus-4-2025")
    {
        32000
    } else {
        64000
    }
}

/// Where the first base64 image of the request is (`messages.I.content.J`) and its length.
fn first_image(body: &Value) -> Option<(String, u64)> {
    let messages = body.get("messages")?.as_array()?;
    messages.iter().enumerate().find_map(|(i, m)| {
        m.get("content")?
            .as_array()?
            .iter()
            .enumerate()
            .find_map(|(j, b)| {
                let data = b.pointer("/source/data")?.as_str()?;
                (b.get("type")?.as_str()? == "image")
                    .then(|| (format!("messages.{i}.content.{j}"), data.len() as u64))
            })
    })
}

fn rate_limit(reply: Reply) -> Reply {
    reply
        .header("retry-after", "1")
        .header("anthropic-ratelimit-requests-limit", "50")
        .header("anthropic-ratelimit-requests-remaining", "0")
        .header("anthropic-ratelimit-requests-reset", "2026-11-24T12:00:01Z")
        .header("anthropic-ratelimit-input-tokens-limit", "30000")
        .header("anthropic-ratelimit-input-tokens-remaining", "0")
        .header(
            "anthropic-ratelimit-input-tokens-reset",
            "2026-11-24T12:00:01Z",
        )
}

fn tool_use_message(index: usize, id: &str) -> String {
    format!("messages.{index}: `tool_use` ids were found without `tool_result` blocks immediately after: {id}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.")
}

/// What the real API checks before anything else, in the `ok` scenario.
fn validate(cx: &Ctx) -> Option<Reply> {
    if cx.body_len > MAX_BODY {
        return answer("too_large", cx);
    }
    if !matches!(cx.route, Route::Messages | Route::CountTokens) {
        return None;
    }
    let body = &cx.body;
    // On Bedrock and Vertex the model is in the path, not the body.
    if cx.provider == Provider::Anthropic && body.get("model").is_none() {
        return Some(error(400, "invalid_request_error", "model: Field required"));
    }
    let Some(messages) = body.get("messages").and_then(Value::as_array) else {
        return Some(error(
            400,
            "invalid_request_error",
            "messages: Field required",
        ));
    };
    if cx.route == Route::Messages && body.get("max_tokens").is_none() {
        return Some(error(
            400,
            "invalid_request_error",
            "max_tokens: Field required",
        ));
    }
    // Every tool_use block must be answered by a tool_result in the next message.
    for (i, message) in messages.iter().enumerate() {
        let ids: Vec<&str> = blocks(message, "tool_use")
            .filter_map(|b| b.get("id").and_then(Value::as_str))
            .collect();
        let answered: Vec<&str> = messages
            .get(i + 1)
            .map(|next| {
                blocks(next, "tool_result")
                    .filter_map(|b| b.get("tool_use_id").and_then(Value::as_str))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(missing) = ids.iter().find(|id| !answered.contains(id)) {
            if i + 1 < messages.len() {
                return Some(error(
                    400,
                    "invalid_request_error",
                    &tool_use_message(i + 1, missing),
                ));
            }
        }
    }
    None
}

fn blocks<'a>(message: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    message
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(move |b| b.get("type").and_then(Value::as_str) == Some(kind))
}

fn message_body(model: &str, text: &str) -> Value {
    json!({
        "id": "msg_01ErrdexMockMessage",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": null,
        "usage": {"input_tokens": 8, "output_tokens": 6},
    })
}

pub fn models() -> Value {
    let model = |id: &str, name: &str| json!({"type": "model", "id": id, "display_name": name, "created_at": "2025-10-15T00:00:00Z"});
    json!({
        "data": [model("claude-haiku-4-5", "Claude Haiku 4.5"), model("claude-sonnet-4-5", "Claude Sonnet 4.5")],
        "has_more": false,
        "first_id": "claude-haiku-4-5",
        "last_id": "claude-sonnet-4-5",
    })
}

fn success(cx: &Ctx, model: &str) -> Reply {
    match &cx.route {
        Route::Messages if cx.stream => stream_reply(stream_events(model)),
        Route::Messages => Reply::ok(message_body(model, "Hello from errdex mock.")),
        Route::CountTokens => Reply::ok(json!({"input_tokens": 8})),
        Route::Models => Reply::ok(models()),
        Route::Model(id) => Reply::ok(
            json!({"type": "model", "id": id, "display_name": id, "created_at": "2025-10-15T00:00:00Z"}),
        ),
        _ => error(404, "not_found_error", "Not Found"),
    }
}

pub fn stream_reply(events: Vec<String>) -> Reply {
    Reply::sse(events)
}

pub fn stream_events(model: &str) -> Vec<String> {
    let mut start = message_body(model, "");
    start["content"] = json!([]);
    start["stop_reason"] = Value::Null;
    start["usage"] = json!({"input_tokens": 8, "output_tokens": 1});
    let e = |name: &str, data: Value| sse_event(Some(name), &data);
    vec![
        e(
            "message_start",
            json!({"type": "message_start", "message": start}),
        ),
        e(
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        e("ping", json!({"type": "ping"})),
        e(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello from "}}),
        ),
        e(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "errdex mock."}}),
        ),
        e(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}),
        ),
        e(
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 6}}),
        ),
        e("message_stop", json!({"type": "message_stop"})),
    ]
}
