"""`partnerbot followups`: the follow-ups that ask how a partnership is going, some days after advice.

    partnerbot followups                  list the follow-ups that are due now (every team; --team narrows)
    partnerbot followups --all            every follow-up, whatever became of it
    partnerbot followups send             send the due ones in Slack now, each once (the server does this
                                          by itself every minute; this is for cron or a manual nudge)
    partnerbot followups decline ID       stop asking about the partnership of follow-up ID

Follow-ups of interviews held in the terminal cannot be messaged; they are listed here instead, and
stop once an outcome is logged with `partnerbot outcomes log --interview N`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bot.cli import CliError

if TYPE_CHECKING:
    from bot.followups import Followup
    from bot.storage.db import Database

TITLE_WIDTH = 48


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "followups",
        help="follow-ups that ask how a partnership is going",
        description=(
            "Some days after advice (PARTNERBOT_FOLLOWUP_DAYS, default 90) the bot asks in a Slack DM how "
            "the partnership is going. Lists what is due; 'send' sends it."
        ),
    )
    parser.add_argument("--team", help="only this team (default: every team)")
    parser.add_argument("--all", action="store_true", help="every follow-up, not only the ones due now")
    parser.add_argument("--limit", type=int, default=200, help="how many to list (default 200)")
    parser.set_defaults(handler=run_list)
    actions = parser.add_subparsers(dest="followups_command", metavar="ACTION")
    send = actions.add_parser("send", help="send the due follow-ups now, each once")
    send.set_defaults(handler=run_send)
    decline = actions.add_parser("decline", help="stop the follow-ups about one partnership")
    decline.add_argument("id", type=int, help="a follow-up id from the list")
    decline.add_argument("--team", dest="decline_team", help="its team (default: PARTNERBOT_TEAM)")
    decline.set_defaults(handler=run_decline)


@contextmanager
def _database() -> Iterator[Database]:
    from bot.settings import get_settings
    from bot.storage import StorageError, open_database

    try:
        db = open_database(get_settings().database_url)
    except StorageError as exc:
        raise CliError(str(exc)) from None
    try:
        yield db
    except StorageError as exc:
        raise CliError(str(exc)) from None
    finally:
        db.dispose()


def run_list(args: argparse.Namespace) -> int:
    from bot.followups import FollowupRepository

    if not 1 <= args.limit <= 10_000:
        raise CliError("--limit: must be between 1 and 10000")
    with _database() as db:
        repo = FollowupRepository(db)
        listed = repo.list(team_id=args.team, due_only=not args.all, limit=args.limit)
        total = repo.count(team_id=args.team, due_only=not args.all)
    print(render_followups(listed, total, due_only=not args.all))
    return 0


def render_followups(listed: list[Followup], total: int, *, due_only: bool) -> str:
    if not listed:
        return (
            "No follow-ups are due." if due_only else "No follow-ups yet: they are made when advice is given."
        )
    lines = [
        f"{'ID':>5}  {'TEAM':<12} {'PERSON':<14} {'WHERE':<9} {'ASK':>3}  {'DUE':<10}  "
        f"{'STATUS':<9} PARTNERSHIP"
    ]
    for item in listed:
        title = item.title or "(no description)"
        title = title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1] + "…"
        lines.append(
            f"{item.id:>5}  {item.team_id[:12]:<12} {item.user_id[:14]:<14} {item.surface:<9} {item.ask:>3}  "
            f"{item.due_at:%Y-%m-%d}  {item.status:<9} {title}"
        )
    if total > len(listed):
        lines.append(f"Showing {len(listed)} of {total}; --limit shows more.")
    if due_only and any(item.surface == "terminal" for item in listed):
        lines.append(
            "Terminal interviews are not messaged: log how it went with "
            "`partnerbot outcomes log --interview N`, or stop asking with `partnerbot followups decline ID`."
        )
    return "\n".join(lines)


def run_send(args: argparse.Namespace) -> int:
    from bot.kb.loader import get_knowledge
    from bot.settings import get_settings
    from bot.slack.followups import followup_scheduler

    settings = get_settings()
    if settings.slack_bot_token is None:
        raise CliError("setting SLACK_BOT_TOKEN is missing: follow-ups are sent as Slack DMs")
    kb = get_knowledge(settings.knowledge_dir)
    with _database() as db:
        summary = followup_scheduler(settings, db, kb).run_once()
    print(f"Follow-ups: {summary}.")
    return 0


def run_decline(args: argparse.Namespace) -> int:
    from bot.followups import FollowupRepository
    from bot.settings import get_settings

    team = args.decline_team or get_settings().team_id
    with _database() as db:
        repo = FollowupRepository(db)
        followup = repo.get(team, args.id)
        if followup is None:
            raise CliError(f"no follow-up {args.id} in team {team}", exit_code=1)
        cancelled = repo.decline(team, followup.interview_id)
    print(
        f"No more follow-ups about interview {followup.interview_id} "
        f"({cancelled} waiting ask{'s' if cancelled != 1 else ''} cancelled)."
    )
    return 0
