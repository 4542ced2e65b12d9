//! `errdex explain ID [--json]`

use crate::cli::ExplainArgs;
use crate::output::{self, Exit, Output};
use errdex_entry::views::EntryView;
use errdex_entry::{nearest_ids, EntryId, Resolved};

pub fn run(args: ExplainArgs, out: &Output) -> anyhow::Result<Exit> {
    // Ids resolve in the catalogue; only the entry shown is decoded whole.
    let index = errdex_kb::catalogue();
    let resolved = args.id.parse::<EntryId>().ok().and_then(|id| {
        // `resolve` borrows the id; look it up again in the index to return index borrows.
        let id = index.all_ids().find(|known| **known == id)?;
        index.resolve(id)
    });
    let entry = match resolved {
        Some(Resolved::Entry(entry)) => entry,
        Some(Resolved::Moved { from, to, retired }) => {
            let why = if retired.is_some() {
                "was retired"
            } else {
                "was renamed"
            };
            eprintln!("errdex: {from} {why}; showing its successor {}", to.id);
            to
        }
        None => {
            let near = nearest_ids(&args.id, index.all_ids(), 5);
            let mut message = format!("errdex: no entry `{}`.", args.id.trim());
            if near.is_empty() {
                message.push_str(" Run `errdex list` to see every id, or `errdex search WORDS`.");
            } else {
                message.push_str(" The nearest ids:");
                for id in near {
                    message.push_str(&format!("\n  {id}"));
                }
            }
            eprintln!("{message}");
            return Ok(Exit::Failure);
        }
    };
    let entry = errdex_kb::whole(&entry.id).expect("a catalogue entry is in the knowledge base");
    if args.json {
        output::json(out, &EntryView::new(entry))?;
    } else {
        out.print(&crate::render::entry(entry, out))?;
    }
    Ok(Exit::Success)
}
