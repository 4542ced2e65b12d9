//! Scenarios: what the mock answers, chosen by the second path segment of the base URL.

use std::fmt;

/// The scenarios every provider is asked about. A provider answers those it has a real
/// counterpart for (see `errdex mock --list`); some add sub-scenarios of their own for
/// errors that share a status but mean different things.
pub const COMMON: &[(&str, &str)] = &[
    (
        "ok",
        "a valid answer; the key is judged the way the real API judges it",
    ),
    (
        "invalid_key",
        "the key was sent and rejected (401, or the provider's own status)",
    ),
    (
        "permission",
        "the key may not use this model, region or feature (403)",
    ),
    (
        "model_not_found",
        "unknown model or deployment (404, or the provider's own status)",
    ),
    ("bad_request", "the request is invalid (400)"),
    (
        "context_length",
        "prompt plus output exceed the context window (400)",
    ),
    ("too_large", "the HTTP body is over the size limit (413)"),
    ("unprocessable", "the request parsed but was rejected (422)"),
    (
        "rate_limit",
        "too many requests or tokens per minute (429 with retry-after)",
    ),
    (
        "quota",
        "out of credit or quota (429, 402 or 400, as the provider sends it)",
    ),
    (
        "overloaded",
        "over capacity (529 for Anthropic, 503 or 429 elsewhere)",
    ),
    ("server_error", "internal error (500)"),
    (
        "slow",
        "a valid answer after a delay (3 s; `slow:N` for N seconds)",
    ),
    ("stream_error", "an error event inside a 200 stream"),
    (
        "stream_cut",
        "the connection closes in the middle of the stream",
    ),
    ("malformed", "a 200 whose body is not valid JSON"),
    (
        "content_filter",
        "blocked by a safety system, as the provider reports it",
    ),
];

/// A parsed scenario segment: `rate_limit`, `slow:10`, `overloaded_then_ok`,
/// `rate_limit_then_ok:3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// The segment as written; stateful counters are kept per segment.
    pub segment: String,
    /// The scenario answered (before `_then_ok`).
    pub name: String,
    /// For `*_then_ok`: how many requests fail before the answers turn to `ok`.
    pub fail_times: Option<u32>,
    /// For `slow:N`: the delay in seconds.
    pub delay_secs: Option<u64>,
}

/// How many failures a `*_then_ok` scenario answers by default: two, so that the
/// Stainless-generated SDKs (two retries by default) succeed and `max_retries=0` fails.
pub const DEFAULT_FAIL_TIMES: u32 = 2;
/// The delay of `slow` by default, longer than the short timeouts examples set.
pub const DEFAULT_SLOW_SECS: u64 = 3;

impl Scenario {
    pub fn parse(segment: &str) -> Result<Scenario, String> {
        let (head, param) = match segment.split_once(':') {
            Some((h, p)) => {
                let n: u64 = p
                    .parse()
                    .map_err(|_| format!("`{segment}`: the number after `:` must be an integer"))?;
                (h, Some(n))
            }
            None => (segment, None),
        };
        if head.is_empty()
            || !head
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(format!("`{segment}` is not a scenario name"));
        }
        if let Some(base) = head.strip_suffix("_then_ok") {
            if base == "ok" || base.is_empty() {
                return Err(format!("`{segment}`: nothing to fail before ok"));
            }
            let times = param.unwrap_or(DEFAULT_FAIL_TIMES as u64);
            return Ok(Scenario {
                segment: segment.to_string(),
                name: base.to_string(),
                fail_times: Some(u32::try_from(times).map_err(|_| "too many failures")?),
                delay_secs: None,
            });
        }
        if param.is_some() && head != "slow" {
            return Err(format!(
                "`{segment}`: only `slow` and `*_then_ok` take a number"
            ));
        }
        Ok(Scenario {
            segment: segment.to_string(),
            name: head.to_string(),
            fail_times: None,
            delay_secs: if head == "slow" {
                Some(param.unwrap_or(DEFAULT_SLOW_SECS))
            } else {
                None
            },
        })
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.segment)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_stateful_and_slow_scenarios() {
        let s = Scenario::parse("rate_limit").unwrap();
        assert_eq!((s.name.as_str(), s.fail_times), ("rate_limit", None));
        let s = Scenario::parse("overloaded_then_ok").unwrap();
        assert_eq!((s.name.as_str(), s.fail_times), ("overloaded", Some(2)));
        let s = Scenario::parse("rate_limit_then_ok:5").unwrap();
        assert_eq!(s.fail_times, Some(5));
        assert_eq!(Scenario::parse("slow:10").unwrap().delay_secs, Some(10));
        assert_eq!(Scenario::parse("slow").unwrap().delay_secs, Some(3));
        assert!(Scenario::parse("ok_then_ok").is_err());
        assert!(Scenario::parse("rate_limit:3").is_err());
        assert!(Scenario::parse("Rate-Limit").is_err());
    }
}
