"""Temporary care of rescued children: transfers, visits, the next step, adoption.

A rescued child lives in a civil-affairs welfare institution or with a foster family
until the parents are found and verified by DNA (DESIGN.md section 1). Placements are a
history (a transfer ends one and starts the next, with its reason); visits (health,
schooling, notes) are records of their own, not only audit rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import CareVisit, FoundChild, Placement
from homeward.workflow.cases import place_child
from homeward.workflow.errors import RuleViolationError
from homeward.workflow.states import transition

VISIT_KINDS = ("health", "schooling", "note")


def current_placement(child: FoundChild) -> Placement | None:
    return next((p for p in child.placements if p.ended_on is None), None)


def transfer_child(session: Session, *, actor: str, child: FoundChild, kind: str,
                   institution: str, started_on: dt.date, reason: str,
                   **household: object) -> Placement:
    """Move a child to another institution or family; the earlier placement stays in the
    history, ended on the day with ``reason``. The placement rule is checked again."""
    if current_placement(child) is None:
        raise RuleViolationError("the child has no current placement to transfer from")
    if not reason.strip():
        raise RuleViolationError("a transfer needs a reason")
    return place_child(session, actor=actor, child=child, kind=kind, institution=institution,
                       started_on=started_on, ended_reason=f"transfer: {reason.strip()}",
                       **household)  # type: ignore[arg-type]


def record_visit(session: Session, *, actor: str, child: FoundChild, date: dt.date,
                 kind: str, note: str) -> CareVisit:
    if kind not in VISIT_KINDS:
        raise RuleViolationError(f"visit kind {kind!r} unknown; use {', '.join(VISIT_KINDS)}")
    if not note.strip():
        raise RuleViolationError("a visit needs a note")
    if date > dt.date.today():
        raise RuleViolationError("a visit is recorded on or after the day it happened")
    visit = CareVisit(found_child_id=child.id, date=date, kind=kind, note=note.strip(),
                      recorded_by=actor)
    session.add(visit)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="care_visit",
                 entity_id=visit.id, details={"found_child_id": child.id, "kind": kind})
    return visit


def visits_of(session: Session, child: FoundChild) -> list[CareVisit]:
    return list(session.scalars(select(CareVisit).where(CareVisit.found_child_id == child.id)
                                .order_by(CareVisit.date.desc(), CareVisit.id.desc())))


def reverse_adoption_eligibility(session: Session, *, reviewer: str, child: FoundChild,
                                 reason: str) -> FoundChild:
    """A match appeared: the child is no longer offered for adoption (back in care)."""
    if child.status != "adoption_eligible":
        raise RuleViolationError(f"child {child.id} is {child.status!r}, not adoption-eligible")
    if not reason.strip():
        raise RuleViolationError("reversing adoption eligibility needs a reason")
    transition(session, child, "found_child", "in_care", actor=reviewer, reason=reason)
    child.adoption_eligible_since = None
    return child
