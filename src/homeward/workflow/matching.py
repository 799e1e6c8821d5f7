"""Automatic matching: a new profile is searched against the other side.

A found child's profile is searched against relatives of open reports (parents by duo
and as couples, siblings and other kin by their IBD coefficients); a relative's profile
is searched against found children. Candidates above the screening LR become matches in
state ``candidate``, with the per-locus results stored for the reviewer.

Decrypted profiles are searched in memory (:mod:`homeward.workflow.profile_store`): the
store belongs to the application or command that created it and is passed in here.
"""

from __future__ import annotations

import math
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.config import Settings
from homeward.kinship.lr import kinship_lr
from homeward.kinship.profiles import Profile
from homeward.kinship.search import CoupleIndex
from homeward.registry import audit
from homeward.registry.models import (
    FoundChild,
    Match,
    MissingReport,
    Sample,
    StoredProfile,
)
from homeward.security.crypto import ProfileCipher
from homeward.workflow.cases import RELATION_TO_TEST
from homeward.workflow.profile_store import ProfileStore, ProfileStores, kinship_setup
from homeward.workflow.samples import store_profile
from homeward.workflow.states import CLOSED_REPORT_STATES, transition

__all__ = ["create_candidate", "kinship_setup", "match_profile", "record_candidate",
           "store_and_match"]

CANDIDATES_PER_SEARCH = 20


def _create_candidate(session: Session, store: ProfileStore, *, actor: str,
                      child_specimen: str, relative_specimen: str, relationship: str,
                      screening_log10: float,
                      other_parent_specimen: str | None = None) -> Match | None:
    child_profile_id, child_id = store.child_entries[child_specimen]
    entry = store.relative_entries[relative_specimen]
    report = session.get(MissingReport, entry.report_id)
    if report is None or report.status in CLOSED_REPORT_STATES:
        return None
    if _already_compared(session, child_id, entry.relative_id, relationship):
        return None
    persons = [store.profiles[child_specimen], store.profiles[relative_specimen]]
    other_id = None
    if other_parent_specimen:
        persons.append(store.profiles[other_parent_specimen])
        other_id = store.relative_entries[other_parent_specimen].profile_id
    result = kinship_lr(persons, relationship, store.table, model=store.model)
    if not result.log10_lr >= screening_log10:
        return None
    match = Match(child_profile_id=child_profile_id, relative_profile_id=entry.profile_id,
                  other_parent_profile_id=other_id, found_child_id=child_id,
                  report_id=entry.report_id, relationship_tested=relationship,
                  log10_lr=result.log10_lr, loci_compared=result.loci_compared,
                  exclusions=result.exclusions,
                  per_locus={k: {"lr": v.lr, "excluded": v.excluded}
                             for k, v in result.loci.items()},
                  model={k: v for k, v in result.params.items() if k != "floored_alleles"})
    return record_candidate(session, match, report, actor=actor)


def _already_compared(session: Session, child_id: int, relative_id: int,
                      relationship: str) -> bool:
    """A candidate of this found child and this relative exists, from any of their
    specimens: a second sample of either confirms that match (review.confirm_second_sample)
    and never opens a second one."""
    return session.scalar(
        select(Match.id).join(StoredProfile, StoredProfile.id == Match.relative_profile_id)
        .join(Sample, Sample.id == StoredProfile.sample_id)
        .where(Match.found_child_id == child_id, Sample.relative_id == relative_id,
               Match.relationship_tested == relationship).limit(1)) is not None


# The rules of one candidate (open report, no duplicate, LR recomputed at the screening
# threshold, audited), shared with batch matching (homeward.batch.writeback).
create_candidate = _create_candidate


def record_candidate(session: Session, match: Match, report: MissingReport, *,
                     actor: str) -> Match:
    """Store a new match candidate: audited, and its open report moves to
    ``match_candidate`` (shared with workflow/joint_identification.py)."""
    session.add(match)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="match", entity_id=match.id,
                 details={"relationship": match.relationship_tested,
                          "log10_lr": round(match.log10_lr, 3)})
    if report.status in ("open", "lead"):
        transition(session, report, "missing_report", "match_candidate", actor=actor,
                   reason=f"DNA match candidate {match.id}")
    return match


