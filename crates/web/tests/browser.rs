//! End to end in a real headless Chromium, driven over WebDriver (chromedriver): open the
//! home page, paste a real Anthropic 401 traceback, submit, find the Anthropic
//! authentication entry as the top match, follow it to the entry page, submit a community
//! note with the form (no script involved), publish it, confirm it with "Worked for me",
//! and save full-page screenshots under `target/e2e/`.
//!
//! Without Chromium and chromedriver the test prints `skipped: <reason>` and passes, unless
//! `ERRDEX_REQUIRE_BROWSER=1` (set by `.ci/run`), when it fails.

use errdex_web::{app, AppState};
use fantoccini::{ClientBuilder, Locator};
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ANTHROPIC_401: &str = include_str!("fixtures/anthropic-401.txt");

/// Stops chromedriver (which ends its browser) when the test ends, however it ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn required() -> bool {
    std::env::var("ERRDEX_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

fn skip(reason: &str) {
    assert!(!required(), "ERRDEX_REQUIRE_BROWSER=1 but {reason}");
    println!("skipped: {reason}");
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn wait_for_port(port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Resizes the window to the whole page, then takes the screenshot (WebDriver screenshots
/// show the viewport only).
async fn full_page_screenshot(client: &fantoccini::Client, width: u32, file: &Path) {
    client.set_window_size(width, 900).await.unwrap();
    let height = client
        .execute(
            "return Math.ceil(document.documentElement.scrollHeight);",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(900) as u32;
    client
        .set_window_size(width, height.clamp(600, 12_000) + 120)
        .await
        .unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(file, png).unwrap();
    println!("screenshot: {}", file.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paste_a_traceback_find_the_entry_in_chromium() {
    for (path, what) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromedriver")] {
        if !Path::new(path).exists() {
            return skip(&format!(
                "{what} is not installed at {path} (Debian: apt-get install chromium chromium-driver)"
            ));
        }
    }

    // The site, in this process, on a free port, with an SQLite store for notes.
    let data = tempfile::tempdir().unwrap();
    let store = errdex_store::Store::open(&errdex_store::StoreConfig {
        database_url: None,
        data_dir: Some(data.path().to_path_buf()),
    })
    .await
    .unwrap();
    let state = AppState::with_notes(
        errdex_kb::index(),
        Some(store.clone()),
        errdex_web::NotesOptions::default(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app(state)).await.unwrap() });

    let port = free_port();
    let driver = match Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => Driver(child),
        Err(e) => return skip(&format!("chromedriver does not start: {e}")),
    };
    if !wait_for_port(port).await {
        return skip("chromedriver did not listen within 20 s");
    }
    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        }),
    );
    // chromedriver is plain HTTP on loopback, but fantoccini builds a TLS client anyway; in
    // a workspace build rustls has both the ring (ureq, for the doctor) and aws-lc-rs
    // (hyper-rustls) providers, so it cannot pick one by itself: name it.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session");

    let shots = artifacts();
    let result = async {
        client.set_window_size(1280, 900).await?;
        client.goto(&format!("{site}/")).await?;
        full_page_screenshot(&client, 1280, &shots.join("home.png")).await;
        let textarea = client.find(Locator::Css("textarea#text")).await?;
        // Pasting is typing the whole text at once.
        textarea.send_keys(ANTHROPIC_401).await?;
        client
            .find(Locator::Css("form.diagnose button[type=submit]"))
            .await?
            .click()
            .await?;
        let top = client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(".top-match h2 a"))
            .await?;
        let href = top.attr("href").await?.unwrap_or_default();
        assert_eq!(href, "/errors/anthropic/authentication-error");
        let first = client.find(Locator::Css("ol.matches li a")).await?;
        assert_eq!(
            first.attr("href").await?.as_deref(),
            Some("/errors/anthropic/authentication-error")
        );
        assert!(!client
            .find_all(Locator::Css("pre.pasted mark"))
            .await?
            .is_empty());
        full_page_screenshot(&client, 1280, &shots.join("diagnosis.png")).await;

        top.click().await?;
        client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_url(
                &format!("{site}/errors/anthropic/authentication-error")
                    .parse()
                    .unwrap(),
            )
            .await?;
        let h1 = client.find(Locator::Css("h1")).await?.text().await?;
        let entry = errdex_kb::index()
            .get(&"anthropic/authentication-error".parse().unwrap())
            .unwrap();
        assert_eq!(h1, entry.title);
        // The script shows copy buttons only where they can work.
        assert!(
            client
                .find(Locator::Css("button.copy"))
                .await?
                .is_displayed()
                .await?
        );
        full_page_screenshot(&client, 1280, &shots.join("entry-page.png")).await;
        // A phone: the top of the page and the code, as a reader sees them.
        client.set_window_size(390, 844).await?;
        client.execute("window.scrollTo(0, 0);", vec![]).await?;
        std::fs::write(
            shots.join("entry-page-phone.png"),
            client.screenshot().await?,
        )
        .unwrap();
        client
            .execute("document.getElementById('code').scrollIntoView();", vec![])
            .await?;
        std::fs::write(
            shots.join("entry-page-phone-code.png"),
            client.screenshot().await?,
        )
        .unwrap();

        // A community note, through the form: the browser's own Origin and
        // Sec-Fetch-Site pass the CSRF check.
        client.set_window_size(1280, 900).await?;
        client
            .find(Locator::Css(".add-note summary"))
            .await?
            .click()
            .await?;
        client
            .find(Locator::Css("#note-text"))
            .await?
            .send_keys("Re-export `ANTHROPIC_API_KEY` in the shell that starts Python.")
            .await?;
        client
            .find(Locator::Css("#note-version"))
            .await?
            .send_keys("0.40.0")
            .await?;
        client
            .find(Locator::Css("form.note-form button[type=submit]"))
            .await?
            .click()
            .await?;
        // The answer to the POST is a page at the form's action.
        client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_url(
                &format!("{site}/errors/anthropic/authentication-error/notes")
                    .parse()
                    .unwrap(),
            )
            .await?;
        let thanks = client.find(Locator::Css("main h1")).await?.text().await?;
        assert!(thanks.contains("your note was received"), "{thanks}");
        full_page_screenshot(&client, 1280, &shots.join("note-received.png")).await;
        let note = store.notes(None, 10).await.unwrap().remove(0);
        store.publish(note.id, "browser-test").await.unwrap();
        client
            .goto(&format!(
                "{site}/errors/anthropic/authentication-error#notes"
            ))
            .await?;
        client
            .find(Locator::Css("form.confirm input[name=sdk_version]"))
            .await?
            .send_keys("0.41.0")
            .await?;
        client
            .find(Locator::Css("form.confirm button[value=yes]"))
            .await?
            .click()
            .await?;
        let counts = client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(".note-versions li"))
            .await?
            .text()
            .await?;
        assert_eq!(counts, "anthropic 0.41.0: worked 1, did not work 0");
        client
            .execute("document.getElementById('notes').scrollIntoView();", vec![])
            .await?;
        std::fs::write(shots.join("entry-notes.png"), client.screenshot().await?).unwrap();
        Ok::<_, fantoccini::error::CmdError>(())
    }
    .await;
    let _ = client.close().await;
    drop(driver);
    server.abort();
    result.unwrap();
}
