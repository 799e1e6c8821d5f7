"""The JSON API (``/api/v1``): the same rules as the pages, for other systems and scripts.

Sign in with ``POST /api/v1/session``; the answer carries the CSRF token that every
state-changing call sends back in ``X-CSRF-Token``. Anonymous calls reach only the
public routes (alerts, search, statistics, tips, family registration), which are rate
limited per client.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import Match, MissingReport, User
from homeward.web import publishing
from homeward.web.access import visible_reports
from homeward.web.dashboards import REVIEW_STATES
from homeward.web.deps import DB, check_csrf, csrf_token, current_user, needs
from homeward.web.family_view import FamilyCase, family_case
from homeward.web.intake_forms import FamilyRegistration, TipIn, register_family_case, submit_tip
from homeward.web.limits import limit_submission, redeem_proof
from homeward.web.params import Cursor, RecordId
from homeward.web.publishing import PublicAlert
from homeward.web.records import open_child, open_report
from homeward.web.review_sheet import review_sheet
from homeward.web.signin import (
    SignInRefused,
    change_own_password,
    client_address,
    sign_in,
    sign_out,
)
from homeward.web.uploads import import_upload, subject_of
from homeward.workflow import accounts, review, samples
from homeward.workflow.errors import ImportFailedError

Specimen = Annotated[str, Path(pattern=samples.SPECIMEN_ID_PATTERN)]
Name = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[^\x00]*$")]

public = APIRouter(prefix="/api/v1", tags=["public"])
private = APIRouter(prefix="/api/v1", dependencies=[Depends(check_csrf)])


class Credentials(BaseModel):
    username: Name
    password: Annotated[str, Field(min_length=1, max_length=200)]


class SessionOut(BaseModel):
    username: str
    role: str
    csrf_token: str


class TipOut(BaseModel):
    id: int
    urgent: bool
    status: str


class RegistrationOut(BaseModel):
    report_id: int
    username: str


class ReportOut(BaseModel):
    id: int
    external_id: str
    child_name: str
    child_name_zh: str | None
    sex: str | None
    birth_date: dt.date | None
    last_seen_date: dt.date | None
    jurisdiction: str | None
    status: str
    published: bool


class ChildOut(BaseModel):
    id: int
    external_id: str
    kind: str
    sex: str | None
    found_date: dt.date | None
    estimated_birth_date: dt.date | None
    jurisdiction: str | None
    status: str


class MatchOut(BaseModel):
    id: int
    relationship_tested: str
    log10_lr: float
    loci_compared: int
    exclusions: int
    state: str
    second_sample_specimen: str | None


class ReviewLocus(BaseModel):
    locus: str
    genotypes: list[str]
    lr: float | None
    excluded: bool


class ReviewOut(MatchOut):
    people: list[tuple[str, str]]
    posterior: float
    prior: float
    loci: list[ReviewLocus]


class SecondSampleIn(BaseModel):
    specimen_id: Annotated[str, Field(pattern=samples.SPECIMEN_ID_PATTERN)]


class DecisionIn(BaseModel):
    confirm: bool
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class SampleIn(BaseModel):
    specimen_id: Annotated[str, Field(pattern=samples.SPECIMEN_ID_PATTERN)]
    subject: Annotated[str, Field(pattern=r"^(FC-[0-9A-Za-z-]{1,40}|relative:[0-9]{1,9})$")]
    collected_by: Name
    consent_by: Annotated[str, Field(min_length=1, max_length=200)]
    consent_document: Annotated[str | None, Field(max_length=300)] = None
    lab: Annotated[str | None, Field(max_length=200)] = None


class ProfileOut(BaseModel):
    specimen_id: str
    genotypes: dict[str, list[str]]


class UploadOut(BaseModel):
    stored: int
    already_present: int
    match_candidates: list[int]


class ChallengeOut(BaseModel):
    challenge: str
    bits: int
    expires_in: int


class RegistrationIn(FamilyRegistration):
    """A family's registration with its proof of work (``GET /public/reports/challenge``,
    then a ``nonce`` such that sha256(challenge + nonce) begins with ``bits`` zero bits)."""

    challenge: Annotated[str, Field(max_length=200)]
    nonce: Annotated[str, Field(max_length=32)]


# --- public ---------------------------------------------------------------------------

@public.get("/public/alerts", response_model=list[PublicAlert])
def list_alerts(limit: Annotated[int, Query(ge=1, le=200)] = 50,
                before: Cursor = None, after: Cursor = None,
                session: Session = DB) -> list[Any]:
    """Newest first by report id; pass the last id seen as ``before`` for the next page
    (keyset pagination)."""
    return [a.as_json() for a in publishing.alerts(session, limit=limit, before=before,
                                                   after=after)]


@public.get("/public/alerts/{report_id}", response_model=PublicAlert,
            responses={404: {"description": "no such published alert"}})
def get_alert(report_id: RecordId, session: Session = DB) -> Any:
    found = publishing.alert(session, report_id)
    if found is None:
        raise HTTPException(404, "no published alert with this number")
    return found.as_json()


@public.get("/public/search", response_model=list[PublicAlert])
async def search_alerts(request: Request,
                        q: Annotated[str, Query(min_length=1, max_length=100)]) -> Any:
    """Published alerts by name (characters or pinyin, any order), best first."""
    with request.app.state.read_factory() as session:  # on the loop: see publishing.search
        found = publishing.search(session, request.app.state.names, q)
    return JSONResponse([a.as_json() for a in found])


@public.get("/public/statistics")
def public_statistics(session: Session = DB) -> dict[str, Any]:
    """Counts by province and year of the last five complete years, with their margins.

    Each number is ``{"value": 12, "suppressed": false, "display": "12"}``; a withheld
    one (a count from 1 to k-1, or one from which such a count could be worked out) is
    ``{"value": null, "suppressed": true, "display": "<11"}`` (k = ``threshold``)."""
    return publishing.statistics(session)


@public.get("/public/statistics.csv", response_class=Response)
def public_statistics_csv(session: Session = DB) -> Response:
    """The same numbers as CSV, ``<11`` in the value column where withheld."""
    return Response(publishing.published_statistics(session).as_csv(),
                    media_type="text/csv; charset=utf-8")


@public.post("/tips", response_model=TipOut, status_code=201,
             responses={429: {"description": "rate limited"}})
def post_tip(tip: TipIn, request: Request, session: Session = DB) -> Any:
    limit_submission(request, "tip")
    record = submit_tip(session, tip, client=client_address(request),
                        secret=request.app.state.client_secret)
    return {"id": record.id, "urgent": record.urgent, "status": record.status}


@public.get("/public/reports/challenge", response_model=ChallengeOut)
def registration_challenge(request: Request) -> Any:
    """A proof-of-work challenge for one registration (usable once, until it expires)."""
    return request.app.state.challenges.issue().as_json()


@public.post("/public/reports", response_model=RegistrationOut, status_code=201,
             responses={400: {"description": "proof of work missing, wrong or used"},
                        409: {"description": "user name taken or dates inconsistent"},
                        429: {"description": "rate limited"}})
def register_report(form: RegistrationIn, request: Request,
                    session: Session = DB) -> Any:
    redeem_proof(request, form.challenge, form.nonce)
    limit_submission(request, "registration")
    account = register_family_case(session, form)
    return {"report_id": account.report_id, "username": account.username}


@public.post("/session", response_model=SessionOut,
             responses={401: {"description": "wrong credentials"},
                        429: {"description": "too many failures"}})
def open_session(credentials: Credentials, request: Request, session: Session = DB) -> Any:
    try:
        account = sign_in(request, session, credentials.username, credentials.password)
    except SignInRefused as refused:
        raise HTTPException(refused.status_code, str(refused)) from None
    return {"username": account.username, "role": account.role,
            "csrf_token": csrf_token(request)}


# --- signed in ------------------------------------------------------------------------

@private.delete("/session", status_code=204)
def close_session(request: Request, everywhere: bool = False, session: Session = DB,
                  user: User | None = Depends(current_user)) -> None:
    """Sign out: this session ends on the server (``everywhere``: every session)."""
    sign_out(request, session, user, everywhere=everywhere)


@private.get("/me")
def me(user: User | None = Depends(current_user)) -> dict[str, Any]:
    if user is None:
        raise HTTPException(401, "sign in first")
    return {"username": user.username, "role": user.role, "jurisdiction": user.jurisdiction}


@private.get("/reports", response_model=list[ReportOut])
def list_reports(status: Annotated[str | None, Query(pattern="^[a-z_]{1,30}$")] = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100,
                 after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
                 session: Session = DB, user: User = Depends(needs("cases"))) -> Any:
    """Reports in id order, ``limit`` with ids above ``after`` (keyset pagination: pass
    the last id of a page to get the next; no OFFSET, so a deep page costs no more)."""
    query = visible_reports(user)
    if status:
        query = query.where(MissingReport.status == status)
    reports = session.scalars(query.where(MissingReport.id > after)
                              .order_by(MissingReport.id).limit(limit)).all()
    audit.record(session, actor=user.username, action="list", entity="missing_report",
                 entity_id="api", details={"shown": len(reports),
                                          "ids": [r.id for r in reports]})
    return reports


@private.get("/reports/{report_id}", response_model=ReportOut)
def get_report(report_id: RecordId, session: Session = DB,
               user: User = Depends(needs("cases"))) -> Any:
    return open_report(session, user, report_id, "api")


@private.get("/children/{child_id}", response_model=ChildOut)
def get_child(child_id: RecordId, session: Session = DB,
              user: User | None = Depends(current_user)) -> Any:
    if user is None:
        raise HTTPException(401, "sign in first")
    if user.role not in ("police", "care_staff"):
        raise HTTPException(403, "your role may not open children's records")
    return open_child(session, user, child_id, "api")


@private.get("/family/case", response_model=FamilyCase)
def get_family_case(session: Session = DB,
                    user: User = Depends(needs("family"))) -> Any:
    case = family_case(session, user)
    if case is None:
        raise HTTPException(404, "this account has no case")
    return case


@private.get("/matches", response_model=list[MatchOut])
def list_matches(session: Session = DB, user: User = Depends(needs("review"))) -> Any:
    return session.scalars(select(Match).where(Match.state.in_(REVIEW_STATES))
                           .order_by(Match.log10_lr.desc()).limit(200)).all()


def _review_out(session: Session, request: Request, match: Match, user: User) -> dict:
    sheet = review_sheet(session, match, actor=user.username, cipher=request.app.state.cipher)
    data = MatchOut.model_validate(match, from_attributes=True).model_dump()
    return {**data, "people": sheet["people"], "posterior": sheet["posterior"],
            "prior": sheet["prior"], "loci": sheet["rows"]}


@private.get("/matches/{match_id}", response_model=ReviewOut)
def get_match(match_id: RecordId, request: Request, session: Session = DB,
              user: User = Depends(needs("review"))) -> Any:
    return _review_out(session, request, review.get_match(session, match_id), user)


@private.post("/matches/{match_id}/second-sample", response_model=MatchOut)
def post_second_sample(match_id: RecordId, body: SecondSampleIn, request: Request,
                       session: Session = DB,
                       user: User = Depends(needs("second_sample"))) -> Any:
    return review.confirm_second_sample(session, match_id, body.specimen_id,
                                        actor=user.username, cipher=request.app.state.cipher)


@private.post("/matches/{match_id}/review", response_model=MatchOut)
def post_review(match_id: RecordId, body: DecisionIn, request: Request,
                session: Session = DB, user: User = Depends(needs("review"))) -> Any:
    return review.review_match(session, match_id, reviewer=user.username, confirm=body.confirm,
                               reason=body.reason, settings=request.app.state.settings)


@private.post("/samples", status_code=201)
def post_sample(body: SampleIn, session: Session = DB,
                user: User = Depends(needs("lab"))) -> dict[str, Any]:
    sample = samples.register_sample(
        session, actor=user.username, specimen_id=body.specimen_id,
        collected_by=body.collected_by, collected_at=dt.datetime.now(dt.UTC),
        consent_given=True, consent_by=body.consent_by,
        consent_document=body.consent_document, lab=body.lab,
        **subject_of(session, body.subject))
    return {"specimen_id": sample.specimen_id, "id": sample.id}


@private.post("/profiles", response_model=UploadOut,
              responses={422: {"description": "rows refused; nothing stored"}})
async def post_profiles(request: Request, file: UploadFile = File(),
                        session: Session = DB,
                        user: User = Depends(needs("lab"))) -> Any:
    try:
        report = await import_upload(request, session, file, actor=user.username)
    except ImportFailedError as error:
        raise HTTPException(422, [str(e) for e in error.errors]) from None
    return {"stored": report.stored, "already_present": report.skipped,
            "match_candidates": [m.id for m in report.matches]}


@private.get("/profiles/{specimen_id}", response_model=ProfileOut)
def get_profile(specimen_id: Specimen, request: Request, session: Session = DB,
                user: User = Depends(needs("lab"))) -> Any:
    profile = samples.read_profile(session, specimen_id, actor=user.username,
                                   reason="api profile read", cipher=request.app.state.cipher)
    return {"specimen_id": specimen_id,
            "genotypes": {locus: list(alleles) for locus, alleles in profile.genotypes.items()}}


@private.get("/audit/verify")
def verify_audit(session: Session = DB,
                 user: User = Depends(needs("admin"))) -> dict[str, Any]:
    return audit.verify_chain(session).__dict__


# --- accounts (workflow/accounts.py) --------------------------------------------------

Password = Annotated[str, Field(min_length=accounts.MIN_PASSWORD_LENGTH, max_length=200)]


class PasswordChangeIn(BaseModel):
    current_password: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: Password


class PasswordResetIn(BaseModel):
    password: Password


class RoleIn(BaseModel):
    role: Annotated[str, Field(pattern=r"^[a-z_]{1,30}$")]
    jurisdiction: Annotated[str | None, Field(max_length=60)] = None
    institution: Annotated[str | None, Field(max_length=200)] = None


class AccountIn(RoleIn):
    username: Annotated[str, Field(pattern=r"^[A-Za-z0-9_.@-]{3,60}$")]
    display_name: Annotated[str, Field(min_length=1, max_length=120)]
    password: Password


class AccountOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    jurisdiction: str | None
    institution: str | None
    active: bool


class RoleChangeOut(BaseModel):
    id: int
    user_id: int
    role: str
    jurisdiction: str | None
    institution: str | None
    requested_by: str
    status: str


class AccountChangeOut(BaseModel):
    account: AccountOut
    pending_role_change: RoleChangeOut | None


def _change_out(account: User, request: Any) -> dict[str, Any]:
    return {"account": AccountOut.model_validate(account, from_attributes=True),
            "pending_role_change": None if request is None else
            RoleChangeOut.model_validate(request, from_attributes=True)}


@private.post("/me/password", response_model=SessionOut)
def change_my_password(body: PasswordChangeIn, request: Request, session: Session = DB,
                       user: User | None = Depends(current_user)) -> Any:
    """Change your own password: every session of the account ends and this client gets
    a new one (with a new CSRF token)."""
    if user is None:
        raise HTTPException(401, "sign in first")
    try:
        change_own_password(request, session, user, body.current_password, body.new_password)
    except SignInRefused as refused:
        raise HTTPException(refused.status_code, str(refused)) from None
    return {"username": user.username, "role": user.role, "csrf_token": csrf_token(request)}


@private.get("/users", response_model=list[AccountOut])
def list_accounts(session: Session = DB, user: User = Depends(needs("admin"))) -> Any:
    return accounts.list_users(session)


@private.post("/users", response_model=AccountChangeOut, status_code=201)
def create_account(body: AccountIn, session: Session = DB,
                   user: User = Depends(needs("admin"))) -> Any:
    """A new staff account; a role that opens children's files or DNA (or administrator)
    waits for a second administrator, and the account has no rights until then."""
    account, pending = accounts.create_user(
        session, actor=user.username, username=body.username,
        display_name=body.display_name, role=body.role, password=body.password,
        jurisdiction=body.jurisdiction, institution=body.institution)
    return _change_out(account, pending)


@private.post("/users/{user_id}/role", response_model=AccountChangeOut)
def change_account_role(user_id: RecordId, body: RoleIn, session: Session = DB,
                        user: User = Depends(needs("admin"))) -> Any:
    account = accounts.get_user(session, user_id)
    pending = accounts.request_role_change(session, actor=user.username, account=account,
                                           role=body.role, jurisdiction=body.jurisdiction,
                                           institution=body.institution)
    return _change_out(account, pending)


@private.post("/users/{user_id}/password", status_code=204)
def reset_account_password(user_id: RecordId, body: PasswordResetIn, session: Session = DB,
                           user: User = Depends(needs("admin"))) -> None:
    accounts.reset_password(session, actor=user.username,
                            account=accounts.get_user(session, user_id), password=body.password)


@private.post("/users/{user_id}/deactivate", status_code=204)
def deactivate_account(user_id: RecordId, session: Session = DB,
                       user: User = Depends(needs("admin"))) -> None:
    accounts.set_active(session, actor=user.username,
                        account=accounts.get_user(session, user_id), active=False)


@private.get("/role-changes", response_model=list[RoleChangeOut])
def list_role_changes(session: Session = DB, user: User = Depends(needs("admin"))) -> Any:
    return accounts.pending_requests(session)


@private.post("/role-changes/{request_id}/approve", response_model=AccountOut)
def approve_role_change(request_id: RecordId, session: Session = DB,
                        user: User = Depends(needs("admin"))) -> Any:
    """The second administrator's approval (never the requester's nor the account's)."""
    return accounts.approve_role_change(session, approver=user.username, request_id=request_id)


@private.post("/role-changes/{request_id}/reject", status_code=204)
def reject_role_change(request_id: RecordId, session: Session = DB,
                       user: User = Depends(needs("admin"))) -> None:
    accounts.reject_role_change(session, approver=user.username, request_id=request_id)


router = APIRouter()
router.include_router(public)
router.include_router(private)
