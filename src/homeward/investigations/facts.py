"""What each registry and intake record says about the graph: its nodes and edges.

Records are grouped by *root*, the unit rebuilt together when any of its records changes:
a suspect (with its phones, household, operation and kinship ties), a found child (with
the roles of the suspects in its case, its sales and its movements), a missing report
(with its relatives), an operation, a press incident, a microblog lead and a tip. Shared
nodes (places, phones, households) belong to no root: they exist while an edge needs them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.intake.places import find_places
from homeward.investigations.graph import HTCDS_ROLES, Edge, Node
from homeward.registry.gazetteer import places
from homeward.registry.models import (
    ChildTransaction,
    FoundChild,
    Incident,
    IncidentSource,
    Lead,
    Location,
    Match,
    MissingReport,
    Operation,
    Relative,
    Suspect,
    SuspectChildLink,
    SuspectKinship,
    Tip,
)
from homeward.workflow.states import CONFIRMED_MATCH_STATES

POLICE = "police_record"
_PHONE = re.compile(r"\+?[\d\s-]{7,20}")


@dataclass
class Facts:
    """The nodes and edges of one root."""

    root: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    shared: list[Node] = field(default_factory=list)

    def node(self, node_id: str, kind: str, label: str, source_kind: str, source_ref: str,
             observed_on: dt.date | None = None, **attributes: object) -> None:
        self.nodes.append(Node(node_id, kind, label, source_kind, source_ref, observed_on,
                               _plain(attributes), root=self.root))

    def edge(self, source: str, target: str, kind: str, source_kind: str, source_ref: str,
             observed_on: dt.date | None = None, **attributes: object) -> None:
        self.edges.append(Edge(source, target, kind, source_kind, source_ref, observed_on,
                               _plain(attributes), root=self.root))


def _plain(attributes: dict[str, object]) -> dict[str, object]:
    """Attributes as JSON keeps them (dates as ISO strings)."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in attributes.items()}


def phone_node(number: str) -> Node:
    digits = re.sub(r"\D", "", number)
    digits = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
    return Node(f"phone:{digits}", "phone", digits, "derived", f"phone:{digits}")


def household_node(address: str) -> Node:
    normal = re.sub(r"[\s,，.。]+", "", address).lower()
    digest = hashlib.sha1(normal.encode()).hexdigest()[:12]
    return Node(f"household:{digest}", "household", address.strip()[:300], "derived",
                f"household:{digest}")


def place_node(adcode: str | None, name: str) -> Node:
    """A place by gazetteer code (a country or an unknown place by its name)."""
    if adcode:
        known = places().get(adcode)
        province = places().get(adcode[:2].ljust(len(adcode), "0"))
        return Node(f"place:{adcode}", "place", known.name if known else name, "derived",
                    f"place:{adcode}", attributes={
                        "adcode": adcode, "province_code": adcode[:2],
                        "province": province.name_en if province else None,
                        "name_en": known.name_en if known else name,
                        "longitude": known.longitude if known else None,
                        "latitude": known.latitude if known else None})
    return Node(f"place:{name}", "place", name, "derived", f"place:{name}",
                attributes={"adcode": None, "province_code": None, "province": None,
                            "name_en": name})


def place_of_text(text: str | None) -> Node | None:
    """The first place named in a free-text place (intake's reading of place names)."""
    mentions = find_places(text or "")
    if not mentions:
        return None
    unit = mentions[-1].unit  # "Handan, Hebei": the most specific name comes first
    unit = next((m.unit for m in mentions if m.unit.kind == "city"), unit)
    return place_node(unit.adcode, unit.name_en)


def _location_node(location: Location | None) -> Node | None:
    if location is None:
        return None
    if location.adcode:
        return place_node(location.adcode, location.name)
    return place_of_text(f"{location.name} {location.province or ''}")


