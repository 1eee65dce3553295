"""End-to-end interviews through the terminal front end: stdin in, stdout out, a real database."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data" / "interviews"
TEAM = "T-terminal-test"

DESCRIPTION = (
    "Our diabetes charity is exploring a patient-education programme paid for by an insulin maker. "
    "Some trustees worry about the company's name on our leaflets."
)
# One line per question for an exploring nonprofit + industry partnership, in the order they are asked.
FULL_RUN = [
    DESCRIPTION,
    "2",            # stage: exploring
    "1,2",          # sectors: nonprofit, industry
    "2",            # history: know each other
    "3",            # goals: neutral
    "4",            # benefits: agree
    "3",            # funding: first phase only, nothing after
    "1",            # leadership: every side
    "1",            # people: lead and deputy
    "2",            # governance: informal
    "1",            # data: none
    "5",            # commercial: staff, patients or board worried
    "2",            # stakeholders: consulted
    "2",            # measures: ideas
    "1,3",          # working: pilot first, regular contact
    "6",            # holding back: nothing
]


def _answer(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def test_a_whole_interview_typed_in_the_terminal(run_cli, repository):
    done = run_cli(["chat"], _answer(FULL_RUN))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Question 1 of about" in out and "Question 16 of about" in out
    assert "What stage is the partnership at?" in out
    assert "How do the company's commercial interests sit" in out
    report = out[out.index("Partnership advice"):]
    assert "Suggested decision: Go ahead with adjustments" in report
    assert "1. Conflict of interest (serious)" in report
    assert "Why: You answered “Staff, patients or the board are worried about it”" in report
    assert "No sustainability plan" in report
    assert "Lesson (Illustrative composite)" in report
    assert "Sector view: nonprofit + industry" in report
    assert "not a verdict" in report
    assert "Traceback" not in done.stderr

    stored = repository.latest_open(TEAM, "tester", surface="terminal")
    assert stored is None  # finished, not open
    from bot.storage.advice import AdviceRepository
    from bot.storage.interviews import InterviewRepository

    assert isinstance(repository, InterviewRepository)
    record = repository.get(TEAM, 1)
    assert record.status == "finished" and record.surface == "terminal" and record.user_id == "tester"
    assert record.state["answers"]["stage"]["value"] == "exploring"
    advice = AdviceRepository(repository.db).for_interview(TEAM, 1)
    assert advice and advice[-1].hits[0].id == "conflict-of-interest"


def test_an_invalid_answer_is_refused_and_the_question_asked_again(run_cli):
    done = run_cli(["chat"], _answer([DESCRIPTION, "9", "sideways", "2"]))
    assert "'9' is not one of the options. Type a number from 1 to 4" in done.stdout
    assert "'sideways' is not one of the options" in done.stdout
    assert done.stdout.count("What stage is the partnership at?") == 3
    assert "Which sectors are involved" in done.stdout


def test_an_empty_description_is_refused(run_cli):
    done = run_cli(["chat"], _answer(["", "skip", DESCRIPTION]))
    assert "Please type an answer" in done.stdout
    assert "cannot be skipped" in done.stdout
    assert "What stage is the partnership at?" in done.stdout


def test_back_skip_dont_know_and_help_while_typing(run_cli, repository):
    done = run_cli(["chat"], _answer([DESCRIPTION, "help", "back", DESCRIPTION, "2", "1", "back", "1,2", "skip", "?", "6"]))
    out = done.stdout
    assert "go back to the previous question" in out  # help
    assert "This is the first question" not in out
    assert out.count("Describe the partnership in a few sentences") == 2  # back from the stage question
    assert out.count("Which sectors are involved") == 2  # back from the history question
    record = repository.latest_open(TEAM, "tester", surface="terminal")
    answers = record.state["answers"]
    assert answers["sectors"]["value"] == ["nonprofit", "industry"]
    assert answers["history"]["status"] == "skipped"
    assert answers["goals"]["status"] == "dont_know"
    assert answers["benefits"]["status"] == "dont_know"


def test_end_of_input_saves_and_resume_carries_on(run_cli, repository):
    first = run_cli(["chat"], _answer([DESCRIPTION, "2", "1,2", "2"]))
    assert first.returncode == 0
    assert "Your answers are saved. Continue later with: partnerbot chat --resume" in first.stdout
    assert repository.latest_open(TEAM, "tester", surface="terminal").state["history"] == [
        "purpose", "stage", "sectors", "history",
    ]

    resumed = run_cli(["chat", "--resume"], _answer(FULL_RUN[4:]))
    assert resumed.returncode == 0, resumed.stderr
    assert "Welcome back" in resumed.stdout and "(4 answers so far)" in resumed.stdout
    after_welcome = resumed.stdout[resumed.stdout.index("Welcome back"):]
    assert after_welcome.index("Both sides want the same outcome") < after_welcome.index("How is the work funded")
    assert "What stage is the partnership at?" not in resumed.stdout
    assert "Stage: exploring · Sectors: nonprofit, industry" in resumed.stdout
    assert "Suggested decision: Go ahead with adjustments" in resumed.stdout
    assert repository.latest_open(TEAM, "tester", surface="terminal") is None


def test_a_killed_chat_resumes_at_the_question_it_was_on(start_chat):
    chat = start_chat()
    chat.wait_for("Question 1 of about")
    for line, next_header in zip(FULL_RUN[:5], ("Question 2 ", "Question 3 ", "Question 4 ", "Question 5 ", "Question 6 ")):
        chat.type(line)
        chat.wait_for(next_header)
    chat.proc.kill()  # no chance to clean up: like a closed laptop or a lost connection
    chat.proc.wait()

    again = start_chat("--resume")
    assert "(5 answers so far)" in again.wait_for("Welcome back")
    assert "Question 6 of about" in again.wait_for("Question 6 ")
    assert "Each partner brings something" in again.wait_for("Each partner brings")
    for line in FULL_RUN[5:]:
        again.type(line)
    code, out, err = again.close_input()
    assert code == 0, err
    assert "Stage: exploring" in out and "1. Conflict of interest (serious)" in out


def test_ctrl_c_saves_and_says_how_to_continue(start_chat, repository):
    chat = start_chat()
    chat.wait_for("Question 1 of about")
    chat.type(DESCRIPTION)
    chat.wait_for("Question 2 ")
    chat.type("4")
    chat.wait_for("Question 3 ")
    chat.proc.send_signal(signal.SIGINT)
    code, out, err = chat.close_input()
    assert code == 130
    assert "Your answers are saved" in out
    assert "Traceback" not in err
    assert repository.latest_open(TEAM, "tester", surface="terminal").state["answers"]["stage"]["value"] == "running"


def test_leaving_before_answering_saves_nothing(run_cli, repository):
    done = run_cli(["chat"], "quit\n")
    assert done.returncode == 0
    assert "Nothing was answered yet" in done.stdout
    assert repository.latest_open(TEAM, "tester") is None


def test_resume_with_nothing_to_resume_is_one_clear_line(run_cli):
    done = run_cli(["chat", "--resume"])
    assert done.returncode == 2
    assert done.stderr.strip() == "partnerbot: there is no unfinished interview to resume; start one with: partnerbot chat"


def test_a_new_chat_mentions_the_unfinished_one(run_cli):
    run_cli(["chat"], _answer([DESCRIPTION, "1"]))
    again = run_cli(["chat"], "")
    assert "You have an unfinished interview" in again.stdout
    assert "partnerbot chat --resume" in again.stdout


def test_restart_after_confirming_starts_over(run_cli, repository):
    done = run_cli(["chat"], _answer([DESCRIPTION, "2", "restart", "no", "restart", "yes", "A new idea entirely.", "1"]))
    assert "Carrying on where you were." in done.stdout
    assert done.stdout.count("Let's think this partnership through.") == 2
    record = repository.latest_open(TEAM, "tester", surface="terminal")
    assert record.state["answers"]["purpose"]["value"] == "A new idea entirely."
    assert record.state["answers"]["stage"]["value"] == "idea"
    assert repository.get(TEAM, 1).status == "abandoned"


def test_done_shows_advice_for_the_answers_so_far(run_cli):
    done = run_cli(["chat", "--format", "md"], _answer([DESCRIPTION, "1", "2", "done"]))
    assert "# Partnership advice" in done.stdout
    assert "## Suggested decision: Explore further" in done.stdout
    assert "(not asked)" in done.stdout


def test_a_confirmation_is_offered_when_the_description_is_clear(run_cli):
    text = "Our grant only covers the first year. The funding runs out next June and nothing is lined up after that."
    done = run_cli(["chat"], _answer([text, "2", "1", "2", "4", "4", "yes"]))
    assert "It sounds like" in done.stdout and "Is that right?" in done.stdout
    assert "Type yes, no or not sure." in done.stdout


def test_answers_file_prints_the_report(run_cli):
    done = run_cli(["chat", "--answers", str(DATA / "hospital-council-falls.yaml")])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("Partnership advice") and "Suggested decision: Go ahead" in done.stdout


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
def test_answers_file_formats(capsys, fmt):
    from bot.cli import main

    assert main(["chat", "--answers", str(DATA / "hospital-council-falls.yaml"), "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out)["decision"]["status"] == "go-ahead"
    elif fmt == "md":
        assert out.startswith("# Partnership advice") and "## Suggested decision: Go ahead" in out
    else:
        assert out.startswith("Partnership advice") and "Suggested decision: Go ahead" in out


def test_answers_file_runs_store_nothing(run_cli, repository):
    run_cli(["chat", "--answers", str(DATA / "medtech-idea-no-partner.yaml")])
    assert repository.get(TEAM, 1) is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("answers: {stage: sideways}\ndescription: d\n", "question 'stage': 'sideways' is not one of the options"),
        ("answers: {stge: idea}\n", "no question 'stge'"),
        ("answers: [\n", "bad YAML"),
    ],
)
def test_a_bad_answers_file_is_one_line_and_no_report(capsys, tmp_path, content, message):
    from bot.cli import main

    path = tmp_path / "answers.yaml"
    path.write_text(content, encoding="utf-8")
    assert main(["chat", "--answers", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    assert err.startswith("partnerbot: ")


def test_answers_file_notes_skipped_questions_on_stderr(capsys, tmp_path):
    from bot.cli import main

    path = tmp_path / "answers.yaml"
    path.write_text("description: A small idea.\nanswers: {stage: idea, sectors: [nonprofit]}\n", encoding="utf-8")
    assert main(["chat", "--answers", str(path), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert "note: no answer for 'goals'; skipped" in err
    assert json.loads(out)["decision"]["status"] == "explore-further"


def test_plain_partnerbot_without_slack_starts_the_terminal_chat(run_cli):
    done = run_cli([], _answer([DESCRIPTION]))
    assert done.returncode == 0
    assert done.stderr.count("\n") == 1 and "Slack is not connected" in done.stderr
    assert "SLACK_BOT_TOKEN" in done.stderr
    assert "Let's think this partnership through." in done.stdout
    assert "Your answers are saved" in done.stdout


def test_an_unusable_database_is_one_clear_line(run_cli, chat_env, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    env = {**chat_env, "DATABASE_URL": f"sqlite:///{blocker / 'db.sqlite'}"}
    done = run_cli(["chat"], _answer([DESCRIPTION]), env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("partnerbot: ") and "Traceback" not in done.stderr
