"""`partnerbot serve` as a real server process, and a Slack stand-in that talks to it over HTTP.

The server runs in a session (process group) of its own, so a test can SIGKILL the gunicorn master and
its workers at once, the way a crashed host or an OOM kill would, or SIGTERM the master the way an
orchestrator stops a container.
"""

from __future__ import annotations

import http.client
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from fake_slack_api import FakeSlackAPI
from slack_harness import SlackHarness, signed_headers
from slack_setup import BOT_TOKEN, SIGNING_SECRET

WAIT_S = 60  # a generous deadline for slow machines; nothing here measures speed
T = TypeVar("T")


def wait_for(predicate: Callable[[], T], what: str, timeout: float = WAIT_S) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def serve_env(fake: FakeSlackAPI, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "LOG_", "PARTNERBOT_")) and k != "DATABASE_URL"}
    env.update({
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


class ServedBot:
    def __init__(self, env: dict[str, str], cwd: Path, *, workers: int = 1) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", "0", "--workers", str(workers)],
            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        self._pump = threading.Thread(target=self._read, daemon=True)
        self._pump.start()
        self._port: int | None = None

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def port(self) -> int:
        if self._port is None:
            def listening() -> int | None:
                found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", self.output)
                if found:
                    return int(found.group(1))
                if self.process.poll() is not None:
                    raise AssertionError("serve exited early:\n" + self.output)
                return None

            self._port = wait_for(listening, "the server to listen")
            wait_for(lambda: "Booting worker" in self.output, "a worker to start")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: no handler runs, nothing is flushed."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT_S)

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = WAIT_S) -> int:
        code = self.process.wait(timeout=timeout)
        self._pump.join(timeout=5)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout=WAIT_S)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # any worker left behind
        except ProcessLookupError:
            pass
        self.process.wait()
        self._pump.join(timeout=5)


@dataclass
class HttpReply:
    status: int
    headers: dict[str, str]
    body: bytes


def http_request(url: str, *, body: str | None = None, headers: dict[str, str] | None = None,
                 timeout: float = WAIT_S) -> HttpReply:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST" if body is not None else "GET", parts.path or "/",
                           body=body.encode() if body is not None else None, headers=headers or {})
        response = connection.getresponse()
        return HttpReply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


class HttpSlack(SlackHarness):
    """The test harness's Slack (commands, DMs, clicks built from posted messages), sent over real HTTP."""

    def __init__(self, base_url: str, fake: FakeSlackAPI) -> None:
        super().__init__(app=None, fake=fake, signing_secret=SIGNING_SECRET)  # type: ignore[arg-type]
        self.base_url = base_url

    def send(self, body: str, content_type: str, *, retry_num: int | None = None,
             timestamp: int | None = None) -> Any:
        headers = signed_headers(self.secret, body, content_type, timestamp=timestamp, retry_num=retry_num)
        return http_request(f"{self.base_url}/slack/events", body=body,
                            headers={key: values[0] for key, values in headers.items()})
