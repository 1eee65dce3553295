"""Process-wide logging: JSON lines for log collectors, plain lines for people at a terminal.

Every record carries the id of the Slack request it belongs to (`request_id`), set per request and
carried into listener threads, so one request's lines can be found among many replicas' output.
What a log must never hold: a token (masked wherever it appears) or a person's typed answer (nothing
logs answers, and exception messages, which can echo input or SQL parameters, are left out unless
the level is DEBUG).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any, Literal

LogFormat = Literal["auto", "json", "text"]

request_id_var: ContextVar[str | None] = ContextVar("partnerbot_request_id", default=None)

_TOKEN = re.compile(r"\b(xox[a-z]|xapp)-[A-Za-z0-9-]+")
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_STANDARD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


def new_request_id(incoming: str | None = None) -> str:
    """A load balancer's `X-Request-Id` when it looks like one, otherwise a fresh id."""
    if incoming and _INCOMING_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex[:16]


def current_request_id() -> str | None:
    return request_id_var.get()


@contextmanager
def request_scope(request_id: str) -> Iterator[str]:
    """Tag every record logged in this block (on this thread) with `request_id`."""
    token = request_id_var.set(request_id)
    try:
        yield request_id
    finally:
        request_id_var.reset(token)


def mask_tokens(text: str) -> str:
    return _TOKEN.sub(lambda found: f"{found.group(1)}-[masked]", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, any `extra` fields."""

    def __init__(self, *, with_exception_messages: bool = False) -> None:
        super().__init__()
        self.with_exception_messages = with_exception_messages

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_tokens(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or "-",
            "process": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_FIELDS and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool) or value is None else mask_tokens(str(value))
        if record.exc_info and record.exc_info[0] is not None:
            entry.update(describe_exception(record.exc_info, with_message=self.with_exception_messages))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self, *, with_exception_messages: bool = False) -> None:
        super().__init__(TEXT_FORMAT)
        self.with_exception_messages = with_exception_messages

    def format(self, record: logging.LogRecord) -> str:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get() or "-"
        exc_info, record.exc_info, record.exc_text = record.exc_info, None, None
        try:
            line = super().format(record)
        finally:
            record.exc_info = exc_info
        if exc_info and exc_info[0] is not None:
            error = describe_exception(exc_info, with_message=self.with_exception_messages)
            line += f"\n{error['traceback']}{error['error']}"
        return mask_tokens(line)


def describe_exception(exc_info: Any, *, with_message: bool) -> dict[str, str]:
    """The exception's type and stack; its message only when asked (it may echo a person's input)."""
    kind, error, tb = exc_info
    name = f"{kind.__module__}.{kind.__qualname__}" if kind.__module__ != "builtins" else kind.__qualname__
    stack = "".join(traceback.format_tb(tb)) if tb is not None else ""
    text = f"{name}: {error}" if with_message else name
    return {"error": mask_tokens(text), "traceback": "Traceback (most recent call last):\n" + stack}


def use_json(log_format: LogFormat, stream: IO[str]) -> bool:
    if log_format == "auto":
        isatty = getattr(stream, "isatty", None)
        return not (isatty is not None and isatty())
    return log_format == "json"


def build_handler(level_name: str = "INFO", log_format: LogFormat = "auto",
                  stream: IO[str] | None = None) -> logging.Handler:
    """The one handler every record goes through (also named in gunicorn's logging config)."""
    stream = stream or sys.stderr
    handler = logging.StreamHandler(stream)
    debug = parse_level(level_name) <= logging.DEBUG
    formatter: logging.Formatter = (
        JsonFormatter(with_exception_messages=debug) if use_json(log_format, stream)
        else TextFormatter(with_exception_messages=debug)
    )
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    return handler


def parse_level(name: str) -> int:
    level = logging.getLevelNamesMapping().get(name.upper())
    if level is None:
        raise ValueError(f"{name!r} is not a log level (use DEBUG, INFO, WARNING or ERROR)")
    return level


def configure_logging(level_name: str = "INFO", log_format: LogFormat = "auto", stream: IO[str] | None = None) -> None:
    """Replace the root handlers with one that writes JSON (or text at a terminal) to stderr."""
    level = parse_level(level_name)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(build_handler(level_name, log_format, stream))
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))  # migration chatter


def gunicorn_logconfig(level_name: str = "INFO", log_format: LogFormat = "auto") -> dict[str, Any]:
    """Gunicorn's `logconfig_dict`: its own lines go through our handler; its access log is off because
    the app writes one line per request itself, with the request id."""
    level = logging.getLevelName(parse_level(level_name))
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": level, "handlers": ["partnerbot"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True, "qualname": "gunicorn.error"},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": True, "qualname": "gunicorn.access"},
            "alembic": {"level": "WARNING" if level in {"DEBUG", "INFO"} else level, "handlers": [], "propagate": True},
        },
        "handlers": {
            "partnerbot": {"()": "bot.logging_setup.build_handler", "level_name": level, "log_format": log_format},
        },
        "formatters": {},
    }
