//! Community notes for readers: the notes fragment of every entry page, the form that
//! submits a note and the buttons that confirm one (HTML, working without JavaScript),
//! and the same under `/api/v1`.
//!
//! An entry page is its static part (rendered once, kept as two compressed
//! [`Piece`]s around the notes slot, see `pages.rs`) joined with the entry's notes
//! fragment. The fragment and the notes JSON come from one query and are cached per
//! entry until the store says that entry's notes changed ([`errdex_store::changes`]):
//! at once in this process, through PostgreSQL LISTEN/NOTIFY from other servers, and
//! not at all while that connection is down.
//!
//! What a reader sends is validated here and nowhere else: lengths, the SDK against the
//! entry's SDKs, no API key (errdex-secrets; a note with one is refused and neither
//! stored nor logged), a honeypot field, CSRF by origin (`guard`), rate limits per client.

use crate::cache::{compose, Cached, Piece, NO_CACHE};
use crate::error::{ApiJson, AppError, ErrorBody, FormData};
use crate::guard::{self, Limit, NotesOptions};
use crate::markdown::note_html;
use crate::pages::{entry_href, lookup, Lookup};
use crate::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use errdex_entry::Entry;
use errdex_store::{Confirmed, NewNote, NotesVersion, PublishedNote, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock};
use utoipa::ToSchema;
use uuid::Uuid;

/// Where the notes fragment goes in the static part of an entry page.
pub const SLOT: &str = "<!--errdex:notes-->";

pub const TEXT_MIN: usize = 10;
pub const TEXT_MAX: usize = 4000;
pub const NAME_MAX: usize = 60;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/errors/{provider}/{slug}/notes", post(note_form))
        .route(
            "/errors/{provider}/{slug}/notes/{id}/confirm",
            post(confirm_form),
        )
        .route(
            "/api/v1/errors/{provider}/{slug}/notes",
            get(list_notes).post(create_note),
        )
        .route("/api/v1/notes/{id}/confirmations", post(confirm_note))
}

/// Everything about notes that lives as long as the server.
pub struct Notes {
    cache: Mutex<HashMap<usize, Arc<Fresh>>>,
    html: NoteHtml,
    pub(crate) options: NotesOptions,
    pub(crate) admin: guard::AdminToken,
    note_limit: Limit,
    confirm_limit: Limit,
}

impl Notes {
    pub fn new(options: NotesOptions) -> Notes {
        Notes {
            cache: Mutex::default(),
            html: NoteHtml::default(),
            admin: guard::AdminToken::new(options.admin_token.as_deref()),
            note_limit: Limit::per_hour(options.notes_per_hour, "notes"),
            confirm_limit: Limit::per_hour(options.confirmations_per_hour, "confirmations"),
            options,
        }
    }

    fn cached(&self, n: usize) -> Option<Arc<Fresh>> {
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&n)
            .cloned()
    }

    fn keep(&self, n: usize, fresh: Arc<Fresh>) {
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(n, fresh);
    }
}

/// Each note's sanitised HTML, kept: a confirmation or a new note re-renders the entry's
/// whole fragment, and Markdown plus ammonia for every note of a busy entry on every change
/// took most of a second at 150 notes. A note's text does not change once written (an
/// import may replace it: the text's hash is part of the key).
#[derive(Default)]
struct NoteHtml(Mutex<HashMap<Uuid, (u64, Arc<str>)>>);

impl NoteHtml {
    /// Beyond this many notes the map starts again (an upper bound on memory, not an LRU:
    /// a server with that many notes re-renders each once more).
    const MAX: usize = 100_000;

    fn get(&self, id: Uuid, text: &str) -> Arc<str> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut h);
        let hash = h.finish();
        if let Some((seen, html)) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
            if *seen == hash {
                return html.clone();
            }
        }
        let html: Arc<str> = note_html(text).into();
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= Self::MAX {
            map.clear();
        }
        map.insert(id, (hash, html.clone()));
        html
    }
}

