//! `--online` against `errdex mock` on loopback (never a real provider): a valid key, a
//! rejected key, an unreachable server, and a base URL that must not receive the key.

use errdex_doctor::{check_online, Finding, Inputs, Problem};
use errdex_mock::keys::mock_key;
use errdex_mock::Provider as MockProvider;

struct Mock {
    runtime: tokio::runtime::Runtime,
    running: errdex_mock::Running,
}

fn mock() -> Mock {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let running = runtime
        .block_on(errdex_mock::start("127.0.0.1:0".parse().unwrap()))
        .unwrap();
    Mock { runtime, running }
}

fn online(env: &[(&str, String)], allow: &[&str]) -> Vec<Finding> {
    let inputs = Inputs {
        env: env
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        ..Inputs::default()
    };
    let allow: Vec<String> = allow.iter().map(|s| s.to_string()).collect();
    check_online(&inputs, &allow, &|id: &str| {
        id.ends_with("/authentication-error")
    })
}

/// Every provider the doctor probes, with the base-URL variable it reads: the probe's path
/// must be one the provider (here, the mock that copies it) really serves.
#[test]
fn a_valid_key_is_accepted_by_every_providers_check() {
    let m = mock();
    for vars in errdex_doctor::PROVIDERS {
        let provider = MockProvider::parse(vars.provider.as_str())
            .expect("the mock serves every provider the doctor probes");
        let Some(base_var) = vars.base_urls.first() else {
            continue; // Mistral reads no base-URL variable: nothing can point it at the mock.
        };
        let f = online(
            &[
                (vars.keys[0], mock_key(provider)),
                (base_var, m.running.base_url(provider, "ok")),
            ],
            &[],
        );
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].problem, Problem::Valid, "{}: {f:#?}", vars.provider);
    }
    let probed = errdex_doctor::PROVIDERS
        .iter()
        .filter(|v| !v.base_urls.is_empty())
        .count();
    assert_eq!(
        m.running.state.requests().len(),
        probed,
        "one request per key"
    );
    drop(m.runtime);
}

#[test]
fn a_rejected_key_names_the_authentication_entry() {
    let m = mock();
    let f = online(
        &[
            ("ANTHROPIC_API_KEY", mock_key(MockProvider::Anthropic)),
            (
                "ANTHROPIC_BASE_URL",
                m.running.base_url(MockProvider::Anthropic, "invalid_key"),
            ),
        ],
        &[],
    );
    assert_eq!(f[0].problem, Problem::Rejected, "{f:#?}");
    assert!(f[0].message.contains("HTTP 401"));
    assert_eq!(
        f[0].entry.as_deref(),
        Some("anthropic/authentication-error")
    );
    // A key of the wrong format is rejected by `ok` too, as the real API would.
    let f = online(
        &[
            ("ANTHROPIC_API_KEY", mock_key(MockProvider::Openai)),
            (
                "ANTHROPIC_BASE_URL",
                m.running.base_url(MockProvider::Anthropic, "ok"),
            ),
        ],
        &[],
    );
    assert_eq!(f[0].problem, Problem::Rejected, "{f:#?}");
}

#[test]
fn an_unreachable_server_is_reported_not_fatal() {
    // Bind and drop a listener to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let f = online(
        &[
            ("GROQ_API_KEY", mock_key(MockProvider::Groq)),
            ("GROQ_BASE_URL", format!("http://127.0.0.1:{port}/groq/ok")),
        ],
        &[],
    );
    assert_eq!(f[0].problem, Problem::Unreachable, "{f:#?}");
}

#[test]
fn a_key_is_never_sent_to_a_host_that_is_not_the_providers() {
    let m = mock();
    let f = online(
        &[
            ("ANTHROPIC_API_KEY", mock_key(MockProvider::Anthropic)),
            (
                "ANTHROPIC_BASE_URL",
                "https://collector.example.com/anthropic".to_string(),
            ),
        ],
        &[],
    );
    assert_eq!(f[0].problem, Problem::NotContacted, "{f:#?}");
    assert!(
        f[0].message.contains("--allow-host collector.example.com"),
        "{}",
        f[0].message
    );
    assert!(m.running.state.requests().is_empty());
    // `localhost` as a name is loopback too, and is contacted.
    let base = m
        .running
        .base_url(MockProvider::Anthropic, "ok")
        .replace("127.0.0.1", "localhost");
    let f = online(
        &[
            ("ANTHROPIC_API_KEY", mock_key(MockProvider::Anthropic)),
            ("ANTHROPIC_BASE_URL", base),
        ],
        &[],
    );
    assert_eq!(f[0].problem, Problem::Valid, "{f:#?}");
}
