//! `errdex verify`: every entry's broken and fixed examples are run with the real SDK
//! package, in an isolated environment, against `errdex-mock`; each step is judged
//! (the broken example raises the class the entry names after the mock answered the
//! scenario's error, its output is diagnosed as this entry, the fixed example exits 0
//! after a complete 2xx) and the outcome is written as the entry's record,
//! `verification/<provider>/<slug>.json`, which the build compiles into the index.
//!
//! This is an edge crate: it runs processes (pip, npm, python, node) and an async
//! runtime for the mock; the binary adds only the progress bar and the table.

pub mod envs;
pub mod harness;
pub mod lock;
pub mod run;
pub mod sandbox;

use envs::{EnvError, Envs};
use errdex_entry::record::{examples_digest, RecordRun, VerificationRecord, RECORD_FORMAT};
use errdex_entry::{Entry, Language, Verification};
use harness::{verify_version, Diagnose, Version};
use lock::Lock;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

/// One entry to verify with the SDK versions it runs on.
pub struct Job {
    pub entry: Entry,
    pub versions: Vec<Version>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct EntryResult {
    pub id: String,
    pub passed: bool,
    /// `<sdk> <version>` of the pinned run(s).
    pub sdks: Vec<String>,
    /// `<step>: <why>` of every failed step, or the setup error.
    pub failures: Vec<String>,
    pub skipped: Vec<String>,
    pub record: Option<String>,
    pub seconds: f64,
}

pub enum Event<'a> {
    Started(&'a str),
    Finished(&'a EntryResult),
}

/// The SDK versions each entry runs with: the lock file's (resolving and recording
/// "latest" for a package not in it yet) and any `--sdk-versions` extra ones. An example
/// whose range excludes the package's pin (`sdk=openai>=0.27,<1` beside a 1.x pin) runs
/// with a pin of its own, recorded under `"openai>=0.27,<1"` as the newest version in that
/// range. Entries marked unverifiable are left out.
pub fn plan(
    entries: Vec<Entry>,
    lock: &mut Lock,
    envs: &Envs,
    extra: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<Job>, EnvError> {
    let mut jobs = Vec::new();
    for entry in entries {
        if matches!(entry.verification, Verification::Unverifiable { .. }) {
            continue;
        }
        let mut versions: Vec<Version> = Vec::new();
        for x in &entry.sections.examples {
            let table = match x.language {
                Language::Python => &mut lock.python,
                Language::Typescript => &mut lock.typescript,
            };
            let mut pinned = pin(table, x.language, &x.sdk, "", envs)?;
            if !harness::satisfies(&pinned, &x.sdk_versions) {
                pinned = pin(table, x.language, &x.sdk, &x.sdk_versions, envs)?;
            }
            let runs = std::iter::once((pinned.clone(), true)).chain(
                extra
                    .get(&x.sdk)
                    .into_iter()
                    .flatten()
                    .map(|v| (v.clone(), false)),
            );
            for (version, is_pin) in runs {
                let known = versions
                    .iter_mut()
                    .find(|v| v.language == x.language && v.sdk == x.sdk && v.version == version);
                match known {
                    Some(v) => v.pinned |= is_pin,
                    None => versions.push(Version {
                        language: x.language,
                        sdk: x.sdk.clone(),
                        version,
                        pinned: is_pin,
                    }),
                }
            }
        }
        jobs.push(Job { entry, versions });
    }
    Ok(jobs)
}

/// The pinned version of `sdk` (within `range`, when given), resolving and recording the
/// newest one the first time it is needed.
fn pin(
    table: &mut BTreeMap<String, String>,
    language: Language,
    sdk: &str,
    range: &str,
    envs: &Envs,
) -> Result<String, EnvError> {
    let key = lock::key_for(sdk, range);
    if let Some(v) = table.get(&key) {
        return Ok(v.clone());
    }
    let newest = match language {
        Language::Python => envs.python_newest(sdk, range)?,
        Language::Typescript => envs.npm_newest(sdk, range)?,
    };
    table.insert(key, newest.clone());
    Ok(newest)
}

/// Verifies every job, `jobs` at a time, writing each record under `records`.
pub fn verify(
    plan: Vec<Job>,
    records: &Path,
    jobs: usize,
    envs: &Envs,
    diagnose: Diagnose,
    on_event: &(dyn Fn(Event) + Sync),
) -> Vec<EntryResult> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime for the mock");
    let queue = Mutex::new(plan.into_iter());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let Some(job) = queue.lock().expect("queue").next() else {
                    break;
                };
                let id = job.entry.id.to_string();
                on_event(Event::Started(&id));
                let result = verify_one(&job, records, envs, diagnose, &runtime);
                on_event(Event::Finished(&result));
                results.lock().expect("results").push(result);
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by(|a, b| a.id.cmp(&b.id));
    results
}

fn verify_one(
    job: &Job,
    records: &Path,
    envs: &Envs,
    diagnose: Diagnose,
    runtime: &tokio::runtime::Runtime,
) -> EntryResult {
    let start = Instant::now();
    let id = job.entry.id.to_string();
    let mut result = EntryResult {
        id: id.clone(),
        passed: false,
        sdks: job
            .versions
            .iter()
            .filter(|v| v.pinned)
            .map(|v| format!("{} {}", v.sdk, v.version))
            .collect(),
        failures: Vec::new(),
        skipped: Vec::new(),
        record: None,
        seconds: 0.0,
    };
    let mock = match runtime.block_on(errdex_mock::start(([127, 0, 0, 1], 0).into())) {
        Ok(m) => m,
        Err(e) => {
            result.failures.push(format!("cannot start the mock: {e}"));
            return result;
        }
    };
    let mut runs: Vec<RecordRun> = Vec::new();
    for version in &job.versions {
        match verify_version(&job.entry, version, envs, &mock, diagnose) {
            Ok(run) => runs.push(run),
            Err(e) => {
                // No environment, no run: nothing is recorded, the error is reported.
                result.failures.push(e.to_string());
                mock.task.abort();
                result.seconds = start.elapsed().as_secs_f64();
                return result;
            }
        }
    }
    mock.task.abort();
    if runs.is_empty() {
        result
            .failures
            .push("the entry has no code examples to run".into());
    }
    for run in &runs {
        for s in &run.steps {
            let line = format!("{} {}: {}: {}", run.sdk, run.sdk_version, s.step, s.detail);
            match s.status.as_str() {
                "failed" => result.failures.push(line),
                "skipped" => result.skipped.push(line),
                _ => {}
            }
        }
    }
    result.passed = !runs.is_empty() && runs.iter().all(|r| r.passed);
    let record = VerificationRecord {
        format: RECORD_FORMAT,
        entry: id.clone(),
        date: today(),
        errdex_version: env!("CARGO_PKG_VERSION").into(),
        examples_digest: examples_digest(&job.entry),
        passed: result.passed,
        runs,
    };
    let path: PathBuf = records.join(format!("{id}.json"));
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|_| {
            let mut text = serde_json::to_string_pretty(&record).expect("records serialise");
            text.push('\n');
            std::fs::write(&path, text)
        });
    match written {
        Ok(()) => result.record = Some(path.display().to_string()),
        Err(e) => result
            .failures
            .push(format!("cannot write {}: {e}", path.display())),
    }
    result.seconds = start.elapsed().as_secs_f64();
    result
}

/// Parses `--sdk-versions anthropic=0.40.0,2.12.0` (repeatable).
pub fn parse_sdk_versions(args: &[String]) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for arg in args {
        let (pkg, versions) = arg
            .split_once('=')
            .ok_or_else(|| format!("`{arg}`: write PACKAGE=VERSION[,VERSION…]"))?;
        let list = map.entry(pkg.trim().to_string()).or_default();
        for v in versions.split(',').map(str::trim).filter(|v| !v.is_empty()) {
            list.push(v.to_string());
        }
    }
    Ok(map)
}

