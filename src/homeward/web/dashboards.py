"""The numbers that matter to each role, computed within what the role may see."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeward.registry.models import (
    AuditEvent,
    FoundChild,
    Match,
    MissingReport,
    StoredProfile,
    Tip,
    User,
)
from homeward.web.access import visible_children, visible_reports
from homeward.workflow.states import IN_CARE_STATES, OPEN_REPORT_STATES, REVIEW_QUEUE_STATES

# The reviewer's queue: matches waiting for an ordinary review (not welfare reviews).
REVIEW_STATES = REVIEW_QUEUE_STATES


def _count(session: Session, query) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _days_since(moment: str | dt.datetime | None) -> float | None:
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return round((dt.datetime.now(dt.UTC) - moment).total_seconds() / 86400, 1)


def last_dna_search(session: Session) -> float | None:
    """Days since a profile was last searched (every stored profile is searched at once)."""
    return _days_since(session.scalar(select(func.max(StoredProfile.loaded_at))))


def dashboard(session: Session, user: User) -> dict[str, object]:
    figures: dict[str, object] = {}
    if user.role == "police":
        figures["open_cases"] = _count(session, visible_reports(user).where(
            MissingReport.status.in_(OPEN_REPORT_STATES)))
        figures["children_in_care"] = _count(session, visible_children(user).where(
            FoundChild.status.in_(IN_CARE_STATES)))
        figures["urgent_tips"] = _count(session, select(Tip.id).where(
            Tip.urgent, Tip.status == "new"))
        figures["days_since_last_dna_search"] = last_dna_search(session)
    elif user.role == "care_staff":
        figures["children_in_care"] = _count(session, visible_children(user).where(
            FoundChild.status.in_(IN_CARE_STATES)))
    elif user.role in ("reviewer", "lab_analyst"):
        figures["candidates_to_review"] = _count(session, select(Match.id).where(
            Match.state.in_(REVIEW_STATES)))
        figures["profiles"] = _count(session, select(StoredProfile.id))
        figures["days_since_last_dna_search"] = last_dna_search(session)
    elif user.role == "administrator":
        figures["active_users"] = _count(session, select(User.id).where(User.active))
        figures["audit_events"] = int(session.scalar(select(func.max(AuditEvent.seq))) or 0)
    return figures
