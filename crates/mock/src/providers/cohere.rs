//! Cohere v2 (`/v2/chat`, `/v2/embed`) and the model list. Errors are `{"id", "message"}`
//! with the messages of https://docs.cohere.com/reference/errors (the `id` field is an
//! assumption, sdk-facts §5.7). Cohere's SDK prints every response header inside
//! `str(e)`, so the headers here are few and stable.

use super::{body_model, Ctx, Route};
use crate::reply::{sse_event, Body, Outcome, Reply};
use serde_json::{json, Value};

pub const SUB_SCENARIOS: &[(&str, &str)] = &[
    (
        "trial_monthly",
        "429: a Trial key's monthly call limit is used up",
    ),
    (
        "forbidden_html",
        "403 HTML page from the edge (the client's IP or region is blocked)",
    ),
];

/// Cohere's trial-key 429 text, per minute or per month. Monthly limit of 1,000 calls:
/// https://github.com/cohere-ai/cohere-developer-experience/pull/199 ; the message as the
/// API words it is quoted in public code (searched: "You are using a Trial key, which is
/// limited to 1000 API calls / month").
fn trial_key(limit: &str) -> String {
    format!("You are using a Trial key, which is limited to {limit}. You can continue to use the Trial key for free or upgrade to a Production key with higher rate limits at 'https://dashboard.cohere.com/api-keys'. Contact us on 'https://discord.gg/XW44jPfYJu' or email us at support@cohere.com with any questions")
}

pub fn route(method: &str, path: &str) -> Route {
    match (method, path) {
        ("POST", "/v2/chat") => Route::CohereChat,
        // The v1 chat of cohere < 5 (`co.chat(message=…)`), non-streamed.
        ("POST", "/v1/chat") => Route::CohereChat,
        ("POST", "/v2/embed") => Route::CohereEmbed,
        ("GET", "/v1/models") => Route::Models,
        ("GET", p) if p.starts_with("/v1/models/") => Route::Model(p[11..].to_string()),
        _ => Route::Unknown,
    }
}

fn err(status: u16, message: &str) -> Reply {
    Reply::json(
        status,
        json!({"id": "e77de000-0000-4000-8000-000000000000", "message": message}),
    )
}

pub fn refuse_key(missing: bool) -> Reply {
    if missing {
        err(401, "no api key supplied")
    } else {
        err(401, "invalid api token")
    }
}

pub fn answer(scenario: &str, cx: &Ctx) -> Option<Reply> {
    let model = body_model(&cx.body, "command-a-03-2025");
    if cx.route == Route::Unknown {
        return Some(err(404, &format!("{} {} not found", cx.method, cx.path)));
    }
    Some(match scenario {
        "ok" | "slow" => success(cx, &model),
        "invalid_key" => refuse_key(false),
        "permission" => err(403, "Forbidden: you do not have access to this resource"),
        "model_not_found" => err(404, &format!("model '{model}' not found, make sure the correct model ID was used and that you have access to the model.")),
        "bad_request" => err(400, "invalid request: message must be at least 1 token long or tool results must be specified."),
        "context_length" => err(400, "too many tokens: total number of tokens in the prompt cannot exceed 256000 - received 300000. Try using a shorter prompt, or enabling prompt truncating. See https://docs.cohere.com/reference/chat for more details."),
        "unprocessable" => err(422, "invalid request: the provided parameters are not valid for this model"),
        "rate_limit" => err(429, &trial_key("20 API calls / minute")).header("retry-after", "1"),
        "trial_monthly" => err(429, &trial_key("1000 API calls / month")),
        // Not JSON: the front end's bare 403 page, as quoted in
        // https://github.com/Cinnamon/kotaemon/issues/372 and
        // https://github.com/langgenius/dify/issues/2506 (the SDK raises its base ApiError).
        "forbidden_html" => Reply {
            body: Body::Text("text/html; charset=UTF-8", "<!doctype html><meta charset=\"utf-8\"><meta name=viewport content=\"width=device-width, initial-scale=1\"><title>403</title>403 Forbidden".into()),
            ..err(403, "")
        },
        "quota" => err(402, "Please add or update your payment method at https://dashboard.cohere.com/billing?tab=payment to continue"),
        "overloaded" => err(503, "service unavailable"),
        // https://github.com/cohere-ai/cohere-python/issues/563 (the message ends with an id).
        "server_error" => err(500, "internal server error, this has been reported to our developers. id e77de000-0000-4000-8000-000000000500"),
        "malformed" => Reply::malformed(),
        // A v2 chat that ends with finish_reason ERROR_TOXIC (docs: chat response).
        "content_filter" if cx.route == Route::CohereChat && !v1(cx) => {
            let mut body = chat(&model);
            body["finish_reason"] = json!("ERROR_TOXIC");
            body["message"]["content"] = json!([]);
            Reply::ok(body).outcome(Outcome::ContentFilter)
        }
        "stream_cut" if cx.route == Route::CohereChat && !v1(cx) => Reply::sse(events()).cut_after(2),
        "stream_error" if cx.route == Route::CohereChat && !v1(cx) => {
            let mut chunks: Vec<String> = events().into_iter().take(2).collect();
            chunks.push(sse_event(Some("message-end"), &json!({"type": "message-end", "delta": {"finish_reason": "ERROR", "error": "internal server error, this has been reported to our developers"}})));
            Reply::sse(chunks).outcome(Outcome::StreamError)
        }
        _ => return None,
    })
}

