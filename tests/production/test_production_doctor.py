"""`partnerbot doctor`: every problem a deployment can have, each with how to fix it; exit code 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_slack_api import FakeSlackAPI
from slack_setup import BOT_TOKEN, SIGNING_SECRET

from bot.cli import main
from bot.storage.db import open_database


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_slack: FakeSlackAPI):
    """A deployment's settings in the environment, run from an empty folder (no stray .env)."""
    monkeypatch.chdir(tmp_path)
    values = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url,
              "DATABASE_URL": f"sqlite:///{tmp_path / 'doctor.db'}"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def doctor(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["doctor", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_healthy_deployment_passes_every_check(environment, capsys, fake_slack: FakeSlackAPI) -> None:
    open_database(environment["DATABASE_URL"]).dispose()  # migrated
    code, out = doctor(capsys)
    assert code == 0, out
    assert out.count("ok   ") == 4 and "No problems found." in out
    assert "workspace Example (T0TEAM001)" in out
    assert [call.method for call in fake_slack.calls] == ["auth.test"]


def test_every_problem_is_listed_with_its_fix_and_no_secret(environment, capsys, fake_slack: FakeSlackAPI,
                                                            monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "team-knowledge" / "factors"
    broken.mkdir(parents=True)
    (broken / "oops.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("PARTNERBOT_KNOWLEDGE_DIR", str(broken.parent))
    monkeypatch.delenv("SLACK_SIGNING_SECRET")
    fake_slack.fail("auth.test", "invalid_auth")

    code, out = doctor(capsys)
    assert code == 1
    failures = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert [line.split(":")[0] for line in failures] == ["FAIL database", "FAIL knowledge base", "FAIL slack",
                                                         "FAIL slack auth.test"]
    assert out.count("     fix: ") == 4 and "4 problems found." in out
    assert "partnerbot db upgrade" in out and "oops.yaml" in out and "invalid_auth" in out
    assert BOT_TOKEN not in out and SIGNING_SECRET not in out
    assert not (tmp_path / "doctor.db").exists(), "the doctor looks; it does not create a database"


def test_an_unreachable_server_and_slack_are_reported(environment, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    code, out = doctor(capsys)
    assert code == 1
    assert "FAIL database: cannot open database" in out and "FAIL slack auth.test: cannot reach" in out


def test_a_malformed_setting_is_named(environment, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "hunter2")
    code, out = doctor(capsys)
    assert code == 1 and "FAIL settings: setting SLACK_BOT_TOKEN is invalid" in out and "hunter2" not in out


def test_a_terminal_only_install_can_skip_slack(environment, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    open_database(environment["DATABASE_URL"]).dispose()
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    assert doctor(capsys)[0] == 1
    code, out = doctor(capsys, "--skip-slack")
    assert code == 0 and "slack" not in out
