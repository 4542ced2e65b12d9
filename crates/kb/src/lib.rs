//! The knowledge base compiled into the binary. `build.rs` parses, checks and highlights
//! `kb/` at build time, so every reading command works offline from any directory.
//!
//! Start-up decodes only what a command needs. [`catalogue`] is the index of every entry
//! without the parts only its page shows (about an eighth of the bytes, decoded in about a
//! millisecond); [`whole`] decodes one entry whole; [`index`] decodes them all, for the
//! servers that render every page.

use errdex_entry::{Entry, EntryId, Index};
use std::sync::OnceLock;

/// The catalogue and, per entry in the same order, its byte range in [`WHOLE`].
static CATALOGUE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/catalogue.postcard"));
/// Every whole entry, postcard, one after the other.
static WHOLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/entries.bin"));

type Ranges = Vec<(u32, u32)>;

fn parts() -> &'static (Index, Ranges) {
    static PARTS: OnceLock<(Index, Ranges)> = OnceLock::new();
    PARTS.get_or_init(|| {
        postcard::from_bytes(CATALOGUE).expect("the build script wrote a valid catalogue")
    })
}

fn decode(range: (u32, u32)) -> Entry {
    postcard::from_bytes(&WHOLE[range.0 as usize..range.1 as usize])
        .expect("the build script wrote a valid entry")
}

/// Every entry, current and retired, each stripped of its page parts
/// ([`Entry::strip_page_parts`]): what listing, counting, resolving ids, searching and
/// diagnosing need. Render a page from [`whole`].
pub fn catalogue() -> &'static Index {
    &parts().0
}

/// The entry `id` (exactly; resolve aliases in the catalogue first) with everything its page
/// shows, decoded on first use.
pub fn whole(id: &EntryId) -> Option<&'static Entry> {
    static DECODED: OnceLock<Vec<OnceLock<Entry>>> = OnceLock::new();
    let (catalogue, ranges) = parts();
    let at = catalogue.entries.binary_search_by(|e| e.id.cmp(id)).ok()?;
    let decoded = DECODED.get_or_init(|| ranges.iter().map(|_| OnceLock::new()).collect());
    Some(decoded[at].get_or_init(|| decode(ranges[at])))
}

