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

/// The variables of this process that the doctor knows (every other one is left out, so
/// the rest of the environment never enters a report).
pub fn process_env() -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(k, v)| {
            let k = k.into_string().ok()?;
            known_variable(&k).then(|| (k, v.to_string_lossy().into_owned()))
        })
        .collect()
}

/// What one doctor run found: the document `errdex doctor --json` prints and the MCP
/// `check_keys` tool returns.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    /// Providers in use (or demanded), in taxonomy order.
    pub providers: Vec<errdex_entry::Provider>,
    /// The dotenv files read, relative to the directory checked.
    pub files: Vec<String>,
    /// Lines of those files that could not be parsed, as `file:line: message`.
    pub file_errors: Vec<String>,
    pub findings: Vec<Finding>,
    /// True when nothing of severity error or warning was found.
    pub ok: bool,
}

/// What to check, and how.
pub struct Check<'a> {
    /// The directory whose `.env` and `.env.local` are read; paths are shown relative to it.
    pub dir: &'a Path,
    /// The environment (see [`process_env`]).
    pub env: Vec<(String, String)>,
    /// More dotenv files, read after the directory's.
    pub extra_files: &'a [PathBuf],
    /// Providers whose keys are demanded; the report is limited to them when not empty.
    pub providers: Vec<errdex_entry::Provider>,
    /// `Some(allowed hosts)` to run the `--online` probes too.
    pub online: Option<&'a [String]>,
}

/// Runs the doctor: offline findings, then the online probes when asked.
pub fn run(check: Check, entry_exists: &dyn Fn(&str) -> bool) -> Report {
    let (files, file_errors) = load_files(check.dir, check.extra_files);
    let inputs = Inputs {
        env: check.env,
        files,
        demanded: check.providers.clone(),
        only: check.providers,
    };
    let mut findings = diagnose_keys(&inputs, entry_exists);
    if let Some(allow_hosts) = check.online {
        findings.extend(check_online(&inputs, allow_hosts, entry_exists));
    }
    let relative = |p: &Path| p.strip_prefix(check.dir).unwrap_or(p).to_path_buf();
    for f in &mut findings {
        if let Source::File { path, .. } = &mut f.source {
            *path = relative(path);
        }
    }
    Report {
        providers: providers_in_use(&inputs),
        files: inputs
            .files
            .iter()
            .map(|(p, _)| relative(p).display().to_string())
            .collect(),
        ok: file_errors.is_empty() && findings.iter().all(|f| f.severity == Severity::Info),
        file_errors: file_errors
            .iter()
            .map(|e| format!("{}:{}: {}", relative(&e.file).display(), e.line, e.message))
            .collect(),
        findings,
    }
}
