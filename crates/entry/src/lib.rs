//! The errdex knowledge-base format. One Markdown file per error entry, its path giving
//! the permanent id (`kb/<provider>/<slug>.md` → `<provider>/<slug>`), TOML front matter
//! parsed into raw structs that reject unknown fields, then validated into the [`Entry`]
//! model. [`load_kb`] reads a whole knowledge base and [`check`] reports every problem in
//! it at once, each with its file and line. This crate does no network or async work: it
//! is shared by the build script that embeds the knowledge base, `errdex check`, and
//! everything that reads entries.

mod check;
mod ids;
mod index;
mod load;
mod model;
mod parse;
mod raw;
pub mod record;
mod taxonomy;
pub mod views;

pub use check::check;
pub use ids::{nearest_ids, EntryId, IdError, SLUG_RULE};
pub use index::{Index, Resolved};
pub use load::{load_kb, LoadError, Loaded};
pub use model::{
    Cause, CodeExample, Compatibility, Difficulty, Entry, ExceptionClass, Language, Related, Role,
    Sections, Severity, Signals, Status, Verification, VerificationRun,
};
pub use parse::{parse_entry, Parsed, Reference, FENCE_KEYS, SECTION_HEADINGS};
pub use taxonomy::{Kind, Provider};

use std::fmt;
use std::path::PathBuf;

/// One problem in the knowledge base: where it is and what to change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: PathBuf,
    /// 1-based line in `file`.
    pub line: usize,
    pub message: String,
}

impl Problem {
    pub fn new(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Problem {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}
