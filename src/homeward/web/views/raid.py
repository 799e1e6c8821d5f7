"""Pages from raid to reunion: operations, rescued children, suspects, relatives, care,
telling the family, the reunion and the child-welfare review.

Each form translates HTTP to the same workflow function as its JSON route
(web/api_raid.py), through the same schemas (web/raid_forms.py); access comes from
``needs`` and web/records.py. A refused step (a rule of the workflow: 409; a form the
schema refuses: 422) re-renders the page with the reason, and nothing is stored: each
step runs in a savepoint that is rolled back on error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from homeward.registry.models import FoundChild, Match, Operation, User
from homeward.web import raid_forms as forms
from homeward.web.access import can, may_see_operation, visible_children
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.params import RecordId
from homeward.web.photos import PhotoError, clean_photo
from homeward.web.records import (
    open_child,
    open_match_case,
    open_operation,
    open_relative,
    open_report,
)
from homeward.web.rendering import render, templates
from homeward.workflow import care, cases, operations, review
from homeward.workflow.care import VISIT_KINDS
from homeward.workflow.cases import PLACEMENT_KINDS, RELATION_TO_TEST
from homeward.workflow.errors import (
    ImportFailedError,
    NotFoundError,
    PermissionDeniedError,
    WorkflowError,
)
from homeward.workflow.path import NEXT_STEP, STAGES, child_stages
from homeward.workflow.rescue_import import import_rescued_children
from homeward.workflow.states import WELFARE_CONCLUSIONS, WELFARE_REVIEW_STATES

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
MAX_SHEET = 5 * 1024 * 1024
TEMPLATE_URL = "/api/v1/rescued-children-template.csv"

# the choices the forms offer, the same tuples the schemas check against
templates.env.globals.update(
    RAID_PLACEMENT_KINDS=PLACEMENT_KINDS, RAID_VISIT_KINDS=VISIT_KINDS,
    RAID_RELATIONS=tuple(sorted(RELATION_TO_TEST)),
    RAID_SUSPECT_ROLES=operations.SUSPECT_ROLES,
    RAID_NOTIFICATION_METHODS=review.NOTIFICATION_METHODS,
    RAID_WELFARE_CONCLUSIONS=WELFARE_CONCLUSIONS, RAID_TEMPLATE_URL=TEMPLATE_URL)
_RENDER_KEYS = {"request", "user", "_", "lang", "languages", "csrf", "can"}


class Refused(Exception):
    """A step refused: the page is shown again with the reasons."""

    def __init__(self, status: int, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.status, self.errors = status, errors


# --- context of the pages these forms live on (used by views/cases.py too) -------------

def operation_extras(session: Session, user: User, operation_id: int) -> dict[str, Any]:
    """The operation page's overview (web/raid_forms.py operation_for: audited)."""
    overview = forms.operation_for(session, user, operation_id)
    return {"operation": overview.operation, "overview": overview,
            "children": [c for c, _ in overview.children], "stages": STAGES}


def child_extras(session: Session, child: FoundChild) -> dict[str, Any]:
    """Placement history, visits and the next step on the child's page."""
    stage = child_stages(session, [child])[child.id]
    return {"visits": care.visits_of(session, child), "stage": stage,
            "next_step": NEXT_STEP[stage], "current_placement": care.current_placement(child)}


def operation_rows(session: Session, user: User) -> list[Any]:
    """The operations this user may see, each with its number of children registered."""
    rows = session.execute(
        select(Operation, func.count(FoundChild.id)).outerjoin(
            FoundChild, FoundChild.operation_id == Operation.id)
        .group_by(Operation.id).order_by(Operation.started_on)).all()
    return [row for row in rows if may_see_operation(user, row[0])]


# --- forms ------------------------------------------------------------------------------

