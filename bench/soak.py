#!/usr/bin/env python3
"""The soak driver of bench/soak.sh (Python 3 standard library only).

A mixed workload against one running `errdex serve` at a steady, bounded rate: entry
pages and entry JSON, search (page and API), POST /api/v1/diagnose, the notes API, note
creation, confirmations and moderation (list, publish, reject). A scheduler thread hands
out one request every 1/rate seconds to a fixed pool of workers, each with its own
keep-alive connection, so the rate does not depend on the latency.

Every request says which statuses it expects. Deliberate refusals are expected and
counted apart: notes from one fixed "hammer" client address (over --notes-per-hour: 429),
a second confirmation of a note from the same client on the same day (409), a note too
short (422). The server runs with --trust-proxy, so the client address is the
X-Forwarded-For the driver sends; every other write comes from its own random address in
10.0.0.0/8 and is never rate-limited.

Usage: soak.py BASE_URL SECONDS RATE PID OUT_JSON ADMIN_TOKEN
Writes the figures (counts, latencies, RSS samples, acknowledged and published note ids)
to OUT_JSON; soak.sh checks them against the database.
"""

import http.client
import json
import queue
import random
import sys
import threading
import time
import urllib.parse

BASE, SECONDS, RATE, PID, OUT, TOKEN = sys.argv[1:7]
SECONDS, RATE, PID = float(SECONDS), float(RATE), int(PID)
HOST = urllib.parse.urlsplit(BASE).netloc
WORKERS = 32
HAMMER = "192.0.2.1"  # TEST-NET-1: the one client that is meant to hit the notes limit

# (route label, weight in percent). Writes are a few percent, as on a site people read:
# at 200 req/s that is still 4 notes a second, about 40 per entry over ten minutes.
MIX = [
    ("GET entry page", 36),
    ("GET entry JSON", 6),
    ("GET search page", 10),
    ("GET search API", 10),
    ("POST diagnose", 21),
    ("GET notes API", 10),
    ("POST note", 2),
    ("POST confirmation", 3),
    ("GET admin pending", 1),
    ("POST publish/reject", 1),
]
ROUTES = [r for r, _ in MIX]
CHOICES = [r for r, w in MIX for _ in range(w)]

QUERIES = ["rate limit", "overloaded", "invalid api key", "context length", "timeout",
           "quota exceeded", "model not found", "streaming", "authentication", "529"]


def rss_kib():
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def random_client():
    return "10.%d.%d.%d" % (random.randrange(256), random.randrange(256), random.randrange(1, 255))


def request(conn, method, path, body=None, client=None, auth=False):
    headers = {"Host": HOST, "Accept-Encoding": "gzip"}
    if body is not None:
        body = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if client:
        headers["X-Forwarded-For"] = client
    if auth:
        headers["Authorization"] = "Bearer " + TOKEN
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.pending = []          # acknowledged, not yet moderated: (note id, version)
        self.published = []        # (note id, version)
        self.acknowledged = set()  # every note answered 201
        self.published_ids = set()
        self.rejected_ids = set()
        self.confirmed = []        # (note id, client, version) for deliberate duplicates
        self.latency = {r: [] for r in ROUTES}
        self.status = {r: {} for r in ROUTES}
        self.deliberate = {r: {} for r in ROUTES}
        self.unexpected = []       # (route, status, body excerpt)
        self.transport_errors = []
        self.late = 0

    def record(self, route, status, seconds, expected, deliberate, body):
        with self.lock:
            self.latency[route].append(seconds)
            s = self.status[route]
            s[status] = s.get(status, 0) + 1
            if status in deliberate:
                d = self.deliberate[route]
                d[status] = d.get(status, 0) + 1
            elif status not in expected:
                self.unexpected.append((route, status, body[:200].decode("utf-8", "replace")))


