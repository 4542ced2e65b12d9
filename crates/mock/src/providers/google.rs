//! Gemini (generativelanguage) and Vertex AI publisher-model routes. Errors are
//! `google.rpc.Status` objects: https://ai.google.dev/gemini-api/docs/troubleshooting ,
//! https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 ; bodies as quoted in
//! https://github.com/continuedev/continue/issues/9330 and
//! https://github.com/google-gemini/gemini-cli/issues/25198 . Anthropic models on Vertex
//! (`:rawPredict`) answer with Anthropic's bodies where the model itself answers.

use super::{anthropic, Ctx, Provider, Route};
use crate::reply::{sse_event, Outcome, Reply};
use serde_json::{json, Value};

pub const SUB_SCENARIOS: &[(&str, &str)] = &[
    (
        "failed_precondition",
        "400 FAILED_PRECONDITION: user location is not supported",
    ),
    ("deadline_exceeded", "504 DEADLINE_EXCEEDED"),
    (
        "function_schema",
        "400 INVALID_ARGUMENT: an OBJECT parameter schema without properties",
    ),
    (
        "response_blocked",
        "200 whose only candidate stopped with finishReason BLOCKLIST and no content",
    ),
    (
        "stream_truncated",
        "200 stream whose body ends cleanly in the middle of an SSE event",
    ),
];

/// `(route, model from the path, streaming)`.
pub fn route(p: Provider, method: &str, path: &str) -> (Route, Option<String>, bool) {
    let (path, _) = path.split_once('?').unwrap_or((path, ""));
    let unknown = (Route::Unknown, None, false);
    let rest = match p {
        Provider::Google => ["/v1beta", "/v1alpha", "/v1"]
            .iter()
            .find_map(|v| path.strip_prefix(v)),
        _ => {
            let rest = ["/v1beta1", "/v1"]
                .iter()
                .find_map(|v| path.strip_prefix(v))
                .unwrap_or(path);
            if method == "GET" && rest.starts_with("/publishers/") {
                return (Route::Models, None, false);
            }
            // /projects/{p}/locations/{l}/publishers/{publisher}/models/{model}:{verb}
            rest.split_once("/publishers/")
                .and_then(|(_, r)| r.find('/').map(|i| &r[i..]))
        }
    };
    let Some(rest) = rest else { return unknown };
    let Some(model_part) = rest.strip_prefix("/models") else {
        return unknown;
    };
    if method == "GET" {
        return match model_part.strip_prefix('/') {
            None if model_part.is_empty() => (Route::Models, None, false),
            Some(m) => (Route::Model(m.to_string()), Some(m.to_string()), false),
            None => unknown,
        };
    }
    let Some((model, verb)) = model_part.trim_start_matches('/').split_once(':') else {
        return unknown;
    };
    let model = Some(model.to_string());
    match verb {
        "generateContent" | "countTokens" | "embedContent" => (Route::Generate, model, false),
        "streamGenerateContent" => (Route::Generate, model, true),
        "rawPredict" if p == Provider::Vertex => (Route::RawPredict, model, false),
        "streamRawPredict" if p == Provider::Vertex => (Route::RawPredict, model, true),
        _ => unknown,
    }
}

fn rpc(status: u16, code: &str, message: &str, details: Value) -> Reply {
    let mut error = json!({"code": status, "message": message, "status": code});
    if details.as_array().is_some_and(|d| !d.is_empty()) {
        error["details"] = details;
    }
    Reply::json(status, json!({"error": error}))
}

pub fn refuse_key(p: Provider, missing: bool) -> Reply {
    match p {
        Provider::Vertex => rpc(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.", json!([{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_TYPE_UNSUPPORTED", "domain": "googleapis.com", "metadata": {"service": "aiplatform.googleapis.com", "method": "google.cloud.aiplatform.v1.PredictionService.GenerateContent"}}])),
        _ if missing => rpc(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", json!([{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED", "domain": "googleapis.com"}])),
        // Gemini answers a bad key with 400, not 401 (sdk-facts §5.8).
        _ => rpc(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", json!([
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
            {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": "API key not valid. Please pass a valid API key."},
        ])),
    }
}

