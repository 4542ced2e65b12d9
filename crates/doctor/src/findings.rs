//! The offline checks: every API-key mistake that can be seen on the developer's machine,
//! from the process environment and `.env` files, without printing a key.

use crate::dotenv::{DotenvVar, Quote};
use crate::keys::{key_provider, mask, placeholder};
use crate::vars::{provider_of_host, vars_of, ProviderVars, PROVIDERS};
use errdex_entry::Provider;
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;

/// Where a variable was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Environment,
    File { path: PathBuf, line: usize },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Environment => f.write_str("environment"),
            Source::File { path, line } => write!(f, "{}:{line}", path.display()),
        }
    }
}

impl Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Requests will fail.
    Error,
    /// Requests may fail, or go somewhere unexpected.
    Warning,
    /// Worth knowing; nothing fails because of it.
    Info,
}

/// What is wrong, as a stable code for `--json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    Missing,
    Empty,
    Whitespace,
    LiteralQuotes,
    Placeholder,
    WrongFormat,
    OtherProviderKey,
    UnofficialName,
    Conflict,
    Shadowed,
    SharedKey,
    ForeignBaseUrl,
    InvalidBaseUrl,
    UnreadableFile,
    // Online results.
    Valid,
    Rejected,
    NoPermission,
    RateLimited,
    Unexpected,
    Unreachable,
    NotContacted,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub provider: Provider,
    pub variable: String,
    pub source: Source,
    pub problem: Problem,
    /// What is wrong, with any key masked.
    pub message: String,
    pub severity: Severity,
    pub fix: String,
    /// The knowledge-base entry for the error this leads to.
    pub entry: Option<String>,
}

/// One value of one variable, wherever it was found.
#[derive(Debug, Clone)]
pub struct Observation {
    pub name: String,
    pub value: String,
    pub quote: Quote,
    pub source: Source,
}

/// Everything the doctor looks at.
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    /// The process environment (only the names the doctor knows are kept).
    pub env: Vec<(String, String)>,
    /// Each `.env` file read, in the order a loader would read them.
    pub files: Vec<(PathBuf, Vec<DotenvVar>)>,
    /// Providers whose key is demanded (`--provider P`): reported even when not in use.
    pub demanded: Vec<Provider>,
    /// Restrict the report to these providers (empty: every provider in use).
    pub only: Vec<Provider>,
}

impl Inputs {
    pub fn observations(&self) -> Vec<Observation> {
        let known = |name: &str| {
            PROVIDERS.iter().any(|p| {
                p.keys.contains(&name)
                    || p.base_urls.contains(&name)
                    || p.misspellings.contains(&name)
            })
        };
        let mut all: Vec<Observation> = self
            .env
            .iter()
            .filter(|(n, _)| known(n))
            .map(|(name, value)| Observation {
                name: name.clone(),
                value: value.clone(),
                quote: Quote::None,
                source: Source::Environment,
            })
            .collect();
        for (path, vars) in &self.files {
            all.extend(vars.iter().filter(|v| known(&v.name)).map(|v| Observation {
                name: v.name.clone(),
                value: v.value.clone(),
                quote: v.quote,
                source: Source::File {
                    path: path.clone(),
                    line: v.line,
                },
            }));
        }
        all
    }
}

/// The providers in use: any official variable or known misspelling of theirs is set
/// anywhere, or they were demanded.
pub fn providers_in_use(inputs: &Inputs) -> Vec<Provider> {
    let observed = inputs.observations();
    let mut used: BTreeSet<Provider> = inputs.demanded.iter().copied().collect();
    for p in PROVIDERS {
        if observed.iter().any(|o| {
            p.keys.contains(&o.name.as_str())
                || p.base_urls.contains(&o.name.as_str())
                || p.misspellings.contains(&o.name.as_str())
        }) {
            used.insert(p.provider);
        }
    }
    used.into_iter()
        .filter(|p| inputs.only.is_empty() || inputs.only.contains(p))
        .collect()
}

