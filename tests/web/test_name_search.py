"""The name index keeps up with the registry: audited changes by the change feed, the
others by reconciling the published ids (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from homeward.registry import audit
from homeward.registry.db import make_read_session_factory
from homeward.registry.models import MissingReport
from homeward.web import name_search
from homeward.web.name_search import NameIndex, block_digests, table_digests
from homeward.workflow import cases


@pytest.fixture
def reader(engine):
    """A read-only session, as the public search has."""
    with make_read_session_factory(engine)() as session:
        yield session


def found(index: NameIndex, session, query: str) -> list[int]:
    """The ids the index answers once a background check begun after the last change is
    done (the first search after :meth:`NameIndex.invalidate` catches up itself and
    begins none)."""
    for _ in range(2):
        with index._lock:  # held by a running check until it is done
            session.rollback()  # a fresh snapshot for the next read
        index.search(session, query)
    with index._lock:
        session.rollback()
    return [hit.report_id for hit in index.search(session, query)]


def test_the_feed_brings_in_audited_publication_and_new_reports(factory, reader, world):
    index = NameIndex(recheck_seconds=0.0, reconcile_seconds=1e9)
    assert found(index, reader, "张小宝") == [world.report_id]
    with factory() as session, session.begin():  # withdrawn from the case page
        session.get(MissingReport, world.report_id).published = False
        audit.record(session, actor="police", action="update", entity="missing_report",
                     entity_id=world.report_id, details={"published": False})
    assert found(index, reader, "张小宝") == []
    with factory() as session, session.begin():  # published again by a geo-alert
        session.get(MissingReport, world.report_id).published = True
        audit.record(session, actor="police", action="create", entity="geo_alert",
                     entity_id=1, details={"report_id": world.report_id})
    with factory() as session, session.begin():
        new = cases.register_missing_report(
            session, actor="police", external_id="test/feed", child_name="Zhang Xiaobao",
            child_name_zh="张小宝", sex="male", published=True).id
    assert found(index, reader, "张小宝") == [world.report_id, new]


def test_changes_no_event_names_are_reconciled(factory, reader, world):
    index = NameIndex(recheck_seconds=0.0, reconcile_seconds=1e9)
    assert found(index, reader, "林梅") == [world.other_report_id]
    assert block_digests(reader) == table_digests(index._table.report_ids) != {}
    with factory() as session, session.begin():  # by hand, no audit event
        session.execute(update(MissingReport).where(MissingReport.id == world.other_report_id)
                        .values(published=False))
    assert found(index, reader, "林梅") == [world.other_report_id]  # no event: not seen
    index.invalidate()  # the next background check reconciles
    assert found(index, reader, "林梅") == []
    index.reconcile_seconds = 0.0
    with factory() as session, session.begin():
        session.execute(update(MissingReport).where(MissingReport.id == world.other_report_id)
                        .values(published=True))
    assert found(index, reader, "林梅") == [world.other_report_id]


def test_a_bulk_load_is_read_whole(factory, reader, world, monkeypatch):
    index = NameIndex(recheck_seconds=0.0, reconcile_seconds=1e9)
    assert found(index, reader, "林梅") == [world.other_report_id]
    table = index._table
    monkeypatch.setattr(name_search, "REBUILD_AT", 2)
    with factory() as session, session.begin():
        new = [cases.register_missing_report(
            session, actor="import", external_id=f"test/bulk/{n}", child_name="Lin Mei",
            child_name_zh="林梅", sex="female", published=True).id for n in range(2)]
    assert found(index, reader, "林梅") == [world.other_report_id, *new]
    assert index._table.key_of is not table.key_of  # built anew, not changed
