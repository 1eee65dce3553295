"""An installed wheel carries the knowledge base and the migrations, and finds them without a checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_wheel_contains_and_finds_the_knowledge_base(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(tmp_path / "dist")],
        capture_output=True, text=True, timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("partnerbot-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(REPO / "knowledge").as_posix() for p in (REPO / "knowledge").rglob("*") if p.is_file()}
    assert {f"bot/_knowledge/{name}" for name in shipped} <= names
    assert any(n.startswith("bot/storage/migrations/versions/") for n in names)
    assert {"bot/matching/factor-model.json", "bot/matching/english-words.txt"} <= names

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    probe = (
        "from bot.kb.loader import load_knowledge; from bot.matching.matcher import Matcher; "
        "kb = load_knowledge(); print(kb.directories[0]); print(len(kb.factors)); "
        "print(len(Matcher(kb).classifier.factors))"
    )
    env = {**os.environ, "PYTHONPATH": str(unpacked), "PARTNERBOT_NO_CACHE": "1"}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    directory, count, classified = result.stdout.split()
    assert Path(directory) == unpacked / "bot" / "_knowledge"
    assert int(count) == 42
    assert int(classified) == 42  # the classifier's weights ship and load from the installed package

    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "partnerbot = bot.cli:console" in zipfile.ZipFile(wheel).read(entry_points).decode()
    command = "from bot.cli import console; console()"
    matched = subprocess.run(
        [sys.executable, "-c", command, "match", "--json", "the VP who pushed this left"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
    )
    assert matched.returncode == 0, matched.stderr
    assert [r["id"] for r in json.loads(matched.stdout)["risks"]][:1] == ["champion-turnover"]
