//! Ranked full-text search over entries: titles, summaries, exception classes and every
//! section, with BM25 from tantivy (an in-memory index built on first use, a few
//! milliseconds for the whole knowledge base) and snippets around the matched words.
//! No async and no disk: the index lives as long as the [`Searcher`].

use errdex_entry::{Entry, EntryId};
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, Schema, Value, STORED, STRING, TEXT};
use tantivy::snippet::SnippetGenerator;
use tantivy::{doc, Index, IndexReader, TantivyDocument};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("building the search index failed: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// One search result, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: EntryId,
    pub score: f32,
    /// Plain text around the matched words (no markup).
    pub snippet: String,
}

pub struct Searcher {
    index: Index,
    reader: IndexReader,
    id: Field,
    title: Field,
    summary: Field,
    exceptions: Field,
    signals: Field,
    body: Field,
    ids: Vec<EntryId>,
}

impl Searcher {
    /// Indexes `entries` (retired ones are skipped: readers are sent to successors).
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Result<Self, SearchError> {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING | STORED);
        let title = schema.add_text_field("title", TEXT | STORED);
        let summary = schema.add_text_field("summary", TEXT | STORED);
        let exceptions = schema.add_text_field("exceptions", TEXT);
        // The strings the SDK or API prints for this error: what people paste into search.
        let signals = schema.add_text_field("signals", TEXT);
        let body = schema.add_text_field("body", TEXT | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        let mut ids = Vec::new();
        for entry in entries
            .into_iter()
            .filter(|e| e.status == errdex_entry::Status::Current)
        {
            ids.push(entry.id.clone());
            writer.add_document(doc!(
                id => entry.id.to_string(),
                title => entry.title.clone(),
                summary => entry.summary.clone(),
                exceptions => exception_words(entry),
                signals => entry.signals.literals.join("\n"),
                body => body_text(entry),
            ))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(Searcher {
            index,
            reader,
            id,
            title,
            summary,
            exceptions,
            signals,
            body,
            ids,
        })
    }

    /// The best `limit` entries for a free-text query. Query syntax errors never fail: the
    /// query is parsed leniently, as people type.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        if query.trim().is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut parser = QueryParser::for_index(
            &self.index,
            vec![
                self.title,
                self.summary,
                self.exceptions,
                self.signals,
                self.body,
            ],
        );
        parser.set_field_boost(self.title, 3.0);
        parser.set_field_boost(self.signals, 3.0);
        parser.set_field_boost(self.exceptions, 2.0);
        parser.set_field_boost(self.summary, 1.5);
        let query = &without_exclusions(query);
        // The words in any order, plus the same words as a phrase: an entry that holds
        // the pasted text verbatim ("invalid x-api-key") ranks above one that has the
        // words scattered.
        let words = query.replace(['"', '\\'], " ");
        let phrase = if words.split_whitespace().count() > 1 {
            format!(
                " \"{}\"^2",
                words.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        } else {
            String::new()
        };
        let (query, _errors) = parser.parse_query_lenient(&format!("{query}{phrase}"));
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let snippets = SnippetGenerator::create(&searcher, &*query, self.body)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let id_text = doc
                .get_first(self.id)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let Some(id) = self.ids.iter().find(|i| i.to_string() == id_text) else {
                continue;
            };
            let mut snippet = snippets
                .snippet_from_doc(&doc)
                .fragment()
                .trim()
                .to_string();
            if snippet.is_empty() {
                snippet = doc
                    .get_first(self.summary)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
            }
            hits.push(Hit {
                id: id.clone(),
                score,
                snippet: snippet.split_whitespace().collect::<Vec<_>>().join(" "),
            });
        }
        Ok(hits)
    }

    /// How many entries are indexed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The query with nothing that excludes or names a field: a `-` that starts a word, the
