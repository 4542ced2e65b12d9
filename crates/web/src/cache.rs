//! Bodies that only change with the binary (entry pages, listings, llms.txt, the CSS): each
//! is rendered once, on first request, and kept with its gzip and brotli encodings and a
//! strong ETag, so later requests are a lookup and a copy-free write. Nothing is rendered
//! at start-up.
//!
//! A page with a part that changes (an entry page and its community notes) is kept as
//! [`Piece`]s instead: each piece is compressed once, on its own, in a form that can be
//! joined to the others by concatenating bytes — raw DEFLATE ended by a sync flush for
//! gzip (the CRC-32 of the whole is combined from the pieces'), and brotli's bare,
//! byte-aligned, catable streams. [`compose`] joins the static pieces with a fresh notes
//! piece without compressing the static part again.

use axum::body::{Body, Bytes};
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::sync::{Arc, OnceLock};

/// Pages and documents: revalidate after five minutes (a new binary may change them).
pub const REVALIDATE: &str = "public, max-age=300";
/// Pages that hold community notes: kept, but revalidated (ETag, 304) on every view, so a
/// reader never sees counts older than the server's.
pub const NO_CACHE: &str = "public, no-cache";
/// Assets whose URL carries their hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One body in three encodings.
#[derive(Debug)]
pub struct Cached {
    content_type: HeaderValue,
    cache_control: HeaderValue,
    /// The content hash, quoted, without the encoding suffix.
    tag: String,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
    etags: [HeaderValue; 3],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Cached {
    /// A body already in three encodings; `tag` is its content hash (hex).
    fn from_parts(
        content_type: &'static str,
        cache_control: &'static str,
        tag: String,
        identity: Vec<u8>,
        gzip: Vec<u8>,
        brotli: Vec<u8>,
    ) -> Self {
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{tag}{suffix}\"")).expect("hex is a valid header")
        };
        Cached {
            content_type: HeaderValue::from_static(content_type),
            cache_control: HeaderValue::from_static(cache_control),
            etags: [etag(""), etag("-gz"), etag("-br")],
            tag,
            identity: Bytes::from(identity),
            gzip: Bytes::from(gzip),
            brotli: Bytes::from(brotli),
        }
    }

    pub fn new(content_type: &'static str, cache_control: &'static str, body: Vec<u8>) -> Self {
        let hash = Sha256::digest(&body);
        let tag: String = hash.iter().take(10).map(|b| format!("{b:02x}")).collect();
        let gzip = {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(&body).expect("writing to memory");
            e.finish().expect("writing to memory")
        };
        let brotli = {
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: 22,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &body[..], &mut out, &params).expect("writing to memory");
            out
        };
        Cached::from_parts(content_type, cache_control, tag, body, gzip, brotli)
    }

    /// The short content hash (for asset URLs).
    pub fn hash(&self) -> &str {
        &self.tag
    }

    /// 304 when the client holds this version, else the best encoding it accepts.
    pub fn respond(&self, request: &HeaderMap) -> Response {
        let encoding = negotiate(request);
        let (body, etag, content_encoding) = match encoding {
            Encoding::Brotli => (&self.brotli, &self.etags[2], Some("br")),
            Encoding::Gzip => (&self.gzip, &self.etags[1], Some("gzip")),
            Encoding::Identity => (&self.identity, &self.etags[0], None),
        };
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(ETAG, etag.clone());
        headers.insert(CACHE_CONTROL, self.cache_control.clone());
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
        if self.not_modified(request) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(CONTENT_TYPE, self.content_type.clone());
        if let Some(e) = content_encoding {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        (headers, Body::from(body.clone())).into_response()
    }

    /// Any of our three tags (or `*`) in If-None-Match: the content is the same whatever
    /// the encoding, so a cache holding one encoding is still fresh.
    fn not_modified(&self, request: &HeaderMap) -> bool {
        request.get_all(IF_NONE_MATCH).iter().any(|value| {
            value.to_str().is_ok_and(|v| {
                v.split(',').any(|t| {
                    let t = t.trim().trim_start_matches("W/").trim_matches('"');
                    t == "*" || t.split('-').next() == Some(self.tag.as_str())
                })
            })
        })
    }
}

