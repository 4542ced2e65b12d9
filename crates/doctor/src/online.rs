//! `--online`: one cheap authenticated request (the model list) per key, sent only to the
//! provider's own API host or to a loopback address — never to a host that a `.env` file
//! names, unless the user allowed that host by name.

use crate::findings::{is_loopback, url_host, Finding, Observation, Problem, Severity};
use crate::vars::{Auth, ProviderVars};
use std::time::Duration;

/// What the provider said about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Rejected(u16),
    NoPermission(u16),
    RateLimited(u16),
    Unexpected(u16),
    Unreachable(String),
    NotContacted(String),
}

/// Where the model list of `vars` is requested, given the base-URL variable's value.
pub fn probe_url(vars: &ProviderVars, base: Option<&str>) -> Option<String> {
    let base = base
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .unwrap_or(vars.default_base);
    if base.is_empty() {
        return None;
    }
    Some(format!(
        "{}{}",
        base.trim_end_matches('/'),
        vars.models_path
    ))
}

/// May the key be sent to `url`? Only to the provider's own hosts, loopback, or a host
/// the user named with `--allow-host`.
pub fn allowed(vars: &ProviderVars, url: &str, allow_hosts: &[String]) -> Result<(), String> {
    let host = url_host(url).ok_or_else(|| format!("{url} is not an http(s) URL"))?;
    let official = vars.hosts.iter().any(|h| match h.strip_prefix('.') {
        Some(suffix) => host.ends_with(&format!(".{suffix}")),
        None => host == *h,
    });
    if official || is_loopback(&host) || allow_hosts.iter().any(|a| a.eq_ignore_ascii_case(&host)) {
        Ok(())
    } else {
        Err(format!(
            "{host} is not {}'s API; pass --allow-host {host} to send the key there",
            vars.provider
        ))
    }
}

/// Sends the request. Blocking, with a short timeout: the doctor checks a handful of keys.
pub fn probe(vars: &ProviderVars, url: &str, key: &str) -> Verdict {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut request = agent.get(url).header(
        "user-agent",
        concat!("errdex-doctor/", env!("CARGO_PKG_VERSION")),
    );
    request = match vars.auth {
        Auth::Bearer => request.header("authorization", &format!("Bearer {key}")),
        Auth::Anthropic => request
            .header("x-api-key", key)
            .header("anthropic-version", "2023-06-01"),
        Auth::Google => request.header("x-goog-api-key", key),
        Auth::Azure => request.header("api-key", key),
    };
    match request.call() {
        Ok(response) => match response.status().as_u16() {
            200..=299 => Verdict::Valid,
            s @ 401 => Verdict::Rejected(s),
            // Gemini answers a bad key with 400 API_KEY_INVALID.
            s @ 400 if vars.auth == Auth::Google => Verdict::Rejected(s),
            s @ 403 => Verdict::NoPermission(s),
            s @ 429 => Verdict::RateLimited(s),
            s => Verdict::Unexpected(s),
        },
        // The error text names the host and the cause, never the key.
        Err(e) => Verdict::Unreachable(e.to_string()),
    }
}

/// The finding for a verdict about the key in `key`.
pub fn finding(
    vars: &ProviderVars,
    key: &Observation,
    url: &str,
    verdict: &Verdict,
    entry_exists: &dyn Fn(&str) -> bool,
) -> Finding {
    let p = vars.provider.as_str();
    let host = url_host(url).unwrap_or_default();
    let (problem, severity, message, fix, slug) = match verdict {
        Verdict::Valid => (
            Problem::Valid,
            Severity::Info,
            format!("{host} accepted the key"),
            "nothing to do".to_string(),
            "",
        ),
        Verdict::Rejected(s) => (
            Problem::Rejected,
            Severity::Error,
            format!(
                "{host} rejected the key (HTTP {s}): it is wrong, revoked or another provider's"
            ),
            format!("create a new {p} key and put it in {}", key.name),
            "authentication-error",
        ),
        Verdict::NoPermission(s) => (
            Problem::NoPermission,
            Severity::Error,
            format!("{host} accepted the key but refused access (HTTP {s})"),
            "check the key's workspace, project or organisation permissions".to_string(),
            "permission-error",
        ),
        Verdict::RateLimited(s) => (
            Problem::RateLimited,
            Severity::Warning,
            format!("{host} rate-limited the check (HTTP {s}); the key itself was not judged"),
            "run the doctor again in a minute".to_string(),
            "rate-limit-error",
        ),
        Verdict::Unexpected(s) => (
            Problem::Unexpected,
            Severity::Warning,
            format!("{host} answered HTTP {s} to the model list"),
            "check the base URL and the provider's status page".to_string(),
            "server-error",
        ),
        Verdict::Unreachable(why) => (
            Problem::Unreachable,
            Severity::Warning,
            format!("could not reach {host}: {why}"),
            "check the network, proxy and base URL".to_string(),
            "connection-error",
        ),
        Verdict::NotContacted(why) => (
            Problem::NotContacted,
            Severity::Warning,
            format!("not contacted: {why}"),
            "review the base URL".to_string(),
            "",
        ),
    };
    let id = format!("{p}/{slug}");
    Finding {
        provider: vars.provider,
        variable: key.name.clone(),
        source: key.source.clone(),
        problem,
        message,
        severity,
        fix,
        entry: (!slug.is_empty() && entry_exists(&id)).then_some(id),
    }
}