fn chat(model: &str) -> Value {
    let _ = model;
    json!({
        "id": "e77de000-0000-4000-8000-000000000001",
        "finish_reason": "COMPLETE",
        "message": {"role": "assistant", "content": [{"type": "text", "text": "Hello from errdex mock."}]},
        "usage": {"billed_units": {"input_tokens": 8, "output_tokens": 6}, "tokens": {"input_tokens": 8, "output_tokens": 6}},
    })
}

/// https://docs.cohere.com/docs/streaming (v2 event types).
fn events() -> Vec<String> {
    let e = |name: &str, data: Value| sse_event(Some(name), &data);
    vec![
        e(
            "message-start",
            json!({"id": "e77de000-0000-4000-8000-000000000001", "type": "message-start", "delta": {"message": {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": [], "citations": []}}}),
        ),
        e(
            "content-start",
            json!({"type": "content-start", "index": 0, "delta": {"message": {"content": {"type": "text", "text": ""}}}}),
        ),
        e(
            "content-delta",
            json!({"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": "Hello from errdex mock."}}}}),
        ),
        e("content-end", json!({"type": "content-end", "index": 0})),
        e(
            "message-end",
            json!({"type": "message-end", "delta": {"finish_reason": "COMPLETE", "usage": {"billed_units": {"input_tokens": 8, "output_tokens": 6}, "tokens": {"input_tokens": 8, "output_tokens": 6}}}}),
        ),
    ]
}

fn v1(cx: &Ctx) -> bool {
    cx.path.starts_with("/v1/")
}

fn success(cx: &Ctx, model: &str) -> Reply {
    match &cx.route {
        // The v1 chat answer (docs.cohere.com/v1/reference/chat): `text` beside `response_id`.
        Route::CohereChat if v1(cx) => Reply::ok(json!({
            "response_id": "e77de000-0000-4000-8000-000000000001",
            "text": "Hello from errdex mock.",
            "generation_id": "e77de000-0000-4000-8000-000000000003",
            "finish_reason": "COMPLETE",
            "meta": {"api_version": {"version": "1"}, "billed_units": {"input_tokens": 8, "output_tokens": 6}},
        })),
        Route::CohereChat if cx.stream => Reply::sse(events()),
        Route::CohereChat => Reply::ok(chat(model)),
        Route::CohereEmbed => Reply::ok(json!({
            "id": "e77de000-0000-4000-8000-000000000002", "embeddings": {"float": [[0.0023, -0.0093, 0.0158]]},
            "texts": ["hello"], "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": 1}}, "response_type": "embeddings_by_type",
        })),
        Route::Models => Reply::ok(
            json!({"models": [{"name": model, "endpoints": ["chat"], "finetuned": false, "context_length": 256000.0, "tokenizer_url": null, "default_endpoints": []}], "next_page_token": null}),
        ),
        Route::Model(id) => Reply::ok(
            json!({"name": id, "endpoints": ["chat"], "finetuned": false, "context_length": 256000.0}),
        ),
        _ => err(404, "not found"),
    }
}