def _parents_by_report(store: ProfileStore) -> dict[int, dict[str, str]]:
    parents: dict[int, dict[str, str]] = defaultdict(dict)
    for specimen, entry in store.relative_entries.items():
        if entry.relation in ("father", "mother"):
            parents[entry.report_id].setdefault(entry.relation, specimen)
    return parents


def store_and_match(session: Session, *, actor: str, profile: Profile, cipher: ProfileCipher,
                    settings: Settings, stores: ProfileStores | None = None,
                    ) -> tuple[StoredProfile, list[Match]]:
    """The lab's step: store a typed profile (workflow.samples), then search it."""
    stored, is_new = store_profile(session, actor=actor, profile=profile, cipher=cipher)
    if not is_new:
        return stored, []
    return stored, match_profile(session, stored, profile, actor=actor, cipher=cipher,
                                 settings=settings, stores=stores)


def match_profile(session: Session, stored: StoredProfile, profile: Profile, *, actor: str,
                  cipher: ProfileCipher, settings: Settings,
                  stores: ProfileStores | None = None) -> list[Match]:
    """Search a newly stored profile against the other side; store candidates.

    ``stores`` is the caller's (the application's or the command's); without one the
    profiles are loaded afresh for this search alone.
    """
    store = (stores or ProfileStores()).store(session, cipher, settings)
    screening = math.log10(settings.screening_lr)
    matches: list[Match] = []
    specimen = stored.specimen_id
    parents = _parents_by_report(store)
    if stored.side == "child":
        for relationship, index in store.relatives.items():
            if len(index) == 0:
                continue
            result = index.search(profile, relationship, k=CANDIDATES_PER_SEARCH)
            for hit in result.hits:
                if hit.log10_lr >= screening:
                    made = _create_candidate(session, store, actor=actor,
                                             child_specimen=specimen,
                                             relative_specimen=hit.sample_id,
                                             relationship=relationship,
                                             screening_log10=screening)
                    matches += [made] if made else []
        couples = [(p["father"], p["mother"]) for p in parents.values()
                   if "father" in p and "mother" in p]
        if couples:
            result = CoupleIndex(store.relative_index("parent-child"), couples).search(
                profile, k=CANDIDATES_PER_SEARCH)
            for hit in result.hits:
                if hit.log10_lr >= screening:
                    made = _create_candidate(session, store, actor=actor,
                                             child_specimen=specimen,
                                             relative_specimen=hit.sample_id,
                                             other_parent_specimen=hit.partner_id,
                                             relationship="couple",
                                             screening_log10=screening)
                    matches += [made] if made else []
        return matches
    entry = store.relative_entries[specimen]
    relationship = RELATION_TO_TEST[entry.relation]
    if len(store.children) == 0:
        return matches
    result = store.children.search(profile, relationship, k=CANDIDATES_PER_SEARCH,
                                   query_role="relative")
    other = None
    if entry.relation in ("father", "mother"):
        other = parents.get(entry.report_id, {}).get(
            "mother" if entry.relation == "father" else "father")
    for hit in result.hits:
        if hit.log10_lr < screening:
            continue
        made = _create_candidate(session, store, actor=actor, child_specimen=hit.sample_id,
                                 relative_specimen=specimen, relationship=relationship,
                                 screening_log10=screening)
        matches += [made] if made else []
        if other:
            father, mother = ((specimen, other) if entry.relation == "father"
                              else (other, specimen))
            made = _create_candidate(session, store, actor=actor,
                                     child_specimen=hit.sample_id,
                                     relative_specimen=father,
                                     other_parent_specimen=mother, relationship="couple",
                                     screening_log10=screening)
            matches += [made] if made else []
    return matches


def found_child_of_profile(session: Session, profile_id: int) -> FoundChild | None:
    sample_id = session.scalar(select(StoredProfile.sample_id).where(
        StoredProfile.id == profile_id))
    child_id = session.scalar(select(Sample.found_child_id).where(Sample.id == sample_id))
    return session.get(FoundChild, child_id) if child_id else None
