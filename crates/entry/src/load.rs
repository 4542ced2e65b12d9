//! `load_kb`: a knowledge-base folder on disk → parsed entries and every problem found.

use crate::ids::{is_slug, EntryId, SLUG_RULE};
use crate::parse::{parse_entry, Parsed};
use crate::taxonomy::Provider;
use crate::Problem;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read the knowledge base at {path}: {source} (run from the repository root or pass --kb PATH)")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Everything read from a knowledge-base folder: the entries that parsed, and the problems.
#[derive(Debug, Default)]
pub struct Loaded {
    pub entries: Vec<Parsed>,
    pub problems: Vec<Problem>,
}

/// Reads `root/<provider>/<slug>.md` for every entry. Files other than `.md` are ignored
/// (README files included); a Markdown file in the wrong place is a problem.
pub fn load_kb(root: &Path) -> Result<Loaded, LoadError> {
    let read_dir = |path: &Path| {
        let mut items: Vec<PathBuf> = std::fs::read_dir(path)
            .and_then(|rd| rd.map(|e| e.map(|e| e.path())).collect())
            .map_err(|source| LoadError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        items.sort();
        Ok::<_, LoadError>(items)
    };
    let mut loaded = Loaded::default();
    for dir in read_dir(root)? {
        if !dir.is_dir() {
            continue;
        }
        let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if dir_name.starts_with('.') {
            continue;
        }
        let provider = Provider::parse(dir_name);
        for path in read_dir(&dir)? {
            if path.is_dir() {
                if has_markdown(&path) {
                    loaded.problems.push(Problem::new(
                        &path,
                        1,
                        "entries live at kb/<provider>/<slug>.md; move the files out of this sub-folder",
                    ));
                }
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("md") {
                continue;
            }
            let Some(provider) = provider else {
                loaded.problems.push(Problem::new(
                    &path,
                    1,
                    format!(
                        "folder `{dir_name}` is not a provider of taxonomy.md ({})",
                        Provider::expected()
                    ),
                ));
                continue;
            };
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if !is_slug(stem) {
                loaded.problems.push(Problem::new(
                    &path,
                    1,
                    format!("file name `{stem}.md` is not a valid slug: {SLUG_RULE}"),
                ));
                continue;
            }
            let id = EntryId::new(provider, stem).expect("slug checked above");
            let text = match std::fs::read(&path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(_) => {
                        loaded.problems.push(Problem::new(
                            &path,
                            1,
                            "the file is not UTF-8: save it as UTF-8",
                        ));
                        continue;
                    }
                },
                Err(source) => return Err(LoadError::Read { path, source }),
            };
            match parse_entry(&path, id, &text) {
                Ok(parsed) => loaded.entries.push(parsed),
                Err(problems) => loaded.problems.extend(problems),
            }
        }
    }
    Ok(loaded)
}

fn has_markdown(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "md"))
        })
        .unwrap_or(false)
}
