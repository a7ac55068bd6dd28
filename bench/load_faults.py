"""The load-and-faults scenario: ``make serve``'s processes on a private PostgreSQL under load, with faults.

    .venv/bin/python -m bench.load_faults                 # 1, 2 and 4 web workers, 60 s each
    .venv/bin/python -m bench.load_faults --workers 2 --seconds 20

For each worker count: a fresh database on a private cluster (bench/private_pg.py), migrated and set up,
bench/bpmn/hour.bpmn (a one-hour timer) deployed beside workflows/bpmn; ``gunicorn -c
web/gunicorn_conf.py`` with WEB_CONCURRENCY web workers and TIMER_WORKERS=2 on CLOCK=manual. Client
threads (seeded) submit referrals, read the Early Help inbox, claim and complete triage, and start timer
instances while a clock thread moves the manual clock an hour at a time so timers fall due for the timer
workers. Meanwhile one web worker and one timer worker are killed with SIGKILL and PostgreSQL is
restarted once, at seeded moments. Then a final sweep, and bench/invariants.py checks the database
against the ledger of 2xx answers. 5xx answers and dropped connections are classified: a 503 while the
database was down (or reconnecting), a request in flight in the killed worker; anything else is unexpected.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bench.invariants import Ledger, Verdict, check, engine_due_times
from bench.private_pg import PrivateCluster, free_port
from bench.stats import summary_ms

ROOT = Path(__file__).resolve().parents[1]
HOUR = ROOT / "bench" / "bpmn" / "hour.bpmn"
REFERRAL: dict[str, Any] = {  # invented people: nothing here is anyone's data
    "referrer": {"name": "Load Test", "organisation": "Bench School", "role": "Liaison", "email": "lt@example.org"},
    "household": [{"given_name": "Ada", "family_name": "Bench", "date_of_birth": "1985-06-01",
                   "relationship": "Mother", "role": "adult", "gender": "female"},
                  {"given_name": "Ben", "family_name": "Bench", "date_of_birth": "2012-09-01",
                   "relationship": "Son", "role": "child"}],
    "address": {"line_1": "1 Test Road", "town": "Newark", "postcode": "NG24 1AB"},
    "district": "newark_and_sherwood", "reasons": "Often absent from school.", "consent": True,
}
DB_GRACE_S = 3.0  # after PostgreSQL is back, pooled connections are re-checked (pool_pre_ping) within this


@dataclass
class Call:
    op: str
    started: float
    ended: float
    status: int  # 0: the connection dropped


@dataclass
class Run:
    workers: int
    seconds: float
    calls: list[Call] = field(default_factory=list)
    ledger: Ledger = field(default_factory=Ledger)
    kills: list[tuple[str, float]] = field(default_factory=list)
    db_down: tuple[float, float] | None = None
    verdict: Verdict | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def classify(self) -> dict[str, int]:
        kinds: dict[str, int] = defaultdict(int)
        web_kills = [at for kind, at in self.kills if kind == "web"]
        for call in self.calls:
            if call.status and call.status < 500:
                continue
            if self.db_down and call.status == 503 and self.db_down[0] <= call.ended <= self.db_down[1] + DB_GRACE_S:
                kinds["503 while the database was down"] += 1
            elif any(call.started <= at <= call.ended for at in web_kills) and call.status in (0, 502):
                kinds["in flight in the killed web worker"] += 1
            else:
                kinds[f"unexpected {call.status or 'dropped connection'} on {call.op}"] += 1
        return dict(kinds)

    def unexpected(self) -> int:
        return sum(n for kind, n in self.classify().items() if kind.startswith("unexpected"))

    def figures(self) -> dict[str, dict[str, float]]:
        by_op: dict[str, list[float]] = defaultdict(list)
        for call in self.calls:
            if call.status and call.status < 500:
                by_op[call.op].append(call.ended - call.started)
        out = {}
        for op, durations in sorted(by_op.items()):
            stats = summary_ms(durations)
            out[op] = {**stats, "per_s": len(durations) / self.seconds}
        return out


class Client:
    def __init__(self, base: str, token: str, run: Run) -> None:
        self.base, self.run = base, run
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, op: str, method: str, path: str, **kw: Any) -> requests.Response | None:
        started = time.monotonic()
        try:
            answer: requests.Response | None = self.http.request(method, self.base + path, timeout=60, **kw)
        except requests.RequestException:
            answer = None
        with self.run.lock:
            self.run.calls.append(Call(op, started, time.monotonic(), answer.status_code if answer is not None else 0))
        return answer


def flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "web", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


def prepare(env: dict[str, str]) -> dict[str, str]:
    """Migrate, set up, deploy ``bench_hour``; the tokens of an administrator and an Early Help officer."""
    flask(env, "db", "upgrade", "heads")
    flask(env, "setup", "--no-demo")
    flask(env, "users", "create", "lf-owner", "--group", "process_owner")
    flask(env, "deploy", str(HOUR))
    tokens = {}
    for name, group in (("lf-admin", "admin"), ("lf-ehu", "early_help_unit")):
        tokens[name] = flask(env, "users", "create", name, "--group", group, "--token").strip().splitlines()[-1]
    return tokens


def family_worker(client: Client, admin: Client, rng: random.Random, until: float) -> None:
    while time.monotonic() < until:
        referred = client.call("referral", "POST", "/api/v1/referrals", json=REFERRAL)
        if referred is None or referred.status_code != 201:
            continue
        body = referred.json()
        with client.run.lock:
            client.run.ledger.referrals.append(int(body["instance_id"]))
        client.call("inbox", "GET", "/api/v1/tasks?state=open&bpmn_id=triage_referral&limit=20")
        page = client.call("inbox", "GET", f"/api/v1/tasks?instance_id={body['instance_id']}&bpmn_id=triage_referral")
        if page is None or page.status_code != 200 or not page.json()["items"]:
            continue
        task_id = page.json()["items"][0]["id"]
        claimed = client.call("claim", "POST", f"/api/v1/tasks/{task_id}/claim")
        if claimed is None or claimed.status_code != 200:
            continue
        people = body["people"]
        data = {"match": "new", "route": "case_management", "indicators": [
            {"person_id": people[0]["person_id"], "indicator": 22, "evidence": "seen"},
            {"person_id": people[1]["person_id"], "indicator": 7, "evidence": "seen"}]}
        done = client.call("complete", "POST", f"/api/v1/tasks/{task_id}/complete", json={"data": data})
        if done is not None and done.status_code == 200:
            with client.run.lock:
                client.run.ledger.completions.append(task_id)
        if rng.random() < 0.5:
            admin.call("timer_start", "POST", "/api/v1/instances", json={"process_id": "bench_hour", "data": {}})


def clock_worker(admin: Client, until: float, stop: threading.Event) -> None:
    while time.monotonic() < until and not stop.wait(1.0):
        admin.call("clock", "POST", "/api/v1/clock", json={"advance": "PT1H"})


def children(pid: int) -> list[tuple[int, str]]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == pid:
                    found.append((int(entry.name), (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()))
            except (OSError, IndexError):
                continue
    return found


def fault_worker(run: Run, server: subprocess.Popen[bytes], cluster: PrivateCluster, rng: random.Random,
                 started: float) -> None:
    plan = sorted([(rng.uniform(0.15, 0.35), "web"), (rng.uniform(0.4, 0.6), "timer"), (rng.uniform(0.65, 0.8), "db")])
    for fraction, kind in plan:
        time.sleep(max(0.0, started + fraction * run.seconds - time.monotonic()))
        if kind == "db":
            down = time.monotonic()
            cluster.stop()
            time.sleep(1.0)  # the scenario's outage, not a test's wait
            cluster.start()
            run.db_down = (down, time.monotonic())
            continue
        victims = [pid for pid, cmd in children(server.pid) if ("timers run" in cmd) == (kind == "timer")]
        if victims:
            victim = rng.choice(sorted(victims))
            run.kills.append((kind, time.monotonic()))
            os.kill(victim, signal.SIGKILL)


def final_check(url: str, run: Run, admin: Client) -> Verdict:
    for _ in range(20):  # whatever fell due before the end fires now (a killed timer worker is not restarted)
        swept = admin.call("final_sweep", "POST", "/api/v1/timers/sweep")
        if swept is not None and swept.status_code == 200 and not swept.json()["fired"]:
            break
    from web import create_app
    from web.extensions import db
    from web.wiring import get_engine

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "CLOCK": "manual", "SCHEDULER_ENABLED": False})
    with app.app_context():
        engine = get_engine()
        verdict = check(db.session(), run.ledger, now=engine.clock.now(),
                        due_times=engine_due_times(engine.transactions.load))
        db.session.remove()
        db.engine.dispose()
    return verdict


def scenario(workers: int, seconds: float, *, clients: int = 6, seed: int = 13) -> Run:
    rng = random.Random(seed)
    run = Run(workers, seconds)
    cluster = PrivateCluster()
    server: subprocess.Popen[bytes] | None = None
    try:
        cluster.start()
        url = cluster.create_database("load")
        port = free_port()
        instance = cluster.root / "instance"
        env = {**os.environ, "DATABASE_URL": url, "CLOCK": "manual", "INSTANCE_PATH": str(instance),
               "WEB_CONCURRENCY": str(workers), "TIMER_WORKERS": "2", "TIMER_SWEEP_INTERVAL_S": "0.5",
               "BIND": f"127.0.0.1:{port}", "SESSION_COOKIE_SECURE": "0", "LOG_FORMAT": "json"}
        tokens = prepare(env)
        log = (cluster.root / "server.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "web/gunicorn_conf.py"], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        wait_ready(base)
        admin = Client(base, tokens["lf-admin"], run)
        started = time.monotonic()
        until = started + seconds
        stop = threading.Event()
        threads = [threading.Thread(target=family_worker, args=(Client(base, tokens["lf-ehu"], run), admin,
                                                                 random.Random(rng.random()), until))
                   for _ in range(clients)]
        threads += [threading.Thread(target=clock_worker, args=(admin, until, stop)),
                    threading.Thread(target=fault_worker, args=(run, server, cluster, rng, started))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        run.seconds = time.monotonic() - started
        run.verdict = final_check(url, run, admin)
        return run
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
        cluster.remove()


def wait_ready(base: str) -> None:
    ends = time.monotonic() + 120
    while time.monotonic() < ends:
        try:
            if requests.get(base + "/readyz", timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)  # polling a starting server
    raise RuntimeError("the server did not become ready in 120 s")


def report(run: Run) -> str:
    lines = [f"## {run.workers} web workers + 2 timer workers, {run.seconds:.0f} s",
             "", "| operation | n | req/s | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|---:|"]
    for op, f in run.figures().items():
        lines.append(f"| {op} | {f['n']:.0f} | {f['per_s']:.1f} | {f['p50_ms']:.1f} | {f['p95_ms']:.1f} "
                     f"| {f['p99_ms']:.1f} |")
    total = sum(f["n"] for f in run.figures().values())
    lines += ["", f"all operations: {total / run.seconds:.1f} req/s; kills: {[k for k, _ in run.kills]}; "
              f"database restarted: {run.db_down is not None}",
              f"5xx and dropped connections: {run.classify() or 'none'}", f"checker: {run.verdict}", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, action="append", help="web worker counts (default 1, 2, 4)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    failed = False
    for workers in args.workers or [1, 2, 4]:
        run = scenario(workers, args.seconds, clients=args.clients, seed=args.seed)
        print(report(run), flush=True)
        failed = failed or run.unexpected() > 0 or not (run.verdict and run.verdict.clean)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
