"""Export and import: a lossless round trip in both formats; bad rows reported by line, all or nothing."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from bot.kb.loader import KnowledgeBase
from bot.outcomes import FileFormatError, OutcomeImportError, OutcomeService
from bot.storage.db import Database, open_database
from bot.storage.interviews import InterviewRepository

TRICKY_LESSONS = [
    'Line one\nLine two\n\nAfter a blank line, with "quotes", commas, and a tab\tinside.',
    "Windows line breaks\r\nstay as they were\r\n— und Umlaute: äöü, 日本語, emoji 🤝",
    "=SUM(A1:A2) and a leading apostrophe ' are kept verbatim",
    "",
]


def seed(service: OutcomeService, interview_id: int | None = None) -> None:
    statuses = ["successful", "struggling", "failed", "potential-unexplored"]
    for index, lesson in enumerate(TRICKY_LESSONS):
        service.log(
            {
                "name": f'Partnership {index}: "quoted", comma, ü',
                "partners": ["Acme, Inc.", 'Zürich "Uni"'] if index % 2 == 0 else [],
                "sectors": ["nonprofit", "industry", "government"][: index % 3 + 1],
                "region": ["eu-plus", "asia-pacific", "north-america", "other"][index],
                "status": statuses[index],
                "factors": ["champion-turnover", "shared-vision"] if index != 3 else [],
                "lesson": lesson,
                "anonymous": index == 1,
                "interview_id": interview_id if index == 0 else None,
            },
            user_id=f"U{index}",
        )


def exported(service: OutcomeService, fmt: str, user_id: str | None = None) -> str:
    out = io.StringIO(newline="")
    service.export(out, fmt, user_id=user_id)  # type: ignore[arg-type]
    return out.getvalue()


def without_ids(text: str, fmt: str) -> list[dict[str, Any]]:
    rows = json.loads(text) if fmt == "json" else list(csv.DictReader(io.StringIO(text, newline="")))
    for row in rows:
        row.pop("id")
    return rows


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_round_trip_into_another_team_is_lossless(db: Database, kb: KnowledgeBase, fmt: str) -> None:
    source = OutcomeService(db, kb, "T1")
    seed(source)
    first = exported(source, fmt, user_id="U1")
    target = OutcomeService(db, kb, "T2")
    report = target.import_(first, fmt, user_id="importer")  # type: ignore[arg-type]
    assert report.imported == len(TRICKY_LESSONS) and report.problems == [] and report.warnings == []
    second = exported(target, fmt, user_id="U1")
    assert without_ids(second, fmt) == without_ids(first, fmt)
    lessons = sorted(record.lesson for record in target.list())
    assert lessons == sorted(TRICKY_LESSONS)
    assert [e.action for e in target.history(target.list()[0].id)] == ["imported"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_round_trip_into_a_fresh_database(db: Database, kb: KnowledgeBase, tmp_path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    source = OutcomeService(db, kb, "T1")
    seed(source)
    first = exported(source, fmt, user_id="U1")
    other = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        target = OutcomeService(other, kb, "T1")
        target.import_(first, fmt)  # type: ignore[arg-type]
        assert without_ids(exported(target, fmt, user_id="U1"), fmt) == without_ids(first, fmt)
    finally:
        other.dispose()


def test_an_interview_link_that_does_not_exist_here_is_dropped_with_a_note(
    db: Database, kb: KnowledgeBase
) -> None:
    interview = InterviewRepository(db).create(team_id="T1", user_id="U0", surface="dm", state={})
    source = OutcomeService(db, kb, "T1")
    seed(source, interview_id=interview.id)
    text = exported(source, "csv")
    again = OutcomeService(db, kb, "T1").import_(text, "csv")
    assert again.warnings == []  # same team: the link is kept
    report = OutcomeService(db, kb, "T2").import_(text, "csv")
    assert report.imported == len(TRICKY_LESSONS)
    assert len(report.warnings) == 1 and report.warnings[0].line == 2
    assert "interview_id" in str(report.warnings[0])
    assert all(record.interview_id is None for record in OutcomeService(db, kb, "T2").list())


def test_the_anonymised_logger_stays_hidden_after_an_import(db: Database, kb: KnowledgeBase) -> None:
    source = OutcomeService(db, kb, "T1")
    seed(source)
    OutcomeService(db, kb, "T2").import_(exported(source, "json", user_id="someone-else"), "json")
    anonymous = [r for r in OutcomeService(db, kb, "T2").list(user_id="U1") if r.anonymous]
    assert len(anonymous) == 1 and anonymous[0].logged_by is None


CSV_WITH_ERRORS = (
    "name,sectors,region,status,factors,lesson\n"
    'Good one,nonprofit,eu-plus,successful,shared-vision,"a lesson\nover two lines"\n'
    "Bad factor,industry,eu-plus,failed,not-a-factor,\n"
    ",government,other,struggling,,\n"
    "Good two,government,other,ongoing,,\n"
    "Bad sector,hospital,other,ongoing,,\n"
)


def test_csv_errors_are_reported_by_line_and_nothing_is_imported(db: Database, kb: KnowledgeBase) -> None:
    service = OutcomeService(db, kb, "T1")
    with pytest.raises(OutcomeImportError) as caught:
        service.import_(CSV_WITH_ERRORS, "csv")
    problems = [(p.line, p.message.split(":")[0]) for p in caught.value.report.problems]
    assert problems == [(4, "factors"), (5, "name"), (7, "sectors")]
    assert "not-a-factor" in caught.value.report.problems[0].message
    assert service.count() == 0


def test_skip_invalid_imports_the_good_rows(db: Database, kb: KnowledgeBase) -> None:
    service = OutcomeService(db, kb, "T1")
    report = service.import_(CSV_WITH_ERRORS, "csv", skip_invalid=True, user_id="me")
    assert report.imported == 2 and report.skipped == 3
    assert sorted(r.name for r in service.list()) == ["Good one", "Good two"]
    assert all(r.logged_by == "me" for r in service.list(user_id="me"))  # no logged_by column: the importer


def test_json_errors_are_reported_by_the_line_each_object_starts_on(db: Database, kb: KnowledgeBase) -> None:
    rows = [
        {"name": "Good", "sectors": ["nonprofit"], "region": "other", "status": "ongoing"},
        {
            "name": "Huge",
            "sectors": ["nonprofit"],
            "region": "other",
            "status": "ongoing",
            "lesson": "x" * 1_048_576,
        },
        {"name": "Odd", "sectors": ["nonprofit"], "region": "other", "status": "done", "extra": 1},
    ]
    text = json.dumps(rows, indent=2)
    service = OutcomeService(db, kb, "T1")
    with pytest.raises(OutcomeImportError) as caught:
        service.import_(text, "json")
    lines = text.splitlines()
    starts = [number for number, line in enumerate(lines, start=1) if line == "  {"]
    report = caught.value.report
    assert [p.line for p in report.problems] == starts[1:]
    assert report.problems[0].message.startswith("lesson: is too long")
    assert (
        "status:" in report.problems[1].message
        and "extra: is not a known field" in report.problems[1].message
    )
    assert service.count() == 0


@pytest.mark.parametrize(
    ("text", "fmt", "line", "words"),
    [
        ("name,colour\nX,blue\n", "csv", 1, "unknown column 'colour'"),
        ('[{"name": "A"},\n {"name": "B"\n', "json", 2, "not valid JSON"),
        ('{"name": "A"}', "json", 1, "expected a JSON array"),
        ('[{"name": "A"}, 3]', "json", 1, "expected an object"),
        ("name,sectors\nA,nonprofit,extra\n", "csv", 2, "expected 2 cells"),
    ],
)
def test_unreadable_files_name_the_line(
    db: Database, kb: KnowledgeBase, text: str, fmt: str, line: int, words: str
) -> None:
    service = OutcomeService(db, kb, "T1")
    with pytest.raises(FileFormatError) as caught:
        service.import_(text, fmt)  # type: ignore[arg-type]
    assert caught.value.line == line and words in str(caught.value)
    assert service.count() == 0


def test_empty_files_import_nothing(db: Database, kb: KnowledgeBase) -> None:
    service = OutcomeService(db, kb, "T1")
    assert service.import_("", "csv").imported == 0
    assert service.import_("[]", "json").imported == 0
    assert exported(service, "json") == "[]\n"
    assert service.import_(exported(service, "csv"), "csv").imported == 0


def test_a_spreadsheet_bom_is_ignored(db: Database, kb: KnowledgeBase) -> None:
    service = OutcomeService(db, kb, "T1")
    report = service.import_("\ufeffname,sectors,region,status\nA,nonprofit,other,ongoing\n", "csv")
    assert report.imported == 1
