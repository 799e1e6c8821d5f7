"""The audit chain: every change is recorded; any changed, deleted or rewritten row is
detected, also after the hashes behind it were recomputed, and a cut-off tail too."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from concurrent.futures import ThreadPoolExecutor

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from homeward.cli import app as cli
from homeward.config import get_settings
from homeward.registry import audit
from homeward.registry.audit import verify_chain
from homeward.registry.audit_checkpoints import append_checkpoint, read_checkpoints
from homeward.registry.db import session_scope
from homeward.registry.models import AuditEvent
from homeward.security.audit_keys import AuditKeys, current_audit_keys, key_file
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


# --- The attack of the "Hardening" issue: edit one event and recompute the chain after it.

def _write_events(factory, count: int, start: int = 0) -> None:
    with session_scope(factory) as session:
        for number in range(start, start + count):
            audit.record(session, actor="police.yunnan", action="read", entity="found_child",
                         entity_id=number, reason="case review", details={"n": number})


def _sha256(row: AuditEvent) -> str:
    """How the chain was hashed before it was keyed, as anyone can recompute it."""
    fields = [str(row.seq), row.at, row.actor, row.action, row.entity, row.entity_id,
              row.reason or "", row.details, row.prev_hash]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def _hmac_with(key: bytes):
    def digest(row: AuditEvent) -> str:
        fields = [str(row.seq), row.at, row.actor, row.action, row.entity, row.entity_id,
                  row.reason or "", row.details, row.prev_hash]
        return hmac.new(key, "\x1f".join(fields).encode(), hashlib.sha256).hexdigest()
    return digest


def _edit_and_rechain(factory, seq: int, digest) -> None:
    """The attacker: change one event's details, then recompute every hash from it on."""
    with session_scope(factory) as session:
        rows = _events(session)
        rows[seq - 1].details = json.dumps({"n": "nothing to see"})
        prev = rows[seq - 2].hash if seq > 1 else audit.GENESIS
        for row in rows[seq - 1:]:
            row.prev_hash = prev
            row.hash = prev = digest(row)


def _keys_every(settings, events: int) -> AuditKeys:
    return AuditKeys.from_settings(settings.model_copy(
        update={"audit_checkpoint_every": events}))


def test_an_edit_rechained_without_the_key_is_named(factory):
    _write_events(factory, 20)
    _edit_and_rechain(factory, 7, _sha256)
    with session_scope(factory) as session:
        report = verify_chain(session)
    assert not report.ok
    assert report.first_broken_seq == 7 and report.events_checked == 6
    assert "event 7 was changed" in report.problem
    assert "plain SHA-256" in report.problem


def test_an_edit_rechained_with_a_wrong_key_is_named(factory):
    _write_events(factory, 20)
    _edit_and_rechain(factory, 12, _hmac_with(os.urandom(32)))
    with session_scope(factory) as session:
        report = verify_chain(session)
    assert not report.ok and report.first_broken_seq == 12
    assert report.problem == "event 12 was changed"


def test_the_cli_names_the_edited_event(factory, database_url, monkeypatch):
    _write_events(factory, 20)
    monkeypatch.setenv("HOMEWARD_DATABASE_URL", database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    assert runner.invoke(cli, ["audit", "checkpoint"]).exit_code == 0
    intact = runner.invoke(cli, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert "20 events, 1 signed checkpoints" in intact.output
    _edit_and_rechain(factory, 9, _sha256)
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "broken at event 9: event 9 was changed" in broken.output
    refused = runner.invoke(cli, ["audit", "checkpoint"])
    assert refused.exit_code == 1 and "not checkpointed" in refused.output


def test_checkpoints_are_appended_after_commits_every_n_events(factory, settings):
    keys = _keys_every(settings, 5)
    factory.configure(info={audit.AUDIT_KEYS: keys})
    for _ in range(4):
        _write_events(factory, 3)  # heads 3, 6, 9, 12: due at 6 and 12
    marks, problems = read_checkpoints(keys)
    assert problems == []
    assert [(m.seq, m.count) for m in marks] == [(6, 6), (12, 12)]
    lines = keys.checkpoint_file.read_text().splitlines()
    assert {"seq", "count", "hash", "at", "key_id", "signer", "signature"} == set(
        json.loads(lines[0]))
    assert stat.S_IMODE(keys.checkpoint_file.stat().st_mode) == 0o600
    with session_scope(factory) as session:
        assert verify_chain(session).checkpoints_checked == 2
        assert marks[-1].hash == _events(session)[-1].hash


def test_a_cut_off_tail_is_caught_by_the_checkpoint(factory):
    _write_events(factory, 10)
    with session_scope(factory) as session:
        audit.checkpoint(session)
    with session_scope(factory) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.seq > 7))
    with session_scope(factory) as session:
        report = verify_chain(session)
    assert not report.ok and report.first_broken_seq == 8
    assert "events 8..10 are missing" in report.problem


