"""Run `partnerbot chat` as a person would: a real process, answers typed on stdin, output read back."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

WAIT_S = 60  # a guard against a hung process, not a speed check


class ChatProcess:
    """An interactive chat: send lines, wait for text to appear, kill it like a closed window would."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env, cwd=cwd, bufsize=1,
        )
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, text: str) -> str:
        while True:
            try:
                line = self._lines.get(timeout=WAIT_S)
            except queue.Empty:
                raise AssertionError(f"never saw {text!r}; output so far:\n{''.join(self.output)}") from None
            if line is None:
                raise AssertionError(f"the chat ended before {text!r}; output:\n{''.join(self.output)}")
            self.output.append(line)
            if text in line:
                return line

    def type(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close_input(self) -> tuple[int, str, str]:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        code = self.proc.wait(timeout=WAIT_S)
        rest = []
        while (line := self._lines.get(timeout=WAIT_S)) is not None:
            rest.append(line)
        self.output += rest
        assert self.proc.stderr is not None
        return code, "".join(self.output), self.proc.stderr.read()


@pytest.fixture()
def chat_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PARTNERBOT_"))}
    env.update({
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'partnerbot.db'}",
        "PARTNERBOT_TEAM": "T-terminal-test",
        "LOGNAME": "tester",
        "USER": "tester",
        "NO_COLOR": "1",
        "COLUMNS": "100",
        "PYTHONUNBUFFERED": "1",
    })
    return env


@pytest.fixture()
def run_cli(chat_env: dict[str, str], tmp_path: Path):
    def run(args: list[str], typed: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args], check=False, input=typed, capture_output=True, text=True,
            env=env or chat_env, cwd=tmp_path, timeout=WAIT_S,
        )

    return run


@pytest.fixture()
def start_chat(chat_env: dict[str, str], tmp_path: Path) -> Iterator:
    started: list[ChatProcess] = []

    def start(*args: str) -> ChatProcess:
        chat = ChatProcess(["chat", *args], chat_env, tmp_path)
        started.append(chat)
        return chat

    yield start
    for chat in started:
        if chat.proc.poll() is None:
            chat.proc.kill()
            chat.proc.wait(timeout=WAIT_S)


@pytest.fixture()
def repository(chat_env: dict[str, str]):
    from bot.storage.db import open_database
    from bot.storage.interviews import InterviewRepository

    db = open_database(chat_env["DATABASE_URL"])
    yield InterviewRepository(db)
    db.dispose()
