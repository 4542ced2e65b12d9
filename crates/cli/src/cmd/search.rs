//! `errdex search WORDS… [--limit N] [--json]`

use crate::cli::SearchArgs;
use crate::output::{self, Exit, Output, BOLD, DIM};
use serde::Serialize;

#[derive(Serialize)]
struct SearchResult<'a> {
    id: String,
    title: &'a str,
    provider: &'static str,
    kind: &'static str,
    score: f32,
    snippet: String,
}

pub fn run(args: SearchArgs, out: &Output) -> anyhow::Result<Exit> {
    let index = errdex_kb::catalogue();
    let searcher = errdex_search::Searcher::new(&index.entries)?;
    let query = args.query.join(" ");
    let hits = searcher.search(&query, args.limit)?;
    let results: Vec<SearchResult> = hits
        .into_iter()
        .filter_map(|hit| {
            let entry = index.get(&hit.id)?;
            Some(SearchResult {
                id: hit.id.to_string(),
                title: &entry.title,
                provider: entry.provider.as_str(),
                kind: entry.kind.as_str(),
                score: hit.score,
                snippet: hit.snippet,
            })
        })
        .collect();
    if args.json {
        output::json(out, &results)?;
    } else if results.is_empty() {
        eprintln!("errdex: no entry matches `{query}`; try fewer or other words, or `errdex list`");
    } else {
        let mut text = String::new();
        for (n, r) in results.iter().enumerate() {
            text.push_str(&format!(
                "{}. {}  {}\n",
                n + 1,
                out.paint(BOLD, &r.id),
                r.title
            ));
            let snippet: String = r.snippet.chars().take(160).collect();
            text.push_str(&format!("   {}\n", out.paint(DIM, &snippet)));
        }
        out.print(&text)?;
    }
    Ok(if results.is_empty() {
        Exit::Failure
    } else {
        Exit::Success
    })
}
