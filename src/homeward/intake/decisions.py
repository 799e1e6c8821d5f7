"""An investigator's decision on a proposed link: accepted links take effect, all are audited.

Accepting a tip's link to a missing report files the tip under that case; accepting an
incident's link to an operation records which operation the press was describing. A decided
link is final (a new proposal is never made for the same pair again).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import Incident, Lead, LeadLink, Tip, utcnow
from homeward.workflow.errors import RuleViolationError


def decide_link(session: Session, link: LeadLink, *, accept: bool, actor: str,
                reason: str) -> LeadLink:
    if link.status != "proposed":
        raise RuleViolationError(f"link {link.id} was already {link.status}")
    if not reason.strip():
        raise RuleViolationError("give a reason for the decision")
    link.status = "accepted" if accept else "rejected"
    link.decided_by, link.decided_at, link.reason = actor, utcnow(), reason.strip()
    if accept and link.subject == "tip" and link.target == "missing_report":
        tip = session.get(Tip, link.subject_id)
        if tip is not None:
            tip.report_id = link.target_id
            tip.status = "linked"
    if accept and link.subject == "incident" and link.target == "operation":
        incident = session.get(Incident, link.subject_id)
        if incident is not None:
            incident.operation_id = link.target_id
    if accept and link.subject == "lead":
        lead = session.get(Lead, link.subject_id)
        if lead is not None:
            lead.details = {**lead.details, "linked": {link.target: link.target_id}}
    session.flush()
    audit.record(session, actor=actor, action="accept" if accept else "reject",
                 entity="lead_link", entity_id=link.id, reason=reason.strip(),
                 details={"subject": link.subject, "target": link.target,
                          "target_id": link.target_id})
    return link
