//! The front matter exactly as written, before validation. Unknown fields are rejected;
//! values that need checking keep their span so problems can name the line.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    pub title: Spanned<String>,
    pub summary: Spanned<String>,
    pub provider: Spanned<String>,
    pub kind: Spanned<String>,
    #[serde(default)]
    pub http_status: Option<Spanned<u16>>,
    #[serde(default)]
    pub error_codes: Vec<Spanned<String>>,
    pub severity: Spanned<String>,
    pub difficulty: Spanned<String>,
    pub time_to_fix: Spanned<String>,
    pub retryable: bool,
    #[serde(default)]
    pub status: Option<Spanned<String>>,
    #[serde(default)]
    pub successor: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub unverifiable: Option<Spanned<String>>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub exceptions: Vec<Spanned<RawException>>,
    #[serde(default)]
    pub signals: RawSignals,
    #[serde(default)]
    pub compatibility: Vec<Spanned<RawCompatibility>>,
    #[serde(default)]
    pub related: RawRelated,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawException {
    pub language: Spanned<String>,
    pub sdk: String,
    pub versions: Spanned<String>,
    pub class: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignals {
    #[serde(default)]
    pub literals: Vec<Spanned<String>>,
    #[serde(default)]
    pub regexes: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCompatibility {
    pub language: Spanned<String>,
    pub runtime: String,
    pub sdk: String,
    pub versions: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelated {
    #[serde(default)]
    pub confused_with: Vec<Spanned<String>>,
    #[serde(default)]
    pub leads_to: Vec<Spanned<String>>,
}