def suspect_facts(session: Session, suspect: Suspect) -> Facts:
    facts = Facts(f"suspect/{suspect.id}")
    ref = f"suspects/{suspect.id}"
    operation = session.get(Operation, suspect.operation_id) if suspect.operation_id else None
    when = operation.started_on if operation else None
    node_id = f"suspect:{suspect.id}"
    facts.node(node_id, "suspect", suspect.name, POLICE, ref, when, role=suspect.role,
               htcds_role=HTCDS_ROLES.get(suspect.role), id_number=suspect.id_number,
               phones=list(suspect.phones or []), operation_id=suspect.operation_id)
    if operation is not None:
        facts.edge(node_id, f"operation:{operation.id}", "member_of", POLICE, ref, when)
    for number in suspect.phones or []:
        phone = phone_node(number)
        facts.shared.append(phone)
        facts.edge(node_id, phone.id, "phone", POLICE, ref, when)
    if suspect.household_address:
        home = household_node(suspect.household_address)
        facts.shared.append(home)
        facts.edge(node_id, home.id, "address", POLICE, ref, when)
    for tie in session.scalars(select(SuspectKinship).where(
            SuspectKinship.suspect_id == suspect.id).order_by(SuspectKinship.id)):
        facts.edge(node_id, f"suspect:{tie.relative_suspect_id}", "kin", POLICE,
                   f"suspect_kinships/{tie.id}", when, kinship=tie.kinship)
    if suspect.relative_id:
        relative = session.get(Relative, suspect.relative_id)
        if relative is not None:
            facts.edge(node_id, f"missing_child:{relative.report_id}", "kin", POLICE,
                       f"relatives/{relative.id}", when,
                       kinship=relative.relationship_to_child, sold_own_child=True)
    return facts


def child_facts(session: Session, child: FoundChild) -> Facts:
    facts = Facts(f"child/{child.id}")
    ref = f"found_children/{child.id}"
    node_id = f"child:{child.id}"
    facts.node(node_id, "child", child.external_id, POLICE, ref, child.found_date,
               status=child.status, sex=child.sex, jurisdiction=child.jurisdiction,
               operation_id=child.operation_id)
    if child.operation_id:
        facts.edge(node_id, f"operation:{child.operation_id}", "member_of", POLICE, ref,
                   child.found_date)
    found = _location_node(child.found_location)
    if found is not None:
        facts.shared.append(found)
        facts.edge(node_id, found.id, "located_at", POLICE, ref, child.found_date,
                   what="found")
    for link in session.scalars(select(SuspectChildLink).where(
            SuspectChildLink.found_child_id == child.id).order_by(SuspectChildLink.id)):
        facts.edge(f"suspect:{link.suspect_id}", node_id, link.role, POLICE,
                   f"suspect_child_links/{link.id}", child.found_date,
                   htcds_role=HTCDS_ROLES.get(link.role))
    stops: list[tuple[dt.date | None, Node, str]] = []
    match = session.scalar(select(Match).where(
        Match.found_child_id == child.id, Match.state.in_(CONFIRMED_MATCH_STATES))
        .order_by(Match.id).limit(1))
    if match is not None:
        report = session.get(MissingReport, match.report_id)
        seen = _location_node(report.last_seen_location) if report else None
        if seen is not None:
            stops.append((report.last_seen_date, seen, f"matches/{match.id}"))
    for sale in session.scalars(select(ChildTransaction).where(
            ChildTransaction.found_child_id == child.id).order_by(ChildTransaction.id)):
        sale_ref = f"child_transactions/{sale.id}"
        if sale.seller_suspect_id and sale.buyer_suspect_id:
            facts.edge(f"suspect:{sale.seller_suspect_id}", f"suspect:{sale.buyer_suspect_id}",
                       "transaction", POLICE, sale_ref, sale.date, child=node_id,
                       price_yuan=sale.price_yuan, place=sale.place)
        where = place_of_text(sale.place)
        if where is not None:
            stops.append((sale.date, where, sale_ref))
    if found is not None:
        stops.append((child.found_date, found, ref))
    stops.sort(key=lambda stop: stop[0] or dt.date.max)
    for (_, here, _), (date, there, stop_ref) in zip(stops, stops[1:], strict=False):
        if here.id != there.id:
            facts.shared += [here, there]
            facts.edge(here.id, there.id, "movement", POLICE, stop_ref, date, child=node_id)
    return facts


