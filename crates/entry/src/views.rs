//! What readers get: the JSON shapes of `errdex list --json` and `errdex explain --json`
//! (the web API and the MCP server return the same). Built from the model, never the model serialised directly,
//! so the model can change without breaking this contract.

use crate::model::*;
use serde::Serialize;

/// One row of `errdex list --json`.
#[derive(Debug, Serialize)]
pub struct ListItem<'a> {
    pub id: String,
    pub provider: &'static str,
    pub kind: &'static str,
    pub title: &'a str,
    pub summary: &'a str,
    pub http_status: Option<u16>,
    pub exceptions: Vec<&'a str>,
    pub severity: &'static str,
    /// True only when the last `errdex verify` run passed.
    pub verified: bool,
    /// `not_run`, `passed`, `failed` or `unverifiable`.
    pub verification: &'static str,
    /// Why the entry cannot be verified, when `verification` is `unverifiable`.
    pub verification_reason: Option<&'a str>,
}

impl<'a> ListItem<'a> {
    pub fn new(entry: &'a Entry) -> Self {
        let mut exceptions: Vec<&str> = entry.exceptions.iter().map(|e| e.class.as_str()).collect();
        exceptions.dedup();
        ListItem {
            id: entry.id.to_string(),
            provider: entry.provider.as_str(),
            kind: entry.kind.as_str(),
            title: &entry.title,
            summary: &entry.summary,
            http_status: entry.http_status,
            exceptions,
            severity: severity(entry.severity),
            verified: matches!(entry.verification, Verification::Passed { .. }),
            verification: entry.verification.label(),
            verification_reason: match &entry.verification {
                Verification::Unverifiable { reason } => Some(reason),
                _ => None,
            },
        }
    }
}

/// Everything about one entry, for `errdex explain --json`.
#[derive(Debug, Serialize)]
pub struct EntryView<'a> {
    pub id: String,
    pub title: &'a str,
    pub summary: &'a str,
    pub provider: &'static str,
    pub kind: &'static str,
    pub http_status: Option<u16>,
    pub error_codes: &'a [String],
    pub severity: &'static str,
    pub difficulty: &'static str,
    pub time_to_fix: &'a str,
    pub retryable: bool,
    pub status: &'static str,
    pub successor: Option<String>,
    pub aliases: Vec<String>,
    pub exceptions: Vec<ExceptionView<'a>>,
    pub signals: &'a Signals,
    pub compatibility: Vec<CompatibilityView<'a>>,
    pub related: RelatedView,
    pub sources: &'a [String],
    pub verified: bool,
    pub verification: VerificationView<'a>,
    /// The traceback captured by `errdex verify`; null until it has run.
    pub stack_trace: Option<&'a str>,
    pub sections: SectionsView<'a>,
    /// The source file, relative to the repository.
    pub file: &'a str,
}

#[derive(Debug, Serialize)]
pub struct ExceptionView<'a> {
    pub language: &'static str,
    pub sdk: &'a str,
    pub versions: &'a str,
    pub class: &'a str,
}

#[derive(Debug, Serialize)]
pub struct CompatibilityView<'a> {
    pub language: &'static str,
    pub runtime: &'a str,
    pub sdk: &'a str,
    pub versions: &'a str,
}

#[derive(Debug, Serialize)]
pub struct RelatedView {
    pub confused_with: Vec<String>,
    pub leads_to: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct VerificationView<'a> {
    pub status: &'static str,
    pub date: Option<&'a str>,
    pub sdk: Option<&'a str>,
    pub reason: Option<&'a str>,
    /// The language runtime of the verified run, e.g. `Python 3.11.7`.
    pub runtime: Option<&'a str>,
    /// `<sdk> <version>` of every run that passed.
    pub tested_on: Vec<&'a str>,
    /// The steps that failed, `<step>: <why>`.
    pub failed_steps: Vec<&'a str>,
    /// The record file with the full transcript, relative to the repository.
    pub record: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct SectionsView<'a> {
    pub meaning: &'a str,
    pub quick_fix: &'a str,
    pub why: &'a str,
    pub detection: &'a str,
    pub causes: &'a [Cause],
    pub code: CodeView<'a>,
    pub workaround: &'a str,
    pub prevention: &'a str,
}

