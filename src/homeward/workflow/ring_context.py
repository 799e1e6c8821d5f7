"""The ring behind an operation: where it took children from and when, for the prior of
the joint identification (homeward.kinship.joint_prior).

Two sources, each used where present:

- *the registry*: the journey of each child of the operation, the stops the
  investigations graph draws (investigations/facts.py ``child_facts``): where it vanished
  (a confirmed match's place last seen), its sales by date (the place of each sale, read
  from its text) and where it was found. The first stop is a source area when it is
  where the child vanished, or when a later stop lies in another province (a route
  between provinces starts there: investigations/routes.py). A sale in the province the
  child was found in is the buying family's, not a source.
- *the investigations graph*, when it has been built: the rings a child or a suspect of
  the operation belongs to (investigations/rings.py), whose other children (of other
  operations) add the origins of their movements and the dates of their sales.

Source areas are provinces: one child's prefecture is too narrow to speak for a ring, and
the routes between provinces are how the investigations count flows. The active period
starts at the first dated sale or disappearance and ends at the last dated event, the
rescue included; a rescue alone gives no period (it says when the ring stopped, not when
it began). Only area codes and dates leave this module, never a person or a ring id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.investigations.build import built_at
from homeward.investigations.facts import place_of_text
from homeward.investigations.graph import CHILD_KINDS, Edge, Node
from homeward.investigations.service import registry_rings
from homeward.kinship.areas import area_code
from homeward.kinship.errors import InputError
from homeward.kinship.families import MissingChild
from homeward.kinship.joint_prior import PriorSettings, RingContext
from homeward.registry.gazetteer import places
from homeward.registry.models import (
    ChildTransaction,
    FoundChild,
    Location,
    Match,
    MissingReport,
    Operation,
    Suspect,
)
from homeward.workflow.states import CLOSED_REPORT_STATES, CONFIRMED_MATCH_STATES

VANISHED, SALE, FOUND = "vanished", "sale", "found"
ORDER = {VANISHED: 0, SALE: 1, FOUND: 2}  # a child vanishes, is sold (by date), is found


def location_area(location: Location | None) -> str | None:
    """The area code of a registry place (None without a valid adcode)."""
    return _area(location.adcode if location is not None else None)


def _area(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return area_code(code)
    except InputError:
        return None


def area_label(code: str) -> str:
    """``53`` -> ``Yunnan 云南省 (53)``, from the gazetteer."""
    place = places().get(code.ljust(12, "0"))
    return f"{place.name_en} {place.name} ({code})" if place else code


@dataclass
class _Evidence:
    """What the records say, gathered from each source in turn."""

    areas: set[str] = field(default_factory=set)
    taking: list[dt.date] = field(default_factory=list)  # sales and disappearances
    events: list[dt.date] = field(default_factory=list)  # every dated event
    sources: list[str] = field(default_factory=list)

    def origin(self, placed: list[tuple[str, str]]) -> None:
        """The first of a child's placed stops ((area, kind), in date order) is a source
        area when the child vanished there or was later moved to another province."""
        if placed:
            first, kind = placed[0]
            if kind == VANISHED or any(a[:2] != first[:2] for a, _ in placed[1:]):
                self.areas.add(first[:2])

    def journey(self, stops: list[tuple[dt.date | None, str | None, str]]) -> None:
        """Add one child's stops: (date, area, kind) each."""
        stops = sorted(stops, key=lambda s: (ORDER[s[2]], s[0] or dt.date.max))
        self.taking += [d for d, _, kind in stops if d and kind != FOUND]
        self.events += [d for d, _, _ in stops if d]
        self.origin([(area, kind) for _, area, kind in stops if area])

    def context(self) -> RingContext:
        start = min(self.taking, default=None)
        end = max(self.events, default=None) if start else None
        return RingContext(frozenset(self.areas), start, end, tuple(self.sources))