def report_facts(session: Session, report: MissingReport) -> Facts:
    facts = Facts(f"report/{report.id}")
    ref = f"missing_reports/{report.id}"
    node_id = f"missing_child:{report.id}"
    source_kind = "post" if (report.source_name or "").lower().startswith("weibo") else POLICE
    facts.node(node_id, "missing_child", report.external_id, source_kind, ref,
               report.last_seen_date, status=report.status, sex=report.sex,
               jurisdiction=report.jurisdiction, birth_date=report.birth_date)
    seen = _location_node(report.last_seen_location)
    if seen is not None:
        facts.shared.append(seen)
        facts.edge(node_id, seen.id, "located_at", source_kind, ref, report.last_seen_date,
                   what="last_seen")
    for relative in report.relatives:
        person = f"person:relative:{relative.id}"
        relative_ref = f"relatives/{relative.id}"
        facts.node(person, "person", relative.name, source_kind, relative_ref,
                   report.last_seen_date, id_number=relative.id_number,
                   relationship_to_child=relative.relationship_to_child)
        facts.edge(person, node_id, "reported", source_kind, relative_ref)
        if relative.contact and _PHONE.fullmatch(relative.contact.strip()):
            phone = phone_node(relative.contact)
            facts.shared.append(phone)
            facts.edge(person, phone.id, "phone", source_kind, relative_ref)
    return facts


def operation_facts(operation: Operation) -> Facts:
    facts = Facts(f"operation/{operation.id}")
    facts.node(f"operation:{operation.id}", "operation", operation.name, POLICE,
               f"operations/{operation.id}", operation.started_on,
               code_name=operation.code_name, provinces=list(operation.provinces or []),
               ended_on=operation.ended_on)
    return facts


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


def incident_facts(session: Session, incident: Incident) -> Facts:
    facts = Facts(f"incident/{incident.id}")
    ref = f"incidents/{incident.id}"
    kinds = {s.source.kind for s in incident.sources}
    source_kind = "post" if kinds == {"post"} else "article"
    figures = incident.figures or {}
    when = _day(incident.date)
    articles = [f"sources/{s.source_id}" for s in incident.sources]
    node_id = f"incident:{incident.id}"
    facts.node(node_id, "incident", f"incident {incident.id} ({incident.date or 'undated'})",
               source_kind, ref, when, articles=articles,
               children_rescued=figures.get("children_rescued"),
               suspects_detained=figures.get("suspects_detained"),
               price_yuan=figures.get("price_yuan"), roles=figures.get("roles", []))
    by_name: dict[str, Node] = {}
    for location in figures.get("locations", []):
        node = place_node(location.get("adcode"), location.get("name") or "?")
        by_name[location.get("name")] = node
        facts.shared.append(node)
        facts.edge(node_id, node.id, "mentions", source_kind, ref, when)
    for route in figures.get("routes", []):
        here, there = by_name.get(route.get("from")), by_name.get(route.get("to"))
        if here is not None and there is not None and here.id != there.id:
            facts.edge(here.id, there.id, "movement", source_kind, ref, when,
                       incident=node_id, price_yuan=figures.get("price_yuan"))
    if incident.operation_id:
        facts.edge(node_id, f"operation:{incident.operation_id}", "mentions", source_kind,
                   ref, when)
    return facts


def lead_facts(lead: Lead) -> Facts:
    facts = Facts(f"lead/{lead.id}")
    ref = f"leads/{lead.id}"
    node_id = f"lead:{lead.id}"
    when = _day(lead.date)
    facts.node(node_id, "lead", f"{lead.kind} {lead.id}", "post", ref, when,
               post_kind=lead.kind,
               source=f"sources/{lead.source_id}")
    if lead.adcode:
        node = place_node(lead.adcode, lead.place or lead.adcode)
        facts.shared.append(node)
        facts.edge(node_id, node.id, "located_at", "post", ref, when)
    return facts


