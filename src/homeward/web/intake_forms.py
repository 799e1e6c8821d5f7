"""What the public sends in: a family's registration of a missing child, and tips.

Shared by the web forms and the JSON API so that both apply the same checks.
"""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.intake import tips as intake_tips
from homeward.registry import audit
from homeward.registry.gazetteer import cities, province, provinces
from homeward.registry.models import Tip, User
from homeward.web.security import hash_password
from homeward.workflow import cases
from homeward.workflow.errors import RuleViolationError


class FamilyRegistration(BaseModel):
    child_name: str = Field(min_length=1, max_length=100)
    sex: str = Field(pattern="^(male|female)$")
    birth_date: dt.date
    last_seen_date: dt.date
    province_code: str = Field(pattern="^[0-9]{2}$")
    city: str = Field(default="", max_length=60)
    description: str = Field(default="", max_length=2000)
    parent_name: str = Field(min_length=1, max_length=100)
    relationship: str = Field(pattern="^(mother|father)$")
    contact: str = Field(min_length=3, max_length=200)
    username: str = Field(min_length=3, max_length=60, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=10, max_length=200)

    @field_validator("last_seen_date")
    @classmethod
    def _not_future(cls, value: dt.date) -> dt.date:
        if value > dt.date.today():
            raise ValueError("the date last seen cannot be in the future")
        return value


class TipIn(BaseModel):
    text: str = Field(min_length=5, max_length=5000)
    place: str = Field(default="", max_length=300)
    seen_at: dt.datetime | None = None
    contact: str = Field(default="", max_length=200)


def _place(province_code: str, city: str):
    try:
        home = province(province_code)
    except KeyError:
        raise RuleViolationError(f"unknown province code {province_code}") from None
    wanted = city.strip().lower()
    for place in cities(province_code):
        if wanted and wanted in (place.name.lower(), place.name_en.lower(),
                                 place.name.rstrip("市").lower()):
            return place
    return home


def register_family_case(session: Session, form: FamilyRegistration) -> User:
    """A new missing report with the parent as relative and a family account for them."""
    if session.scalar(select(User.id).where(User.username == form.username)):
        raise RuleViolationError(f"the user name {form.username!r} is taken; choose another")
    if form.birth_date > form.last_seen_date:
        raise RuleViolationError("the birth date is after the date last seen")
    pinyin = cases.pinyin_name(form.child_name)
    actor = f"public:{form.username}"
    place = _place(form.province_code, form.city)
    report = cases.register_missing_report(
        session, actor=actor, external_id=f"homeward/report.{uuid.uuid4().hex[:12]}",
        child_name=pinyin or form.child_name,
        child_name_zh=form.child_name if pinyin else None, child_name_pinyin=pinyin,
        sex=form.sex, birth_date=form.birth_date, last_seen_date=form.last_seen_date,
        last_seen_location=cases.location_for(session, place),
        jurisdiction=form.province_code, description=form.description or None,
        reporter_name=form.parent_name, reporter_contact=form.contact,
        source_name="Homeward family registration", published=False)
    cases.add_relative(session, actor=actor, report=report, name=form.parent_name,
                       relationship_to_child=form.relationship,
                       sex="female" if form.relationship == "mother" else "male",
                       contact=form.contact)
    user = User(username=form.username, display_name=form.parent_name, role="family",
                password_hash=hash_password(form.password), report_id=report.id)
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="user", entity_id=user.id,
                 details={"role": "family", "report_id": report.id})
    return user


def submit_tip(session: Session, tip: TipIn, *, client: str, secret: str) -> Tip:
    """The web form's and the API's tip, handed to intake (triage, bundling, links)."""
    return intake_tips.submit_tip(session, text=tip.text, place=tip.place, seen_at=tip.seen_at,
                                  contact=tip.contact, client=client, secret=secret)


def province_choices() -> list[tuple[str, str]]:
    return [(p.province_code, f"{p.name_en} {p.name}") for p in provinces()]
