"""Automatic matching: a new profile is searched against the other side.

A found child's profile is searched against relatives of open reports (parents by duo
and as couples, siblings and other kin by their IBD coefficients); a relative's profile
is searched against found children. Candidates above the screening LR become matches in
state ``candidate``, with the per-locus results stored for the reviewer.

Decrypted profiles are held in memory per process (:class:`ProfileStore`), loaded on
first use and topped up with newer rows; any rollback empties the store, so nothing
uncommitted survives in it. Only samples taken for the search for missing children are
ever loaded (the legal purpose of the DNA).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from homeward.config import Settings
from homeward.kinship.frequencies import FrequencyTable, load_packaged_table
from homeward.kinship.loci import CHINESE_KIT_EXTRA, CODIS_20
from homeward.kinship.lr import kinship_lr
from homeward.kinship.model import KinshipModel
from homeward.kinship.mutation import MutationModel
from homeward.kinship.profiles import Profile
from homeward.kinship.search import CoupleIndex, ProfileIndex
from homeward.registry import audit
from homeward.registry.models import (
    FoundChild,
    Match,
    MissingReport,
    Relative,
    Sample,
    StoredProfile,
)
from homeward.security.crypto import ProfileCipher
from homeward.workflow.cases import RELATION_TO_TEST
from homeward.workflow.samples import LEGAL_PURPOSE
from homeward.workflow.states import CLOSED_REPORT_STATES, transition

CANDIDATES_PER_SEARCH = 20


def kinship_setup(settings: Settings) -> tuple[FrequencyTable, KinshipModel, list[str]]:
    table = load_packaged_table(settings.frequency_table)
    mutation = (MutationModel(settings.mutation_model, rate=settings.mutation_rate)  # type: ignore[arg-type]
                if settings.mutation_model else None)
    loci = [locus for locus in (*CODIS_20, *CHINESE_KIT_EXTRA) if locus in table]
    return table, KinshipModel(theta=settings.theta, mutation=mutation), loci


@dataclass
class RelativeEntry:
    profile_id: int
    relative_id: int
    report_id: int
    relation: str


@dataclass
class ProfileStore:
    """Decrypted profiles of one database, as search indexes."""

    table: FrequencyTable
    model: KinshipModel
    loci: list[str]
    children: ProfileIndex
    child_entries: dict[str, tuple[int, int]] = field(default_factory=dict)
    relatives: dict[str, ProfileIndex] = field(default_factory=dict)
    relative_entries: dict[str, RelativeEntry] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    max_profile_id: int = 0

    def relative_index(self, relationship: str) -> ProfileIndex:
        if relationship not in self.relatives:
            self.relatives[relationship] = ProfileIndex(self.table, self.loci, self.model)
        return self.relatives[relationship]

    def refresh(self, session: Session, cipher: ProfileCipher) -> None:
        """Load profiles stored since the last refresh."""
        rows = session.execute(
            select(StoredProfile.id, StoredProfile.specimen_id, StoredProfile.sealed,
                   Sample.found_child_id, Sample.relative_id, Relative.report_id,
                   Relative.relationship_to_child)
            .join(Sample, Sample.id == StoredProfile.sample_id)
            .outerjoin(Relative, Relative.id == Sample.relative_id)
            .where(StoredProfile.id > self.max_profile_id, Sample.purpose == LEGAL_PURPOSE)
            .order_by(StoredProfile.id)).all()
        new_children: list[Profile] = []
        new_relatives: dict[str, list[Profile]] = defaultdict(list)
        for pid, specimen, sealed, child_id, relative_id, report_id, relation in rows:
            profile = cipher.open(specimen, sealed)
            self.profiles[specimen] = profile
            if child_id is not None:
                new_children.append(profile)
                self.child_entries[specimen] = (pid, child_id)
            else:
                test = RELATION_TO_TEST[relation]
                new_relatives[test].append(profile)
                self.relative_entries[specimen] = RelativeEntry(pid, relative_id, report_id,
                                                                relation)
            self.max_profile_id = max(self.max_profile_id, pid)
        if new_children:
            self.children.add_profiles(new_children)
        for test, profiles in new_relatives.items():
            self.relative_index(test).add_profiles(profiles)


_STORES: dict[str, ProfileStore] = {}


@event.listens_for(Session, "after_rollback")
def _drop_stores(session: Session) -> None:
    _STORES.clear()


def profile_store(session: Session, cipher: ProfileCipher, settings: Settings) -> ProfileStore:
    key = str(session.get_bind().url)
    if key not in _STORES:
        table, model, loci = kinship_setup(settings)
        _STORES[key] = ProfileStore(table, model, loci, ProfileIndex(table, loci, model))
    store = _STORES[key]
    store.refresh(session, cipher)
    return store


def clear_profile_stores() -> None:
    _STORES.clear()


def _create_candidate(session: Session, store: ProfileStore, *, actor: str,
                      child_specimen: str, relative_specimen: str, relationship: str,
                      screening_log10: float,
                      other_parent_specimen: str | None = None) -> Match | None:
    child_profile_id, child_id = store.child_entries[child_specimen]
    entry = store.relative_entries[relative_specimen]
    report = session.get(MissingReport, entry.report_id)
    if report is None or report.status in CLOSED_REPORT_STATES:
        return None
    exists = session.scalar(select(Match.id).where(
        Match.child_profile_id == child_profile_id,
        Match.relative_profile_id == entry.profile_id,
        Match.relationship_tested == relationship))
    if exists:
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
    session.add(match)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="match", entity_id=match.id,
                 details={"relationship": relationship,
                          "log10_lr": round(result.log10_lr, 3)})
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


def match_profile(session: Session, stored: StoredProfile, profile: Profile, *, actor: str,
                  cipher: ProfileCipher, settings: Settings) -> list[Match]:
    """Search a newly stored profile against the other side; store candidates."""
    store = profile_store(session, cipher, settings)
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