/// The client, as the rate limits and "once per day" see it.
pub struct Client(pub Option<IpAddr>);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Client(guard::client_ip(
            &parts.headers,
            &parts.extensions,
            state.notes().options.trust_proxy,
        )))
    }
}

// ---------------------------------------------------------------- the fragment

/// What a cached fragment was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Built {
    /// No database: there are no notes, for good.
    NoStore,
    At(NotesVersion),
}

/// An entry's notes, rendered: the HTML fragment, the API's JSON, and (on first use) the
/// whole page joined with the entry's static part.
pub struct Fresh {
    built: Option<Built>,
    fragment: Piece,
    json: Cached,
    page: OnceLock<Arc<Cached>>,
}

impl Fresh {
    /// The entry page: the static pieces around this fragment.
    pub fn page(&self, static_part: &crate::pages::EntryStatic) -> &Arc<Cached> {
        self.page.get_or_init(|| {
            Arc::new(compose(
                "text/html; charset=utf-8",
                NO_CACHE,
                &[&static_part.head, &self.fragment, &static_part.tail],
            ))
        })
    }

    pub fn json(&self) -> &Cached {
        &self.json
    }
}

/// A note as readers see it (the fragment, the API).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NoteView {
    pub id: Uuid,
    /// The note's Markdown as sanitised HTML.
    pub html: String,
    /// The SDK package and version the note applies to, e.g. `anthropic 0.40.0`.
    pub sdk_version: String,
    /// The display name, if the author gave one.
    pub name: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Readers for whom it worked, over every version.
    pub worked: i64,
    /// Readers for whom it did not work, over every version.
    pub did_not_work: i64,
    /// The counts per SDK version the readers confirmed with, most confirmations first.
    pub confirmations: Vec<VersionCountView>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct VersionCountView {
    /// e.g. `anthropic 0.41.0`
    pub sdk_version: String,
    pub worked: i64,
    pub did_not_work: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NotesResponse {
    /// Published notes only: the most confirmed first, newest first among equals.
    pub notes: Vec<NoteView>,
}

fn view(n: &PublishedNote, html: Option<&NoteHtml>) -> NoteView {
    NoteView {
        id: n.id,
        html: match html {
            Some(cache) => cache.get(n.id, &n.text).to_string(),
            None => note_html(&n.text),
        },
        sdk_version: format!("{} {}", n.sdk_package, n.sdk_version),
        name: n.name.clone(),
        created_at: n.created_at.to_text(),
        worked: n.worked(),
        did_not_work: n.did_not_work(),
        confirmations: n
            .counts
            .iter()
            .map(|c| VersionCountView {
                sdk_version: format!("{} {}", n.sdk_package, c.sdk_version),
                worked: c.worked,
                did_not_work: c.did_not_work,
            })
            .collect(),
    }
}

struct FragmentNote {
    view: NoteView,
    date: String,
    confirm_action: String,
}

#[derive(Template)]
#[template(path = "notes_fragment.html")]
struct Fragment {
    notes: Vec<FragmentNote>,
    unavailable: bool,
}

fn render(
    entry: &Entry,
    notes: &[PublishedNote],
    html: Option<&NoteHtml>,
    built: Option<Built>,
    unavailable: bool,
) -> Result<Fresh, AppError> {
    let response = NotesResponse {
        notes: notes.iter().map(|n| view(n, html)).collect(),
    };
    let json = serde_json::to_vec(&response)
        .map_err(|e| AppError::Internal(format!("notes JSON: {e}")))?;
    let href = entry_href(&entry.id);
    let html = Fragment {
        notes: notes
            .iter()
            .zip(response.notes)
            .map(|(n, view)| FragmentNote {
                date: n.created_at.to_text()[..10].to_string(),
                confirm_action: format!("{href}/notes/{}/confirm", n.id),
                view,
            })
            .collect(),
        unavailable,
    }
    .render()
    .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(Fresh {
        built,
        fragment: Piece::new(html.into_bytes(), false),
        json: Cached::new("application/json", NO_CACHE, json),
        page: OnceLock::new(),
    })
}

/// Entry `n`'s notes, from the cache while they have not changed. The second value says
/// whether it came from the cache (the `x-notes-cache` header: hit or miss).
pub async fn fresh(
    state: &AppState,
    n: usize,
    entry: &Entry,
) -> Result<(Arc<Fresh>, bool), AppError> {
    let id = entry.id.to_string();
    // The version is read before the notes: a change in between makes it stale at once.
    let built = match state.store() {
        None => Some(Built::NoStore),
        Some(store) => store.notes_version(&id).map(Built::At),
    };
    let notes = state.notes();
    if let (Some(built), Some(cached)) = (built, notes.cached(n)) {
        if cached.built == Some(built) {
            return Ok((cached, true));
        }
    }
    let published = match state.store() {
        None => Vec::new(),
        Some(store) => store.published_notes(&id).await.map_err(|e| {
            tracing::warn!(error = %e, "cannot read notes");
            AppError::Unavailable("the notes cannot be read right now; try again shortly".into())
        })?,
    };
    let fresh = Arc::new(render(entry, &published, Some(&notes.html), built, false)?);
    if built.is_some() {
        notes.keep(n, fresh.clone());
    }
    Ok((fresh, false))
}

/// The fragment shown when the database does not answer: the page still works.
pub fn unavailable(entry: &Entry) -> Result<Fresh, AppError> {
    render(entry, &[], None, None, true)
}

pub fn mark_cache(response: &mut Response, hit: bool) {
    response.headers_mut().insert(
        "x-notes-cache",
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
}

// ---------------------------------------------------------------- validation

/// The SDKs an entry names (exception classes, compatibility rows, examples), each with
/// its version requirements.
fn entry_sdks(entry: &Entry) -> Vec<(&str, Vec<&str>)> {
    let mut sdks: Vec<(&str, Vec<&str>)> = Vec::new();
    let pairs = entry
        .exceptions
        .iter()
        .map(|x| (x.sdk.as_str(), x.versions.as_str()))
        .chain(
            entry
                .compatibility
                .iter()
                .map(|c| (c.sdk.as_str(), c.versions.as_str())),
        )
        .chain(
            entry
                .sections
                .examples
                .iter()
                .map(|x| (x.sdk.as_str(), x.sdk_versions.as_str())),
        );
    for (sdk, range) in pairs {
        match sdks.iter_mut().find(|(s, _)| *s == sdk) {
            Some((_, ranges)) => {
                if !ranges.contains(&range) {
                    ranges.push(range)
                }
            }
            None => sdks.push((sdk, vec![range])),
        }
    }
    sdks
}

/// The entry's SDK packages, for the form's choice.
pub fn sdk_names(entry: &Entry) -> Vec<String> {
    entry_sdks(entry)
        .into_iter()
        .map(|(s, _)| s.to_string())
        .collect()
}

fn unprocessable(field: &str, message: impl std::fmt::Display) -> AppError {
    AppError::Unprocessable(format!("`{field}`: {message}"))
}

/// `0.40`, `v1.2.3`, `2.0.0-beta.1` → a semver version (missing parts are 0).
fn parse_version(text: &str) -> Option<semver::Version> {
    let text = text.trim().trim_start_matches(['v', 'V']);
    let (core, rest) = match text.find(['-', '+']) {
        Some(at) => text.split_at(at),
        None => (text, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut full = parts.join(".");
    for _ in parts.len()..3 {
        full.push_str(".0");
    }
    semver::Version::parse(&format!("{full}{rest}")).ok()
}

/// `anthropic 0.40.0` (also `anthropic==0.40.0`, `@anthropic-ai/sdk@1.2.0`) checked
/// against the entry's SDKs: the package must be one of them and the version inside one
/// of its ranges. Returns the package and the normalised version.
pub fn parse_sdk_version(entry: &Entry, text: &str) -> Result<(String, String), AppError> {
    const FIELD: &str = "sdk_version";
    too_long(FIELD, text)?;
    let sdks = entry_sdks(entry);
    let names = || {
        sdks.iter()
            .map(|(s, _)| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = text.trim();
    let split = text
        .rsplit_once(char::is_whitespace)
        .or_else(|| text.split_once("=="))
        .or_else(|| {
            text.rfind('@')
                .filter(|at| *at > 0)
                .map(|at| (&text[..at], &text[at + 1..]))
        });
    let Some((package, version)) = split else {
        return Err(unprocessable(
            FIELD,
            format!(
                "give the SDK package and its version, e.g. `{} 1.0.0` (this entry's SDKs: {})",
                sdks.first().map_or("anthropic", |s| s.0),
                names()
            ),
        ));
    };
    let package = package.trim();
    let Some((sdk, ranges)) = sdks.iter().find(|(s, _)| s.eq_ignore_ascii_case(package)) else {
        return Err(unprocessable(
            FIELD,
            format!(
                "this entry is not about the SDK `{package}`; use one of {}",
                names()
            ),
        ));
    };
    let Some(parsed) = parse_version(version) else {
        return Err(unprocessable(
            FIELD,
            format!("`{}` is not a version number such as 1.2.3", version.trim()),
        ));
    };
    let reqs: Vec<semver::VersionReq> = ranges
        .iter()
        .filter_map(|r| semver::VersionReq::parse(r).ok())
        .collect();
    if !reqs.is_empty() && !reqs.iter().any(|r| r.matches(&parsed)) {
        return Err(unprocessable(
            FIELD,
            format!(
                "this entry applies to {sdk} {}; {parsed} is outside that",
                ranges.join(" or ")
            ),
        ));
    }
    Ok((sdk.to_string(), parsed.to_string()))
}

/// SDK names and versions are short; a long one is refused before it is echoed anywhere.
fn too_long(field: &str, text: &str) -> Result<(), AppError> {
    const MAX: usize = 100;
    if text.chars().count() > MAX {
        return Err(unprocessable(
            field,
            format!("at most {MAX} characters, such as `anthropic 0.40.0`"),
        ));
    }
    Ok(())
}

/// A reader's own version when confirming: any version number of the note's package.
fn parse_confirm_version(package: Option<&str>, text: &str) -> Result<String, AppError> {
    const FIELD: &str = "sdk_version";
    too_long(FIELD, text)?;
    let text = text.trim();
    let version = match (package, text.rsplit_once(char::is_whitespace)) {
        (Some(p), Some((given, v))) if given.eq_ignore_ascii_case(p) => v,
        (Some(p), Some((given, _))) => {
            return Err(unprocessable(
                FIELD,
                format!("this note is about `{p}`, not `{given}`; give your `{p}` version"),
            ))
        }
        (None, Some((_, v))) => v,
        (_, None) => text,
    };
    parse_version(version)
        .map(|v| v.to_string())
        .ok_or_else(|| {
            unprocessable(
                FIELD,
                "give the version of the SDK you tried it with, such as 1.2.3",
            )
        })
}

/// What a key looks like, named without showing it.
fn refuse_secrets(field: &str, text: &str) -> Result<(), AppError> {
    let found = errdex_secrets::find_secrets(text);
    let Some(first) = found.first() else {
        return Ok(());
    };
    let what = first
        .format
        .map(|f| format!("an API key ({f})"))
        .unwrap_or_else(|| "an API key or secret".to_string());
    Err(unprocessable(
        field,
        format!(
            "this contains what looks like {what}. Notes are public, so it was not stored: remove the key (revoke it if it was real) and send the note again"
        ),
    ))
}

fn refuse_control(field: &str, text: &str, newlines: bool) -> Result<(), AppError> {
    let bad = text
        .chars()
        .any(|c| c.is_control() && !(newlines && matches!(c, '\n' | '\r' | '\t')));
    if bad {
        Err(unprocessable(field, "contains control characters"))
    } else {
        Ok(())
    }
}

/// A note as submitted (by the form or the API), checked field by field.
pub struct Submission<'a> {
    pub text: &'a str,
    pub sdk_version: &'a str,
    pub name: Option<&'a str>,
}

pub fn validate(entry: &Entry, s: &Submission) -> Result<NewNote, AppError> {
    // Keys first: whatever else is wrong, a key is never echoed or kept.
    refuse_secrets("text", s.text)?;
    refuse_secrets("sdk_version", s.sdk_version)?;
    if let Some(name) = s.name {
        refuse_secrets("name", name)?;
    }
    let text = s.text.trim();
    let chars = text.chars().count();
    if !(TEXT_MIN..=TEXT_MAX).contains(&chars) {
        return Err(unprocessable(
            "text",
            format!("a note is {TEXT_MIN} to {TEXT_MAX} characters; this one has {chars}"),
        ));
    }
    refuse_control("text", text, true)?;
    let depth = crate::markdown::nesting_depth(text);
    if depth > crate::markdown::NOTE_MAX_NESTING {
        return Err(unprocessable(
            "text",
            format!(
                "a note nests at most {} levels (lists, quotes, emphasis); this one nests {depth}",
                crate::markdown::NOTE_MAX_NESTING
            ),
        ));
    }
    let (sdk_package, sdk_version) = parse_sdk_version(entry, s.sdk_version)?;
    let name = s.name.map(str::trim).filter(|n| !n.is_empty());
    if let Some(name) = name {
        let n = name.chars().count();
        if n > NAME_MAX {
            return Err(unprocessable(
                "name",
                format!("a display name is at most {NAME_MAX} characters; this one has {n}"),
            ));
        }
        refuse_control("name", name, false)?;
    }
    Ok(NewNote {
        entry_id: entry.id.to_string(),
        text: text.to_string(),
        sdk_package,
        sdk_version,
        name: name.map(str::to_string),
    })
}

fn store(state: &AppState) -> Result<&errdex_store::Store, AppError> {
    state.store().ok_or_else(|| {
        AppError::Unavailable("notes need a database, and this server has none".into())
    })
}

fn store_error(e: errdex_store::StoreError) -> AppError {
    AppError::from(e)
}

/// A POST to a retired or renamed entry goes to its successor with the method kept.
fn moved_post(to: String) -> Response {
    (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, to)]).into_response()
}

// ---------------------------------------------------------------- HTML forms

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    text: String,
    sdk_package: Option<String>,
    #[serde(default)]
    sdk_version: String,
    name: Option<String>,
    /// The honeypot: hidden from people, filled by bots.
    website: Option<String>,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    layout: crate::pages::Layout,
    heading: String,
    message: String,
    back: String,
}

async fn note_form(
    State(state): State<AppState>,
    Path((provider, slug)): Path<(String, String)>,
    Client(client): Client,
    headers: HeaderMap,
    FormData(form): FormData<NoteForm>,
) -> Result<Response, AppError> {
    let index = state.index();
    let entry = match lookup(index, &provider, &slug)? {
        Lookup::Moved(to) => return Ok(moved_post(format!("{}/notes", entry_href(to)))),
        Lookup::Found(_, entry) => entry,
    };
    guard::same_origin(&headers, state.notes().options.trust_proxy)?;
    state.notes().note_limit.check(client)?;
    if form
        .website
        .as_deref()
        .is_some_and(|w| !w.trim().is_empty())
    {
        return Err(AppError::Forbidden(
            "the field `website` must stay empty (it is there to catch spam robots)".into(),
        ));
    }
    // The form sends the package and the version apart; the API sends them together.
    let sdk_version = match form.sdk_package.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() && !form.sdk_version.trim().contains(char::is_whitespace) => {
            format!("{p} {}", form.sdk_version.trim())
        }
        _ => form.sdk_version.clone(),
    };
    let new = validate(
        entry,
        &Submission {
            text: &form.text,
            sdk_version: &sdk_version,
            name: form.name.as_deref(),
        },
    )?;
    let note = store(&state)?
        .create_note(&new)
        .await
        .map_err(store_error)?;
    let href = entry_href(&entry.id);
    let moderation = if state.notes().admin.is_enabled() {
        "A moderator reads every note before it is published."
    } else {
        "Moderation is not switched on for this server yet, so it will stay pending until it is."
    };
    let body = crate::pages::render(&MessagePage {
        layout: crate::pages::Layout::new(index, "Note received", "Your note was received."),
        heading: "Thank you: your note was received".into(),
        message: format!(
            "It is pending (id {}). {moderation} Published notes appear on the entry page.",
            note.id
        ),
        back: format!("{href}#notes"),
    })?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Html(body),
    )
        .into_response())
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    worked: String,
    #[serde(default)]
    sdk_version: String,
}

