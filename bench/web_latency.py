"""Review-queue latency: queue and case pages with 100,000 cases and 20 concurrent clients.

    .venv/bin/python bench/web_latency.py [--cases 100000] [--clients 20] [--requests 30]
                                          [--warmup 5] [--workers N] [--think 0.5-1.0]
                                          [--db URL]   # default: a temporary SQLite file

Bulk-inserts the cases (executemany), then starts the server exactly as production does -- the
`makegood serve --workers N` command in a subprocess (uvicorn worker processes, real loopback
TCP) -- and logs each client in (a real session cookie). Two runs, each a bounded number of
rounds per client after warm-up rounds that are not counted:

1. closed loop (the headline): every client sends its next request as soon as the last answered;
2. staff-like: every client thinks 0.5-1 s between requests, like a person reading the queue.

A round is a queue page (first page, a filtered page, a page 20 deep in the keyset, unassigned
cases), a random case page, and the login page: the reference (a template, no database), whose
ratio to each page is printed. Also prints the server's CPU time per request (all its processes,
from /proc), the clients' CPU, the CPU count and the load average at the start, so a reader can
tell service time from queueing and judge the noise. Prints a JSON line last.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402

from monitor.storage import models as m  # noqa: E402
from monitor.storage.engine import make_engine, make_sessionmaker, upgrade  # noqa: E402

PASSWORD = "bench password 123"
STATUSES = ["open"] * 4 + ["awaiting_approval"] + ["closed"] * 4 + ["responded"]
SEVERITIES = ["low", "medium", "high", "critical"]
PLATFORMS = ["x", "reddit", "mastodon", "bluesky"]
CATEGORIES = ["delivery", "billing", "product quality", "customer service"]
CHUNK = 5000


def seed(url: str, cases: int) -> None:
    """Insert `cases` authors, mentions and cases (ids line up: author i, mention i, case i)."""
    engine = make_engine(url)
    upgrade(engine)
    rng = random.Random(42)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with engine.begin() as conn:
        for start in range(1, cases + 1, CHUNK):
            ids = range(start, min(start + CHUNK, cases + 1))
            authors, mentions, rows = [], [], []
            for i in ids:
                platform = PLATFORMS[i % 4]
                opened = now - timedelta(minutes=rng.randint(1, 60 * 24 * 30))
                severity = rng.choice(SEVERITIES)
                status = rng.choice(STATUSES)
                authors.append(
                    {
                        "id": i,
                        "platform": platform,
                        "external_id": f"a{i}",
                        "handle": f"user{i}",
                        "followers": rng.randint(0, 50_000),
                    }
                )
                mentions.append(
                    {
                        "id": i,
                        "platform": platform,
                        "external_id": f"p{i}",
                        "brand": "Kettlebird",
                        "channel_key": "bench",
                        "author_id": i,
                        "author_handle": f"user{i}",
                        "text": f"@kettlebird order {i} is late again and nobody answers",
                        "url": f"https://{platform}.example/p/{i}",
                        "created_at": opened,
                        "fetched_at": opened,
                        "raw": {},
                        "reasons": ["negative sentiment"],
                        "sentiment": -0.6,
                        "complaint": True,
                        "category": CATEGORIES[i % 4],
                        "severity": severity,
                        "flagged": True,
                        "reply_allowed": True,
                    }
                )
                rows.append(
                    {
                        "id": i,
                        "brand": "Kettlebird",
                        "platform": platform,
                        "author_id": i,
                        "first_mention_id": i,
                        "status": status,
                        "severity": severity,
                        "severity_rank": SEVERITIES.index(severity) + 1,
                        "category": CATEGORIES[i % 4],
                        "opened_at": opened,
                        "sla_due_at": opened + timedelta(minutes=60),
                        "updated_at": opened,
                        "version": 1,
                    }
                )
            conn.execute(m.Author.__table__.insert(), authors)
            conn.execute(m.Mention.__table__.insert(), mentions)
            conn.execute(m.RecoveryCase.__table__.insert(), rows)
        conn.execute(text("UPDATE mentions SET case_id = id"))
        if engine.dialect.name == "postgresql":
            for table in ("authors", "mentions", "recovery_cases"):
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {cases})")
                )
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    from responders.auth import add_user

    with make_sessionmaker(engine)() as session, session.begin():
        add_user(session, "bench", PASSWORD, "approver")
    engine.dispose()
    print(f"seeded {cases:,} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)


KINDS = ("queue", "case", "reference")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int, workers: int, data_dir: str) -> subprocess.Popen[bytes]:
    """`makegood serve --workers N` on `url`, as production runs it; returns when it answers."""
    env = {
        **os.environ,
        "MAKEGOOD_DATABASE_URL": url,
        "MAKEGOOD_SECRET_KEY": "bench-" + "k" * 40,
        "MAKEGOOD_CONFIG": str(write_config(Path(data_dir))),
    }
    makegood = Path(sys.executable).parent / "makegood"  # the installed console script
    command = [str(makegood), "serve", "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", str(workers)], env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return server
        except httpx.TransportError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise SystemExit("the server did not start") from None
            time.sleep(0.1)


def write_config(folder: Path) -> Path:
    """The example configuration with data_dir in `folder` (the reply templates stay bundled)."""
    example = (ROOT / "config" / "makegood.example.toml").read_text(encoding="utf-8")
    body = re.sub(r"(?m)^data_dir = .*$", f"data_dir = {json.dumps(str(folder / 'data'))}", example)
    templates = json.dumps(str(ROOT / "templates"))
    body = re.sub(r"(?m)^templates_dir = .*$", f"templates_dir = {templates}", body)
    path = folder / "makegood.toml"
    path.write_text(body, encoding="utf-8")
    return path


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by `pid` and its children (the uvicorn workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        proc, parent = int(entry.name), int(fields[1])
        if proc == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def login(base: str) -> httpx.Client:
    """A client logged in through the form, holding the session cookie."""
    client = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/login").text)
    assert token, "no CSRF token on /login"
    response = client.post(
        "/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 303, f"login failed: {response.status_code}"
    return client


def deep_page(client: httpx.Client, pages: int = 20) -> str:
    """The URL of the queue page `pages` deep in the keyset (status=open)."""
    url = "/?status=open"
    for _ in range(pages):
        found = re.search(r'href="([^"]+)" rel="next"', client.get(url).text)
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
    return url


def percentile(values: list[float], q: float) -> float:
    """The q-quantile by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_clients(
    sessions: list[httpx.Client],
    rounds: int,
    warmup: int,
    cases: int,
    deep_url: str,
    think: tuple[float, float],
) -> dict[str, list[float]]:
    """Each client does `warmup` + `rounds` rounds (queue, case, reference); times the last ones."""
    timings: dict[str, list[float]] = {k: [] for k in KINDS}
    lock = threading.Lock()
    barrier = threading.Barrier(len(sessions))
    queue_urls = ["/", "/?severity=high&platform=x", deep_url, "/?assignee=none"]

    def work(index: int) -> None:
        client = sessions[index]
        rng = random.Random(index)
        mine: dict[str, list[float]] = {k: [] for k in KINDS}
        barrier.wait()
        for n in range(warmup + rounds):
            for kind, url in (
                ("queue", queue_urls[n % 4]),
                ("case", f"/cases/{rng.randint(1, cases)}"),
                ("reference", "/login"),
            ):
                if think[1] > 0:
                    time.sleep(rng.uniform(*think))
                t0 = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - t0) * 1000
                assert response.status_code == 200, (url, response.status_code)
                if n >= warmup:
                    mine[kind].append(elapsed)
        with lock:
            for kind, values in mine.items():
                timings[kind].extend(values)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def measure(
    name: str,
    server: subprocess.Popen[bytes],
    sessions: list[httpx.Client],
    args: argparse.Namespace,
    deep_url: str,
    think: tuple[float, float],
) -> dict[str, object]:
    """One run: latency per kind, throughput, and CPU per request of the server and clients."""
    load = os.getloadavg()[0]
    server_cpu, client_cpu = process_tree_cpu(server.pid), time.process_time()
    started = time.perf_counter()
    # Warm-up rounds run inside this window but their requests are not timed; the CPU figures
    # below are per request over the whole window (warm-up included), so they stay comparable.
    timings = run_clients(sessions, args.requests, args.warmup, args.cases, deep_url, think)
    wall = time.perf_counter() - started
    server_cpu = process_tree_cpu(server.pid) - server_cpu
    client_cpu = time.process_time() - client_cpu
    total = len(sessions) * (args.requests + args.warmup) * len(KINDS)
    timed = sum(len(v) for v in timings.values())
    summary: dict[str, object] = {
        "run": name,
        "load_avg_1m_at_start": round(load, 2),
        "requests": timed,
        "throughput_rps": round(total / wall, 1),
        "server_cpu_ms_per_request": round(server_cpu / total * 1000, 2),
        "client_cpu_ms_per_request": round(client_cpu / total * 1000, 2),
    }
    ref = statistics.median(timings["reference"])
    pages = timings["queue"] + timings["case"]
    print(
        f"{name}: {timed} timed requests ({total} with warm-up) in {wall:.1f} s = "
        f"{summary['throughput_rps']} req/s; load average at start {load:.2f}; server CPU "
        f"{summary['server_cpu_ms_per_request']} ms/request, clients "
        f"{summary['client_cpu_ms_per_request']} ms/request"
    )
    for kind, values in (*((k, timings[k]) for k in KINDS), ("pages", pages)):
        med, p95, p99 = (percentile(values, q) for q in (0.5, 0.95, 0.99))
        for label, value in (("median", med), ("p95", p95), ("p99", p99)):
            summary[f"{kind}_{label}_ms"] = round(value, 1)
        ratio = "" if kind == "reference" else f"   x{med / ref:.2f} of reference"
        print(f"  {kind:<9} median {med:7.1f}   p95 {p95:7.1f}   p99 {p99:7.1f} ms{ratio}")
    return summary


