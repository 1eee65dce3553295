"""Load and latency of the served Slack app, beside a no-op Bolt app served the same way.

    python benchmarks/slack_load.py                      # 50 users, 45 s, PostgreSQL at TEST_DATABASE_URL
    python benchmarks/slack_load.py --users 50 --duration 60 --think 1.0

What runs, each in its own process: `partnerbot serve` (gunicorn, HTTP mode) against PostgreSQL (a
schema of its own, dropped afterwards); a stand-in for Slack's Web API that remembers the newest
question posted in each DM; and a load driver whose simulated users go through whole interviews with
signed requests: `/partner`, a typed reply to a text question, a button click for the others, Continue
after a multi-select; then the next interview. Each user waits for the bot's next question and a think
time (uniform 0.5x to 1.5x of --think) before answering, as a person would, only much faster.

Then the same users replay exactly the requests they sent, with the same gaps, to a no-op Bolt app
(every listener only acks) served by the same gunicorn settings: the framework's floor at the same
offered load. Printed: requests/s, p50/p95/p99 of the ack (the HTTP response time seen by the user's
client), errors, the ratio of our p50 to the floor's, the serving processes' resident memory after
the run, and a check of the database: every acknowledged answer stored exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "slack"))  # Slack's payload shapes and signing, shared with the tests

BOT_TOKEN = "xoxb-1111-2222-load-test-token"
SIGNING_SECRET = "5ec2e7c0ffee5ec2e7c0ffee5ec2e7c0"
TEAM_ID = "T0TEAM001"
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TARGETS = {"p99_ms": 300.0, "p50_ratio": 2.0, "rss_mb": 200.0}


# == the Slack Web API stand-in (its own process) ====================================================

class StandIn:
    """Answers Web API calls like Slack; remembers the newest question and report per DM channel."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.latest: dict[str, dict[str, Any]] = {}  # channel -> {"seq", "blocks", "ts", "kind"}
        self.seq = 0
        self.calls: dict[str, int] = {}
        self.told: dict[str, list[str]] = {}  # user -> private notes (response_url or ephemeral)

    def record(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        with self.lock:
            self.calls[method] = self.calls.get(method, 0) + 1
            self.seq += 1
            ts = f"1700000000.{self.seq:06d}"
            text = str(params.get("text", ""))
            if method == "chat.postMessage":
                kind = "question" if text.startswith("Question ") else "report" if "Partnership advice" in text else ""
                if kind:
                    blocks = params.get("blocks") or "[]"
                    self.latest[str(params.get("channel"))] = {
                        "seq": self.seq, "kind": kind, "ts": ts,
                        "blocks": json.loads(blocks) if isinstance(blocks, str) else blocks}
                    self.lock.notify_all()
            elif (method.startswith("response_url") or method == "chat.postEphemeral") and text:
                user = method.partition("/")[2] or str(params.get("user", "?"))
                if "posted the interview" not in text:
                    self.told.setdefault(user, []).append(text)
        if method == "auth.test":
            return {"ok": True, "team_id": TEAM_ID, "team": "Load", "user_id": "UBOT0001", "bot_id": "BBOT0001",
                    "user": "partnerbot", "url": "https://load.example/"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "U0")).lstrip("U")}}
        if method in {"chat.postMessage", "chat.update"}:
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts") or ts}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        return None if method.startswith("response_url") else {"ok": True}

    def wait_newer(self, channel: str, after: int, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                found = self.latest.get(channel)
                if found is not None and found["seq"] > after:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.lock.wait(left)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                return

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                path = urlsplit(self.path).path
                if "json" in self.headers.get("Content-Type", "") and raw:
                    params = json.loads(raw)
                else:
                    params = dict(parse_qsl(raw, keep_blank_values=True))
                method = path.removeprefix("/api/") if path.startswith("/api/") else path.strip("/")
                self.reply(stand_in.record(method, params))

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                if parts.path == "/_next":
                    self.reply(stand_in.wait_newer(query["channel"], int(query.get("after", 0)), 10.0) or {})
                elif parts.path == "/_stats":
                    with stand_in.lock:
                        self.reply({"calls": stand_in.calls, "told": stand_in.told})
                else:
                    self.reply({"ok": False, "error": "unknown_path"}, 404)

            def reply(self, payload: dict[str, Any] | None, status: int = 200) -> None:
                body = b"ok" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


def run_stand_in(_args: argparse.Namespace) -> int:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn().handler())
    server.daemon_threads = True
    print(f"stand-in listening on {server.server_address[1]}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()
    return 0


# == the no-op Bolt app (its own process, the same gunicorn settings as `partnerbot serve`) ==========

def run_noop(args: argparse.Namespace) -> int:
    from gunicorn.app.base import BaseApplication

    def build() -> Any:
        from slack_bolt import App
        from slack_bolt.adapter.wsgi import SlackRequestHandler
        from slack_sdk import WebClient

        app = App(signing_secret=SIGNING_SECRET, client=WebClient(token=BOT_TOKEN, base_url=args.api_url),
                  token_verification_enabled=False)

        def only_ack(ack: Any) -> None:
            ack()

        app.command(re.compile(".*"))(only_ack)
        app.action(re.compile(".*"))(only_ack)
        app.event("message")(lambda: None)
        return SlackRequestHandler(app, path="/slack/events")

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in {"bind": f"127.0.0.1:{args.port}", "workers": args.workers, "worker_class": "gthread",
                               "threads": args.threads, "timeout": 30, "loglevel": "info",
                               "control_socket_disable": True, "proc_name": "noop-bolt"}.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return build()

    print("no-op Bolt app starting", flush=True)
    Server().run()
    return 0


# == the load driver (its own process) ================================================================

@dataclass
class Sent:
    at: float
    content_type: str
    body: str


@dataclass
class UserLog:
    user: str
    latencies_ms: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    acked_steps: int = 0  # answers acknowledged with 200
    interviews: int = 0


class Client:
    """Signed Slack requests, each on a new connection as Slack's deliveries are."""

    def __init__(self, base: str) -> None:
        import http.client

        parts = urlsplit(base)
        self.factory = lambda: http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def post(self, body: str, content_type: str) -> tuple[int, float]:
        from slack_harness import signed_headers

        headers = {k: v[0] for k, v in signed_headers(SIGNING_SECRET, body, content_type).items()}
        connection = self.factory()
        started = time.perf_counter()
        try:
            connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status, (time.perf_counter() - started) * 1000
        except OSError:  # refused, reset or timed out: an error
            return -1, (time.perf_counter() - started) * 1000
        finally:
            connection.close()


def get_json(url: str) -> dict[str, Any]:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def answer_body(question: dict[str, Any], user: str, channel: str, rng: random.Random,
                stand_in: str) -> tuple[str, str]:
    """The request a person would send to answer `question`: a click, Continue after picking, or a DM."""
    import slack_payloads as payloads

    from bot.slack.ids import Action

    blocks = question["blocks"]
    message = {"type": "message", "user": "UBOT0001", "bot_id": "BBOT0001", "ts": question["ts"], "blocks": blocks}
    choices, multi, submit = [], None, None
    for block in blocks:
        for element in [*(block.get("elements") or []), *([block["accessory"]] if block.get("accessory") else [])]:
            action_id = str(element.get("action_id", ""))
            if action_id.startswith(Action.answer_choice.value):
                choices.append((element, block.get("block_id", "b")))
            elif action_id == Action.answer_multi.value:
                multi = (element, block.get("block_id", "b"))
            elif action_id == Action.answer_submit_multi.value:
                submit = (element, block.get("block_id", "b"))
    hook = f"{stand_in}/response_url/{user}"
    if choices:
        element, block_id = rng.choice(choices)
        action = {"action_id": element["action_id"], "block_id": block_id, "type": "button",
                  "value": element["value"], "text": element.get("text")}
        return payloads.block_actions(action, user_id=user, response_url=hook, message=message,
                                      channel_id=channel), "application/x-www-form-urlencoded"
    if multi and submit:
        (select, select_block), (button, button_block) = multi, submit
        options = list(select.get("options") or [])
        chosen = [rng.choice(options)]  # one: "none of these" cannot be combined with others
        state = {select_block: {select["action_id"]: {"type": select["type"], "selected_options": chosen}}}
        action = {"action_id": button["action_id"], "block_id": button_block, "type": "button",
                  "value": button.get("value"), "text": button.get("text")}
        return payloads.block_actions(action, user_id=user, response_url=hook, message=message,
                                      channel_id=channel, state_values=state), "application/x-www-form-urlencoded"
    text = rng.choice(TYPED_ANSWERS)
    event = payloads.message_event(text, user=user, channel=channel, channel_type="im",
                                   ts=f"{time.time():.6f}")
    return payloads.event_callback(event, event_id=f"Ev{uuid.uuid4().hex[:16]}"), "application/json"


TYPED_ANSWERS = [
    ("We want to partner with a county health department on a school vaccination drive, but their funding "
     "ends in June and nobody on their side owns the project yet."),
    ("A pharma company offered to fund diabetes screening in our rural clinics if they can use the data; "
     "our board is split and legal has not reviewed the terms."),
    ("Two hospitals and a charity want to share community health workers; the goals are close but each "
     "reports to a different funder and trust is still thin after a failed pilot."),
    ("The partnership stalled when our champion left; meetings continue but nothing is decided and the "
     "partner thinks we are not committed."),
]


def simulate_user(index: int, args: argparse.Namespace, log: UserLog, stop_at: float) -> None:
    import slack_payloads as payloads

    rng = random.Random(index)
    client = Client(args.target)
    user = log.user
    channel = "D" + user.lstrip("U")
    time.sleep(rng.uniform(0, args.think))  # users do not all arrive in the same instant

    def send(body: str, content_type: str, kind: str) -> int:
        log.sent.append(Sent(time.monotonic(), content_type, body))
        status, ms = client.post(body, content_type)
        log.latencies_ms.append(ms)
        log.kinds.append(kind)
        if status != 200:
            log.errors.append(f"HTTP {status}")
        return status

    last_seq = 0
    while time.monotonic() < stop_at:
        command = payloads.slash_command("/partner", "", user_id=user, channel_id=channel,
                                         response_url=f"{args.stand_in}/response_url/{user}")
        send(command, "application/x-www-form-urlencoded", "command")
        log.interviews += 1
        while time.monotonic() < stop_at:
            found = get_json(f"{args.stand_in}/_next?channel={channel}&after={last_seq}")
            if not found:
                log.errors.append("no reply from the bot within 10 s")
                break
            last_seq = found["seq"]
            if found["kind"] == "report":
                break
            time.sleep(rng.uniform(0.5, 1.5) * args.think)
            if time.monotonic() >= stop_at:
                break
            body, content_type = answer_body(found, user, channel, rng, args.stand_in)
            if send(body, content_type, "typed" if content_type == "application/json" else "click") == 200:
                log.acked_steps += 1


def replay_user(args: argparse.Namespace, recorded: list[dict[str, Any]], log: UserLog) -> None:
    """The same requests, with the same gaps, to another server."""
    client = Client(args.target)
    started = time.monotonic()
    first = recorded[0]["at"] if recorded else 0.0
    for sent in recorded:
        delay = (sent["at"] - first) - (time.monotonic() - started)
        if delay > 0:
            time.sleep(delay)
        status, ms = client.post(sent["body"], sent["content_type"])
        log.latencies_ms.append(ms)
        if status != 200:
            log.errors.append(f"HTTP {status}")


def run_driver(args: argparse.Namespace) -> int:
    users = [UserLog(f"U0LOAD{n:04d}") for n in range(args.users)]
    recorded = json.loads(Path(args.replay).read_text()) if args.replay else None
    stop_at = time.monotonic() + args.duration
    started = time.monotonic()
    threads = []
    for n, log in enumerate(users):
        if recorded is not None:
            target, targs = replay_user, (args, recorded.get(log.user, []), log)
        else:
            target, targs = simulate_user, (n, args, log, stop_at)
        threads.append(threading.Thread(target=target, args=targs, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(args.duration + 60)
    elapsed = time.monotonic() - started
    latencies = [ms for log in users for ms in log.latencies_ms]
    result = {
        "requests": len(latencies), "seconds": elapsed,
        "errors": [e for log in users for e in log.errors],
        "latencies_ms": latencies,
        "by_kind": {kind: [ms for log in users for k, ms in zip(log.kinds, log.latencies_ms) if k == kind]
                    for kind in ("command", "click", "typed")},
        "acked_steps": {log.user: log.acked_steps for log in users},
        "interviews": sum(log.interviews for log in users),
    }
    Path(args.out).write_text(json.dumps(result))
    if args.record:
        Path(args.record).write_text(json.dumps(
            {log.user: [{"at": s.at, "content_type": s.content_type, "body": s.body} for s in log.sent]
             for log in users}))
    return 0


# == orchestration ====================================================================================

def start(command: list[str], env: dict[str, str], pattern: str) -> tuple[subprocess.Popen[str], re.Match[str]]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True, cwd=REPO)
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    seen = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"{command[2:4]} exited early:\n{''.join(seen)}")
        seen.append(line)
        found = re.search(pattern, line)
        if found:
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # keep draining
            return process, found
    raise SystemExit(f"{command} did not start:\n{''.join(seen)}")


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def family(pid: int) -> list[int]:
    """A process and all its descendants (gunicorn's master and workers)."""
    found = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found.extend(family(int(child)))
    except OSError:
        pass
    return found


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1] if len(values) > 1 else values[0]


