"""The paternity laboratory's report of a confirmed match (GB/T 37223-2018 figures).

A report is issued only for a match that a second, independent sample confirmed and that
a reviewer confirmed (DESIGN.md section 2): anything else is refused with an error saying
which step is missing. The data are assembled here, once, and rendered elsewhere
(:mod:`homeward.reports.paternity_pdf`); every profile is read through the audited
:func:`homeward.workflow.samples.read_profile`, and the report itself is an audited read
of the match.

A ``parent-child`` match is the standard's duo; a ``couple`` match is reported as the
duo of each alleged parent (the standard's trio assumes an undisputed mother, which a
couple searching for their child is not).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.config import Settings, get_settings
from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.gbt37223 import StandardPaternity, standard_paternity_index
from homeward.kinship.loci import is_amelogenin
from homeward.kinship.profiles import Profile
from homeward.registry import audit
from homeward.registry.models import (
    FoundChild,
    Match,
    MissingReport,
    Relative,
    Sample,
    StoredProfile,
    User,
)
from homeward.security.crypto import ProfileCipher
from homeward.workflow.errors import RuleViolationError
from homeward.workflow.review import get_match
from homeward.workflow.samples import read_profile
from homeward.workflow.states import CONFIRMED_MATCH_STATES

REPORTED_RELATIONSHIPS = ("parent-child", "couple")


class SecondSampleMissingError(RuleViolationError):
    """The match has no confirming second sample: no report may be issued."""


class ReviewMissingError(RuleViolationError):
    """No reviewer has confirmed the match: no report may be issued."""


@dataclass(frozen=True)
class CustodyStep:
    at: dt.datetime
    actor: str
    action: str
    location: str | None
    note: str | None


@dataclass(frozen=True)
class ReportSample:
    """One specimen of the report, with the person it comes from and its custody."""

    specimen_id: str
    role: str  # child | alleged father | alleged mother | second sample of ...
    person: str
    collected_by: str
    collected_at: dt.datetime
    lab: str | None
    consent_by: str | None
    loaded_by: str | None
    custody: tuple[CustodyStep, ...]


@dataclass(frozen=True)
class Comparison:
    """One duo of the report: the alleged parent's specimen and the standard's figures."""

    alleged_specimen: str
    alleged_role: str
    standard: StandardPaternity


@dataclass(frozen=True)
class PaternityReportData:
    """Everything a paternity laboratory's report shows for one match."""

    match_id: int
    case_reference: str
    child_reference: str
    relationship: str
    state: str
    samples: tuple[ReportSample, ...]
    profiles: dict[str, Profile]
    loci: tuple[str, ...]
    comparisons: tuple[Comparison, ...]
    frequency_table: str
    analysts: tuple[str, ...]
    reviewer: str
    review_reason: str | None
    issued_by: str
    issued_on: dt.date


def _sample_record(session: Session, specimen: str, role: str,
                   person: str) -> ReportSample:
    sample = session.scalar(select(Sample).where(Sample.specimen_id == specimen))
    assert sample is not None
    stored = sample.profile
    return ReportSample(
        specimen, role, person, sample.collected_by, sample.collected_at, sample.lab,
        sample.consent_by, stored.loaded_by if stored else None,
        tuple(CustodyStep(e.at, e.actor, e.action, e.location, e.note)
              for e in sample.custody))


def _relative_of(session: Session, profile_id: int) -> Relative:
    relative = session.scalar(select(Relative).join(Sample).join(StoredProfile).where(
        StoredProfile.id == profile_id))
    assert relative is not None
    return relative


def _display_name(session: Session, username: str) -> str:
    user = session.scalar(select(User).where(User.username == username))
    return f"{user.display_name} ({username})" if user else username