#[derive(Debug, Serialize)]
pub struct CodeView<'a> {
    pub notes: &'a str,
    pub examples: Vec<ExampleView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ExampleView<'a> {
    pub language: &'static str,
    pub role: &'static str,
    pub sdk: &'a str,
    pub sdk_versions: &'a str,
    pub scenario: &'a str,
    pub raises: Option<&'a str>,
    pub env: Vec<String>,
    pub nokey: bool,
    pub norequest: bool,
    pub code: &'a str,
}

pub fn language(language: Language) -> &'static str {
    match language {
        Language::Python => "python",
        Language::Typescript => "typescript",
    }
}

pub fn role(role: Role) -> &'static str {
    match role {
        Role::Broken => "broken",
        Role::Fixed => "fixed",
    }
}

pub fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

pub fn difficulty(difficulty: Difficulty) -> &'static str {
    match difficulty {
        Difficulty::Beginner => "beginner",
        Difficulty::Intermediate => "intermediate",
        Difficulty::Advanced => "advanced",
    }
}

impl<'a> EntryView<'a> {
    pub fn new(entry: &'a Entry) -> Self {
        let ids = |ids: &[crate::EntryId]| ids.iter().map(|i| i.to_string()).collect();
        let s = &entry.sections;
        EntryView {
            id: entry.id.to_string(),
            title: &entry.title,
            summary: &entry.summary,
            provider: entry.provider.as_str(),
            kind: entry.kind.as_str(),
            http_status: entry.http_status,
            error_codes: &entry.error_codes,
            severity: severity(entry.severity),
            difficulty: difficulty(entry.difficulty),
            time_to_fix: &entry.time_to_fix,
            retryable: entry.retryable,
            status: match entry.status {
                Status::Current => "current",
                Status::Retired { .. } => "retired",
            },
            successor: match &entry.status {
                Status::Retired { successor } => Some(successor.to_string()),
                Status::Current => None,
            },
            aliases: ids(&entry.aliases),
            exceptions: entry
                .exceptions
                .iter()
                .map(|e| ExceptionView {
                    language: language(e.language),
                    sdk: &e.sdk,
                    versions: &e.versions,
                    class: &e.class,
                })
                .collect(),
            signals: &entry.signals,
            compatibility: entry
                .compatibility
                .iter()
                .map(|c| CompatibilityView {
                    language: language(c.language),
                    runtime: &c.runtime,
                    sdk: &c.sdk,
                    versions: &c.versions,
                })
                .collect(),
            related: RelatedView {
                confused_with: ids(&entry.related.confused_with),
                leads_to: ids(&entry.related.leads_to),
            },
            sources: &entry.sources,
            verified: matches!(entry.verification, Verification::Passed { .. }),
            verification: {
                let (status, date, sdk, reason) = match &entry.verification {
                    Verification::NotRun => ("not_run", None, None, None),
                    Verification::Passed { date, sdk } | Verification::Failed { date, sdk } => (
                        entry.verification.label(),
                        Some(date.as_str()),
                        Some(sdk.as_str()),
                        None,
                    ),
                    Verification::Unverifiable { reason } => {
                        ("unverifiable", None, None, Some(reason.as_str()))
                    }
                };
                let run = entry.verification_run.as_deref();
                VerificationView {
                    status,
                    date,
                    sdk,
                    reason,
                    runtime: run.map(|r| r.runtime.as_str()),
                    tested_on: run.map_or(Vec::new(), |r| {
                        r.tested_on.iter().map(String::as_str).collect()
                    }),
                    failed_steps: run.map_or(Vec::new(), |r| {
                        r.failed_steps.iter().map(String::as_str).collect()
                    }),
                    record: run.map(|r| r.record.as_str()),
                }
            },
            stack_trace: entry
                .verification_run
                .as_deref()
                .map(|r| r.stack_trace.as_str()),
            sections: SectionsView {
                meaning: &s.meaning,
                quick_fix: &s.quick_fix,
                why: &s.why,
                detection: &s.detection,
                causes: &s.causes,
                code: CodeView {
                    notes: &s.code_notes,
                    examples: s
                        .examples
                        .iter()
                        .map(|x| ExampleView {
                            language: language(x.language),
                            role: role(x.role),
                            sdk: &x.sdk,
                            sdk_versions: &x.sdk_versions,
                            scenario: &x.scenario,
                            raises: x.raises.as_deref(),
                            env: x.env.iter().map(|(k, v)| format!("{k}={v}")).collect(),
                            nokey: x.no_key,
                            norequest: x.no_request,
                            code: &x.code,
                        })
                        .collect(),
                },
                workaround: &s.workaround,
                prevention: &s.prevention,
            },
            file: &entry.file,
        }
    }
}
