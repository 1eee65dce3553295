"""A local stand-in for Slack's Web API (and for `response_url`s) that records every call.

It listens on an ephemeral 127.0.0.1 port, answers `{"ok": true, ...}` shaped like Slack's documented
responses, and can be told to fail a method a given number of times: `ratelimited` with `Retry-After`,
`channel_not_found`, `expired_trigger_id`, a 5xx, anything. The app under test reaches it through
`SLACK_API_URL`, so the real `WebClient` code path (retries included) is exercised.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0TEAM001"


@dataclass
class Call:
    """One request the app made: `method` is the Web API method, or `response_url:<hook>`."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    response: dict[str, Any] | None = None

    def blocks(self) -> list[dict[str, Any]]:
        raw = self.params.get("blocks") or (self.params.get("view") or {}).get("blocks") or []
        return json.loads(raw) if isinstance(raw, str) else raw

    def view(self) -> dict[str, Any]:
        raw = self.params.get("view") or {}
        return json.loads(raw) if isinstance(raw, str) else raw

    def text_everywhere(self) -> str:
        """All the text a user could see in this call, for escaping and content assertions."""
        return json.dumps({"text": self.params.get("text", ""), "blocks": self.blocks(), "view": self.view()})


@dataclass
class CannedFailure:
    error: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlackAPI:
    """Start with `with FakeSlackAPI() as fake:`; then `fake.url` is the base for `SLACK_API_URL`."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._failures: dict[str, deque[CannedFailure]] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, hook: str = "hook") -> str:
        return f"{self.base}/response_url/{hook}"

    # -- scripting -------------------------------------------------------------------------------
    def fail(self, method: str, error: str, *, times: int = 1, status: int = 200, retry_after: int | None = None):
        """The next `times` calls of `method` fail the way Slack reports `error`."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        with self._lock:
            queue = self._failures.setdefault(method, deque())
            queue.extend(CannedFailure(error, status, headers) for _ in range(times))

    # -- inspection ------------------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def methods(self) -> list[str]:
        with self._lock:
            return [call.method for call in self.calls]

    def last(self, method: str) -> Call:
        found = self.calls_to(method)
        assert found, f"no call to {method}; calls were {self.methods()}"
        return found[-1]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- answering -------------------------------------------------------------------------------
    def _record(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> tuple[Call, CannedFailure | None]:
        call = Call(method, params, headers)
        with self._lock:
            self.calls.append(call)
            queue = self._failures.get(method)
            return call, (queue.popleft() if queue else None)

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _success(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://example.slack.com/", "team": "Example", "user": "partnerbot",
                    "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}
        if method == "conversations.open":
            users = str(params.get("users", "U0"))
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0].lstrip("U")}}
        if method in {"chat.postMessage", "chat.update"}:
            ts = params.get("ts") if method == "chat.update" else self._next_ts()
            return {"ok": True, "channel": params.get("channel"), "ts": ts,
                    "message": {"type": "message", "text": params.get("text", ""), "user": BOT_USER_ID,
                                "bot_id": BOT_ID, "ts": ts}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "chat.getPermalink":
            return {"ok": True, "channel": params.get("channel"),
                    "permalink": f"https://example.slack.com/archives/{params.get('channel')}/p1"}
        if method in {"views.open", "views.publish", "views.update", "views.push"}:
            view = params.get("view") or {}
            if isinstance(view, str):
                view = json.loads(view)
            view_id = params.get("view_id") or f"V{next(self._ids):08d}"
            return {"ok": True, "view": {**view, "id": view_id, "hash": f"h{next(self._ids)}",
                                         "team_id": TEAM_ID, "state": {"values": {}}}}
        return {"ok": True}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                path = urlsplit(self.path).path
                query = dict(parse_qsl(urlsplit(self.path).query))
                content_type = self.headers.get("Content-Type", "")
                if "json" in content_type and raw:
                    params: dict[str, Any] = json.loads(raw)
                else:
                    params = dict(parse_qsl(raw, keep_blank_values=True))
                params = {**query, **params}
                if path.startswith("/api/"):
                    method = path.removeprefix("/api/")
                elif path.startswith("/response_url/"):
                    method = "response_url:" + path.removeprefix("/response_url/")
                else:
                    self._send(404, {"ok": False, "error": "unknown_path"})
                    return
                headers = {key.lower(): value for key, value in self.headers.items()}
                call, failure = fake._record(method, params, headers)
                if failure is not None:
                    call.response = {"ok": False, "error": failure.error}
                    self._send(failure.status, call.response, failure.headers)
                elif method.startswith("response_url:"):
                    self._send(200, None)
                else:
                    call.response = fake._success(method, params)
                    self._send(200, call.response)

            def _send(self, status: int, payload: dict[str, Any] | None, headers: dict[str, str] | None = None):
                body = b"ok" if payload is None else json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/plain" if payload is None else "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler
