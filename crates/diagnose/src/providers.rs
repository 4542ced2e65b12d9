//! Provider facts: what in a text tells which provider's API an error came from, each row
//! citing where it comes from (an SDK source line, a capture in
//! `shared/reference/captured/`, provider documentation or a public report), and the
//! inference that turns the clues found into one provider.
//!
//! Wrappers and shared SDKs are *transport*: the `openai` package (pointed at any
//! OpenAI-compatible host), LiteLLM and LangChain. A clue for an upstream provider (its
//! host, its key, the wrapper naming it) beats a transport clue, so `openai` talking to
//! `api.fireworks.ai` is Fireworks and `litellm … AnthropicException` is Anthropic.

use errdex_entry::Provider;

/// What kind of clue a row is; also the `signal` name of its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clue {
    /// The provider's API host in a URL or connection message.
    Host,
    /// A documentation or console host the provider's own error messages link to.
    DocHost,
    /// A package path in traceback frames or stack lines.
    SdkPath,
    /// The module of the raised exception class.
    ExceptionModule,
    /// A wrapper naming the upstream provider (LiteLLM `AnthropicException`, …).
    Wrapper,
    /// An API-key environment variable.
    EnvVar,
    /// A key prefix (from the shared key-format table).
    KeyPrefix,
    /// The shape of the error body (`"object": "error"` is Mistral's, …).
    BodyShape,
    /// The API operation named (`InvokeModel` is Bedrock's).
    Operation,
    /// The provider's name written in the text.
    Name,
    /// A message signal of one of the provider's entries: the provider's own wording.
    /// Counted only when nothing but a transport (or nothing at all) shows the provider.
    Message,
}

