"""Alert pages: the investigator's alert of a case; subscribing, the subscriber's inbox,
one-link unsubscribe and the sighting form for the public; an alert's public state.

The links in messages (``/unsubscribe/...``, ``/subscriptions/...``, ``/sightings/...``)
carry their own signed token: that token, not a cookie, is what authorises the request,
so those routes take no CSRF token (a mail client's RFC 8058 one-click POST has none).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from homeward.alerts import status as alert_status
from homeward.alerts.errors import AlertInputError
from homeward.alerts.messages import manage_token, unsubscribe_token
from homeward.alerts.signing import LinkRefused, read_token, webhook_secret
from homeward.alerts.subscriptions import SUBSCRIBER_KINDS, subscriber_of, unsubscribe
from homeward.registry.gazetteer import places
from homeward.registry.models import AlertInboxMessage, AlertSubscriber, User
from homeward.web import alert_forms as forms
from homeward.web.deps import DB, check_csrf, current_user, needs
from homeward.web.intake_forms import TipIn
from homeward.web.limits import limit_submission
from homeward.web.map_picker import FRAME, china_svg
from homeward.web.params import RecordId
from homeward.web.records import open_report
from homeward.web.rendering import render
from homeward.web.signin import client_address
from homeward.workflow import alerts as workflow

pages = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
links = APIRouter(include_in_schema=False)  # authorised by the signed token in the path


def _errors(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    return [str(error)]


def _form(raw) -> dict[str, str]:
    return {k: v for k, v in raw.items() if isinstance(v, str) and k != "csrf_token"}


# --- the investigator -----------------------------------------------------------------

def _case_page(request: Request, session: Session, user: User, report_id: int,
               status_code: int = 200, form_errors: list[str] | None = None,
               form: dict | None = None) -> Response:
    report = open_report(session, user, report_id, "alert page")
    alerts = forms.alerts_of_case(session, report.id)
    shown = alerts[0] if alerts else None
    return render(request, "alerts/case.html", status_code=status_code, report=report,
                  alerts=alerts, alert=shown,
                  summary=alert_status.alert_summary(session, shown) if shown else None,
                  deliveries=alert_status.deliveries(session, shown.id) if shown else [],
                  form_errors=form_errors or [], form=form or {})


@pages.get("/cases/{report_id}/alert")
def case_alert(report_id: RecordId, request: Request, session: Session = DB,
               user: User = Depends(needs("alerts"))) -> Response:
    return _case_page(request, session, user, report_id)


@pages.post("/cases/{report_id}/alert")
async def publish_alert(report_id: RecordId, request: Request, session: Session = DB,
                        user: User = Depends(needs("alerts"))) -> Response:
    form = _form(await request.form())
    try:
        parsed = forms.PublishIn.model_validate({k: v for k, v in form.items() if v != ""})
        await run_in_threadpool(forms.publish, session, request, user, report_id, parsed)
    except (ValidationError, AlertInputError) as error:
        return _case_page(request, session, user, report_id, 422, _errors(error), form)
    return RedirectResponse(f"/cases/{report_id}/alert", status_code=303)


@pages.post("/cases/{report_id}/alert/update")
async def update_alert(report_id: RecordId, request: Request, session: Session = DB,
                       user: User = Depends(needs("alerts"))) -> Response:
    form = _form(await request.form())
    try:
        parsed = forms.UpdateIn.model_validate(form)
        alert = forms.alert_of_case(session, user, report_id, "update geo-alert")
        workflow.update_alert(session, alert.id, actor=user.username,
                              texts={"en": parsed.text_en, "zh": parsed.text_zh},
                              description=parsed.description)
    except (ValidationError, AlertInputError) as error:
        return _case_page(request, session, user, report_id, 422, _errors(error), form)
    return RedirectResponse(f"/cases/{report_id}/alert", status_code=303)


@pages.post("/cases/{report_id}/alert/close")
async def close_alert(report_id: RecordId, request: Request, session: Session = DB,
                      user: User = Depends(needs("alerts"))) -> Response:
    form = _form(await request.form())
    try:
        parsed = forms.CloseIn.model_validate(form)
        alert = forms.alert_of_case(session, user, report_id, "close geo-alert")
        workflow.close_alert(session, alert.id, actor=user.username, outcome=parsed.outcome)
    except (ValidationError, AlertInputError) as error:
        return _case_page(request, session, user, report_id, 422, _errors(error), form)
    request.app.state.names.invalidate()  # a found child's public alert is withdrawn
    return RedirectResponse(f"/cases/{report_id}/alert", status_code=303)


# --- the public -----------------------------------------------------------------------

def _city_choices() -> list[tuple[str, str]]:
    return sorted(((p.adcode, f"{p.name_en} {p.name}") for p in places().values()
                   if p.is_city or p.is_province), key=lambda c: c[1])


def _subscribe_page(request: Request, status_code: int = 200, form: dict | None = None,
                    form_errors: list[str] | None = None) -> Response:
    return render(request, "alerts/subscribe.html", status_code=status_code,
                  form=form or {}, form_errors=form_errors or [], kinds=SUBSCRIBER_KINDS,
                  cities=_city_choices(), map_frame=FRAME.attributes())


def subscription_from_form(form: dict[str, str]) -> forms.SubscribeIn:
    place: dict[str, str | float | None] = {"label": form.get("label") or None}
    if form.get("adcode"):
        place["adcode"] = form["adcode"]
    else:
        place.update(latitude=form.get("latitude") or None,
                     longitude=form.get("longitude") or None)
    channels: list[dict[str, str | None]] = []
    if form.get("email"):
        channels.append({"kind": "email", "address": form["email"]})
    if form.get("webhook"):
        channels.append({"kind": "webhook", "address": form["webhook"]})
    if form.get("inbox") or not channels:
        channels.append({"kind": "inbox"})
    return forms.SubscribeIn(kind=form.get("kind") or "public", name=form.get("name") or "",
                             language=form.get("language") or "en", locations=[place],
                             channels=channels)


@pages.get("/maps/china.svg")
def china_map() -> Response:
    """The base map of the place picker (provinces only: public, nothing about a case)."""
    return Response(china_svg(), media_type="image/svg+xml")


@pages.get("/subscribe")
def subscribe_form(request: Request, user: User | None = Depends(current_user)) -> Response:
    return _subscribe_page(request)


@pages.post("/subscribe")
async def subscribe_submit(request: Request, session: Session = DB,
                           user: User | None = Depends(current_user)) -> Response:
    form = _form(await request.form())
    try:
        parsed = subscription_from_form(form)
        limit_submission(request, "subscription")
        subscriber = await run_in_threadpool(forms.new_subscriber, session, request, parsed)
    except HTTPException as refused:
        return _subscribe_page(request, refused.status_code, form, [str(refused.detail)])
    except (ValidationError, AlertInputError) as error:
        return _subscribe_page(request, 422, form, _errors(error))
    token = manage_token(forms.key_of(request), subscriber)
    return RedirectResponse(f"/subscriptions/{token}?new=1", status_code=303)


@links.get("/subscriptions/{token}")
def manage(token: str, request: Request, new: int = 0, session: Session = DB,
           user: User | None = Depends(current_user)) -> Response:
    subscriber = _subscriber(session, request, token, "m")
    key = forms.key_of(request)
    inbox = session.scalars(select(AlertInboxMessage).where(
        AlertInboxMessage.subscriber_id == subscriber.id)
        .order_by(AlertInboxMessage.id.desc()).limit(50)).all()
    secrets = {c.id: webhook_secret(key, c.id, subscriber.link_nonce)
               for c in subscriber.channels if c.kind == "webhook"}
    return render(request, "alerts/manage.html", subscriber=subscriber, inbox=inbox,
                  secrets=secrets, new=bool(new),
                  unsubscribe=f"/unsubscribe/{unsubscribe_token(key, subscriber)}")


def _subscriber(session: Session, request: Request, token: str, kind: str) -> AlertSubscriber:
    try:
        return subscriber_of(session, forms.key_of(request), token[:200], kind)
    except AlertInputError as error:
        raise HTTPException(400, str(error)) from None


@links.get("/unsubscribe/{token}")
def unsubscribe_page(token: str, request: Request, session: Session = DB,
                     user: User | None = Depends(current_user)) -> Response:
    subscriber = _subscriber(session, request, token, "u")
    return render(request, "alerts/unsubscribe.html", subscriber=subscriber, token=token)


@links.post("/unsubscribe/{token}")
def unsubscribe_now(token: str, request: Request, session: Session = DB,
                    user: User | None = Depends(current_user)) -> Response:
    """The page's button, or a mail client's RFC 8058 one-click POST."""
    subscriber = unsubscribe(session, _subscriber(session, request, token, "u"))
    return render(request, "alerts/unsubscribe.html", subscriber=subscriber, token=token)


def _sighting_page(request: Request, token: str, status_code: int = 200,
                   form: dict | None = None, form_errors: list[str] | None = None) -> Response:
    return render(request, "alerts/sighting.html", status_code=status_code, token=token,
                  form=form or {}, form_errors=form_errors or [])


@links.get("/sightings/{token}")
def sighting_form(token: str, request: Request, session: Session = DB,
                  user: User | None = Depends(current_user)) -> Response:
    try:
        read_token(forms.key_of(request), token[:200], "s")
    except LinkRefused as refused:
        raise HTTPException(400, f"sighting link refused: {refused}") from None
    return _sighting_page(request, token[:200])


@links.post("/sightings/{token}")
async def sighting_submit(token: str, request: Request, session: Session = DB,
                          user: User | None = Depends(current_user)) -> Response:
    form = _form(await request.form())
    try:
        tip = TipIn.model_validate({k: v for k, v in form.items() if v != ""})
        limit_submission(request, "tip")
        stored = await run_in_threadpool(forms.sighting, session, request, token[:200], tip,
                                         client_address(request))
    except HTTPException as refused:
        return _sighting_page(request, token, refused.status_code, form, [str(refused.detail)])
    except ValidationError as error:
        return _sighting_page(request, token, 422, form, _errors(error))
    except AlertInputError as error:
        return _sighting_page(request, token, forms.refusal_status(error), form, [str(error)])
    return render(request, "alerts/sighting_thanks.html", tip=stored)


@pages.get("/geo-alerts/{alert_id}")
def public_alert(alert_id: RecordId, request: Request, session: Session = DB,
                 user: User | None = Depends(current_user)) -> Response:
    return render(request, "alerts/public.html", view=forms.public_view(session, alert_id))


router = APIRouter()
router.include_router(pages)
router.include_router(links)
