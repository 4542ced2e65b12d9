"""Drives one real Python SDK against errdex mock, scenario by scenario.

usage: python sdk_driver.py SDK MOCK_URL SCENARIO...   (the key is in $ERRDEX_KEY)
prints one JSON line per scenario: {"scenario", "raised": "<module>.<Class>" or null}
"""
import json
import os
import sys

sdk, mock, scenarios = sys.argv[1], sys.argv[2], sys.argv[3:]
key = os.environ["ERRDEX_KEY"]
MESSAGES = [{"role": "user", "content": "Hello"}]


def stainless(module, cls, base, call):
    mod = __import__(module)
    client = getattr(mod, cls)(api_key=key, base_url=base, max_retries=0, timeout=1.0)
    call(client)


def chat(model):
    return lambda c: c.chat.completions.create(model=model, messages=MESSAGES)


def run(scenario):
    if sdk == "anthropic":
        stainless("anthropic", "Anthropic", f"{mock}/anthropic/{scenario}",
                  lambda c: c.messages.create(model="claude-haiku-4-5", max_tokens=16, messages=MESSAGES))
    elif sdk == "anthropic-stream":
        def consume(c):
            with c.messages.stream(model="claude-haiku-4-5", max_tokens=16, messages=MESSAGES) as s:
                for _ in s.text_stream:
                    pass
        stainless("anthropic", "Anthropic", f"{mock}/anthropic/{scenario}", consume)
    elif sdk == "openai":
        stainless("openai", "OpenAI", f"{mock}/openai/{scenario}/v1", chat("gpt-4o-mini"))
    elif sdk == "openai-stream":
        def consume(c):
            for _ in c.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES, stream=True):
                pass
        stainless("openai", "OpenAI", f"{mock}/openai/{scenario}/v1", consume)
    elif sdk == "groq":
        stainless("groq", "Groq", f"{mock}/groq/{scenario}", chat("llama-3.3-70b-versatile"))
    elif sdk == "fireworks":
        stainless("fireworks", "Fireworks", f"{mock}/fireworks/{scenario}",
                  chat("accounts/fireworks/models/llama-v3p1-8b-instruct"))
    elif sdk == "together":
        stainless("together", "Together", f"{mock}/together/{scenario}", chat("meta-llama/Llama-3.3-70B-Instruct-Turbo"))
    elif sdk == "mistralai":
        from mistralai.client import Mistral
        Mistral(api_key=key, server_url=f"{mock}/mistral/{scenario}", timeout_ms=1000).chat.complete(
            model="mistral-small-latest", messages=MESSAGES)
    elif sdk == "cohere":
        import cohere
        cohere.ClientV2(api_key=key, base_url=f"{mock}/cohere/{scenario}", timeout=1.0).chat(
            model="command-a-03-2025", messages=MESSAGES)
    elif sdk == "google-genai":
        from google import genai
        from google.genai import types
        client = genai.Client(api_key=key, http_options=types.HttpOptions(
            base_url=f"{mock}/google/{scenario}", timeout=1000))
        client.models.generate_content(model="gemini-2.5-flash", contents="Hello")
    else:
        raise SystemExit(f"unknown sdk {sdk}")


for scenario in scenarios:
    try:
        run(scenario)
        raised = None
    except Exception as e:  # noqa: BLE001 - the class is what we report
        raised = f"{type(e).__module__}.{type(e).__qualname__}"
    print(json.dumps({"scenario": scenario, "raised": raised}), flush=True)
