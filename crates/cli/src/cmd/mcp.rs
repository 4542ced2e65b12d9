//! `errdex mcp`: the MCP server (crates/mcp) on stdin/stdout until the client closes
//! stdin. Stdout carries the protocol only; anything for people goes to stderr.

use crate::cli::McpArgs;
use crate::output::Exit;
use anyhow::Context;

pub fn run(_args: McpArgs) -> anyhow::Result<Exit> {
    let index = errdex_kb::index();
    eprintln!(
        "errdex mcp: {} entries (knowledge base {}), MCP over stdio; register with `claude mcp add errdex -- errdex mcp`",
        index.current(None, None).count(),
        index.revision
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let served = runtime.block_on(errdex_mcp::serve_stdio(index));
    // A read of stdin cannot be cancelled; do not wait for one when the service ends.
    runtime.shutdown_background();
    served.map_err(|e| anyhow::anyhow!("the MCP session failed: {e}"))?;
    Ok(Exit::Success)
}
