"""Fixtures shared by every test folder: the knowledge base and the shared evaluation material."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kb.loader import KnowledgeBase, load_knowledge

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


def shared_file(relative: str) -> Path:
    """A file from the hand-over folder beside the checkout; tests that need it skip where it is absent."""
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"{path} is not here (only CI and developers have ../shared); the project's own data covers this")
    return path
