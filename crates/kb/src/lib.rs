//! The knowledge base compiled into the binary. `build.rs` parses, checks and highlights
//! `kb/` at build time; at run time [`index`] deserialises it once (well under a
//! millisecond), so every reading command works offline from any directory.

use errdex_entry::Index;
use std::sync::OnceLock;

static COMPILED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/kb.postcard"));

/// The embedded knowledge base.
pub fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        postcard::from_bytes(COMPILED).expect("the build script wrote a valid index")
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