impl Clue {
    pub fn signal(self) -> &'static str {
        match self {
            Clue::Host => "api_host",
            Clue::DocHost => "provider_link",
            Clue::SdkPath => "sdk_path",
            Clue::ExceptionModule => "exception_module",
            Clue::Wrapper => "wrapper",
            Clue::EnvVar => "env_var",
            Clue::KeyPrefix => "key_prefix",
            Clue::BodyShape => "body_shape",
            Clue::Operation => "operation",
            Clue::Name => "provider_name",
            Clue::Message => "provider_message",
        }
    }

    /// How much one clue of this kind says on its own (a probability-like weight).
    pub fn weight(self) -> f32 {
        match self {
            Clue::Host => 0.95,
            Clue::Wrapper => 0.9,
            Clue::KeyPrefix => 0.8,
            Clue::SdkPath | Clue::ExceptionModule => 0.75,
            Clue::EnvVar => 0.7,
            Clue::DocHost | Clue::BodyShape => 0.6,
            Clue::Operation => 0.6,
            Clue::Message => 0.6,
            Clue::Name => 0.35,
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct ProviderFact {
    /// Matched ASCII-case-insensitively, with `\` read as `/`.
    pub pattern: &'static str,
    pub clue: Clue,
    pub provider: Provider,
    /// The clue names a transport (shared SDK or wrapper), not necessarily the upstream.
    pub transport: bool,
    /// Must the match stand alone as a word (letters/digits on neither side)?
    pub word: bool,
    pub source: &'static str,
}

const fn row(
    pattern: &'static str,
    clue: Clue,
    provider: Provider,
    source: &'static str,
) -> ProviderFact {
    ProviderFact {
        pattern,
        clue,
        provider,
        transport: false,
        word: matches!(clue, Clue::Name | Clue::EnvVar | Clue::Operation),
        source,
    }
}

const fn transport(
    pattern: &'static str,
    clue: Clue,
    provider: Provider,
    source: &'static str,
) -> ProviderFact {
    ProviderFact {
        transport: true,
        ..row(pattern, clue, provider, source)
    }
}

use Clue::*;
use Provider as P;

const FACTS_MD: &str = "shared/reference/sdk-facts.md";

/// The table. Sources: `sdk-facts.md` (§ numbers) gathers SDK source lines [SRC] and
/// observations [OBS]; captures are under `shared/reference/captured/`.
pub static PROVIDER_FACTS: &[ProviderFact] = &[
    // ── API hosts: the SDKs' default base URLs (sdk-facts.md §3, §4) and provider docs.
    row("api.anthropic.com", Host, P::Anthropic, "anthropic/_client.py:240-248 default base URL (sdk-facts.md §3.1)"),
    row("api.openai.com", Host, P::Openai, "openai/_client_auth.py:228-232 default base URL (sdk-facts.md §3.2)"),
    row("openai.azure.com", Host, P::AzureOpenai, "Azure OpenAI endpoints are https://<resource>.openai.azure.com (Azure docs; devset-independent: openai lib/azure.py)"),
    row("cognitiveservices.azure.com", Host, P::AzureOpenai, "Azure AI services endpoints (Azure docs)"),
    row("api.fireworks.ai", Host, P::Fireworks, "fireworks/_client.py:136-158 default base URL (sdk-facts.md §3.3)"),
    row("api.groq.com", Host, P::Groq, "groq/_client.py:78-93 default base URL (sdk-facts.md §3.3)"),
    row("api.together.xyz", Host, P::Together, "Together API host (docs.together.ai)"),
    row("api.together.ai", Host, P::Together, "together/_client.py:134-158 default base URL (sdk-facts.md §3.3)"),
    row("api-inference.together.ai", Host, P::Together, "together 3.1.1: resources/chat/completions.py (chat completions go to https://api-inference.together.ai/v1/chat/completions unless the base URL is overridden)"),
    row("api.mistral.ai", Host, P::Mistral, "mistralai client/sdkconfiguration.py:18-27 (sdk-facts.md §3.4)"),
    row("api.cohere.com", Host, P::Cohere, "cohere base URL (sdk-facts.md §3.5)"),
    row("api.cohere.ai", Host, P::Cohere, "cohere's earlier base URL (Cohere docs)"),
    row("generativelanguage.googleapis.com", Host, P::Google, "google/genai/_base_url.py:48-50 (sdk-facts.md §3.6)"),
    row("aiplatform.googleapis.com", Host, P::Vertex, "Vertex AI endpoints <region>-aiplatform.googleapis.com (Google Cloud docs)"),
    // Vertex resource names, `projects/<p>/locations/<l>/publishers/<pub>/models/<m>`, in request
    // URLs and quoted back by 403/404 messages; the Gemini Developer API names models `models/<m>`.
    row("/publishers/anthropic/models/", Host, P::Vertex, "anthropic lib/vertex/_client.py builds …/publishers/anthropic/models/{model}:rawPredict; 404 bodies quote it (github.com/anyme123/Any-code/issues/5)"),
    row("/publishers/google/models/", Host, P::Vertex, "Vertex publisher-model resource names (Google Cloud model-versions docs; github.com/567-labs/instructor/issues/1849)"),
    row("bedrock-runtime.", Host, P::Bedrock, "boto3 bedrock-runtime endpoint bedrock-runtime.<region>.amazonaws.com (AWS docs)"),
    row("openrouter.ai", Host, P::Openrouter, "OpenRouter API base https://openrouter.ai/api/v1 (OpenRouter docs)"),
    row("api.deepseek.com", Host, P::Deepseek, "DeepSeek API base https://api.deepseek.com (DeepSeek docs)"),
    row("api.x.ai", Host, P::Xai, "xAI API base https://api.x.ai/v1 (xAI docs)"),
    row(":11434", Host, P::Ollama, "Ollama's default port 11434 (ollama docs/api.md)"),
    // ── Hosts that providers' own error messages link to.
    row("platform.openai.com", DocHost, P::Openai, "OpenAI 401/429 messages link platform.openai.com (captured/openai-401.txt, sdk-facts.md §5.2)"),
    row("help.openai.com", DocHost, P::Openai, "OpenAI 500 message: 'contact us through our help center at help.openai.com' (OpenAI error-codes guide)"),
    row("docs.anthropic.com", DocHost, P::Anthropic, "anthropic timeout message links docs.anthropic.com (captured/anthropic-timeout.txt)"),
    row("console.anthropic.com", DocHost, P::Anthropic, "Anthropic console (Anthropic docs)"),
    row("status.claude.com", DocHost, P::Anthropic, "Anthropic status page, linked by Claude clients"),
    row("console.groq.com", DocHost, P::Groq, "Groq 429 messages link console.groq.com/docs/rate-limits (sdk-facts.md §5.3)"),
    row("aistudio.google.com", DocHost, P::Google, "google-genai no-key message (captured/google-genai-no_key.txt)"),
    row("ai.google.dev/gemini-api", DocHost, P::Google, "Gemini 429 messages link ai.google.dev/gemini-api/docs/rate-limits (github.com/google-gemini/gemini-cli/issues/3324)"),
    row("console.x.ai", DocHost, P::Xai, "xAI key console (xAI docs)"),
    row("docs.mistral.ai", DocHost, P::Mistral, "Mistral docs host"),
    row("docs.cohere.com", DocHost, P::Cohere, "Cohere docs host"),
    row("registry.ollama.ai/", DocHost, P::Ollama, "Ollama names models by their registry path in errors: 'registry.ollama.ai/library/<model>:<tag> does not support tools' (https://github.com/ollama/ollama/issues/14795)"),
    row("docs.fireworks.ai", DocHost, P::Fireworks, "Fireworks docs host"),
    row("docs.together.ai", DocHost, P::Together, "Together docs host"),
    row("aka.ms/oai", DocHost, P::AzureOpenai, "Azure OpenAI quota messages link aka.ms/oai/quotaincrease (Azure docs)"),
    row("go.microsoft.com/fwlink/?linkid=2198766", DocHost, P::AzureOpenai, "Azure OpenAI content-filter message link (Azure docs)"),
    // ── SDK package paths in frames.
    row("site-packages/anthropic/lib/bedrock", SdkPath, P::Bedrock, "anthropic lib/bedrock/_client.py (AnthropicBedrock)"),
    row("site-packages/anthropic/lib/vertex", SdkPath, P::Vertex, "anthropic lib/vertex/_client.py (AnthropicVertex)"),
    row("site-packages/anthropic/", SdkPath, P::Anthropic, "captured/anthropic-401.txt frames"),
    row("node_modules/@anthropic-ai/", SdkPath, P::Anthropic, "captured/node-anthropic-401.txt stack"),
    transport("site-packages/openai/", SdkPath, P::Openai, "captured/openai-401.txt frames; also used for OpenAI-compatible hosts"),
    transport("node_modules/openai/", SdkPath, P::Openai, "captured/node-openai-401.txt stack"),
    row("site-packages/groq/", SdkPath, P::Groq, "captured/groq-401.txt frames"),
    row("node_modules/groq-sdk/", SdkPath, P::Groq, "captured/node-groq-401.txt stack"),
    row("site-packages/fireworks/", SdkPath, P::Fireworks, "captured/fireworks-401.txt frames"),
    row("site-packages/together/", SdkPath, P::Together, "captured/together-401.txt frames"),
    row("site-packages/mistralai/", SdkPath, P::Mistral, "captured/mistralai-401.txt frames"),
    row("node_modules/@mistralai/", SdkPath, P::Mistral, "@mistralai/mistralai package (npm)"),
    row("site-packages/cohere/", SdkPath, P::Cohere, "captured/cohere-401.txt frames"),
    row("site-packages/google/genai/", SdkPath, P::Google, "captured/google-genai-400.txt frames"),
    row("site-packages/google/generativeai/", SdkPath, P::Google, "google-generativeai package layout"),
    row("node_modules/@google/genai", SdkPath, P::Google, "@google/genai package (npm)"),
    row("node_modules/@google/generative-ai", SdkPath, P::Google, "@google/generative-ai package (npm)"),
    row("site-packages/vertexai/", SdkPath, P::Vertex, "vertexai package layout (google-cloud-aiplatform)"),
    row("site-packages/ollama/", SdkPath, P::Ollama, "ollama-python package layout"),
    transport("site-packages/litellm/", SdkPath, P::Litellm, "litellm package layout"),
    transport("site-packages/langchain", SdkPath, P::Langchain, "langchain package layout"),
    // ── Wrappers that name the upstream provider.
    // LiteLLM prefixes messages with "<Provider>Exception - " (litellm
    // litellm_core_utils/exception_mapping_utils.py).
    row("AnthropicException", Wrapper, P::Anthropic, "litellm exception_mapping_utils.py"),
    transport("OpenAIException", Wrapper, P::Openai, "litellm exception_mapping_utils.py"),
    row("AzureException", Wrapper, P::AzureOpenai, "litellm exception_mapping_utils.py"),
    // LiteLLM's Azure handler raises its own error before the mapping (a timeout shows
    // `litellm.llms.azure.common_utils.AzureOpenAIError: Request timed out.` and frames of
    // litellm/llms/azure/azure.py; litellm 1.110.2).
    row("AzureOpenAIError", Wrapper, P::AzureOpenai, "litellm 1.110.2: llms/azure/common_utils.py (AzureOpenAIError), raised from llms/azure/azure.py"),
    ProviderFact { word: false, ..row("litellm/llms/azure/", Wrapper, P::AzureOpenai, "litellm 1.110.2 package layout: llms/azure/azure.py calls Azure OpenAI") },
    row("Fireworks_aiException", Wrapper, P::Fireworks, "litellm exception_mapping_utils.py"),
    row("GroqException", Wrapper, P::Groq, "litellm exception_mapping_utils.py"),
    row("Together_aiException", Wrapper, P::Together, "litellm exception_mapping_utils.py"),
    row("MistralException", Wrapper, P::Mistral, "litellm exception_mapping_utils.py"),
    row("CohereException", Wrapper, P::Cohere, "litellm exception_mapping_utils.py"),
    row("GeminiException", Wrapper, P::Google, "litellm exception_mapping_utils.py"),
    row("VertexAIException", Wrapper, P::Vertex, "litellm exception_mapping_utils.py"),
    // The Anthropic SDK names its Vertex extra when google-auth is missing.
    row("anthropic[vertex]", Wrapper, P::Vertex, "anthropic lib/_extras/_common.py (MissingDependencyError: '$ pip install anthropic[vertex]')"),
    row("BedrockException", Wrapper, P::Bedrock, "litellm exception_mapping_utils.py"),
    row("OpenrouterException", Wrapper, P::Openrouter, "litellm exception_mapping_utils.py"),
    row("DeepseekException", Wrapper, P::Deepseek, "litellm exception_mapping_utils.py"),
    row("OllamaException", Wrapper, P::Ollama, "litellm exception_mapping_utils.py"),
    row("langchain_anthropic", Wrapper, P::Anthropic, "langchain-anthropic package"),
    transport("langchain_openai", Wrapper, P::Openai, "langchain-openai package (also used for compatible hosts)"),
    row("langchain_google_genai", Wrapper, P::Google, "langchain-google-genai package"),
    row("langchain_google_vertexai", Wrapper, P::Vertex, "langchain-google-vertexai package"),
    row("langchain_groq", Wrapper, P::Groq, "langchain-groq package"),
    row("langchain_mistralai", Wrapper, P::Mistral, "langchain-mistralai package"),
    row("langchain_cohere", Wrapper, P::Cohere, "langchain-cohere package"),
    row("langchain_fireworks", Wrapper, P::Fireworks, "langchain-fireworks package"),
    row("langchain_together", Wrapper, P::Together, "langchain-together package"),
    row("langchain_aws", Wrapper, P::Bedrock, "langchain-aws package"),
    row("langchain_ollama", Wrapper, P::Ollama, "langchain-ollama package"),
    row("llama_index/llms/anthropic", Wrapper, P::Anthropic, "llama-index-llms-anthropic package layout"),
    row("llama_index.llms.anthropic", Wrapper, P::Anthropic, "llama-index-llms-anthropic package"),
    transport("llama_index/llms/openai", Wrapper, P::Openai, "llama-index-llms-openai package layout"),
    row("llama_index/llms/gemini", Wrapper, P::Google, "llama-index-llms-gemini package layout"),
    row("llama_index/llms/groq", Wrapper, P::Groq, "llama-index-llms-groq package layout"),
    row("llama_index/llms/mistralai", Wrapper, P::Mistral, "llama-index-llms-mistralai package layout"),
    row("llama_index/llms/bedrock", Wrapper, P::Bedrock, "llama-index-llms-bedrock package layout"),
    row("llama_index/llms/ollama", Wrapper, P::Ollama, "llama-index-llms-ollama package layout"),
    row("@ai-sdk/anthropic", Wrapper, P::Anthropic, "Vercel AI SDK provider package @ai-sdk/anthropic (npm)"),
    transport("@ai-sdk/openai", Wrapper, P::Openai, "Vercel AI SDK provider package @ai-sdk/openai (npm)"),
    row("@ai-sdk/google", Wrapper, P::Google, "Vercel AI SDK provider package @ai-sdk/google (npm)"),
    row("@ai-sdk/mistral", Wrapper, P::Mistral, "Vercel AI SDK provider package @ai-sdk/mistral (npm)"),
    row("@ai-sdk/groq", Wrapper, P::Groq, "Vercel AI SDK provider package @ai-sdk/groq (npm)"),
    row("@langchain/anthropic", Wrapper, P::Anthropic, "@langchain/anthropic package (npm)"),
    row("@anthropic-ai/claude-code", Wrapper, P::Anthropic, "Claude Code CLI package (npm)"),
    // ── Key variables the SDKs read (sdk-facts.md §3, §4).
    row("ANTHROPIC_API_KEY", EnvVar, P::Anthropic, "anthropic/_client.py:98-114"),
    row("ANTHROPIC_AUTH_TOKEN", EnvVar, P::Anthropic, "anthropic/_client.py:98-114"),
    transport("OPENAI_API_KEY", EnvVar, P::Openai, "openai/lib/_client_auth.py:179-236"),
    row("AZURE_OPENAI_API_KEY", EnvVar, P::AzureOpenai, "openai lib/azure.py (AzureOpenAI reads AZURE_OPENAI_API_KEY)"),
    row("AZURE_OPENAI_ENDPOINT", EnvVar, P::AzureOpenai, "openai lib/azure.py (AzureOpenAI reads AZURE_OPENAI_ENDPOINT)"),
    row("FIREWORKS_API_KEY", EnvVar, P::Fireworks, "fireworks/_client.py:136-158; captured/fireworks-no_key.txt"),
    row("GROQ_API_KEY", EnvVar, P::Groq, "groq/_client.py:78-93; captured/groq-no_key.txt"),
    row("TOGETHER_API_KEY", EnvVar, P::Together, "together/_client.py:134-158; captured/together-no_key.txt"),
    row("MISTRAL_API_KEY", EnvVar, P::Mistral, "mistralai client/utils/security.py:79"),
    row("CO_API_KEY", EnvVar, P::Cohere, "cohere/client.py:573-578; captured/cohere-no_key.txt"),
    row("COHERE_API_KEY", EnvVar, P::Cohere, "cohere/client.py:573-578"),
    row("GOOGLE_API_KEY", EnvVar, P::Google, "google/genai/_api_client.py:164-178"),
    row("GEMINI_API_KEY", EnvVar, P::Google, "google/genai/_api_client.py:164-178"),
    row("OPENROUTER_API_KEY", EnvVar, P::Openrouter, "OpenRouter docs"),
    row("DEEPSEEK_API_KEY", EnvVar, P::Deepseek, "DeepSeek docs"),
    row("XAI_API_KEY", EnvVar, P::Xai, "xAI SDK docs"),
    row("ANTHROPIC_VERTEX_PROJECT_ID", EnvVar, P::Vertex, "anthropic lib/vertex/_client.py (AnthropicVertex project_id)"),
    row("CLOUD_ML_REGION", EnvVar, P::Vertex, "anthropic lib/vertex/_client.py (AnthropicVertex region)"),
    row("GOOGLE_GENAI_USE_VERTEXAI", EnvVar, P::Vertex, "google/genai/_api_client.py:1132-1191 (Vertex mode switch)"),
    // ── Body shapes (sdk-facts.md §5).
    row("\"object\": \"error\"", BodyShape, P::Mistral, "Mistral error envelope {\"object\":\"error\",…} (docs.mistral.ai error glossary, sdk-facts.md §5.6)"),
    row("\"object\":\"error\"", BodyShape, P::Mistral, "Mistral error envelope (sdk-facts.md §5.6)"),
    row("'object': 'error'", BodyShape, P::Mistral, "Mistral's envelope as Python prints the parsed body (openai package, LiteLLM): https://github.com/crewAIInc/crewAI/issues/60 , https://github.com/NEKOparapa/AiNiee/issues/641"),
    row("'type': 'error', 'error': {", BodyShape, P::Anthropic, "Anthropic envelope {type: error, error: {…}} (docs.anthropic.com/en/api/errors; captured/anthropic-401.txt)"),
    row("\"type\":\"error\",\"error\":{", BodyShape, P::Anthropic, "Anthropic envelope (docs.anthropic.com/en/api/errors; captured/node-anthropic-401.txt)"),
    row("\"type\": \"error\", \"error\": {", BodyShape, P::Anthropic, "Anthropic envelope (docs.anthropic.com/en/api/errors)"),
    // A JSON body escaped inside a JSON log line; the table reads `\` as `/`.
    row("/\"type/\":/\"error/\",/\"error/\":{", BodyShape, P::Anthropic, "Anthropic envelope escaped in a JSON log record: https://github.com/anthropics/claude-code/issues/40621"),
    row("overloaded_error", BodyShape, P::Anthropic, "error type overloaded_error is Anthropic's 529 (docs.anthropic.com/en/api/errors)"),
    row("type.googleapis.com/google.rpc", BodyShape, P::Google, "google.rpc.Status details (sdk-facts.md §5.8)"),
    // DeepSeek's errors all carry `code: invalid_request_error` after `param: null` (401, 400,
    // 402 alike), where OpenAI's own bodies name a specific code or none.
    row("'param': None, 'code': 'invalid_request_error'", BodyShape, P::Deepseek, "DeepSeek bodies as Python prints them: https://github.com/oficcejo/aiagents-stock/issues/33 (402), https://github.com/bytedance/deer-flow/issues/66 (400 context length)"),
    row("\"param\":null,\"code\":\"invalid_request_error\"", BodyShape, P::Deepseek, "DeepSeek bodies as JSON: https://github.com/NoFxAiOS/nofx/issues/1278 (400), https://github.com/BerriAI/litellm/issues/10403 (401), https://github.com/FullStackPlayer/claude-code-launcher/issues/3 (401)"),
    row("\"param\": null, \"code\": \"invalid_request_error\"", BodyShape, P::Deepseek, "DeepSeek bodies as spaced JSON (the same bodies pretty-printed)"),
    // ── Operations.
    row("InvokeModel", Operation, P::Bedrock, "bedrock-runtime API operation InvokeModel (boto3 docs)"),
    row("InvokeModelWithResponseStream", Operation, P::Bedrock, "bedrock-runtime API operation (boto3 docs)"),
    row("Converse operation", Operation, P::Bedrock, "bedrock-runtime API operation Converse (boto3 docs)"),
    row("ConverseStream operation", Operation, P::Bedrock, "bedrock-runtime API operation ConverseStream (boto3 docs)"),
    row("The model returned the following errors:", BodyShape, P::Bedrock, "Bedrock's wrapper around a model's own error message: https://github.com/aws-solutions/generative-ai-application-builder-on-aws/issues/207 , https://github.com/daisuke-awaji/moca/issues/254"),
    // The bare phrase is common English; only in an error message or body is it a clue.
    row("APIError: Error processing stream", BodyShape, P::Openrouter, "OpenRouter's mid-stream error chunk (https://openrouter.ai/docs/api-reference/errors), message as quoted in https://github.com/hotovo/aider-desk/issues/103 ; the openai package prints it alone: openai.APIError: Error processing stream (openai 3.54.0 _streaming.py)"),
    row("\"message\":\"Error processing stream\"", BodyShape, P::Openrouter, "OpenRouter's mid-stream error chunk (https://openrouter.ai/docs/api-reference/errors), message as quoted in https://github.com/hotovo/aider-desk/issues/103 ; the openai package prints it alone: openai.APIError: Error processing stream (openai 3.54.0 _streaming.py)"),
    row("'message': 'Error processing stream'", BodyShape, P::Openrouter, "OpenRouter's mid-stream error chunk (https://openrouter.ai/docs/api-reference/errors), message as quoted in https://github.com/hotovo/aider-desk/issues/103 ; the openai package prints it alone: openai.APIError: Error processing stream (openai 3.54.0 _streaming.py)"),
    row("Message: Error processing stream", BodyShape, P::Openrouter, "OpenRouter's mid-stream error chunk (https://openrouter.ai/docs/api-reference/errors), message as quoted in https://github.com/hotovo/aider-desk/issues/103 ; the openai package prints it alone: openai.APIError: Error processing stream (openai 3.54.0 _streaming.py)"),
    // botocore percent-encodes the model id in the runtime paths /model/{modelId}/invoke and
    // /model/{modelId}/converse (botocore data/bedrock-runtime/2023-09-30/service-2.json requestUri),
    // so URLs in connection and timeout errors name Bedrock even behind a proxy or VPC endpoint.
    ProviderFact { word: false, ..row("%3A0/converse", Operation, P::Bedrock, "botocore bedrock-runtime service-2.json: requestUri /model/{modelId}/converse, model id versions end in :0") },
    ProviderFact { word: false, ..row("%3A0/invoke", Operation, P::Bedrock, "botocore bedrock-runtime service-2.json: requestUri /model/{modelId}/invoke, model id versions end in :0") },
    // The boto3 service name, quoted, as code shows it in traceback lines and botocore in its
    // messages: boto3.client("bedrock-runtime") (boto3 docs, BedrockRuntime client).
    ProviderFact { word: false, ..row("\"bedrock-runtime\"", Operation, P::Bedrock, "boto3 service name bedrock-runtime: boto3.client(\"bedrock-runtime\") (boto3 docs)") },
    ProviderFact { word: false, ..row("'bedrock-runtime'", Operation, P::Bedrock, "boto3 service name bedrock-runtime, single-quoted (boto3 docs)") },
    // ── Names (weak: a name can be mentioned by anyone).
    row("Anthropic", Name, P::Anthropic, "provider name"),
    row("Claude", Name, P::Anthropic, "Anthropic's model family name"),
    transport("OpenAI", Name, P::Openai, "provider name (also in 'OpenAI-compatible')"),
    row("Azure OpenAI", Name, P::AzureOpenai, "provider name"),
    // The openai package's Azure clients, as code lines and Node stack lines show them
    // (`at AzureOpenAI.makeRequest`): openai 3.54.0 lib/azure.py, openai (npm) 7.57.0 azure.js.
    row("AzureOpenAI", Name, P::AzureOpenai, "openai 3.54.0: lib/azure.py (class AzureOpenAI); openai (npm) 7.57.0: azure.js (class AzureOpenAI)"),
    row("AsyncAzureOpenAI", Name, P::AzureOpenai, "openai 3.54.0: lib/azure.py (class AsyncAzureOpenAI)"),
    row("Fireworks", Name, P::Fireworks, "provider name"),
    row("Groq", Name, P::Groq, "provider name"),
    row("Together AI", Name, P::Together, "provider name"),
    row("Mistral", Name, P::Mistral, "provider name"),
    row("MistralAI", Name, P::Mistral, "provider name"),
    row("Cohere", Name, P::Cohere, "provider name"),
    row("Gemini", Name, P::Google, "Google's model family name"),
    row("GoogleGenerativeAI", Name, P::Google, "@google/generative-ai error prefix [GoogleGenerativeAI Error]"),
    row("Vertex AI", Name, P::Vertex, "provider name"),
    row("AnthropicVertex", Name, P::Vertex, "anthropic's Vertex client class (anthropic lib/vertex/_client.py)"),
    row("Bedrock", Name, P::Bedrock, "provider name"),
    row("OpenRouter", Name, P::Openrouter, "provider name"),
    row("DeepSeek", Name, P::Deepseek, "provider name"),
    row("xAI", Name, P::Xai, "provider name"),
    row("Ollama", Name, P::Ollama, "provider name"),
    transport("LiteLLM", Name, P::Litellm, "wrapper name"),
    transport("LangChain", Name, P::Langchain, "wrapper name"),
];

/// Whether the text names a Google API other than Gemini's and Vertex AI's, and neither of
/// those: a host such as `translate.googleapis.com` (also as ErrorInfo's `"service"`), or
/// an API path on `www.googleapis.com` (`/customsearch/v1`). Hosts that serve every Google
/// API (OAuth tokens, the `type.googleapis.com` type URLs, Cloud Storage) say nothing
/// either way. Host names are matched as written, in lower case.
pub fn names_other_google_api(text: &str) -> bool {
    use std::sync::LazyLock;
    static API: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"\b([a-z0-9-]+)\.googleapis\.com\b(?:/(?:discovery/v\d+/apis/)?([a-z]+))?",
        )
        .expect("a valid regex")
    });
    if memchr::memmem::find(text.as_bytes(), b"googleapis.com").is_none() {
        return false;
    }
    let mut other = false;
    for caps in API.captures_iter(text) {
        let host = &caps[1];
        let llm = |name: &str| {
            name == "generativelanguage" || name == "aiplatform" || name.ends_with("-aiplatform")
        };
        match host {
            h if llm(h) => return false,
            "type" | "oauth2" | "accounts" | "iamcredentials" | "sts" | "serviceusage"
            | "storage" => {}
            "www" => {
                let api = caps.get(2).map(|m| m.as_str());
                match api {
                    Some(a) if llm(a) => return false,
                    Some(
                        "customsearch" | "youtube" | "drive" | "calendar" | "gmail" | "books"
                        | "blogger" | "webfonts" | "pagespeedonline",
                    ) => other = true,
                    _ => {}
                }
            }
            _ => other = true,
        }
    }
    other
}