def _parse(schema: type[BaseModel], form: FormData, *, lists: Iterable[str] = (),
           flags: Iterable[str] = (), **extra: Any) -> Any:
    """The form as the schema reads it: empty fields left out (the schema's default),
    list fields split on commas and lines, check boxes true when ticked."""
    data: dict[str, Any] = {}
    lists, flags = set(lists), set(flags)
    for key in schema.model_fields:
        if key in flags:
            data[key] = form.get(key) in ("1", "on", "true", "yes")
            continue
        value = form.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        if key in lists:
            data[key] = [p.strip() for p in value.replace("\n", ",").split(",") if p.strip()]
        else:
            data[key] = value.strip()
    data.update(extra)
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise Refused(422, [f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                            for e in error.errors()[:50]]) from None


def _step(session: Session, action: Callable[[], Any]) -> Any:
    """Run one workflow step in a savepoint: on a refusal nothing of it is stored."""
    try:
        with session.begin_nested():
            return action()
    except ImportFailedError as error:
        raise Refused(422, [str(e) for e in error.errors]) from None
    except (NotFoundError, PermissionDeniedError):
        raise
    except WorkflowError as error:
        raise Refused(409, [str(error)]) from None
    except HTTPException as error:
        if error.status_code in (409, 413, 422):
            raise Refused(error.status_code, [str(error.detail)]) from None
        raise


def _again(page: Response, refused: Refused, form_name: str) -> Response:
    """The page the form lives on, again, with the reasons of the refusal."""
    context = {k: v for k, v in getattr(page, "context", {}).items() if k not in _RENDER_KEYS}
    request = page.context["request"]  # type: ignore[attr-defined]
    return render(request, page.template.name, status_code=refused.status,  # type: ignore
                  **context, form_errors=refused.errors, failed_form=form_name)


