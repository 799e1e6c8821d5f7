"""The append-only, hash-chained audit log.

Each event stores ``hash = SHA-256(seq | at | actor | action | entity | entity_id |
reason | details | prev_hash)``, ``prev_hash`` being the hash of the event before it, so
changing or deleting any row breaks the chain from that row on (``homeward audit
verify``). Events are written in the same transaction as the change they record. Writers
are serialised: PostgreSQL by a transaction-level advisory lock, SQLite by its single
writer; the unique ``seq`` refuses a fork.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from homeward.registry.models import AuditEvent

GENESIS = "0" * 64
_HEAD = "homeward_audit_head"
_LOCK_ID = 4_242_001


def _digest(seq: int, at: str, actor: str, action: str, entity: str, entity_id: str,
            reason: str | None, details: str, prev_hash: str) -> str:
    fields = [str(seq), at, actor, action, entity, entity_id, reason or "", details, prev_hash]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


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
@event.listens_for(Session, "after_rollback")
@event.listens_for(Session, "after_soft_rollback")
def _forget_head(session: Session, *args: object) -> None:
    session.info.pop(_HEAD, None)


def record(session: Session, *, actor: str, action: str, entity: str, entity_id: object,
           reason: str | None = None, details: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    ``details`` must never hold DNA or other sensitive values: ids and field names only.
    """
    seq, prev_hash = _head(session)
    seq += 1
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    details_text = json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str)
    digest = _digest(seq, at, actor, action, entity, str(entity_id), reason, details_text,
                     prev_hash)
    row = AuditEvent(seq=seq, at=at, actor=actor, action=action, entity=entity,
                     entity_id=str(entity_id), reason=reason, details=details_text,
                     prev_hash=prev_hash, hash=digest)
    session.add(row)
    session.info[_HEAD] = (seq, digest)
    return row


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events_checked: int
    first_broken_seq: int | None = None
    problem: str | None = None


def verify_chain(session: Session) -> ChainReport:
    """Recompute every hash in order; report the first row that was changed or removed."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    for row in rows.yield_per(5000):
        if row.seq != expected_seq:
            return ChainReport(False, checked, expected_seq,
                               f"event {expected_seq} is missing (next found: {row.seq})")
        if row.prev_hash != expected_prev:
            return ChainReport(False, checked, row.seq,
                               f"event {row.seq} does not follow event {row.seq - 1}")
        digest = _digest(row.seq, row.at, row.actor, row.action, row.entity, row.entity_id,
                         row.reason, row.details, row.prev_hash)
        if digest != row.hash:
            return ChainReport(False, checked, row.seq, f"event {row.seq} was changed")
        expected_prev, expected_seq = row.hash, expected_seq + 1
        checked += 1
    return ChainReport(True, checked)
