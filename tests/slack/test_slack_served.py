"""`partnerbot serve` as a separate process, spoken to over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import slack_payloads as payloads
from fake_slack_api import FakeSlackAPI
from slack_harness import FORM, signed_headers
from slack_setup import BOT_TOKEN, SIGNING_SECRET

WAIT_S = 60  # a generous deadline for start-up on a slow machine; nothing here measures speed


def wait_for(predicate, what: str):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def serve_env(fake: FakeSlackAPI, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_") and k != "DATABASE_URL"}
    env.update({
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


class Served:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            self.lines.put(line)

    def port(self) -> int:
        def listening() -> int | None:
            for line in list(self.output):
                found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
                if found:
                    return int(found.group(1))
            if self.process.poll() is not None:
                raise AssertionError("serve exited early:\n" + "".join(self.output))
            return None

        return wait_for(listening, "gunicorn to listen")


@pytest.fixture
def served(fake_slack: FakeSlackAPI, tmp_path: Path) -> Iterator[Served]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0", "--workers", "1"],
        cwd=tmp_path, env=serve_env(fake_slack, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )
    running = Served(process)
    try:
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def http(url: str, *, body: str | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body.encode() if body is not None else None, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=WAIT_S) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def flat(headers: dict[str, list[str]]) -> dict[str, str]:
    return {key: values[0] for key, values in headers.items()}


def test_the_served_app_answers_health_checks_and_verified_slack_requests(served: Served,
                                                                          fake_slack: FakeSlackAPI) -> None:
    base = f"http://127.0.0.1:{served.port()}"

    status, body = http(f"{base}/healthz")
    assert status == 200 and json.loads(body) == {"ok": True, "database": "ok"}

    command = payloads.slash_command("/factor", "conflict of interest", user_id="U0ALICE01",
                                     channel_id="C0PARTNER1", response_url=fake_slack.response_url("served"))
    forged = flat(signed_headers("wrong-secret", command, FORM))
    status, _ = http(f"{base}/slack/events", body=command, headers=forged)
    assert status == 401

    stale = flat(signed_headers(SIGNING_SECRET, command, FORM, timestamp=int(time.time()) - 3600))
    status, _ = http(f"{base}/slack/events", body=command, headers=stale)
    assert status == 401
    assert not fake_slack.calls_to("response_url:served")

    status, _ = http(f"{base}/slack/events", body=command, headers=flat(signed_headers(SIGNING_SECRET, command, FORM)))
    assert status == 200
    reply = wait_for(lambda: fake_slack.calls_to("response_url:served"), "the /factor reply")[0]
    assert reply.params["response_type"] == "ephemeral"
    assert "Conflict of interest" in reply.text_everywhere()

    assert BOT_TOKEN not in "".join(served.output)
    assert SIGNING_SECRET not in "".join(served.output)


def run_serve(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "serve", "--port", "0"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=WAIT_S, check=False)


def test_serve_without_a_bot_token_stops_with_one_line_naming_it(fake_slack: FakeSlackAPI, tmp_path: Path) -> None:
    env = serve_env(fake_slack, tmp_path)
    del env["SLACK_BOT_TOKEN"]
    result = run_serve(env, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "SLACK_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_with_a_refused_token_says_so_without_printing_it(fake_slack: FakeSlackAPI, tmp_path: Path) -> None:
    fake_slack.fail("auth.test", "invalid_auth")
    result = run_serve(serve_env(fake_slack, tmp_path), tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "invalid_auth" in result.stderr
    assert BOT_TOKEN not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_serve_with_a_malformed_token_names_the_setting(fake_slack: FakeSlackAPI, tmp_path: Path) -> None:
    result = run_serve(serve_env(fake_slack, tmp_path, SLACK_BOT_TOKEN="hunter2"), tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "hunter2" not in result.stderr
