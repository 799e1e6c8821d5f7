"""Police operations: the raid, its rescued children, its suspects and the sales of children.

One raid rescues dozens of children across many provinces and detains hundreds of suspects
(DESIGN.md section 1: 92 children and 301 suspects in 11 provinces; 89 children, 369
suspects and 2,600 officers in 14 provinces). Every rescued child is registered with a DNA
sample queued for the lab, goes into temporary civil-affairs care and never back to the
buyers; suspects are recorded by their role in the case (abductor, purchaser, seller,
transporter, introducer, buyer/adopter), their identifiers, their kinship with each other
and the sales they took part in. Parents who sold their own child are suspects too.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import (
    ChildTransaction,
    FoundChild,
    Operation,
    Relative,
    Sample,
    Suspect,
    SuspectChildLink,
    SuspectKinship,
)
from homeward.workflow import samples
from homeward.workflow.cases import register_found_child
from homeward.workflow.errors import NotFoundError, RuleViolationError

SUSPECT_ROLES = ("abductor", "purchaser", "seller", "transporter", "introducer", "buyer")
SUSPECT_KINSHIPS = ("spouse", "parent", "child", "sibling", "relative", "in-law")
# The rescued child's guardian while in state care gives consent for the child's sample.
GUARDIAN_CONSENT = "civil affairs (temporary guardian of a rescued child)"
OPERATION_FIELDS = ("name", "code_name", "started_on", "ended_on", "lead_agency",
                    "provinces", "cities", "officers_deployed", "children_rescued",
                    "suspects_detained", "description")


def get_operation(session: Session, operation_id: int) -> Operation:
    operation = session.get(Operation, operation_id)
    if operation is None:
        raise NotFoundError(f"no operation {operation_id}")
    return operation


def _check_operation(fields: dict[str, Any]) -> None:
    started, ended = fields.get("started_on"), fields.get("ended_on")
    if started and ended and ended < started:
        raise RuleViolationError("the operation ends before it starts")
    for number in ("officers_deployed", "children_rescued", "suspects_detained"):
        value = fields.get(number)
        if value is not None and value < 0:
            raise RuleViolationError(f"{number.replace('_', ' ')} cannot be negative")
    if not str(fields.get("name", "x")).strip():
        raise RuleViolationError("an operation needs a name")


def create_operation(session: Session, *, actor: str, name: str,
                     **fields: Any) -> Operation:
    """A new operation (``external_id`` made here unless given)."""
    unknown = set(fields) - set(OPERATION_FIELDS) - {"external_id"}
    if unknown:
        raise RuleViolationError(f"unknown operation fields: {', '.join(sorted(unknown))}")
    _check_operation({"name": name, **fields})
    external_id = fields.pop("external_id", None) or f"homeward/op.{uuid.uuid4().hex[:10]}"
    if session.scalar(select(Operation.id).where(Operation.external_id == external_id)):
        raise RuleViolationError(f"operation {external_id!r} already exists")
    fields.setdefault("provinces", [])
    fields.setdefault("cities", [])
    operation = Operation(external_id=external_id, name=name.strip(), created_by=actor,
                          **fields)
    session.add(operation)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="operation",
                 entity_id=operation.id, details={"external_id": external_id})
    return operation


def update_operation(session: Session, operation_id: int, *, actor: str,
                     **changes: Any) -> Operation:
    """Edit an operation; the audit event names the fields changed (not their values)."""
    operation = get_operation(session, operation_id)
    unknown = set(changes) - set(OPERATION_FIELDS)
    if unknown:
        raise RuleViolationError(f"unknown operation fields: {', '.join(sorted(unknown))}")
    current = {f: getattr(operation, f) for f in OPERATION_FIELDS}
    _check_operation({**current, **changes})
    changed = sorted(f for f, v in changes.items() if current[f] != v)
    for field in changed:
        setattr(operation, field, changes[field])
    if changed:
        audit.record(session, actor=actor, action="update", entity="operation",
                     entity_id=operation.id, details={"fields": changed})
    return operation


def register_rescued_child(session: Session, *, actor: str, operation: Operation | None,
                           sex: str | None, found_date: dt.date | None = None,
                           jurisdiction: str | None = None, external_id: str | None = None,
                           specimen_id: str | None = None, **fields: Any) -> FoundChild:
    """Register a rescued child and queue its DNA sample for the lab.

    The sample is registered with the guardian's consent (civil affairs holds temporary
    guardianship of a rescued child) and appears in the lab's queue of specimens to type;
    its label (web/labels.py) carries the specimen id as a QR code for the kit.
    """
    if sex not in (None, "male", "female"):
        raise RuleViolationError("sex is male or female (or left blank when unknown)")
    birth = fields.get("estimated_birth_date")
    if birth and found_date and birth > found_date:
        raise RuleViolationError("the estimated birth date is after the date found")
    if found_date and found_date > dt.date.today():
        raise RuleViolationError("the date found cannot be in the future")
    external_id = external_id or f"FC-{uuid.uuid4().hex[:10].upper()}"
    child = register_found_child(
        session, actor=actor, external_id=external_id, kind="rescued", sex=sex,
        found_date=found_date, jurisdiction=jurisdiction,
        operation_id=operation.id if operation else None, **fields)
    samples.register_sample(
        session, actor=actor, specimen_id=specimen_id or f"{external_id}-S1",
        collected_by=actor, collected_at=dt.datetime.now(dt.UTC), found_child=child,
        consent_given=True, consent_by=GUARDIAN_CONSENT,
        location=fields.get("rescued_from_address"))
    return child


def queued_sample(session: Session, child: FoundChild) -> Sample | None:
    """The child's first sample (the one queued at registration)."""
    return session.scalar(select(Sample).where(Sample.found_child_id == child.id)
                          .order_by(Sample.id).limit(1))


