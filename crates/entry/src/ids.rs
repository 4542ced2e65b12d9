//! Entry ids: `<provider>/<slug>`, permanent once published (they are URLs).

use crate::taxonomy::Provider;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The slug rule, quoted in error messages and in docs/writing-entries.md.
pub const SLUG_RULE: &str = "a slug is kebab-case ASCII: lowercase letters and digits in words \
joined by single hyphens (e.g. `authentication-error`, `rate-limit-v0`)";

/// The permanent id of an entry: its provider and its slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntryId {
    pub provider: Provider,
    pub slug: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error(
        "`{0}` is not an id: an id is `<provider>/<slug>`, e.g. `anthropic/authentication-error`"
    )]
    Shape(String),
    #[error("`{0}` is not a provider of taxonomy.md (expected one of: {expected})", expected = Provider::expected())]
    Provider(String),
    #[error("`{0}` is not a valid slug: {SLUG_RULE}")]
    Slug(String),
}

impl EntryId {
    pub fn new(provider: Provider, slug: &str) -> Result<Self, IdError> {
        if !is_slug(slug) {
            return Err(IdError::Slug(slug.to_string()));
        }
        Ok(EntryId {
            provider,
            slug: slug.to_string(),
        })
    }
}

/// Kebab-case: `[a-z0-9]+(-[a-z0-9]+)*`. Hand-written: a regex for this would cost more
/// to build than the check itself.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

impl FromStr for EntryId {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, IdError> {
        let s = s.trim().trim_matches('/');
        let s = s.strip_suffix(".md").unwrap_or(s);
        let (provider, slug) = s
            .split_once('/')
            .ok_or_else(|| IdError::Shape(s.to_string()))?;
        let provider =
            Provider::parse(provider).ok_or_else(|| IdError::Provider(provider.to_string()))?;
        EntryId::new(provider, slug)
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.provider, self.slug)
    }
}

/// The ids closest to `query` (by edit similarity of the whole id and of the slug), best
/// first, for "did you mean" messages.
pub fn nearest_ids<'a>(
    query: &str,
    ids: impl IntoIterator<Item = &'a EntryId>,
    n: usize,
) -> Vec<&'a EntryId> {
    let query = query.trim().to_ascii_lowercase();
    let query_slug = query.rsplit('/').next().unwrap_or(&query).to_string();
    let mut scored: Vec<(f64, &EntryId)> = ids
        .into_iter()
        .map(|id| {
            let whole = strsim::jaro_winkler(&query, &id.to_string());
            let slug = strsim::jaro_winkler(&query_slug, &id.slug);
            (whole.max(slug), id)
        })
        .filter(|(score, _)| *score > 0.6)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_ids() {
        let id: EntryId = "anthropic/authentication-error".parse().unwrap();
        assert_eq!(id.provider, Provider::Anthropic);
        assert_eq!(id.to_string(), "anthropic/authentication-error");
        assert_eq!(
            "/anthropic/authentication-error.md"
                .parse::<EntryId>()
                .unwrap(),
            id
        );
    }

    #[test]
    fn rejects_bad_ids_with_the_reason() {
        assert!(matches!(
            "anthropic".parse::<EntryId>(),
            Err(IdError::Shape(_))
        ));
        assert!(matches!(
            "claude/x".parse::<EntryId>(),
            Err(IdError::Provider(_))
        ));
        for slug in [
            "Auth",
            "auth_error",
            "auth--error",
            "-auth",
            "auth-",
            "../x",
            "",
        ] {
            assert!(
                matches!(
                    EntryId::new(Provider::Anthropic, slug),
                    Err(IdError::Slug(_))
                ),
                "{slug} accepted"
            );
        }
    }

    #[test]
    fn nearest_ids_puts_the_closest_first() {
        let ids: Vec<EntryId> = [
            "anthropic/authentication-error",
            "anthropic/missing-api-key",
            "fireworks/authentication-error",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let near = nearest_ids("anthropic/authentcation-error", &ids, 2);
        assert_eq!(near[0].to_string(), "anthropic/authentication-error");
    }
}
