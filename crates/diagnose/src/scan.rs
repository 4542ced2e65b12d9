//! Log scanning: every LLM-API error in a stream of any size, grouped by entry, in flat
//! memory.
//!
//! Bytes are fed in chunks. One Aho-Corasick pass over each chunk finds the lines that
//! hold a signature literal of some entry (a message signal, an exception class, an error
//! code); only those lines are diagnosed, each with up to [`CONTEXT_LINES`] lines before
//! it (a traceback's frames and the line that printed the body). A line counts as an
//! occurrence of the entry named when the line itself carries that entry's specific
//! evidence, so a traceback counts once, not once per frame. Memory holds one chunk, the
//! partial last line, a few kilobytes of context and one group per entry.

use crate::{Diagnoser, Match};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use errdex_entry::{EntryId, Kind, Provider};
use serde::Serialize;
use std::collections::HashMap;

/// Lines of context diagnosed with a candidate line.
pub const CONTEXT_LINES: usize = 30;
/// At most this many bytes of context.
const CONTEXT_BYTES: usize = 8 * 1024;
/// A "line" longer than this is cut (a binary blob, a minified bundle).
const MAX_LINE: usize = 1024 * 1024;

/// Whether a log line starts with a timestamp or level (and so starts a record).
fn has_log_prefix(line: &[u8]) -> bool {
    let head = &line[..line.len().min(120)];
    let head = String::from_utf8_lossy(head);
    crate::normalize::line_body_start(&head) > 0 && !head.starts_with([' ', '\t'])
}

/// All occurrences of one entry.
#[derive(Debug, Clone, Serialize)]
pub struct ScanGroup {
    #[serde(serialize_with = "crate::ser::id")]
    pub id: EntryId,
    #[serde(serialize_with = "crate::ser::provider")]
    pub provider: Provider,
    #[serde(serialize_with = "crate::ser::kind")]
    pub kind: Kind,
    pub title: String,
    pub quick_fix: String,
    pub count: u64,
    /// 1-based line numbers.
    pub first_line: u64,
    pub last_line: u64,
    /// The first occurrence's line, redacted and cut to 300 characters.
    pub sample: String,
    /// The highest confidence seen.
    pub confidence: f32,
}

/// One occurrence, as it is found (for `scan --follow`).
#[derive(Debug, Clone, Serialize)]
pub struct Occurrence {
    #[serde(serialize_with = "crate::ser::id")]
    pub id: EntryId,
    pub line: u64,
    /// How many occurrences of this entry so far, this one included.
    pub count: u64,
    pub confidence: f32,
    /// The line, redacted and cut to 300 characters.
    pub sample: String,
}

/// What a whole scan found.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    /// By first occurrence.
    pub groups: Vec<ScanGroup>,
    pub lines: u64,
    pub bytes: u64,
}

/// A scan in progress over one stream.
pub struct Scanner<'d> {
    diagnoser: &'d Diagnoser,
    prefilter: AhoCorasick,
    carry: Vec<u8>,
    context: Vec<u8>,
    lines: u64,
    bytes: u64,
    groups: Vec<ScanGroup>,
    group_of: HashMap<EntryId, usize>,
}

impl Diagnoser {
    /// A scanner over this knowledge base.
    pub fn scanner(&self) -> Scanner<'_> {
        let literals = self.signature_literals();
        let prefilter = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(&literals)
            .expect("the prefilter builds from plain strings");
        Scanner {
            diagnoser: self,
            prefilter,
            carry: Vec::new(),
            context: Vec::new(),
            lines: 0,
            bytes: 0,
            groups: Vec::new(),
            group_of: HashMap::new(),
        }
    }
}

