"""From match candidate to reunion: second sample, review, notification, reunion.

Rules (DESIGN.md sections 1-2): a match is confirmed only at combined LR >= 10,000 on at
least 15 loci (both configurable) with a second independent sample; the reviewer is never
the analyst who loaded a profile of the match; a child aged 16 or more consents before a
family is told; a match to parents who are suspects opens a child-welfare review instead
of a reunion.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.config import Settings, get_settings
from homeward.registry import audit
from homeward.registry.models import (
    FamilyNotification,
    FoundChild,
    Match,
    MissingReport,
    Relative,
    Reunification,
    Sample,
    StoredProfile,
    User,
    WelfareReview,
)
from homeward.security.crypto import ProfileCipher
from homeward.workflow import alerts
from homeward.workflow.cases import child_age_years
from homeward.workflow.errors import (
    ConsentRequiredError,
    NotFoundError,
    PermissionDeniedError,
    RuleViolationError,
)
from homeward.workflow.states import WELFARE_CONCLUSIONS, transition

REVIEWER_ROLES = {"reviewer", "administrator"}
NOTIFICATION_METHODS = ("in-person", "phone", "letter", "app")
DEFAULT_NEXT_STEPS = ("A police officer will arrange the reunion with you and the child's "
                      "carers; the child's wishes are heard first.")


def get_match(session: Session, match_id: int) -> Match:
    match = session.get(Match, match_id)
    if match is None:
        raise NotFoundError(f"no match {match_id}")
    return match


def _profile_ids(match: Match) -> list[int]:
    return [i for i in (match.child_profile_id, match.relative_profile_id,
                        match.other_parent_profile_id) if i is not None]


def _person_of(session: Session, profile_id: int) -> tuple[int | None, int | None]:
    sample = session.scalar(select(Sample).join(StoredProfile).where(
        StoredProfile.id == profile_id))
    assert sample is not None
    return sample.found_child_id, sample.relative_id


def confirm_second_sample(session: Session, match_id: int, specimen_id: str, *,
                          actor: str, cipher: ProfileCipher) -> Match:
    """Record an independent second sample of the child or a relative of the match.

    The second specimen must belong to the same person as one side of the match, be a
    different sample, and show the same genotypes at every locus typed in both.
    """
    match = get_match(session, match_id)
    stored = session.scalar(select(StoredProfile).where(
        StoredProfile.specimen_id == specimen_id))
    if stored is None:
        raise NotFoundError(f"specimen {specimen_id!r} has no typed profile yet")
    if stored.id in _profile_ids(match):
        raise RuleViolationError("the second sample must be a different specimen")
    person = _person_of(session, stored.id)
    sides = {_person_of(session, pid): pid for pid in _profile_ids(match)}
    if person not in sides:
        raise RuleViolationError(
            f"specimen {specimen_id} is not from the child or a relative of match {match_id}")
    first = session.get(StoredProfile, sides[person])
    assert first is not None
    a = cipher.open(first.specimen_id, first.sealed)
    b = cipher.open(stored.specimen_id, stored.sealed)
    shared = [locus for locus in a.str_loci if locus in b.genotypes]
    differing = [locus for locus in shared if a.genotypes[locus] != b.genotypes[locus]]
    if differing:
        raise RuleViolationError(
            f"second sample {specimen_id} differs from {first.specimen_id} at "
            f"{', '.join(differing)}: possible sample mix-up, investigate before review")
    match.second_sample_specimen = specimen_id
    transition(session, match, "match", "second_sample_confirmed", actor=actor,
               reason=f"second sample {specimen_id} agrees on {len(shared)} loci")
    return match


def review_match(session: Session, match_id: int, *, reviewer: str, confirm: bool,
                 reason: str, settings: Settings | None = None) -> Match:
    """Confirm or reject a match; confirmation checks every evidential rule."""
    settings = settings or get_settings()
    match = get_match(session, match_id)
    _check_reviewer(session, reviewer)
    if not reason.strip():
        raise RuleViolationError("a review needs a reason")
    _check_separation(session, match, reviewer)
    if not confirm:
        transition(session, match, "match", "rejected", actor=reviewer, reason=reason)
        _after_rejection(session, match, reviewer)
        return match
    if match.state != "second_sample_confirmed":
        raise RuleViolationError(
            f"match {match_id} is {match.state!r}: confirm a second sample first")
    if match.log10_lr < math.log10(settings.confirmation_lr):
        raise RuleViolationError(
            f"combined LR 10^{match.log10_lr:.2f} is below the confirmation threshold "
            f"{settings.confirmation_lr:,.0f}")
    if match.loci_compared < settings.confirmation_min_loci:
        raise RuleViolationError(
            f"{match.loci_compared} loci compared; confirmation needs at least "
            f"{settings.confirmation_min_loci}")
    match.reviewed_by, match.review_reason = reviewer, reason
    if _involves_suspect(session, match):
        transition(session, match, "match", "welfare_review", actor=reviewer,
                   reason="a matched parent is a suspect in the case: child-welfare review "
                          "before any contact")
        return match
    transition(session, match, "match", "reviewed", actor=reviewer, reason=reason)
    _on_confirmed(session, match, reviewer)
    return match


def _check_reviewer(session: Session, reviewer: str) -> None:
    user = session.scalar(select(User).where(User.username == reviewer))
    if user is None or user.role not in REVIEWER_ROLES or not user.active:
        raise PermissionDeniedError(f"{reviewer!r} is not an active reviewer")


def _check_separation(session: Session, match: Match, reviewer: str) -> None:
    """Whoever loaded a profile of the match (or its second sample) never decides on it."""
    loaded_by = set(session.scalars(select(StoredProfile.loaded_by).where(
        StoredProfile.id.in_(_profile_ids(match)))))
    if match.second_sample_specimen:
        loaded_by |= set(session.scalars(select(StoredProfile.loaded_by).where(
            StoredProfile.specimen_id == match.second_sample_specimen)))
    if reviewer in loaded_by:
        raise PermissionDeniedError(
            "the reviewer loaded a profile of this match; another reviewer must decide")


def conclude_welfare_review(session: Session, match_id: int, *, reviewer: str,
                            conclusion: str, reason: str) -> Match:
    """The child-welfare review of a match whose parent is a suspect or sold the child.

    ``return-with-support``: the case moves on to notification and reunion with support;
    ``do-not-return``: the report is closed and the child stays in long-term care;
    ``another-placement``: the report is closed and the child stays in care to be placed
    elsewhere. The same separation rules as match review apply.
    """
    match = get_match(session, match_id)
    _check_reviewer(session, reviewer)
    if conclusion not in WELFARE_CONCLUSIONS:
        raise RuleViolationError(
            f"conclusion {conclusion!r} unknown; use one of {', '.join(WELFARE_CONCLUSIONS)}")
    if not reason.strip():
        raise RuleViolationError("a welfare review needs a reason")
    if match.state != "welfare_review":
        raise RuleViolationError(f"match {match_id} is {match.state!r}, not in welfare review")
    _check_separation(session, match, reviewer)
    session.add(WelfareReview(match_id=match.id, conclusion=conclusion, reason=reason,
                              reviewer=reviewer))
    if conclusion == "return-with-support":
        transition(session, match, "match", "reviewed", actor=reviewer, reason=reason)
        _on_confirmed(session, match, reviewer)
        return match
    transition(session, match, "match", "welfare_concluded", actor=reviewer, reason=reason)
    report = session.get(MissingReport, match.report_id)
    child = session.get(FoundChild, match.found_child_id)
    assert report is not None and child is not None
    closing = f"welfare review of match {match.id}: {conclusion}"
    transition(session, report, "missing_report", "closed", actor=reviewer, reason=closing)
    report.published = False
    if conclusion == "do-not-return" and child.status in ("in_care", "matched"):
        transition(session, child, "found_child", "long_term_care", actor=reviewer,
                   reason=closing)
    return match


def _involves_suspect(session: Session, match: Match) -> bool:
    relative_ids = [rid for pid in _profile_ids(match)[1:]
                    for _, rid in [_person_of(session, pid)] if rid]
    return bool(session.scalar(select(Relative.id).where(Relative.id.in_(relative_ids),
                                                         Relative.is_suspect)))


def _move_case(session: Session, match: Match, *, report_state: str, child_state: str,
               actor: str, reason: str) -> tuple[MissingReport, FoundChild]:
    """Move the match's missing report and found child together."""
    report = session.get(MissingReport, match.report_id)
    child = session.get(FoundChild, match.found_child_id)
    assert report is not None and child is not None
    transition(session, report, "missing_report", report_state, actor=actor, reason=reason)
    transition(session, child, "found_child", child_state, actor=actor, reason=reason)
    return report, child