/// The best encoding the request accepts: brotli, then gzip, then none. `q=0` refuses.
pub fn negotiate(request: &HeaderMap) -> Encoding {
    let (mut br, mut gzip) = (false, false);
    for value in request.get_all(ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            if refused {
                continue;
            }
            match name {
                n if n.eq_ignore_ascii_case("br") => br = true,
                n if n.eq_ignore_ascii_case("gzip") || n == "*" => gzip = true,
                _ => {}
            }
        }
    }
    if br {
        Encoding::Brotli
    } else if gzip {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// One part of a page, compressed so that it can be joined to other parts (see the module
/// comment).
#[derive(Debug)]
pub struct Piece {
    identity: Bytes,
    /// Raw DEFLATE blocks, byte-aligned by a sync flush, without a final block.
    deflate: Bytes,
    /// A bare, byte-aligned brotli stream: with a stream header when it is the first
    /// piece of a page, catable (no header, no dictionary) otherwise; no last block.
    brotli: Bytes,
    crc: crc32fast::Hasher,
    hash: [u8; 32],
}

/// The window of every brotli piece: catable streams must not grow it.
const BROTLI_LGWIN: i32 = 22;

impl Piece {
    /// Compresses `body`; `first` is true for the piece that starts a page.
    pub fn new(body: Vec<u8>, first: bool) -> Piece {
        let deflate = {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(&body).expect("writing to memory");
            // A sync flush ends on a byte boundary without a final block.
            e.flush().expect("writing to memory");
            std::mem::take(e.get_mut())
        };
        let brotli = {
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: BROTLI_LGWIN,
                bare_stream: true,
                byte_align: true,
                appendable: true,
                catable: !first,
                use_dictionary: first,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &body[..], &mut out, &params).expect("writing to memory");
            out
        };
        let mut crc = crc32fast::Hasher::new();
        crc.update(&body);
        Piece {
            hash: Sha256::digest(&body).into(),
            identity: Bytes::from(body),
            deflate: Bytes::from(deflate),
            brotli: Bytes::from(brotli),
            crc,
        }
    }
}

/// The pieces joined into one body in three encodings, without compressing anything again.
/// The first piece must have been made with `first`, the others without.
pub fn compose(
    content_type: &'static str,
    cache_control: &'static str,
    pieces: &[&Piece],
) -> Cached {
    let len: usize = pieces.iter().map(|p| p.identity.len()).sum();
    let mut identity = Vec::with_capacity(len);
    // gzip: header (no name, no time, unknown OS), the DEFLATE pieces, an empty final
    // block (fixed Huffman: 0x03 0x00), then the CRC-32 and the length of the whole.
    let mut gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    // brotli: the pieces, then the last-block byte.
    let mut brotli = Vec::new();
    let mut crc = crc32fast::Hasher::new();
    let mut hash = Sha256::new();
    for p in pieces {
        identity.extend_from_slice(&p.identity);
        gzip.extend_from_slice(&p.deflate);
        brotli.extend_from_slice(&p.brotli);
        crc.combine(&p.crc);
        hash.update(p.hash);
    }
    gzip.extend_from_slice(&[0x03, 0x00]);
    gzip.extend_from_slice(&crc.finalize().to_le_bytes());
    gzip.extend_from_slice(&(len as u32).to_le_bytes());
    brotli.push(0x03);
    let tag: String = hash
        .finalize()
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect();
    Cached::from_parts(content_type, cache_control, tag, identity, gzip, brotli)
}

/// A slot filled on first use.
#[derive(Debug)]
pub struct Slot<T = Cached>(OnceLock<Arc<T>>);

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(OnceLock::new())
    }
}

impl<T> Slot<T> {
    pub const fn new() -> Self {
        Slot(OnceLock::new())
    }

    pub fn get(&self) -> Option<&Arc<T>> {
        self.0.get()
    }

