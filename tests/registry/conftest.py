"""Registry fixtures: every test runs on SQLite and on PostgreSQL, each in its own
database file or schema, migrated with Alembic, and cleaned up afterwards.

PostgreSQL tests fail (never skip) when the server is unreachable; start it with
``pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`` (``./run.sh
test`` does this).
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from homeward.config import Settings
from homeward.registry.db import make_engine, make_session_factory
from homeward.registry.migrate import upgrade
from homeward.security.crypto import ProfileCipher

POSTGRES_URL = os.environ.get("HOMEWARD_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_admin() -> Engine:
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        pytest.fail(f"PostgreSQL is unreachable at {POSTGRES_URL}: {error.orig}. Start it: "
                    "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start")
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty database URL of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/registry.sqlite3"
        return
    admin = postgres_admin()
    schema = f"hw_{uuid.uuid4().hex[:16]}"
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine):
    return make_session_factory(engine)


@pytest.fixture
def session(factory) -> Iterator[Session]:
    session = factory()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings(database_url=database_url, key_file=tmp_path / "profile.key",
                    profile_key=base64.urlsafe_b64encode(os.urandom(32)).decode())


@pytest.fixture
def cipher(settings) -> ProfileCipher:
    return ProfileCipher.from_settings(settings)