/// Every offline finding, grouped by provider, most severe first within a provider.
/// `entry_exists` says which knowledge-base ids exist (so findings link only to real pages).
pub fn diagnose_keys(inputs: &Inputs, entry_exists: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let observed = inputs.observations();
    let mut findings = Vec::new();
    for provider in providers_in_use(inputs) {
        let Some(vars) = vars_of(provider) else {
            continue;
        };
        let mut f = Checker {
            provider,
            vars,
            findings: &mut findings,
            entry_exists,
        };
        f.check(&observed, inputs.demanded.contains(&provider));
    }
    shared_keys(&observed, &inputs.only, &mut findings, entry_exists);
    findings.sort_by(|a, b| {
        a.provider
            .cmp(&b.provider)
            .then(a.severity.cmp(&b.severity))
    });
    findings
}

struct Checker<'a> {
    provider: Provider,
    vars: &'static ProviderVars,
    findings: &'a mut Vec<Finding>,
    entry_exists: &'a dyn Fn(&str) -> bool,
}

impl Checker<'_> {
    fn entry(&self, slug: &str) -> Option<String> {
        let id = format!("{}/{slug}", self.provider);
        (self.entry_exists)(&id).then_some(id)
    }

    fn push(
        &mut self,
        o: &Observation,
        problem: Problem,
        severity: Severity,
        message: String,
        fix: String,
        slug: &str,
    ) {
        let entry = self.entry(slug);
        self.findings.push(Finding {
            provider: self.provider,
            variable: o.name.clone(),
            source: o.source.clone(),
            problem,
            message,
            severity,
            fix,
            entry,
        });
    }

    fn check(&mut self, observed: &[Observation], demanded: bool) {
        let of = |names: &[&str]| -> Vec<&Observation> {
            observed
                .iter()
                .filter(|o| names.contains(&o.name.as_str()))
                .collect()
        };
        let keys = of(self.vars.keys);
        let bases = of(self.vars.base_urls);
        let misspelt = of(self.vars.misspellings);
        let provider_name = self.provider.as_str();

        // Whose key the requests need: the base URL may send them to another provider.
        let mut expected = self.provider;
        for base in &bases {
            expected = self.check_base_url(base).unwrap_or(expected);
        }
        for key in &keys {
            self.check_key(key, expected);
        }
        self.check_conflicts(&keys);

        let has_key = keys.iter().any(|k| !k.value.trim().is_empty());
        for m in &misspelt {
            let official = self.vars.keys[0];
            if has_key {
                self.push(
                    m,
                    Problem::UnofficialName,
                    Severity::Info,
                    format!("{} is set but no official {provider_name} SDK reads it; {official} is what they read", m.name),
                    format!("remove {} to avoid confusion", m.name),
                    "missing-api-key",
                );
            } else {
                self.push(
                    m,
                    Problem::UnofficialName,
                    Severity::Error,
                    format!("{} is set but no official {provider_name} SDK reads it, and {official} is not set: the SDK will find no key", m.name),
                    format!("rename {} to {official}", m.name),
                    "missing-api-key",
                );
            }
        }
        if keys.is_empty() && misspelt.is_empty() {
            let official = self.vars.keys.join(" or ");
            let missing = Observation {
                name: self.vars.keys[0].to_string(),
                value: String::new(),
                quote: Quote::None,
                source: Source::Environment,
            };
            let why = if demanded {
                "it was asked for with --provider"
            } else {
                "its other variables are set"
            };
            self.push(
                &missing,
                Problem::Missing,
                Severity::Error,
                format!("no {provider_name} key ({why}): {official} is not set in the environment or any .env file"),
                format!("set {} to your {provider_name} API key", self.vars.keys[0]),
                "missing-api-key",
            );
        }
    }

    fn check_key(&mut self, o: &Observation, expected: Provider) {
        let value = o.value.as_str();
        let shown = mask(value);
        if value.is_empty() {
            self.push(
                o,
                Problem::Empty,
                Severity::Error,
                format!("{} is set but empty", o.name),
                format!("put the key in {}, or unset it", o.name),
                "missing-api-key",
            );
            return;
        }
        if value.contains(['\n', '\r']) {
            self.push(
                o,
                Problem::Whitespace,
                Severity::Error,
                format!("{} ({shown}) contains a line break", o.name),
                "keep the key on one line; re-copy it without the line break".into(),
                "authentication-error",
            );
        } else if value.trim() != value {
            self.push(
                o,
                Problem::Whitespace,
                Severity::Error,
                format!("{} ({shown}) has leading or trailing whitespace, which is sent as part of the key", o.name),
                "remove the spaces around the key".into(),
                "authentication-error",
            );
        }
        let inner = value.trim();
        let quoted = inner.len() >= 2
            && (inner.starts_with('"') && inner.ends_with('"')
                || inner.starts_with('\'') && inner.ends_with('\''));
        if quoted {
            let where_ = match o.source {
                Source::Environment => "the quotes were exported as part of the value",
                Source::File { .. } => "the quotes are inside the quoted value",
            };
            self.push(
                o,
                Problem::LiteralQuotes,
                Severity::Error,
                format!("{} ({shown}) starts and ends with a quote: {where_}, so the key sent includes them", o.name),
                "remove the inner quotes".into(),
                "authentication-error",
            );
        }
        let bare = inner.trim_matches(['"', '\'']);
        if placeholder(bare) {
            self.push(
                o,
                Problem::Placeholder,
                Severity::Error,
                format!("{} holds a placeholder ({shown}), not a key", o.name),
                format!("replace it with a real {} key", expected.as_str()),
                "authentication-error",
            );
            return;
        }
        match key_provider(bare) {
            Some(other) if other != expected => self.push(
                o,
                Problem::OtherProviderKey,
                Severity::Error,
                format!(
                    "{} holds a {} key ({shown}), but requests go to {}",
                    o.name,
                    other.as_str(),
                    expected.as_str()
                ),
                format!(
                    "put the {} key in {}; move this one to {}",
                    expected.as_str(),
                    o.name,
                    vars_of(other).map_or("its provider's variable", |v| v.keys[0])
                ),
                "authentication-error",
            ),
            None if crate::keys::has_known_format(expected) => self.push(
                o,
                Problem::WrongFormat,
                Severity::Warning,
                format!(
                    "{} ({shown}) does not look like a {} key ({})",
                    o.name,
                    expected.as_str(),
                    crate::keys::describe_format(expected)
                ),
                "check that the whole key was copied".into(),
                "authentication-error",
            ),
            _ => {}
        }
    }

    /// Checks a base-URL variable; returns the provider whose API it points at, if any.
    fn check_base_url(&mut self, o: &Observation) -> Option<Provider> {
        let value = o.value.trim();
        if value.is_empty() {
            return None;
        }
        let Some(host) = url_host(value) else {
            self.push(
                o,
                Problem::InvalidBaseUrl,
                Severity::Error,
                format!("{} is not an http(s) URL", o.name),
                "write the full URL, e.g. https://host/path".into(),
                "connection-error",
            );
            return None;
        };
        if is_loopback(&host) {
            return None;
        }
        match provider_of_host(&host) {
            Some(p) if p == self.provider => None,
            Some(p) if self.provider == Provider::Openai => {
                // The openai package is the usual client of OpenAI-compatible APIs.
                self.push(
                    o,
                    Problem::ForeignBaseUrl,
                    Severity::Info,
                    format!("{} sends the openai package's requests to {} ({host}): the key must be a {} key", o.name, p.as_str(), p.as_str()),
                    "nothing to do if that is intended".into(),
                    "authentication-error",
                );
                Some(p)
            }
            Some(p) => {
                self.push(
                    o,
                    Problem::ForeignBaseUrl,
                    Severity::Error,
                    format!(
                        "{} points at {}'s API ({host}), which does not speak {}'s protocol",
                        o.name,
                        p.as_str(),
                        self.provider.as_str()
                    ),
                    format!(
                        "unset {} or point it at {}",
                        o.name,
                        self.vars.hosts[0].trim_start_matches('.')
                    ),
                    "not-found-error",
                );
                None
            }
            None => {
                self.push(
                    o,
                    Problem::ForeignBaseUrl,
                    Severity::Warning,
                    format!("{} points at {host}, which is not {}'s API: a proxy or gateway receives the key", o.name, self.provider.as_str()),
                    format!("make sure you trust {host}; `--online` contacts it only with `--allow-host {host}`"),
                    "authentication-error",
                );
                None
            }
        }
    }

    fn check_conflicts(&mut self, keys: &[&Observation]) {
        // The same variable with different values in the environment and a file: the
        // environment wins with python-dotenv's load_dotenv() (override=False).
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                if a.name == b.name && a.value != b.value && a.source == Source::Environment {
                    self.push(
                        b,
                        Problem::Shadowed,
                        Severity::Warning,
                        format!("{} in {} ({}) differs from the environment's ({}), which wins with load_dotenv()", b.name, b.source, mask(&b.value), mask(&a.value)),
                        format!("unset {} in the shell, or make both the same", a.name),
                        "authentication-error",
                    );
                }
            }
        }
        // Two official variables both set: the SDK takes the first.
        if self.vars.keys.len() > 1 {
            let first = keys
                .iter()
                .find(|k| k.name == self.vars.keys[0] && !k.value.is_empty());
            for other in keys
                .iter()
                .filter(|k| k.name != self.vars.keys[0] && !k.value.is_empty())
            {
                if let Some(first) = first {
                    if first.value != other.value {
                        self.push(
                            other,
                            Problem::Conflict,
                            Severity::Warning,
                            format!("both {} and {} are set to different keys; the SDK uses {} and ignores {}", first.name, other.name, first.name, other.name),
                            format!("keep one of them (unset {})", other.name),
                            "authentication-error",
                        );
                    }
                }
            }
        }
    }
}

