"""Engines and sessions. Commit once, at the service boundary (``session_scope``).

SQLite is the embedded default and must serve a crowd (50 tips at once, police reading
while the public writes). Its rules (https://sqlite.org/wal.html, https://sqlite.org/
lang_transaction.html): in WAL mode readers never block the writer nor each other, and
there is one writer at a time. A *deferred* transaction that reads and then writes fails
at once with SQLITE_BUSY when another connection wrote since its read began, and no busy
timeout helps it. Every request here writes (a read of a child's file is audited), so
request transactions begin ``IMMEDIATE``: they take the write lock first and queue on
the busy timeout, in order, instead of failing. The audit chain's ordering follows: the
chain head is read after the lock is held. Sessions that only read (the public name
search on the event loop) use :func:`make_read_session_factory`, whose transactions stay
deferred and never wait for the writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from homeward.config import get_settings

READ_ONLY = "homeward_read_only"


def make_engine(url: str | None = None, **options: object) -> Engine:
    settings = get_settings()
    url = url or settings.database_url
    if url.startswith("sqlite"):
        connect_args = dict(options.pop("connect_args", {}) or {})  # type: ignore[call-overload]
        connect_args.setdefault("timeout", settings.sqlite_busy_timeout_seconds)
        connect_args.setdefault("check_same_thread", False)
        options["connect_args"] = connect_args
    engine = create_engine(url, future=True, **options)  # type: ignore[arg-type]
    if engine.dialect.name == "sqlite":
        _serve_a_crowd(engine, settings.sqlite_busy_timeout_seconds)
    return engine


def _serve_a_crowd(engine: Engine, busy_timeout_seconds: float) -> None:
    """WAL, a busy timeout, and transactions that say at BEGIN whether they will write."""

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
        # The driver's own implicit BEGIN is switched off: SQLAlchemy's "begin" event below
        # emits BEGIN IMMEDIATE or BEGIN DEFERRED itself (SQLAlchemy's pysqlite notes,
        # "Serializable isolation / Savepoints / Transactional DDL").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable in WAL mode at each checkpoint
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_seconds * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:  # pragma: no cover - driver hook
        mode = "DEFERRED" if connection.get_execution_options().get(READ_ONLY) else "IMMEDIATE"
        connection.exec_driver_sql(f"BEGIN {mode}")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read: on SQLite their transactions never take the write lock, so
    they never wait behind writers (for the public search on the event loop)."""
    return sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
