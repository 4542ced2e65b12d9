//! The compiled knowledge base: what the binary embeds and every reader queries.

use crate::ids::EntryId;
use crate::model::{Entry, Status};
use crate::taxonomy::{Kind, Provider};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Index {
    /// A short hash of the knowledge-base files this index was compiled from.
    pub revision: String,
    /// Current and retired entries, sorted by id.
    pub entries: Vec<Entry>,
    /// Problems found when compiling; empty for a healthy build (`errdex check` lists them).
    pub problems: Vec<String>,
}

/// What an id leads to.
#[derive(Debug, Clone, Copy)]
pub enum Resolved<'a> {
    /// The entry itself.
    Entry(&'a Entry),
    /// An earlier id of `entry` (renamed), or a retired entry and its successor.
    Moved {
        from: &'a EntryId,
        to: &'a Entry,
        retired: Option<&'a Entry>,
    },
}

impl Index {
    pub fn get(&self, id: &EntryId) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.id.cmp(id))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// Follows aliases and retired entries to the entry a reader should see.
    pub fn resolve<'a>(&'a self, id: &'a EntryId) -> Option<Resolved<'a>> {
        if let Some(entry) = self.get(id) {
            return Some(match &entry.status {
                Status::Current => Resolved::Entry(entry),
                Status::Retired { successor } => {
                    let to = self.follow(successor)?;
                    Resolved::Moved {
                        from: id,
                        to,
                        retired: Some(entry),
                    }
                }
            });
        }
        let to = self.entries.iter().find(|e| e.aliases.contains(id))?;
        Some(Resolved::Moved {
            from: id,
            to: self.follow(&to.id)?,
            retired: None,
        })
    }

    /// The current entry at the end of a successor chain (bounded: `check` forbids a
    /// retired successor, but a hand-built index must not loop).
    fn follow(&self, id: &EntryId) -> Option<&Entry> {
        let mut entry = self.get(id)?;
        for _ in 0..8 {
            match &entry.status {
                Status::Current => return Some(entry),
                Status::Retired { successor } => entry = self.get(successor)?,
            }
        }
        None
    }

    /// Current entries, optionally filtered.
    pub fn current(
        &self,
        provider: Option<Provider>,
        kind: Option<Kind>,
    ) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(move |e| {
            e.status == Status::Current
                && provider.is_none_or(|p| e.provider == p)
                && kind.is_none_or(|k| e.kind == k)
        })
    }

    /// Every id a reader may type: entries (current and retired) and aliases.
    pub fn all_ids(&self) -> impl Iterator<Item = &EntryId> {
        self.entries
            .iter()
            .flat_map(|e| std::iter::once(&e.id).chain(e.aliases.iter()))
    }
}