pub fn answer(scenario: &str, cx: &Ctx) -> Option<Reply> {
    let p = cx.provider;
    let model = if cx.model.is_empty() {
        "gemini-2.5-flash"
    } else {
        &cx.model
    };
    if cx.route == Route::Unknown {
        return Some(rpc(
            404,
            "NOT_FOUND",
            "Requested entity was not found.",
            json!([]),
        ));
    }
    if cx.route == Route::RawPredict {
        // The model answers in Anthropic's shapes; auth and quota are Vertex's.
        match scenario {
            "ok" | "slow" | "overloaded" | "bad_request" | "context_length" | "stream_error"
            | "stream_cut" | "malformed" | "content_filter" => {
                let mut inner = cx.clone();
                inner.route = Route::Messages;
                return anthropic::answer(scenario, &inner);
            }
            _ => {}
        }
    }
    let vertex = p == Provider::Vertex;
    Some(match scenario {
        "ok" | "slow" => success(cx, model),
        "invalid_key" => refuse_key(p, false),
        // The resource as requested (project, region, publisher), e.g.
        // https://github.com/BerriAI/litellm/issues/8597 .
        "permission" if vertex => rpc(403, "PERMISSION_DENIED", &format!("Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/{}' (or it may not exist).", resource(cx, model)), json!([])),
        "permission" => rpc(403, "PERMISSION_DENIED", "The caller does not have permission", json!([])),
        // Claude models (rawPredict) get the short form, e.g.
        // https://github.com/567-labs/instructor/issues/1849 , https://github.com/charmbracelet/crush/issues/879 .
        "model_not_found" if vertex && cx.route == Route::RawPredict => rpc(404, "NOT_FOUND", &format!("Publisher Model `{}` not found.", resource(cx, model)), json!([])),
        "model_not_found" if vertex => rpc(404, "NOT_FOUND", &format!("Publisher Model `{}` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions", resource(cx, model)), json!([])),
        "model_not_found" => rpc(404, "NOT_FOUND", &format!("models/{model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods."), json!([])),
        "bad_request" => rpc(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified\n", json!([])),
        "context_length" => rpc(400, "INVALID_ARGUMENT", "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).", json!([])),
        // Quoted from a google-genai ClientError in https://github.com/agno-agi/agno/pull/2113 .
        "function_schema" => rpc(400, "INVALID_ARGUMENT", "* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties: should be non-empty for OBJECT type\n", json!([])),
        "too_large" => rpc(400, "INVALID_ARGUMENT", "Request payload size exceeds the limit: 20971520 bytes.", json!([])),
        "failed_precondition" => rpc(400, "FAILED_PRECONDITION", "User location is not supported for the API use.", json!([])),
        // Claude on Vertex: the per-base-model online-prediction quota, e.g.
        // https://github.com/anthropics/anthropic-sdk-python/issues/963 , https://github.com/cline/cline/issues/651 .
        "rate_limit" if vertex && cx.route == Route::RawPredict => rpc(429, "RESOURCE_EXHAUSTED", &format!("Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model with base model: anthropic-{}. Please submit a quota increase request. https://cloud.google.com/vertex-ai/docs/generative-ai/quotas-genai.", model.split('@').next().unwrap_or(model)), json!([])),
        "rate_limit" if vertex => rpc(429, "RESOURCE_EXHAUSTED", "Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.", json!([])),
        "rate_limit" => rpc(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).", json!([])),
        "quota" => rpc(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.", json!([
            {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests", "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier", "quotaDimensions": {"location": "global", "model": model}, "quotaValue": "250"}]},
            {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "20s"},
        ])),
        "overloaded" => rpc(503, "UNAVAILABLE", "The model is overloaded. Please try again later.", json!([])),
        "server_error" => rpc(500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting", json!([])),
        "deadline_exceeded" => rpc(504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.", json!([])),
        "malformed" => Reply::malformed(),
        // A prompt blocked by safety: no candidates, promptFeedback.blockReason SAFETY.
        "content_filter" if cx.route == Route::Generate => Reply::ok(json!({
            "promptFeedback": {"blockReason": "SAFETY", "safetyRatings": [
                {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": true}]},
            "usageMetadata": {"promptTokenCount": 8, "totalTokenCount": 8},
            "modelVersion": model,
        })).outcome(Outcome::ContentFilter),
        // A candidate stopped by the blocklist, with no content and no safetyRatings: the
        // raw response quoted in https://github.com/googleapis/python-aiplatform/issues/3622 .
        "response_blocked" if cx.route == Route::Generate => Reply::ok(json!({
            "candidates": [{"finishReason": "BLOCKLIST", "index": 0}],
            "usageMetadata": {"promptTokenCount": 8, "totalTokenCount": 8},
            "modelVersion": model,
        })).outcome(Outcome::ContentFilter),
        "stream_cut" if cx.route == Route::Generate => Reply::sse(chunks(model)).cut_after(1),
        // The response ends normally (no reset) a third of the way into the last event, as when a
        // proxy or the server closes a stream early: @google/genai's processStreamResponse
        // then throws "Incomplete JSON segment at the end" (dist/node/index.cjs), as in
        // https://github.com/googleapis/js-genai/issues/1342 and
        // https://github.com/BerriAI/litellm/issues/15893 .
        "stream_truncated" if cx.route == Route::Generate => {
            let mut c = chunks(model);
            if let Some(last) = c.last_mut() {
                let keep = last.len() / 3;
                last.truncate(keep);
            }
            Reply::sse(c).outcome(Outcome::StreamCut)
        }
        "stream_error" if cx.route == Route::Generate => {
            let mut c = chunks(model);
            c.truncate(1);
            c.push(sse_event(None, &json!({"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}})));
            Reply::sse(c).outcome(Outcome::StreamError)
        }
        _ => return None,
    })
}

/// The Vertex resource a request names, `projects/{p}/locations/{l}/publishers/{pub}/models/{m}`.
fn resource(cx: &Ctx, model: &str) -> String {
    cx.path
        .split_once("projects/")
        .map(|(_, r)| format!("projects/{}", r.split(':').next().unwrap_or(r)))
        .unwrap_or_else(|| {
            format!("projects/errdex-mock/locations/us-central1/publishers/google/models/{model}")
        })
}

fn generated(model: &str, text: &str, finish: Option<&str>) -> Value {
    let mut candidate =
        json!({"content": {"parts": [{"text": text}], "role": "model"}, "index": 0});
    if let Some(f) = finish {
        candidate["finishReason"] = json!(f);
    }
    json!({
        "candidates": [candidate],
        "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 6, "totalTokenCount": 14},
        "modelVersion": model,
        "responseId": "errdexmock",
    })
}

fn chunks(model: &str) -> Vec<String> {
    vec![
        sse_event(None, &generated(model, "Hello from ", None)),
        sse_event(None, &generated(model, "errdex mock.", Some("STOP"))),
    ]
}

fn success(cx: &Ctx, model: &str) -> Reply {
    match &cx.route {
        Route::Generate if cx.stream => Reply::sse(chunks(model)),
        Route::Generate if cx.path.ends_with(":countTokens") => {
            Reply::ok(json!({"totalTokens": 8}))
        }
        Route::Generate if cx.path.ends_with(":embedContent") => {
            Reply::ok(json!({"embedding": {"values": [0.0023, -0.0093, 0.0158]}}))
        }
        Route::Generate => Reply::ok(generated(model, "Hello from errdex mock.", Some("STOP"))),
        Route::Models if cx.provider == Provider::Vertex => Reply::ok(
            json!({"publisherModels": [{"name": "publishers/google/models/gemini-2.5-flash", "versionId": "001", "launchStage": "GA"}]}),
        ),
        Route::Models => Reply::ok(
            json!({"models": [{"name": "models/gemini-2.5-flash", "version": "001", "displayName": "Gemini 2.5 Flash", "supportedGenerationMethods": ["generateContent", "countTokens"], "inputTokenLimit": 1048576, "outputTokenLimit": 65536}]}),
        ),
        Route::Model(id) => Reply::ok(
            json!({"name": format!("models/{id}"), "version": "001", "displayName": id, "supportedGenerationMethods": ["generateContent"]}),
        ),
        _ => rpc(
            404,
            "NOT_FOUND",
            "Requested entity was not found.",
            json!([]),
        ),
    }
}
