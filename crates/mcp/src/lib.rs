//! `errdex mcp`: the knowledge base for AI coding agents over the Model Context Protocol,
//! on stdio, with the official Rust SDK (`rmcp`). Five tools — `diagnose`, `get_error`,
//! `search`, `list_errors`, `check_keys` — and every entry as a Markdown resource at
//! `errdex://errors/<provider>/<slug>`. Everything is answered from the index the binary
//! embeds; nothing goes to the network (`check_keys` is the doctor without `--online`).
//!
//! The tools' logic lives in [`tools`] (plain functions, unit-tested); this module is the
//! protocol: schemas and descriptions, results as text plus `structuredContent`, and every
//! failure of a call — unknown id, bad arguments, oversized input — as a tool error
//! (`isError: true`) with a message the model can act on, never a crash. Nothing but the
//! protocol is written to stdout.

pub mod markdown;
pub mod tools;

use errdex_entry::Index;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ResourceTemplate, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{tool, tool_router, ErrorData, RoleServer, ServerHandler, ServiceExt};
use std::sync::Arc;
use tools::{
    Answer, CheckKeysParams, DiagnoseParams, GetErrorParams, Knowledge, ListErrorsParams,
    SearchParams, ToolError,
};

/// The URI template of the entries.
pub const URI_TEMPLATE: &str = "errdex://errors/{provider}/{slug}";
const URI_PREFIX: &str = "errdex://errors/";
const MARKDOWN: &str = "text/markdown";
/// How rmcp begins the message of arguments that do not fit a tool's parameters.
const DESERIALIZE_PREFIX: &str = "failed to deserialize parameters:";

const INSTRUCTIONS: &str = "errdex knows the errors of LLM APIs and SDKs (Anthropic, OpenAI, \
Fireworks, Groq, Gemini, Bedrock, LiteLLM, LangChain, …), each verified against the real SDK. \
When a program fails with such an error, call `diagnose` with the error text before trying \
fixes: it names the error and gives its quick fix and its causes with their fixes. \
`get_error` gives a whole entry, `search` and `list_errors` find entries, `check_keys` finds \
API-key mistakes in this server's environment and .env files without exposing a key. \
Everything is offline.";

/// The MCP server. Cheap to clone; the knowledge base is shared.
#[derive(Clone)]
pub struct Server {
    knowledge: Arc<Knowledge>,
    tool_router: ToolRouter<Server>,
}

fn respond(result: Result<Answer, ToolError>) -> CallToolResult {
    match result {
        Ok(answer) => {
            let mut r = CallToolResult::success(vec![ContentBlock::text(answer.markdown)]);
            r.structured_content = Some(answer.structured);
            r
        }
        Err(err) => CallToolResult::error(vec![ContentBlock::text(err.0)]),
    }
}

#[tool_router]
impl Server {
    pub fn new(index: &'static Index) -> Self {
        Server {
            knowledge: Arc::new(Knowledge::new(index)),
            tool_router: Self::tool_router(),
        }
    }

    /// The tools with their schemas, as `tools/list` gives them.
    pub fn tools(&self) -> Vec<Tool> {
        self.tool_router.list_all()
    }

