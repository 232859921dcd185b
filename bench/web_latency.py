"""Review-queue latency: queue and case pages with 100,000 cases and 20 concurrent clients.

    .venv/bin/python bench/web_latency.py [--cases 100000] [--clients 20] [--requests 30]
                                          [--warmup 5] [--workers N] [--think 0.5-1.0]
                                          [--staff-requests 10] [--single-requests 100]
                                          [--db URL]   # default: a temporary SQLite file

Bulk-inserts the cases (executemany), then starts the server exactly as production does -- the
`makegood serve --workers N` command in a subprocess (uvicorn worker processes, real loopback
TCP) -- and logs each client in (a real session cookie). Three runs, each a bounded number of
rounds per client after warm-up rounds that are not counted:

1. closed loop (the headline): every client sends its next request as soon as the last answered;
2. staff-like: every client thinks 0.5-1 s between requests, like a person reading the queue;
3. one client, closed loop: the latency of a page with no queueing at all.

A round is a queue page (first page, a filtered page, a page 20 deep in the keyset, unassigned
cases), a random case page, and the login page: the reference (a template, no database), whose
ratio to each page is printed. Also prints the server's CPU time per request (all its processes,
from /proc, and how it split over them), the clients' CPU, and the load average at the start,
so a reader can tell service time from queueing and judge the noise. Prints a JSON line last.
The server runs in its own process group and is stopped, and the temporary folder removed, on
success, on an error, on Ctrl-C and on SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from web_seed import PASSWORD, seed  # noqa: E402

KINDS = ("queue", "case", "reference")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`makegood serve --workers N` on `url` in its own process group, as production runs it.

    A context manager: on leaving -- normally, on an error or on Ctrl-C -- the whole group (the
    supervisor and its workers) gets SIGTERM, then SIGKILL if it has not exited in 20 s.
    """

    def __init__(self, url: str, port: int, workers: int, folder: str) -> None:
        self.url, self.port, self.workers, self.folder = url, port, workers, Path(folder)
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = self.folder / "server.log"

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "MAKEGOOD_DATABASE_URL": self.url,
            "MAKEGOOD_SECRET_KEY": "bench-" + "k" * 40,
            "MAKEGOOD_CONFIG": str(write_config(self.folder)),
        }
        makegood = Path(sys.executable).parent / "makegood"  # the installed console script
        command = [str(makegood), "serve", "--port", str(self.port)]
        with self.log.open("wb") as log:
            # A new session: Ctrl-C in the terminal reaches only this script, which then stops
            # the server itself (and a crash here never leaves an orphaned group behind).
            self.proc = subprocess.Popen(
                [*command, "--workers", str(self.workers)],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/login", timeout=1)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    tail = self.log.read_text(errors="replace")[-2000:]
                    raise SystemExit(f"the server did not start:\n{tail}") from None
                time.sleep(0.1)

    def __exit__(self, *_exc: object) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for sig, grace in ((signal.SIGTERM, 20.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        # Workers that outlived the supervisor (it was killed) are still in the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    @property
    def pid(self) -> int:
        """The supervisor's pid, which is also the process group of its workers."""
        assert self.proc is not None
        return self.proc.pid


def write_config(folder: Path) -> Path:
    """The example configuration with data_dir in `folder` (the reply templates stay bundled)."""
    example = (ROOT / "config" / "makegood.example.toml").read_text(encoding="utf-8")
    body = re.sub(r"(?m)^data_dir = .*$", f"data_dir = {json.dumps(str(folder / 'data'))}", example)
    templates = json.dumps(str(ROOT / "templates"))
    body = re.sub(r"(?m)^templates_dir = .*$", f"templates_dir = {templates}", body)
    path = folder / "makegood.toml"
    path.write_text(body, encoding="utf-8")
    return path


def group_cpu(pgid: int) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each process of group `pgid`, by pid."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields[2] is the process group
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    return found


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
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(sessions))
    stop = threading.Event()  # set on Ctrl-C: the clients stop before the server does
    queue_urls = ["/", "/?severity=high&platform=x", deep_url, "/?assignee=none"]

    def work(index: int) -> None:
        client = sessions[index]
        rng = random.Random(index)
        mine: dict[str, list[float]] = {k: [] for k in KINDS}
        try:
            barrier.wait()
            for n in range(warmup + rounds):
                for kind, url in (
                    ("queue", queue_urls[n % 4]),
                    ("case", f"/cases/{rng.randint(1, cases)}"),
                    ("reference", "/login"),
                ):
                    if think[1] > 0:
                        time.sleep(rng.uniform(*think))
                    if stop.is_set():
                        return
                    t0 = time.perf_counter()
                    response = client.get(url)
                    elapsed = (time.perf_counter() - t0) * 1000
                    if response.status_code != 200:
                        raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
                    if n >= warmup:
                        mine[kind].append(elapsed)
        except BaseException as exc:  # reported by the caller: a thread cannot raise there
            barrier.abort()
            with lock:
                errors.append(exc)
            return
        with lock:
            for kind, values in mine.items():
                timings[kind].extend(values)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except BaseException:
        stop.set()
        barrier.abort()
        raise
    failures = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
    if failures:
        raise RuntimeError(f"{len(failures)} client(s) failed; first: {failures[0]!r}")
    return timings


def measure(
    name: str,
    server: Server,
    sessions: list[httpx.Client],
    args: argparse.Namespace,
    deep_url: str,
    think: tuple[float, float],
) -> dict[str, object]:
    """One run: latency per kind, throughput, and CPU per request of the server and clients."""
    load = os.getloadavg()[0]
    before, client_cpu = group_cpu(server.pid), time.process_time()
    started = time.perf_counter()
    # Warm-up rounds run inside this window but their requests are not timed; the CPU figures
    # below are per request over the whole window (warm-up included), so they stay comparable.
    timings = run_clients(sessions, args.requests, args.warmup, args.cases, deep_url, think)
    wall = time.perf_counter() - started
    after = group_cpu(server.pid)
    client_cpu = time.process_time() - client_cpu
    used = {pid: cpu - before.get(pid, 0.0) for pid, cpu in after.items()}
    server_cpu = sum(used.values())
    total = len(sessions) * (args.requests + args.warmup) * len(KINDS)
    timed = sum(len(v) for v in timings.values())
    # How the work split across the worker processes: keep-alive connections stay with the
    # worker that accepted them, so an uneven split shows up as queueing in one worker.
    split = sorted(
        (round(cpu / server_cpu * 100) for cpu in used.values() if cpu > 0), reverse=True
    )
    summary: dict[str, object] = {
        "run": name,
        "clients": len(sessions),
        "load_avg_1m_at_start": round(load, 2),
        "requests": timed,
        "throughput_rps": round(total / wall, 1),
        "server_cpu_ms_per_request": round(server_cpu / total * 1000, 2),
        "server_cpu_split_pct": split,
        "client_cpu_ms_per_request": round(client_cpu / total * 1000, 2),
    }
    ref = statistics.median(timings["reference"])
    pages = timings["queue"] + timings["case"]
    print(
        f"{name} ({len(sessions)} clients): {timed} timed requests ({total} with warm-up) in "
        f"{wall:.1f} s = {summary['throughput_rps']} req/s; load average at start {load:.2f}\n"
        f"  CPU per request: server {summary['server_cpu_ms_per_request']} ms (split over "
        f"processes {split} %), clients {summary['client_cpu_ms_per_request']} ms"
    )
    for kind, values in (*((k, timings[k]) for k in KINDS), ("pages", pages)):
        med, p95, p99 = (percentile(values, q) for q in (0.5, 0.95, 0.99))
        for label, value in (("median", med), ("p95", p95), ("p99", p99)):
            summary[f"{kind}_{label}_ms"] = round(value, 1)
        ratio = "" if kind == "reference" else f"   x{med / ref:.2f} of reference"
        print(f"  {kind:<9} median {med:7.1f}   p95 {p95:7.1f}   p99 {p99:7.1f} ms{ratio}")
    return summary


def _stop_on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(143)  # unwinds like Ctrl-C does: the server and temp files are removed


def main() -> None:
    """Seed, serve, run the closed-loop, staff-like and one-client runs, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30, help="timed rounds per client")
    parser.add_argument("--warmup", type=int, default=5, help="untimed rounds per client first")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--think", default="0.5-1.0", help="staff-like think time (s), 0 = skip")
    parser.add_argument("--staff-requests", type=int, default=10, help="staff-like timed rounds")
    parser.add_argument(
        "--single-requests", type=int, default=100, help="one-client timed rounds, 0 = skip"
    )
    parser.add_argument("--db", default="", help="database URL (default: temp SQLite file)")
    args = parser.parse_args()
    low, _, high = args.think.partition("-")
    think = (float(low), float(high or low))
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    runs: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="web_latency-") as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.db"
        seed(url, args.cases)
        with Server(url, free_port(), args.workers, tmp) as server, contextlib.ExitStack() as stack:
            base = f"http://127.0.0.1:{server.port}"
            sessions = [login(base) for _ in range(args.clients)]
            for session in sessions:
                stack.callback(session.close)
            deep_url = deep_page(sessions[0])
            runs.append(measure("closed loop", server, sessions, args, deep_url, (0.0, 0.0)))
            if think[1] > 0:
                staff = argparse.Namespace(**{**vars(args), "requests": args.staff_requests})
                runs.append(measure("staff-like", server, sessions, staff, deep_url, think))
            if args.single_requests > 0:
                single = argparse.Namespace(**{**vars(args), "requests": args.single_requests})
                runs.append(measure("one client", server, sessions[:1], single, deep_url, (0, 0)))
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