/// The provider a Python exception module belongs to (`anthropic.AuthenticationError`,
/// `openai.error.RateLimitError`, `cohere.errors.…`), with whether it is a transport.
pub fn module_provider(class: &str) -> Option<(Provider, bool)> {
    let module = class.rsplit_once('.')?.0;
    let top = module.split('.').next()?;
    Some(match top {
        "anthropic" => (P::Anthropic, false),
        "openai" => (P::Openai, true),
        "groq" => (P::Groq, false),
        "fireworks" => (P::Fireworks, false),
        "together" => (P::Together, false),
        "mistralai" => (P::Mistral, false),
        "cohere" => (P::Cohere, false),
        "ollama" => (P::Ollama, false),
        "vertexai" => (P::Vertex, false),
        "litellm" => (P::Litellm, true),
        "langchain" | "langchain_core" => (P::Langchain, true),
        "google"
            if module.starts_with("google.genai") || module.starts_with("google.generativeai") =>
        {
            (P::Google, false)
        }
        _ => return None,
    })
}

/// The table's sources, for `docs/diagnosis.md` and tests.
pub fn sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    PROVIDER_FACTS
        .iter()
        .map(|f| (f.pattern, f.source))
        .chain(std::iter::once(("(table)", FACTS_MD)))
}

#[cfg(test)]
mod tests {
    use super::names_other_google_api;

    #[test]
    fn another_google_api_is_told_from_gemini_and_vertex() {
        for other in [
            r#""service": "translate.googleapis.com""#,
            "GET https://www.googleapis.com/customsearch/v1?key=x returned 400",
            "https://www.googleapis.com/discovery/v1/apis/youtube/v3/rest",
        ] {
            assert!(names_other_google_api(other), "{other}");
        }
        for gemini in [
            "POST https://generativelanguage.googleapis.com/v1beta/models/x:generateContent",
            // Gemini's host wins over another API named beside it.
            "translate.googleapis.com then generativelanguage.googleapis.com",
            "https://us-central1-aiplatform.googleapis.com/v1/projects/p",
            // Hosts every Google API uses say nothing.
            "token refresh at https://oauth2.googleapis.com/token failed",
            "@type: type.googleapis.com/google.rpc.ErrorInfo",
            "no host at all",
        ] {
            assert!(!names_other_google_api(gemini), "{gemini}");
        }
    }
}
