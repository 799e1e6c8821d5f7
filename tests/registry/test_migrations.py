"""Migrations: upgrade from empty, downgrade, upgrade again; the models match them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from homeward.registry.db import make_engine
from homeward.registry.migrate import downgrade, upgrade
from homeward.registry.models import Base


def test_upgrade_downgrade_upgrade(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"missing_reports", "found_children", "profiles", "matches", "audit_events",
            "samples", "custody_events", "placements", "reunifications"} <= tables
    downgrade(engine)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) == tables
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    engine.dispose()
