//! Diagnosis: any pasted error, traceback or log → the knowledge-base entry it is, with
//! the evidence, a calibrated confidence, the runner-up, and the facts found on the way.
//!
//! The pipeline, all in memory and without I/O: normalise the bytes (lossy UTF-8, no
//! ANSI, LF line ends), redact every secret (`errdex-secrets`), extract facts (language,
//! SDK and version, status, request id, model, hosts, variables, exception chain, error
//! body), infer the provider from the provider-facts table ([`providers`]), then find
//! every entry's signals in one pass of an Aho-Corasick automaton (literals, exception
//! classes, error codes and provider clues together) plus one `RegexSet` for the entries'
//! regexes, and score the candidates. Below [`THRESHOLD`] the answer is "no match", with
//! the near candidates as suggestions. Evidence offsets point into the redacted `text`
//! that the [`Diagnosis`] carries.
//!
//! Build a [`Diagnoser`] once per knowledge base; [`Diagnoser::diagnose`] is then cheap.

mod facts;
mod normalize;
mod patterns;
pub mod providers;
mod scan;
mod score;
mod version;

pub use facts::Language;
pub use normalize::normalize;

/// `input` normalised and redacted: the text every answer and every scan sample shows.
///
/// An escape sequence cut short swallows what follows it up to a letter (`ESC [` before
/// `sk-ant-…` takes the `s`, `ESC` alone takes one character), and a key without its
/// prefix is no longer recognised as one: text with escapes is redacted before it is
/// normalised as well as after.
pub fn clean(input: &[u8]) -> String {
    let normalized = if memchr::memchr(0x1b, input).is_some() {
        normalize(
            errdex_secrets::redact(&String::from_utf8_lossy(input))
                .text
                .as_bytes(),
        )
    } else {
        normalize(input)
    };
    errdex_secrets::redact(&normalized).text
}
pub use scan::{Occurrence, ScanGroup, ScanReport, Scanner};
pub use score::THRESHOLD;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use errdex_entry::{EntryId, Index, Kind, Provider, Status};
use patterns::{ascii_word_boundaries, REGEX_SET_DFA_CACHE};
use providers::PROVIDER_FACTS;
use regex::{Regex, RegexSet, RegexSetBuilder};
use serde::Serialize;
use std::collections::HashMap;
use version::VersionSet;

/// The answer for one input. Serialised as the JSON contract of `errdex diagnose --json`,
/// the web API and MCP (see docs/diagnosis.md).
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    /// The input, normalised and redacted: every offset below points into it.
    pub text: String,
    /// Best first; empty when nothing reached the threshold ("no match"). The second
    /// match, when present, is the runner-up.
    pub matches: Vec<Match>,
    pub facts: Facts,
    /// When there is no match: the nearest entries, for "did you mean".
    #[serde(serialize_with = "ser::ids")]
    pub suggestions: Vec<EntryId>,
}

/// One entry that the input may be.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    #[serde(serialize_with = "ser::id")]
    pub id: EntryId,
    #[serde(serialize_with = "ser::provider")]
    pub provider: Provider,
    #[serde(serialize_with = "ser::kind")]
    pub kind: Kind,
    pub title: String,
    /// In [0, 1]; calibrated so that [`THRESHOLD`] separates known from unknown.
    pub confidence: f32,
    /// The entry's quick fix (Markdown).
    pub quick_fix: String,
    pub evidence: Vec<Evidence>,
}

/// One signal that decided a match, and where it is in the redacted text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// `message`, `message_pattern`, `exception_class`, `http_status`, `error_code`,
    /// `api_host`, `env_var`, `sdk_path`, `sdk_version`, `wrapper`, `key_prefix`,
    /// `body_shape`, `exception_module`, `provider_link`, `operation`, `provider_name`.
    pub signal: String,
    pub value: String,
    pub start: usize,
    pub end: usize,
}