async fn confirm_form(
    State(state): State<AppState>,
    Path((provider, slug, id)): Path<(String, String, String)>,
    Client(client): Client,
    headers: HeaderMap,
    FormData(form): FormData<ConfirmForm>,
) -> Result<Response, AppError> {
    let entry = match lookup(state.index(), &provider, &slug)? {
        Lookup::Moved(to) => {
            return Ok(moved_post(format!("{}/notes/{id}/confirm", entry_href(to))))
        }
        Lookup::Found(_, entry) => entry,
    };
    guard::same_origin(&headers, state.notes().options.trust_proxy)?;
    let worked = match form.worked.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Err(unprocessable(
                "worked",
                "say `yes` (worked for me) or `no` (did not work for me)",
            ))
        }
    };
    confirm(&state, client, &id, worked, &form.sdk_version).await?;
    let to = format!("{}#note-{id}", entry_href(&entry.id));
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response())
}

async fn confirm(
    state: &AppState,
    client: Option<IpAddr>,
    id: &str,
    worked: bool,
    sdk_version: &str,
) -> Result<(), AppError> {
    let not_found = || AppError::NotFound(format!("there is no published note `{id}`"));
    let id = Uuid::parse_str(id.trim()).map_err(|_| not_found())?;
    state.notes().confirm_limit.check(client)?;
    let store = store(state)?;
    let note = store
        .note(id)
        .await
        .map_err(store_error)?
        .filter(|n| n.status == errdex_store::NoteStatus::Published)
        .ok_or_else(not_found)?;
    let version = parse_confirm_version(Some(&note.sdk_package), sdk_version)?;
    let key = store
        .client_key(&client.map_or_else(|| "unknown".to_string(), |ip| ip.to_string()))
        .await
        .map_err(store_error)?;
    match store
        .confirm(id, worked, &version, &key, Timestamp::now())
        .await
        .map_err(store_error)?
    {
        Confirmed::Counted { .. } => Ok(()),
        Confirmed::AlreadyToday => Err(AppError::Conflict(
            "you already confirmed this note today; each reader counts once a day".into(),
        )),
        Confirmed::NoSuchNote => Err(not_found()),
    }
}

