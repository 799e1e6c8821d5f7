"""The audit chain: every change is recorded; any changed or deleted row is detected."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from homeward.registry.audit import verify_chain
from homeward.registry.db import session_scope
from homeward.registry.models import AuditEvent
from homeward.workflow import cases

from .world import make_family


def _events(session):
    return session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()


def test_changes_and_reads_are_audited(factory, settings):
    with session_scope(factory) as session:
        family = make_family(session, settings)
        child_id = family.child.id
    with session_scope(factory) as session:
        cases.read_found_child(session, child_id, actor="police", reason="case review")
    with session_scope(factory) as session:
        events = _events(session)
        actions = [(e.action, e.entity) for e in events]
        assert ("create", "missing_report") in actions
        assert ("create", "found_child") in actions
        assert ("read", "found_child") in actions
        read = [e for e in events if e.action == "read"][0]
        assert read.actor == "police" and read.reason == "case review"
        assert verify_chain(session).ok
        assert verify_chain(session).events_checked == len(events)


def test_changed_row_is_detected(factory, settings):
    with session_scope(factory) as session:
        make_family(session, settings)
    with session_scope(factory) as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 3)
                        .values(actor="somebody-else"))
    with session_scope(factory) as session:
        report = verify_chain(session)
    assert not report.ok
    assert report.first_broken_seq == 3
    assert "changed" in report.problem


def test_deleted_row_is_detected(factory, settings):
    with session_scope(factory) as session:
        make_family(session, settings)
    with session_scope(factory) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq == 2))
    with session_scope(factory) as session:
        report = verify_chain(session)
    assert not report.ok
    assert report.first_broken_seq == 2
    assert "missing" in report.problem


def test_rolled_back_change_leaves_no_audit_row(factory, settings):
    with session_scope(factory) as session:
        make_family(session, settings)
        before = len(_events(session))
    session = factory()
    cases.register_missing_report(session, actor="police", external_id="test/person.2",
                                  child_name="Wang Fang")
    session.rollback()
    session.close()
    with session_scope(factory) as session:
        assert len(_events(session)) == before
        assert verify_chain(session).ok
