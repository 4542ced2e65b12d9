//! `errdex doctor`: the API-key mistakes behind most 401s, found on the developer's machine
//! before a request fails, without ever exposing a key. Offline checks read the process
//! environment and `.env` files (`findings`); `--online` sends one cheap request per key
//! to that provider's own host only (`online`). The key-format table is shared with
//! diagnosis redaction through `errdex-secrets`.

pub mod dotenv;
pub mod findings;
pub mod keys;
pub mod online;
pub mod vars;

pub use dotenv::{parse_dotenv, DotenvError, DotenvVar};
pub use findings::{
    diagnose_keys, providers_in_use, Finding, Inputs, Observation, Problem, Severity, Source,
};
pub use vars::{vars_of, ProviderVars, PROVIDERS};

use std::path::{Path, PathBuf};

/// The environment variables the doctor reads (every other variable is ignored, so the
/// rest of the environment never enters a report).
pub fn known_variable(name: &str) -> bool {
    PROVIDERS.iter().any(|p| {
        p.keys.contains(&name) || p.base_urls.contains(&name) || p.misspellings.contains(&name)
    })
}

/// Reads `.env` and `.env.local` of `dir` (when present) and the files given, in that
/// order. A file that cannot be read or parsed is reported, never fatal.
pub fn load_files(
    dir: &Path,
    extra: &[PathBuf],
) -> (Vec<(PathBuf, Vec<DotenvVar>)>, Vec<DotenvError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let defaults = [".env", ".env.local"].map(|n| dir.join(n));
    for path in defaults.iter().filter(|p| p.is_file()).chain(extra) {
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let (vars, errs) = parse_dotenv(path, &text);
                files.push((path.clone(), vars));
                errors.extend(errs);
            }
            Err(e) => errors.push(DotenvError {
                file: path.clone(),
                line: 1,
                message: format!("cannot read it: {e}"),
            }),
        }
    }
    (files, errors)
}

/// Runs the `--online` probes for every provider in use that has a key.
pub fn check_online(
    inputs: &Inputs,
    allow_hosts: &[String],
    entry_exists: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let observed = inputs.observations();
    let mut findings = Vec::new();
    for provider in providers_in_use(inputs) {
        let Some(vars) = vars_of(provider) else {
            continue;
        };
        // The key and base URL the SDK would use: the environment first, then the files.
        let first = |names: &[&str]| {
            names.iter().find_map(|n| {
                observed
                    .iter()
                    .find(|o| o.name == *n && !o.value.trim().is_empty())
            })
        };
        let Some(key) = first(vars.keys) else {
            continue;
        };
        let base = first(vars.base_urls).map(|o| o.value.as_str());
        let Some(url) = online::probe_url(vars, base) else {
            let verdict = online::Verdict::NotContacted(format!(
                "no base URL ({} is not set)",
                vars.base_urls.join(", ")
            ));
            findings.push(online::finding(vars, key, "", &verdict, entry_exists));
            continue;
        };
        let verdict = match online::allowed(vars, &url, allow_hosts) {
            Ok(()) => online::probe(vars, &url, key.value.trim()),
            Err(why) => online::Verdict::NotContacted(why),
        };
        findings.push(online::finding(vars, key, &url, &verdict, entry_exists));
    }
    findings
}
