"""Opening the database: one engine per process, tuned per backend, migrated to the newest schema.

SQLite (the default, a file in the user's data folder) runs in WAL mode with foreign keys on, so readers
never block the writer and a killed process leaves at most its own unfinished transaction behind.
PostgreSQL connections are checked before use so a restarted server does not surface as an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import NullPool, StaticPool
from sqlmodel import Session

from bot.storage.errors import DatabaseUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30
# Any fixed number: every process that migrates a PostgreSQL database takes this lock first.
_MIGRATION_LOCK_KEY = 7_341_902_118


class Database:
    """A SQLAlchemy engine plus a unit-of-work helper; share one per process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back when it raises."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def upgrade(self, revision: str = "head") -> None:
        if self.dialect == "sqlite" and _is_memory(self.engine.url):
            _migrate(self.engine, command.upgrade, revision)
        else:
            upgrade_database(self.engine.url, revision)

    def downgrade(self, revision: str) -> None:
        """Step the schema back (data kept where the older schema can hold it)."""
        engine = (
            self.engine
            if self.dialect == "sqlite" and _is_memory(self.engine.url)
            else _migration_engine(self.engine.url)
        )
        try:
            _migrate(engine, command.downgrade, revision)
        finally:
            if engine is not self.engine:
                engine.dispose()

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.display_url!r})"


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def open_database(url: str | None = None, *, migrate: bool = True) -> Database:
    """Connect (creating the SQLite file's folder if needed) and, unless told not to, migrate to head."""
    if url is None:
        from bot.settings import get_settings

        url = get_settings().database_url
    parsed = _parse(url)
    engine = _create_engine(parsed)
    db = Database(engine)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseUnavailable(f"cannot open database {db.display_url}: {_first_line(exc.orig)}") from None
    if migrate:
        try:
            db.upgrade()
        except BaseException:
            engine.dispose()
            raise
    return db


def upgrade_database(url: str | URL, revision: str = "head") -> None:
    """Apply migrations in one transaction, holding a lock so concurrent start-ups migrate once."""
    parsed = _parse(url) if isinstance(url, str) else url
    engine = _migration_engine(parsed)
    try:
        _migrate(engine, command.upgrade, revision)
    finally:
        engine.dispose()


def _migrate(engine: Engine, step: Any, revision: str) -> None:
    config = _alembic_config()
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            config.attributes["connection"] = connection
            step(config, revision)
    except DBAPIError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"cannot migrate database {where}: {_first_line(exc.orig)}") from None


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUnavailable(
            "DATABASE_URL is not a database URL (sqlite:///... or postgresql+psycopg://...)"
        ) from None
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or str(url.database).startswith("file::memory:")


def _create_engine(url: URL) -> Engine:
    # Unicode stays readable in JSON columns (and text search over them finds it).
    kwargs: dict[str, Any] = {"json_serializer": _json_dumps}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        if _is_memory(url):
            kwargs["poolclass"] = StaticPool
        else:
            _make_parent_folder(url)
    elif url.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
    engine = _engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _migration_engine(url: URL) -> Engine:
    """A throw-away engine whose SQLite transactions start with BEGIN IMMEDIATE (a write lock up front),
    so two processes starting on a fresh file cannot both create the tables."""
    if url.get_backend_name() != "sqlite":
        return _engine(url, poolclass=NullPool)
    if _is_memory(url):
        raise DatabaseUnavailable("an in-memory SQLite database must be migrated through open_database()")
    _make_parent_folder(url)
    engine = _engine(url, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _manual_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        _sqlite_pragmas(dbapi_connection, _record)

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _engine(url: URL, **kwargs: Any) -> Engine:
    try:
        return create_engine(url, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError):
        if url.get_backend_name() == "postgresql":
            raise DatabaseUnavailable(
                "PostgreSQL support is not installed; install it with: pip install 'partnerbot[postgres]'"
            ) from None
        raise DatabaseUnavailable(f"unsupported database URL scheme '{url.drivername}'") from None


def _make_parent_folder(url: URL) -> None:
    if url.database and not _is_memory(url):
        try:
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"cannot create the folder for {url.database}: {exc.strerror}"
            ) from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _first_line(exc: BaseException | None) -> str:
    message = str(exc or "unknown error").strip()
    return message.splitlines()[0] if message else type(exc).__name__