/// The whole knowledge base, every entry with its page parts: for the web site and the MCP
/// server, which render pages from it.
pub fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let (catalogue, ranges) = parts();
        Index {
            revision: catalogue.revision.clone(),
            entries: ranges.iter().map(|&range| decode(range)).collect(),
            problems: catalogue.problems.clone(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use errdex_entry::{check, load_kb};
    use std::path::Path;

    /// The real knowledge base passes `errdex check`: the same check, inside `cargo test`.
    #[test]
    fn the_knowledge_base_has_no_problems() {
        let kb = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../kb");
        let loaded = load_kb(&kb).expect("kb/ is readable");
        let problems: Vec<String> = check(&loaded).iter().map(|p| p.to_string()).collect();
        assert!(
            problems.is_empty(),
            "errdex check found problems:\n{}",
            problems.join("\n")
        );
        assert!(!loaded.entries.is_empty());
    }

    /// The prose of an entry as 5-word shingles (lower case, words of letters and digits).
    fn shingles(e: &errdex_entry::Entry) -> std::collections::HashSet<u64> {
        use std::hash::{Hash, Hasher};
        let s = &e.sections;
        let mut text = [
            &s.meaning,
            &s.quick_fix,
            &s.why,
            &s.detection,
            &s.code_notes,
            &s.workaround,
            &s.prevention,
        ]
        .map(|t| t.as_str())
        .join(" ");
        for c in &s.causes {
            text.push(' ');
            text.push_str(&c.cause);
            text.push(' ');
            text.push_str(&c.fix);
        }
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        words
            .windows(5)
            .map(|w| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                w.hash(&mut h);
                h.finish()
            })
            .collect()
    }

    /// Issue 5: every page is written for its own error; no two entries share more than
    /// half of their prose (5-word runs, as a share of the shorter entry).
    #[test]
    fn no_two_entries_share_more_than_half_their_prose() {
        let entries: Vec<_> = index()
            .entries
            .iter()
            .filter(|e| e.status == errdex_entry::Status::Current)
            .map(|e| (e.id.to_string(), shingles(e)))
            .collect();
        let mut pairs = Vec::new();
        for (i, (a, sa)) in entries.iter().enumerate() {
            for (b, sb) in &entries[i + 1..] {
                let shared = sa.intersection(sb).count();
                let share = shared as f64 / sa.len().min(sb.len()).max(1) as f64;
                if share > 0.5 {
                    pairs.push(format!("{a} and {b}: {:.0}%", share * 100.0));
                }
            }
        }
        assert!(
            pairs.is_empty(),
            "entries sharing over half their prose:\n{}",
            pairs.join("\n")
        );
    }

    /// Issue 5: every entry cites where its facts come from.
    #[test]
    fn every_entry_cites_its_sources() {
        let bare: Vec<String> = index()
            .entries
            .iter()
            .filter(|e| e.sources.is_empty())
            .map(|e| e.id.to_string())
            .collect();
        assert!(bare.is_empty(), "entries without sources: {bare:?}");
    }

    /// Accuracy is measured on real reports that errdex must not have learned from: no
    /// entry cites a thread of the evaluation set (`../shared/eval/devset.jsonl`, beside
    /// the repository when it is there).
    #[test]
    fn no_entry_cites_an_evaluation_source() {
        let devset =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval/devset.jsonl");
        let Ok(text) = std::fs::read_to_string(&devset) else {
            eprintln!("skipped: no {}", devset.display());
            return;
        };
        let held: Vec<String> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| {
                v["source"]
                    .as_str()
                    .map(|s| s.trim_end_matches('/').to_string())
            })
            .collect();
        let mut cited = Vec::new();
        for e in &index().entries {
            for source in &e.sources {
                for url in source.split_whitespace().filter(|w| w.starts_with("http")) {
                    let url = url.trim_end_matches([')', ',', '.', '/']);
                    if held.iter().any(|h| h == url) {
                        cited.push(format!("{}: {url}", e.id));
                    }
                }
            }
        }
        assert!(
            cited.is_empty(),
            "entries citing evaluation sources:\n{}",
            cited.join("\n")
        );
    }

    /// The catalogue is the whole index with each entry's page parts stripped, in the same
    /// order, and `whole` gives back each entry as the index holds it.
    #[test]
    fn the_catalogue_is_the_index_stripped_and_whole_restores_each_entry() {
        let (catalogue, index) = (catalogue(), index());
        assert_eq!(catalogue.revision, index.revision);
        assert_eq!(catalogue.problems, index.problems);
        assert_eq!(catalogue.entries.len(), index.entries.len());
        for (light, full) in catalogue.entries.iter().zip(&index.entries) {
            let mut stripped = full.clone();
            stripped.strip_page_parts();
            assert_eq!(*light, stripped, "{}", full.id);
            assert_eq!(whole(&light.id), Some(full), "{}", full.id);
        }
        // The page parts are really absent from the catalogue, and present in the index.
        assert!(catalogue
            .entries
            .iter()
            .all(|e| e.verification_run.is_none()));
        assert!(index.entries.iter().any(|e| e.verification_run.is_some()));
        let unknown: EntryId = "openai/no-such-error".parse().unwrap();
        assert_eq!(whole(&unknown), None);
    }

    #[test]
    fn the_embedded_index_holds_every_entry_sorted_and_highlighted() {
        let index = index();
        assert!(index.problems.is_empty(), "{:?}", index.problems);
        assert!(index.entries.windows(2).all(|w| w[0].id < w[1].id));
        assert!(index.entries.iter().all(|e| e.file.starts_with("kb/")));
        let examples: Vec<_> = index
            .entries
            .iter()
            .flat_map(|e| &e.sections.examples)
            .collect();
        assert!(!examples.is_empty());
        assert!(examples.iter().all(|x| x
            .highlighted_ansi
            .as_deref()
            .is_some_and(|h| h.contains("\x1b["))));
        assert!(examples.iter().all(|x| x
            .highlighted_html
            .as_deref()
            .is_some_and(|h| h.contains("<span class=\"hl-"))));
        assert_eq!(index.revision.len(), 12);
    }
}
