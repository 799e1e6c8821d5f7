"""Registering missing reports, found children, relatives, suspects and placements.

Rules enforced here (DESIGN.md section 1): a rescued child is never placed with the
household it was bought by, nor with anyone linked to its case as a suspect; every read
of a child's record is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pypinyin import lazy_pinyin
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.gazetteer import Place, province
from homeward.registry.models import (
    FoundChild,
    Location,
    MissingReport,
    Placement,
    Relative,
    Suspect,
    SuspectChildLink,
)
from homeward.workflow.errors import NotFoundError, RuleViolationError
from homeward.workflow.states import transition

PARENT_RELATIONS = {"father", "mother"}
RELATION_TO_TEST = {
    "father": "parent-child", "mother": "parent-child",
    "full-sibling": "full-siblings", "brother": "full-siblings", "sister": "full-siblings",
    "half-sibling": "half-siblings",
    "grandfather": "grandparent", "grandmother": "grandparent", "grandparent": "grandparent",
    "uncle": "avuncular", "aunt": "avuncular",
    "cousin": "first-cousins",
}


def _created(session: Session, record: Any, entity: str, actor: str,
             reason: str | None = None) -> None:
    session.add(record)
    session.flush()
    audit.record(session, actor=actor, action="create", entity=entity, entity_id=record.id,
                 reason=reason, details={"external_id": getattr(record, "external_id", None)})


HAN = re.compile(r"[\u3400-\u9fff]")


def pinyin_name(name: str) -> str | None:
    """``张小宝`` -> ``Zhang Xiaobao`` (surname first, as IDs and PFIF write it); None when
    the name has no Chinese characters."""
    if not HAN.search(name):
        return None
    syllables = lazy_pinyin(name)
    return syllables[0].capitalize() + " " + "".join(syllables[1:]).capitalize()


def location_for(session: Session, place: Place,
                 cache: dict[str, Location] | None = None) -> Location:
    """The registry's row for a gazetteer place, created on first use."""
    if cache is not None and place.adcode in cache:
        return cache[place.adcode]
    location = session.scalar(select(Location).where(Location.adcode == place.adcode))
    if location is None:
        location = Location(adcode=place.adcode, name=place.name, name_en=place.name_en,
                            province=province(place.province_code).name_en,
                            longitude=place.longitude, latitude=place.latitude)
        session.add(location)
    if cache is not None:
        cache[place.adcode] = location
    return location


def register_missing_report(session: Session, *, actor: str, external_id: str,
                            child_name: str, **fields: Any) -> MissingReport:
    """Create a missing report (status ``open``); ``external_id`` must be new."""
    if session.scalar(select(MissingReport.id).where(MissingReport.external_id == external_id)):
        raise RuleViolationError(f"missing report {external_id!r} already exists")
    report = MissingReport(external_id=external_id, child_name=child_name, **fields)
    _created(session, report, "missing_report", actor)
    return report


def add_relative(session: Session, *, actor: str, report: MissingReport, name: str,
                 relationship_to_child: str, **fields: Any) -> Relative:
    if relationship_to_child not in RELATION_TO_TEST:
        raise RuleViolationError(
            f"relationship {relationship_to_child!r} unknown; use one of "
            f"{', '.join(sorted(RELATION_TO_TEST))}")
    relative = Relative(report=report, name=name, relationship_to_child=relationship_to_child,
                        **fields)
    _created(session, relative, "relative", actor)
    return relative


def register_found_child(session: Session, *, actor: str, external_id: str,
                         **fields: Any) -> FoundChild:
    """Register a rescued, street or unidentified child (status ``registered``)."""
    if session.scalar(select(FoundChild.id).where(FoundChild.external_id == external_id)):
        raise RuleViolationError(f"found child {external_id!r} already exists")
    child = FoundChild(external_id=external_id, **fields)
    _created(session, child, "found_child", actor)
    return child


def _audited_read(session: Session, model: type, record_id: int, entity: str, *,
                  actor: str, reason: str) -> Any:
    record = session.get(model, record_id)
    if record is None:
        raise NotFoundError(f"no {entity.replace('_', ' ')} {record_id}")
    audit.record(session, actor=actor, action="read", entity=entity, entity_id=record_id,
                 reason=reason)
    return record


def read_found_child(session: Session, child_id: int, *, actor: str,
                     reason: str) -> FoundChild:
    """Load a child's record; the read itself is audited (who, when, why)."""
    return _audited_read(session, FoundChild, child_id, "found_child", actor=actor,
                         reason=reason)


def read_missing_report(session: Session, report_id: int, *, actor: str,
                        reason: str) -> MissingReport:
    """Load a missing report; the read is audited."""
    return _audited_read(session, MissingReport, report_id, "missing_report", actor=actor,
                         reason=reason)


def normalise_address(address: str | None) -> str:
    """An address as compared for placements: case, spaces and punctuation dropped."""
    return re.sub(r"[\s,.;:，。、#()（）-]", "", (address or "").lower())


def normalise_id_number(id_number: str | None) -> str:
    """A resident ID number as compared: spaces dropped, the check letter ``x`` upper."""
    return re.sub(r"\s", "", id_number or "").upper()


