"""Who may see what: the one place where roles and jurisdictions are decided.

Default deny: a capability or a record is visible only where a rule below says so.
Police see the cases of their province (``jurisdiction`` is a province code, or
``national`` for the ministry's desk) and the children matched to those cases; care staff
see the children placed in their institution; families see their own report; lab
analysts see profiles by specimen id, never names; reviewers see matches; administrators
see users and the audit log, not children's files.
"""

from __future__ import annotations

from sqlalchemy import Select, exists, false, or_, select, true
from sqlalchemy.orm import Session

from homeward.registry.models import FoundChild, Match, MissingReport, Placement, User

ROLES = ("administrator", "police", "lab_analyst", "reviewer", "care_staff", "family",
         "volunteer")
NATIONAL = "national"

CAPABILITIES: dict[str, frozenset[str]] = {
    "cases": frozenset({"police"}),
    "operations": frozenset({"police"}),
    "tips": frozenset({"police"}),
    "leads": frozenset({"police"}),
    "lab": frozenset({"lab_analyst"}),
    "second_sample": frozenset({"lab_analyst", "reviewer"}),
    "review": frozenset({"reviewer"}),
    "care": frozenset({"care_staff"}),
    "family": frozenset({"family"}),
    "admin": frozenset({"administrator"}),
}


def can(user: User | None, capability: str) -> bool:
    return bool(user and user.active and user.role in CAPABILITIES.get(capability, ()))


def _in_jurisdiction(column, user: User):
    return true() if user.jurisdiction == NATIONAL else column == user.jurisdiction


def visible_reports(user: User) -> Select:
    """The missing reports this user may open."""
    query = select(MissingReport)
    if user.role == "police" and user.jurisdiction:
        matched_here = exists().where(
            Match.report_id == MissingReport.id, Match.found_child_id == FoundChild.id,
            _in_jurisdiction(FoundChild.jurisdiction, user))
        return query.where(or_(_in_jurisdiction(MissingReport.jurisdiction, user),
                               matched_here))
    if user.role == "family" and user.report_id:
        return query.where(MissingReport.id == user.report_id)
    return query.where(false())


def visible_children(user: User) -> Select:
    """The found children this user may open."""
    query = select(FoundChild)
    if user.role == "police" and user.jurisdiction:
        matched_here = exists().where(
            Match.found_child_id == FoundChild.id, Match.report_id == MissingReport.id,
            _in_jurisdiction(MissingReport.jurisdiction, user))
        return query.where(or_(_in_jurisdiction(FoundChild.jurisdiction, user),
                               matched_here))
    if user.role == "care_staff" and user.institution:
        placed_here = exists().where(Placement.found_child_id == FoundChild.id,
                                     Placement.institution == user.institution,
                                     Placement.ended_on.is_(None))
        return query.where(placed_here)
    return query.where(false())


def may_open_report(session: Session, user: User, report_id: int) -> bool:
    query = visible_reports(user).where(MissingReport.id == report_id).with_only_columns(
        MissingReport.id)
    return session.scalar(query) is not None


def may_open_child(session: Session, user: User, child_id: int) -> bool:
    query = visible_children(user).where(FoundChild.id == child_id).with_only_columns(
        FoundChild.id)
    return session.scalar(query) is not None