def tip_facts(tip: Tip) -> Facts:
    facts = Facts(f"tip/{tip.id}")
    ref = f"tips/{tip.id}"
    node_id = f"tip:{tip.id}"
    when = tip.seen_at.date() if tip.seen_at else None
    facts.node(node_id, "tip", f"tip {tip.id}", "tip", ref, when, status=tip.status)
    if tip.report_id:
        facts.edge(node_id, f"missing_child:{tip.report_id}", "mentions", "tip", ref, when)
    where = place_of_text(tip.place)
    if where is not None:
        facts.shared.append(where)
        facts.edge(node_id, where.id, "located_at", "tip", ref, when)
    return facts


ROOT_KINDS = ("suspect", "child", "report", "operation", "incident", "lead", "tip")


def facts_of_root(session: Session, root: str) -> Facts:
    """The facts of one root now (empty when its record no longer exists)."""
    kind, _, number = root.partition("/")
    record_id = int(number)
    model = {"suspect": Suspect, "child": FoundChild, "report": MissingReport,
             "operation": Operation, "incident": Incident, "lead": Lead, "tip": Tip}[kind]
    record = session.get(model, record_id)
    if record is None:
        return Facts(root)
    if kind == "suspect":
        return suspect_facts(session, record)
    if kind == "child":
        return child_facts(session, record)
    if kind == "report":
        return report_facts(session, record)
    if kind == "operation":
        return operation_facts(record)
    if kind == "incident":
        return incident_facts(session, record)
    if kind == "lead":
        return lead_facts(record)
    return tip_facts(record)


def all_roots(session: Session) -> Iterator[str]:
    for kind, model in (("operation", Operation), ("suspect", Suspect),
                        ("child", FoundChild), ("report", MissingReport),
                        ("incident", Incident), ("lead", Lead), ("tip", Tip)):
        for record_id in session.scalars(select(model.id).order_by(model.id)):
            yield f"{kind}/{record_id}"


def roots_of_event(session: Session, entity: str, entity_id: str) -> set[str]:
    """The roots an audit event touches (``entity`` as the workflow names it)."""
    if not entity_id.isdigit():
        return set()
    record_id = int(entity_id)
    direct = {"suspect": "suspect", "found_child": "child", "missing_report": "report",
              "operation": "operation", "incident": "incident", "lead": "lead", "tip": "tip"}
    if entity in direct:
        roots = {f"{direct[entity]}/{record_id}"}
        if entity == "found_child":  # a role link changes the suspect's ring too
            roots |= {f"suspect/{s}" for s in session.scalars(select(
                SuspectChildLink.suspect_id).where(SuspectChildLink.found_child_id == record_id))}
        return roots
    if entity == "suspect_kinship":
        tie = session.get(SuspectKinship, record_id)
        return {f"suspect/{tie.suspect_id}"} if tie else set()
    if entity == "transaction":
        sale = session.get(ChildTransaction, record_id)
        return {f"child/{sale.found_child_id}"} if sale else set()
    if entity == "match":
        match = session.get(Match, record_id)
        return {f"child/{match.found_child_id}"} if match else set()
    if entity == "relative":
        relative = session.get(Relative, record_id)
        if relative is None:
            return set()
        return {f"report/{relative.report_id}"} | {
            f"suspect/{s}" for s in session.scalars(select(Suspect.id).where(
                Suspect.relative_id == record_id))}
    if entity == "source":
        return {f"incident/{i}" for i in session.scalars(select(
            IncidentSource.incident_id).where(IncidentSource.source_id == record_id))}
    return set()


__all__ = ["ROOT_KINDS", "Facts", "all_roots", "facts_of_root", "household_node",
           "phone_node", "place_node", "place_of_text", "roots_of_event"]
