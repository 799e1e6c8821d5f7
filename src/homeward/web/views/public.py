"""Public pages: alerts, name search, statistics, tips, family registration, sign-in."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from homeward.intake.tips import attach_tip_photo
from homeward.registry.models import Tip, User
from homeward.statistics.choropleth import FIGURE_TYPES, MEASURE_NAMES
from homeward.web import publishing, sessions
from homeward.web.deps import DB, check_csrf, current_user
from homeward.web.i18n import LANGUAGES, choose_language
from homeward.web.intake_forms import (
    FamilyRegistration,
    TipIn,
    province_choices,
    register_family_case,
    submit_tip,
)
from homeward.web.limits import limit_submission, redeem_proof
from homeward.web.params import Cursor, RecordId
from homeward.web.photos import ANONYMOUS_MAX_PIXELS, PhotoError, clean_photo
from homeward.web.rendering import render
from homeward.web.signin import SignInRefused, client_address, sign_in, sign_out
from homeward.workflow.errors import RuleViolationError

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
ALERTS_PAGE = 48  # alert cards on one page of /alerts


def _safe_next(target: str | None) -> str:
    """Only same-site paths: no open redirect to another host after sign-in."""
    if not target or urlparse(target).netloc or not target.startswith("/") \
            or target.startswith("//"):
        return "/dashboard"
    return target


@router.get("/")
def home(request: Request, session: Session = DB,
         user: User | None = Depends(current_user)) -> Response:
    return render(request, "public/home.html", alerts=publishing.alerts(session, limit=12),
                  stats=publishing.statistics(session))


@router.get("/alerts")
def alert_list(request: Request, before: Cursor = None, after: Cursor = None,
               session: Session = DB,
               user: User | None = Depends(current_user)) -> Response:
    """Newest first, a keyset page at a time (never OFFSET)."""
    alerts, page = publishing.alerts_page(session, limit=ALERTS_PAGE, before=before,
                                          after=after)
    return render(request, "public/alerts.html", alerts=alerts, newer=page.newer,
                  older=page.older)


@router.get("/alerts/{report_id}")
def alert_page(report_id: RecordId, request: Request, session: Session = DB,
               user: User | None = Depends(current_user)) -> Response:
    found = publishing.alert(session, report_id)
    if found is None:
        raise HTTPException(404, "no published alert with this number (it may be closed)")
    return render(request, "public/alert.html", alert=found)


@router.get("/alerts/{report_id}/photo")
def alert_photo(report_id: RecordId, session: Session = DB) -> Response:
    photo = publishing.public_photo(session, report_id)
    if photo is None:
        raise HTTPException(404, "no photo")
    return Response(photo.content, media_type=photo.media_type)


@router.get("/search")
async def search(request: Request, q: str = "") -> Response:
    q = q[:100]
    with request.app.state.read_factory() as session:  # on the loop: see publishing.search
        current_user(request, session)
        found = publishing.search(session, request.app.state.names, q) if q else []
    return render(request, "public/search.html", q=q, alerts=found)


@router.get("/statistics")
def statistics(request: Request, session: Session = DB,
               user: User | None = Depends(current_user)) -> Response:
    return render(request, "public/statistics.html", stats=publishing.statistics(session))


@router.get("/statistics.csv")
def statistics_csv(session: Session = DB) -> Response:
    return Response(publishing.published_statistics(session).as_csv(),
                    media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="statistics.csv"'})


@router.get("/statistics/{figure}.{fmt}")
def statistics_figure(figure: Literal["map", "chart"], fmt: Literal["svg", "png"],
                      request: Request, lang: str | None = None,
                      measure: Literal[MEASURE_NAMES] = "rescued",  # type: ignore[valid-type]
                      session: Session = DB) -> Response:
    language = choose_language(lang or request.cookies.get("lang"),
                               request.headers.get("accept-language"))
    image = publishing.statistics_figure(session, figure, measure=measure, language=language,
                                         fmt=fmt)
    return Response(image, media_type=FIGURE_TYPES[fmt],
                    headers={"cache-control": "public, max-age=3600"})


@router.get("/tips/new")
def tip_form(request: Request, user: User | None = Depends(current_user)) -> Response:
    return render(request, "public/tip.html", errors=[], form={})


@router.post("/tips/new")
async def tip_submit(request: Request, session: Session = DB,
                     user: User | None = Depends(current_user)) -> Response:
    form = dict(await request.form())
    form.pop("csrf_token", None)
    upload = form.pop("photo", None)
    photo = None
    try:
        tip = TipIn.model_validate({k: v for k, v in form.items() if v != ""})
        limit_submission(request, "tip")  # the API's allowance: one limit for both doors
        if isinstance(upload, StarletteUpload) and upload.filename:
            photo = clean_photo(await upload.read(),  # checked before anything is stored
                                max_pixels=ANONYMOUS_MAX_PIXELS)
    except HTTPException as refused:  # over the allowance (429)
        page = render(request, "public/tip.html", status_code=refused.status_code, form=form,
                      errors=[str(refused.detail)])
        page.headers.update(refused.headers or {})
        return page
    except ValidationError as error:
        return render(request, "public/tip.html", status_code=422, form=form,
                      errors=[f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                              for e in error.errors()])
    except PhotoError as error:
        return render(request, "public/tip.html", status_code=422, form=form,
                      errors=[f"photo: {error}"])
    def store() -> Tip:  # in a worker thread: never wait for the database on the loop
        record = submit_tip(session, tip, client=client_address(request),
                            secret=request.app.state.client_secret)
        if photo is not None:
            attach_tip_photo(session, record, *photo)
        return record

    return render(request, "public/tip_thanks.html", tip=await run_in_threadpool(store))


def _register_page(request: Request, status_code: int = 200, form: dict | None = None,
                   errors: list[str] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The form, with a fresh proof-of-work challenge that static/proof-of-work.js solves."""
    page = render(request, "public/register.html", status_code=status_code, form=form or {},
                  errors=errors or [], provinces=province_choices(),
                  challenge=request.app.state.challenges.issue())
    page.headers.update(headers or {})
    return page


