//! Checks of the knowledge base as a whole: what no single file can tell.

use crate::ids::EntryId;
use crate::load::Loaded;
use crate::model::Status;
use crate::Problem;
use std::collections::HashMap;
use std::path::PathBuf;

/// Every problem in a loaded knowledge base, sorted by file and line: those found while
/// parsing, plus duplicate ids and references to entries that do not exist.
pub fn check(loaded: &Loaded) -> Vec<Problem> {
    let mut problems = loaded.problems.clone();
    // Every id and alias, with the file that claims it.
    let mut claimed: HashMap<&EntryId, (PathBuf, usize)> = HashMap::new();
    let mut by_id: HashMap<&EntryId, &Status> = HashMap::new();
    for parsed in &loaded.entries {
        let entry = &parsed.entry;
        let file = PathBuf::from(&entry.file);
        by_id.insert(&entry.id, &entry.status);
        let claims = std::iter::once((&entry.id, 1)).chain(
            parsed
                .references
                .iter()
                .filter(|r| r.field == "aliases")
                .map(|r| (&r.id, r.line)),
        );
        for (id, line) in claims {
            if let Some((other, other_line)) = claimed.get(id) {
                problems.push(Problem::new(
                    &file,
                    line,
                    format!(
                        "duplicate id `{id}`: {}:{other_line} claims it too; ids are never reused",
                        other.display()
                    ),
                ));
            } else {
                claimed.insert(id, (file.clone(), line));
            }
        }
    }
    for parsed in &loaded.entries {
        let entry = &parsed.entry;
        for reference in parsed.references.iter().filter(|r| r.field != "aliases") {
            let what = match by_id.get(&reference.id) {
                None if claimed.contains_key(&reference.id) => {
                    Some("is an alias: name the entry's own id")
                }
                None => Some("does not exist"),
                Some(_) if reference.id == entry.id => Some("is this entry itself"),
                Some(Status::Retired { .. }) if reference.field == "successor" => {
                    Some("is retired itself: name the current entry that replaces it")
                }
                _ => None,
            };
            if let Some(what) = what {
                problems.push(Problem::new(
                    &entry.file,
                    reference.line,
                    format!("{} `{}` {what}", reference.field, reference.id),
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}
