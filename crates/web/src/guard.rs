//! What stands between a request and the notes: who the client is (its IP address, from
//! the socket; `X-Forwarded-For` only with `--trust-proxy`), whether an HTML form was
//! posted from this site (CSRF, by `Sec-Fetch-Site` and `Origin`, so that pages need no
//! per-visitor token and stay cacheable), per-client rate limits (governor's GCRA, keyed
//! by IP), and the admin token, compared in constant time.

use crate::AppError;
use axum::extract::ConnectInfo;
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN};
use axum::http::{Extensions, HeaderMap};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use subtle::ConstantTimeEq;

/// How the notes are protected; `errdex serve` flags.
#[derive(Debug, Clone)]
pub struct NotesOptions {
    /// `ERRDEX_ADMIN_TOKEN`: moderation is on only with a token.
    pub admin_token: Option<String>,
    /// Take the client's address from `X-Forwarded-For` (the last address: the one the
    /// proxy in front of us added). Only behind a proxy that sets it.
    pub trust_proxy: bool,
    /// Notes one client may submit per hour (0: no limit).
    pub notes_per_hour: u32,
    /// Confirmations one client may send per hour (0: no limit).
    pub confirmations_per_hour: u32,
}

impl Default for NotesOptions {
    fn default() -> Self {
        NotesOptions {
            admin_token: None,
            trust_proxy: false,
            notes_per_hour: 10,
            confirmations_per_hour: 60,
        }
    }
}

/// The client's address: the socket's peer, or with `trust_proxy` the last address in
/// `X-Forwarded-For`. `None` when neither is known (a test without a socket).
pub fn client_ip(
    headers: &HeaderMap,
    extensions: &Extensions,
    trust_proxy: bool,
) -> Option<IpAddr> {
    if trust_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// Refuses an HTML form posted from another site. Browsers send `Sec-Fetch-Site` (modern
/// ones) or at least `Origin` with every POST; a client that sends neither is not a
/// browser acting for someone else, and passes.
pub fn same_origin(headers: &HeaderMap, trust_proxy: bool) -> Result<(), AppError> {
    let refuse = || {
        AppError::Forbidden(
            "this form was posted from another site; open the page on errdex and submit it there"
                .into(),
        )
    };
    if let Some(site) = headers.get("sec-fetch-site") {
        return match site.to_str().unwrap_or_default() {
            "same-origin" | "none" => Ok(()),
            _ => Err(refuse()),
        };
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'))
        .unwrap_or_default();
    let host = trust_proxy
        .then(|| headers.get("x-forwarded-host"))
        .flatten()
        .or_else(|| headers.get(HOST))
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !origin_host.is_empty() && origin_host.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err(refuse())
    }
}

/// A per-client limit of so many requests an hour, with a burst of as many.
pub struct Limit {
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
    what: &'static str,
}

impl Limit {
    pub fn per_hour(n: u32, what: &'static str) -> Limit {
        Limit {
            limiter: NonZeroU32::new(n).map(|n| RateLimiter::keyed(Quota::per_hour(n))),
            what,
        }
    }

    /// Counts one request of `client`; over the limit, a 429 saying when to try again.
    /// Clients without a known address share one bucket.
    pub fn check(&self, client: Option<IpAddr>) -> Result<(), AppError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let key = client.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let result = limiter.check_key(&key);
        // The map grows by one key per client; forget the ones whose limit has recovered.
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        result.map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            AppError::TooManyRequests {
                message: format!(
                    "too many {} from your address; try again in {retry_after} seconds",
                    self.what
                ),
                retry_after: retry_after.max(1),
            }
        })
    }
}

/// The admin token, kept as its SHA-256 so that comparing takes the same time whatever
/// the length or the first wrong byte of what was sent.
pub struct AdminToken {
    digest: Option<[u8; 32]>,
}

/// The cookie that keeps an admin signed in on `/admin`.
pub const SESSION_COOKIE: &str = "errdex_admin";

impl AdminToken {
    pub fn new(token: Option<&str>) -> AdminToken {
        AdminToken {
            digest: token
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| Sha256::digest(t.as_bytes()).into()),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.digest.is_some()
    }

    /// Whether `candidate` is the token, in constant time.
    pub fn matches(&self, candidate: &str) -> bool {
        let Some(digest) = &self.digest else {
            return false;
        };
        let candidate: [u8; 32] = Sha256::digest(candidate.trim().as_bytes()).into();
        bool::from(digest.ct_eq(&candidate))
    }