def summary(result: dict[str, Any]) -> dict[str, float]:
    latencies = result["latencies_ms"]
    return {"rps": result["requests"] / result["seconds"], "requests": result["requests"],
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
            "errors": len(result["errors"])}


def schema_url(base: str) -> tuple[str, str]:
    from sqlalchemy.engine import make_url

    schema = f"load_{uuid.uuid4().hex[:10]}"
    url = make_url(base).set(drivername="postgresql+psycopg")
    return schema, url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def admin(base: str, statement: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    libpq = make_url(base).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)


def check_database(url: str, acked: dict[str, int], refused: dict[str, int]) -> tuple[bool, str]:
    """Every acknowledged answer is stored, and none twice: per user, stored steps == acknowledged answers
    less those the bot refused with a note (a stale click, say), which change nothing by design."""
    from sqlmodel import select

    from bot.storage.db import open_database
    from bot.storage.tables import InterviewRow

    db = open_database(url, migrate=False)
    try:
        with db.session() as session:
            rows = session.exec(select(InterviewRow).where(InterviewRow.team_id == TEAM_ID)).all()
    finally:
        db.dispose()
    stored: dict[str, int] = {}
    for row in rows:
        stored[row.user_id] = stored.get(row.user_id, 0) + len(row.state.get("history", [])) + len(
            row.state.get("declined", []))
    expected = {u: n - refused.get(u, 0) for u, n in acked.items()}
    lost = {u: n - stored.get(u, 0) for u, n in expected.items() if stored.get(u, 0) < n}
    extra = {u: stored[u] - expected.get(u, 0) for u in stored if stored[u] > expected.get(u, 0)}
    total, notes = sum(acked.values()), sum(refused.values())
    if lost or extra:
        return False, (f"{total} acknowledged answers ({notes} refused with a note); lost {sum(lost.values())}, "
                       f"duplicated {sum(extra.values())}")
    return True, (f"{total} acknowledged answers ({notes} refused with a note) in {len(rows)} interviews: "
                  "every accepted one stored, none twice")


