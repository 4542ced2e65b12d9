//! `errdex list [--provider P] [--kind K] [--json]`

use crate::cli::ListArgs;
use crate::output::{self, Exit, Output, DIM};
use errdex_entry::views::ListItem;
use errdex_entry::{Kind, Provider};

pub fn run(args: ListArgs, out: &Output) -> anyhow::Result<Exit> {
    let provider = args.provider.as_deref().map(parse_provider).transpose()?;
    let kind = args.kind.as_deref().map(parse_kind).transpose()?;
    let entries: Vec<_> = errdex_kb::index().current(provider, kind).collect();
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

pub fn parse_provider(text: &str) -> anyhow::Result<Provider> {
    Provider::parse(text.trim()).ok_or_else(|| {
        anyhow::anyhow!(
            "unknown provider `{text}`: use one of {}",
            Provider::expected()
        )
    })
}

pub fn parse_kind(text: &str) -> anyhow::Result<Kind> {
    Kind::parse(text.trim())
        .ok_or_else(|| anyhow::anyhow!("unknown kind `{text}`: use one of {}", Kind::expected()))
}
