"""Fixtures shared by every test folder: the knowledge base, the shared evaluation material, and (from
tests/slack/slack_fixtures.py) a clean environment and the stand-in for Slack's Web API."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.kb.loader import KnowledgeBase, load_knowledge

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# The Slack suite's helpers (fake Web API, payloads, harness) are imported by the learning and production
# suites too, by module name.
sys.path.insert(0, str(Path(__file__).resolve().parent / "slack"))
pytest_plugins = ["slack_fixtures"]


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


def shared_file(relative: str) -> Path:
    """A file from the hand-over folder beside the checkout; tests that need it skip where it is absent."""
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"{path} is not here (only CI and developers have ../shared); the project's own data covers this")
    return path
