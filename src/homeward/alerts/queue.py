"""The delivery queue is the database itself: outbox rows, delivery rows and leases.

Why the database and not Redis: the outbox row must be written in the same transaction as
the alert or its update, or a crash between the two loses an alert (or sends one that was
rolled back). Redis cannot join that transaction; with it we would still need an outbox
table and a relay from it into Redis, and a second store to keep consistent and back up.
The database already keeps every delivery's status for the investigator, and an alert
reaches thousands of subscribers, not millions per second, so its throughput suffices
(benchmarks/alerts.py).

Claiming: a worker takes a batch by one ``UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR
UPDATE SKIP LOCKED) RETURNING id`` that sets a lease (``lease_until``, ``leased_by``) and
counts the attempt. On PostgreSQL ``SKIP LOCKED`` lets several workers take disjoint
batches without waiting; on SQLite the statement runs in a ``BEGIN IMMEDIATE``
transaction (registry/db.py), so one worker at a time claims, atomically. A worker
records a result only while its lease holds. A worker killed mid-batch leaves its rows
leased; when the lease lapses another worker takes them and sends with the same
idempotency key, which the receiver uses to keep one copy of the message in flight at
the kill; rows it never reached were never sent.

Fan-out: an outbox row becomes one delivery per (version, channel) of the subscribers in
range; the unique constraint and ``ON CONFLICT DO NOTHING`` make it safe to repeat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from homeward.alerts.messages import CLOSING_TEXTS, idempotency_key
from homeward.alerts.schedule import RadiusSchedule, step_due
from homeward.alerts.spatial import subscribers_within
from homeward.registry.models import (
    AlertChannel,
    AlertDelivery,
    AlertOutbox,
    AlertSubscriber,
    AlertVersion,
    GeoAlert,
)

CHUNK = 500
D = AlertDelivery


def backoff_seconds(attempts: int, base: float, cap: float) -> float:
    """Exponential backoff: ``base * 2**(attempts - 1)``, at most ``cap``."""
    return min(cap, base * 2 ** max(0, attempts - 1))


def latest_version(session: Session, alert_id: int) -> AlertVersion:
    version = session.scalar(select(AlertVersion).where(AlertVersion.alert_id == alert_id)
                             .order_by(AlertVersion.number.desc()).limit(1))
    assert version is not None, f"alert {alert_id} has no version"
    return version


def current_radius_km(alert: GeoAlert, now: dt.datetime) -> float:
    schedule = RadiusSchedule.from_json(alert.radius_schedule)
    return schedule.steps[max(alert.radius_step,
                              step_due(schedule, alert.started_at, alert.expires_at, now))
                          ].radius_km


def enqueue(session: Session, alert: GeoAlert, version: AlertVersion, *,
            radius_km: float | None, audience: str = "radius") -> AlertOutbox:
    """An outbox row in the caller's transaction."""
    row = AlertOutbox(alert_id=alert.id, version_id=version.id, audience=audience,
                      radius_km=radius_km)
    session.add(row)
    session.flush()
    return row


def advance_radius(session: Session, now: dt.datetime) -> list[AlertOutbox]:
    """Widen every active alert whose next step is due (before its expiry): the alert's
    step moves by compare-and-set, so only one worker enqueues each widening."""
    queued = []
    alerts = session.scalars(select(GeoAlert).where(GeoAlert.status == "active")).all()
    for alert in alerts:
        schedule = RadiusSchedule.from_json(alert.radius_schedule)
        due = step_due(schedule, alert.started_at, alert.expires_at, now)
        if due <= alert.radius_step:
            continue
        moved = session.execute(
            update(GeoAlert).where(GeoAlert.id == alert.id,
                                   GeoAlert.radius_step == alert.radius_step,
                                   GeoAlert.status == "active")
            .values(radius_step=due), execution_options={"synchronize_session": False})
        if moved.rowcount != 1:
            continue
        session.expire(alert)
        version = latest_version(session, alert.id)
        queued.append(enqueue(session, alert, version,
                              radius_km=schedule.steps[due].radius_km))
    return queued


def _lease(session: Session, model, due, now: dt.datetime, worker: str, lease_seconds: float,
           limit: int, order) -> list[int]:
    pick = (select(model.id).where(due).order_by(*order).limit(limit)
            .with_for_update(skip_locked=True))
    statement = (update(model).where(model.id.in_(pick), due)
                 .values(lease_until=now + dt.timedelta(seconds=lease_seconds),
                         leased_by=worker, attempts=model.attempts + 1)
                 .returning(model.id))
    if model is AlertDelivery:
        statement = statement.values(status="sending")
    return sorted(session.scalars(statement,
                                  execution_options={"synchronize_session": False}).all())


def claim_outbox(session: Session, *, worker: str, now: dt.datetime, lease_seconds: float,
                 limit: int = 10) -> list[int]:
    due = and_(AlertOutbox.processed_at.is_(None),
               or_(AlertOutbox.lease_until.is_(None), AlertOutbox.lease_until < now))
    return _lease(session, AlertOutbox, due, now, worker, lease_seconds, limit,
                  (AlertOutbox.id,))


