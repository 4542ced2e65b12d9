//! Checks of the knowledge base as a whole: what no single file can tell.

use crate::ids::EntryId;
use crate::load::Loaded;
use crate::model::Status;
use crate::Problem;
use std::collections::HashMap;
use std::path::PathBuf;

/// Every problem in a loaded knowledge base, sorted by file and line: those found while
/// parsing, plus duplicate ids, references to entries that do not exist, and related
/// links that are not returned (a reader of either page should find the other).
pub fn check(loaded: &Loaded) -> Vec<Problem> {
    let mut problems = loaded.problems.clone();
    // Every id and alias, with the file that claims it.
    let mut claimed: HashMap<&EntryId, (PathBuf, usize)> = HashMap::new();
    let mut by_id: HashMap<&EntryId, &Status> = HashMap::new();
    let mut related: HashMap<&EntryId, Vec<&EntryId>> = HashMap::new();
    for parsed in &loaded.entries {
        let entry = &parsed.entry;
        let file = PathBuf::from(&entry.file);
        by_id.insert(&entry.id, &entry.status);
        related.insert(
            &entry.id,
            entry
                .related
                .confused_with
                .iter()
                .chain(&entry.related.leads_to)
                .collect(),
        );
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
                Some(Status::Current)
                    if reference.field.starts_with("related.")
                        && entry.status == Status::Current
                        && !related
                            .get(&reference.id)
                            .is_some_and(|back| back.contains(&&entry.id)) =>
                {
                    Some("does not link back: add this entry to its `confused_with` or `leads_to`")
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
