"""What police, care staff and reviewers send in from raid to reunion: one schema per
step, shared by the HTML forms and the JSON API so that both apply the same checks.

Free text is bounded, dates are plausible (web/intake_forms.py's bounds for the public
forms; here a rescue, a sale or a visit never lies in the future), identifiers are
stripped. The rules themselves live in the workflow functions these schemas feed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import HTTPException
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import FoundChild, Operation, Photo, Relative, Suspect, User
from homeward.web.access import NATIONAL, visible_children
from homeward.web.records import open_child, open_operation, open_relative
from homeward.web.uploads import upload_name
from homeward.workflow import operations
from homeward.workflow.care import VISIT_KINDS
from homeward.workflow.cases import PLACEMENT_KINDS, RELATION_TO_TEST, store_photo
from homeward.workflow.path import OperationOverview, operation_overview
from homeward.workflow.review import NOTIFICATION_METHODS
from homeward.workflow.states import WELFARE_CONCLUSIONS

Short = Annotated[str, Field(max_length=200)]
Long = Annotated[str, Field(max_length=2000)]
Province = Annotated[str, Field(pattern=r"^[0-9]{2}$")]
EARLIEST = dt.date(1990, 1, 1)


def _plausible_past(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST <= value <= dt.date.today():
        raise ValueError(f"give a date from {EARLIEST} to today")
    return value


def _choice(options: tuple[str, ...] | list[str]) -> str:
    return "^(" + "|".join(o.replace("-", r"\-") for o in options) + ")$"


class OperationIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    code_name: Annotated[str, Field(max_length=40)] = ""
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    lead_agency: Short = ""
    provinces: Annotated[list[Province], Field(max_length=34)] = []
    cities: Annotated[list[Short], Field(max_length=200)] = []
    officers_deployed: Annotated[int | None, Field(ge=0, le=1_000_000)] = None
    children_rescued: Annotated[int | None, Field(ge=0, le=100_000)] = None
    suspects_detained: Annotated[int | None, Field(ge=0, le=100_000)] = None
    description: Long = ""

    _dates = field_validator("started_on", "ended_on")(_plausible_past)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("an operation needs a name")
        return value.strip()

    def fields(self) -> dict[str, Any]:
        data = self.model_dump()
        for key in ("code_name", "lead_agency", "description"):
            data[key] = data[key].strip() or None
        return data


class RescuedChildIn(BaseModel):
    sex: Annotated[str, Field(pattern="^(male|female|unknown)$")]
    found_date: dt.date
    province_code: Province
    estimated_birth_date: dt.date | None = None
    estimated_age_years: Annotated[float | None, Field(ge=0, le=18)] = None
    distinguishing_marks: Long = ""
    languages: Short = ""
    found_with: Long = ""
    rescued_from_address: Short = ""
    description: Long = ""

    _dates = field_validator("found_date", "estimated_birth_date")(_plausible_past)


class SuspectIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    role: Annotated[str, Field(pattern=_choice(operations.SUSPECT_ROLES))]
    id_number: Annotated[str, Field(max_length=40, pattern=r"^[0-9Xx ]*$")] = ""
    phones: Annotated[list[Annotated[str, Field(max_length=40, pattern=r"^[0-9+ -]*$")]],
                      Field(max_length=20)] = []
    household_address: Short = ""
    child_ids: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]],
                         Field(max_length=500)] = []
    # a parent who sold their own child: the relative's id on the missing report
    sold_own_child_relative_id: Annotated[int | None, Field(ge=1, le=2**31 - 1)] = None


class KinshipIn(BaseModel):
    relative_suspect_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    kinship: Annotated[str, Field(pattern=_choice(operations.SUSPECT_KINSHIPS))]


class TransactionIn(BaseModel):
    price_yuan: Annotated[int | None, Field(ge=0, le=10_000_000)] = None
    date: dt.date | None = None
    place: Short = ""
    seller_id: Annotated[int | None, Field(ge=1, le=2**31 - 1)] = None
    buyer_id: Annotated[int | None, Field(ge=1, le=2**31 - 1)] = None

    _dates = field_validator("date")(_plausible_past)


class RelativeIn(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    relationship_to_child: Annotated[str, Field(pattern=_choice(sorted(RELATION_TO_TEST)))]
    sex: Annotated[str, Field(pattern="^(male|female|)$")] = ""
    id_number: Annotated[str, Field(max_length=40, pattern=r"^[0-9Xx ]*$")] = ""
    contact: Short = ""

    def fields(self) -> dict[str, Any]:
        return {"name": self.name.strip(), "relationship_to_child": self.relationship_to_child,
                "sex": self.sex or None, "id_number": self.id_number.strip() or None,
                "contact": self.contact.strip() or None}


class AppointmentIn(BaseModel):
    station: Annotated[str, Field(min_length=1, max_length=200)]
    at: dt.datetime


class PlacementIn(BaseModel):
    kind: Annotated[str, Field(pattern=_choice(PLACEMENT_KINDS))]
    institution: Annotated[str, Field(min_length=1, max_length=200)]
    started_on: dt.date
    caregiver_name: Short = ""
    caregiver_id_number: Annotated[str, Field(max_length=40)] = ""
    address: Short = ""
    household_id_numbers: Annotated[list[Annotated[str, Field(max_length=40)]],
                                    Field(max_length=20)] = []

    _dates = field_validator("started_on")(_plausible_past)

    def fields(self) -> dict[str, Any]:
        return {"kind": self.kind, "institution": self.institution,
                "started_on": self.started_on,
                "caregiver_name": self.caregiver_name.strip() or None,
                "caregiver_id_number": self.caregiver_id_number.strip() or None,
                "address": self.address.strip() or None,
                "household_id_numbers": [i for i in self.household_id_numbers if i.strip()]}


class TransferIn(PlacementIn):
    reason: Annotated[str, Field(min_length=1, max_length=200)]

    def fields(self) -> dict[str, Any]:
        return {**super().fields(), "reason": self.reason}


class VisitIn(BaseModel):
    date: dt.date
    kind: Annotated[str, Field(pattern=_choice(VISIT_KINDS))]
    note: Annotated[str, Field(min_length=1, max_length=2000)]

    _dates = field_validator("date")(_plausible_past)


class ConsentIn(BaseModel):
    consents: bool


class NotifyIn(BaseModel):
    method: Annotated[str, Field(pattern=_choice(NOTIFICATION_METHODS))] = "in-person"
    person_told: Short = ""
    next_steps: Long = ""


class ReunionIn(BaseModel):
    date: dt.date
    place: Short = ""
    present: Annotated[list[Short], Field(max_length=50)] = []
    child_consent: bool | None = None

    _dates = field_validator("date")(_plausible_past)


class WelfareIn(BaseModel):
    conclusion: Annotated[str, Field(pattern=_choice(WELFARE_CONCLUSIONS))]
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class ReasonIn(BaseModel):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


def check_child_jurisdiction(user: User, province_code: str | None) -> None:
    """Police register children of their own province (the ministry's desk: any)."""
    if province_code and user.jurisdiction not in (NATIONAL, province_code):
        raise HTTPException(403, f"you register children of province {user.jurisdiction} "
                                 "only")


def register_child(session: Session, user: User, operation: Operation,
                   body: RescuedChildIn) -> FoundChild:
    """The form's and the API's rescued child (jurisdiction checked, sample queued)."""
    check_child_jurisdiction(user, body.province_code)
    birth = body.estimated_birth_date
    if birth is None and body.estimated_age_years is not None:
        birth = body.found_date - dt.timedelta(days=round(body.estimated_age_years * 365.25))
    return operations.register_rescued_child(
        session, actor=user.username, operation=operation,
        sex=None if body.sex == "unknown" else body.sex, found_date=body.found_date,
        jurisdiction=body.province_code, estimated_birth_date=birth,
        distinguishing_marks=body.distinguishing_marks.strip() or None,
        languages=body.languages.strip() or None, found_with=body.found_with.strip() or None,
        rescued_from_address=body.rescued_from_address.strip() or None,
        description=body.description.strip() or None)


def attach_child_photo(session: Session, user: User, child: FoundChild, content: bytes,
                       media_type: str) -> Photo:
    """A photo already re-encoded without metadata (web/photos.py), stored and audited."""
    return store_photo(session, actor=user.username, content=content, media_type=media_type,
                       found_child_id=child.id)


def register_suspect(session: Session, user: User, operation: Operation,
                     body: SuspectIn) -> Suspect:
    children = [open_child(session, user, i, "link a suspect") for i in body.child_ids]
    relative: Relative | None = None
    if body.sold_own_child_relative_id:
        relative = open_relative(session, user, body.sold_own_child_relative_id,
                                 "record a parent who sold the child")
    return operations.register_suspect(
        session, actor=user.username, operation=operation, name=body.name, role=body.role,
        id_number=body.id_number or None, phones=body.phones,
        household_address=body.household_address or None, children=children,
        sold_own_child=relative)


def sheet_name(filename: str | None) -> str:
    """The uploaded sheet's name as shown (web/uploads.upload_name), refused unless .csv or
    .xlsx: the importer reads it by its extension."""
    name = upload_name(filename)
    if not name.lower().endswith((".csv", ".xlsx")):
        raise HTTPException(422, "upload the sheet as .csv or .xlsx")
    return name


def operation_for(session: Session, user: User, operation_id: int) -> OperationOverview:
    """The operation's overview as this user may see it: the figures of the whole
    operation, but only the children the user may open, by record id; the view is audited
    with the ids shown."""
    overview = operation_overview(session, open_operation(session, user, operation_id))
    visible = set(session.scalars(visible_children(user).where(
        FoundChild.operation_id == operation_id).with_only_columns(FoundChild.id)))
    overview.children = [(c, stage) for c, stage in overview.children if c.id in visible]
    audit.record(session, actor=user.username, action="read", entity="operation",
                 entity_id=operation_id,
                 details={"found_child_ids": [c.id for c, _ in overview.children]})
    return overview