/// Today's date in UTC, `YYYY-MM-DD` (civil-from-days, H. Hinnant).
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Creates the environment of every package in the lock file (`errdex verify --prepare`).
pub fn prepare(lock: &Lock, envs: &Envs) -> Vec<(String, Result<String, EnvError>)> {
    let mut done = Vec::new();
    for (key, v) in &lock.python {
        let pkg = lock::package_of(key);
        done.push((
            format!("{pkg}=={v}"),
            envs.python(pkg, v).map(|e| e.dir.display().to_string()),
        ));
    }
    for (key, v) in &lock.typescript {
        let pkg = lock::package_of(key);
        done.push((
            format!("{pkg}@{v}"),
            envs.node(pkg, v).map(|e| e.dir.display().to_string()),
        ));
    }
    done
}

#[cfg(test)]
mod tests {
    #[test]
    fn sdk_versions_parse_per_package() {
        let m =
            super::parse_sdk_versions(&["anthropic=0.40.0,2.12.0".into(), "openai=3.54.0".into()])
                .unwrap();
        assert_eq!(m["anthropic"], ["0.40.0", "2.12.0"]);
        assert_eq!(m["openai"], ["3.54.0"]);
        assert!(super::parse_sdk_versions(&["anthropic".into()]).is_err());
    }

    #[test]
    fn today_is_a_date() {
        let d = super::today();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"));
    }
}
