"""The two halves of scripts/crash-test (standard library only).

    crash.py fire BASE TOKEN COMMISSION_ID SERVER_PID STATE_FILE COUNT
        submits COUNT reports concurrently, each with its own Idempotency-Key and a one-day period
        of its own (after those already in STATE_FILE), kills the server (SIGKILL) once a third
        to a half of them have been answered, and adds every submission with what it got before
        the kill to STATE_FILE
    crash.py verify BASE TOKEN COMMISSION_ID STATE_FILE
        against the restarted server, for every submission in STATE_FILE: each answered with a
        2xx before its kill is stored exactly once; re-sending each with its key replays it or
        completes it once; a second re-send creates nothing; the reports are exactly the keys
        that succeeded. Prints a summary and exits non-zero on any failure.
"""

import datetime
import http.client
import json
import os
import random
import signal
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from cusapi import COMMISSION_START, INDICATOR, call

THREADS = 8
GRANT = "100.00"


def report_body(day):
    """A valid partial report for one day; days never overlap, and the grants stay within the amount."""
    return {
        "kind": "partial",
        "period": {"start": day, "end": day},
        "units_delivered": 8,
        "recipients": {"total": 2, "by_sex": {"female": 1, "male": 1}},
        "results": [{"indicator": INDICATOR, "achieved_value": 8, "measured_by": "karty pracy"}],
        "activities": {"description": "Usługi opiekuńcze u 2 osób", "deviations": "brak"},
        "cost_lines": [{"section": "activity", "name": "Wynagrodzenia", "planned": GRANT, "actual": GRANT,
                        "from_grant": GRANT}],
        "funding": {"grant": GRANT},
    }


def submit(base, token, commission_id, submission):
    """The answer to one submission (status, report_id, replayed, code), or None when none came."""
    try:
        reply = call(base, "POST", f"/api/v1/commissions/{commission_id}/reports", token, submission["body"],
                     {"Idempotency-Key": submission["key"]})
    except (OSError, http.client.HTTPException):
        return None
    report_id = reply.body.get("id") if isinstance(reply.body, dict) else None
    return {"status": reply.status, "report_id": report_id,
            "replayed": reply.headers.get("idempotent-replayed") == "true",
            "code": reply.body.get("code") if isinstance(reply.body, dict) else None}


def load(state_file):
    try:
        with open(state_file) as file:
            return json.load(file)
    except FileNotFoundError:
        return []


def fire(base, token, commission_id, server_pid, state_file, count):
    earlier = load(state_file)
    first = datetime.date.fromisoformat(COMMISSION_START) + datetime.timedelta(days=len(earlier))
    submissions = [{"key": f"crash-{uuid.uuid4()}",
                    "body": report_body((first + datetime.timedelta(days=index)).isoformat())}
                   for index in range(count)]
    kill_after = max(1, random.randint(count // 3, count // 2))
    answered = 0
    lock = threading.Lock()

    def one(submission):
        nonlocal answered
        submission["before_kill"] = submit(base, token, commission_id, submission)
        with lock:
            if submission["before_kill"] is not None:
                answered += 1
                if answered == kill_after:
                    os.kill(server_pid, signal.SIGKILL)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(one, submissions))
    with open(state_file, "w") as file:
        json.dump(earlier + submissions, file)
    succeeded = sum(1 for s in submissions if ok(s["before_kill"]))
    print(f"fired {count} submissions ({THREADS} at a time), killed the server after {kill_after} answers: "
          f"{succeeded} succeeded, {count - answered} got no answer")


def ok(answer):
    return answer is not None and 200 <= answer["status"] < 300


def reports_of(base, token, commission_id):
    """Every report of the commission, following the cursor."""
    items, cursor = [], None
    while True:
        query = "?limit=200" + (f"&cursor={cursor}" if cursor else "")
        reply = call(base, "GET", f"/api/v1/commissions/{commission_id}/reports{query}", token)
        if reply.status != 200:
            sys.exit(f"crash.py: listing the reports failed: {reply}")
        items += reply.body["items"]
        cursor = reply.body["next_cursor"]
        if not cursor:
            return items


def resend_all(base, token, commission_id, submissions):
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda s: submit(base, token, commission_id, s), submissions))


def known_id(submission):
    """The report a submission is known to have created: by an earlier verification, or by a 2xx
    answer before its kill."""
    if submission.get("report_id"):
        return submission["report_id"]
    return submission["before_kill"]["report_id"] if ok(submission["before_kill"]) else None


def verify(base, token, commission_id, state_file):
    submissions = load(state_file)
    failures = []
    stored_ids = [report["id"] for report in reports_of(base, token, commission_id)]
    known = [s for s in submissions if known_id(s)]
    for s in known:
        found = stored_ids.count(known_id(s))
        if found != 1:
            failures.append(f"{s['key']}: answered with {known_id(s)}, which is stored {found} times")

    first = resend_all(base, token, commission_id, submissions)
    replayed = completed = 0
    for s, answer in zip(submissions, first):
        if not ok(answer):
            failures.append(f"{s['key']}: re-sent after the restart, got {answer}")
        elif known_id(s) and (not answer["replayed"] or answer["report_id"] != known_id(s)):
            failures.append(f"{s['key']}: answered with {known_id(s)} before, but the re-send was not its replay: {answer}")
        elif answer["replayed"]:
            replayed += 1
        else:
            completed += 1

    second = resend_all(base, token, commission_id, submissions)
    for s, before, answer in zip(submissions, first, second):
        if ok(before) and (not ok(answer) or not answer["replayed"] or answer["report_id"] != before["report_id"]):
            failures.append(f"{s['key']}: a second re-send did not replay {before['report_id']}: {answer}")

    final_ids = sorted(report["id"] for report in reports_of(base, token, commission_id))
    succeeded_ids = sorted({answer["report_id"] for answer in first if ok(answer)})
    succeeded_keys = sum(1 for answer in first if ok(answer))
    if final_ids != succeeded_ids or len(final_ids) != succeeded_keys:
        failures.append(f"{len(final_ids)} reports stored, but {succeeded_keys} keys succeeded with "
                        f"{len(succeeded_ids)} distinct report ids")
    for s, answer in zip(submissions, first):
        s["report_id"] = answer["report_id"] if ok(answer) else None
    with open(state_file, "w") as file:
        json.dump(submissions, file)

    print(f"after the restart: {len(stored_ids)} reports, {len(stored_ids) - len(known)} of them stored without an "
          f"answer; re-sent all {len(submissions)}: {replayed} replayed, {completed} completed now; "
          f"re-sent again: {sum(1 for a in second if ok(a) and a['replayed'])} replayed; "
          f"{len(final_ids)} reports for {succeeded_keys} keys")
    for failure in failures[:20]:
        print(f"  FAIL {failure}")
    return not failures


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["fire", base, token, commission_id, pid, state_file, count]:
            fire(base, token, commission_id, int(pid), state_file, int(count))
        case ["verify", base, token, commission_id, state_file]:
            sys.exit(0 if verify(base, token, commission_id, state_file) else 1)
        case _:
            sys.exit(__doc__)
