"""What the alert pages and the alert API accept, and the calls they share.

Both doors parse the same schemas and call the same services (workflow/alerts.py,
alerts/subscriptions.py), so a rule is checked once whichever way a request comes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.alerts import status as alert_status
from homeward.alerts.errors import AlertInputError, BadLinkError, ReplayedLinkError
from homeward.alerts.schedule import DEFAULT_SCHEDULE, RadiusSchedule, ScheduleError
from homeward.alerts.signing import link_key
from homeward.alerts.subscriptions import ChannelIn, PlaceIn, subscribe
from homeward.registry.models import AlertSubscriber, GeoAlert, MissingReport, User
from homeward.web import publishing
from homeward.web.intake_forms import TipIn
from homeward.web.records import open_report
from homeward.workflow import alerts as workflow

Text = Annotated[str, Field(default="", max_length=2000)]


class PublishIn(BaseModel):
    """An alert: texts of at most 360 characters per language (checked by the service,
    which names the language), the place and time last seen, an optional schedule."""

    text_en: Text = ""
    text_zh: Text = ""
    description: Annotated[str, Field(max_length=4000)] = ""
    latitude: float | None = None
    longitude: float | None = None
    place_label: Annotated[str, Field(max_length=200)] = ""
    last_seen_at: dt.datetime | None = None
    schedule: Annotated[str, Field(max_length=300)] = ""
    expires_hours: float = 72.0

    def texts(self) -> dict[str, str]:
        return {"en": self.text_en, "zh": self.text_zh}


class UpdateIn(BaseModel):
    text_en: Text = ""
    text_zh: Text = ""
    description: Annotated[str, Field(max_length=4000)] = ""


class CloseIn(BaseModel):
    outcome: Annotated[str, Field(pattern="^(found|withdrawn)$")]


class SubscribeIn(BaseModel):
    """A subscription: places (adcodes or coordinates) and channels; the service checks
    every value and names the one that is wrong."""

    kind: Annotated[str, Field(max_length=20)] = "public"
    name: Annotated[str, Field(max_length=200)] = ""
    language: Annotated[str, Field(max_length=5)] = "en"
    locations: Annotated[list[dict[str, str | float | None]], Field(max_length=10)]
    channels: Annotated[list[dict[str, str | None]], Field(max_length=5)]


def publish(session: Session, request: Request, user: User, report_id: int,
            form: PublishIn) -> GeoAlert:
    report = open_report(session, user, report_id, "publish geo-alert")
    try:
        schedule = RadiusSchedule.parse(form.schedule) if form.schedule.strip() \
            else DEFAULT_SCHEDULE
    except ScheduleError as error:
        raise AlertInputError(f"radius schedule: {error}") from None
    return workflow.publish_alert(
        session, actor=user.username, report=report, texts=form.texts(),
        description=form.description, latitude=form.latitude, longitude=form.longitude,
        place_label=form.place_label or None, last_seen_at=form.last_seen_at,
        schedule=schedule, expires_hours=form.expires_hours)


def alert_of_case(session: Session, user: User, report_id: int, why: str) -> GeoAlert:
    """The case's active alert (the case's access rule first)."""
    open_report(session, user, report_id, why)
    alert = workflow.active_alert(session, report_id)
    if alert is None:
        raise HTTPException(404, "this case has no active alert")
    return alert


def alerts_of_case(session: Session, report_id: int) -> list[GeoAlert]:
    return list(session.scalars(select(GeoAlert).where(GeoAlert.report_id == report_id)
                                .order_by(GeoAlert.id.desc())))


def new_subscriber(session: Session, request: Request, form: SubscribeIn) -> AlertSubscriber:
    settings = request.app.state.settings
    places = [PlaceIn(adcode=_text(p.get("adcode")), latitude=p.get("latitude"),
                      longitude=p.get("longitude"), label=_text(p.get("label")))
              for p in form.locations]
    channels = [ChannelIn(kind=_text(c.get("kind")) or "", address=_text(c.get("address")))
                for c in form.channels]
    return subscribe(session, kind=form.kind, name=form.name or None, language=form.language,
                     locations=places, channels=channels,
                     allow_private_webhooks=settings.alert_allow_private_webhooks)


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


def key_of(request: Request) -> bytes:
    return link_key(request.app.state.settings)


def sighting(session: Session, request: Request, token: str, tip: TipIn, client: str):
    return workflow.record_sighting(
        session, key=key_of(request), token=token, text=tip.text, place=tip.place,
        seen_at=tip.seen_at, contact=tip.contact, client=client,
        secret=request.app.state.client_secret)


def refusal_status(error: AlertInputError) -> int:
    """409 for a link used twice, 400 for a link that is not ours, 422 for bad values."""
    if isinstance(error, ReplayedLinkError):
        return 409
    return 400 if isinstance(error, BadLinkError) else 422


def public_view(session: Session, alert_id: int) -> dict:
    """What anyone may see of an alert: its state, and the child's public card while it
    is active (publishing's rules decide what the card shows)."""
    alert = session.get(GeoAlert, alert_id)
    if alert is None:
        raise HTTPException(404, "no such alert")
    state = alert_status.public_status(alert)
    report = session.get(MissingReport, alert.report_id)
    card = publishing.alert(session, alert.report_id) if state in ("active", "expired") \
        and report is not None else None
    texts = alert.versions[-1].texts if card and alert.versions else {}
    return {"id": alert.id, "status": state, "texts": texts,
            "report_id": card.id if card else None, "child": card.as_json() if card else None}