def setup(conn):
    """The entries, the diagnose texts, and the entries a note can be posted to."""
    _, data = request(conn, "GET", "/api/v1/errors?limit=500")
    ids = [e["id"] for e in json.loads(data)["errors"]]
    texts = []
    for name in ("anthropic-timeout.txt", "anthropic-401.txt"):
        with open("crates/web/tests/fixtures/" + name) as f:
            texts.append(f.read())
    texts.append("openai.RateLimitError: Error code: 429 - {'error': {'message': "
                 "'Rate limit reached for gpt-4o', 'type': 'requests', 'code': 'rate_limit_exceeded'}}")
    texts.append("nothing an LLM API would say, just a plain sentence about the weather")
    # Entries that take a note for a well-known SDK version (probed before timing; these
    # notes are acknowledged like any other and checked at the end).
    targets = []
    for entry in ids:
        provider = entry.split("/")[0]
        sdk = {"anthropic": "anthropic 0.40.0", "openai": "openai 1.50.0"}.get(provider)
        if not sdk:
            continue
        status, data = request(conn, "POST", f"/api/v1/errors/{entry}/notes",
                               {"text": f"Probe note for {entry}, written before the soak.",
                                "sdk_version": sdk}, client=random_client())
        if status == 201:
            targets.append((entry, sdk))
            STATE.acknowledged.add(json.loads(data)["id"])
            STATE.pending.append((json.loads(data)["id"], sdk.split()[1]))
        if len(targets) >= 60:
            break
    if not targets:
        sys.exit("no entry accepts a note for anthropic 0.40.0 or openai 1.50.0")
    return ids, texts, targets


STATE = State()


def one(conn, route, ids, texts, targets):
    """Sends one request of `route`; returns (status, body, expected, deliberate), or None
    when there is nothing to send it about yet (no published note to confirm)."""
    ok = {200}
    deliberate = set()
    if route == "GET entry page":
        status, body = request(conn, "GET", "/errors/" + random.choice(ids))
    elif route == "GET entry JSON":
        status, body = request(conn, "GET", "/api/v1/errors/" + random.choice(ids))
    elif route == "GET search page":
        status, body = request(conn, "GET", "/search?q=" + urllib.parse.quote(random.choice(QUERIES)))
    elif route == "GET search API":
        status, body = request(conn, "GET", "/api/v1/search?q=" + urllib.parse.quote(random.choice(QUERIES)))
    elif route == "POST diagnose":
        status, body = request(conn, "POST", "/api/v1/diagnose", {"text": random.choice(texts)})
    elif route == "GET notes API":
        entry, _ = random.choice(targets)
        status, body = request(conn, "GET", f"/api/v1/errors/{entry}/notes")
    elif route == "POST note":
        entry, sdk = random.choice(targets)
        roll = random.random()
        if roll < 0.05:  # deliberately too short: 422
            status, body = request(conn, "POST", f"/api/v1/errors/{entry}/notes",
                                   {"text": "short", "sdk_version": sdk}, client=random_client())
            ok, deliberate = set(), {422}
        else:
            hammer = roll < 0.15  # one client over its hourly limit: 429 after the first ones
            text = "Soak note %08x: upgrading and retrying with backoff fixed it here." % random.getrandbits(32)
            status, body = request(conn, "POST", f"/api/v1/errors/{entry}/notes",
                                   {"text": text, "sdk_version": sdk},
                                   client=HAMMER if hammer else random_client())
            ok = {201}
            if hammer:
                deliberate = {429}
            if status == 201:
                note = json.loads(body)["id"]
                with STATE.lock:
                    STATE.acknowledged.add(note)
                    STATE.pending.append((note, sdk.split()[1]))
    elif route == "POST confirmation":
        with STATE.lock:
            published = random.choice(STATE.published) if STATE.published else None
            again = random.choice(STATE.confirmed) if STATE.confirmed and random.random() < 0.1 else None
        if again:  # the same client, the same note, the same day: 409
            note, client, version = again
            ok, deliberate = set(), {409}
        elif published:
            note, version = published
            client = random_client()
            ok = {201}
        else:
            return None  # nothing published yet
        status, body = request(conn, "POST", f"/api/v1/notes/{note}/confirmations",
                               {"worked": random.random() < 0.8, "sdk_version": version},
                               client=client)
        if status == 201 and not again:
            with STATE.lock:
                STATE.confirmed.append((note, client, version))
    elif route == "GET admin pending":
        status, body = request(conn, "GET", "/api/v1/admin/notes?status=pending&limit=50", auth=True)
    elif route == "POST publish/reject":
        with STATE.lock:
            item = STATE.pending.pop(random.randrange(len(STATE.pending))) if STATE.pending else None
        if item is None:
            return None  # nothing to moderate yet
        note, version = item
        if random.random() < 0.8:
            status, body = request(conn, "POST", f"/api/v1/admin/notes/{note}/publish", auth=True)
            if status == 200:
                with STATE.lock:
                    STATE.published.append(item)
                    STATE.published_ids.add(note)
        else:
            status, body = request(conn, "POST", f"/api/v1/admin/notes/{note}/reject",
                                   {"reason": "soak"}, auth=True)
            if status == 200:
                with STATE.lock:
                    STATE.rejected_ids.add(note)
    else:
        raise ValueError(route)
    return status, body, ok, deliberate