@router.get("/register")
def register_form(request: Request, user: User | None = Depends(current_user)) -> Response:
    return _register_page(request)


@router.post("/register")
async def register_submit(request: Request, session: Session = DB,
                          user: User | None = Depends(current_user)) -> Response:
    form = {k: v for k, v in (await request.form()).items() if k != "csrf_token"}
    challenge, nonce = form.pop("challenge", None), form.pop("nonce", None)
    try:
        redeem_proof(request, challenge if isinstance(challenge, str) else None,
                     nonce if isinstance(nonce, str) else None)
        registration = FamilyRegistration.model_validate(form)
        limit_submission(request, "registration")  # the API's allowance too
        account = await run_in_threadpool(register_family_case, session, registration)
    except HTTPException as refused:
        return _register_page(request, refused.status_code, form, [str(refused.detail)],
                              headers=refused.headers)
    except ValidationError as error:
        return _register_page(request, 422, form,
                              [f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                               for e in error.errors()])
    except RuleViolationError as error:
        return _register_page(request, 409, form, [str(error)])
    sessions.start(request, session, account)
    return RedirectResponse("/family?registered=1", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str = "/dashboard",
               user: User | None = Depends(current_user)) -> Response:
    return render(request, "public/login.html", next=_safe_next(next), error=None)


@router.post("/login")
def login(request: Request, username: str = Form(max_length=80),
          password: str = Form(max_length=200), next: str = Form("/dashboard"),
          session: Session = DB) -> Response:
    try:
        sign_in(request, session, username, password)
    except SignInRefused as refused:
        return render(request, "public/login.html", status_code=refused.status_code,
                      next=_safe_next(next), error=str(refused))
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, everywhere: str = Form(""), session: Session = DB,
           user: User | None = Depends(current_user)) -> Response:
    """End this session on the server (``everywhere``: every session of the account)."""
    sign_out(request, session, user, everywhere=bool(everywhere))
    return RedirectResponse("/", status_code=303)


@router.get("/language/{code}")
def language(code: str, request: Request) -> Response:
    if code not in LANGUAGES:
        raise HTTPException(404, "unknown language")
    back = _safe_next(request.headers.get("referer") and urlparse(
        request.headers["referer"]).path) if request.headers.get("referer") else "/"
    response = RedirectResponse(back, status_code=303)
    response.set_cookie("lang", code, max_age=365 * 86400, samesite="lax", httponly=True)
    return response