def _registry(session: Session, children: list[FoundChild], evidence: _Evidence) -> None:
    told = 0
    for child in children:
        stops: list[tuple[dt.date | None, str | None, str]] = []
        match = session.scalar(select(Match).where(
            Match.found_child_id == child.id, Match.state.in_(CONFIRMED_MATCH_STATES))
            .order_by(Match.id).limit(1))
        report = session.get(MissingReport, match.report_id) if match else None
        if report is not None:
            stops.append((report.last_seen_date, location_area(report.last_seen_location),
                          VANISHED))
        for sale in session.scalars(select(ChildTransaction).where(
                ChildTransaction.found_child_id == child.id).order_by(ChildTransaction.id)):
            where = place_of_text(sale.place)
            stops.append((sale.date, _area(where.attributes.get("adcode")) if where else None,
                          SALE))
        if any(date or area for date, area, _ in stops):
            told += 1
            stops.append((child.found_date, location_area(child.found_location), FOUND))
            evidence.journey(stops)
    if told:
        evidence.sources.append(f"the sales and identified children of the operation "
                                f"({told} of {len(children)} children)")


def _node_area(nodes: dict[str, Node], node_id: str) -> str | None:
    node = nodes.get(node_id)
    return _area(node.attributes.get("adcode")) if node is not None else None


def _graph(session: Session, anchors: set[str], evidence: _Evidence) -> None:
    if not anchors or built_at(session) is None:
        return
    found = registry_rings(session)
    rings = [r for r in found.rings if anchors & set(r.members)]
    if not rings:
        return
    members = {m for r in rings for m in r.members}
    sales = [e for e in found.edges if e.kind == "transaction"
             and e.source in members and e.target in members]
    children = {m for m in members if m in found.nodes and found.nodes[m].kind in CHILD_KINDS}
    children |= {e.attributes["child"] for e in sales if e.attributes.get("child")}
    moves: dict[str, list[Edge]] = {}
    for edge in found.edges:
        if edge.kind == "movement" and edge.attributes.get("child") in children:
            moves.setdefault(edge.attributes["child"], []).append(edge)
    for chain in moves.values():
        chain.sort(key=lambda e: e.observed_on or dt.date.max)
        areas = [_node_area(found.nodes, chain[0].source)]
        areas += [_node_area(found.nodes, e.target) for e in chain]
        evidence.origin([(a, SALE) for a in areas if a])
        evidence.events += [e.observed_on for e in chain if e.observed_on]
    evidence.taking += [e.observed_on for e in sales if e.observed_on]
    evidence.events += [e.observed_on for e in sales if e.observed_on]
    evidence.sources.append(f"{len(rings)} ring(s) of the investigations graph "
                            f"({len(children)} children)")


def operation_ring(session: Session, operation: Operation) -> RingContext:
    """The source areas and active period of the ring(s) behind ``operation``."""
    children = list(session.scalars(select(FoundChild).where(
        FoundChild.operation_id == operation.id).order_by(FoundChild.id)))
    suspects = session.scalars(select(Suspect.id).where(Suspect.operation_id == operation.id))
    evidence = _Evidence()
    _registry(session, children, evidence)
    _graph(session, {f"child:{c.id}" for c in children} | {f"suspect:{s}" for s in suspects},
           evidence)
    return evidence.context()


def missing_population(session: Session) -> list[MissingChild]:
    """Every open missing report as the prior's population "at large": where and when
    the child vanished (the shares q of homeward.kinship.joint_prior)."""
    rows = session.execute(
        select(MissingReport.id, MissingReport.last_seen_date, Location.adcode)
        .outerjoin(Location, Location.id == MissingReport.last_seen_location_id)
        .where(MissingReport.status.not_in(CLOSED_REPORT_STATES))
        .order_by(MissingReport.id)).all()
    return [MissingChild(f"report-{rid}", "missing", vanished=date,
                         vanished_place=_area(adcode)) for rid, date, adcode in rows]


def operation_prior(session: Session, operation: Operation,
                    rescue_date: dt.date | None) -> PriorSettings:
    """The joint identification's prior: sex, age, and the place and time vanished against
    the operation's ring, the shares counted over every open missing report (the missing
    children at large, not only the families compared)."""
    prior = PriorSettings(rescue_date=rescue_date, ring=operation_ring(session, operation))
    if prior.ring.source_areas or prior.ring.has_period:
        prior = prior.with_base_rates(missing_population(session))
    return prior


__all__ = ["area_label", "location_area", "missing_population", "operation_prior",
           "operation_ring"]
