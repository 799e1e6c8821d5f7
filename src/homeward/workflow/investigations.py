"""Entity-resolution decisions: propose, accept (merge), reject, undo.

Resolution (investigations.resolution) only proposes; a person decides. An accepted
candidate merges the two persons when the graph is analysed (investigations.merges); an
undone merge is a decision too, so the history stays in the audit log and the two persons
come apart exactly as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.investigations.build import node_of
from homeward.investigations.graph import PERSON_KINDS
from homeward.investigations.resolution import records_of_nodes, resolve
from homeward.registry import audit
from homeward.registry.models import GraphNode, ResolutionCandidate, utcnow
from homeward.workflow.errors import IllegalTransitionError, NotFoundError, RuleViolationError

PROPOSED, ACCEPTED, REJECTED, UNDONE = "proposed", "accepted", "rejected", "undone"
DECISIONS: dict[str, set[str]] = {PROPOSED: {ACCEPTED, REJECTED}, ACCEPTED: {UNDONE},
                                  REJECTED: {PROPOSED}, UNDONE: {ACCEPTED}}


@dataclass(frozen=True)
class Proposals:
    pairs_compared: int
    proposed: int
    new: int


def propose_merges(session: Session, *, actor: str) -> Proposals:
    """Compare the graph's persons and store the pairs worth a person's decision; pairs
    already decided keep their decision."""
    nodes = [node_of(row) for row in session.scalars(
        select(GraphNode).where(GraphNode.kind.in_(PERSON_KINDS)))]
    result = resolve(records_of_nodes(nodes))
    known = {(c.left_node, c.right_node): c for c in session.scalars(select(
        ResolutionCandidate))}
    new = 0
    for pair in result.proposed:
        candidate = known.get((pair.left, pair.right))
        if candidate is None:
            session.add(ResolutionCandidate(left_node=pair.left, right_node=pair.right,
                                            score=pair.score, comparison=pair.comparison))
            new += 1
        elif candidate.status == PROPOSED:
            candidate.score, candidate.comparison = pair.score, pair.comparison
    session.flush()
    audit.record(session, actor=actor, action="propose", entity="resolution",
                 entity_id="all", details={"pairs_compared": result.pairs_compared,
                                           "proposed": len(result.proposed), "new": new})
    return Proposals(result.pairs_compared, len(result.proposed), new)


def get_candidate(session: Session, candidate_id: int) -> ResolutionCandidate:
    candidate = session.get(ResolutionCandidate, candidate_id)
    if candidate is None:
        raise NotFoundError(f"no resolution candidate {candidate_id}")
    return candidate


def _move(session: Session, candidate: ResolutionCandidate, status: str, *, actor: str,
          reason: str) -> ResolutionCandidate:
    if status not in DECISIONS[candidate.status]:
        raise IllegalTransitionError(f"a {candidate.status} candidate cannot become {status}")
    if not reason.strip():
        raise RuleViolationError("a decision on a merge needs a reason")
    previous = candidate.status
    candidate.status, candidate.decided_by = status, actor
    candidate.decided_at, candidate.reason = utcnow(), reason.strip()
    audit.record(session, actor=actor, action=status, entity="resolution_candidate",
                 entity_id=candidate.id, reason=reason.strip(),
                 details={"from": previous, "nodes": [candidate.left_node,
                                                      candidate.right_node]})
    return candidate


def decide_merge(session: Session, candidate_id: int, *, actor: str, accept: bool,
                 reason: str) -> ResolutionCandidate:
    """Accept (the two records are one person) or reject a proposed pair."""
    return _move(session, get_candidate(session, candidate_id),
                 ACCEPTED if accept else REJECTED, actor=actor, reason=reason)


def undo_merge(session: Session, candidate_id: int, *, actor: str,
               reason: str) -> ResolutionCandidate:
    """Take back an accepted merge: the two persons are two again."""
    return _move(session, get_candidate(session, candidate_id), UNDONE, actor=actor,
                 reason=reason)


__all__ = ["DECISIONS", "Proposals", "decide_merge", "get_candidate", "propose_merges",
           "undo_merge"]