    /// The session cookie's value: derived from the token, so a new token signs everyone
    /// out, and the cookie never holds the token itself.
    pub fn session_value(&self) -> Option<String> {
        self.digest.map(|d| {
            let v = Sha256::new()
                .chain_update(b"errdex admin session\0")
                .chain_update(d)
                .finalize();
            v.iter().map(|b| format!("{b:02x}")).collect()
        })
    }

    /// `Authorization: Bearer <token>`, or (for `/admin` pages) the session cookie.
    pub fn check(&self, headers: &HeaderMap, allow_cookie: bool) -> Result<(), AppError> {
        if !self.is_enabled() {
            return Err(AppError::Unauthorized(
                "moderation is off on this server: start `errdex serve` with ERRDEX_ADMIN_TOKEN set"
                    .into(),
            ));
        }
        let bearer = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then_some(token)
            });
        if let Some(token) = bearer {
            if self.matches(token) {
                return Ok(());
            }
        } else if allow_cookie {
            if let (Some(cookie), Some(expected)) = (session_cookie(headers), self.session_value())
            {
                if bool::from(cookie.as_bytes().ct_eq(expected.as_bytes())) {
                    return Ok(());
                }
            }
        }
        Err(AppError::Unauthorized(
            "a wrong or missing admin token: send `Authorization: Bearer <ERRDEX_ADMIN_TOKEN>`"
                .into(),
        ))
    }
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn forms_from_other_sites_are_refused() {
        let ok = [
            headers(&[]),
            headers(&[("sec-fetch-site", "same-origin")]),
            headers(&[("host", "errdex.dev"), ("origin", "https://errdex.dev")]),
            headers(&[
                ("host", "127.0.0.1:8080"),
                ("origin", "http://127.0.0.1:8080"),
            ]),
        ];
        for h in ok {
            assert!(same_origin(&h, false).is_ok(), "{h:?}");
        }
        let refused = [
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://errdex.dev"),
            ]),
            headers(&[("host", "errdex.dev"), ("origin", "https://evil.example")]),
            headers(&[("host", "errdex.dev"), ("origin", "null")]),
            headers(&[
                ("host", "errdex.dev"),
                ("origin", "https://errdex.dev.evil.example"),
            ]),
        ];
        for h in refused {
            assert!(same_origin(&h, false).is_err(), "{h:?}");
        }
    }

    #[test]
    fn the_forwarded_address_counts_only_behind_a_trusted_proxy() {
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 4000))));
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9")]);
        assert_eq!(
            client_ip(&h, &extensions, false),
            Some(IpAddr::from([10, 0, 0, 1]))
        );
        assert_eq!(
            client_ip(&h, &extensions, true),
            Some(IpAddr::from([203, 0, 113, 9]))
        );
        assert_eq!(client_ip(&h, &Extensions::new(), false), None);
    }

    #[test]
    fn junk_in_x_forwarded_for_falls_back_to_the_peer() {
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 4000))));
        for junk in [
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "unknown",
            "1.2.3.4.5",
            "",
        ] {
            let h = headers(&[("x-forwarded-for", junk)]);
            assert_eq!(
                client_ip(&h, &extensions, true),
                Some(IpAddr::from([10, 0, 0, 1])),
                "{junk}"
            );
        }
    }

    #[test]
    fn tokens_compare_whole_and_the_limit_says_when_to_retry() {
        let t = AdminToken::new(Some("s3cret-token"));
        assert!(t.matches("s3cret-token"));
        assert!(!t.matches("s3cret-toke") && !t.matches("") && !t.matches("s3cret-token2"));
        assert!(!AdminToken::new(None).matches(""));
        assert!(!AdminToken::new(Some("  ")).is_enabled());

        let limit = Limit::per_hour(2, "notes");
        let me = Some(IpAddr::from([192, 0, 2, 1]));
        limit.check(me).unwrap();
        limit.check(me).unwrap();
        match limit.check(me) {
            Err(AppError::TooManyRequests { retry_after, .. }) => {
                assert!((1..=1800).contains(&retry_after), "{retry_after}")
            }
            other => panic!("{other:?}"),
        }
        limit.check(Some(IpAddr::from([192, 0, 2, 2]))).unwrap();
        assert!(Limit::per_hour(0, "notes").check(me).is_ok());
    }
}
