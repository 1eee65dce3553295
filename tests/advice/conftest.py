from __future__ import annotations

import pytest

from bot.interview import InterviewEngine, InterviewFlow, load_flow
from bot.kb.loader import KnowledgeBase


@pytest.fixture(scope="session")
def flow(kb: KnowledgeBase) -> InterviewFlow:
    return load_flow(kb)


@pytest.fixture()
def engine(flow: InterviewFlow, kb: KnowledgeBase) -> InterviewEngine:
    return InterviewEngine(flow, kb)