// ---------------------------------------------------------------- API

/// A new note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateNoteRequest {
    /// Markdown, 10 to 4,000 characters. Raw HTML is removed when shown; a text with an
    /// API key is refused (422) and not stored.
    pub text: String,
    /// The SDK package and version the note applies to, e.g. `anthropic 0.40.0`: one of
    /// the entry's SDKs, inside its version range.
    pub sdk_version: String,
    /// A display name (optional, at most 60 characters).
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CreatedNote {
    pub id: Uuid,
    /// Always `pending`: a moderator publishes it.
    pub status: String,
}

/// An entry's published notes with their confirmation counts.
#[utoipa::path(get, path = "/api/v1/errors/{provider}/{slug}/notes", tag = "notes",
    params(
        ("provider" = String, Path, description = "Taxonomy provider", example = "anthropic"),
        ("slug" = String, Path, description = "The entry's slug", example = "authentication-error")),
    responses(
        (status = 200, description = "Published notes only", body = NotesResponse),
        (status = 301, description = "Retired or renamed: Location names the successor's notes"),
        (status = 404, description = "No such entry", body = ErrorBody),
        (status = 503, description = "The database does not answer", body = ErrorBody)))]
async fn list_notes(
    State(state): State<AppState>,
    Path((provider, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    match lookup(state.index(), &provider, &slug)? {
        Lookup::Moved(to) => Ok(crate::moved(&format!(
            "/api/v1/errors/{}/{}/notes",
            to.provider, to.slug
        ))),
        Lookup::Found(n, entry) => {
            let (fresh, hit) = fresh(&state, n, entry).await?;
            let mut response = fresh.json().respond(&headers);
            mark_cache(&mut response, hit);
            Ok(response)
        }
    }
}

/// Submit a note; it stays pending until a moderator publishes it.
#[utoipa::path(post, path = "/api/v1/errors/{provider}/{slug}/notes", tag = "notes",
    params(
        ("provider" = String, Path, description = "Taxonomy provider", example = "anthropic"),
        ("slug" = String, Path, description = "The entry's slug", example = "authentication-error")),
    request_body(content = CreateNoteRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored, pending moderation", body = CreatedNote),
        (status = 404, description = "No such entry", body = ErrorBody),
        (status = 422, description = "A field is wrong (the message names it), or the text holds an API key", body = ErrorBody),
        (status = 429, description = "Too many notes from this address: see Retry-After", body = ErrorBody)))]
