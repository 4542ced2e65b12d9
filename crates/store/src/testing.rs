//! For tests of this crate and of its users: a fresh PostgreSQL database per test, on the
//! server named by `ERRDEX_TEST_DATABASE_URL`. Without that variable tests print
//! `skipped: …` and pass, unless `ERRDEX_REQUIRE_POSTGRES=1` (CI), when they fail.

use crate::StoreError;
use sqlx::Connection;

/// The server for PostgreSQL tests, or `None` after printing why the test skips. Panics
/// when `ERRDEX_REQUIRE_POSTGRES=1` and no server is named.
pub fn postgres_url() -> Option<String> {
    match std::env::var("ERRDEX_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                !std::env::var("ERRDEX_REQUIRE_POSTGRES").is_ok_and(|v| v == "1"),
                "ERRDEX_REQUIRE_POSTGRES=1 but ERRDEX_TEST_DATABASE_URL is not set"
            );
            println!("skipped: ERRDEX_TEST_DATABASE_URL is not set (no PostgreSQL server)");
            None
        }
    }
}

/// Creates an empty database `errdex_test_<random>` on the server of `url` and returns its
/// URL, so that tests running at the same time never see each other's rows.
pub async fn fresh_database(url: &str) -> Result<String, StoreError> {
    let name = format!("errdex_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .map_err(|source| StoreError::Open {
            what: "the test server".into(),
            source,
        })?;
    // A name made here of hex digits: nothing to quote.
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(with_database(url, &name))
}

/// `url` naming database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let host = rest.split_once('/').map_or(rest, |(host, _)| host);
    match query {
        Some(q) => format!("{scheme}://{host}/{name}?{q}"),
        None => format!("{scheme}://{host}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn replaces_the_database_name_and_keeps_the_rest() {
        use super::with_database;
        assert_eq!(
            with_database("postgres://u:p@h:5432/db?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
    }
}
