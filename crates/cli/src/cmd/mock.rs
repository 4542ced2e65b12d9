//! `errdex mock [--addr 127.0.0.1:PORT] [--list]`: serves errdex-mock until interrupted.

use crate::cli::MockArgs;
use crate::output::{Exit, Output, BOLD, CODE, DIM};
use anyhow::Context;

pub fn run(args: MockArgs, out: &Output) -> anyhow::Result<Exit> {
    if args.list {
        out.print(&list(out))?;
        return Ok(Exit::Success);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let addr = args.addr;
    runtime
        .block_on(errdex_mock::serve(addr, |bound| {
            eprintln!(
                "errdex mock listening on http://{bound}\n\
                 point an SDK at it, e.g. ANTHROPIC_BASE_URL=http://{bound}/anthropic/rate_limit\n\
                 `errdex mock --list` shows every provider and scenario; GET http://{bound}/_errdex/requests the request log"
            );
        }))
        .with_context(|| format!("cannot serve on {addr}"))?;
    Ok(Exit::Success)
}

fn list(out: &Output) -> String {
    let mut text = String::new();
    for (provider, scenarios) in errdex_mock::catalogue() {
        text.push_str(&format!(
            "{} {}\n",
            out.paint(BOLD, provider.as_str()),
            out.paint(
                DIM,
                &format!(
                    "base URL http://HOST:PORT/{}/<scenario>{} · models {}",
                    provider.as_str(),
                    provider.sdk_base_suffix(),
                    provider.models_path()
                )
            )
        ));
        let width = scenarios.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, what) in scenarios {
            text.push_str(&format!(
                "  {}{}  {what}\n",
                out.paint(CODE, name),
                " ".repeat(width - name.len())
            ));
        }
        text.push('\n');
    }
    text
}
