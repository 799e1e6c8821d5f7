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

# Plausible dates, defined once. A missing child was born after 1900 and not in the future;
# a tip's sighting is after 1950 and not later than now, allowing a little clock skew (a
# form's local time without a zone may be up to 14 hours ahead of UTC, UTC+14).
EARLIEST_BIRTH = dt.date(1900, 1, 1)
EARLIEST_SIGHTING = dt.datetime(1950, 1, 1, tzinfo=dt.UTC)
CLOCK_SKEW = dt.timedelta(minutes=10)
WIDEST_ZONE = dt.timedelta(hours=14)
MIN_TIP_CHARS = 5


def _storable(value: str) -> str:
    """Refuse what no database column keeps: NUL and lone surrogates (broken UTF-16)."""
    if "\x00" in value:
        raise ValueError("the text contains a NUL character")
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise ValueError("the text contains an invalid character (a lone surrogate)")
    return value


def _plausible_date(value: dt.date, what: str) -> dt.date:
    if value < EARLIEST_BIRTH:
        raise ValueError(f"the {what} is before {EARLIEST_BIRTH.year}; check the year")
    if value > dt.date.today():
        raise ValueError(f"the {what} cannot be in the future")
    return value


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

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: object) -> object:
        return _storable(value) if isinstance(value, str) else value

    @field_validator("child_name", "parent_name", "contact", mode="after")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("this field cannot be only spaces")
        return value.strip()

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth(cls, value: dt.date) -> dt.date:
        return _plausible_date(value, "birth date")

    @field_validator("last_seen_date")
    @classmethod
    def _plausible_last_seen(cls, value: dt.date) -> dt.date:
        return _plausible_date(value, "date last seen")


class TipIn(BaseModel):
    text: str = Field(min_length=MIN_TIP_CHARS, max_length=5000)
    place: str = Field(default="", max_length=300)
    seen_at: dt.datetime | None = None
    contact: str = Field(default="", max_length=200)

    @field_validator("text", "place", "contact", mode="after")
    @classmethod
    def _storable_text(cls, value: str) -> str:
        return _storable(value)

    @field_validator("text", mode="after")
    @classmethod
    def _says_something(cls, value: str) -> str:
        if len(value.strip()) < MIN_TIP_CHARS:
            raise ValueError(f"write at least {MIN_TIP_CHARS} characters (not counting "
                             "spaces) about what you saw")
        return value.strip()

    @field_validator("seen_at", mode="after")
    @classmethod
    def _plausible_sighting(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        now = dt.datetime.now(dt.UTC)
        if value.tzinfo is None:  # a form's local time: compare as if in the widest zone
            latest = (now + WIDEST_ZONE + CLOCK_SKEW).replace(tzinfo=None)
            earliest = EARLIEST_SIGHTING.replace(tzinfo=None) - WIDEST_ZONE
        else:
            latest, earliest = now + CLOCK_SKEW, EARLIEST_SIGHTING
        if value > latest:
            raise ValueError("the time seen cannot be in the future")
        if value < earliest:
            raise ValueError(f"the time seen is before {EARLIEST_SIGHTING.year}; check "
                             "the year")
        return value


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
