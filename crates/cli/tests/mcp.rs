//! `errdex mcp` as an MCP client sees it: the binary is spawned with a scrubbed
//! environment in a temporary directory and driven over stdio by rmcp's own client —
//! initialize, tools/list, tools/call of every tool, resources/list and resources/read —
//! plus a raw session that checks nothing but JSON-RPC ever reaches stdout.

use rmcp::model::{CallToolRequestParams, CallToolResult, ReadResourceRequestParams};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

/// The traceback section of a real capture (anthropic 2.12.0, HTTP 401).
const ANTHROPIC_401: &str = include_str!("../../diagnose/tests/inputs/capture-anthropic-401.txt");
const ANT: &str = "sk-ant-api03-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQAA";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("errdex-mcp-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `errdex mcp` with nothing of the caller's environment (no `*_API_KEY` at all) but
/// PATH and `env`, in `dir` (whose `.env` files `check_keys` reads).
fn command(dir: &PathBuf, env: &[(&str, &str)]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_errdex"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .arg("mcp")
        .current_dir(dir);
    cmd
}

async fn connect(dir: &PathBuf, env: &[(&str, &str)]) -> RunningService<RoleClient, ()> {
    let (transport, _stderr) = TokioChildProcess::builder(command(dir, env))
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn errdex mcp");
    ().serve(transport).await.expect("initialize")
}

async fn call(client: &RunningService<RoleClient, ()>, tool: &str, args: Value) -> CallToolResult {
    let Value::Object(args) = args else {
        panic!("arguments must be an object")
    };
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(args))
        .await
        .unwrap_or_else(|e| panic!("tools/call {tool} failed at the protocol level: {e}"))
}

fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_client_drives_every_tool_and_the_resources_over_stdio() {
    let client = connect(&scratch("session"), &[]).await;

    // initialize
    let info = client.peer_info().expect("server info after initialize");
    assert_eq!(info.server_info.as_ref().unwrap().name, "errdex");
    assert!(info.capabilities.tools.is_some() && info.capabilities.resources.is_some());
    assert!(info
        .instructions
        .as_deref()
        .unwrap_or("")
        .contains("diagnose"));

    // tools/list: all five, each with a description and an object schema
    let tools = client.list_all_tools().await.unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "check_keys",
            "diagnose",
            "get_error",
            "list_errors",
            "search"
        ]
    );
    for t in &tools {
        assert!(
            t.description.as_deref().unwrap_or("").len() > 100,
            "{}",
            t.name
        );
        assert_eq!(t.input_schema["type"], "object", "{}", t.name);
    }
    let diagnose = tools.iter().find(|t| t.name == "diagnose").unwrap();
    assert_eq!(diagnose.input_schema["required"], json!(["text"]));
    assert_eq!(
        diagnose.input_schema["properties"]["text"]["type"],
        json!("string")
    );

    // diagnose a real Anthropic 401 traceback
    let r = call(&client, "diagnose", json!({ "text": ANTHROPIC_401 })).await;
    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let s = r.structured_content.as_ref().unwrap();
    assert_eq!(s["matches"][0]["id"], "anthropic/authentication-error");
    assert!(s["matches"][0]["confidence"].as_f64().unwrap() >= 0.5);
    assert!(!s["matches"][0]["evidence"].as_array().unwrap().is_empty());
    assert!(s["top"]["quick_fix"].as_str().unwrap().len() > 20);
    assert!(!s["top"]["causes"].as_array().unwrap().is_empty());
    let md = text(&r);
    assert!(md.contains("`anthropic/authentication-error`"), "{md}");
    assert!(md.contains("### Quick fix") && md.contains("### Causes & fixes"));

    // get_error on a bad id: a tool error naming the nearest ids
    let r = call(
        &client,
        "get_error",
        json!({ "id": "anthropic/authentication-eror" }),
    )
    .await;
    assert_eq!(r.is_error, Some(true));
    let message = text(&r);
    assert!(
        message.contains("No entry") && message.contains("`anthropic/authentication-error`"),
        "{message}"
    );

    // get_error on a good id: Markdown with every section, plus the structured fields
    let r = call(
        &client,
        "get_error",
        json!({ "id": "anthropic/authentication-error" }),
    )
    .await;
    assert_eq!(r.is_error, Some(false));
    let md = text(&r);
    for heading in errdex_sections() {
        assert!(
            md.contains(&format!("\n## {heading}\n")),
            "{heading}:\n{md}"
        );
    }
    let s = r.structured_content.as_ref().unwrap();
    assert_eq!(s["id"], "anthropic/authentication-error");
    assert!(s["sections"]["causes"].as_array().unwrap().len() >= 2);

    // search and list_errors
    let r = call(&client, "search", json!({ "query": "invalid x-api-key" })).await;
    assert_eq!(r.is_error, Some(false));
    let s = r.structured_content.as_ref().unwrap();
    let results = s["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["id"] == "anthropic/authentication-error"));
    assert!(results.iter().all(|r| r["summary"].is_string()));
    let r = call(&client, "list_errors", json!({ "provider": "fireworks" })).await;
    let entries = r.structured_content.as_ref().unwrap()["entries"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!entries.is_empty());
    assert!(entries.iter().all(|e| e["provider"] == "fireworks"));
    let r = call(&client, "list_errors", json!({ "kind": "no-such-kind" })).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("Unknown kind"));

    // bad arguments and oversized input are tool errors with a message, not crashes
    let r = call(&client, "get_error", json!({})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(
        text(&r).contains("Invalid arguments for `get_error`"),
        "{}",
        text(&r)
    );
    let big = "x".repeat(1_100_000);
    let r = call(&client, "diagnose", json!({ "text": big })).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r).contains("the limit is 1048576"), "{}", text(&r));

    // resources: every entry, a template, and one read
    let resources = client.list_all_resources().await.unwrap();
    let uri = "errdex://errors/anthropic/authentication-error";
    let entry = resources
        .iter()
        .find(|r| r.uri == uri)
        .expect("the entry is listed");
    assert_eq!(entry.mime_type.as_deref(), Some("text/markdown"));
    let templates = client.list_all_resource_templates().await.unwrap();
    assert_eq!(
        templates[0].uri_template,
        "errdex://errors/{provider}/{slug}"
    );
    let read = client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
        .unwrap();
    let contents = serde_json::to_value(&read.contents[0]).unwrap();
    assert_eq!(contents["mimeType"], "text/markdown");
    assert!(contents["text"]
        .as_str()
        .unwrap()
        .contains("## Causes & fixes"));
    assert!(client
        .read_resource(ReadResourceRequestParams::new(
            "errdex://errors/anthropic/nope"
        ))
        .await
        .is_err());

    // the server survived all of the above
    assert!(client.list_all_tools().await.is_ok());
    client.cancel().await.unwrap();
}

