"""The disk cache of built objects is keyed by the knowledge files, so an edit is never served stale."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.kb import snapshot
from bot.kb.loader import default_knowledge_dir


def test_editing_a_knowledge_file_changes_the_fingerprint(tmp_path: Path) -> None:
    copy = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), copy)
    before = snapshot.fingerprint([copy], ["kb", "matching"])
    target = copy / "factors" / "bureaucracy.yaml"
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert snapshot.fingerprint([copy], ["kb", "matching"]) != before


def test_the_same_files_elsewhere_share_a_fingerprint(tmp_path: Path) -> None:
    """A second checkout of the same commit reuses the cache the first one built."""
    first, second = tmp_path / "a" / "knowledge", tmp_path / "b" / "knowledge"
    shutil.copytree(default_knowledge_dir(), first)
    shutil.copytree(default_knowledge_dir(), second)
    os.utime(second / "factors" / "bureaucracy.yaml", (0, 0))  # a fresh clone has other times
    assert snapshot.fingerprint([first], ["kb"]) == snapshot.fingerprint([second], ["kb"])


def test_editing_a_data_file_of_the_building_code_changes_the_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "bot"
    (code / "matching").mkdir(parents=True)
    (code / "matching" / "words.txt").write_text("alpha\n", encoding="utf-8")
    monkeypatch.setattr(snapshot, "CODE", code)
    before = snapshot.fingerprint([default_knowledge_dir()], ["matching"])
    (code / "matching" / "words.txt").write_text("alpha\nbeta\n", encoding="utf-8")
    assert snapshot.fingerprint([default_knowledge_dir()], ["matching"]) != before


def test_save_and_load_round_trip_and_bad_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNERBOT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("PARTNERBOT_NO_CACHE", raising=False)
    snapshot.save("thing", "k1", {"a": [1, 2]})
    assert snapshot.load("thing", "k1") == {"a": [1, 2]}
    assert snapshot.load("thing", "other") is None
    (tmp_path / "thing-k2.pickle").write_bytes(b"not a pickle")
    assert snapshot.load("thing", "k2") is None


def test_an_unwritable_cache_directory_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("PARTNERBOT_CACHE_DIR", str(blocker / "sub"))
    snapshot.save("thing", "k", 1)  # must not raise
    assert snapshot.load("thing", "k") is None
    assert not os.path.exists(blocker / "sub")