/// The same key in two providers' variables is a key in the wrong place.
fn shared_keys(
    observed: &[Observation],
    only: &[Provider],
    findings: &mut Vec<Finding>,
    entry_exists: &dyn Fn(&str) -> bool,
) {
    let key_of = |o: &Observation| {
        PROVIDERS
            .iter()
            .find(|p| p.keys.contains(&o.name.as_str()))
            .map(|p| p.provider)
    };
    let keys: Vec<(&Observation, Provider)> = observed
        .iter()
        .filter(|o| o.value.trim().len() >= 8)
        .filter_map(|o| Some((o, key_of(o)?)))
        .collect();
    for (i, (a, pa)) in keys.iter().enumerate() {
        for (b, pb) in &keys[i + 1..] {
            if pa != pb
                && a.value.trim() == b.value.trim()
                && (only.is_empty() || only.contains(pb))
            {
                let id = format!("{pb}/authentication-error");
                findings.push(Finding {
                    provider: *pb,
                    variable: b.name.clone(),
                    source: b.source.clone(),
                    problem: Problem::SharedKey,
                    message: format!(
                        "{} holds the same key ({}) as {} ({}): one of them is in the wrong place",
                        b.name,
                        mask(&b.value),
                        a.name,
                        a.source
                    ),
                    severity: Severity::Error,
                    fix: format!("give {} its own {} key", b.name, pb.as_str()),
                    entry: entry_exists(&id).then_some(id),
                });
            }
        }
    }
}

/// The host of an http(s) URL. Hand-parsed: only the scheme and authority matter here, and
/// the `url` crate would be a dependency for these few lines.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?.to_string()
    } else {
        host_port.split(':').next()?.to_string()
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

pub fn is_loopback(host: &str) -> bool {
    host == "localhost" || host == "::1" || host.starts_with("127.")
}