async fn create_note(
    State(state): State<AppState>,
    Path((provider, slug)): Path<(String, String)>,
    Client(client): Client,
    ApiJson(request): ApiJson<CreateNoteRequest>,
) -> Result<Response, AppError> {
    let entry = match lookup(state.index(), &provider, &slug)? {
        Lookup::Moved(to) => {
            return Ok(moved_post(format!(
                "/api/v1/errors/{}/{}/notes",
                to.provider, to.slug
            )))
        }
        Lookup::Found(_, entry) => entry,
    };
    state.notes().note_limit.check(client)?;
    let new = validate(
        entry,
        &Submission {
            text: &request.text,
            sdk_version: &request.sdk_version,
            name: request.name.as_deref(),
        },
    )?;
    let note = store(&state)?
        .create_note(&new)
        .await
        .map_err(store_error)?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedNote {
            id: note.id,
            status: note.status.as_str().into(),
        }),
    )
        .into_response())
}

/// "Worked for me" or "did not work for me".
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmRequest {
    pub worked: bool,
    /// The version of the note's SDK you tried it with, e.g. `0.41.0` or `anthropic 0.41.0`.
    pub sdk_version: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConfirmResponse {
    pub note_id: Uuid,
    pub counted: bool,
}

/// Confirm a published note, once per note per client per day.
#[utoipa::path(post, path = "/api/v1/notes/{id}/confirmations", tag = "notes",
    params(("id" = Uuid, Path, description = "The note's id")),
    request_body(content = ConfirmRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Counted", body = ConfirmResponse),
        (status = 404, description = "No published note with this id", body = ErrorBody),
        (status = 409, description = "Already confirmed by this client today", body = ErrorBody),
        (status = 422, description = "Not a version number", body = ErrorBody),
        (status = 429, description = "Too many confirmations from this address: see Retry-After", body = ErrorBody)))]