def _people_of_the_case(session: Session, child: FoundChild) -> list[tuple[str, Any]]:
    """Everyone recorded in the child's case: its suspects (linked, the buyer, the parties
    of its sales) and relatives marked as suspects on reports matched to the child."""
    from homeward.registry.models import ChildTransaction, Match

    suspect_ids = set(session.scalars(select(SuspectChildLink.suspect_id).where(
        SuspectChildLink.found_child_id == child.id)))
    if child.buyer_suspect_id:
        suspect_ids.add(child.buyer_suspect_id)
    for sale in session.scalars(select(ChildTransaction).where(
            ChildTransaction.found_child_id == child.id)):
        suspect_ids |= {i for i in (sale.seller_suspect_id, sale.buyer_suspect_id) if i}
    people: list[tuple[str, Any]] = []
    if suspect_ids:
        people += [(f"a suspect of the case ({s.role})", s) for s in session.scalars(
            select(Suspect).where(Suspect.id.in_(suspect_ids)))]
    matched_reports = select(Match.report_id).where(Match.found_child_id == child.id)
    people += [("a relative recorded as a suspect", r) for r in session.scalars(
        select(Relative).where(Relative.report_id.in_(matched_reports), Relative.is_suspect))]
    return people


def placement_refusal(session: Session, child: FoundChild, *, address: str | None,
                      caregiver_name: str | None, id_numbers: list[str]) -> str | None:
    """Why this placement is refused, or None. The one rule (DESIGN.md section 1): a
    rescued child is never placed with the household it was found in or bought by, nor
    with a suspect, nor with anyone recorded in its case. Households are compared by
    normalised address and by the ID number of every adult, not only by a name."""
    target = normalise_address(address)
    ids = {normalise_id_number(i) for i in id_numbers} - {""}
    if target and target == normalise_address(child.rescued_from_address):
        return ("placement refused: this is the household the child was rescued from; rescued "
                "children never return to the buyers")
    for why, person in _people_of_the_case(session, child):
        home = normalise_address(getattr(person, "household_address", None))
        person_id = normalise_id_number(person.id_number)
        if target and home and target == home:
            return f"placement refused: this address is the household of {why}"
        if person_id and person_id in ids:
            return f"placement refused: an adult of this household is {why}"
        if (caregiver_name and not ids and person.name
                and caregiver_name.strip() == person.name.strip()):
            return (f"placement refused: the caregiver has the name of {why}; give the "
                    "ID numbers of the household's adults")
    return None


PLACEMENT_KINDS = ("welfare-institution", "foster-family")


def place_child(session: Session, *, actor: str, child: FoundChild, kind: str,
                institution: str, started_on: dt.date, caregiver_name: str | None = None,
                caregiver_id_number: str | None = None, address: str | None = None,
                household_id_numbers: list[str] | None = None,
                ended_reason: str = "moved") -> Placement:
    """Place a found child in temporary care (a move ends the current placement, kept in
    the child's history with ``ended_reason``).

    :raises RuleViolationError: with the reason from :func:`placement_refusal`.
    """
    if kind not in PLACEMENT_KINDS:
        raise RuleViolationError("a placement is a welfare-institution or a foster-family")
    if not institution.strip():
        raise RuleViolationError("name the institution or foster family")
    if child.status == "reunited":
        raise RuleViolationError("the child is reunited with the family; no placement")
    ids = [i for i in [caregiver_id_number, *(household_id_numbers or [])] if i]
    refusal = placement_refusal(session, child, address=address,
                                caregiver_name=caregiver_name, id_numbers=ids)
    if refusal:
        raise RuleViolationError(refusal)
    for current in child.placements:
        if current.ended_on is None:
            current.ended_on = started_on
            current.ended_reason = ended_reason
    placement = Placement(child=child, kind=kind, institution=institution.strip(),
                          caregiver_name=caregiver_name,
                          caregiver_id_number=caregiver_id_number, address=address,
                          household_id_numbers=[normalise_id_number(i) for i in ids],
                          started_on=started_on, placed_by=actor)
    _created(session, placement, "placement", actor)
    if child.status == "registered":
        transition(session, child, "found_child", "in_care", actor=actor,
                   reason=f"placed in {institution}")
    return placement


def child_age_years(child: FoundChild, today: dt.date) -> float | None:
    if child.estimated_birth_date is None:
        return None
    return (today - child.estimated_birth_date).days / 365.25


def book_dna_appointment(session: Session, *, actor: str, relative: Relative, station: str,
                         at: dt.datetime) -> Any:
    """Book a relative's DNA sampling at a police station (a DNA collection point)."""
    from homeward.registry.models import DnaAppointment

    if not station.strip():
        raise RuleViolationError("name the police station")
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    if at < dt.datetime.now(dt.UTC) - dt.timedelta(days=1):
        raise RuleViolationError("an appointment is booked for a time to come")
    appointment = DnaAppointment(relative_id=relative.id, station=station.strip(), at=at,
                                 booked_by=actor)
    session.add(appointment)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="dna_appointment",
                 entity_id=appointment.id, details={"relative_id": relative.id})
    return appointment


def store_photo(session: Session, *, actor: str, content: bytes, media_type: str,
                **owner: int) -> Any:
    """Keep a photo already re-encoded without its metadata (web/photos.py), for exactly one
    of a missing report, a found child or a tip (``report_id=``, ``found_child_id=``,
    ``tip_id=``); the write is audited with its owner."""
    from homeward.registry.models import Photo

    if len(owner) != 1 or set(owner) - {"report_id", "found_child_id", "tip_id"}:
        raise RuleViolationError("a photo belongs to one report, child or tip")
    photo = Photo(media_type=media_type, content=content, uploaded_by=actor, **owner)
    session.add(photo)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="photo", entity_id=photo.id,
                 details=owner)
    return photo