/// The page's sections, as `get_error` and the resources title them.
fn errdex_sections() -> [&'static str; 14] {
    [
        "What this error means",
        "Stack trace",
        "Quick fix",
        "Why it happens",
        "Detection",
        "Causes & fixes",
        "Code",
        "Workaround",
        "Prevention",
        "Compatibility",
        "Verified",
        "Related",
        "Sources",
        "Community notes",
    ]
}

#[tokio::test]
async fn check_keys_reports_the_servers_broken_key_without_showing_it() {
    let dir = scratch("keys");
    let broken = format!("{ANT}\n");
    let client = connect(&dir, &[("ANTHROPIC_API_KEY", &broken)]).await;
    let r = call(&client, "check_keys", json!({})).await;
    client.cancel().await.unwrap();

    assert_eq!(r.is_error, Some(false), "{}", text(&r));
    let s = r.structured_content.as_ref().unwrap();
    assert_eq!(s["ok"], false);
    assert_eq!(s["providers"], json!(["anthropic"]));
    let finding = s["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["problem"] == "whitespace")
        .expect("the trailing line break is found");
    assert_eq!(finding["variable"], "ANTHROPIC_API_KEY");
    assert_eq!(finding["source"], "environment");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["entry"], "anthropic/authentication-error");
    assert!(text(&r).contains("ANTHROPIC_API_KEY"));

    let all = serde_json::to_string(&r).unwrap();
    for piece in ANT.as_bytes().windows(12) {
        let piece = std::str::from_utf8(piece).unwrap();
        assert!(!all.contains(piece), "`{piece}` of the key leaked:\n{all}");
    }
}

/// A client that sends initialize, initialized, tools/list and a failing tools/call, one
/// at a time, then closes stdin: every line on stdout is a JSON-RPC answer to it, and the
/// server exits 0 at end of input.
#[test]
fn stdout_carries_only_the_protocol_and_end_of_input_ends_the_server() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_errdex"))
        .arg("mcp")
        .env_clear()
        .current_dir(scratch("raw"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut send = |message: Value, answered: bool| -> Option<Value> {
        writeln!(stdin, "{message}").unwrap();
        stdin.flush().unwrap();
        if !answered {
            return None;
        }
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let answer: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("not JSON-RPC on stdout ({e}): {line}"));
        assert_eq!(answer["jsonrpc"], "2.0", "{line}");
        assert_eq!(answer["id"], message["id"], "{line}");
        Some(answer)
    };
    let init = send(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "raw-test", "version": "0"}}}),
        true,
    )
    .unwrap();
    assert_eq!(init["result"]["serverInfo"]["name"], "errdex");
    send(
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        false,
    );
    let list = send(
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
        true,
    )
    .unwrap();
    assert_eq!(list["result"]["tools"].as_array().unwrap().len(), 5);
    let error = send(
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "get_error", "arguments": {"id": "nope/nope"}}}),
        true,
    )
    .unwrap();
    assert_eq!(error["result"]["isError"], true, "{error}");
    drop(stdin);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    assert_eq!(rest, "", "nothing more on stdout");
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("errdex mcp:"));
}
