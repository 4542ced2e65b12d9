//! The validated model of an entry. Views for output live in [`crate::views`]; this is
//! serialised only into the compiled index that the binary embeds.

use crate::ids::EntryId;
use crate::taxonomy::{Kind, Provider};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub id: EntryId,
    /// Path of the source file relative to the knowledge-base root, for messages.
    pub file: String,
    pub title: String,
    /// One line: what this error means. Used in listings, search results and llms.txt.
    pub summary: String,
    pub provider: Provider,
    pub kind: Kind,
    pub http_status: Option<u16>,
    /// The provider's error `type` / `code` strings as they appear in the response body.
    pub error_codes: Vec<String>,
    pub severity: Severity,
    pub difficulty: Difficulty,
    pub time_to_fix: String,
    pub retryable: bool,
    pub status: Status,
    /// Earlier ids of this entry; they keep resolving to it.
    pub aliases: Vec<EntryId>,
    pub exceptions: Vec<ExceptionClass>,
    pub signals: Signals,
    pub compatibility: Vec<Compatibility>,
    pub related: Related,
    pub sources: Vec<String>,
    pub verification: Verification,
    /// What the last `errdex verify` run captured (from its record), when there is one.
    pub verification_run: Option<Box<VerificationRun>>,
    pub sections: Sections,
}

impl Entry {
    /// Drops what only the entry's own page shows — the captured run (traceback and
    /// transcript) and the highlighted examples, most of an entry's bytes — keeping
    /// everything that lists, counts, resolves, searches and diagnoses. The compiled
    /// catalogue holds entries in this form; pages decode the whole entry.
    pub fn strip_page_parts(&mut self) {
        self.verification_run = None;
        for example in &mut self.sections.examples {
            example.highlighted_ansi = None;
            example.highlighted_html = None;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Difficulty {
    Beginner,
    Intermediate,
    Advanced,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Current,
    Retired { successor: EntryId },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Language {
    Python,
    Typescript,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Broken,
    Fixed,
}

/// An exception class as one SDK spells it, for a range of that SDK's versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionClass {
    pub language: Language,
    pub sdk: String,
    /// A version requirement such as `>=0.40, <3`.
    pub versions: String,
    pub class: String,
}

/// Strings and patterns that identify this entry in pasted text, beyond its exception
/// classes, HTTP status and error codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signals {
    pub literals: Vec<String>,
    /// Patterns for the linear-time `regex` crate; each compiled by `check`.
    pub regexes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compatibility {
    pub language: Language,
    /// The language runtime, e.g. `>=3.9` for Python or `>=18` for Node.
    pub runtime: String,
    pub sdk: String,
    pub versions: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub confused_with: Vec<EntryId>,
    pub leads_to: Vec<EntryId>,
}

/// The outcome of the last `errdex verify` run for an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verification {
    NotRun,
    Passed { date: String, sdk: String },
    Failed { date: String, sdk: String },
    Unverifiable { reason: String },
}

impl Verification {
    pub fn label(&self) -> &'static str {
        match self {
            Verification::NotRun => "not_run",
            Verification::Passed { .. } => "passed",
            Verification::Failed { .. } => "failed",
            Verification::Unverifiable { .. } => "unverifiable",
        }
    }
}

/// What `errdex verify` captured for an entry, compiled from its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationRun {
    /// The language runtime of the pinned run, e.g. `Python 3.11.7`.
    pub runtime: String,
    /// The traceback the broken example printed with the pinned SDK version.
    pub stack_trace: String,
    /// The full transcript of every run.
    pub transcript: String,
    /// `<sdk> <version>` of every run that passed.
    pub tested_on: Vec<String>,
    /// `<step>: <why>` for each step that failed.
    pub failed_steps: Vec<String>,
    /// The record file, relative to the repository: `verification/<provider>/<slug>.json`.
    pub record: String,
}

/// The prose of an entry, each section as Markdown source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sections {
    pub meaning: String,
    pub quick_fix: String,
    pub why: String,
    pub detection: String,
    pub causes: Vec<Cause>,
    /// The prose of the Code section, code blocks removed.
    pub code_notes: String,
    pub examples: Vec<CodeExample>,
    pub workaround: String,
    pub prevention: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    pub cause: String,
    pub fix: String,
}

/// A fenced code example, annotated with everything needed to run and judge it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeExample {
    pub language: Language,
    pub role: Role,
    /// The SDK package, e.g. `anthropic`.
    pub sdk: String,
    /// Its version requirement, e.g. `>=0.40`.
    pub sdk_versions: String,
    /// The mock scenario the example runs against.
    pub scenario: String,
    /// For broken examples: the exception class it must raise.
    pub raises: Option<String>,
    /// Extra environment, `NAME=VALUE`.
    pub env: Vec<(String, String)>,
    /// Run with no API-key variable set at all.
    pub no_key: bool,
    /// The SDK fails before it sends anything (a refused connection, a removed API, an
    /// argument it checks itself): verify requires that the mock got no request.
    #[serde(default)]
    pub no_request: bool,
    pub code: String,
    /// Line of the opening fence in the source file.
    pub line: usize,
    /// The code with terminal colours, filled in when the index is compiled.
    pub highlighted_ansi: Option<String>,
    /// The code as HTML with classed `<span>`s (`hl-…`, styled by the web site's CSS),
    /// filled in when the index is compiled.
    pub highlighted_html: Option<String>,
}