def worker(jobs, ids, texts, targets):
    conn = http.client.HTTPConnection(HOST, timeout=30)
    while True:
        job = jobs.get()
        if job is None:
            return
        due, route = job
        if time.monotonic() - due > 0.1:
            with STATE.lock:
                STATE.late += 1
        started = time.monotonic()
        try:
            sent = one(conn, route, ids, texts, targets)
        except (OSError, http.client.HTTPException) as e:
            with STATE.lock:
                STATE.transport_errors.append(f"{route}: {e!r}")
            conn.close()
            conn = http.client.HTTPConnection(HOST, timeout=30)
            continue
        if sent is None:
            continue
        status, body, ok, deliberate = sent
        STATE.record(route, status, time.monotonic() - started, ok, deliberate, body)


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    conn = http.client.HTTPConnection(HOST, timeout=30)
    ids, texts, targets = setup(conn)
    rss = [(0, rss_kib())]
    jobs = queue.Queue()
    threads = [threading.Thread(target=worker, args=(jobs, ids, texts, targets), daemon=True)
               for _ in range(WORKERS)]
    for t in threads:
        t.start()
    start = time.monotonic()
    interval = 1.0 / RATE
    sent = 0
    next_sample = 10
    while True:
        now = time.monotonic() - start
        if now >= SECONDS:
            break
        due = sent * interval
        if due > now:
            time.sleep(min(due - now, 0.05))
            continue
        jobs.put((start + due, random.choice(CHOICES)))
        sent += 1
        if now >= next_sample:
            rss.append((round(now), rss_kib()))
            next_sample += 10
    # Bounded in time: what the workers could not start by the end is not sent (and
    # counted), so a server that falls behind shows as a missed rate, not a longer run.
    dropped = 0
    while True:
        try:
            jobs.get_nowait()
            dropped += 1
        except queue.Empty:
            break
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join(timeout=60)
    elapsed = time.monotonic() - start
    rss.append((round(elapsed), rss_kib()))
    served = sum(len(v) for v in STATE.latency.values())
    report = {
        "seconds": round(elapsed, 1),
        "rate_asked": RATE,
        "scheduled": sent,
        "served": served,
        "rate_achieved": round(served / elapsed, 1),
        "late_starts": STATE.late,
        "not_sent": dropped,
        "routes": {
            r: {
                "count": len(STATE.latency[r]),
                "p50_ms": round(1000 * (percentile(STATE.latency[r], 50) or 0), 2),
                "p99_ms": round(1000 * (percentile(STATE.latency[r], 99) or 0), 2),
                "max_ms": round(1000 * max(STATE.latency[r] or [0]), 2),
                "statuses": {str(k): v for k, v in sorted(STATE.status[r].items())},
                "deliberate": {str(k): v for k, v in sorted(STATE.deliberate[r].items())},
            }
            for r in ROUTES
        },
        "unexpected": len(STATE.unexpected),
        "unexpected_samples": STATE.unexpected[:20],
        "transport_errors": len(STATE.transport_errors),
        "transport_samples": STATE.transport_errors[:20],
        "rss_kib": rss,
        "acknowledged": sorted(STATE.acknowledged),
        "published": sorted(STATE.published_ids),
        "rejected": sorted(STATE.rejected_ids),
    }
    with open(OUT, "w") as f:
        json.dump(report, f)


main()