    pub fn get_or_init(&self, render: impl FnOnce() -> T) -> &Arc<T> {
        self.0.get_or_init(|| Arc::new(render()))
    }

    /// Like [`Slot::get_or_init`], but a failed render is not kept: the next call tries again.
    pub fn get_or_try_init<E>(&self, render: impl FnOnce() -> Result<T, E>) -> Result<&Arc<T>, E> {
        if let Some(value) = self.0.get() {
            return Ok(value);
        }
        let value = render()?;
        Ok(self.0.get_or_init(|| Arc::new(value)))
    }
}

/// A fixed number of slots, one per entry (by position in the index) or per vocabulary value.
#[derive(Debug)]
pub struct Slots<T = Cached>(Box<[Slot<T>]>);

impl<T> Slots<T> {
    pub fn new(n: usize) -> Self {
        Slots((0..n).map(|_| Slot::default()).collect())
    }

    pub fn get(&self, i: usize) -> &Slot<T> {
        &self.0[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn negotiates_brotli_then_gzip_then_identity() {
        assert_eq!(
            negotiate(&headers(&[("accept-encoding", "gzip, deflate, br")])),
            Encoding::Brotli
        );
        assert_eq!(
            negotiate(&headers(&[("accept-encoding", "gzip, br;q=0")])),
            Encoding::Gzip
        );
        assert_eq!(
            negotiate(&headers(&[("accept-encoding", "identity")])),
            Encoding::Identity
        );
        assert_eq!(negotiate(&headers(&[])), Encoding::Identity);
    }

    #[test]
    fn compressed_bodies_decode_to_the_original_and_etags_revalidate() {
        let text = "hello errdex ".repeat(100).into_bytes();
        let c = Cached::new("text/plain", REVALIDATE, text.clone());
        let mut gz = flate2::read::GzDecoder::new(&c.gzip[..]);
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut gz, &mut out).unwrap();
        assert_eq!(out, text);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &c.brotli[..], &mut out).unwrap();
        assert_eq!(out, text);

        let r = c.respond(&headers(&[("accept-encoding", "br")]));
        let etag = r.headers()[ETAG].to_str().unwrap().to_string();
        assert!(etag.ends_with("-br\""));
        let mut h = HeaderMap::new();
        h.insert(IF_NONE_MATCH, HeaderValue::from_str(&etag).unwrap());
        assert_eq!(c.respond(&h).status(), StatusCode::NOT_MODIFIED);
        let h = headers(&[("if-none-match", "\"0000\"")]);
        assert_eq!(c.respond(&h).status(), StatusCode::OK);
    }

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        // A single-member decoder: the joined pieces must be one valid gzip member.
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out)
            .expect("valid gzip");
        out
    }

    fn unbrotli(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &bytes[..], &mut out).expect("valid brotli");
        out
    }

    #[test]
    fn pieces_join_into_valid_gzip_and_brotli_without_recompressing() {
        let head = "<html><body><h1>Entry</h1>".repeat(50).into_bytes();
        let tail = "<footer>errdex</footer></body></html>"
            .repeat(40)
            .into_bytes();
        let head_piece = Piece::new(head.clone(), true);
        let tail_piece = Piece::new(tail.clone(), false);
        for middle in ["", "<ol><li>one note</li></ol>", &"é note ".repeat(3000)] {
            let middle_piece = Piece::new(middle.as_bytes().to_vec(), false);
            let page = compose(
                "text/html",
                REVALIDATE,
                &[&head_piece, &middle_piece, &tail_piece],
            );
            let whole = [&head[..], middle.as_bytes(), &tail[..]].concat();
            assert_eq!(&page.identity[..], &whole[..]);
            assert_eq!(
                gunzip(&page.gzip),
                whole,
                "gzip with {} bytes between",
                middle.len()
            );
            assert_eq!(
                unbrotli(&page.brotli),
                whole,
                "brotli with {} bytes between",
                middle.len()
            );
            // The tag follows the content.
            let other = compose("text/html", REVALIDATE, &[&head_piece, &tail_piece]);
            assert_ne!(page.tag, other.tag);
        }
    }
}