def _on_confirmed(session: Session, match: Match, actor: str) -> None:
    _move_case(session, match, report_state="confirmed", child_state="matched", actor=actor,
               reason=f"match {match.id} confirmed")
    _close_geo_alert(session, match.report_id, actor)


def _close_geo_alert(session: Session, report_id: int, actor: str) -> None:
    """The child is found once DNA confirms the match: a geo-alert still widening for the
    report closes, and those who got it are told "found" (without details)."""
    alert = alerts.active_alert(session, report_id)
    if alert is not None:
        alerts.close_alert(session, alert.id, actor=actor, outcome="found")


def _after_rejection(session: Session, match: Match, actor: str) -> None:
    report = session.get(MissingReport, match.report_id)
    assert report is not None
    others = session.scalar(select(Match.id).where(
        Match.report_id == report.id, Match.id != match.id,
        Match.state.not_in(("rejected",))))
    if report.status == "match_candidate" and not others:
        transition(session, report, "missing_report", "open", actor=actor,
                   reason=f"match {match.id} rejected")


def notify_family(session: Session, match_id: int, *, actor: str,
                  today: dt.date | None = None, settings: Settings | None = None,
                  person_told: str | None = None, method: str = "in-person",
                  next_steps: str | None = None) -> Match:
    """Tell the family (who, how, when, what happens next: the family's page shows it); a
    child of 16 or more (``child_consent_age``) must have consented first."""
    if method not in NOTIFICATION_METHODS:
        raise RuleViolationError(
            f"method {method!r} unknown; use one of {', '.join(NOTIFICATION_METHODS)}")
    settings = settings or get_settings()
    match = get_match(session, match_id)
    child = session.get(FoundChild, match.found_child_id)
    assert child is not None
    age = child_age_years(child, today or dt.date.today())
    if age is not None and age >= settings.child_consent_age and not child.consents_to_contact:
        raise ConsentRequiredError(
            f"the child is {age:.0f}: at {settings.child_consent_age} or more the child "
            "decides whether the family is contacted; record the child's consent first")
    transition(session, match, "match", "family_notified", actor=actor,
               reason="family told of the confirmed match")
    report = session.get(MissingReport, match.report_id)
    notice = FamilyNotification(
        match_id=match.id, notified_by=actor, method=method,
        person_told=(person_told or (report.reporter_name if report else None)
                     or "the reporting family"),
        next_steps=next_steps or DEFAULT_NEXT_STEPS)
    session.add(notice)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="family_notification",
                 entity_id=notice.id, details={"match_id": match.id, "method": method})
    return match