/// `NOT` keyword and `:` become plain text. Pasted text is full of such dashes (`--model`,
/// `-32600`), which should not hide the entries that hold those words; tantivy 0.27 breaks
/// its own seek contract when it excludes a phrase (`-notes/{i`, found by fuzzing: a debug
/// assertion, and possibly wrong results without one); and a word before a colon
/// (`Error code: 401`, `0dim:(`) is read as a field name, which fails the whole search
/// when no such field exists (found by fuzzing: a 500 from `/api/v1/search`).
fn without_exclusions(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut previous = ' ';
    for c in query.chars() {
        out.push(if (c == '-' && !previous.is_alphanumeric()) || c == ':' {
            ' '
        } else {
            c
        });
        previous = c;
    }
    out.split(' ')
        .map(|word| if word == "NOT" { "not" } else { word })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Class names split so that `AuthenticationError` is found by `authenticationerror` and
/// by the dotted path's parts.
fn exception_words(entry: &Entry) -> String {
    let mut words = Vec::new();
    for e in &entry.exceptions {
        words.push(e.class.clone());
        words.extend(e.class.split(['.', ':']).map(str::to_string));
    }
    words.extend(entry.error_codes.iter().cloned());
    words.extend(entry.http_status.map(|s| s.to_string()));
    words.push(entry.provider.to_string());
    words.push(entry.kind.to_string().replace('_', " "));
    words.join(" ")
}

fn body_text(entry: &Entry) -> String {
    let s = &entry.sections;
    let mut text = vec![s.meaning.as_str(), &s.quick_fix, &s.why, &s.detection];
    for cause in &s.causes {
        text.push(&cause.cause);
        text.push(&cause.fix);
    }
    text.extend([s.code_notes.as_str(), &s.workaround, &s.prevention]);
    // Markdown punctuation would only end up in snippets.
    text.join("\n\n").replace(['*', '`', '#'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn searcher() -> Searcher {
        Searcher::new(&errdex_kb::index().entries).expect("index builds")
    }

    #[test]
    fn finds_entries_by_words_of_their_title_and_body() {
        let s = searcher();
        let hits = s.search("invalid api key", 5).unwrap();
        assert!(!hits.is_empty());
        assert!(
            hits[0].id.to_string().ends_with("authentication-error"),
            "{hits:?}"
        );
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(!hits[0].snippet.is_empty());
    }

    #[test]
    fn finds_entries_by_exception_class() {
        let hits = searcher()
            .search("anthropic.AuthenticationError", 3)
            .unwrap();
        assert_eq!(hits[0].id.to_string(), "anthropic/authentication-error");
    }

    /// Found by fuzzing the search API: a query that excluded a phrase panicked inside
    /// tantivy, and a word before a colon failed the search as an unknown field. A dash or
    /// `NOT` now excludes nothing, and a colon names no field.
    #[test]
    fn a_leading_dash_not_or_colon_is_plain_text() {
        let s = searcher();
        let ids = |q: &str| -> Vec<String> {
            s.search(q, 10)
                .unwrap()
                .iter()
                .map(|h| h.id.to_string())
                .collect()
        };
        for q in [
            "-notes/{i",
            "x -e/api/v1/notes",
            "-0~e/api/v1/notes/{i",
            "NOT api/v1/notes/x",
        ] {
            assert!(s.search(q, 10).is_ok(), "{q}");
        }
        let plain = ids("invalid api key");
        assert!(!plain.is_empty());
        assert_eq!(ids("invalid -api key"), plain);
        assert_eq!(ids("invalid NOT api key"), ids("invalid not api key"));
        // A word before a colon is no field name: found by fuzzing the web API, where
        // `~-0dim:(*((` failed the whole search with FieldNotFound("0dim").
        assert!(searcher().search("ri=dat/ ~-0dim:(*((", 10).is_ok());
        assert_eq!(
            ids("Error code: 401 invalid x-api-key"),
            ids("Error code 401 invalid x-api-key")
        );
        assert!(!ids("Error code: 401 invalid x-api-key").is_empty());
        assert_eq!(ids("--model gpt-4o"), ids("model gpt-4o"));
    }

    #[test]
    fn unparseable_queries_do_not_fail() {
        let s = searcher();
        for q in ["\"unclosed", "AND OR", "title:(", "+-", ""] {
            assert!(s.search(q, 5).is_ok(), "{q}");
        }
        assert!(s.search("zzqxv qqwjkz", 5).unwrap().is_empty());
    }
}
