"""What the investigator sees of an alert's delivery, and what the public sees of it.

The investigator sees every delivery by subscriber and channel (status, attempts, next
attempt, last error) with addresses masked: enough to see who was reached and what is
failing, not a list of the public's e-mail addresses. The public sees whether an alert
is active, found or withdrawn, and nothing about how a child was found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeward.alerts.queue import current_radius_km
from homeward.alerts.schedule import as_utc
from homeward.registry.models import (
    AlertChannel,
    AlertDelivery,
    AlertSubscriber,
    AlertVersion,
    GeoAlert,
    utcnow,
)

STATUSES = ("pending", "sending", "sent", "failed", "dead", "cancelled")


def mask(kind: str, address: str | None) -> str:
    """``v***@example.org``; a webhook's host only; the inbox has no address."""
    if not address:
        return "-"
    if kind == "email":
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    return urlsplit(address).hostname or "?"


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    subscriber_id: int
    subscriber_kind: str
    channel: str
    address: str
    version: int
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    last_error: str | None

    def as_json(self) -> dict:
        return asdict(self)


def delivery_counts(session: Session, alert_id: int) -> dict[str, dict[str, int]]:
    """``{channel: {status: count}}`` for one alert."""
    counts: dict[str, dict[str, int]] = {}
    for channel, status, n in session.execute(
            select(AlertDelivery.channel_kind, AlertDelivery.status, func.count())
            .where(AlertDelivery.alert_id == alert_id)
            .group_by(AlertDelivery.channel_kind, AlertDelivery.status)):
        counts.setdefault(channel, dict.fromkeys(STATUSES, 0))[status] = n
    return counts


def deliveries(session: Session, alert_id: int, *, status: str | None = None,
               limit: int = 200, offset: int = 0) -> list[DeliveryRow]:
    query = (select(AlertDelivery, AlertSubscriber.kind, AlertChannel.address,
                    AlertVersion.number)
             .join(AlertSubscriber, AlertSubscriber.id == AlertDelivery.subscriber_id)
             .join(AlertChannel, AlertChannel.id == AlertDelivery.channel_id)
             .join(AlertVersion, AlertVersion.id == AlertDelivery.version_id)
             .where(AlertDelivery.alert_id == alert_id))
    if status:
        query = query.where(AlertDelivery.status == status)
    rows = session.execute(query.order_by(AlertDelivery.subscriber_id, AlertDelivery.id)
                           .limit(limit).offset(offset)).all()
    return [DeliveryRow(d.id, d.subscriber_id, kind, d.channel_kind, mask(d.channel_kind, a),
                        number, d.status, d.attempts,
                        as_utc(d.next_attempt_at) if d.status == "failed" else None,
                        as_utc(d.sent_at) if d.sent_at else None, d.last_error)
            for d, kind, a, number in rows]


def alert_summary(session: Session, alert: GeoAlert, now: dt.datetime | None = None) -> dict:
    """The investigator's view of an alert: state, radius, versions, delivery counts."""
    now = as_utc(now or utcnow())
    expired = alert.status == "active" and now >= as_utc(alert.expires_at)
    return {
        "id": alert.id, "report_id": alert.report_id, "status": alert.status,
        "outcome": alert.outcome, "expired": expired, "place": alert.place_label,
        "latitude": alert.latitude, "longitude": alert.longitude,
        "radius_km": current_radius_km(alert, now), "radius_step": alert.radius_step,
        "schedule_km": [[seconds / 3600, km] for seconds, km in alert.radius_schedule],
        "started_at": as_utc(alert.started_at), "expires_at": as_utc(alert.expires_at),
        "versions": [{"number": v.number, "kind": v.kind, "texts": v.texts,
                      "created_by": v.created_by} for v in alert.versions],
        "deliveries": delivery_counts(session, alert.id),
    }


def public_status(alert: GeoAlert, now: dt.datetime | None = None) -> str:
    """``active``, ``expired`` (no longer widening), ``found`` or ``withdrawn``."""
    if alert.status == "closed":
        return alert.outcome or "withdrawn"
    return "expired" if as_utc(now or utcnow()) >= as_utc(alert.expires_at) else "active"