impl Scanner<'_> {
    /// Feeds the next bytes of the stream; returns the occurrences completed by them.
    pub fn feed(&mut self, data: &[u8]) -> Vec<Occurrence> {
        self.bytes += data.len() as u64;
        let mut found = Vec::new();
        let Some(last_nl) = memchr::memrchr(b'\n', data) else {
            self.carry.extend_from_slice(data);
            if self.carry.len() > MAX_LINE {
                let line = std::mem::take(&mut self.carry);
                self.region(&line, &mut found);
                self.lines += 1;
            }
            return found;
        };
        let mut rest = &data[..=last_nl];
        if !self.carry.is_empty() {
            let first_nl = memchr::memchr(b'\n', rest).expect("there is a newline");
            let mut line = std::mem::take(&mut self.carry);
            line.extend_from_slice(&rest[..=first_nl]);
            self.region(&line, &mut found);
            rest = &rest[first_nl + 1..];
        }
        if !rest.is_empty() {
            self.region(rest, &mut found);
        }
        self.carry.extend_from_slice(&data[last_nl + 1..]);
        found
    }

    /// Ends the stream: the last line without a newline is scanned too.
    pub fn finish(mut self) -> ScanReport {
        if !self.carry.is_empty() {
            let mut line = std::mem::take(&mut self.carry);
            line.push(b'\n');
            let mut found = Vec::new();
            self.region(&line, &mut found);
        }
        ScanReport {
            groups: self.groups,
            lines: self.lines,
            bytes: self.bytes,
        }
    }

    /// The groups so far.
    pub fn groups(&self) -> &[ScanGroup] {
        &self.groups
    }

    /// Scans complete lines (`region` ends with a newline).
    fn region(&mut self, region: &[u8], found: &mut Vec<Occurrence>) {
        let mut counted_to = 0;
        let mut line_no = self.lines;
        let mut done_to = 0;
        // A cheap clone (shared automaton), so that `self` can be updated in the loop.
        let prefilter = self.prefilter.clone();
        for hit in prefilter.find_iter(region) {
            if hit.start() < done_to {
                continue;
            }
            let line_start = memchr::memrchr(b'\n', &region[..hit.start()]).map_or(0, |i| i + 1);
            let line_end = memchr::memchr(b'\n', &region[hit.start()..])
                .map_or(region.len(), |i| hit.start() + i);
            done_to = line_end + 1;
            line_no += memchr::memchr_iter(b'\n', &region[counted_to..line_start]).count() as u64;
            counted_to = line_start;
            // Context: the log record the line belongs to. A line with its own log prefix
            // (timestamp, level) starts a record and stands alone; a continuation line
            // (traceback frames, a wrapped body) takes the lines before it up to the one
            // that started the record — never unrelated records, whose statuses and
            // names would mislead the diagnosis.
            let mut ctx_start = line_start;
            let mut borrow = false;
            if !has_log_prefix(&region[line_start..line_end]) {
                for _ in 0..CONTEXT_LINES {
                    if line_start - ctx_start >= CONTEXT_BYTES {
                        break;
                    }
                    if ctx_start == 0 {
                        borrow = true;
                        break;
                    }
                    let prev =
                        memchr::memrchr(b'\n', &region[..ctx_start - 1]).map_or(0, |i| i + 1);
                    let text = &region[prev..ctx_start - 1];
                    if text.iter().all(u8::is_ascii_whitespace) {
                        break;
                    }
                    ctx_start = prev;
                    if has_log_prefix(text) {
                        break;
                    }
                }
            }
            let mut window: Vec<u8> = Vec::new();
            if borrow && !self.context.is_empty() {
                let need = CONTEXT_BYTES.saturating_sub(line_start);
                let tail = &self.context[self.context.len().saturating_sub(need)..];
                // Start the borrowed context at a line start.
                let from = memchr::memchr(b'\n', tail).map_or(tail.len(), |i| i + 1);
                window.extend_from_slice(&tail[from..]);
            }
            let line = &region[line_start..line_end];
            window.extend_from_slice(&region[ctx_start..line_end]);
            if let Some(m) = self.judge(&window, line) {
                found.push(self.record(m, line_no + 1, line));
            }
        }
        self.lines += memchr::memchr_iter(b'\n', region).count() as u64;
        let keep = region.len().min(CONTEXT_BYTES);
        if keep == CONTEXT_BYTES {
            self.context.clear();
        } else {
            let excess = (self.context.len() + keep).saturating_sub(CONTEXT_BYTES);
            self.context.drain(..excess.min(self.context.len()));
        }
        self.context
            .extend_from_slice(&region[region.len() - keep..]);
    }

    /// The entry the window names, if the candidate line itself carries its evidence.
    fn judge(&self, window: &[u8], line: &[u8]) -> Option<Match> {
        let diagnosis = self.diagnoser.diagnose(window);
        let top = diagnosis.matches.into_iter().next()?;
        let line = String::from_utf8_lossy(line).to_ascii_lowercase();
        let on_line = top.evidence.iter().any(|e| {
            matches!(
                e.signal.as_str(),
                "message" | "message_pattern" | "exception_class" | "error_code"
            ) && line.contains(&e.value.to_ascii_lowercase())
        });
        on_line.then_some(top)
    }

    fn record(&mut self, m: Match, line_no: u64, line: &[u8]) -> Occurrence {
        let sample: String = crate::clean(line).trim().chars().take(300).collect();
        let at = match self.group_of.get(&m.id) {
            Some(&at) => {
                let g = &mut self.groups[at];
                g.count += 1;
                g.last_line = line_no;
                g.confidence = g.confidence.max(m.confidence);
                at
            }
            None => {
                self.group_of.insert(m.id.clone(), self.groups.len());
                self.groups.push(ScanGroup {
                    id: m.id.clone(),
                    provider: m.provider,
                    kind: m.kind,
                    title: m.title.clone(),
                    quick_fix: m.quick_fix.clone(),
                    count: 1,
                    first_line: line_no,
                    last_line: line_no,
                    sample: sample.clone(),
                    confidence: m.confidence,
                });
                self.groups.len() - 1
            }
        };
        Occurrence {
            id: m.id,
            line: line_no,
            count: self.groups[at].count,
            confidence: m.confidence,
            sample,
        }
    }
}
