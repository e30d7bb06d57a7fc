#!/usr/bin/env python3
"""The load benchmark of cus-api: seeds a database at a city's scale, runs each scenario with wrk
at 32 connections against a fresh release server, and prints one table with requests/s, p50/p99
latency, errors, the server's peak RSS and each scenario's ratio to its ceiling.

Run through bench/run, which installs wrk, builds the release binary and, for PostgreSQL, starts a
durable throwaway cluster (fsync on). Standard library only; loopback only; bounded in time."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

BINARY = os.environ.get("CUS_API_BIN", "target/release/cus-api")
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = 32
THREADS = 2
SCALE = os.environ.get("BENCH_SCALE", "1")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(env, *args):
    # A short-lived process can be torn down while its pool's background thread is still
    # connecting to PostgreSQL (libpq then aborts at exit): the command is retried.
    for attempt in range(3):
        out = subprocess.run([BINARY, *args], env=env, capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.strip()
        time.sleep(0.1 * (attempt + 1))
    raise SystemExit(f"cus-api {' '.join(args)} failed: {out.stderr[-2000:]}")


class Server:
    """A release cus-api on a free port; its peak RSS is read from /proc when it stops."""

    def __init__(self, env):
        self.port = free_port()
        self.env = dict(env, BIND_ADDR=f"127.0.0.1:{self.port}", RUST_LOG="warn")
        started = time.monotonic()
        self.process = subprocess.Popen([BINARY], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health/live", timeout=1).read()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() - started > 30:
                    raise SystemExit(f"cus-api did not start: {self.process.stderr.read().decode()[-2000:]}")
                time.sleep(0.01)
        self.startup_seconds = time.monotonic() - started

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, token=None):
        request = urllib.request.Request(self.url(path))
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def peak_rss_mb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        rss = self.peak_rss_mb()
        self.process.terminate()
        self.process.wait(timeout=60)
        return rss


def to_ms(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, token=None, script=None, script_args=(), env=None):
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "--timeout", "10s"]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    if script:
        command += ["-s", script]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    run = subprocess.run(command, capture_output=True, text=True, env=env)
    if run.returncode != 0:
        raise SystemExit(f"wrk failed: {run.stderr[-2000:]}")
    out = run.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors}


def run_scenario(env, name, url_path, token=None, script=None, script_args=()):
    server = Server(env)
    try:
        result = wrk(server.url(url_path), token, script, script_args, env)
    finally:
        rss = server.stop()
    result.update(name=name, rss=rss, startup=server.startup_seconds)
    print(f"  {name}: {result['rps']:.0f} req/s, p50 {result['p50']:.2f} ms, p99 {result['p99']:.2f} ms, "
          f"errors {result['errors']}, peak RSS {rss:.1f} MB", file=sys.stderr)
    return result


def deep_cursor(server, token, path, pages):
    """Walks `pages` pages of 200 to reach a position deep in a list; returns its cursor."""
    cursor = None
    for _ in range(pages):
        query = f"{path}?limit=200" + (f"&cursor={cursor}" if cursor else "")
        page = server.get(query, token)
        if not page["next_cursor"]:
            break
        cursor = page["next_cursor"]
    return cursor


def pgbench(url):
    bindir = os.environ["PG_BINDIR"]
    subprocess.run([f"{bindir}/pgbench", "-i", "-q", "-s", "10", url], check=True, capture_output=True)
    out = subprocess.run([f"{bindir}/pgbench", "-S", "-M", "simple", "-c", str(CONNECTIONS), "-j", str(THREADS), "-T", DURATION.rstrip("s"), url],
                         check=True, capture_output=True, text=True).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def bench(backend, database_url):
    print(f"== {backend}", file=sys.stderr)
    env = dict(os.environ, DATABASE_URL=database_url, RUST_LOG="warn")
    seeded = json.loads(cli(env, "seed", "--scale", SCALE))
    print(f"  seeded in {seeded['seconds']:.1f} s: {seeded}", file=sys.stderr)
    kipus = cli(env, "token", "--role", "kipus", "--ttl", "3600")
    integrator = cli(env, "token", "--role", "integrator", "--ttl", "3600")

    probe = Server(env)
    startup = probe.startup_seconds
    service = probe.get("/api/v1/services?status=active&limit=1")["items"][0]["id"]
    plan = probe.get("/api/v1/service-plans?limit=1", kipus)["items"][0]["id"]
    deep = deep_cursor(probe, integrator, "/api/v1/reports", pages=240)
    commissions = []
    cursor = None
    while True:
        page = probe.get("/api/v1/commissions?status=active&limit=200" + (f"&cursor={cursor}" if cursor else ""), integrator)
        commissions += [(c["id"], c["provider_id"]) for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    probe.stop()
    tokens = {}
    targets = tempfile.NamedTemporaryFile("w", delete=False, suffix=".txt")
    for commission, provider in commissions:
        if provider not in tokens:
            tokens[provider] = cli(env, "token", "--role", "provider", "--provider", provider, "--ttl", "3600")
        targets.write(f"{commission} {tokens[provider]}\n")
    targets.close()

    results = {}
    results["live"] = run_scenario(env, "GET /health/live (ceiling)", "/health/live")
    results["service"] = run_scenario(env, "GET one service (public)", f"/api/v1/services/{service}")
    results["search"] = run_scenario(env, "filtered, searched, sorted page of 50 services",
                                     "/api/v1/services?status=active&area=social_assistance&q=uslugi&sort=-updated_at&limit=50")
    results["page1"] = run_scenario(env, "reports page 1 (50)", "/api/v1/reports?limit=50", integrator)
    results["deep"] = run_scenario(env, "reports deep page (50) via cursor", f"/api/v1/reports?limit=50&cursor={deep}", integrator)
    results["plan"] = run_scenario(env, "GET one service plan as KIPUS (audited)", f"/api/v1/service-plans/{plan}", kipus)
    submit_env = dict(env, BENCH_TARGETS=targets.name)
    results["submit"] = run_scenario(submit_env, "report submission with Idempotency-Key", "/",
                                     script=os.path.join(os.path.dirname(__file__), "submit.lua"), script_args=(str(THREADS),))
    os.unlink(targets.name)
    if backend == "postgresql":
        results["pgbench"] = {"rps": pgbench(database_url)}
        print(f"  pgbench -S (simple protocol): {results['pgbench']['rps']:.0f} tps", file=sys.stderr)
    results["startup"] = startup
    return results


def table(all_results):
    lines = ["| Database | Scenario | req/s | p50 ms | p99 ms | errors | peak RSS MB | ratio |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for backend, results in all_results.items():
        ceiling = results.get("pgbench", results["live"])["rps"] if backend == "postgresql" else results["live"]["rps"]
        ceiling_name = "pgbench -S" if backend == "postgresql" else "/health/live"
        for key in ["live", "service", "search", "page1", "deep", "plan", "submit"]:
            r = results[key]
            if key == "deep":
                ratio = f"{r['p50'] / results['page1']['p50']:.2f}x page-1 p50"
            elif key == "live":
                ratio = "ceiling" if backend == "sqlite" else f"{r['rps'] / ceiling:.2f} of {ceiling_name}"
            else:
                ratio = f"{r['rps'] / ceiling:.2f} of {ceiling_name}"
            lines.append(f"| {backend} | {r['name']} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} | {r['rss']:.1f} | {ratio} |")
        if "pgbench" in results:
            lines.append(f"| {backend} | pgbench -S, simple protocol (ceiling) | {results['pgbench']['rps']:.0f} | | | | | ceiling |")
        lines.append(f"| {backend} | start-up on the seeded database | | {results['startup'] * 1000:.0f} | | | | |")
    return "\n".join(lines)


def main():
    targets = sys.argv[1:] or ["sqlite"]
    all_results = {}
    workdir = tempfile.mkdtemp(prefix="cus-api-bench.")
    try:
        if "sqlite" in targets:
            all_results["sqlite"] = bench("sqlite", f"sqlite://{workdir}/bench.db")
        if "postgresql" in targets:
            all_results["postgresql"] = bench("postgresql", os.environ["PG_BENCH_URL"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(table(all_results))


if __name__ == "__main__":
    main()
