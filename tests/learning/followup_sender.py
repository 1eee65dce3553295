"""A separate app process sending follow-ups, for the exactly-once test.

Usage: python followup_sender.py DATABASE_URL SLACK_API_URL
Prints "ready", waits for "go" on standard input, runs one scheduler round (claiming one follow-up at a
time, so two processes interleave), prints "sent N" and exits.
"""

from __future__ import annotations

import sys

from bot.followups import FollowupScheduler
from bot.kb.loader import get_knowledge
from bot.settings import load_settings
from bot.slack.followups import SlackFollowupSender, followup_client
from bot.storage.db import open_database


def main() -> None:
    database_url, api_url = sys.argv[1:3]
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-1111-2222-test-token-never-logged",
        slack_api_url=api_url,
        database_url=database_url,
    )
    db = open_database(database_url, migrate=False)
    sender = SlackFollowupSender(
        followup_client(settings), db, get_knowledge(), followup_days=settings.followup_days
    )
    scheduler = FollowupScheduler(db, sender, followup_days=settings.followup_days, batch=1)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    summary = scheduler.run_once()
    print(f"sent {summary.sent}", flush=True)
    db.dispose()


if __name__ == "__main__":
    main()