async fn confirm_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Client(client): Client,
    ApiJson(request): ApiJson<ConfirmRequest>,
) -> Result<Response, AppError> {
    confirm(&state, client, &id, request.worked, &request.sdk_version).await?;
    let note_id = Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound(id.clone()))?;
    Ok((
        StatusCode::CREATED,
        Json(ConfirmResponse {
            note_id,
            counted: true,
        }),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notes_html_is_rendered_once_until_its_text_changes() {
        let cache = NoteHtml::default();
        let id = Uuid::new_v4();
        let first = cache.get(id, "Set `ANTHROPIC_API_KEY` <script>x</script>");
        assert_eq!(
            &*first,
            &*note_html("Set `ANTHROPIC_API_KEY` <script>x</script>")
        );
        assert!(!first.contains("<script"));
        assert!(Arc::ptr_eq(
            &first,
            &cache.get(id, "Set `ANTHROPIC_API_KEY` <script>x</script>")
        ));
        let changed = cache.get(id, "Another **text**");
        assert!(changed.contains("<strong>text</strong>"));
    }

    fn entry() -> &'static Entry {
        errdex_kb::index()
            .entries
            .iter()
            .find(|e| e.id.to_string() == "anthropic/authentication-error")
            .unwrap()
    }

    #[test]
    fn sdk_versions_are_checked_against_the_entry() {
        let e = entry();
        assert_eq!(
            parse_sdk_version(e, "anthropic 0.40.0").unwrap(),
            ("anthropic".into(), "0.40.0".into())
        );
        assert_eq!(parse_sdk_version(e, "anthropic==1.2").unwrap().1, "1.2.0");
        assert_eq!(
            parse_sdk_version(e, "@anthropic-ai/sdk@0.41.0").unwrap().0,
            "@anthropic-ai/sdk"
        );
        for (bad, says) in [
            ("0.40.0", "give the SDK package and its version"),
            ("openai 1.0.0", "not about the SDK `openai`"),
            ("anthropic latest", "not a version number"),
            ("anthropic 0.2.0", "outside that"),
            (
                &format!("anthropic {}", "1".repeat(200)),
                "at most 100 characters",
            ),
        ] {
            let err = parse_sdk_version(e, bad).unwrap_err().to_string();
            assert!(
                err.starts_with("`sdk_version`: ") && err.contains(says),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn fields_are_named_in_every_refusal() {
        let e = entry();
        let ok = Submission {
            text: "Export the key before starting Python.",
            sdk_version: "anthropic 0.40.0",
            name: Some("  Ada "),
        };
        let note = validate(e, &ok).unwrap();
        assert_eq!(note.name.as_deref(), Some("Ada"));
        let short = Submission {
            text: "too short",
            ..ok
        };
        assert!(validate(e, &short)
            .unwrap_err()
            .to_string()
            .starts_with("`text`: "));
        let long_name = "n".repeat(61);
        let named = Submission {
            name: Some(&long_name),
            ..ok
        };
        assert!(validate(e, &named)
            .unwrap_err()
            .to_string()
            .starts_with("`name`: "));
        let key = Submission {
            text: "my key sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyzAB-CDEFGHAA works",
            ..ok
        };
        let err = validate(e, &key).unwrap_err();
        assert!(matches!(err, AppError::Unprocessable(_)));
        assert!(
            err.to_string().contains("API key") && !err.to_string().contains("sk-ant"),
            "{err}"
        );
    }

    #[test]
    fn versions_parse_loosely_but_not_anything() {
        assert_eq!(parse_version("v1").unwrap().to_string(), "1.0.0");
        assert_eq!(
            parse_version("2.0.0-beta.1").unwrap().to_string(),
            "2.0.0-beta.1"
        );
        for bad in ["", "latest", "1..2", "1.2.3.4", "1.2.x", "99999999999"] {
            assert!(parse_version(bad).is_none(), "{bad}");
        }
    }
}
