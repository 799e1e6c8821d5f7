"""Where each rescued child stands on the path from raid to reunion, and what comes next.

One definition of the stages, used by the operation's page, its API and the demo's
figures: in care, sampled, typed, candidate, confirmed, welfare review, notified,
reunited, adoption-eligible (and the welfare review's "not returned").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry.models import (
    FoundChild,
    Match,
    Operation,
    Sample,
    StoredProfile,
    Suspect,
)
from homeward.workflow.states import CANDIDATE_MATCH_STATES

STAGES = ("in_care", "sampled", "typed", "candidate", "confirmed", "welfare_review",
          "notified", "reunited", "not_returned", "adoption_eligible")
NEXT_STEP = {
    "in_care": "take the child's DNA sample (the kit's label is printed at registration)",
    "sampled": "the lab types the sample",
    "typed": "wait for a family's DNA: find and sample the parents or other relatives",
    "candidate": "second independent sample, then review of the match",
    "confirmed": "tell the family (record the child's consent first at 16 or more)",
    "welfare_review": "a reviewer concludes the child-welfare review",
    "notified": "plan and record the reunion",
    "reunited": "follow-up visits",
    "not_returned": "long-term care plan",
    "adoption_eligible": "adoption may be considered; the child stays in every DNA search",
}
_MATCH_STAGE = {"reviewed": "confirmed", "welfare_review": "welfare_review",
                "family_notified": "notified", "reunited": "reunited",
                "welfare_concluded": "not_returned"}
_MATCH_ORDER = ("candidate", "confirmed", "welfare_review", "notified", "not_returned",
                "reunited")


def child_stages(session: Session, children: list[FoundChild]) -> dict[int, str]:
    """The stage of each child, from its state, samples, profiles and matches (bulk)."""
    ids = [c.id for c in children]
    if not ids:
        return {}
    sampled = set(session.scalars(select(Sample.found_child_id).where(
        Sample.found_child_id.in_(ids))))
    typed = set(session.scalars(select(Sample.found_child_id).join(
        StoredProfile, StoredProfile.sample_id == Sample.id).where(
        Sample.found_child_id.in_(ids))))
    best: dict[int, str] = {}
    for child_id, state in session.execute(select(Match.found_child_id, Match.state).where(
            Match.found_child_id.in_(ids))):
        stage = "candidate" if state in CANDIDATE_MATCH_STATES else _MATCH_STAGE.get(state)
        if stage and (child_id not in best
                      or _MATCH_ORDER.index(stage) > _MATCH_ORDER.index(best[child_id])):
            best[child_id] = stage
    stages = {}
    for child in children:
        if child.status == "reunited":
            stages[child.id] = "reunited"
        elif child.id in best:
            stages[child.id] = best[child.id]
        elif child.status == "adoption_eligible":
            stages[child.id] = "adoption_eligible"
        elif child.id in typed:
            stages[child.id] = "typed"
        elif child.id in sampled:
            stages[child.id] = "sampled"
        else:
            stages[child.id] = "in_care"
    return stages


@dataclass
class OperationOverview:
    operation: Operation
    children: list[tuple[FoundChild, str]]
    stage_counts: dict[str, int]
    suspects_by_role: dict[str, list[Suspect]]
    dna_to_take: int
    next_steps: list[str] = field(default_factory=list)


def operation_overview(session: Session, operation: Operation) -> OperationOverview:
    """The operation's page: its children along the path, its suspects by role, the DNA
    still to take and the next steps, most urgent first."""
    children = list(session.scalars(select(FoundChild).where(
        FoundChild.operation_id == operation.id).order_by(FoundChild.id)))
    stages = child_stages(session, children)
    counts = Counter(stages.values())
    suspects: dict[str, list[Suspect]] = {}
    for suspect in session.scalars(select(Suspect).where(
            Suspect.operation_id == operation.id).order_by(Suspect.role, Suspect.id)):
        suspects.setdefault(suspect.role, []).append(suspect)
    steps = [f"{counts[stage]} × {NEXT_STEP[stage]}" for stage in STAGES
             if counts.get(stage) and stage not in ("reunited",)]
    return OperationOverview(operation=operation,
                             children=[(c, stages[c.id]) for c in children],
                             stage_counts={s: counts.get(s, 0) for s in STAGES},
                             suspects_by_role=suspects, dna_to_take=counts.get("in_care", 0),
                             next_steps=steps)
