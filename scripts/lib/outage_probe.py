"""HTTP side of scripts/outage-test: a bounded load, its verdict, and the graceful-shutdown check.

Standard library only; talks to 127.0.0.1 only. Each subcommand prints what it measured and exits
non-zero when an expectation fails.
"""

import argparse
import functools
import http.client
import json
import os
import signal
import socket
import sys
import threading
import time
from collections import Counter

HOST = "127.0.0.1"
OPENAPI = os.path.join(os.path.dirname(__file__), "..", "..", "openapi", "openapi.json")
# Scheduling slack on top of a time limit, for a busy 2-core machine.
SLACK = 0.25


def request(port, method, path, token=None, body=None, timeout=10.0):
    """One request on a fresh connection: (status, headers as a lower-case dict, body bytes)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Connection": "close"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@functools.cache
def service_example():
    with open(OPENAPI, encoding="utf-8") as document:
        return json.load(document)["components"]["schemas"]["ServiceInput"]["example"]


def service(code):
    """The documented example of a new catalogue entry, with another code."""
    return {**service_example(), "code": code}


def wait_ready(args):
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        try:
            if request(args.port, "GET", "/health/ready", timeout=2)[0] == 200:
                return 0
        except OSError:
            pass
        time.sleep(0.1)
    print(f"cus-api was not ready within {args.seconds} s", file=sys.stderr)
    return 1


def load(args):
    """Reads, writes and readiness probes from a few threads for a fixed time, logged one per line."""
    status, _, body = request(args.port, "POST", "/api/v1/services", args.token, service("OUTAGE-SEED"))
    if status != 201:
        print(f"cannot create the seed service: {status} {body[:200]!r}", file=sys.stderr)
        return 1
    one = "/api/v1/services/" + json.loads(body)["id"]
    deadline = time.time() + args.seconds
    lock = threading.Lock()
    log = open(args.log, "w", encoding="utf-8")
    budget = [args.max_requests]

    def worker(number):
        sent = 0
        while time.time() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            # The first thread probes readiness only, so that the outage sees it for sure.
            kind = "ready" if number == 0 else ["list", "get", "create"][(sent + number) % 3]
            method, path, body = {
                "list": ("GET", "/api/v1/services?limit=5", None),
                "get": ("GET", one, None),
                "create": ("POST", "/api/v1/services", service(f"L{number}-{sent}")),
                "ready": ("GET", "/health/ready", None),
            }[kind]
            sent += 1
            started = time.time()
            entry = {"kind": kind, "start": started}
            try:
                status, headers, _ = request(args.port, method, path, args.token, body)
                entry.update(status=status, type=headers.get("content-type"), retry=headers.get("retry-after"))
            except OSError as err:
                entry.update(status=0, error=str(err))
            entry["end"] = time.time()
            with lock:
                log.write(json.dumps(entry) + "\n")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log.close()
    return 0


def check(args):
    """The verdict on a load log, given when the server was stopped and started again."""
    marks = dict(line.split() for line in open(args.marks, encoding="utf-8"))
    stopping, stopped, starting, started = (float(marks[m]) for m in ("stopping", "stopped", "starting", "started"))
    entries = sorted((json.loads(line) for line in open(args.log, encoding="utf-8")), key=lambda e: e["start"])
    failures = []

    def fail(what, entry):
        failures.append(f"{what}: {entry}")

    before = [e for e in entries if e["end"] < stopping]
    outage = [e for e in entries if stopped <= e["start"] and e["end"] < starting]
    after = [e for e in entries if e["start"] >= started]
    for entry in entries:
        if entry["status"] not in (200, 201, 503):
            fail("neither a success nor a 503", entry)
    for entry in before:
        if entry["status"] // 100 != 2:
            fail("an error before the outage", entry)
    for entry in outage:
        if entry["status"] != 503 or entry["type"] != "application/problem+json" or not entry["retry"]:
            fail("not a 503 problem with Retry-After during the outage", entry)
        if entry["end"] - entry["start"] > args.unavailable_within + SLACK:
            fail(f"a 503 slower than {args.unavailable_within} s", entry)
    first_503 = min((e["end"] for e in entries if e["status"] == 503 and e["end"] >= stopped), default=None)
    if first_503 is None or first_503 - stopped > args.unavailable_within + SLACK:
        failures.append(f"no 503 within {args.unavailable_within} s of the database going away")
    if not any(e["kind"] == "ready" for e in outage):
        failures.append("no readiness probe ran during the outage")
    # Recovered from the start of the first request after which nothing failed.
    errors_after = [e for e in after if e["status"] // 100 != 2]
    recovered_at = max((e["end"] for e in errors_after), default=started)
    steady = [e for e in after if e["start"] > recovered_at]
    recovery = recovered_at - started
    if recovery > args.recover_within:
        failures.append(f"still failing {recovery:.2f} s after the database came back (limit {args.recover_within} s)")
    steady_seconds = (steady[-1]["end"] - recovered_at) if steady else 0.0
    if steady_seconds < args.steady_for:
        failures.append(f"only {steady_seconds:.1f} s without errors after recovery (need {args.steady_for} s)")

    latencies = sorted(e["end"] - e["start"] for e in outage)
    print(f"requests: {len(entries)} ({len(before)} before the outage, {len(outage)} during, {len(after)} after)")
    phases = [("while stopping", stopping, stopped), ("stopped", stopped, starting), ("while starting", starting, started)]
    for name, begin, end in phases:
        statuses = Counter(e["status"] for e in entries if e["start"] < end and e["end"] > begin)
        print(f"  answers overlapping {name} ({(end - begin) * 1000:.0f} ms): {dict(sorted(statuses.items()))}")
    if latencies:
        print(f"503 during the outage: max {latencies[-1] * 1000:.0f} ms, median {latencies[len(latencies) // 2] * 1000:.0f} ms")
    if first_503 is not None:
        print(f"first 503 {max(0.0, first_503 - stopped) * 1000:.0f} ms after the database stopped")
    print(f"recovered {recovery * 1000:.0f} ms after the database was back; then {len(steady)} requests "
          f"in {steady_seconds:.1f} s without an error")
    for line in failures[:20]:
        print(f"FAIL {line}")
    return 1 if failures else 0


def graceful(args):
    """Requests in flight when SIGTERM arrives are answered; new connections are refused."""
    bodies = [json.dumps(service(f"SIGTERM-{n}")).encode() for n in range(args.requests)]
    sockets = []
    for body in bodies:
        sock = socket.create_connection((HOST, args.port), timeout=10)
        head = (
            "POST /api/v1/services HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            f"Authorization: Bearer {args.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        # Half of the body now, the rest after the signal: the request is in flight meanwhile.
        sock.sendall(head.encode() + body[: len(body) // 2])
        sockets.append(sock)
    time.sleep(0.3)
    os.kill(args.pid, signal.SIGTERM)
    time.sleep(0.5)
    failures = []
    try:
        socket.create_connection((HOST, args.port), timeout=2).close()
        failures.append("a new connection was accepted after SIGTERM")
    except OSError:
        pass
    for sock, body in zip(sockets, bodies):
        sock.sendall(body[len(body) // 2 :])
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
        sock.close()
        status_line = reply.split(b"\r\n", 1)[0].decode(errors="replace")
        if " 201 " not in status_line + " ":
            failures.append(f"an in-flight request got {status_line!r}")
    print(f"{len(sockets) - len(failures)} of {len(sockets)} in-flight requests completed after SIGTERM")
    for line in failures:
        print(f"FAIL {line}")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token")
    commands = parser.add_subparsers(dest="command", required=True)
    ready = commands.add_parser("wait-ready")
    ready.add_argument("--seconds", type=float, default=30)
    run = commands.add_parser("load")
    run.add_argument("--seconds", type=float, required=True)
    run.add_argument("--log", required=True)
    run.add_argument("--threads", type=int, default=5)
    run.add_argument("--max-requests", type=int, default=50_000)
    verdict = commands.add_parser("check")
    verdict.add_argument("--log", required=True)
    verdict.add_argument("--marks", required=True)
    # DATABASE_TIMEOUT_MS: a request waits at most this long for a connection before its 503.
    verdict.add_argument("--unavailable-within", type=float, default=2.0)
    verdict.add_argument("--recover-within", type=float, default=5.0)
    verdict.add_argument("--steady-for", type=float, default=3.0)
    term = commands.add_parser("graceful")
    term.add_argument("--pid", type=int, required=True)
    term.add_argument("--requests", type=int, default=3)
    args = parser.parse_args()
    command = {"wait-ready": wait_ready, "load": load, "check": check, "graceful": graceful}[args.command]
    return command(args)


if __name__ == "__main__":
    sys.exit(main())
