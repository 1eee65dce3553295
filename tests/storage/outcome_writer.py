"""A separate process that logs outcomes one after another until it is killed (used by the crash tests).

Usage: python outcome_writer.py DATABASE_URL TEAM [HANG_AT]
Prints "committed ID" after each outcome is committed. With HANG_AT=n, the n-th outcome's main row is
sent to the database (its sectors, factors and audit entry not yet), then the process prints
"in-flight" and sleeps: the parent kills it there, in the middle of a write.
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import Engine, event

from bot.kb.loader import get_knowledge
from bot.outcomes import OutcomeService
from bot.storage.db import open_database


def main() -> None:
    url, team = sys.argv[1:3]
    hang_at = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    db = open_database(url, migrate=False)
    service = OutcomeService(db, get_knowledge(), team)
    written = 0

    @event.listens_for(Engine, "after_cursor_execute")
    def _maybe_hang(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if hang_at and written + 1 == hang_at and statement.startswith("INSERT INTO outcomes "):
            print("in-flight", flush=True)
            time.sleep(3600)

    while True:
        record = service.log(
            {
                "name": f"Outcome {written + 1}",
                "partners": ["Acme", "City Clinic"],
                "sectors": ["nonprofit", "industry"],
                "region": "other",
                "status": "struggling",
                "factors": ["champion-turnover", "lack-of-trust", "shared-vision"],
                "lesson": "A lesson that takes a little room. " * 50,
            },
            user_id="writer",
        )
        written += 1
        print(f"committed {record.id}", flush=True)


if __name__ == "__main__":
    main()
