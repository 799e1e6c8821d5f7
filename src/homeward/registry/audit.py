"""The append-only, keyed and checkpointed audit log.

Each event stores ``hash = HMAC-SHA-256(chain key, seq | at | actor | action | entity |
entity_id | reason | details | prev_hash)``, ``prev_hash`` being the hash of the event
before it, so changing or deleting any row breaks the chain from that row on. The chain key
lives outside the database (:mod:`homeward.security.audit_keys`): whoever edits a row and
recomputes the hashes after it without the key still leaves that row broken. Signed
checkpoints of the head (:mod:`homeward.registry.audit_checkpoints`) catch what the key
alone cannot: a truncated tail, or a chain rebuilt by someone who holds the key.

Events are written in the same transaction as the change they record. Writers are
serialised: PostgreSQL by a transaction-level advisory lock, SQLite by its single writer;
the unique ``seq`` refuses a fork. A checkpoint is appended after the commit that makes
one due.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, text, update
from sqlalchemy.orm import Session

from homeward.registry.audit_checkpoints import (
    Checkpoint,
    append_checkpoint,
    checkpoint_if_due,
    read_checkpoints,
)
from homeward.registry.models import AuditEvent
from homeward.security.audit_keys import AuditKeys, current_audit_keys

GENESIS = "0" * 64
AUDIT_KEYS = "homeward_audit_keys"  # session.info entry that overrides the settings' keys
_HEAD = "homeward_audit_head"
_WRITTEN = "homeward_audit_written"
_LOCK_ID = 4_242_001
log = logging.getLogger(__name__)

Digest = Callable[[AuditEvent], str]


class AuditChainError(Exception):
    """The chain cannot be checkpointed or re-keyed because it does not verify."""


def _message(seq: int, at: str, actor: str, action: str, entity: str, entity_id: str,
             reason: str | None, details: str, prev_hash: str) -> bytes:
    fields = [str(seq), at, actor, action, entity, entity_id, reason or "", details, prev_hash]
    return "\x1f".join(fields).encode()


def _row_message(row: AuditEvent, prev_hash: str | None = None) -> bytes:
    return _message(row.seq, row.at, row.actor, row.action, row.entity, row.entity_id,
                    row.reason, row.details, row.prev_hash if prev_hash is None else prev_hash)


def _unkeyed(row: AuditEvent) -> str:
    """The plain SHA-256 of chains written before the chain was keyed."""
    return hashlib.sha256(_row_message(row)).hexdigest()


def audit_keys(session: Session) -> AuditKeys:
    """The keys this session's events are chained with: ``session.info[AUDIT_KEYS]``,
    else those of the process's settings."""
    keys = session.info.get(AUDIT_KEYS)
    return keys if keys is not None else current_audit_keys()


def _head(session: Session) -> tuple[int, str]:
    if _HEAD not in session.info:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
        last = session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        session.info[_HEAD] = (last[0], last[1]) if last else (0, GENESIS)
    return session.info[_HEAD]


@event.listens_for(Session, "after_commit")
def _checkpoint_and_forget_head(session: Session) -> None:
    session.info.pop(_HEAD, None)
    written = session.info.pop(_WRITTEN, None)
    if written is None:
        return
    keys, seq, digest = written
    try:
        checkpoint_if_due(keys, seq, digest)
    except OSError as error:  # the change is committed; the next commit tries again
        log.warning("audit checkpoint not written to %s: %s", keys.checkpoint_file, error)


@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget_head(session: Session, *args: object) -> None:
    session.info.pop(_HEAD, None)
    session.info.pop(_WRITTEN, None)


