"""DNA samples (consent, chain of custody) and their encrypted profiles.

A sample is collected only with a consent record, only for its legal purpose (the search
for missing children), and every step of its custody is an event. A profile is stored
encrypted, keyed by specimen id; searching it is the next step
(workflow.matching.store_and_match).
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.kinship.loci import is_amelogenin
from homeward.kinship.profiles import Profile
from homeward.registry import audit
from homeward.registry.models import (
    CustodyEvent,
    FoundChild,
    Relative,
    Sample,
    StoredProfile,
)
from homeward.security.crypto import ProfileCipher
from homeward.workflow.errors import ConsentRequiredError, NotFoundError, RuleViolationError

LEGAL_PURPOSE = "missing-children-search"
# A specimen id as labs write them on tubes and in exports (letters, digits, ``.``, ``_``,
# ``-``): the one definition, enforced by register_sample whichever door it comes through.
SPECIMEN_ID_PATTERN = r"^[A-Za-z0-9._-]{1,80}$"
_SPECIMEN_ID = re.compile(SPECIMEN_ID_PATTERN)


class InvalidSpecimenIdError(RuleViolationError):
    """A specimen id with characters or a length a lab's id never has."""


def check_specimen_id(specimen_id: str) -> str:
    """The specimen id, or :class:`InvalidSpecimenIdError` saying what is allowed."""
    if not _SPECIMEN_ID.fullmatch(specimen_id):
        shown = specimen_id[:40] + ("…" if len(specimen_id) > 40 else "")
        raise InvalidSpecimenIdError(
            f"specimen id {shown!r} is not valid: use 1 to 80 letters, digits, '.', '_' or "
            "'-' (no spaces)")
    return specimen_id


def register_sample(session: Session, *, actor: str, specimen_id: str,
                    collected_by: str, collected_at: dt.datetime,
                    found_child: FoundChild | None = None, relative: Relative | None = None,
                    consent_given: bool, consent_by: str | None = None,
                    consent_document: str | None = None, lab: str | None = None,
                    purpose: str = LEGAL_PURPOSE, location: str | None = None) -> Sample:
    """Register a collected specimen of a found child or of a relative."""
    check_specimen_id(specimen_id)
    if (found_child is None) == (relative is None):
        raise RuleViolationError("a sample belongs to exactly one found child or relative")
    if session.scalar(select(Sample.id).where(Sample.specimen_id == specimen_id)):
        raise RuleViolationError(f"specimen id {specimen_id!r} is already registered")
    if not consent_given:
        raise ConsentRequiredError(
            f"specimen {specimen_id}: no consent record; DNA is collected only with the "
            "donor's (or guardian's) consent")
    sample = Sample(specimen_id=specimen_id, collected_by=collected_by,
                    collected_at=collected_at, consent_given=consent_given,
                    consent_by=consent_by, consent_document=consent_document, lab=lab,
                    purpose=purpose,
                    found_child_id=found_child.id if found_child else None,
                    relative_id=relative.id if relative else None)
    session.add(sample)
    session.flush()
    session.add(CustodyEvent(sample_id=sample.id, actor=collected_by, action="collected",
                             location=location, at=collected_at))
    audit.record(session, actor=actor, action="create", entity="sample", entity_id=sample.id,
                 details={"specimen_id": specimen_id})
    return sample


def add_custody_event(session: Session, *, actor: str, specimen_id: str, action: str,
                      location: str | None = None, note: str | None = None) -> CustodyEvent:
    sample = sample_by_specimen(session, specimen_id)
    event = CustodyEvent(sample_id=sample.id, actor=actor, action=action, location=location,
                         note=note)
    session.add(event)
    audit.record(session, actor=actor, action="custody", entity="sample",
                 entity_id=sample.id, details={"action": action})
    return event


def sample_by_specimen(session: Session, specimen_id: str) -> Sample:
    sample = session.scalar(select(Sample).where(Sample.specimen_id == specimen_id))
    if sample is None:
        raise NotFoundError(f"no registered sample with specimen id {specimen_id!r}")
    return sample


def check_storable(sample: Sample, profile: Profile) -> None:
    """Refuse profiles of samples without consent or outside the legal purpose."""
    if not sample.consent_given:
        raise ConsentRequiredError(f"specimen {sample.specimen_id}: no consent record")
    if sample.purpose != LEGAL_PURPOSE:
        raise RuleViolationError(
            f"specimen {sample.specimen_id}: purpose {sample.purpose!r} is not the search "
            "for missing children; its DNA may not be searched")
    if not profile.str_loci:
        raise RuleViolationError(f"specimen {sample.specimen_id}: profile has no STR locus")


def seal_profile(sample: Sample, profile: Profile, cipher: ProfileCipher, *,
                 actor: str) -> StoredProfile:
    """The encrypted row for a checked profile (not yet added to the session)."""
    return StoredProfile(
        sample_id=sample.id, specimen_id=sample.specimen_id,
        side="child" if sample.found_child_id else "relative",
        sealed=cipher.seal(profile),
        loci_typed=sum(1 for locus in profile.genotypes if not is_amelogenin(locus)),
        loaded_by=actor)


def record_typing(session: Session, stored: StoredProfile, *, actor: str,
                  reason: str | None = None) -> None:
    """Custody event and audit event of a newly stored (flushed) profile."""
    session.add(CustodyEvent(sample_id=stored.sample_id, actor=actor, action="typed",
                             note=reason))
    audit.record(session, actor=actor, action="create", entity="profile",
                 entity_id=stored.id, reason=reason,
                 details={"specimen_id": stored.specimen_id,
                          "loci_typed": stored.loci_typed})


def store_profile(session: Session, *, actor: str, profile: Profile,
                  cipher: ProfileCipher) -> tuple[StoredProfile, bool]:
    """Encrypt and store a typed profile for its registered specimen; (record, stored now).

    Storing the same profile again changes nothing (idempotent: ``False``); a different
    profile for a specimen that already has one is refused. Searching it is the caller's
    next step (workflow.matching.store_and_match).
    """
    sample = sample_by_specimen(session, profile.sample_id)
    check_storable(sample, profile)
    if sample.profile is not None:
        existing = cipher.open(sample.specimen_id, sample.profile.sealed)
        if dict(existing.genotypes) == dict(profile.genotypes):
            return sample.profile, False
        raise RuleViolationError(
            f"specimen {sample.specimen_id} already has a different profile; a re-typing "
            "is a new specimen")
    stored = seal_profile(sample, profile, cipher, actor=actor)
    session.add(stored)
    session.flush()
    record_typing(session, stored, actor=actor)
    return stored, True


def read_profile(session: Session, specimen_id: str, *, actor: str, reason: str,
                 cipher: ProfileCipher) -> Profile:
    """Decrypt one profile; the read is audited."""
    stored = session.scalar(select(StoredProfile).where(
        StoredProfile.specimen_id == specimen_id))
    if stored is None:
        raise NotFoundError(f"no profile for specimen {specimen_id!r}")
    audit.record(session, actor=actor, action="read", entity="profile", entity_id=stored.id,
                 reason=reason)
    return cipher.open(specimen_id, stored.sealed)