def _see(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


def _operations_page(request: Request, session: Session, user: User) -> Response:
    from homeward.web.views.cases import operations as operations_page

    return operations_page(request, session, user)


def _operation_page(request: Request, session: Session, user: User,
                    operation_id: int) -> Response:
    from homeward.web.views.cases import operation_page

    return operation_page(operation_id, request, session, user)


def _child_page(request: Request, session: Session, user: User, child_id: int) -> Response:
    if not (can(user, "cases") or can(user, "care")):
        raise HTTPException(403, "your role may not open this page")
    from homeward.web.views.cases import child_page

    return child_page(child_id, request, session, user)


def _case_page(request: Request, session: Session, user: User, report_id: int) -> Response:
    if can(user, "cases"):
        from homeward.web.views.cases import case_page

        return case_page(report_id, request, session, user)
    from homeward.web.views.family import family

    return family(request, 0, session, user)


def _case_url(user: User, report_id: int) -> str:
    return f"/cases/{report_id}" if can(user, "cases") else "/family"


# --- operations -------------------------------------------------------------------------

@router.post("/operations/new")
async def new_operation(request: Request, session: Session = DB,
                        user: User = Depends(needs("operations"))) -> Response:
    form = await request.form()
    try:
        body = _parse(forms.OperationIn, form, lists=("provinces", "cities"))
        operation = _step(session, lambda: operations.create_operation(
            session, actor=user.username, **body.fields()))
    except Refused as refused:
        return _again(_operations_page(request, session, user), refused, "operation")
    return _see(f"/operations/{operation.id}")


@router.post("/operations/{operation_id}/edit")
async def edit_operation(operation_id: RecordId, request: Request, session: Session = DB,
                         user: User = Depends(needs("operations"))) -> Response:
    form = await request.form()
    try:
        body = _parse(forms.OperationIn, form, lists=("provinces", "cities"))
        open_operation(session, user, operation_id)
        _step(session, lambda: operations.update_operation(
            session, operation_id, actor=user.username, **body.fields()))
    except Refused as refused:
        return _again(_operation_page(request, session, user, operation_id), refused,
                      "edit")
    return _see(f"/operations/{operation_id}")


@router.post("/operations/{operation_id}/children")
async def register_child(operation_id: RecordId, request: Request, session: Session = DB,
                         user: User = Depends(needs("register_children"))) -> Response:
    form = await request.form()
    try:
        body = _parse(forms.RescuedChildIn, form)
        photo = form.get("photo")
        cleaned = None
        if isinstance(photo, UploadFile) and photo.filename:
            try:
                cleaned = clean_photo(await photo.read())
            except PhotoError as error:
                raise Refused(422, [str(error)]) from None
        operation = open_operation(session, user, operation_id)

        def store() -> FoundChild:
            child = forms.register_child(session, user, operation, body)
            if cleaned:
                forms.attach_child_photo(session, user, child, *cleaned)
            return child

        child = _step(session, store)
    except Refused as refused:
        return _again(_operation_page(request, session, user, operation_id), refused,
                      "child")
    return _see(f"/operations/{operation_id}?registered={child.id}")


@router.post("/operations/{operation_id}/children/import")
async def import_children(operation_id: RecordId, request: Request, session: Session = DB,
                          user: User = Depends(needs("register_children"))) -> Response:
    form = await request.form()
    try:
        sheet = form.get("file")
        if not isinstance(sheet, UploadFile):
            raise Refused(422, ["choose a CSV or XLSX file"])
        content = await sheet.read(MAX_SHEET + 1)
        if len(content) > MAX_SHEET:
            raise Refused(413, ["the sheet is larger than 5 MB; split it"])
        operation = open_operation(session, user, operation_id)

        def store() -> list[FoundChild]:
            name = forms.sheet_name(sheet.filename)
            forms.check_child_jurisdiction(user, None)
            return import_rescued_children(session, operation, name, content,
                                           actor=user.username)

        children = _step(session, store)
    except Refused as refused:
        return _again(_operation_page(request, session, user, operation_id), refused,
                      "import")
    return _see(f"/operations/{operation_id}?imported={len(children)}")


@router.post("/operations/{operation_id}/suspects")
async def register_suspect(operation_id: RecordId, request: Request, session: Session = DB,
                           user: User = Depends(needs("suspects"))) -> Response:
    form = await request.form()
    try:
        body = _parse(forms.SuspectIn, form, lists=("phones", "child_ids"))
        operation = open_operation(session, user, operation_id)
        _step(session, lambda: forms.register_suspect(session, user, operation, body))
    except Refused as refused:
        return _again(_operation_page(request, session, user, operation_id), refused,
                      "suspect")
    return _see(f"/operations/{operation_id}")


# --- relatives and DNA appointments -------------------------------------------------------

def _add_relative(session: Session, user: User, report_id: int, form: FormData) -> None:
    body = _parse(forms.RelativeIn, form)
    booking = None
    if str(form.get("station") or "").strip() or str(form.get("at") or "").strip():
        booking = _parse(forms.AppointmentIn, form)
    report = open_report(session, user, report_id, "add a relative")

    def store() -> None:
        relative = cases.add_relative(session, actor=user.username, report=report,
                                      **body.fields())
        if booking is not None:
            cases.book_dna_appointment(session, actor=user.username, relative=relative,
                                       station=booking.station, at=booking.at)

    _step(session, store)


@router.post("/cases/{report_id}/relatives")
async def add_relative(report_id: RecordId, request: Request, session: Session = DB,
                       user: User = Depends(needs("relatives"))) -> Response:
    form = await request.form()
    try:
        _add_relative(session, user, report_id, form)
    except Refused as refused:
        return _again(_case_page(request, session, user, report_id), refused, "relative")
    return _see(_case_url(user, report_id))


@router.post("/family/relatives")
async def family_relative(request: Request, session: Session = DB,
                          user: User = Depends(needs("family"))) -> Response:
    if user.report_id is None:
        raise HTTPException(404, "this account has no case")
    form = await request.form()
    try:
        _add_relative(session, user, user.report_id, form)
    except Refused as refused:
        return _again(_case_page(request, session, user, user.report_id), refused,
                      "relative")
    return _see("/family")


@router.post("/relatives/{relative_id}/appointments")
async def book_appointment(relative_id: RecordId, request: Request, session: Session = DB,
                           user: User = Depends(needs("relatives"))) -> Response:
    form = await request.form()
    relative = open_relative(session, user, relative_id, "book a DNA appointment")
    try:
        body = _parse(forms.AppointmentIn, form)
        _step(session, lambda: cases.book_dna_appointment(
            session, actor=user.username, relative=relative, station=body.station,
            at=body.at))
    except Refused as refused:
        return _again(_case_page(request, session, user, relative.report_id), refused,
                      "appointment")
    return _see(_case_url(user, relative.report_id))


# --- care ---------------------------------------------------------------------------------

async def _child_step(request: Request, session: Session, user: User, child_id: int,
                      why: str, form_name: str,
                      action: Callable[[FoundChild, FormData], Callable[[], Any]]) -> Response:
    form = await request.form()
    child = open_child(session, user, child_id, why)
    try:
        _step(session, action(child, form))
    except Refused as refused:
        return _again(_child_page(request, session, user, child_id), refused, form_name)
    return _see(f"/children/{child_id}")


@router.post("/children/{child_id}/placements")
async def place(child_id: RecordId, request: Request, session: Session = DB,
                user: User = Depends(needs("place"))) -> Response:
    def action(child: FoundChild, form: FormData) -> Callable[[], Any]:
        body = _parse(forms.PlacementIn, form, lists=("household_id_numbers",))
        return lambda: cases.place_child(session, actor=user.username, child=child,
                                         **body.fields())

    return await _child_step(request, session, user, child_id, "place the child",
                             "placement", action)


@router.post("/children/{child_id}/transfer")
async def transfer(child_id: RecordId, request: Request, session: Session = DB,
                   user: User = Depends(needs("place"))) -> Response:
    def action(child: FoundChild, form: FormData) -> Callable[[], Any]:
        fields = _parse(forms.TransferIn, form, lists=("household_id_numbers",)).fields()
        reason = fields.pop("reason")
        return lambda: care.transfer_child(session, actor=user.username, child=child,
                                           reason=reason, **fields)

    return await _child_step(request, session, user, child_id, "transfer the child",
                             "transfer", action)


@router.post("/children/{child_id}/visits")
async def visit(child_id: RecordId, request: Request, session: Session = DB,
                user: User = Depends(needs("care"))) -> Response:
    def action(child: FoundChild, form: FormData) -> Callable[[], Any]:
        body = _parse(forms.VisitIn, form)
        return lambda: care.record_visit(session, actor=user.username, child=child,
                                         date=body.date, kind=body.kind, note=body.note)

    return await _child_step(request, session, user, child_id, "record a visit", "visit",
                             action)


@router.post("/children/{child_id}/consent")
async def consent(child_id: RecordId, request: Request, session: Session = DB,
                  user: User = Depends(needs("child_consent"))) -> Response:
    def action(child: FoundChild, form: FormData) -> Callable[[], Any]:
        body = _parse(forms.ConsentIn, form, flags=("consents",))
        return lambda: review.record_child_consent(session, child.id, actor=user.username,
                                                   consents=body.consents)

    return await _child_step(request, session, user, child_id,
                             "record the child's consent", "consent", action)


# --- after a confirmed match ------------------------------------------------------------

@router.post("/matches/{match_id}/notify")
async def notify(match_id: RecordId, request: Request, session: Session = DB,
                 user: User = Depends(needs("notify_family"))) -> Response:
    form = await request.form()
    match = open_match_case(session, user, match_id, "tell the family")
    try:
        body = _parse(forms.NotifyIn, form)
        _step(session, lambda: review.notify_family(
            session, match_id, actor=user.username, settings=request.app.state.settings,
            method=body.method, person_told=body.person_told or None,
            next_steps=body.next_steps or None))
    except Refused as refused:
        return _again(_case_page(request, session, user, match.report_id), refused,
                      f"notify-{match_id}")
    return _see(f"/cases/{match.report_id}")


@router.post("/matches/{match_id}/reunion")
async def reunion(match_id: RecordId, request: Request, session: Session = DB,
                  user: User = Depends(needs("reunion"))) -> Response:
    form = await request.form()
    match = open_match_case(session, user, match_id, "record the reunion")
    try:
        consent_given = form.get("child_consent")
        body = _parse(forms.ReunionIn, form, lists=("present",),
                      child_consent={"yes": True, "no": False}.get(str(consent_given)))
        _step(session, lambda: review.reunite(
            session, match_id, actor=user.username, date=body.date,
            place=body.place or None, present=body.present,
            child_consent=body.child_consent))
    except Refused as refused:
        return _again(_case_page(request, session, user, match.report_id), refused,
                      f"reunion-{match_id}")
    request.app.state.names.invalidate()  # the public alert is withdrawn
    return _see(f"/cases/{match.report_id}")


# --- the child-welfare review -------------------------------------------------------------

@router.get("/welfare-reviews")
def welfare_reviews(request: Request, session: Session = DB,
                    user: User = Depends(needs("welfare_review"))) -> Response:
    """Matches whose parent is a suspect or sold the child: a reviewer concludes; never a
    confirm/reject of the match here. Beside them, children offered for adoption who have
    a match since (their eligibility may be reversed)."""
    matches = session.scalars(select(Match).where(Match.state.in_(WELFARE_REVIEW_STATES))
                              .order_by(Match.id).limit(200)).all()
    eligible = session.scalars(select(FoundChild).where(
        FoundChild.status == "adoption_eligible",
        FoundChild.id.in_(select(Match.found_child_id).where(Match.state != "rejected")))
        .order_by(FoundChild.id).limit(200)).all() if can(user, "adoption") else []
    return render(request, "review/welfare.html", matches=matches, eligible=eligible)


def _welfare_again(request: Request, session: Session, user: User,
                   refused: Refused, form_name: str) -> Response:
    return _again(welfare_reviews(request, session, user), refused, form_name)


@router.post("/welfare-reviews/{match_id}")
async def conclude(match_id: RecordId, request: Request, session: Session = DB,
                   user: User = Depends(needs("welfare_review"))) -> Response:
    form = await request.form()
    try:
        body = _parse(forms.WelfareIn, form)
        _step(session, lambda: review.conclude_welfare_review(
            session, match_id, reviewer=user.username, conclusion=body.conclusion,
            reason=body.reason))
    except Refused as refused:
        return _welfare_again(request, session, user, refused, f"welfare-{match_id}")
    return _see("/welfare-reviews")


@router.post("/children/{child_id}/adoption-reversal")
async def reverse_adoption(child_id: RecordId, request: Request, session: Session = DB,
                           user: User = Depends(needs("adoption"))) -> Response:
    form = await request.form()
    try:
        body = _parse(forms.ReasonIn, form)
        child = cases.read_found_child(session, child_id, actor=user.username,
                                       reason="reverse adoption eligibility")
        _step(session, lambda: care.reverse_adoption_eligibility(
            session, reviewer=user.username, child=child, reason=body.reason))
    except Refused as refused:
        return _welfare_again(request, session, user, refused, f"adoption-{child_id}")
    return _see("/welfare-reviews")


def awaiting_placement(session: Session, user: User) -> list[FoundChild]:
    """Children of the care staff's province waiting for their first placement."""
    if not user.jurisdiction:
        return []
    return list(session.scalars(visible_children(user).where(
        FoundChild.status == "registered").order_by(FoundChild.found_date.desc(),
                                                    FoundChild.id.desc()).limit(200)))