    #[tool(
        description = "Identify an error from an LLM API or SDK (Anthropic, OpenAI, Fireworks, Groq, Gemini, Bedrock, Azure OpenAI, LiteLLM, LangChain, …) in a traceback, exception message, HTTP error body or log excerpt. Call it BEFORE trying fixes for such an error: many fixes that look plausible are known not to work. Returns the knowledge-base entries the text may be, best first, each with a confidence in [0, 1] and the evidence that decided it (signal, matched text, line), and for the best match its quick fix and its numbered causes, each with its fix. No match means errdex does not know this error: do not apply another entry's fixes then. Pass the whole traceback including its last line. API keys in the text are redacted before anything is returned. Offline.",
        annotations(
            title = "Diagnose an LLM-API error",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn diagnose(&self, Parameters(p): Parameters<DiagnoseParams>) -> CallToolResult {
        respond(tools::diagnose(&self.knowledge, &p))
    }

    #[tool(
        description = "Read one knowledge-base entry in full, by id (`<provider>/<slug>`, e.g. `anthropic/authentication-error`, as returned by `diagnose`, `search` or `list_errors`): what the error means, the stack trace captured from the real SDK, the quick fix, why it happens, how to detect it, causes & fixes, broken and fixed code, workaround, prevention, compatibility (SDK versions) and when it was last verified. Returns Markdown plus the structured fields. A retired or renamed id leads to the entry that replaced it; an unknown id is an error that names the nearest ids.",
        annotations(
            title = "Get an error entry",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_error(&self, Parameters(p): Parameters<GetErrorParams>) -> CallToolResult {
        respond(tools::get_error(&self.knowledge, &p))
    }

    #[tool(
        description = "Full-text search over the knowledge base (titles, exception classes, every section). Use it when you have words rather than a whole error: an exception class, an error code, a message fragment, a symptom. Returns entry ids, titles and one-line meanings, best first; read one with `get_error`. To identify a pasted error, `diagnose` is more precise.",
        annotations(
            title = "Search errors",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn search(&self, Parameters(p): Parameters<SearchParams>) -> CallToolResult {
        respond(tools::search(&self.knowledge, &p))
    }

    #[tool(
        description = "List the knowledge-base entries (id, provider, kind, title, one-line summary, HTTP status, exception classes, severity, whether the last verification passed), optionally only one provider's and/or one kind's. Use it to see what errdex covers for a provider.",
        annotations(
            title = "List errors",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn list_errors(&self, Parameters(p): Parameters<ListErrorsParams>) -> CallToolResult {
        respond(tools::list_errors(&self.knowledge, &p))
    }

    #[tool(
        description = "Check the LLM API-key variables (ANTHROPIC_API_KEY, OPENAI_API_KEY, GROQ_API_KEY, …, and base-URL variables) in this MCP server's own environment and in the .env and .env.local files of its working directory, the way `errdex doctor` does: missing or empty keys, stray whitespace or quotes, placeholders, another provider's key, misspelt variable names no SDK reads, conflicts, base URLs pointing elsewhere. Each finding names the variable, where it was found, what is wrong, the fix, its severity and the related entry. Keys are never shown (at most a short prefix and the last 4 characters) and never sent anywhere: this is offline only. Note the server's environment may differ from the one the user's program runs in.",
        annotations(
            title = "Check API keys",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn check_keys(&self, Parameters(p): Parameters<CheckKeysParams>) -> CallToolResult {
        respond(
            tools::KeyEnvironment::of_process()
                .and_then(|env| tools::check_keys(&self.knowledge, &env, &p)),
        )
    }
}

impl Server {
    fn resources(&self) -> Vec<Resource> {
        self.knowledge
            .index()
            .current(None, None)
            .map(|e| {
                Resource::new(tools::uri(&e.id), e.id.to_string())
                    .with_title(e.title.clone())
                    .with_description(e.summary.clone())
                    .with_mime_type(MARKDOWN)
            })
            .collect()
    }

    /// The Markdown of the entry a resource URI names (retired and renamed ids resolve).
    pub fn read(&self, uri: &str) -> Result<String, ToolError> {
        let Some(id) = uri.strip_prefix(URI_PREFIX) else {
            return Err(ToolError(format!(
                "errdex resources are `{URI_TEMPLATE}`, e.g. errdex://errors/anthropic/authentication-error"
            )));
        };
        let (entry, note) = self.knowledge.resolve(id)?;
        let mut md = String::new();
        if let Some(note) = note {
            md.push_str(&format!("> {note}\n\n"));
        }
        md.push_str(&markdown::entry(entry));
        Ok(md)
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .build(),
        )
        .with_server_info(Implementation::new("errdex", env!("CARGO_PKG_VERSION")))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tool_router.get(name).cloned()
    }

    /// Arguments that do not fit a tool's schema are a tool error the model can correct,
    /// not a protocol error it never sees; an unknown tool stays a protocol error.
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = request.name.to_string();
        let known = self.tool_router.has_route(&name);
        let call = ToolCallContext::new(self, request, context);
        let invalid = |why: &str| {
            CallToolResult::error(vec![ContentBlock::text(format!(
                "Invalid arguments for `{name}`: {why}. See the tool's input schema."
            ))])
            .into()
        };
        match self.tool_router.call(call).await {
            // rmcp reports arguments that do not deserialise as a tool error already;
            // say which tool, and where to look.
            Ok(CallToolResponse::Complete(r)) if r.is_error == Some(true) => {
                let text = r.content.first().and_then(|c| c.as_text());
                match text.and_then(|t| t.text.strip_prefix(DESERIALIZE_PREFIX)) {
                    Some(why) => Ok(invalid(why.trim())),
                    None => Ok(r.into()),
                }
            }
            Err(err) if known => Ok(invalid(&err.message)),
            other => other,
        }
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(self.resources()))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(vec![
            ResourceTemplate::new(URI_TEMPLATE, "errdex-entry")
                .with_title("errdex entry")
                .with_description(
                    "One knowledge-base entry as Markdown; provider and slug as in the id `<provider>/<slug>` (see `list_errors`).",
                )
                .with_mime_type(MARKDOWN),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let markdown = self
            .read(&request.uri)
            .map_err(|e| ErrorData::resource_not_found(e.0, None))?;
        Ok(ReadResourceResult::new(vec![
            ResourceContents::text(markdown, request.uri).with_mime_type(MARKDOWN)
        ])
        .into())
    }
}

/// Serves MCP on stdin/stdout until the client closes stdin.
pub async fn serve_stdio(index: &'static Index) -> Result<(), Box<dyn std::error::Error>> {
    let service = Server::new(index).serve(rmcp::transport::stdio()).await?;
    service.waiting().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_tools_with_descriptions_and_object_schemas() {
        let server = Server::new(errdex_kb::index());
        let mut names: Vec<String> = server.tools().iter().map(|t| t.name.to_string()).collect();
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
        for t in server.tools() {
            assert!(
                t.description.as_deref().unwrap_or("").len() > 100,
                "{}",
                t.name
            );
            assert_eq!(t.input_schema["type"], "object", "{}", t.name);
        }
        let get = server.get_tool("get_error").unwrap();
        assert_eq!(get.input_schema["required"], serde_json::json!(["id"]));
        let list = server.get_tool("list_errors").unwrap();
        let providers = &list.input_schema["properties"]["provider"]["enum"];
        assert!(providers
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("anthropic")));
    }

    #[test]
    fn every_current_entry_is_a_readable_resource() {
        let server = Server::new(errdex_kb::index());
        let resources = server.resources();
        assert!(!resources.is_empty());
        for r in &resources {
            assert!(r.uri.starts_with(URI_PREFIX));
            let md = server.read(&r.uri).unwrap();
            assert!(md.starts_with("# "), "{}", r.uri);
        }
        assert!(server.read("errdex://errors/anthropic/nope").is_err());
        assert!(server.read("file:///etc/passwd").is_err());
        for uri in [
            "errdex://errors/../../etc/passwd",
            "errdex://errors/anthropic/..%2F..%2Fetc%2Fpasswd",
            "errdex://errors/anthropic/authentication-error/../../../Cargo.toml",
            "errdex://errors/anthropic\\..\\x",
            "errdex://errors/anthropic/authentication-error\0",
        ] {
            assert!(server.read(uri).is_err(), "{uri}");
        }
    }
}