def register_suspect(session: Session, *, actor: str, operation: Operation | None,
                     name: str, role: str, id_number: str | None = None,
                     phones: list[str] | None = None, household_address: str | None = None,
                     children: list[FoundChild] = (), sold_own_child: Relative | None = None,
                     ) -> Suspect:
    """Record a suspect by role, identifiers and the children of the case they touched.

    ``sold_own_child`` is the relative record (a parent on a missing report) of a parent who
    sold their child: the relative is marked a suspect, which sends a confirmed match to a
    child-welfare review instead of a reunion (workflow.review).
    """
    if role not in SUSPECT_ROLES:
        raise RuleViolationError(f"role {role!r} unknown; use one of {', '.join(SUSPECT_ROLES)}")
    if not name.strip():
        raise RuleViolationError("a suspect needs a name (an alias if the name is unknown)")
    suspect = Suspect(operation_id=operation.id if operation else None, name=name.strip(),
                      role=role, id_number=(id_number or "").strip().upper() or None,
                      phones=[p.strip() for p in phones or [] if p.strip()],
                      household_address=household_address,
                      relative_id=sold_own_child.id if sold_own_child else None)
    session.add(suspect)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="suspect",
                 entity_id=suspect.id, details={"role": role,
                                                "operation_id": suspect.operation_id})
    for child in children:
        link_child(session, actor=actor, suspect=suspect, child=child, role=role)
    if sold_own_child is not None:
        sold_own_child.is_suspect = True
        audit.record(session, actor=actor, action="update", entity="relative",
                     entity_id=sold_own_child.id, details={"is_suspect": True,
                                                           "suspect_id": suspect.id})
    return suspect


def link_child(session: Session, *, actor: str, suspect: Suspect, child: FoundChild,
               role: str | None = None) -> None:
    """The suspect took part in this child's case (in ``role``); a buyer is recorded as the
    child's buying household."""
    role = role or suspect.role
    if session.scalar(select(SuspectChildLink.id).where(
            SuspectChildLink.suspect_id == suspect.id,
            SuspectChildLink.found_child_id == child.id)):
        return
    session.add(SuspectChildLink(suspect_id=suspect.id, found_child_id=child.id, role=role))
    if role == "buyer" and child.buyer_suspect_id is None:
        child.buyer_suspect_id = suspect.id
    audit.record(session, actor=actor, action="link", entity="found_child",
                 entity_id=child.id, details={"suspect_id": suspect.id, "role": role})


def record_kinship(session: Session, *, actor: str, suspect: Suspect, relative: Suspect,
                   kinship: str) -> SuspectKinship:
    if kinship not in SUSPECT_KINSHIPS:
        raise RuleViolationError(
            f"kinship {kinship!r} unknown; use one of {', '.join(SUSPECT_KINSHIPS)}")
    if suspect.id == relative.id:
        raise RuleViolationError("a suspect is not their own relative")
    tie = SuspectKinship(suspect_id=suspect.id, relative_suspect_id=relative.id,
                         kinship=kinship)
    session.add(tie)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="suspect_kinship",
                 entity_id=tie.id, details={"suspects": [suspect.id, relative.id]})
    return tie


def record_transaction(session: Session, *, actor: str, child: FoundChild,
                       price_yuan: int | None, date: dt.date | None = None,
                       place: str | None = None, seller: Suspect | None = None,
                       buyer: Suspect | None = None) -> ChildTransaction:
    """A sale of the child (the seller and buyer are linked to the child's case)."""
    if price_yuan is not None and not 0 <= price_yuan <= 10_000_000:
        raise RuleViolationError("the price in yuan must be between 0 and 10,000,000")
    if date and date > dt.date.today():
        raise RuleViolationError("the date of a sale cannot be in the future")
    sale = ChildTransaction(found_child_id=child.id, operation_id=child.operation_id,
                            seller_suspect_id=seller.id if seller else None,
                            buyer_suspect_id=buyer.id if buyer else None,
                            price_yuan=price_yuan, date=date, place=place,
                            recorded_by=actor)
    session.add(sale)
    session.flush()
    for party, role in ((seller, "seller"), (buyer, "buyer")):
        if party is not None:
            link_child(session, actor=actor, suspect=party, child=child, role=role)
    audit.record(session, actor=actor, action="create", entity="transaction",
                 entity_id=sale.id, details={"found_child_id": child.id})
    return sale


def get_suspect(session: Session, suspect_id: int) -> Suspect:
    suspect = session.get(Suspect, suspect_id)
    if suspect is None:
        raise NotFoundError(f"no suspect {suspect_id}")
    return suspect