def test_a_rewrite_with_the_stolen_key_is_caught_by_the_checkpoints(factory):
    _write_events(factory, 5)
    with session_scope(factory) as session:
        audit.checkpoint(session)  # at 5
    _write_events(factory, 10, start=5)
    with session_scope(factory) as session:
        audit.checkpoint(session)  # at 15
    _write_events(factory, 3, start=15)
    stolen = current_audit_keys().chain_key
    _edit_and_rechain(factory, 9, _hmac_with(stolen))
    with session_scope(factory) as session:
        report = verify_chain(session)
    assert not report.ok and report.first_broken_seq == 6
    assert "events 6..15 were rewritten" in report.problem


def test_a_forged_checkpoint_is_refused(factory, settings):
    _write_events(factory, 4)
    keys = current_audit_keys()
    with session_scope(factory) as session:
        audit.checkpoint(session)
    forger = AuditKeys(keys.chain_key, Ed25519PrivateKey.generate(), keys.checkpoint_file)
    append_checkpoint(forger, 2, "f" * 64)
    with session_scope(factory) as session:
        report = verify_chain(session)
    assert not report.ok and report.first_broken_seq is None
    assert "line 2 is not signed by the audit signing key" in report.problem
    assert report.checkpoints_checked == 1


def test_keys_live_in_0600_files_outside_the_database(audit_keys_in_tmp_path):
    keys = current_audit_keys()
    for name in ("audit.key", "audit-signing.key"):
        path = audit_keys_in_tmp_path / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert keys.checkpoint_file == audit_keys_in_tmp_path / "checkpoints.log"
    assert current_audit_keys() is keys


def test_a_chain_from_before_keying_is_adopted_by_rekey(factory, settings):
    _write_events(factory, 6)
    with session_scope(factory) as session:
        for row in _events(session):  # as the unkeyed code wrote them
            row.prev_hash = _events(session)[row.seq - 2].hash if row.seq > 1 else audit.GENESIS
            row.hash = _sha256(row)
    with session_scope(factory) as session:
        assert "plain SHA-256" in verify_chain(session).problem
        assert audit.rekey_chain(session, current_audit_keys(), None, actor="cli:admin") == 6
    with session_scope(factory) as session:
        report = verify_chain(session)
        assert report.ok and report.events_checked == 7
        assert _events(session)[-1].action == "rekey"


def test_rotating_the_chain_key_keeps_the_old_checkpoints_guarding_length(factory, settings,
                                                                           tmp_path):
    _write_events(factory, 8)
    old = current_audit_keys()
    with session_scope(factory) as session:
        audit.checkpoint(session, old)
    new = AuditKeys.from_settings(settings.model_copy(
        update={"audit_key_file": tmp_path / "new-audit.key"}))
    with session_scope(factory) as session:
        audit.rekey_chain(session, new, old, actor="cli:admin")
    with session_scope(factory) as session:
        assert verify_chain(session, new).ok
        assert not verify_chain(session, old).ok
        session.execute(delete(AuditEvent).where(AuditEvent.seq > 5))
    with session_scope(factory) as session:
        report = verify_chain(session, new)
    assert not report.ok and report.first_broken_seq == 6


def test_processes_starting_together_share_one_key(tmp_path):
    path = tmp_path / "fresh" / "audit.key"
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: key_file(path), range(32)))
    assert len(keys) == 1 and len(keys.pop()) == 32
    assert [p.name for p in path.parent.iterdir()] == ["audit.key"]
