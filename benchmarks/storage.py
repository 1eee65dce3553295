"""Storage figures: outcome writes per second, and `list` / `stats` latency with 100,000 logged outcomes.

    python benchmarks/storage.py                      # SQLite, and PostgreSQL when it answers
    python benchmarks/storage.py --backend sqlite --outcomes 20000
    python benchmarks/storage.py --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test

PostgreSQL runs in a schema of its own that is dropped at the end. Target: `stats` <= 1 s on either.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from bot.kb.loader import get_knowledge
from bot.outcomes import OutcomeIn, OutcomeService
from bot.outcomes.repository import NewOutcome
from bot.storage.db import open_database
from bot.storage.types import utcnow

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
STATUSES = ["successful", "struggling", "failed", "potential-unexplored", "potential-undeveloped", "ongoing"]
SECTORS = ["nonprofit", "industry", "government"]
REGIONS = ["asia-pacific", "eu-plus", "north-america", "other"]
WORDS = [
    "partner",
    "trust",
    "funding",
    "board",
    "pilot",
    "clinic",
    "data",
    "agreement",
    "champion",
    "community",
    "screening",
    "grant",
]


def fake_outcome(rng: random.Random, factor_ids: list[str], number: int) -> dict[str, object]:
    return {
        "name": f"Partnership {number} {rng.choice(WORDS)} {rng.choice(WORDS)}",
        "partners": [f"Org {rng.randrange(5000)}" for _ in range(rng.randrange(0, 3))],
        "sectors": rng.sample(SECTORS, rng.choice([1, 1, 2, 2, 2, 3])),
        "region": rng.choice(REGIONS),
        "status": rng.choice(STATUSES),
        "factors": rng.sample(factor_ids, rng.randrange(0, 6)),
        "lesson": " ".join(rng.choice(WORDS) for _ in range(rng.randrange(20, 80))),
    }


def timed(action: Callable[[], object], repeat: int = 5) -> float:
    """Median seconds over `repeat` runs (after one warm-up)."""
    action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def postgres_url(base: str) -> Iterator[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    libpq = make_url(base).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            url = (
                make_url(base)
                .set(drivername="postgresql+psycopg")
                .update_query_dict({"options": f"-csearch_path={schema}"})
            )
            yield url.render_as_string(hide_password=False)
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def postgres_reachable(url: str) -> str | None:
    try:
        import psycopg
        from sqlalchemy.engine import make_url

        libpq = make_url(url).set(drivername="postgresql", query={}).render_as_string(hide_password=False)
        psycopg.connect(libpq, connect_timeout=3).close()
        return None
    except Exception as exc:  # noqa: BLE001  (any failure just means: skip this backend)
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def bench(name: str, url: str, outcomes: int, single: int) -> None:
    kb = get_knowledge()
    factor_ids = sorted(kb.factors)
    rng = random.Random(1470)
    db = open_database(url)
    service = OutcomeService(db, kb, "bench-team")
    neighbour = OutcomeService(db, kb, "other-team")
    print(f"\n== {name}: {db.display_url}")

    start = time.perf_counter()
    for number in range(single):
        service.log(fake_outcome(rng, factor_ids, number), user_id="bench")
    elapsed = time.perf_counter() - start
    print(
        f"single writes (service.log, one transaction each): {single / elapsed:8.0f} outcomes/s  ({single} in {elapsed:.2f} s)"
    )

    def batch(size: int, first: int) -> list[NewOutcome]:
        now = utcnow()
        items = []
        for number in range(first, first + size):
            data = OutcomeIn.model_validate(fake_outcome(rng, factor_ids, number), context={"kb": kb})
            logged = now - timedelta(minutes=number)
            items.append(NewOutcome(data, "bench", logged, logged))
        return items

    start = time.perf_counter()
    remaining, number = outcomes - single, single
    while remaining > 0:
        size = min(5000, remaining)
        service.repo.insert(batch(size, number), actor="bench", action="imported")
        remaining -= size
        number += size
    neighbour.repo.insert(batch(10_000, 0), actor="bench", action="imported")
    elapsed = time.perf_counter() - start
    print(
        f"bulk writes (import path, 1000 rows per statement):  {(outcomes - single + 10_000) / elapsed:8.0f} outcomes/s"
    )
    if db.dialect == "postgresql":
        # What autovacuum does by itself shortly after a bulk load; without it the planner still
        # believes the tables are empty.
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    print(f"outcomes in the team: {service.count():,} (plus 10,000 in another team)")

    cases: list[tuple[str, Callable[[], object]]] = [
        ("list (newest 50)", lambda: service.list()),
        ("list --status failed", lambda: service.list(status="failed")),
        ("list --sector government", lambda: service.list(sector="government")),
        ("list --factor champion-turnover", lambda: service.list(factor="champion-turnover")),
        ("list --search 'clinic pilot'", lambda: service.list(text="clinic pilot")),
        ("list --search (no match)", lambda: service.list(text="no such words anywhere")),
        ("count (all)", lambda: service.count()),
        ("stats", lambda: service.stats()),
    ]
    for label, action in cases:
        seconds = timed(action)
        flag = "  <= 1 s target" if label == "stats" else ""
        if label == "stats" and seconds > 1.0:
            flag = "  OVER the 1 s target"
        print(f"{label:<34} {seconds * 1000:9.1f} ms{flag}")
    db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--outcomes", type=int, default=100_000, help="outcomes in the measured team")
    parser.add_argument("--single", type=int, default=500, help="how many to write one at a time")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; {args.outcomes:,} outcomes; {args.single} single writes")
    if args.backend in {"sqlite", "all"}:
        with sqlite_url() as url:
            bench("SQLite", url, args.outcomes, args.single)
    if args.backend in {"postgresql", "all"}:
        problem = postgres_reachable(args.postgres_url)
        if problem:
            print(f"\n== PostgreSQL: not reachable ({problem}); skipped")
            return 0 if args.backend == "all" else 1
        with postgres_url(args.postgres_url) as url:
            bench("PostgreSQL", url, args.outcomes, args.single)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
