"""State machines of missing reports, found children and matches.

Each machine is a table of allowed transitions; :func:`transition` is the only way to
change a state, and it writes the audit event with the reason.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.workflow.errors import IllegalTransitionError

REPORT_STATES: dict[str, set[str]] = {
    "open": {"lead", "match_candidate", "closed"},
    "lead": {"open", "match_candidate", "closed"},
    "match_candidate": {"open", "lead", "confirmed", "closed"},
    "confirmed": {"reunited", "match_candidate", "closed"},
    "reunited": set(),
    "closed": {"open"},
}

CHILD_STATES: dict[str, set[str]] = {
    "registered": {"in_care", "matched"},
    "in_care": {"matched", "long_term_care", "adoption_eligible"},
    "matched": {"in_care", "reunited", "long_term_care"},
    "long_term_care": {"matched", "adoption_eligible"},
    "adoption_eligible": {"matched", "long_term_care", "in_care"},
    "reunited": set(),
}

MATCH_STATES: dict[str, set[str]] = {
    "candidate": {"second_sample_confirmed", "rejected"},
    "second_sample_confirmed": {"reviewed", "welfare_review", "rejected"},
    "reviewed": {"family_notified", "rejected"},
    "welfare_review": {"reviewed", "welfare_concluded", "rejected"},
    # the welfare review concluded that the child does not return to this family
    "welfare_concluded": set(),
    "family_notified": {"reunited", "rejected"},
    "reunited": set(),
    "rejected": set(),
}

# The groups of states, defined once: status figures, dashboards, public statistics,
# intake linking and the API all import these.
OPEN_REPORT_STATES: tuple[str, ...] = ("open", "lead", "match_candidate", "confirmed")
CLOSED_REPORT_STATES: tuple[str, ...] = ("reunited", "closed")
PUBLIC_REPORT_STATES: tuple[str, ...] = ("open", "lead", "match_candidate")
# placed in temporary care and not yet home (a registered child awaits its first placement)
IN_CARE_STATES: tuple[str, ...] = ("in_care", "matched", "long_term_care", "adoption_eligible")
UNMATCHED_CARE_STATES: tuple[str, ...] = ("in_care", "long_term_care")
CLOSED_CHILD_STATES: tuple[str, ...] = ("reunited",)
CANDIDATE_MATCH_STATES: tuple[str, ...] = ("candidate", "second_sample_confirmed")
# A match in welfare review waits for a welfare reviewer, not in the ordinary queue.
REVIEW_QUEUE_STATES: tuple[str, ...] = CANDIDATE_MATCH_STATES
WELFARE_REVIEW_STATES: tuple[str, ...] = ("welfare_review",)
CONFIRMED_MATCH_STATES: tuple[str, ...] = ("reviewed", "welfare_review", "welfare_concluded",
                                           "family_notified", "reunited")
WELFARE_CONCLUSIONS: tuple[str, ...] = ("return-with-support", "do-not-return",
                                        "another-placement")

MACHINES = {"missing_report": REPORT_STATES, "found_child": CHILD_STATES,
            "match": MATCH_STATES}


class Stateful(Protocol):
    id: int


def transition(session: Session, record: object, machine: str, new_state: str, *,
               actor: str, reason: str | None = None) -> None:
    """Move ``record`` to ``new_state`` or raise :class:`IllegalTransitionError`."""
    states = MACHINES[machine]
    attribute = "state" if machine == "match" else "status"
    current = getattr(record, attribute)
    if new_state == current:
        return
    if new_state not in states.get(current, set()):
        allowed = ", ".join(sorted(states.get(current, set()))) or "none (final state)"
        raise IllegalTransitionError(
            f"{machine.replace('_', ' ')} {getattr(record, 'id', '?')}: cannot go from "
            f"{current!r} to {new_state!r}; allowed: {allowed}"
        )
    if machine == "missing_report" and new_state == "closed" and not reason:
        raise IllegalTransitionError("closing a report needs a reason")
    setattr(record, attribute, new_state)
    if hasattr(record, "status_reason") and reason:
        record.status_reason = reason
    audit.record(session, actor=actor, action="transition", entity=machine,
                 entity_id=getattr(record, "id", None), reason=reason,
                 details={"from": current, "to": new_state})
