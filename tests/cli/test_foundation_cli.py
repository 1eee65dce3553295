"""The command line as scripts and people use it: `match`, `factor` and `kb check`, run as real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run(*args: str, stdin: bytes | str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    completed = subprocess.run(
        [sys.executable, "-m", "bot", *args], input=data, capture_output=True, timeout=120,
        env={**os.environ, **(env or {})},
    )
    return subprocess.CompletedProcess(
        completed.args, completed.returncode,
        completed.stdout.decode("utf-8", "replace"), completed.stderr.decode("utf-8", "replace"),
    )


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_match_json_contract() -> None:
    result = run("match", "--json", "Our champion left and their lawyers have been sitting on the MOU since March",
                 "--sectors", "nonprofit,industry")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"risks", "strengths"}
    ids = [r["id"] for r in payload["risks"]]
    assert "champion-turnover" in ids and "bureaucracy" in ids
    for row in payload["risks"]:
        assert set(row) == {"id", "score", "evidence"} and 0 <= row["score"] <= 1 and row["evidence"]


def test_match_json_reads_stdin() -> None:
    result = run("match", "--json", "-", stdin="Funding is secured until 2030 and we have worked together for years.")
    payload = json.loads(result.stdout)
    assert "insufficient-funding" not in [r["id"] for r in payload["risks"]]
    assert "adequate-resources" in [s["id"] for s in payload["strengths"]]


def test_match_jsonl_processes_every_line_and_names_bad_ones() -> None:
    lines = "\n".join([
        json.dumps({"id": "a", "text": "The grant runs out in June and nobody has a plan.", "sectors": ["nonprofit"]}),
        "{not json",
        json.dumps({"id": "c", "text": "", "sectors": []}),
        json.dumps({"id": "d", "text": "their director resigned", "sectors": ["aliens"]}),
        json.dumps({"id": "e", "text": "No turf wars this time \U0001F389", "sectors": "government"}),
    ]) + "\n"
    result = run("match", "--jsonl", stdin=lines)
    assert result.returncode == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    assert rows[0]["id"] == "a" and "no-sustainability-plan" in [r["id"] for r in rows[0]["risks"]]
    assert rows[1]["line"] == 2 and "line 2" in rows[1]["error"]
    assert rows[2]["id"] == "c" and "empty" in rows[2]["error"]
    assert rows[3]["id"] == "d" and "aliens" in rows[3]["error"]
    assert rows[4]["id"] == "e" and "competition-between-partners" not in [r["id"] for r in rows[4]["risks"]]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("match", "--json", ""), None, "empty"),
        (("match", "--json", "-"), "   \n\t ", "empty"),
        (("match", "--json", "hello", "--sectors", "charity"), None, "unknown sector"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nonzero_exit(args: tuple[str, ...], stdin: str | None, message: str) -> None:
    result = run(*args, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr and result.stdout == ""
    assert_no_traceback(result)


@pytest.mark.parametrize(
    "payload",
    [
        b"\xff\xfe\x00garbage\x80\x81" * 100,
        ("\U0001F600 \u0645\u0631\u062d\u0628\u0627 \u4f60\u597d " * 50).encode(),
        ("Our champion left. " + "lorem ipsum dolor " * 6000).encode(),
        ("we run \u136b clinics in \u1372 woredas; " + "-".join(["the", "CEO", "left", "and", "nobody", "came"] * 15)).encode(),
    ],
    ids=["binary", "emoji-and-scripts", "100k-characters", "ethiopic-digits-and-no-spaces"],
)
def test_odd_input_is_handled_without_a_traceback(payload: bytes) -> None:
    result = run("match", "--json", "-", stdin=payload)
    assert_no_traceback(result)
    assert result.returncode == 0
    assert set(json.loads(result.stdout)) == {"risks", "strengths"}


def test_factor_card_is_printed() -> None:
    result = run("factor", "burocracy")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Bureaucracy")
    for heading in ("Warning signs:", "What to do:", "illustrative composite", "Sources:"):
        assert heading in out


def test_factor_ambiguity_lists_candidates() -> None:
    result = run("factor", "partners")
    assert result.returncode == 0
    assert "could mean" in result.stdout and result.stdout.count("partnerbot factor ") >= 2


def test_factor_miss_suggests_and_exits_nonzero() -> None:
    result = run("factor", "xyzzy", "qqq")
    assert result.returncode == 1 and "No factor matches" in result.stderr
    assert_no_traceback(result)


def test_kb_check_prints_counts() -> None:
    result = run("kb", "check")
    assert result.returncode == 0, result.stderr
    assert "42 factors" in result.stdout and "24 negative" in result.stdout and "18 success" in result.stdout


def test_kb_check_names_a_broken_team_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "factors").mkdir()
    (tmp_path / "factors" / "lack-of-trust.yaml").write_text("id: lack-of-trust\nwarning_signs: [only one]\n")
    result = run("kb", "check", env={"PARTNERBOT_KNOWLEDGE_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "lack-of-trust.yaml" in result.stderr and "warning_signs" in result.stderr
    assert_no_traceback(result)


def test_an_unexpected_error_is_one_clear_line_and_exit_70(capsys: pytest.CaptureFixture[str]) -> None:
    """A bug in a command reaches the person as one line naming it, never a traceback."""
    import argparse

    from bot.cli import _handle

    def broken(args: argparse.Namespace) -> int:
        raise RuntimeError("the index is inconsistent")

    assert _handle(argparse.Namespace(handler=broken)) == 70
    err = capsys.readouterr().err
    assert "something went wrong inside partnerbot (RuntimeError: the index is inconsistent)" in err
    assert "Traceback" not in err
