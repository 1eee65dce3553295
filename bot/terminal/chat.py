"""The interview in a terminal: one question at a time, commands for back/skip/don't know, the report at
the end. Every accepted step is saved at once, so Ctrl-C, a closed window or end of input loses nothing.
"""

from __future__ import annotations

from typing import TextIO

from bot.advice import build_report, render
from bot.interview.engine import InterviewEngine, StepResult
from bot.interview.state import InterviewState
from bot.terminal.display import COMMANDS_HELP, ask, format_prompt, say
from bot.terminal.store import TerminalStore

RESUME_HINT = "partnerbot chat --resume"
_BACK = {"back", "b"}
_SKIP = {"skip", "s"}
_DONE = {"done", "finish"}
_QUIT = {"quit", "exit", "q"}
_HELP = {"help", "h"}
_YES = {"y", "yes"}


class TerminalChat:
    def __init__(
        self,
        engine: InterviewEngine,
        store: TerminalStore | None,
        reader: TextIO,
        writer: TextIO,
        *,
        fmt: str = "text",
        width: int = 88,
        bold: bool = False,
    ) -> None:
        self.engine = engine
        self.store = store
        self.reader = reader
        self.writer = writer
        self.fmt = fmt
        self.width = width
        self.bold = bold

    def run(self, state: InterviewState | None = None) -> int:
        """Returns the exit code: 0 when finished or left, 130 after Ctrl-C (answers are saved either way)."""
        try:
            return self._loop(state)
        except KeyboardInterrupt:
            say(self.writer)
            self._leave()
            return 130

    def _loop(self, state: InterviewState | None) -> int:
        if state is None:
            state = self.engine.start()
            self._intro(state)
        while (prompt := self.engine.current(state)) is not None:
            say(self.writer, format_prompt(prompt, self.width, self.bold))
            ask(self.writer)
            line = self.reader.readline()
            if not line:
                say(self.writer)
                self._leave()
                return 0
            text = line.strip()
            command = text.lower()
            if command in _HELP:
                say(self.writer, COMMANDS_HELP)
                continue
            if command in _QUIT:
                self._leave()
                return 0
            if command == "restart":
                restarted = self._restart(state)
                if restarted is None:
                    self._leave()
                    return 0
                state = restarted
                continue
            result = self._step(state, command, text)
            if not result.accepted:
                say(self.writer, f"  {result.message}")
                continue
            state = result.state
            self._save(state)
        self._finish(state)
        return 0

    def _step(self, state: InterviewState, command: str, text: str) -> StepResult:
        if command in _BACK:
            return self.engine.back(state)
        if command in _SKIP:
            return self.engine.skip(state)
        if command in _DONE:
            return self.engine.finish(state)
        return self.engine.answer(state, text)

    def _intro(self, state: InterviewState) -> None:
        prompt = self.engine.current(state)
        total = prompt.total if prompt else 0
        say(self.writer, "Let's think this partnership through.")
        say(self.writer, f"About {total} short questions; your answers are saved as you go.")
        say(self.writer, "Type 'help' at any question for back, skip, don't know and quit.")

    def _restart(self, state: InterviewState) -> InterviewState | None:
        say(self.writer, "Start again from the first question? Your answers so far will be set aside. (yes/no)")
        ask(self.writer)
        line = self.reader.readline()
        if not line:
            return None
        if line.strip().lower() not in _YES:
            say(self.writer, "  Carrying on where you were.")
            return state
        if self.store is not None:
            self.store.abandon()
        new = self.engine.restart(state).state
        self._intro(new)
        return new

    def _save(self, state: InterviewState, finished: bool = False) -> None:
        if self.store is not None:
            self.store.save(state, finished=finished)

    def _leave(self) -> None:
        if self.store is not None and self.store.record is not None:
            say(self.writer, f"Your answers are saved. Continue later with: {RESUME_HINT}")
        else:
            say(self.writer, "Nothing was answered yet, so nothing was saved.")

    def _finish(self, state: InterviewState) -> None:
        report = build_report(state, self.engine.kb, self.engine.flow)
        self._save(state, finished=True)
        if self.store is not None:
            report = self.store.with_history(report, self.engine.kb)
            self.store.record_advice(report)
        say(self.writer)
        self.writer.write(render(report, self.fmt, width=self.width, bold=self.bold))
        self.writer.flush()
