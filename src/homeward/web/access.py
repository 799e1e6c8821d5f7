"""Who may see what: the one place where roles and jurisdictions are decided.

Default deny: a capability or a record is visible only where a rule below says so.
Police see the cases of their province (``jurisdiction`` is a province code, or
``national`` for the ministry's desk) and the children matched to those cases; care staff
see the children placed in their institution; families see their own report; lab
analysts see profiles by specimen id, never names; reviewers see matches; administrators
see users and the audit log, not children's files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from sqlalchemy import Row, Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import Session

from homeward.intake.places import EXONYMS, EXTRA_ENGLISH, find_places
from homeward.registry.gazetteer import core_name, places
from homeward.registry.models import (
    FoundChild,
    LeadLink,
    Match,
    MissingReport,
    Operation,
    Placement,
    Source,
    Suspect,
    Tip,
    User,
)

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
    # from raid to reunion
    "register_children": frozenset({"police"}),
    "suspects": frozenset({"police"}),
    "relatives": frozenset({"police", "family"}),
    "place": frozenset({"care_staff"}),
    "child_consent": frozenset({"care_staff", "police"}),
    "notify_family": frozenset({"police"}),
    "reunion": frozenset({"police"}),
    "welfare_review": frozenset({"reviewer"}),
    "adoption": frozenset({"reviewer"}),
    # geo-targeted alerts of a case: publish, update, close, delivery status (the case's
    # jurisdiction is checked as for the case page); subscribing and sightings are public
    "alerts": frozenset({"police"}),
    # joint identification of an operation's rescued children: its police, and reviewers
    # (by specimen id); may_identify_in_operation decides which operation
    "joint_identification": frozenset({"police", "reviewer"}),
    # rings, routes and entity resolution of the investigations graph (issue 14): police;
    # ring_anchors decides which rings and persons of the graph an officer sees
    "investigations": frozenset({"police"}),
}

# Capabilities that open a child's file or DNA: the roles holding them (and the role that
# approves changes, administrator) are granted only with a second administrator's approval.
OPENS_CHILDREN_OR_DNA = frozenset({"cases", "alerts", "operations", "tips", "leads", "lab",
                                   "second_sample", "review", "care", "family",
                                   "joint_identification", "investigations"})
FOUR_EYES_ROLES = frozenset(
    {role for capability in OPENS_CHILDREN_OR_DNA for role in CAPABILITIES[capability]}
    | CAPABILITIES["admin"])


def change_needs_approval(role: str) -> bool:
    """Whether giving an account this role (or a new jurisdiction or institution in it)
    needs a second administrator. Taking every right away (volunteer) never does."""
    return role in FOUR_EYES_ROLES


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
        if not user.jurisdiction:
            return query.where(placed_here)
        # children of the care staff's province who wait for their first placement
        awaiting = FoundChild.status == "registered"
        return query.where(or_(placed_here, and_(awaiting, _in_jurisdiction(
            FoundChild.jurisdiction, user))))
    return query.where(false())


def may_see_operation(user: User, operation: Operation) -> bool:
    """Police of a province the operation spans, national police, and the officer who
    recorded it (an operation whose provinces are not yet filled in)."""
    if user.role != "police" or not user.jurisdiction or not user.active:
        return False
    return (user.jurisdiction == NATIONAL or user.jurisdiction in (operation.provinces or [])
            or operation.created_by == user.username)


def may_identify_in_operation(user: User, operation: Operation) -> bool:
    """The joint identification of an operation: the police who may see the operation,
    and any active reviewer (who sees specimen ids, never names)."""
    if user.role == "reviewer":
        return bool(user.active)
    return may_see_operation(user, operation)


def _record_ids(nodes: Iterable[str], prefix: str) -> set[int]:
    return {int(n[len(prefix):]) for n in nodes
            if n.startswith(prefix) and n[len(prefix):].isdigit()}


def ring_anchors(session: Session, user: User, nodes: Iterable[str]) -> set[str]:
    """The nodes of the investigations graph that open a ring to this user: a suspect or a
    rescued child of an operation the officer may see (may_see_operation), a child or a
    missing report of the officer's cases (visible_children, visible_reports). A ring is
    visible when one of its members is an anchor (may_see_ring); national police see
    every node, every other role none. One query per kind, however many nodes."""
    wanted = set(nodes)
    if user.role != "police" or not user.jurisdiction or not user.active:
        return set()
    if user.jurisdiction == NATIONAL:
        return wanted
    suspects = _record_ids(wanted, "suspect:")
    children = _record_ids(wanted, "child:")
    reports = _record_ids(wanted, "missing_child:")
    operation_of: dict[str, int] = {}
    if suspects:
        operation_of |= {f"suspect:{i}": op for i, op in session.execute(
            select(Suspect.id, Suspect.operation_id).where(
                Suspect.id.in_(suspects), Suspect.operation_id.is_not(None)))}
    if children:
        operation_of |= {f"child:{i}": op for i, op in session.execute(
            select(FoundChild.id, FoundChild.operation_id).where(
                FoundChild.id.in_(children), FoundChild.operation_id.is_not(None)))}
    seen_operations = {op.id for op in session.scalars(select(Operation).where(
        Operation.id.in_(set(operation_of.values())))) if may_see_operation(user, op)}
    anchors = {node for node, op in operation_of.items() if op in seen_operations}
    if children:
        anchors |= {f"child:{i}" for i in session.scalars(visible_children(user).where(
            FoundChild.id.in_(children)).with_only_columns(FoundChild.id))}
    if reports:
        anchors |= {f"missing_child:{i}" for i in session.scalars(visible_reports(user).where(
            MissingReport.id.in_(reports)).with_only_columns(MissingReport.id))}
    return anchors


def may_see_ring(session: Session, user: User, members: Iterable[str]) -> bool:
    """A ring of the investigations graph (its members are node ids): police who may see
    at least one member's operation or case (ring_anchors)."""
    return bool(ring_anchors(session, user, members))


