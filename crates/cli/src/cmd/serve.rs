//! `errdex serve [--addr HOST:PORT] [--database-url URL] [--data-dir DIR]`: the web site
//! and the JSON API (crates/web), until SIGTERM or SIGINT.

use crate::cli::ServeArgs;
use crate::output::Exit;

pub fn run(args: ServeArgs) -> anyhow::Result<Exit> {
    errdex_web::init_tracing();
    errdex_web::run(errdex_web::Config {
        addr: args.addr,
        store: errdex_web::StoreConfig {
            database_url: args.database_url,
            data_dir: args.data_dir,
        },
    })?;
    Ok(Exit::Success)
}
