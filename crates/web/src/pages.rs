//! HTML for people: the home page, entry pages, listings by provider and kind, search, and
//! the diagnosis form's results. Templates are askama (checked at compile time, escaped by
//! default); the few fragments marked `|safe` come from [`crate::markdown`] (sanitised) or
//! from the build-time highlighter (escaped by syntect).

use crate::cache::{Cached, Piece, Slot, Slots, REVALIDATE};
use crate::error::{AppError, FormData, QueryArgs};
use crate::markdown::{inline_html, to_html};
use crate::{ops, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use errdex_entry::views::{difficulty, language, severity};
use errdex_entry::{Entry, EntryId, Index, Kind, Provider, Resolved, Role, Verification};
use serde::Deserialize;

/// Rendered pages that only change with the binary.
pub struct Pages {
    pub(crate) llms: Slot,
    pub(crate) api_entries: Slots,
    home: Slot,
    entries: Slots<EntryStatic>,
    verifications: Slots,
    providers: Slots,
    kinds: Slots,
}

impl Pages {
    pub fn new(entries: usize, providers: usize, kinds: usize) -> Self {
        Pages {
            llms: Slot::default(),
            api_entries: Slots::new(entries),
            home: Slot::default(),
            entries: Slots::new(entries),
            verifications: Slots::new(entries),
            providers: Slots::new(providers),
            kinds: Slots::new(kinds),
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/errors/{provider}", get(provider_page))
        .route("/errors/{provider}/{slug}", get(entry_page))
        .route(
            "/errors/{provider}/{slug}/verification",
            get(verification_page),
        )
        .route("/kinds/{kind}", get(kind_page))
        .route("/search", get(search_page))
        .route("/diagnose", post(diagnose_form))
}

/// What every page's frame needs.
pub struct Layout {
    pub title: String,
    pub description: String,
    pub query: String,
    pub css: &'static str,
    pub js: &'static str,
    pub revision: &'static str,
    pub entries: usize,
}

impl Layout {
    pub fn new(
        index: &'static Index,
        title: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Layout {
            title: title.into(),
            description: description.into(),
            query: String::new(),
            css: ops::css_url(),
            js: ops::js_url(),
            revision: &index.revision,
            entries: index.current(None, None).count(),
        }
    }
}

fn html_page(template: &impl Template) -> Result<Vec<u8>, AppError> {
    template
        .render()
        .map(String::into_bytes)
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

fn cached(
    slot: &Slot,
    request: &HeaderMap,
    render: impl FnOnce() -> Result<Vec<u8>, AppError>,
) -> Result<Response, AppError> {
    // A render error is not cached: the next request tries again.
    if let Some(page) = slot.get() {
        return Ok(page.respond(request));
    }
    let body = render()?;
    let page = slot.get_or_init(|| Cached::new("text/html; charset=utf-8", REVALIDATE, body));
    Ok(page.respond(request))
}

// ---------------------------------------------------------------- home

struct Count {
    name: &'static str,
    href: String,
    count: usize,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    providers: Vec<Count>,
    kinds: Vec<Count>,
}

async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    cached(&state.pages().home, &headers, || {
        let index = state.index();
        let count = |p: Option<Provider>, k: Option<Kind>| index.current(p, k).count();
        html_page(&HomePage {
            layout: Layout::new(
                index,
                "The error index for LLM APIs",
                "Paste an error from Anthropic, OpenAI and other LLM APIs and SDKs: what it means and how to fix it.",
            ),
            providers: Provider::ALL
                .iter()
                .map(|p| Count {
                    name: p.as_str(),
                    href: format!("/errors/{p}"),
                    count: count(Some(*p), None),
                })
                .filter(|c| c.count > 0)
                .collect(),
            kinds: Kind::ALL
                .iter()
                .map(|k| Count {
                    name: k.as_str(),
                    href: format!("/kinds/{k}"),
                    count: count(None, Some(*k)),
                })
                .filter(|c| c.count > 0)
                .collect(),
        })
    })
}

// ---------------------------------------------------------------- entry

struct ExampleHtml {
    id: String,
    sdk: String,
    raises: Option<String>,
    code_html: String,
}

struct ExamplePair {
    language: &'static str,
    broken: Option<ExampleHtml>,
    fixed: Option<ExampleHtml>,
}

struct Link {
    href: String,
    id: String,
    title: String,
}

struct CauseHtml {
    cause: String,
    fix: String,
}

struct Exception {
    class: String,
    sdks: String,
}

struct CompatibilityRow {
    language: &'static str,
    runtime: String,
    sdk: String,
    versions: String,
    tested: String,
}

#[derive(Template)]
#[template(path = "entry.html")]
struct EntryPage<'a> {
    layout: Layout,
    e: &'a Entry,
    href: String,
    severity: &'static str,
    difficulty: &'static str,
    exceptions: Vec<Exception>,
    meaning: String,
    stack_trace: Option<String>,
    runtime: Option<String>,
    quick_fix: String,
    why: String,
    detection: String,
    causes: Vec<CauseHtml>,
    code_notes: String,
    pairs: Vec<ExamplePair>,
    workaround: String,
    prevention: String,
    compatibility: Vec<CompatibilityRow>,
    verification: VerificationLine,
    confused_with: Vec<Link>,
    leads_to: Vec<Link>,
    sources: Vec<Source>,
    sdks: Vec<String>,
    notes_slot: &'static str,
    notes_min: usize,
    notes_max: usize,
    name_max: usize,
}

/// The static part of an entry page, compressed in two pieces around the notes slot.
pub struct EntryStatic {
    pub head: Piece,
    pub tail: Piece,
}

struct Source {
    text: String,
    url: Option<String>,
}

struct VerificationLine {
    status: &'static str,
    text: String,
}

fn verification_line(v: &Verification) -> VerificationLine {
    let text = match v {
        Verification::NotRun => {
            "Not verified yet: `errdex verify` has not run the examples against the real SDK."
                .to_string()
        }
        Verification::Passed { date, sdk } => format!("Verified on {date} with {sdk}."),
        Verification::Failed { date, sdk } => format!(
            "Verification FAILED on {date} with {sdk}: the examples on this page did not behave as stated."
        ),
        Verification::Unverifiable { reason } => format!("Cannot be verified automatically: {reason}"),
    };
    VerificationLine {
        status: v.label(),
        text,
    }
}

pub fn entry_href(id: &EntryId) -> String {
    format!("/errors/{}/{}", id.provider, id.slug)
}

fn links(index: &Index, ids: &[EntryId]) -> Vec<Link> {
    ids.iter()
        .map(|id| Link {
            href: entry_href(id),
            id: id.to_string(),
            title: index.get(id).map(|e| e.title.clone()).unwrap_or_default(),
        })
        .collect()
}

fn render_entry(index: &'static Index, e: &Entry) -> Result<EntryStatic, AppError> {
    let s = &e.sections;
    let mut exceptions: Vec<Exception> = Vec::new();
    for x in &e.exceptions {
        let sdk = format!("{} {} ({})", x.sdk, x.versions, language(x.language));
        match exceptions.iter_mut().find(|c| c.class == x.class) {
            Some(c) => c.sdks = format!("{}; {sdk}", c.sdks),
            None => exceptions.push(Exception {
                class: x.class.clone(),
                sdks: sdk,
            }),
        }
    }
    let mut pairs: Vec<ExamplePair> = Vec::new();
    for (n, x) in s.examples.iter().enumerate() {
        let html = ExampleHtml {
            id: format!("code-{n}"),
            sdk: format!("{} {}", x.sdk, x.sdk_versions),
            raises: x.raises.clone(),
            code_html: x
                .highlighted_html
                .clone()
                .unwrap_or_else(|| escape(&x.code)),
        };
        let lang = language(x.language);
        let pair = match pairs.iter_mut().find(|p| {
            p.language == lang
                && match x.role {
                    Role::Broken => p.broken.is_none(),
                    Role::Fixed => p.fixed.is_none(),
                }
        }) {
            Some(p) => p,
            None => {
                pairs.push(ExamplePair {
                    language: lang,
                    broken: None,
                    fixed: None,
                });
                pairs.last_mut().expect("just pushed")
            }
        };
        match x.role {
            Role::Broken => pair.broken = Some(html),
            Role::Fixed => pair.fixed = Some(html),
        }
    }
    let run = e.verification_run.as_deref();
    // `tested_on` holds `<sdk> <version>` of every passing run; a row shows the runs of its
    // SDK whose version falls in the row's range.
    let tested = |sdk: &str, range: &str| {
        let range = semver::VersionReq::parse(range).ok();
        let versions: Vec<&str> = run
            .map(|r| {
                r.tested_on
                    .iter()
                    .filter(|t| {
                        let (name, version) = t.split_once(' ').unwrap_or((t.as_str(), ""));
                        name == sdk
                            && match (&range, semver::Version::parse(version.trim())) {
                                (Some(range), Ok(v)) => range.matches(&v),
                                _ => true,
                            }
                    })
                    .map(String::as_str)
                    .collect()
            })
            .unwrap_or_default();
        if versions.is_empty() {
            "not yet".to_string()
        } else {
            versions.join(", ")
        }
    };
    let page = EntryPage {
        layout: Layout::new(index, e.title.clone(), e.summary.clone()),
        href: entry_href(&e.id),
        severity: severity(e.severity),
        difficulty: difficulty(e.difficulty),
        exceptions,
        meaning: to_html(&s.meaning),
        stack_trace: run
            .map(|r| r.stack_trace.trim_end().to_string())
            .filter(|t| !t.is_empty()),
        runtime: run.map(|r| r.runtime.clone()),
        quick_fix: to_html(&s.quick_fix),
        why: to_html(&s.why),
        detection: to_html(&s.detection),
        causes: s
            .causes
            .iter()
            .map(|c| CauseHtml {
                cause: inline_html(&c.cause),
                fix: inline_html(&c.fix),
            })
            .collect(),
        code_notes: to_html(&s.code_notes),
        pairs,
        workaround: to_html(&s.workaround),
        prevention: to_html(&s.prevention),
        compatibility: e
            .compatibility
            .iter()
            .map(|c| CompatibilityRow {
                language: language(c.language),
                runtime: c.runtime.clone(),
                sdk: c.sdk.clone(),
                versions: c.versions.clone(),
                tested: tested(&c.sdk, &c.versions),
            })
            .collect(),
        verification: verification_line(&e.verification),
        confused_with: links(index, &e.related.confused_with),
        leads_to: links(index, &e.related.leads_to),
        sources: e
            .sources
            .iter()
            .map(|s| Source {
                text: s.clone(),
                url: (s.starts_with("https://") || s.starts_with("http://")).then(|| s.clone()),
            })
            .collect(),
        sdks: crate::notes::sdk_names(e),
        notes_slot: crate::notes::SLOT,
        notes_min: crate::notes::TEXT_MIN,
        notes_max: crate::notes::TEXT_MAX,
        name_max: crate::notes::NAME_MAX,
        e,
    };
    let html = String::from_utf8(html_page(&page)?).expect("templates render UTF-8");
    let (head, tail) = html
        .split_once(crate::notes::SLOT)
        .ok_or_else(|| AppError::Internal("the entry template has no notes slot".into()))?;
    Ok(EntryStatic {
        head: Piece::new(head.as_bytes().to_vec(), true),
        tail: Piece::new(tail.as_bytes().to_vec(), false),
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The entry an id in a URL names, or where it moved (retired or renamed: 301).
pub enum Lookup<'a> {
    Found(usize, &'a Entry),
    Moved(&'a EntryId),
}

pub fn lookup<'a>(index: &'a Index, provider: &str, slug: &str) -> Result<Lookup<'a>, AppError> {
    let not_found = || {
        AppError::NotFound(format!(
            "there is no entry `{provider}/{slug}`; search for it, or see the list of entries"
        ))
    };
    // Parsing checks the provider against the taxonomy and the slug against the slug rule,
    // so `..`, `%2f` and friends never get further than this.
    let provider = Provider::parse(provider).ok_or_else(not_found)?;
    let id = EntryId::new(provider, slug).map_err(|_| not_found())?;
    let known = index.all_ids().find(|k| **k == id).ok_or_else(not_found)?;
    match index.resolve(known).ok_or_else(not_found)? {
        Resolved::Entry(entry) => {
            let position = index
                .entries
                .binary_search_by(|e| e.id.cmp(&entry.id))
                .map_err(|_| not_found())?;
            Ok(Lookup::Found(position, entry))
        }
        Resolved::Moved { to, .. } => Ok(Lookup::Moved(&to.id)),
    }
}

async fn entry_page(
    State(state): State<AppState>,
    Path((provider, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let index = state.index();
    match lookup(index, &provider, &slug)? {
        Lookup::Moved(to) => Ok(crate::moved(&entry_href(to))),
        Lookup::Found(n, entry) => {
            let static_part = state
                .pages()
                .entries
                .get(n)
                .get_or_try_init(|| render_entry(index, entry))?;
            // The page works when the database does not: the notes say they are unavailable.
            let (fresh, hit) = match crate::notes::fresh(&state, n, entry).await {
                Ok(found) => found,
                Err(AppError::Unavailable(_)) => (
                    std::sync::Arc::new(crate::notes::unavailable(entry)?),
                    false,
                ),
                Err(e) => return Err(e),
            };
            let mut response = fresh.page(static_part).respond(&headers);
            crate::notes::mark_cache(&mut response, hit);
            Ok(response)
        }
    }
}

#[derive(Template)]
#[template(path = "verification.html")]
struct VerificationPage<'a> {
    layout: Layout,
    e: &'a Entry,
    href: String,
    verification: VerificationLine,
    run: Option<&'a errdex_entry::VerificationRun>,
}

async fn verification_page(
    State(state): State<AppState>,
    Path((provider, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let index = state.index();
    match lookup(index, &provider, &slug)? {
        Lookup::Moved(to) => Ok(crate::moved(&format!("{}/verification", entry_href(to)))),
        Lookup::Found(n, e) => cached(state.pages().verifications.get(n), &headers, || {
            html_page(&VerificationPage {
                layout: Layout::new(
                    index,
                    format!("Verification: {}", e.title),
                    format!("How errdex verified {}", e.id),
                ),
                href: entry_href(&e.id),
                verification: verification_line(&e.verification),
                run: e.verification_run.as_deref(),
                e,
            })
        }),
    }
}

// ---------------------------------------------------------------- listings

struct Row {
    href: String,
    id: String,
    title: String,
    summary: String,
    kind: &'static str,
    http_status: String,
    severity: &'static str,
}

fn row(e: &Entry) -> Row {
    Row {
        href: entry_href(&e.id),
        id: e.id.to_string(),
        title: e.title.clone(),
        summary: e.summary.clone(),
        kind: e.kind.as_str(),
        http_status: e
            .http_status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "—".into()),
        severity: severity(e.severity),
    }
}

struct FilterOption {
    value: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    layout: Layout,
    heading: String,
    action: String,
    filter_name: &'static str,
    filter_label: &'static str,
    options: Vec<FilterOption>,
    rows: Vec<Row>,
}

#[derive(Deserialize)]
struct ListingFilter {
    provider: Option<String>,
    kind: Option<String>,
}

fn filter_value<T: Copy>(
    text: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    name: &str,
    expected: impl Fn() -> String,
) -> Result<Option<T>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => parse(t).map(Some).ok_or_else(|| {
            AppError::BadRequest(format!("`{t}` is not a {name}; use one of {}", expected()))
        }),
    }
}

async fn provider_page(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    QueryArgs(filter): QueryArgs<ListingFilter>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let index = state.index();
    let p = Provider::parse(&provider).ok_or_else(|| {
        AppError::NotFound(format!("`{provider}` is not a provider errdex knows"))
    })?;
    let kind = filter_value(filter.kind.as_deref(), Kind::parse, "kind", Kind::expected)?;
    let render = || {
        html_page(&ListingPage {
            layout: Layout::new(
                index,
                format!("{p} errors"),
                format!("Every {p} error errdex knows, with what it means and how to fix it."),
            ),
            heading: format!("{p} errors"),
            action: format!("/errors/{p}"),
            filter_name: "kind",
            filter_label: "Kind",
            options: Kind::ALL
                .iter()
                .filter(|k| index.current(Some(p), Some(**k)).next().is_some())
                .map(|k| FilterOption {
                    value: k.as_str(),
                    selected: Some(*k) == kind,
                })
                .collect(),
            rows: index.current(Some(p), kind).map(row).collect(),
        })
    };
    if kind.is_some() {
        return Ok(Html(render()?).into_response());
    }
    let n = Provider::ALL.iter().position(|x| *x == p).expect("in ALL");
    cached(state.pages().providers.get(n), &headers, render)
}

async fn kind_page(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    QueryArgs(filter): QueryArgs<ListingFilter>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let index = state.index();
    let k = Kind::parse(&kind).ok_or_else(|| {
        AppError::NotFound(format!("`{kind}` is not a kind of error errdex knows"))
    })?;
    let provider = filter_value(
        filter.provider.as_deref(),
        Provider::parse,
        "provider",
        Provider::expected,
    )?;
    let render = || {
        html_page(&ListingPage {
            layout: Layout::new(
                index,
                format!("{k} errors"),
                format!("Every {k} error of every LLM API errdex knows."),
            ),
            heading: format!("Kind: {k}"),
            action: format!("/kinds/{k}"),
            filter_name: "provider",
            filter_label: "Provider",
            options: Provider::ALL
                .iter()
                .filter(|p| index.current(Some(**p), Some(k)).next().is_some())
                .map(|p| FilterOption {
                    value: p.as_str(),
                    selected: Some(*p) == provider,
                })
                .collect(),
            rows: index.current(provider, Some(k)).map(row).collect(),
        })
    };
    if provider.is_some() {
        return Ok(Html(render()?).into_response());
    }
    let n = Kind::ALL.iter().position(|x| *x == k).expect("in ALL");
    cached(state.pages().kinds.get(n), &headers, render)
}

// ---------------------------------------------------------------- search

struct SearchRow {
    href: String,
    id: String,
    title: String,
    snippet: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    query: String,
    results: Vec<SearchRow>,
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search_page(
    State(state): State<AppState>,
    QueryArgs(query): QueryArgs<SearchQuery>,
) -> Result<Response, AppError> {
    let q = query.q.trim().to_string();
    let index = state.index();
    let hits = if q.is_empty() {
        Vec::new()
    } else {
        state
            .searcher()?
            .search(&q, 20)
            .map_err(|e| AppError::Internal(e.to_string()))?
    };
    let results = hits
        .into_iter()
        .filter_map(|h| {
            let e = index.get(&h.id)?;
            Some(SearchRow {
                href: entry_href(&e.id),
                id: e.id.to_string(),
                title: e.title.clone(),
                snippet: h.snippet,
            })
        })
        .collect();
    let mut layout = Layout::new(
        index,
        if q.is_empty() {
            "Search".to_string()
        } else {
            format!("Search: {q}")
        },
        "Search the errdex error index.",
    );
    layout.query = q.clone();
    let body = html_page(&SearchPage {
        layout,
        query: q,
        results,
    })?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(body)).into_response())
}

// ---------------------------------------------------------------- diagnosis

#[derive(Deserialize)]
struct DiagnoseForm {
    #[serde(default)]
    text: String,
}

async fn diagnose_form(
    State(state): State<AppState>,
    FormData(form): FormData<DiagnoseForm>,
) -> Result<Response, AppError> {
    let body = crate::diagnosis::results_page(&state, &form.text)?;
    // The page holds the pasted text: nobody may keep it.
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(body)).into_response())
}

// ---------------------------------------------------------------- errors

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    reason: &'static str,
    message: String,
}

/// The friendly page for an error on an HTML route.
pub fn error_page(error: &AppError) -> String {
    let status = error.status();
    let reason = status.canonical_reason().unwrap_or("Error");
    ErrorPage {
        layout: Layout::new(
            errdex_kb::index(),
            reason,
            "errdex could not answer this request.",
        ),
        status: status.as_u16(),
        reason,
        message: error.to_string(),
    }
    .render()
    .unwrap_or_else(|_| format!("<!doctype html><title>{reason}</title><p>{reason}</p>"))
}

pub(crate) fn render(template: &impl Template) -> Result<Vec<u8>, AppError> {
    html_page(template)
}
