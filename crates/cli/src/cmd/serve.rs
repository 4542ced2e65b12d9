//! `errdex serve [--addr HOST:PORT] [--database-url URL] [--data-dir DIR] [--trust-proxy]
//! [--notes-per-hour N] [--confirmations-per-hour N] [--header-timeout SECS]
//! [--request-timeout SECS]`: the web site and the JSON API
//! (crates/web), until SIGTERM or SIGINT. `ERRDEX_ADMIN_TOKEN` turns moderation on.

use crate::cli::ServeArgs;
use crate::output::Exit;
use std::time::Duration;

pub fn run(args: ServeArgs) -> anyhow::Result<Exit> {
    errdex_web::init_tracing();
    errdex_web::run(errdex_web::Config {
        addr: args.addr,
        store: errdex_web::StoreConfig {
            database_url: args.database_url,
            data_dir: args.data_dir,
        },
        notes: errdex_web::NotesOptions {
            admin_token: args.admin_token.filter(|t| !t.trim().is_empty()),
            trust_proxy: args.trust_proxy,
            notes_per_hour: args.notes_per_hour,
            confirmations_per_hour: args.confirmations_per_hour,
        },
        timeouts: errdex_web::Timeouts {
            header: Duration::from_secs(args.header_timeout),
            request: Duration::from_secs(args.request_timeout),
        },
    })?;
    Ok(Exit::Success)
}