def main() -> None:
    """Seed, serve, run the closed-loop and the staff-like runs, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30, help="timed rounds per client")
    parser.add_argument("--warmup", type=int, default=5, help="untimed rounds per client first")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--think", default="0.5-1.0", help="staff-like think time (s), 0 = skip")
    parser.add_argument("--staff-requests", type=int, default=10, help="staff-like timed rounds")
    parser.add_argument("--db", default="", help="database URL (default: temp SQLite file)")
    args = parser.parse_args()
    low, _, high = args.think.partition("-")
    think = (float(low), float(high or low))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.db"
        seed(url, args.cases)
        port = free_port()
        server = start_server(url, port, args.workers, tmp)
        try:
            base = f"http://127.0.0.1:{port}"
            sessions = [login(base) for _ in range(args.clients)]
            deep_url = deep_page(sessions[0])
            runs = [measure("closed loop", server, sessions, args, deep_url, (0.0, 0.0))]
            if think[1] > 0:
                staff = argparse.Namespace(**{**vars(args), "requests": args.staff_requests})
                runs.append(measure("staff-like", server, sessions, staff, deep_url, think))
            for session in sessions:
                session.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    summary = {
        "bench": "web_latency",
        "db": url.split(":", 1)[0],
        "cases": args.cases,
        "clients": args.clients,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "runs": runs,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