def check_reportable(match: Match) -> None:
    """Refuse a match without a second sample or without a reviewer's confirmation."""
    if match.relationship_tested not in REPORTED_RELATIONSHIPS:
        raise RuleViolationError(
            f"match {match.id} tested {match.relationship_tested!r}: the GB/T 37223-2018 "
            f"report covers {' and '.join(REPORTED_RELATIONSHIPS)} matches")
    if not match.second_sample_specimen:
        raise SecondSampleMissingError(
            f"match {match.id} has no second sample: confirm an independent second sample "
            "of the child or the relative before a report is issued")
    if not match.reviewed_by or match.state not in CONFIRMED_MATCH_STATES:
        raise ReviewMissingError(
            f"match {match.id} is {match.state!r} and no reviewer has confirmed it: a "
            "report is issued only after a reviewer's confirmation")


def paternity_report(session: Session, match_id: int, *, actor: str, cipher: ProfileCipher,
                     settings: Settings | None = None,
                     today: dt.date | None = None) -> PaternityReportData:
    """Assemble the report of match ``match_id`` (reads audited; nothing else changes).

    :raises NotFoundError: no such match.
    :raises SecondSampleMissingError, ReviewMissingError: the match is not confirmed.
    """
    settings = settings or get_settings()
    match = get_match(session, match_id)
    check_reportable(match)
    report = session.get(MissingReport, match.report_id)
    child = session.get(FoundChild, match.found_child_id)
    assert report is not None and child is not None
    reason = f"paternity report of match {match.id}"
    child_specimen = match.child_profile.specimen_id
    child_name = " ".join(n for n in (report.child_name_zh, report.child_name) if n)
    samples = [_sample_record(session, child_specimen, "child",
                              f"{child.external_id} ({child_name})")]
    alleged: list[tuple[str, str]] = []
    for profile_id in (match.relative_profile_id, match.other_parent_profile_id):
        if profile_id is None:
            continue
        relative = _relative_of(session, profile_id)
        stored = session.get(StoredProfile, profile_id)
        assert stored is not None
        specimen = stored.specimen_id
        role = f"alleged {relative.relationship_to_child}"
        alleged.append((specimen, role))
        samples.append(_sample_record(session, specimen, role, relative.name))
    second = match.second_sample_specimen
    assert second is not None
    confirmed = next((s for s in samples if _same_person(session, s.specimen_id, second)),
                     None)
    samples.append(_sample_record(
        session, second, f"second sample of {confirmed.specimen_id}" if confirmed
        else "second sample", confirmed.person if confirmed else "-"))
    profiles = {specimen: read_profile(session, specimen, actor=actor, reason=reason,
                                       cipher=cipher)
                for specimen in [child_specimen, *(s for s, _ in alleged)]}
    table = load_packaged_table(settings.frequency_table)
    comparisons = tuple(
        Comparison(specimen, role, standard_paternity_index(
            (profiles[child_specimen], profiles[specimen]), table,
            mutation_rate=settings.mutation_rate))
        for specimen, role in alleged)
    loci = tuple(sorted({locus for p in profiles.values() for locus in p.genotypes
                         if not is_amelogenin(locus)}, key=str.upper))
    audit.record(session, actor=actor, action="read", entity="match", entity_id=match.id,
                 reason=reason, details={"report": "GB/T 37223-2018"})
    analysts = tuple(sorted({s.loaded_by for s in samples if s.loaded_by}))
    return PaternityReportData(
        match.id, report.external_id, child.external_id, match.relationship_tested,
        match.state, tuple(samples), profiles, loci, comparisons, table.name,
        tuple(_display_name(session, a) for a in analysts),
        _display_name(session, match.reviewed_by or ""), match.review_reason, actor,
        today or dt.date.today())


def _same_person(session: Session, specimen_a: str, specimen_b: str) -> bool:
    a, b = (session.scalar(select(Sample).where(Sample.specimen_id == s))
            for s in (specimen_a, specimen_b))
    assert a is not None and b is not None
    return ((a.found_child_id, a.relative_id) == (b.found_child_id, b.relative_id))
