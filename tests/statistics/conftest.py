"""Statistics fixtures: the registry's databases (SQLite and PostgreSQL)."""

from tests.registry.conftest import (  # noqa: F401 - fixtures shared with the registry tests
    database_url,
    engine,
    factory,
    session,
)
