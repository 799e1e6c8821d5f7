"""A family's case told in plain words: where it stands and what happens next.

Families never see DNA, likelihood ratios or the child's current placement: they see the
stage of their case, the next step, and which relatives could still give DNA and where.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry.models import FamilyNotification, Match, User
from homeward.workflow.cases import read_missing_report
from homeward.workflow.dna_gaps import dna_gaps

# What a family may be told: confirmed after review (a welfare review is not told).
FAMILY_CONFIRMED_STATES = ("reviewed", "family_notified", "reunited")

STAGES = {
    "open": ("We are searching.",
             "Police in the province where your child went missing hold your case. Every "
             "new DNA profile of a found child is compared with your family's DNA."),
    "lead": ("Investigators are following a lead.",
             "Police are checking information about your child. They will contact you."),
    "match_candidate": ("A possible DNA match is being checked.",
                        "A laboratory takes a second, independent sample and an expert "
                        "reviews the result. This takes some days; nothing is certain yet."),
    "confirmed": ("Match confirmed.",
                  "DNA from two independent samples shows that a found child is your child. "
                  "Police will contact you to arrange the reunion."),
    "reunited": ("Reunited.", "Your child is home. A social worker will visit you."),
    "closed": ("Case closed.", "Contact the police if you have any new information."),
}
WHERE_TO_GIVE_DNA = ("Blood samples are taken free of charge at any county or city public "
                     "security bureau (police station with a DNA collection point). Bring "
                     "your identity card and your case number.")


@dataclass
class FamilyCase:
    case_number: str
    child_name: str
    child_name_zh: str | None
    stage: str
    next_step: str
    match_confirmed: bool
    could_give_dna: list[str]
    already_gave_dna: list[str]
    where_to_give_dna: str
    # who told the family of the confirmed match, how and when, and what happens next
    notified_on: str | None = None
    notified_how: str | None = None
    what_happens_next: str | None = None


def family_case(session: Session, user: User) -> FamilyCase | None:
    if user.report_id is None:
        return None
    report = read_missing_report(session, user.report_id, actor=user.username,
                                 reason="family views own case")
    stage, next_step = STAGES.get(report.status, STAGES["open"])
    confirmed = session.scalar(select(Match.id).where(
        Match.report_id == report.id,
        Match.state.in_(FAMILY_CONFIRMED_STATES))) is not None
    notice = session.scalar(select(FamilyNotification).join(
        Match, Match.id == FamilyNotification.match_id).where(Match.report_id == report.id)
        .order_by(FamilyNotification.id.desc()).limit(1))
    gaps = dna_gaps(session, report_ids=[report.id])
    gap = gaps[0] if gaps else None
    return FamilyCase(case_number=report.external_id, child_name=report.child_name,
                      child_name_zh=report.child_name_zh, stage=stage, next_step=next_step,
                      match_confirmed=confirmed,
                      could_give_dna=[s.relative for s in gap.suggestions] if gap else [],
                      already_gave_dna=gap.typed if gap else [],
                      where_to_give_dna=WHERE_TO_GIVE_DNA,
                      notified_on=notice.notified_at.date().isoformat() if notice else None,
                      notified_how=notice.method if notice else None,
                      what_happens_next=notice.next_steps if notice else None)