def claim_deliveries(session: Session, *, worker: str, now: dt.datetime,
                     lease_seconds: float, limit: int) -> list[int]:
    due = or_(and_(D.status.in_(("pending", "failed")), D.next_attempt_at <= now),
              and_(D.status == "sending", D.lease_until < now))
    return _lease(session, AlertDelivery, due, now, worker, lease_seconds, limit,
                  (D.next_attempt_at, D.id))


def _insert_ignoring_duplicates(session: Session, rows: list[dict]) -> None:
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(AlertDelivery).values(rows)
                    .on_conflict_do_nothing(index_elements=["version_id", "channel_id"]))


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def fan_out(session: Session, outbox_id: int, *, worker: str, now: dt.datetime) -> int:
    """Turn one claimed outbox row into deliveries; the count of channels addressed.

    Nothing happens when this worker's lease on the row has lapsed (another has it).
    """
    event = session.get(AlertOutbox, outbox_id)
    if event is None or event.processed_at is not None or event.leased_by != worker:
        return 0
    alert = session.get(GeoAlert, event.alert_id)
    version = session.get(AlertVersion, event.version_id)
    assert alert is not None and version is not None
    pairs: list[tuple[int, int, str]] = []  # (subscriber, channel, kind)
    closed_before_this = alert.status == "closed" and version.kind not in CLOSING_TEXTS
    if event.audience == "recipients":
        pairs = [(s, c, k) for s, c, k in session.execute(
            select(D.subscriber_id, D.channel_id, D.channel_kind).distinct()
            .join(AlertSubscriber, AlertSubscriber.id == D.subscriber_id)
            .where(D.alert_id == alert.id, D.version_id != version.id,
                   D.status.in_(("sent", "sending")), AlertSubscriber.active))]
    elif not closed_before_this:
        subscriber_ids = subscribers_within(session, alert.latitude, alert.longitude,
                                            float(event.radius_km or 0.0))
        for chunk in _chunks(subscriber_ids):
            pairs += [(s, c, k) for s, c, k in session.execute(
                select(AlertChannel.subscriber_id, AlertChannel.id, AlertChannel.kind)
                .where(AlertChannel.subscriber_id.in_(chunk), AlertChannel.active))]
    rows = [{"alert_id": alert.id, "version_id": version.id, "subscriber_id": s,
             "channel_id": c, "channel_kind": k, "status": "pending", "attempts": 0,
             "idempotency_key": idempotency_key(alert.id, version.number, s),
             "next_attempt_at": now, "created_at": now} for s, c, k in pairs]
    for start in range(0, len(rows), CHUNK):
        _insert_ignoring_duplicates(session, rows[start:start + CHUNK])
    event.processed_at = now
    return len(rows)


def _holding(delivery_id: int, worker: str):
    return and_(D.id == delivery_id, D.status == "sending", D.leased_by == worker)


def record_sent(session: Session, delivery_id: int, *, worker: str, now: dt.datetime) -> bool:
    """Mark a delivery sent (only while this worker's lease holds)."""
    result = session.execute(update(D).where(_holding(delivery_id, worker)).values(
        status="sent", sent_at=now, lease_until=None, last_error=None),
        execution_options={"synchronize_session": False})
    return result.rowcount == 1


def record_cancelled(session: Session, delivery_id: int, *, worker: str, reason: str) -> None:
    session.execute(update(D).where(_holding(delivery_id, worker)).values(
        status="cancelled", lease_until=None, last_error=reason[:300]),
        execution_options={"synchronize_session": False})


def record_failure(session: Session, delivery_id: int, *, worker: str, now: dt.datetime,
                   error: str, max_attempts: int, base_seconds: float,
                   cap_seconds: float) -> str | None:
    """A failed attempt: retry after the backoff, or dead-letter after the last attempt.
    The new status, or None when the lease had lapsed."""
    delivery = session.scalar(select(D).where(_holding(delivery_id, worker)))
    if delivery is None:
        return None
    delivery.last_error = error[:300]
    delivery.lease_until = None
    if delivery.attempts >= max_attempts:
        delivery.status, delivery.dead_lettered_at = "dead", now
    else:
        delivery.status = "failed"
        delivery.next_attempt_at = now + dt.timedelta(
            seconds=backoff_seconds(delivery.attempts, base_seconds, cap_seconds))
    return delivery.status


def cancel_unsent(session: Session, alert_id: int, *, reason: str) -> int:
    """Stop deliveries of an alert's earlier versions that no worker holds (closing)."""
    result = session.execute(update(D).where(
        D.alert_id == alert_id, D.status.in_(("pending", "failed"))).values(
        status="cancelled", last_error=reason[:300]),
        execution_options={"synchronize_session": False})
    return result.rowcount
