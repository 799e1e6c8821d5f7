"""Children unmatched for 12 months (configurable) become adoption-eligible.

They stay in every DNA search: eligibility changes their care options, never whether
their family can still find them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.config import Settings, get_settings
from homeward.registry.models import FoundChild
from homeward.workflow.states import UNMATCHED_CARE_STATES, transition


def mark_adoption_eligible(session: Session, *, today: dt.date, actor: str = "system",
                           settings: Settings | None = None) -> list[FoundChild]:
    settings = settings or get_settings()
    months = settings.adoption_eligible_months
    cutoff_days = int(months * 30.4375)
    eligible = []
    children = session.scalars(select(FoundChild).where(
        FoundChild.status.in_(UNMATCHED_CARE_STATES))).all()
    for child in children:
        registered = child.registered_at.date()
        if (today - registered).days >= cutoff_days:
            transition(session, child, "found_child", "adoption_eligible", actor=actor,
                       reason=f"unmatched for {months} months; stays in every DNA search")
            child.adoption_eligible_since = today
            eligible.append(child)
    return eligible