def drive(args: argparse.Namespace, target: str, stand_in: str, env: dict[str, str], workdir: Path, name: str,
          replay: Path | None = None) -> dict[str, Any]:
    out = workdir / f"{name}.json"
    command = [sys.executable, __file__, "drive", "--target", target, "--stand-in", stand_in,
               "--users", str(args.users), "--duration", str(args.duration), "--think", str(args.think),
               "--out", str(out)]
    command += ["--replay", str(replay)] if replay else ["--record", str(workdir / "requests.json")]
    subprocess.run(command, env=env, check=True, timeout=args.duration + 300, cwd=REPO)
    return json.loads(out.read_text())


def run_benchmark(args: argparse.Namespace) -> int:
    base_url = args.database_url or os.environ.get("TEST_DATABASE_URL") or DEFAULT_DATABASE_URL
    schema, database_url = schema_url(base_url)
    admin(base_url, f'CREATE SCHEMA "{schema}"')
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "LOG_")) and k != "DATABASE_URL"}
    env["PYTHONUNBUFFERED"] = "1"
    processes: list[subprocess.Popen[str]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            stand_in_process, found = start([sys.executable, __file__, "stand-in"], env, r"listening on (\d+)")
            processes.append(stand_in_process)
            stand_in = f"http://127.0.0.1:{found.group(1)}"
            serve_env = {**env, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                         "SLACK_API_URL": f"{stand_in}/api/", "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
            serve_command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0",
                             "--workers", str(args.workers), "--threads", str(args.threads)]
            serve_env["LOG_LEVEL"] = "INFO"  # the "Listening at" line is how we learn the port
            server, found = start(serve_command, serve_env, r"Listening at: http://127\.0\.0\.1:(\d+)")
            processes.append(server)
            target = f"http://127.0.0.1:{found.group(1)}"
            wait_healthy(target)
            print(f"partnerbot serve: {args.workers} workers x {args.threads} threads, PostgreSQL schema {schema}; "
                  f"{args.users} users for {args.duration:.0f} s, think time {args.think} s", flush=True)
            ours = drive(args, target, stand_in, env, workdir, "partnerbot")
            time.sleep(2)  # acknowledged work still running after the last ack
            memory = {pid: rss_mb(pid) for pid in family(server.pid)}
            stats = get_json(f"{stand_in}/_stats")
            stop(server)
            processes.remove(server)

            noop, found = start([sys.executable, __file__, "noop", "--port", "0", "--workers", str(args.workers),
                                 "--threads", str(args.threads), "--api-url", f"{stand_in}/api/"],
                                env, r"Listening at: http://127\.0\.0\.1:(\d+)")
            processes.append(noop)
            noop_target = f"http://127.0.0.1:{found.group(1)}"
            time.sleep(2)
            floor = drive(args, noop_target, stand_in, env, workdir, "noop", replay=workdir / "requests.json")
            stop(noop)
            processes.remove(noop)
        refused = {user: len(notes) for user, notes in stats["told"].items()}
        ok_db, db_line = check_database(database_url, ours["acked_steps"], refused)
    finally:
        for process in processes:
            stop(process)
        admin(base_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    report(args, summary(ours), summary(floor), ours, memory, stats, ok_db, db_line)
    return 0


def wait_healthy(target: str) -> None:
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{target}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server never became healthy")


def report(args: argparse.Namespace, ours: dict[str, float], floor: dict[str, float], raw: dict[str, Any],
           memory: dict[int, float], stats: dict[str, Any], ok_db: bool, db_line: str) -> None:
    print()
    print(f"{'':22}{'req/s':>8}{'requests':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, row in (("partnerbot", ours), ("no-op Bolt (floor)", floor)):
        print(f"{name:22}{row['rps']:8.1f}{row['requests']:10.0f}{row['p50']:9.1f}{row['p95']:9.1f}"
              f"{row['p99']:9.1f}{row['errors']:8.0f}")
    ratio = ours["p50"] / floor["p50"] if floor["p50"] else float("inf")
    print(f"\np50 ratio partnerbot / floor: {ratio:.2f}")
    print("partnerbot by request kind: " + "; ".join(
        f"{kind} n={len(values)} p50 {percentile(values, 50):.1f} p99 {percentile(values, 99):.1f} ms"
        for kind, values in raw.get("by_kind", {}).items() if values))
    print(f"interviews started: {raw['interviews']}; Web API calls made by the bot: "
          f"{sum(stats['calls'].values())} ({', '.join(f'{k} {v}' for k, v in sorted(stats['calls'].items()))})")
    notes = [text for texts in stats["told"].values() for text in texts]
    if notes:
        print(f"private notes to people: {len(notes)}; distinct: {sorted(set(notes))[:5]}")
    print("resident memory after the run: " + ", ".join(f"pid {pid} {mb:.0f} MB" for pid, mb in memory.items()))
    print(f"database: {db_line}")
    worst = max(memory.values()) if memory else 0.0
    checks = [
        (f"p99 ack <= {TARGETS['p99_ms']:.0f} ms", ours["p99"] <= TARGETS["p99_ms"]),
        (f"p50 <= {TARGETS['p50_ratio']:.0f}x the no-op floor", ratio <= TARGETS["p50_ratio"]),
        ("zero errors", ours["errors"] == 0),
        (f"every serving process <= {TARGETS['rss_mb']:.0f} MB resident", worst <= TARGETS["rss_mb"]),
        ("no answer lost or duplicated", ok_db),
    ]
    print("\n".join(f"  {'PASS' if ok else 'MISS'}  {what}" for what, ok in checks))
    if raw["errors"]:
        print("errors seen: " + ", ".join(sorted(set(raw["errors"])))[:500])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=45.0, help="seconds of load (default 45)")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between answers, s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url", help="PostgreSQL (default TEST_DATABASE_URL, else local 'test')")
    roles = parser.add_subparsers(dest="role")
    roles.add_parser("stand-in").set_defaults(run=run_stand_in)
    noop = roles.add_parser("noop")
    noop.add_argument("--port", type=int, default=0)
    noop.add_argument("--workers", type=int, default=2)
    noop.add_argument("--threads", type=int, default=8)
    noop.add_argument("--api-url", required=True)
    noop.set_defaults(run=run_noop)
    driver = roles.add_parser("drive")
    for name in ("--target", "--stand-in", "--out"):
        driver.add_argument(name, required=True)
    driver.add_argument("--users", type=int, default=50)
    driver.add_argument("--duration", type=float, default=45.0)
    driver.add_argument("--think", type=float, default=1.0)
    driver.add_argument("--record")
    driver.add_argument("--replay")
    driver.set_defaults(run=run_driver)
    args = parser.parse_args(argv)
    return int(getattr(args, "run", run_benchmark)(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
