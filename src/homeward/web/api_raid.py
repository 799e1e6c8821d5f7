"""The JSON API from raid to reunion: operations, rescued children, suspects, relatives,
placements, visits, the family told, consent, the reunion and the welfare review.

Each route translates HTTP to one workflow function, the same one its page calls; the
access rules come from ``web/access.py`` through ``needs`` and ``web/records.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from homeward.registry.models import FoundChild, Match, Operation, User
from homeward.web import raid_forms as forms
from homeward.web.access import may_see_operation
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.labels import specimen_label_svg
from homeward.web.params import RecordId
from homeward.web.records import (
    open_child,
    open_match_case,
    open_operation,
    open_relative,
    open_report,
)
from homeward.workflow import care, cases, operations, review
from homeward.workflow.errors import ImportFailedError, WorkflowError
from homeward.workflow.rescue_import import import_rescued_children, template_csv
from homeward.workflow.states import WELFARE_REVIEW_STATES

router = APIRouter(prefix="/api/v1", dependencies=[Depends(check_csrf)],
                   tags=["raid to reunion"])
MAX_SHEET = 5 * 1024 * 1024


class OperationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    external_id: str
    name: str
    code_name: str | None
    started_on: dt.date | None
    ended_on: dt.date | None
    lead_agency: str | None
    provinces: list[str]
    cities: list[str]
    officers_deployed: int | None
    children_rescued: int | None
    suspects_detained: int | None


class ChildStage(BaseModel):
    id: int
    external_id: str
    sex: str | None
    status: str
    stage: str


class SuspectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    role: str
    operation_id: int | None


class OverviewOut(BaseModel):
    operation: OperationOut
    children: list[ChildStage]
    stage_counts: dict[str, int]
    suspects_by_role: dict[str, list[SuspectOut]]
    dna_to_take: int
    next_steps: list[str]


class RegisteredChildOut(BaseModel):
    id: int
    external_id: str
    specimen_id: str
    label: str


class PlacementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    institution: str
    started_on: dt.date
    ended_on: dt.date | None


class CreatedOut(BaseModel):
    id: int


class MatchStateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    state: str


def _children_out(session: Session, children: list[FoundChild]) -> list[dict[str, Any]]:
    out = []
    for child in children:
        sample = operations.queued_sample(session, child)
        out.append({"id": child.id, "external_id": child.external_id,
                    "specimen_id": sample.specimen_id if sample else "",
                    "label": f"/api/v1/children/{child.id}/label.svg"})
    return out


# --- operations -------------------------------------------------------------------------

@router.get("/operations", response_model=list[OperationOut])
def list_operations(session: Session = DB,
                    user: User = Depends(needs("operations"))) -> Any:
    listed = session.scalars(select(Operation).order_by(Operation.started_on.desc(),
                                                        Operation.id.desc()).limit(500))
    return [operation for operation in listed if may_see_operation(user, operation)]


@router.post("/operations", response_model=OperationOut, status_code=201)
def post_operation(body: forms.OperationIn, session: Session = DB,
                   user: User = Depends(needs("operations"))) -> Any:
    return operations.create_operation(session, actor=user.username, **body.fields())


@router.patch("/operations/{operation_id}", response_model=OperationOut)
def patch_operation(operation_id: RecordId, body: forms.OperationIn, session: Session = DB,
                    user: User = Depends(needs("operations"))) -> Any:
    open_operation(session, user, operation_id)
    return operations.update_operation(session, operation_id, actor=user.username,
                                       **body.fields())


@router.get("/operations/{operation_id}", response_model=OverviewOut)
def get_operation(operation_id: RecordId, session: Session = DB,
                  user: User = Depends(needs("operations"))) -> Any:
    overview = forms.operation_for(session, user, operation_id)
    return {"operation": overview.operation,
            "children": [{"id": c.id, "external_id": c.external_id, "sex": c.sex,
                          "status": c.status, "stage": stage}
                         for c, stage in overview.children],
            "stage_counts": overview.stage_counts,
            "suspects_by_role": overview.suspects_by_role,
            "dna_to_take": overview.dna_to_take, "next_steps": overview.next_steps}


@router.post("/operations/{operation_id}/children", response_model=RegisteredChildOut,
             status_code=201)
def post_rescued_child(operation_id: RecordId, body: forms.RescuedChildIn,
                       session: Session = DB,
                       user: User = Depends(needs("register_children"))) -> Any:
    child = forms.register_child(session, user, operations.get_operation(session,
                                                                         operation_id), body)
    return _children_out(session, [child])[0]


@router.get("/rescued-children-template.csv", response_class=Response)
def get_template(user: User = Depends(needs("register_children"))) -> Response:
    return Response(template_csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             'attachment; filename="rescued-children-template.csv"'})


@router.post("/operations/{operation_id}/children/import",
             response_model=list[RegisteredChildOut], status_code=201,
             responses={422: {"description": "bad rows, each listed; nothing stored"}})
async def post_children_sheet(operation_id: RecordId, request: Request,
                              file: UploadFile = File(), session: Session = DB,
                              user: User = Depends(needs("register_children"))) -> Any:
    content = await file.read(MAX_SHEET + 1)
    if len(content) > MAX_SHEET:
        raise HTTPException(413, "the sheet is larger than 5 MB; split it")
    name = forms.sheet_name(file.filename)

    def store() -> list[dict[str, Any]]:
        operation = open_operation(session, user, operation_id)
        forms.check_child_jurisdiction(user, None)
        children = import_rescued_children(session, operation, name, content,
                                           actor=user.username)
        return _children_out(session, children)

    try:
        return await run_in_threadpool(store)
    except ImportFailedError as error:
        raise HTTPException(422, [str(e) for e in error.errors]) from None
    except WorkflowError as error:
        raise HTTPException(422, str(error)) from None


@router.get("/children/{child_id}/label.svg", response_class=Response)
def get_label(child_id: RecordId, session: Session = DB,
              user: User = Depends(needs("register_children"))) -> Response:
    child = open_child(session, user, child_id, "print DNA kit label")
    sample = operations.queued_sample(session, child)
    if sample is None:
        raise HTTPException(404, "this child has no sample queued")
    return Response(specimen_label_svg(sample.specimen_id, sample.collected_at.date()
                                       .isoformat()), media_type="image/svg+xml")


# --- suspects ---------------------------------------------------------------------------

@router.post("/operations/{operation_id}/suspects", response_model=SuspectOut,
             status_code=201)
def post_suspect(operation_id: RecordId, body: forms.SuspectIn, session: Session = DB,
                 user: User = Depends(needs("suspects"))) -> Any:
    return forms.register_suspect(session, user,
                                  open_operation(session, user, operation_id), body)


@router.post("/suspects/{suspect_id}/kinship", response_model=CreatedOut, status_code=201)
def post_kinship(suspect_id: RecordId, body: forms.KinshipIn, session: Session = DB,
                 user: User = Depends(needs("suspects"))) -> Any:
    tie = operations.record_kinship(
        session, actor=user.username, suspect=operations.get_suspect(session, suspect_id),
        relative=operations.get_suspect(session, body.relative_suspect_id),
        kinship=body.kinship)
    return {"id": tie.id}


@router.post("/children/{child_id}/transactions", response_model=CreatedOut,
             status_code=201)
def post_transaction(child_id: RecordId, body: forms.TransactionIn, session: Session = DB,
                     user: User = Depends(needs("suspects"))) -> Any:
    child = open_child(session, user, child_id, "record a sale of the child")
    sale = operations.record_transaction(
        session, actor=user.username, child=child, price_yuan=body.price_yuan,
        date=body.date, place=body.place or None,
        seller=operations.get_suspect(session, body.seller_id) if body.seller_id else None,
        buyer=operations.get_suspect(session, body.buyer_id) if body.buyer_id else None)
    return {"id": sale.id}


# --- relatives and DNA appointments -------------------------------------------------------

@router.post("/reports/{report_id}/relatives", response_model=CreatedOut, status_code=201)
def post_relative(report_id: RecordId, body: forms.RelativeIn, session: Session = DB,
                  user: User = Depends(needs("relatives"))) -> Any:
    report = open_report(session, user, report_id, "add a relative")
    relative = cases.add_relative(session, actor=user.username, report=report,
                                  **body.fields())
    return {"id": relative.id}


@router.post("/relatives/{relative_id}/appointments", response_model=CreatedOut,
             status_code=201)
def post_appointment(relative_id: RecordId, body: forms.AppointmentIn,
                     session: Session = DB, user: User = Depends(needs("relatives"))) -> Any:
    relative = open_relative(session, user, relative_id, "book a DNA appointment")
    appointment = cases.book_dna_appointment(session, actor=user.username, relative=relative,
                                             station=body.station, at=body.at)
    return {"id": appointment.id}


# --- care ---------------------------------------------------------------------------------

@router.post("/children/{child_id}/placements", response_model=PlacementOut,
             status_code=201,
             responses={409: {"description": "placement refused, with the reason"}})
def post_placement(child_id: RecordId, body: forms.PlacementIn, session: Session = DB,
                   user: User = Depends(needs("place"))) -> Any:
    child = open_child(session, user, child_id, "place the child")
    return cases.place_child(session, actor=user.username, child=child, **body.fields())


@router.post("/children/{child_id}/transfer", response_model=PlacementOut, status_code=201,
             responses={409: {"description": "transfer refused, with the reason"}})
def post_transfer(child_id: RecordId, body: forms.TransferIn, session: Session = DB,
                  user: User = Depends(needs("place"))) -> Any:
    child = open_child(session, user, child_id, "transfer the child")
    fields = body.fields()
    return care.transfer_child(session, actor=user.username, child=child,
                               reason=fields.pop("reason"), **fields)


@router.post("/children/{child_id}/visits", response_model=CreatedOut, status_code=201)
def post_visit(child_id: RecordId, body: forms.VisitIn, session: Session = DB,
               user: User = Depends(needs("care"))) -> Any:
    child = open_child(session, user, child_id, "record a visit")
    visit = care.record_visit(session, actor=user.username, child=child, date=body.date,
                              kind=body.kind, note=body.note)
    return {"id": visit.id}


@router.post("/children/{child_id}/consent", status_code=204)
def post_consent(child_id: RecordId, body: forms.ConsentIn, session: Session = DB,
                 user: User = Depends(needs("child_consent"))) -> None:
    open_child(session, user, child_id, "record the child's consent")
    review.record_child_consent(session, child_id, actor=user.username,
                                consents=body.consents)


# --- after a confirmed match ------------------------------------------------------------

@router.post("/matches/{match_id}/notify", response_model=MatchStateOut)
def post_notify(match_id: RecordId, body: forms.NotifyIn, request: Request,
                session: Session = DB, user: User = Depends(needs("notify_family"))) -> Any:
    open_match_case(session, user, match_id, "tell the family")
    return review.notify_family(session, match_id, actor=user.username,
                                settings=request.app.state.settings, method=body.method,
                                person_told=body.person_told or None,
                                next_steps=body.next_steps or None)


@router.post("/matches/{match_id}/reunion", response_model=CreatedOut, status_code=201)
def post_reunion(match_id: RecordId, body: forms.ReunionIn, request: Request,
                 session: Session = DB, user: User = Depends(needs("reunion"))) -> Any:
    open_match_case(session, user, match_id, "record the reunion")
    reunion = review.reunite(session, match_id, actor=user.username, date=body.date,
                             place=body.place or None, present=body.present,
                             child_consent=body.child_consent)
    request.app.state.names.invalidate()  # the public alert is withdrawn
    return {"id": reunion.id}


@router.get("/welfare-reviews", response_model=list[MatchStateOut])
def list_welfare_reviews(session: Session = DB,
                         user: User = Depends(needs("welfare_review"))) -> Any:
    return session.scalars(select(Match).where(Match.state.in_(WELFARE_REVIEW_STATES))
                           .order_by(Match.id)).all()


@router.post("/matches/{match_id}/welfare-review", response_model=MatchStateOut)
def post_welfare_review(match_id: RecordId, body: forms.WelfareIn, session: Session = DB,
                        user: User = Depends(needs("welfare_review"))) -> Any:
    return review.conclude_welfare_review(session, match_id, reviewer=user.username,
                                          conclusion=body.conclusion, reason=body.reason)


@router.post("/children/{child_id}/adoption-reversal", status_code=204)
def post_adoption_reversal(child_id: RecordId, body: forms.ReasonIn, session: Session = DB,
                           user: User = Depends(needs("adoption"))) -> None:
    child = cases.read_found_child(session, child_id, actor=user.username,
                                   reason="reverse adoption eligibility")
    care.reverse_adoption_eligibility(session, reviewer=user.username, child=child,
                                      reason=body.reason)