/// What the input says, independent of any entry.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    /// `python` or `typescript` (Node stacks count as typescript, like the entries).
    pub language: Option<&'static str>,
    /// The SDK package seen in frames, classes or a version string.
    pub sdk: Option<String>,
    /// What its version can be: `>=1.0`, `<1.0` or an exact `0.28.1`.
    pub sdk_version: Option<String>,
    pub http_status: Option<u16>,
    pub request_id: Option<String>,
    pub model: Option<String>,
    /// The provider whose API the error came from, when the text shows it.
    #[serde(serialize_with = "ser::opt_provider")]
    pub provider: Option<Provider>,
    /// The shared SDK or wrapper it came through (`openai`, `litellm`, `langchain`).
    #[serde(serialize_with = "ser::opt_provider")]
    pub via: Option<Provider>,
    /// The clues behind `provider`.
    pub provider_evidence: Vec<Evidence>,
    /// Hosts of URLs and connection messages, in order of appearance.
    pub hosts: Vec<String>,
    /// Environment-variable names (keys, base URLs), never their values.
    pub env_vars: Vec<String>,
    /// The raised exception class: the last line of the traceback.
    pub exception: Option<String>,
    /// The exception classes that start lines, in order (chained tracebacks).
    pub exception_chain: Vec<String>,
    /// `error.type` of the body (Anthropic, OpenAI) when present.
    pub error_type: Option<String>,
    /// `error.code` (or `details.error_code`, Google's `reason`/`status`) when present.
    pub error_code: Option<String>,
}

/// A knowledge base prepared for diagnosis. Build once; `diagnose` takes `&self`.
pub struct Diagnoser {
    entries: Vec<Compiled>,
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
    /// The text of each pattern, as given to the automaton.
    texts: Vec<String>,
    regex_set: RegexSet,
    /// The entry literals with a blank inside, for text a terminal wrapped over lines; and
    /// for each, its pattern in `patterns`.
    wrap_automaton: AhoCorasick,
    wrap_patterns: Vec<usize>,
    /// For each regex of `regex_set`: its entry and the regex itself (to locate a match).
    regexes: Vec<(usize, Regex)>,
    /// Error codes shared by entries of different kinds say little.
    generic_codes: Vec<String>,
    by_provider: HashMap<Provider, Vec<usize>>,
    /// Entries by the short name of an exception class (`AuthenticationError`).
    by_short_class: HashMap<String, Vec<usize>>,
    /// Entries by error code (lower case).
    by_code: HashMap<String, Vec<usize>>,
}

/// An entry as the scorer needs it.
struct Compiled {
    id: EntryId,
    provider: Provider,
    kind: Kind,
    title: String,
    quick_fix: String,
    http_status: Option<u16>,
    /// Error codes, lower case.
    codes: Vec<String>,
    exceptions: Vec<CompiledException>,
}

struct CompiledException {
    class: String,
    short: String,
    sdk: String,
    /// `python` or `typescript`, as the entry says.
    language: &'static str,
    versions: VersionSet,
    /// Another entry of the same kind lists this class of the same SDK (every 400 of
    /// openai is `BadRequestError`): the class then names neither of them.
    shared: bool,
}

/// What a pattern of the automaton stands for.
#[derive(Debug, Clone)]
enum Pattern {
    Literal {
        entry: usize,
    },
    Class {
        entries: Vec<usize>,
        class: String,
    },
    Code {
        code: String,
    },
    Provider {
        fact: usize,
    },
    KeyPrefix {
        provider: Provider,
    },
    /// A word of [`facts::GATES`]: which lines the fact regexes need to read.
    Gate {
        gate: usize,
    },
    /// A package path of [`facts::SDK_PATHS`].
    SdkPath {
        row: usize,
    },
}