def reunite(session: Session, match_id: int, *, actor: str, date: dt.date,
            child_consent: bool | None = None, place: str | None = None,
            present: list[str] | None = None) -> Reunification:
    """Record the reunion: the report and the child's file close, placements end and the
    public alert is withdrawn."""
    match = get_match(session, match_id)
    if date > dt.date.today():
        raise RuleViolationError("record a reunion once it has happened (date in the future)")
    transition(session, match, "match", "reunited", actor=actor, reason="reunited")
    _, child = _move_case(session, match, report_state="reunited", child_state="reunited",
                          actor=actor, reason=f"reunited on {date}")
    for placement in child.placements:
        if placement.ended_on is None:
            placement.ended_on = date
    report = session.get(MissingReport, match.report_id)
    if report is not None:
        report.published = False  # the public alert closes
    _close_geo_alert(session, match.report_id, actor)
    reunion = Reunification(match_id=match.id, date=date, child_consent=child_consent,
                            place=place, present=[p.strip() for p in present or []
                                                  if p.strip()],
                            recorded_by=actor)
    session.add(reunion)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="reunification",
                 entity_id=reunion.id)
    return reunion


def record_child_consent(session: Session, child_id: int, *, actor: str,
                         consents: bool) -> FoundChild:
    child = session.get(FoundChild, child_id)
    if child is None:
        raise NotFoundError(f"no found child {child_id}")
    child.consents_to_contact = consents
    audit.record(session, actor=actor, action="update", entity="found_child",
                 entity_id=child_id, details={"consents_to_contact": consents})
    return child
