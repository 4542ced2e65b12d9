//! Verification records: what `errdex verify` writes, one JSON file per entry at
//! `verification/<provider>/<slug>.json`, and what the build compiles into the index.
//! Records are produced only by that command; `examples_digest` ties a record to the
//! examples it ran, so a record whose entry's examples changed since is not shown as a
//! verification of them.

use crate::model::{Entry, Verification, VerificationRun};
use serde::{Deserialize, Serialize};

/// The record format this crate reads and writes.
pub const RECORD_FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationRecord {
    pub format: u32,
    pub entry: String,
    /// The day of the run, `YYYY-MM-DD` (UTC).
    pub date: String,
    pub errdex_version: String,
    /// [`examples_digest`] of the entry when it was verified.
    pub examples_digest: String,
    /// Every run passed.
    pub passed: bool,
    /// One run per language and SDK version; the lock file's versions first.
    pub runs: Vec<RecordRun>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordRun {
    /// `python` or `typescript`.
    pub language: String,
    /// The language runtime as it reports itself: `Python 3.11.7`, `Node v20.20.2`.
    pub runtime: String,
    pub sdk: String,
    pub sdk_version: String,
    /// The version pinned in the lock file (the others come from `--sdk-versions`).
    pub pinned: bool,
    pub passed: bool,
    pub steps: Vec<RecordStep>,
    /// What the broken example printed on stderr, machine paths normalised.
    pub traceback: String,
    /// Every command, its environment (keys masked), output and exit, and the mock's log.
    pub transcript: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordStep {
    pub step: String,
    /// `passed`, `failed` or `skipped`.
    pub status: String,
    pub detail: String,
}

impl VerificationRecord {
    /// The verification status and details an entry shows for this record.
    pub fn apply(&self, entry: &mut Entry, record_file: &str) {
        let Some(main) = self.runs.iter().find(|r| r.pinned).or(self.runs.first()) else {
            return;
        };
        let sdk = format!("{} {}", main.sdk, main.sdk_version);
        let date = self.date.clone();
        entry.verification = if self.passed {
            Verification::Passed { date, sdk }
        } else {
            Verification::Failed { date, sdk }
        };
        let mut tested_on: Vec<String> = self
            .runs
            .iter()
            .filter(|r| r.passed)
            .map(|r| format!("{} {}", r.sdk, r.sdk_version))
            .collect();
        tested_on.dedup();
        entry.verification_run = Some(Box::new(VerificationRun {
            runtime: main.runtime.clone(),
            stack_trace: main.traceback.clone(),
            transcript: self
                .runs
                .iter()
                .map(|r| r.transcript.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            tested_on,
            failed_steps: self
                .runs
                .iter()
                .flat_map(|r| &r.steps)
                .filter(|s| s.status == "failed")
                .map(|s| format!("{}: {}", s.step, s.detail))
                .collect(),
            record: record_file.to_string(),
        }));
    }
}

/// A stable fingerprint (FNV-1a, 64 bits) of everything about an entry's examples that
/// verification depends on.
pub fn examples_digest(entry: &Entry) -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    let mut feed = |text: &str| {
        for b in text.bytes().chain([0u8]) {
            hash ^= b as u64;
            hash = hash.wrapping_mul(0x100000001b3);
        }
    };
    for x in &entry.sections.examples {
        feed(crate::views::language(x.language));
        feed(crate::views::role(x.role));
        feed(&x.sdk);
        feed(&x.sdk_versions);
        feed(&x.scenario);
        feed(x.raises.as_deref().unwrap_or(""));
        for (k, v) in &x.env {
            feed(k);
            feed(v);
        }
        feed(if x.no_key { "nokey" } else { "" });
        // Fed only when set, so that adding the key kept every older record's digest.
        if x.no_request {
            feed("norequest");
        }
        feed(&x.code);
    }
    format!("{hash:016x}")
}
