"""The alert API (``/api/v1``): the investigator's alert of a case with its delivery
status; subscribing, unsubscribing and sighting replies for anyone (rate limited; the
signed token in the path authorises unsubscribing and sightings)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from sqlalchemy.orm import Session

from homeward.alerts import status as alert_status
from homeward.alerts.errors import AlertInputError
from homeward.alerts.messages import manage_token, unsubscribe_token
from homeward.alerts.signing import webhook_secret
from homeward.alerts.subscriptions import subscriber_of, unsubscribe
from homeward.registry.models import User
from homeward.web import alert_forms as forms
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.intake_forms import TipIn
from homeward.web.limits import limit_submission
from homeward.web.params import RecordId
from homeward.web.signin import client_address
from homeward.workflow import alerts as workflow

Token = Annotated[str, Path(max_length=200)]
public = APIRouter(prefix="/api/v1", tags=["alerts"])
private = APIRouter(prefix="/api/v1", tags=["alerts"], dependencies=[Depends(check_csrf)])


def _refused(error: AlertInputError) -> HTTPException:
    return HTTPException(forms.refusal_status(error), str(error))


@private.get("/cases/{report_id}/alert")
def get_alert(report_id: RecordId, session: Session = DB,
              user: User = Depends(needs("alerts"))) -> dict[str, Any]:
    """The case's active alert: state, radius, versions, delivery counts by channel."""
    return alert_status.alert_summary(session, forms.alert_of_case(session, user, report_id,
                                                                   "api alert"))


@private.get("/cases/{report_id}/alert/deliveries")
def get_deliveries(report_id: RecordId,
                   status: Annotated[str | None, Query(pattern="^[a-z]{1,12}$")] = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                   offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
                   session: Session = DB, user: User = Depends(needs("alerts"))) -> list[dict]:
    """Delivery status per subscriber and channel (addresses masked)."""
    alert = forms.alert_of_case(session, user, report_id, "api alert deliveries")
    return [row.as_json() for row in alert_status.deliveries(
        session, alert.id, status=status, limit=limit, offset=offset)]


@private.post("/cases/{report_id}/alert", status_code=201)
def post_alert(report_id: RecordId, body: forms.PublishIn, request: Request,
               session: Session = DB, user: User = Depends(needs("alerts"))) -> dict[str, Any]:
    try:
        alert = forms.publish(session, request, user, report_id, body)
    except AlertInputError as error:
        raise _refused(error) from None
    return alert_status.alert_summary(session, alert)


@private.post("/cases/{report_id}/alert/update")
def post_update(report_id: RecordId, body: forms.UpdateIn, session: Session = DB,
                user: User = Depends(needs("alerts"))) -> dict[str, Any]:
    alert = forms.alert_of_case(session, user, report_id, "api update alert")
    try:
        version = workflow.update_alert(session, alert.id, actor=user.username,
                                        texts={"en": body.text_en, "zh": body.text_zh},
                                        description=body.description)
    except AlertInputError as error:
        raise _refused(error) from None
    return {"alert_id": alert.id, "version": version.number}


@private.post("/cases/{report_id}/alert/close")
def post_close(report_id: RecordId, body: forms.CloseIn, request: Request,
               session: Session = DB, user: User = Depends(needs("alerts"))) -> dict[str, Any]:
    alert = forms.alert_of_case(session, user, report_id, "api close alert")
    version = workflow.close_alert(session, alert.id, actor=user.username,
                                   outcome=body.outcome)
    request.app.state.names.invalidate()
    return {"alert_id": alert.id, "version": version.number, "outcome": body.outcome}


@public.get("/public/geo-alerts/{alert_id}")
def get_public_alert(alert_id: RecordId, session: Session = DB) -> dict[str, Any]:
    """An alert's state (active, expired, found, withdrawn) and, while active, the child's
    public card."""
    return forms.public_view(session, alert_id)


@public.post("/public/subscriptions", status_code=201,
             responses={422: {"description": "a value is refused (named in detail)"},
                        429: {"description": "rate limited"}})
def post_subscription(body: forms.SubscribeIn, request: Request,
                      session: Session = DB) -> dict[str, Any]:
    limit_submission(request, "subscription")
    try:
        subscriber = forms.new_subscriber(session, request, body)
    except AlertInputError as error:
        raise _refused(error) from None
    key = forms.key_of(request)
    base = request.app.state.settings.public_base_url.rstrip("/")
    return {"subscriber_id": subscriber.id,
            "manage_url": f"{base}/subscriptions/{manage_token(key, subscriber)}",
            "unsubscribe_url": f"{base}/unsubscribe/{unsubscribe_token(key, subscriber)}",
            "webhook_secrets": {str(c.id): webhook_secret(key, c.id, subscriber.link_nonce)
                                for c in subscriber.channels if c.kind == "webhook"}}


@public.post("/public/unsubscribe/{token}")
def post_unsubscribe(token: Token, request: Request, session: Session = DB) -> dict[str, Any]:
    try:
        subscriber = subscriber_of(session, forms.key_of(request), token, "u")
    except AlertInputError as error:
        raise HTTPException(400, str(error)) from None
    unsubscribe(session, subscriber)
    return {"subscriber_id": subscriber.id, "active": subscriber.active}


@public.post("/public/sightings/{token}", status_code=201,
             responses={400: {"description": "unsigned or altered link"},
                        409: {"description": "this link was already used"}})
def post_sighting(token: Token, tip: TipIn, request: Request,
                  session: Session = DB) -> dict[str, Any]:
    limit_submission(request, "tip")
    try:
        stored = forms.sighting(session, request, token, tip, client_address(request))
    except AlertInputError as error:
        raise _refused(error) from None
    return {"tip_id": stored.id, "urgent": stored.urgent, "report_id": stored.report_id}


router = APIRouter()
router.include_router(public)
router.include_router(private)
