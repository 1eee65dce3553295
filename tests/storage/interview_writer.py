"""A separate process that appends answers to one interview (used by the concurrency tests).

Usage: python interview_writer.py DATABASE_URL TEAM INTERVIEW_ID NAME COUNT
Waits for a line on standard input (so several writers start together), then appends COUNT answers
through `InterviewRepository.update`, and prints how many conflicts it had to retry.
"""

from __future__ import annotations

import sys

from bot.storage.db import open_database
from bot.storage.interviews import InterviewRecord, InterviewRepository


def main() -> None:
    url, team, interview_id, name, count = sys.argv[1:6]
    db = open_database(url, migrate=False)
    repo = InterviewRepository(db)
    conflicts = 0
    print("ready", flush=True)
    sys.stdin.readline()
    for number in range(int(count)):
        attempts = 0

        def add(record: InterviewRecord, answer: str = f"{name}-{number}") -> dict:
            nonlocal attempts
            attempts += 1
            return {"answers": [*record.state["answers"], answer]}

        repo.update(team, int(interview_id), add, attempts=1000)
        conflicts += attempts - 1
    db.dispose()
    print(f"conflicts {conflicts}", flush=True)


if __name__ == "__main__":
    main()
