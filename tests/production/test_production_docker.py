"""The Dockerfile and compose file: no Docker engine runs here, so their key facts are checked as text,
and the one shell step that reads pyproject.toml is run for real."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from bot.slack.server import GRACEFUL_TIMEOUT_S, HEALTH_PATH

REPO = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per Dockerfile instruction, continuation lines joined, comments dropped."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_the_image_runs_slim_python_as_a_non_root_user() -> None:
    stage = final_stage()
    base = stage[0][1]
    assert re.fullmatch(r"python:3\.1[1-9]-slim", base), base
    users = [args for keyword, args in stage if keyword == "USER"]
    assert users and users[-1] not in {"root", "0"}
    keywords = [keyword for keyword, _ in stage]
    assert keywords.index("USER") > keywords.index("COPY"), "files are copied in before dropping root"
    assert any("useradd" in args and users[-1] in args for keyword, args in stage if keyword == "RUN")


def test_dependencies_have_their_own_layer_before_the_code() -> None:
    steps = instructions()
    copies = [(i, args) for i, (keyword, args) in enumerate(steps) if keyword == "COPY"]
    pyproject = next(i for i, args in copies if args.startswith("pyproject.toml"))
    code = next(i for i, args in copies if args.startswith("bot"))
    install = next(i for i, (keyword, args) in enumerate(steps) if keyword == "RUN" and "-r requirements.txt" in args)
    assert pyproject < install < code


def test_the_dependency_step_really_reads_pyproject(tmp_path: Path) -> None:
    run = next(args for keyword, args in instructions() if keyword == "RUN" and "requirements.txt" in args)
    extract = run.split(" && ")[0]
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    subprocess.run(["sh", "-c", extract], cwd=tmp_path, check=True, timeout=60)
    wanted = (tmp_path / "requirements.txt").read_text(encoding="utf-8").split()
    assert any(line.startswith("slack-bolt") for line in wanted)
    assert any(line.startswith("psycopg") for line in wanted), "PostgreSQL support is in the image"


def test_health_check_port_and_default_command() -> None:
    stage = dict(final_stage())
    assert HEALTH_PATH in stage["HEALTHCHECK"] and "--interval" in stage["HEALTHCHECK"]
    command = json.loads(stage["CMD"])
    assert command[:2] == ["partnerbot", "serve"]
    port = command[command.index("--port") + 1]
    assert stage["EXPOSE"] == port and f"127.0.0.1:{port}{HEALTH_PATH}" in stage["HEALTHCHECK"]
    assert stage["STOPSIGNAL"] == "SIGTERM"


def test_compose_runs_the_bot_against_its_postgresql() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"bot", "db"}
    db, bot = services["db"], services["bot"]
    assert db["image"].startswith("postgres:") and "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["build"] == "." and bot["depends_on"]["db"]["condition"] == "service_healthy"
    env = bot["environment"]
    assert env["DATABASE_URL"].startswith("postgresql+psycopg://") and "@db:5432/" in env["DATABASE_URL"]
    assert db["environment"]["POSTGRES_DB"] in env["DATABASE_URL"]
    for secret in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        assert env[secret].startswith(f"${{{secret}:?"), f"{secret} comes from the environment and is required"
    assert int(bot["stop_grace_period"].rstrip("s")) > GRACEFUL_TIMEOUT_S, "room to finish work in flight"


def test_secrets_and_local_data_stay_out_of_the_build_context() -> None:
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".env", ".git", "*.db"):
        assert entry in ignored