def record(session: Session, *, actor: str, action: str, entity: str, entity_id: object,
           reason: str | None = None, details: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    ``details`` must never hold DNA or other sensitive values: ids and field names only.
    """
    keys = audit_keys(session)
    seq, prev_hash = _head(session)
    seq += 1
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    details_text = json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str)
    digest = keys.mac(_message(seq, at, actor, action, entity, str(entity_id), reason,
                               details_text, prev_hash))
    row = AuditEvent(seq=seq, at=at, actor=actor, action=action, entity=entity,
                     entity_id=str(entity_id), reason=reason, details=details_text,
                     prev_hash=prev_hash, hash=digest)
    session.add(row)
    session.info[_HEAD] = (seq, digest)
    session.info[_WRITTEN] = (keys, seq, digest)
    return row


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_broken_seq: int | None = None
    problem: str | None = None
    checkpoints_checked: int = 0
    note: str | None = None


def _rows(session: Session) -> Iterator[AuditEvent]:
    return iter(session.execute(select(AuditEvent).order_by(AuditEvent.seq))
                .scalars().yield_per(5000))


def _walk(session: Session, digest: Digest, marks: list[Checkpoint],
          key_id: str | None) -> ChainReport:
    """Recompute every hash in order against ``digest`` and the checkpoints made under
    ``key_id``; the first row that fails is the first broken event."""
    signed: dict[int, list[Checkpoint]] = {}
    for mark in marks:
        if mark.key_id == key_id:
            signed.setdefault(mark.seq, []).append(mark)
    expected_prev, expected_seq, checked, last_signed = GENESIS, 1, 0, 0
    for row in _rows(session):
        if row.seq != expected_seq:
            return ChainReport(False, checked, expected_seq,
                               f"event {expected_seq} is missing (next found: {row.seq})")
        if row.prev_hash != expected_prev:
            return ChainReport(False, checked, row.seq,
                               f"event {row.seq} does not follow event {row.seq - 1}")
        if digest(row) != row.hash:
            hint = (" (it has a plain SHA-256 hash: written before the chain was keyed, or "
                    "recomputed by someone without the audit key)"
                    if _unkeyed(row) == row.hash else "")
            return ChainReport(False, checked, row.seq, f"event {row.seq} was changed{hint}")
        for mark in signed.get(row.seq, []):
            if mark.hash != row.hash:
                first = last_signed + 1
                return ChainReport(
                    False, checked, first,
                    f"events {first}..{row.seq} were rewritten: event {row.seq} differs from "
                    f"the checkpoint signed at {mark.at} (checkpoint line {mark.line}); the "
                    "rewriter holds the audit key")
        if row.seq in signed:
            last_signed = row.seq
        expected_prev, expected_seq = row.hash, expected_seq + 1
        checked += 1
    longest = max(marks, key=lambda mark: mark.count, default=None)
    if longest is not None and longest.count > checked:
        return ChainReport(
            False, checked, checked + 1,
            f"events {checked + 1}..{longest.count} are missing: the chain ends at event "
            f"{checked} but the checkpoint signed at {longest.at} (checkpoint line "
            f"{longest.line}) counts {longest.count}")
    return ChainReport(True, checked)


def verify_chain(session: Session, keys: AuditKeys | None = None) -> ChainReport:
    """Recompute every keyed hash in order and hold the chain against every signed
    checkpoint; report the first event that was changed, removed, rewritten or cut off."""
    keys = keys or audit_keys(session)
    marks, problems = read_checkpoints(keys)
    report = _walk(session, lambda row: keys.mac(_row_message(row)), marks, keys.key_id)
    current = sum(1 for mark in marks if mark.key_id == keys.key_id)
    note = None
    if not marks and report.events_checked > max(keys.checkpoint_every, 0):
        note = (f"no signed checkpoint in {keys.checkpoint_file}: a cut-off tail would go "
                "unnoticed (homeward audit checkpoint)")
    if problems:
        problem = "; ".join(problems)
        if not report.ok:
            problem = f"{report.problem}; also {problem}"
        return ChainReport(False, report.events_checked, report.first_broken_seq, problem,
                           current, note)
    return ChainReport(report.ok, report.events_checked, report.first_broken_seq,
                       report.problem, current, note)


def checkpoint(session: Session, keys: AuditKeys | None = None) -> Checkpoint | None:
    """Verify the chain, then sign and append a checkpoint of its head (None when empty).

    A broken chain is never signed: that would vouch for the tampering.
    """
    keys = keys or audit_keys(session)
    report = verify_chain(session, keys)
    if not report.ok:
        raise AuditChainError(f"not checkpointed: audit chain broken at event "
                              f"{report.first_broken_seq}: {report.problem}")
    head = session.execute(select(AuditEvent.seq, AuditEvent.hash)
                           .order_by(AuditEvent.seq.desc()).limit(1)).first()
    if head is None:
        return None
    return append_checkpoint(keys, head[0], head[1])


def rekey_chain(session: Session, new: AuditKeys, old: AuditKeys | None = None, *,
                actor: str) -> int:
    """Re-hash the whole chain under ``new`` after verifying it under ``old`` (None: a
    chain written before keying, plain SHA-256), and record the re-keying as an event.

    For rotating the chain key, or adopting a chain from before keying. Checkpoints made
    under the old key keep guarding the chain's length; checkpoint again after the commit.
    """
    if old is None:
        report = _walk(session, _unkeyed, [], None)
    else:
        report = verify_chain(session, old)
    if not report.ok:
        raise AuditChainError(f"not re-keyed: audit chain broken at event "
                              f"{report.first_broken_seq}: {report.problem}")
    _head(session)  # takes the writers' lock before the rewrite
    prev, count, batch = GENESIS, 0, []
    for row in _rows(session):
        digest = new.mac(_row_message(row, prev))
        batch.append({"id": row.id, "prev_hash": prev, "hash": digest})
        prev, count = digest, count + 1
    for start in range(0, len(batch), 5000):
        session.execute(update(AuditEvent), batch[start:start + 5000])
    session.expire_all()
    session.info[_HEAD] = (count, prev)
    session.info[AUDIT_KEYS] = new
    record(session, actor=actor, action="rekey", entity="audit_chain", entity_id="all",
           details={"events": count, "from": old.key_id if old else "unkeyed",
                    "to": new.key_id})
    return count