def may_open_report(session: Session, user: User, report_id: int) -> bool:
    query = visible_reports(user).where(MissingReport.id == report_id).with_only_columns(
        MissingReport.id)
    return session.scalar(query) is not None


def may_open_child(session: Session, user: User, child_id: int) -> bool:
    query = visible_children(user).where(FoundChild.id == child_id).with_only_columns(
        FoundChild.id)
    return session.scalar(query) is not None


# --- tips -----------------------------------------------------------------------------
# A tip follows the jurisdiction of every province it names (its place and its text, read
# as intake reads them: intake/places.py) and of the cases it is linked to (its report,
# and links proposed or accepted to missing reports). A tip that names no place and is
# linked to nothing is for the national desk only. A tip has no stored jurisdiction, so
# for provincial police the database applies a coarse filter (the text contains a name of
# the province or of one of its cities) and keep_visible_tips then reads each candidate.


def tip_provinces(place: str | None, text: str) -> frozenset[str]:
    """The province codes of the places a tip names."""
    return frozenset(m.unit.adcode[:2] for m in find_places(f"{place or ''} {text}")
                     if m.unit.adcode)


@lru_cache(maxsize=64)
def _spellings_of_province(code: str) -> tuple[str, ...]:
    """Lower-case spellings covering every name intake reads as this province or one of
    its cities (a superset: the exact reading is tip_provinces)."""
    names: set[str] = set()
    by_name = {p.name: p for p in places().values()}
    for place in places().values():
        if place.province_code != code or not (place.is_province or place.is_city):
            continue
        short = core_name(place.name)
        names.add(short if len(short) >= 2 else place.name)
        english = EXONYMS.get(place.name, place.name_en).lower()
        names |= {english, english.replace("'", "")}
    names |= {alias.lower() for alias, name in EXTRA_ENGLISH.items()
              if by_name[name].province_code == code}
    return tuple(sorted(names))


def _tip_linked_here(user: User):
    here = _in_jurisdiction(MissingReport.jurisdiction, user)
    return or_(
        exists().where(MissingReport.id == Tip.report_id, here),
        exists().where(LeadLink.subject == "tip", LeadLink.subject_id == Tip.id,
                       LeadLink.target == "missing_report", LeadLink.status != "rejected",
                       LeadLink.target_id == MissingReport.id, here))


def visible_tips(user: User) -> Select:
    """``(Tip, Source)`` rows that may be this user's; pass them through keep_visible_tips
    (or use first_visible_tips / may_open_tip), which drops the coarse filter's extras."""
    query = select(Tip, Source).join(Source, Tip.source_id == Source.id)
    if user.role != "police" or not user.jurisdiction:
        return query.where(false())
    if user.jurisdiction == NATIONAL:
        return query
    said = func.lower(func.coalesce(Tip.place, "") + " " + Source.text)
    names_here = or_(*(said.contains(name, autoescape=True)
                       for name in _spellings_of_province(user.jurisdiction)), false())
    return query.where(or_(_tip_linked_here(user), names_here))


def keep_visible_tips(session: Session, user: User, rows: Sequence[Row]) -> list[Row]:
    """The rows of visible_tips that this user may see (exact)."""
    if user.role == "police" and user.jurisdiction == NATIONAL:
        return list(rows)
    if not rows or user.role != "police" or not user.jurisdiction:
        return []
    ids = [row[0].id for row in rows]
    linked = set(session.scalars(select(Tip.id).where(Tip.id.in_(ids),
                                                      _tip_linked_here(user))))
    return [row for row in rows if row[0].id in linked
            or user.jurisdiction in tip_provinces(row[0].place, row[1].text)]


def first_visible_tips(session: Session, user: User, query: Select, limit: int,
                       batch: int = 200) -> list[Row]:
    """The first ``limit`` rows of a (refined, ordered) visible_tips query this user may see."""
    kept: list[Row] = []
    offset = 0
    while len(kept) < limit:
        rows = session.execute(query.limit(batch).offset(offset)).all()
        kept += keep_visible_tips(session, user, rows)
        if len(rows) < batch:
            break
        offset += batch
    return kept[:limit]


def may_open_tip(session: Session, user: User, tip_id: int) -> bool:
    return bool(first_visible_tips(session, user, visible_tips(user).where(Tip.id == tip_id),
                                   1))
