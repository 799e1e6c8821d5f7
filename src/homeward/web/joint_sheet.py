"""The joint identification of an operation as a user may see it (page and API).

Shared by views/joint.py and api_joint.py (the API never imports from the HTML views).
The computation and its audited profile reads are workflow/joint_identification.py; this
module decides what each role is shown: police see the proposals for the children they
may open, with the case's number and name where they may open the case (else only its
province); reviewers see every proposal by specimen id, never a name or a case number.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from sqlalchemy.orm import Session

from homeward.config import Settings
from homeward.registry.models import Operation, User
from homeward.security.crypto import ProfileCipher
from homeward.web.access import may_identify_in_operation, may_open_child, may_open_report
from homeward.web.records import open_report
from homeward.workflow.joint_evidence import finite_or_none
from homeward.workflow.joint_identification import (
    OperationIdentification,
    Proposal,
    identify_operation,
)
from homeward.workflow.ring_context import area_label


def open_identification(session: Session, user: User, operation_id: int) -> Operation:
    """An operation whose joint identification the user may run, else 404."""
    operation = session.get(Operation, operation_id)
    if operation is None or not may_identify_in_operation(user, operation):
        raise HTTPException(404, "no such operation among those you may see")
    return operation


def _family(session: Session, user: User, proposal: Proposal, names: bool) -> dict[str, Any]:
    fam = proposal.family
    out: dict[str, Any] = {
        "id": fam.pedigree.family.id, "jurisdiction": fam.jurisdiction,
        "typed": [{"person": pid, "relation": r.relation, "specimen": r.specimen}
                  for pid, r in fam.pedigree.typed.items()],
        "notes": fam.pedigree.notes, "report_id": None, "external_id": None,
        "child_name": None}
    if names and may_open_report(session, user, fam.report_id):
        report = open_report(session, user, fam.report_id, "joint identification")
        out.update(report_id=report.id, external_id=report.external_id,
                   child_name=report.child_name)
    return out


def _row(session: Session, user: User, proposal: Proposal, names: bool) -> dict[str, Any]:
    candidate = proposal.candidate_id
    evidence = proposal.evidence
    return {
        "child": {"specimen": proposal.child.specimen,
                  "found_child_id": proposal.child.found_child_id if names else None,
                  "external_id": proposal.child.external_id if names else None},
        "family": _family(session, user, proposal, names),
        "log10_lr": finite_or_none(evidence.log10_lr),
        "posterior": proposal.posterior,
        "log10_lr_given_rest": finite_or_none(proposal.log10_lr_given_rest),
        "log10_prior_weight": finite_or_none(proposal.log10_prior_weight),
        "undisputed": proposal.undisputed,
        "loci_compared": evidence.loci_compared, "exclusions": evidence.exclusions,
        "above_screening": proposal.above_screening,
        "next_dna": [{"relative": s.relative, "configuration": s.configuration,
                      "expected_log10_lr": s.expected_log10_lr, "gain": s.gain}
                     for s in proposal.next_dna],
        "candidate": next(({"id": m, "state": state} for m, state, _ in proposal.matches
                           if m == candidate), None),
        "other_matches": [{"id": m, "state": state, "relationship": test}
                          for m, state, test in proposal.matches if m != candidate],
    }


def identification_sheet(session: Session, user: User, operation_id: int, *,
                         cipher: ProfileCipher, settings: Settings) -> dict[str, Any]:
    """Everything the page and the API show (the workflow audits each profile read)."""
    operation = open_identification(session, user, operation_id)
    outcome: OperationIdentification = identify_operation(
        session, operation_id, actor=user.username, cipher=cipher, settings=settings)
    names = user.role == "police"
    shown = [p for p in outcome.proposals
             if not names or may_open_child(session, user, p.child.found_child_id)]
    return {
        "operation": {"id": operation.id, "name": operation.name},
        "proposals": [_row(session, user, p, names) for p in shown],
        "proposals_not_shown": len(outcome.proposals) - len(shown),
        "unassigned_children": len(outcome.unassigned),
        "children_without_profile": len(outcome.without_profile),
        "families": outcome.families,
        "sibling_pairs": [{"children": [a.specimen, b.specimen], "log10_lr": v}
                          for a, b, v in outcome.sibling_pairs],
        "joint_log10_lr": finite_or_none(outcome.joint_log10_lr),
        "method": outcome.method, "prior": outcome.prior, "threshold": outcome.threshold,
        "ring": _ring(outcome), "model": outcome.model, "notes": outcome.notes,
    }


def _ring(outcome: OperationIdentification) -> dict[str, Any]:
    """The ring's source areas and active period the prior used (codes and dates only)."""
    ring = outcome.ring
    return {"source_areas": [{"code": code, "label": area_label(code)}
                             for code in sorted(ring.source_areas)],
            "active_from": ring.active_from.isoformat() if ring.active_from else None,
            "active_to": ring.active_to.isoformat() if ring.active_to else None,
            "sources": list(ring.sources)}
