"""The registry's key figures (``homeward status --json``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeward.registry.models import (
    FoundChild,
    Match,
    MissingReport,
    Relative,
    Reunification,
    Sample,
    StoredProfile,
)
from homeward.workflow.states import (
    CANDIDATE_MATCH_STATES,
    CLOSED_REPORT_STATES,
    CONFIRMED_MATCH_STATES,
    IN_CARE_STATES,
)


def registry_status(session: Session) -> dict[str, int]:
    def count(query) -> int:
        return int(session.scalar(query) or 0)

    with_dna = (select(Relative.report_id)
                .join(Sample, Sample.relative_id == Relative.id)
                .join(StoredProfile, StoredProfile.sample_id == Sample.id))
    return {
        "missing_reports": count(select(func.count(MissingReport.id))),
        "found_children": count(select(func.count(FoundChild.id))),
        "children_in_care": count(select(func.count(FoundChild.id)).where(
            FoundChild.status.in_(IN_CARE_STATES))),
        "profiles": count(select(func.count(StoredProfile.id))),
        "match_candidates": count(select(func.count(Match.id)).where(
            Match.state.in_(CANDIDATE_MATCH_STATES))),
        "confirmed_matches": count(select(func.count(Match.id)).where(
            Match.state.in_(CONFIRMED_MATCH_STATES))),
        "reunited": count(select(func.count(Reunification.id))),
        "open_reports_without_relative_dna": count(
            select(func.count(MissingReport.id)).where(
                MissingReport.status.not_in(CLOSED_REPORT_STATES),
                MissingReport.id.not_in(with_dna))),
    }
