//! The two vocabularies of `taxonomy.md`: every entry has one provider and one kind.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        /// Serialised as its taxonomy text (`azure-openai`, `missing_api_key`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// The accepted values, for error messages.
            pub fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The API or library whose error it is.
    Provider {
        Anthropic => "anthropic",
        Openai => "openai",
        AzureOpenai => "azure-openai",
        Fireworks => "fireworks",
        Groq => "groq",
        Together => "together",
        Mistral => "mistral",
        Cohere => "cohere",
        Google => "google",
        Bedrock => "bedrock",
        Vertex => "vertex",
        Openrouter => "openrouter",
        Deepseek => "deepseek",
        Xai => "xai",
        Ollama => "ollama",
        Litellm => "litellm",
        Langchain => "langchain",
    }
}

vocabulary! {
    /// What went wrong, independent of the provider.
    Kind {
        MissingApiKey => "missing_api_key",
        Authentication => "authentication",
        Permission => "permission",
        NotFound => "not_found",
        BadRequest => "bad_request",
        ContextLength => "context_length",
        RequestTooLarge => "request_too_large",
        Unprocessable => "unprocessable",
        RateLimit => "rate_limit",
        QuotaExceeded => "quota_exceeded",
        Overloaded => "overloaded",
        ServerError => "server_error",
        Timeout => "timeout",
        Connection => "connection",
        ContentFilter => "content_filter",
        SdkUsage => "sdk_usage",
        Streaming => "streaming",
        InvalidResponse => "invalid_response",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_the_taxonomy_text() {
        assert_eq!(
            serde_json::to_string(&Provider::AzureOpenai).unwrap(),
            "\"azure-openai\""
        );
        assert_eq!(
            serde_json::to_string(&Kind::MissingApiKey).unwrap(),
            "\"missing_api_key\""
        );
    }

    #[test]
    fn every_value_round_trips_through_its_text() {
        for p in Provider::ALL {
            assert_eq!(Provider::parse(p.as_str()), Some(*p));
        }
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(Provider::parse("Anthropic"), None);
        assert_eq!(Kind::parse("auth"), None);
    }
}