impl Diagnoser {
    /// Compiles every current entry's signals into one automaton and one regex set.
    pub fn new(index: &Index) -> Diagnoser {
        let mut entries = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut class_at: HashMap<String, usize> = HashMap::new();
        let mut code_kinds: HashMap<String, Vec<Kind>> = HashMap::new();
        let mut regex_sources = Vec::new();
        let mut regexes = Vec::new();
        let mut by_provider: HashMap<Provider, Vec<usize>> = HashMap::new();
        let mut by_short_class: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_code: HashMap<String, Vec<usize>> = HashMap::new();

        for entry in index.entries.iter().filter(|e| e.status == Status::Current) {
            let at = entries.len();
            for literal in &entry.signals.literals {
                if literal.len() >= 3 {
                    texts.push(literal.replace('\\', "/"));
                    patterns.push(Pattern::Literal { entry: at });
                }
                // Text copied from a rendered page (a GitHub issue, a chat, a terminal
                // Markdown view) has lost the backticks of the API's inline code
                // (`tool_use` → tool_use): the literal matches without them too.
                let bare = literal.replace('`', "");
                if literal.contains('`') && bare.len() >= 3 {
                    texts.push(bare.replace('\\', "/"));
                    patterns.push(Pattern::Literal { entry: at });
                }
            }
            for source in &entry.signals.regexes {
                let source = ascii_word_boundaries(source);
                // `check` compiled every regex; one that still fails is skipped, not fatal.
                if let Ok(re) = Regex::new(&source) {
                    regex_sources.push(source);
                    regexes.push((at, re));
                }
            }
            let mut exceptions = Vec::new();
            for e in &entry.exceptions {
                let short = e.class.rsplit('.').next().unwrap_or(&e.class).to_string();
                if e.class.contains('.') {
                    match class_at.get(&e.class) {
                        Some(&p) => {
                            if let Pattern::Class { entries, .. } = &mut patterns[p] {
                                entries.push(at);
                            }
                        }
                        None => {
                            class_at.insert(e.class.clone(), patterns.len());
                            texts.push(e.class.clone());
                            patterns.push(Pattern::Class {
                                entries: vec![at],
                                class: e.class.clone(),
                            });
                        }
                    }
                }
                let owners = by_short_class.entry(short.clone()).or_default();
                if !owners.contains(&at) {
                    owners.push(at);
                }
                exceptions.push(CompiledException {
                    class: e.class.clone(),
                    short,
                    sdk: e.sdk.clone(),
                    language: errdex_entry::views::language(e.language),
                    versions: VersionSet::from_req(&e.versions),
                    shared: false,
                });
            }
            for code in &entry.error_codes {
                let owners = by_code.entry(code.to_ascii_lowercase()).or_default();
                if !owners.contains(&at) {
                    owners.push(at);
                }
                let kinds = code_kinds.entry(code.to_ascii_lowercase()).or_default();
                if !kinds.contains(&entry.kind) {
                    kinds.push(entry.kind);
                }
            }
            by_provider.entry(entry.provider).or_default().push(at);
            entries.push(Compiled {
                id: entry.id.clone(),
                provider: entry.provider,
                kind: entry.kind,
                title: entry.title.clone(),
                quick_fix: entry.sections.quick_fix.clone(),
                http_status: entry.http_status,
                codes: entry
                    .error_codes
                    .iter()
                    .map(|c| c.to_ascii_lowercase())
                    .collect(),
                exceptions,
            });
        }
        // Classes that several entries of one provider and kind list for one SDK: the class
        // alone cannot choose between them (an OpenAI 400 of unknown cause). A class that
        // stands for no kind (Bedrock's `ValidationException`, raised for a prompt too long,
        // an unknown model and roles out of order alike) is shared by all of the provider's
        // entries that list it, whatever their kinds. Entries of different providers that
        // share an SDK's class (OpenAI's and Azure's `APITimeoutError`) are told apart by the
        // provider, so the class stays theirs.
        type Owners = HashMap<(String, String, Option<Kind>, Provider), Vec<usize>>;
        let owner_key = |sdk: &str, class: &str, kind: Kind, provider: Provider| {
            let short = class.rsplit('.').next().unwrap_or(class);
            let kind = score::class_kind(short).map(|_| kind);
            (sdk.to_string(), class.to_string(), kind, provider)
        };
        let mut listed: Owners = HashMap::new();
        for (at, entry) in entries.iter().enumerate() {
            for e in &entry.exceptions {
                let owners = listed
                    .entry(owner_key(&e.sdk, &e.class, entry.kind, entry.provider))
                    .or_default();
                if !owners.contains(&at) {
                    owners.push(at);
                }
            }
        }
        for entry in &mut entries {
            let (kind, provider) = (entry.kind, entry.provider);
            for e in &mut entry.exceptions {
                e.shared = listed
                    .get(&owner_key(&e.sdk, &e.class, kind, provider))
                    .is_some_and(|owners| owners.len() > 1);
            }
        }
        let mut codes: Vec<&String> = code_kinds.keys().collect();
        codes.sort();
        for code in codes {
            if code.len() >= 4 {
                texts.push(code.clone());
                patterns.push(Pattern::Code { code: code.clone() });
            }
        }
        for (i, fact) in PROVIDER_FACTS.iter().enumerate() {
            texts.push(fact.pattern.to_string());
            patterns.push(Pattern::Provider { fact: i });
        }
        for format in errdex_secrets::KEY_FORMATS {
            // `sk-` alone is shared by many providers: not a clue.
            if format.prefix.len() > 3 {
                if let Some(provider) = Provider::parse(format.provider) {
                    texts.push(format.prefix.to_string());
                    patterns.push(Pattern::KeyPrefix { provider });
                }
            }
        }
        for gate in 0..facts::GATES.len() {
            texts.push(facts::GATES[gate].0.to_string());
            patterns.push(Pattern::Gate { gate });
        }
        for (row, path) in facts::SDK_PATHS.iter().enumerate() {
            texts.push(path.pattern.to_string());
            patterns.push(Pattern::SdkPath { row });
        }
        // A DFA whatever the number of patterns: the default switches to an NFA as the
        // knowledge base grows, and the scan time would grow with it.
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&texts)
            .expect("the automaton builds from plain strings");
        let wrap_patterns: Vec<usize> = patterns
            .iter()
            .enumerate()
            .filter(|(p, pattern)| {
                matches!(pattern, Pattern::Literal { .. }) && texts[*p].contains(' ')
            })
            .map(|(p, _)| p)
            .collect();
        let wrap_automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(wrap_patterns.iter().map(|&p| &texts[p]))
            .expect("the automaton builds from plain strings");
        // The lazy DFA's cache must hold the states of every entry regex at once: at 242
        // regexes the default (2 MiB) thrashed and the set fell back to the PikeVM, 1 MB of
        // text 1.4 s instead of 4 ms. Memory is taken only as states are built.
        let regex_set = RegexSetBuilder::new(&regex_sources)
            .dfa_size_limit(REGEX_SET_DFA_CACHE)
            .build()
            .unwrap_or_else(|_| RegexSet::empty());
        let mut generic_codes: Vec<String> = code_kinds
            .into_iter()
            .filter(|(_, kinds)| kinds.len() > 1)
            .map(|(code, _)| code)
            .collect();
        generic_codes.extend(score::GENERIC_CODES.iter().map(|c| c.to_string()));
        Diagnoser {
            entries,
            automaton,
            patterns,
            texts,
            regex_set,
            wrap_automaton,
            wrap_patterns,
            regexes,
            generic_codes,
            by_provider,
            by_short_class,
            by_code,
        }
    }

    /// How many entries this diagnoser knows.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Diagnoses one input: bytes or text, any size, any encoding.
    pub fn diagnose(&self, input: impl AsRef<[u8]>) -> Diagnosis {
        score::diagnose(self, clean(input.as_ref()))
    }

    /// Every signature literal of the knowledge base — entry literals, exception classes,
    /// and the error codes that cannot be ordinary words (`insufficient_quota`, not
    /// `UNAUTHORIZED`, which every `401 Unauthorized` line would match) — for `errdex
    /// scan`'s prefilter and the benchmark's `grep -F -f` baseline.
    pub fn signature_literals(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (p, text) in self.patterns.iter().zip(&self.texts) {
            let signature = match p {
                Pattern::Literal { .. } | Pattern::Class { .. } => true,
                Pattern::Code { .. } => text.contains('_') && text.len() >= 8,
                _ => false,
            };
            if signature && !out.contains(text) {
                out.push(text.clone());
            }
        }
        out
    }
}

pub(crate) mod ser {
    use errdex_entry::{EntryId, Kind, Provider};
    use serde::Serializer;

    pub fn id<S: Serializer>(id: &EntryId, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(id)
    }
    pub fn ids<S: Serializer>(ids: &[EntryId], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(ids.iter().map(|i| i.to_string()))
    }
    pub fn provider<S: Serializer>(p: &Provider, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.as_str())
    }
    pub fn opt_provider<S: Serializer>(p: &Option<Provider>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(p) => s.serialize_str(p.as_str()),
            None => s.serialize_none(),
        }
    }
    pub fn kind<S: Serializer>(k: &Kind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(k.as_str())
    }
}
