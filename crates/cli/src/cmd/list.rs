//! `errdex list [--provider P] [--kind K] [--json]`

use crate::cli::ListArgs;
use crate::output::{self, Exit, Output, DIM};
use errdex_entry::views::ListItem;

pub fn run(args: ListArgs, out: &Output) -> anyhow::Result<Exit> {
    let entries: Vec<_> = errdex_kb::catalogue()
        .current(args.provider, args.kind)
        .collect();
    if args.json {
        let items: Vec<ListItem> = entries.iter().map(|e| ListItem::new(e)).collect();
        output::json(out, &items)?;
        return Ok(Exit::Success);
    }
    let width = entries
        .iter()
        .map(|e| e.id.to_string().len())
        .max()
        .unwrap_or(0);
    let kind_width = entries
        .iter()
        .map(|e| e.kind.as_str().len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for e in &entries {
        let status = e.http_status.map_or("   ".to_string(), |s| s.to_string());
        text.push_str(&format!(
            "{:width$}  {:kind_width$}  {}  {}\n",
            e.id.to_string(),
            e.kind.as_str(),
            out.paint(DIM, &status),
            e.title
        ));
    }
    text.push_str(&out.paint(DIM, &format!("{} entries\n", entries.len())));
    out.print(&text)?;
    Ok(Exit::Success)
}
