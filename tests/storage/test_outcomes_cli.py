"""`partnerbot outcomes ...` and `partnerbot db ...` end to end, through the real command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.kb.loader import KnowledgeBase
from bot.outcomes import OutcomeService
from bot.outcomes.prompts import ask_outcome
from bot.settings import get_settings
from bot.storage.db import head_revision, open_database

LOG = [
    "outcomes", "log", "--name", "Screening with Acme", "--partner", "Acme Health", "--sector", "industry",
    "--sector", "nonprofit", "--region", "eu-plus", "--status", "struggling", "--factor", "champion-turnover",
    "--lesson", "Name a deputy.\nWrite it down.",
]  # fmt: skip


@pytest.fixture
def team_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PARTNERBOT_TEAM", "T-cli")
    monkeypatch.delenv("PARTNERBOT_KNOWLEDGE_DIR", raising=False)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def count_outcomes(url: str, kb: KnowledgeBase, team: str = "T-cli") -> int:
    db = open_database(url)
    try:
        return OutcomeService(db, kb, team).count()
    finally:
        db.dispose()


def test_log_list_show_edit_delete(team_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, *LOG)
    assert code == 0 and "Logged outcome" in out and "team T-cli" in out
    outcome_id = out.split("Logged outcome ")[1].split()[0]

    code, out, _ = run(capsys, "outcomes", "list", "--sector", "industry")
    assert code == 0 and "Screening with Acme" in out and "nonprofit+industry" in out

    code, out, _ = run(
        capsys, "outcomes", "edit", outcome_id, "--status", "failed", "--factor", "lack-of-trust"
    )
    assert code == 0 and "(failed)" in out

    code, out, _ = run(capsys, "outcomes", "show", outcome_id)
    assert code == 0
    assert "Status:   failed" in out and "Lack of trust" in out and "Champion turnover" not in out
    assert "Name a deputy." in out and "Write it down." in out
    assert "created by" in out and "edited by" in out and "status struggling -> failed" in out

    code, out, _ = run(capsys, "outcomes", "delete", outcome_id, "--yes")
    assert code == 0 and "Deleted outcome" in out
    code, out, err = run(capsys, "outcomes", "show", outcome_id)
    assert code == 1 and err.strip() == f"partnerbot: no outcome {outcome_id} in this team"
    code, out, _ = run(capsys, "outcomes", "list")
    assert "No outcomes match." in out


@pytest.mark.parametrize(
    ("replace", "field"),
    [
        (("--factor", "champion-turnover", "--factor", "made-up-factor"), "factors"),
        (("--sector", "industry", "--sector", "hospital"), "sectors"),
        (("--status", "struggling", "--status", "fine"), "status"),
        (("--name", "Screening with Acme", "--name", ""), "name"),
    ],
)
def test_bad_input_is_one_line_naming_the_field_and_nothing_is_written(
    team_env: str, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str], replace: tuple[str, ...], field: str
) -> None:
    code, out, err = run(capsys, *LOG, *replace[2:])
    assert code == 2
    assert err.startswith(f"partnerbot: {field}: ") and err.count("\n") == 1
    assert "Traceback" not in err and out == ""
    assert count_outcomes(team_env, kb) == 0


def test_a_1_mb_lesson_from_a_file_is_refused(
    team_env: str, kb: KnowledgeBase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lesson = tmp_path / "lesson.txt"
    lesson.write_text("y" * 1_048_576, encoding="utf-8")
    argv = [arg for arg in LOG[: LOG.index("--lesson")]] + ["--lesson-file", str(lesson)]
    code, _, err = run(capsys, *argv)
    assert code == 2 and err.startswith("partnerbot: lesson: is too long (1048576 characters")
    assert count_outcomes(team_env, kb) == 0


def test_missing_flags_without_a_terminal_name_the_fields(
    team_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "outcomes", "log", "--name", "Half")
    assert code == 2
    assert "sectors: is required" in err and "region: is required" in err and "status: is required" in err


def test_export_import_round_trip_through_files(
    team_env: str,
    kb: KnowledgeBase,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(capsys, *LOG)
    run(capsys, *LOG[:3], "Second — ü", *LOG[4:])
    for fmt in ("csv", "json"):
        path = tmp_path / f"out.{fmt}"
        code, _, err = run(capsys, "outcomes", "export", "--format", fmt, "--output", str(path))
        assert code == 0 and "Exported 2 outcomes" in err
        assert not path.with_name(path.name + ".partial").exists()
        monkeypatch.setenv("PARTNERBOT_TEAM", f"T-{fmt}")
        get_settings.cache_clear()
        code, out, _ = run(capsys, "outcomes", "import", str(path))
        assert code == 0 and "Imported 2 outcomes." in out
        code, again, _ = run(capsys, "outcomes", "export", "--format", fmt)
        original = path.read_text(encoding="utf-8")
        if fmt == "json":
            strip = lambda text: [{k: v for k, v in row.items() if k != "id"} for row in json.loads(text)]
            assert strip(again) == strip(original)
        else:
            strip_csv = lambda text: [line.split(",", 1)[1] for line in text.splitlines()]
            assert strip_csv(again) == strip_csv(original)
        monkeypatch.setenv("PARTNERBOT_TEAM", "T-cli")
        get_settings.cache_clear()


def test_import_with_bad_rows_lists_them_and_imports_nothing(
    team_env: str, kb: KnowledgeBase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "name,sectors,region,status,factors\n"
        "Fine,nonprofit,other,ongoing,\n"
        "Wrong,nonprofit,other,ongoing,nope\n"
        "Worse,nonprofit,moon,ongoing,\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "outcomes", "import", str(path))
    assert code == 2
    assert "line 3: factors: unknown factor id 'nope'" in err
    assert "line 4: region: 'moon' is not a region" in err
    assert "2 bad rows; nothing imported" in err
    assert count_outcomes(team_env, kb) == 0
    code, out, err = run(capsys, "outcomes", "import", str(path), "--skip-invalid")
    assert code == 0 and "Imported 1 outcome, skipped 2 bad rows." in out
    assert count_outcomes(team_env, kb) == 1


def test_import_of_a_missing_file_or_unknown_format(
    team_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "outcomes", "import", str(tmp_path / "nope.csv"))
    assert code == 2 and "no such file" in err
    other = tmp_path / "data.txt"
    other.write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "outcomes", "import", str(other))
    assert code == 2 and "--format" in err


def test_stats_text_json_and_chart(team_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "outcomes", "stats")
    assert code == 0 and "No outcomes logged yet" in out
    code, _, err = run(capsys, "outcomes", "stats", "--chart", str(tmp_path / "empty.png"))
    assert code == 2 and "nothing to chart" in err

    run(capsys, *LOG)
    run(capsys, *LOG[:3], "Other", "--sector", "government", "--region", "other", "--status", "successful",
        "--factor", "shared-vision")  # fmt: skip
    code, out, _ = run(capsys, "outcomes", "stats")
    assert code == 0
    assert "Partnership outcomes logged by team T-cli: 2" in out
    assert "government                 1/2       50%" in out
    assert "two sectors                1/2       50%" in out
    struggling = out.split("struggling or failed partnerships")[1].split("successful partnerships")[0]
    assert "champion-turnover" in struggling and "shared-vision" not in struggling

    code, out, _ = run(capsys, "outcomes", "stats", "--json")
    figures = json.loads(out)
    assert figures["total"] == 2 and figures["spans"] == {"1": 1, "2": 1, "3": 0}

    chart = tmp_path / "stats.png"
    code, _, err = run(capsys, "outcomes", "stats", "--chart", str(chart))
    assert code == 0 and "Chart written" in err
    from matplotlib.image import imread

    image = imread(chart)
    assert image.shape[0] > 400 and image.shape[1] > 600
    assert image.std() > 0.05  # something was drawn, not a blank canvas

    code, _, err = run(capsys, "outcomes", "stats", "--chart", str(tmp_path / "stats.jpg"))
    assert code == 2 and ".png" in err


def test_interactive_questions_reask_only_what_was_wrong(db, kb: KnowledgeBase) -> None:  # type: ignore[no-untyped-def]
    answers = iter([
        "Screening pilot",          # name
        "Acme; City Clinic",        # partners
        "industry, hospital",       # sectors (bad)
        "eu-plus",                  # region
        "struggling",               # status
        "our champion left, lack-of-trust",  # factors: words and an id
        "First line", "Second line", "",  # lesson, ended by an empty line
        "y",                        # anonymous
        "industry, government",     # sectors again
    ])  # fmt: skip
    said: list[str] = []
    values = ask_outcome(OutcomeService(db, kb, "T1"), kb, {}, ask=lambda _: next(answers), say=said.append)
    assert values["sectors"] == "industry, government"
    assert values["lesson"] == "First line\nSecond line"
    assert values["anonymous"] is True
    assert any(line.startswith("  sectors: 'hospital' is not a sector") for line in said)
    record = OutcomeService(db, kb, "T1").log(values, user_id="me")
    assert record.partners == ["Acme", "City Clinic"]
    assert record.factors == ["champion-turnover", "lack-of-trust"]


def test_db_upgrade_and_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'p.db'}"
    code, out, _ = run(capsys, "db", "current", "--url", url)
    assert code == 1 and "none (empty)" in out
    code, out, _ = run(capsys, "db", "upgrade", "--url", url)
    assert code == 0 and f"upgraded from empty to {head_revision()}" in out
    code, out, _ = run(capsys, "db", "upgrade", "--url", url)
    assert code == 0 and "up to date" in out
    code, out, _ = run(capsys, "db", "current", "--url", url)
    assert code == 0 and "up to date" in out


def test_db_upgrade_of_an_unreachable_server_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "db", "upgrade", "--url", "postgresql+psycopg://u:pw@127.0.0.1:1/x?connect_timeout=2"
    )
    assert code == 2 and err.startswith("partnerbot: cannot open database") and err.count("\n") == 1
    assert ":pw@" not in err
