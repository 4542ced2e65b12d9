//! Bedrock runtime (`/model/{id}/invoke`, `/model/{id}/converse`) and the control plane's
//! model list. AWS errors: a `{"message"}` body and the type in `x-amzn-errortype`, which
//! botocore turns into `ClientError: An error occurred (<Type>) when calling the <Op>
//! operation`. Statuses and types:
//! https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html#API_runtime_InvokeModel_Errors
//! and https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors .
//! The streaming routes (`invoke-with-response-stream`, `converse-stream`) use AWS's binary
//! event-stream encoding, which this mock does not speak: they answer 501.

use super::{anthropic, Ctx, Route};
use crate::reply::{Outcome, Reply};
use serde_json::json;

pub const SUB_SCENARIOS: &[(&str, &str)] = &[
    ("model_not_ready", "429 ModelNotReadyException"),
    ("model_timeout", "408 ModelTimeoutException"),
    ("model_error", "424 ModelErrorException"),
    (
        "expired_token",
        "403 ExpiredTokenException: temporary credentials expired",
    ),
    (
        "resource_not_found",
        "404 ResourceNotFoundException: model id not resolved",
    ),
    (
        "on_demand_unsupported",
        "400 ValidationException: on-demand throughput isn't supported",
    ),
];

pub fn route(method: &str, path: &str) -> (Route, Option<String>, bool) {
    if method == "GET" && path == "/foundation-models" {
        return (Route::Models, None, false);
    }
    let Some(rest) = path.strip_prefix("/model/") else {
        return (Route::Unknown, None, false);
    };
    let Some((model, op)) = rest.rsplit_once('/') else {
        return (Route::Unknown, None, false);
    };
    let model = Some(percent_decode(model));
    match (method, op) {
        ("POST", "invoke") => (Route::Invoke, model, false),
        ("POST", "invoke-with-response-stream") => (Route::Invoke, model, true),
        ("POST", "converse") => (Route::Converse, model, false),
        ("POST", "converse-stream") => (Route::Converse, model, true),
        _ => (Route::Unknown, None, false),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn aws(status: u16, kind: &str, message: &str) -> Reply {
    let namespace = if kind.ends_with("ClientException")
        || kind.starts_with("MissingAuth")
        || kind == "ExpiredTokenException"
    {
        "com.amazon.coral.service"
    } else {
        "com.amazon.bedrock"
    };
    Reply::json(status, json!({"message": message})).header(
        "x-amzn-errortype",
        format!("{kind}:http://internal.amazon.com/coral/{namespace}/"),
    )
}

pub fn refuse_key(missing: bool) -> Reply {
    if missing {
        aws(
            403,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )
    } else {
        aws(
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    }
}

pub fn answer(scenario: &str, cx: &Ctx) -> Option<Reply> {
    if cx.route == Route::Unknown {
        return Some(aws(404, "UnknownOperationException", "Unknown operation"));
    }
    let model = if cx.model.is_empty() {
        "anthropic.claude-3-haiku-20240307-v1:0"
    } else {
        &cx.model
    };
    Some(match scenario {
        "ok" | "slow" if cx.stream => Reply::json(501, json!({"message": "errdex mock: Bedrock's binary event-stream routes are not implemented; use invoke or converse"})),
        "ok" | "slow" => success(cx, model),
        "invalid_key" => refuse_key(false),
        "permission" => aws(403, "AccessDeniedException", "You don't have access to the model with the specified model ID."),
        "model_not_found" => aws(400, "ValidationException", "The provided model identifier is invalid."),
        "bad_request" => aws(400, "ValidationException", "Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again."),
        "context_length" => aws(400, "ValidationException", "Input is too long for requested model."),
        "too_large" => aws(413, "ValidationException", "Request body too large."),
        "rate_limit" => aws(429, "ThrottlingException", "Too many requests, please wait before trying again."),
        "quota" => aws(400, "ServiceQuotaExceededException", "Your request exceeded a service quota for this account. Check your quotas in the Service Quotas console."),
        "model_not_ready" => aws(429, "ModelNotReadyException", "Model is not ready to serve inference requests. The AWS SDK will automatically retry the operation up to 5 times."),
        "model_timeout" => aws(408, "ModelTimeoutException", "Model has timed out in processing the request. Try your request again."),
        "model_error" => aws(424, "ModelErrorException", "The model returned an error."),
        // STS/SSO credentials past their expiry: https://github.com/anthropics/claude-code/issues/28032
        // (403 ExpiredTokenException), https://github.com/aurelio-labs/semantic-router/issues/293 .
        "expired_token" => aws(403, "ExpiredTokenException", "The security token included in the request is expired"),
        // https://github.com/truera/trulens/issues/779 (botocore.errorfactory.ResourceNotFoundException,
        // InvokeModel); 404 per the ResourceNotFoundException shape in botocore's bedrock-runtime model.
        "resource_not_found" => aws(404, "ResourceNotFoundException", "Could not resolve the foundation model from the provided model identifier."),
        // https://github.com/terricain/aioboto3/issues/352 (a model only served through inference profiles).
        "on_demand_unsupported" => aws(400, "ValidationException", &format!("Invocation of model ID {model} with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model.")),
        "overloaded" => aws(503, "ServiceUnavailableException", "Bedrock is unable to process your request."),
        "server_error" => aws(500, "InternalServerException", "The server encountered an internal error while processing the request."),
        "malformed" => Reply::malformed(),
        "content_filter" if cx.route == Route::Converse => Reply::ok(json!({
            "output": {"message": {"role": "assistant", "content": [{"text": "Sorry, the model cannot answer this question."}]}},
            "stopReason": "content_filtered",
            "usage": {"inputTokens": 8, "outputTokens": 0, "totalTokens": 8},
            "metrics": {"latencyMs": 120},
        })).outcome(Outcome::ContentFilter),
        _ => return None,
    })
}

fn success(cx: &Ctx, model: &str) -> Reply {
    match &cx.route {
        Route::Models => Reply::ok(json!({"modelSummaries": [{
            "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
            "modelId": "anthropic.claude-3-haiku-20240307-v1:0", "modelName": "Claude 3 Haiku", "providerName": "Anthropic",
            "inputModalities": ["TEXT", "IMAGE"], "outputModalities": ["TEXT"], "responseStreamingSupported": true,
            "customizationsSupported": [], "inferenceTypesSupported": ["ON_DEMAND"], "modelLifecycle": {"status": "ACTIVE"}}]})),
        Route::Converse => Reply::ok(json!({
            "output": {"message": {"role": "assistant", "content": [{"text": "Hello from errdex mock."}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 8, "outputTokens": 6, "totalTokens": 14},
            "metrics": {"latencyMs": 120},
        })),
        // Anthropic models take and return the Messages API's bodies.
        Route::Invoke if model.contains("anthropic.") => {
            let mut inner = cx.clone();
            inner.route = Route::Messages;
            anthropic::answer("ok", &inner).unwrap_or_else(|| Reply::ok(json!({})))
        }
        Route::Invoke => Reply::ok(
            json!({"generation": "Hello from errdex mock.", "prompt_token_count": 8, "generation_token_count": 6, "stop_reason": "stop"}),
        ),
        _ => aws(404, "UnknownOperationException", "Unknown operation"),
    }
}
