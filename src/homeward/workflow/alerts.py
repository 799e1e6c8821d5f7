"""Geo-targeted alerts for a missing report: publish, update, close; sightings in reply.

Each step writes the alert change, its outbox row (alerts/queue.py) and its audit event
in the caller's one transaction: an alert is never announced without being stored, nor
stored without being announced. Publishing also publishes the report's public alert page
(``MissingReport.published``, the switch of the case page); closing because the child was
found withdraws it, and the alert's own public page then says "found" and nothing more.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.alerts import queue
from homeward.alerts.errors import AlertInputError, BadLinkError, ReplayedLinkError
from homeward.alerts.geo import LocationError, check_location
from homeward.alerts.messages import CLOSING_TEXTS, check_texts
from homeward.alerts.schedule import DEFAULT_SCHEDULE, RadiusSchedule, as_utc
from homeward.alerts.signing import LinkRefused, read_token, token_hash
from homeward.intake import tips as intake_tips
from homeward.registry import audit
from homeward.registry.models import (
    AlertSightingReply,
    AlertSubscriber,
    AlertVersion,
    GeoAlert,
    MissingReport,
    Tip,
    utcnow,
)
from homeward.workflow.errors import NotFoundError, RuleViolationError
from homeward.workflow.states import PUBLIC_REPORT_STATES

MAX_DESCRIPTION_CHARS = 2000
OUTCOMES = tuple(CLOSING_TEXTS)


def active_alert(session: Session, report_id: int) -> GeoAlert | None:
    return session.scalar(select(GeoAlert).where(GeoAlert.report_id == report_id,
                                                 GeoAlert.status == "active"))


def _description(text: str | None) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise AlertInputError(f"description has {len(text)} characters; at most "
                              f"{MAX_DESCRIPTION_CHARS}")
    return text or None


def _new_version(session: Session, alert: GeoAlert, kind: str, texts: dict[str, str],
                 description: str | None, actor: str) -> AlertVersion:
    number = 1 + max((v.number for v in alert.versions), default=0)
    version = AlertVersion(alert_id=alert.id, number=number, kind=kind, texts=texts,
                           description=description, created_by=actor)
    session.add(version)
    session.flush()
    session.refresh(alert, ["versions"])
    return version


def publish_alert(session: Session, *, actor: str, report: MissingReport,
                  texts: dict[str, str], description: str | None = None,
                  latitude: Any = None, longitude: Any = None, place_label: str | None = None,
                  last_seen_at: dt.datetime | None = None,
                  schedule: RadiusSchedule | None = None, expires_hours: float = 72.0,
                  now: dt.datetime | None = None) -> GeoAlert:
    """Start an alert around the place last seen (the report's place unless given); its
    first radius goes out at once, the next ones as the schedule comes due."""
    if report.status not in PUBLIC_REPORT_STATES:
        raise RuleViolationError(f"report {report.id} is {report.status!r}: only a child "
                                 "still searched for gets an alert")
    if active_alert(session, report.id) is not None:
        raise RuleViolationError(f"report {report.id} already has an active alert; update "
                                 "it instead")
    texts = check_texts(texts)
    description = _description(description)
    if latitude is None and longitude is None and report.last_seen_location is not None:
        place = report.last_seen_location
        latitude, longitude = place.latitude, place.longitude
        place_label = place_label or place.name_en or place.name
    if latitude is None or longitude is None:
        raise AlertInputError("place last seen: give its latitude and longitude (the report "
                              "has no place with coordinates)")
    try:
        lat, lon = check_location(latitude, longitude, "place last seen")
    except LocationError as error:
        raise AlertInputError(str(error)) from None
    if not 0 < expires_hours <= 24 * 90:
        raise AlertInputError("expiry: between 0 and 2160 hours (90 days)")
    now = as_utc(now or utcnow())
    if last_seen_at is not None and as_utc(last_seen_at) > now + dt.timedelta(minutes=10):
        raise AlertInputError("time last seen cannot be in the future")
    schedule = schedule or DEFAULT_SCHEDULE
    alert = GeoAlert(report_id=report.id, status="active", latitude=lat, longitude=lon,
                     place_label=(place_label or "").strip()[:200] or None,
                     last_seen_at=last_seen_at, radius_schedule=schedule.as_json(),
                     radius_step=0, started_at=now,
                     expires_at=now + dt.timedelta(hours=expires_hours), published_by=actor)
    session.add(alert)
    session.flush()
    version = _new_version(session, alert, "alert", texts, description, actor)
    queue.enqueue(session, alert, version, radius_km=schedule.steps[0].radius_km)
    report.published = True
    audit.record(session, actor=actor, action="create", entity="geo_alert",
                 entity_id=alert.id, details={"report_id": report.id,
                                              "schedule": schedule.as_json(),
                                              "languages": sorted(texts)})
    return alert


def _open_alert(session: Session, alert_id: int) -> GeoAlert:
    alert = session.get(GeoAlert, alert_id)
    if alert is None:
        raise NotFoundError(f"no alert {alert_id}")
    if alert.status != "active":
        raise RuleViolationError(f"alert {alert_id} is closed ({alert.outcome})")
    return alert


def update_alert(session: Session, alert_id: int, *, actor: str, texts: dict[str, str],
                 description: str | None = None, now: dt.datetime | None = None
                 ) -> AlertVersion:
    """New information: a new version, sent to everyone within the current radius
    (once more to those who had the earlier one)."""
    alert = _open_alert(session, alert_id)
    texts = check_texts(texts)
    description = _description(description)
    version = _new_version(session, alert, "update", texts, description, actor)
    radius = queue.current_radius_km(alert, as_utc(now or utcnow()))
    queue.enqueue(session, alert, version, radius_km=radius)
    audit.record(session, actor=actor, action="update", entity="geo_alert",
                 entity_id=alert.id, details={"version": version.number,
                                              "radius_km": radius})
    return version


def close_alert(session: Session, alert_id: int, *, actor: str, outcome: str,
                now: dt.datetime | None = None) -> AlertVersion:
    """Close the alert (``found`` or ``withdrawn``) and tell those who got it; messages
    not yet sent are cancelled, and the radius stops widening."""
    if outcome not in OUTCOMES:
        raise AlertInputError(f"outcome {outcome!r} unknown; use one of {', '.join(OUTCOMES)}")
    alert = _open_alert(session, alert_id)
    alert.status, alert.outcome = "closed", outcome
    alert.closed_at, alert.closed_by = as_utc(now or utcnow()), actor
    version = _new_version(session, alert, outcome, dict(CLOSING_TEXTS[outcome]), None, actor)
    cancelled = queue.cancel_unsent(session, alert.id, reason=f"alert closed: {outcome}")
    queue.enqueue(session, alert, version, radius_km=None, audience="recipients")
    if outcome == "found":
        report = session.get(MissingReport, alert.report_id)
        if report is not None:
            report.published = False  # the public page of the report closes
    audit.record(session, actor=actor, action="update", entity="geo_alert",
                 entity_id=alert.id, details={"closed": outcome, "cancelled": cancelled})
    return version


def record_sighting(session: Session, *, key: bytes, token: str, text: str,
                    place: str = "", seen_at: dt.datetime | None = None, contact: str = "",
                    client: str = "", secret: str = "") -> Tip:
    """A sighting sent from a message's reply link: an urgent tip linked to the case,
    through intake's triage. A link works once; an unsigned or altered one never."""
    try:
        alert_id, subscriber_id, _, nonce = read_token(key, token, "s")
    except (LinkRefused, ValueError) as refused:
        raise BadLinkError(f"sighting refused: {refused}") from None
    subscriber = session.get(AlertSubscriber, int(subscriber_id))
    alert = session.get(GeoAlert, int(alert_id))
    if subscriber is None or alert is None or subscriber.link_nonce != nonce:
        raise BadLinkError("sighting refused: this link is no longer valid")
    digest = token_hash(token)
    if session.scalar(select(AlertSightingReply.id).where(
            AlertSightingReply.token_hash == digest)):
        raise ReplayedLinkError("sighting refused: this reply link was already used; send "
                              "more through the tip form")
    if alert.status != "active" and alert.outcome == "found":
        raise AlertInputError("sighting refused: this child has been found; thank you")
    tip = intake_tips.submit_tip(session, text=text, place=place, seen_at=seen_at,
                                 contact=contact, client=client, secret=secret, urgent=True,
                                 report_id=alert.report_id)
    session.add(AlertSightingReply(token_hash=digest, alert_id=alert.id,
                                   subscriber_id=subscriber.id, tip_id=tip.id))
    session.flush()
    audit.record(session, actor="public", action="create", entity="alert_sighting",
                 entity_id=tip.id, details={"alert_id": alert.id})
    return tip
