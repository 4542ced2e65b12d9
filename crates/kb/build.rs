//! Compiles `kb/` into the index the binary embeds: parse and check every entry, highlight
//! every code example for the terminal and for the web site (expensive, so done here rather than at start-up),
//! and write the result with postcard: `$OUT_DIR/entries.bin` (each whole entry on its own)
//! and `$OUT_DIR/catalogue.postcard` (the index of stripped entries, and where each whole one
//! lies).
//!
//! A knowledge base with problems still builds — with the entries that parsed and the
//! problems recorded — so that `errdex check` can be run to list them; `cargo test` fails on
//! them.

use errdex_entry::record::{examples_digest, VerificationRecord};
use errdex_entry::{check, load_kb, Entry, Index, Language, Verification};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use syntect::easy::HighlightLines;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::{as_24_bit_terminal_escaped, LinesWithEndings};

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let kb = std::env::var_os("ERRDEX_KB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../kb"));
    println!("cargo:rerun-if-env-changed=ERRDEX_KB_DIR");
    println!("cargo:rerun-if-changed={}", kb.display());

    let loaded = load_kb(&kb).unwrap_or_else(|e| panic!("{e}"));
    let problems: Vec<String> = check(&loaded)
        .into_iter()
        .map(|mut p| {
            p.file = relative(&kb, &p.file).into();
            p.to_string()
        })
        .collect();
    for problem in problems.iter().take(20) {
        println!("cargo:warning=knowledge base: {problem}");
    }
    if !problems.is_empty() {
        println!(
            "cargo:warning=knowledge base: {} problem(s); run `cargo run -- check` for the full list",
            problems.len()
        );
    }

    let mut entries: Vec<Entry> = loaded.entries.into_iter().map(|p| p.entry).collect();
    entries.sort_by(|a, b| a.id.cmp(&b.id));
    for entry in &mut entries {
        // Messages name the file relative to the repository, not the build machine.
        entry.file = relative(&kb, Path::new(&entry.file));
    }
    let records = std::env::var_os("ERRDEX_VERIFICATION_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../verification"));
    println!("cargo:rerun-if-env-changed=ERRDEX_VERIFICATION_DIR");
    println!("cargo:rerun-if-changed={}", records.display());
    apply_records(&records, &mut entries);
    highlight(&mut entries);

    // Two files, so that a command that shows one page decodes one entry: each whole entry
    // on its own (`entries.bin`, their byte ranges in the catalogue), and the catalogue —
    // the index with every entry stripped of what only a page shows.
    let mut whole = Vec::new();
    let mut ranges = Vec::with_capacity(entries.len());
    for entry in &entries {
        let start = whole.len();
        whole.extend(postcard::to_stdvec(entry).expect("an entry serialises"));
        ranges.push((start as u32, whole.len() as u32));
    }
    for entry in &mut entries {
        entry.strip_page_parts();
    }
    let index = Index {
        revision: revision(&kb),
        entries,
        problems,
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let write = |name: &str, bytes: &[u8]| {
        let path = out.join(name);
        std::fs::write(&path, bytes)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    };
    write(
        "catalogue.postcard",
        &postcard::to_stdvec(&(index, ranges)).expect("the catalogue serialises"),
    );
    write("entries.bin", &whole);
}

/// Compiles `verification/<provider>/<slug>.json` (written by `errdex verify`) into the
/// entries: status, date, SDK, captured traceback, transcript. A record that no longer
/// matches its entry's examples is left out, so the page says "not verified" rather than
/// vouching for code that was not run.
fn apply_records(dir: &Path, entries: &mut [Entry]) {
    for entry in entries.iter_mut() {
        if matches!(entry.verification, Verification::Unverifiable { .. }) {
            continue;
        }
        let rel = format!("verification/{}.json", entry.id);
        let path = dir.join(format!("{}.json", entry.id));
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        match serde_json::from_str::<VerificationRecord>(&text) {
            Ok(record) if record.examples_digest != examples_digest(entry) => println!(
                "cargo:warning={rel}: stale (the examples changed since); run `errdex verify --entry {}`",
                entry.id
            ),
            Ok(record) => record.apply(entry, &rel),
            Err(e) => println!("cargo:warning={rel}: unreadable record: {e}"),
        }
    }
}

fn relative(kb: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(kb).unwrap_or(file);
    format!("kb/{}", rel.display())
}

/// Terminal colours for every example, with syntect's bundled grammars (TypeScript is
/// highlighted with the JavaScript grammar, the closest one bundled).
fn highlight(entries: &mut [Entry]) {
    let syntaxes = SyntaxSet::load_defaults_newlines();
    let themes = ThemeSet::load_defaults();
    let theme = &themes.themes["base16-ocean.dark"];
    for example in entries
        .iter_mut()
        .flat_map(|e| e.sections.examples.iter_mut())
    {
        let extension = match example.language {
            Language::Python => "py",
            Language::Typescript => "js",
        };
        let syntax = syntaxes
            .find_syntax_by_extension(extension)
            .unwrap_or_else(|| syntaxes.find_syntax_plain_text());
        let mut lines = HighlightLines::new(syntax, theme);
        let mut out = String::new();
        for line in LinesWithEndings::from(&example.code) {
            match lines.highlight_line(line, &syntaxes) {
                Ok(ranges) => out.push_str(&as_24_bit_terminal_escaped(&ranges, false)),
                Err(_) => out.push_str(line),
            }
        }
        out.push_str("\x1b[0m");
        example.highlighted_ansi = Some(out);
        example.highlighted_html = Some(highlight_html(&example.code, syntax, &syntaxes));
    }
}

/// Classed HTML spans (`<span class="hl-keyword hl-control">`) for the web site: the
/// colours live in its CSS, so light and dark mode share the markup.
fn highlight_html(code: &str, syntax: &SyntaxReference, syntaxes: &SyntaxSet) -> String {
    let mut html = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        syntaxes,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        if html
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return escape_html(code);
        }
    }
    html.finalize()
}

fn escape_html(code: &str) -> String {
    code.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A short content hash of every file under `kb/`, stable across machines.
fn revision(kb: &Path) -> String {
    let mut files = Vec::new();
    collect(kb, &mut files);
    files.sort();
    let mut hash = Sha256::new();
    for file in files {
        hash.update(relative(kb, &file).as_bytes());
        hash.update([0]);
        hash.update(std::fs::read(&file).unwrap_or_default());
        hash.update([0]);
    }
    hash.finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
