"""Joint identification of one operation's rescued children against the open families.

One raid rescues dozens of children at once; comparing each with each family alone lets
two children claim one family and ignores that two rescued siblings belong together. This
step builds the kinship engine's input from the registry (:func:`homeward.kinship.joint.
identify`, after dvir's ``jointDVI``/``dviSolve``, Vigeland & Egeland 2021):

- the operation's rescued children (not yet home) with a stored profile taken for the
  legal purpose, each with its sex and its age at the rescue;
- every open missing report with at least one typed relative, as a pedigree
  (workflow/family_pedigree.py), with the missing child's sex, age when vanished, date
  and place last seen;
- the source areas and active period of the ring behind the operation
  (workflow/ring_context.py), weighed against the shares of all open missing reports;

and returns the proposed identifications with their evidence: the pair's LR on its
family's pedigree (workflow/joint_evidence.py), the posterior and the LR given the rest
from the joint assignment, the prior weight used, and the DNA that would add most next.
:func:`propose_candidates` turns each proposal at or above the screening LR into a match
in state ``candidate`` (the normal review follows: second sample, reviewer separation).
Every profile decrypted here is an audited read.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from homeward.config import Settings
from homeward.kinship.errors import KinshipError
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.joint import JointResult, PriorSettings, RescuedChild, identify
from homeward.kinship.joint_prior import RingContext
from homeward.kinship.model import KinshipModel
from homeward.kinship.profiles import Profile
from homeward.registry import audit
from homeward.registry.models import (
    FoundChild,
    Match,
    MissingReport,
    Operation,
    Relative,
    Sample,
    StoredProfile,
)
from homeward.security.crypto import ProfileCipher
from homeward.workflow.dna_gaps import Suggestion, dna_gaps
from homeward.workflow.errors import NotFoundError, RuleViolationError
from homeward.workflow.family_pedigree import (
    MISSING,
    FamilyPedigree,
    TypedRelative,
    age_years,
    family_pedigree,
)
from homeward.workflow.joint_evidence import (
    PairEvidence,
    finite_or_none,
    inconsistent_locus,
    pair_evidence,
)
from homeward.workflow.matching import kinship_setup, record_candidate
from homeward.workflow.ring_context import location_area, operation_prior
from homeward.workflow.samples import LEGAL_PURPOSE
from homeward.workflow.states import CLOSED_CHILD_STATES, CLOSED_REPORT_STATES

PEDIGREE_TEST = "pedigree"  # Match.relationship_tested of a joint identification
# The relative a candidate names first (Match.relative_profile_id): the closest typed one.
CLOSENESS = ("father", "mother", "full-sibling", "brother", "sister", "grandfather",
             "grandmother", "grandparent", "half-sibling", "uncle", "aunt", "cousin")


THETA_NOTE = ("theta 0 applied, not the registry's {theta:g}: on a pedigree theta "
              "enumerates every founder allele jointly, which is out of reach beyond two "
              "founders with the mutation model's full allele list; LRs are somewhat higher "
              "than with theta")


def joint_model(settings: Settings) -> tuple[FrequencyTable, KinshipModel]:
    """The registry's table and mutation model, with theta 0 (THETA_NOTE says why)."""
    table, model, _ = kinship_setup(settings)
    return table, KinshipModel(theta=0.0, mutation=model.mutation)


@dataclass(frozen=True)
class RescuedEntry:
    found_child_id: int
    external_id: str
    specimen: str
    profile_id: int
    jurisdiction: str | None


@dataclass(frozen=True)
class FamilyEntry:
    report_id: int
    external_id: str
    jurisdiction: str | None
    pedigree: FamilyPedigree


@dataclass
class Proposal:
    """One proposed identification and what speaks for it."""

    child: RescuedEntry
    family: FamilyEntry
    evidence: PairEvidence
    posterior: float
    log10_lr_given_rest: float
    log10_prior_weight: float
    undisputed: bool
    screening_log10: float
    next_dna: list[Suggestion] = field(default_factory=list)
    matches: list[tuple[int, str, str]] = field(default_factory=list)  # id, state, test

    @property
    def above_screening(self) -> bool:
        return self.evidence.log10_lr >= self.screening_log10

    @property
    def candidate_id(self) -> int | None:
        return next((m for m, _, test in self.matches if test == PEDIGREE_TEST), None)


@dataclass
class OperationIdentification:
    operation: Operation
    proposals: list[Proposal]
    unassigned: list[RescuedEntry]
    without_profile: list[int]  # found child ids of the operation with no profile yet
    families: int
    joint_log10_lr: float
    method: str
    prior: dict[str, object]
    threshold: float
    sibling_pairs: list[tuple[RescuedEntry, RescuedEntry, float]]
    notes: list[str]
    model: dict[str, object]
    ring: RingContext = field(default_factory=RingContext)


def _read(session: Session, cipher: ProfileCipher, *, actor: str, reason: str,
          profile_id: int, specimen: str, sealed: bytes) -> Profile:
    """Decrypt one profile; the read is audited (as workflow/samples.py read_profile)."""
    audit.record(session, actor=actor, action="read", entity="profile", entity_id=profile_id,
                 reason=reason)
    return cipher.open(specimen, sealed)


def _rescued(session: Session, operation: Operation, cipher: ProfileCipher, *, actor: str,
             reason: str, rescue_date: dt.date | None, notes: list[str]
             ) -> tuple[list[tuple[RescuedEntry, RescuedChild]], list[int]]:
    children = list(session.scalars(select(FoundChild).where(
        FoundChild.operation_id == operation.id,
        FoundChild.status.not_in(CLOSED_CHILD_STATES)).order_by(FoundChild.id)))
    rows = session.execute(
        select(Sample.found_child_id, StoredProfile.id, StoredProfile.specimen_id,
               StoredProfile.sealed)
        .join(StoredProfile, StoredProfile.sample_id == Sample.id)
        .where(Sample.found_child_id.in_([c.id for c in children]),
               Sample.purpose == LEGAL_PURPOSE)
        .order_by(StoredProfile.id)).all()
    first: dict[int, tuple[int, str, bytes]] = {}
    for child_id, profile_id, specimen, sealed in rows:
        first.setdefault(child_id, (profile_id, specimen, sealed))  # later: second samples
    out: list[tuple[RescuedEntry, RescuedChild]] = []
    for child in children:
        if child.id not in first:
            continue
        profile_id, specimen, sealed = first[child.id]
        profile = _read(session, cipher, actor=actor, reason=reason, profile_id=profile_id,
                        specimen=specimen, sealed=sealed)
        if not profile.str_loci:
            notes.append(f"child {specimen} left out: no STR locus typed")
            continue
        sex = child.sex if child.sex in ("male", "female") else None
        if profile.sex and sex and profile.sex != sex:
            notes.append(f"child {specimen}: sex recorded {sex} but amelogenin says "
                         f"{profile.sex}; sex not used")
            sex = None
        sex = sex or profile.sex
        entry = RescuedEntry(child.id, child.external_id, specimen, profile_id,
                             child.jurisdiction)
        out.append((entry, RescuedChild(specimen, profile, sex,  # type: ignore[arg-type]
                                        age_years(child.estimated_birth_date, rescue_date))))
    return out, [c.id for c in children if c.id not in first]


def _families(session: Session, cipher: ProfileCipher, *, actor: str, reason: str,
              notes: list[str]) -> tuple[list[FamilyEntry], dict[str, dict[str, Profile]]]:
    rows = session.execute(
        select(Relative.id, Relative.report_id, Relative.relationship_to_child, Relative.sex,
               StoredProfile.id, StoredProfile.specimen_id, StoredProfile.sealed)
        .join(Sample, Sample.relative_id == Relative.id)
        .join(StoredProfile, StoredProfile.sample_id == Sample.id)
        .join(MissingReport, MissingReport.id == Relative.report_id)
        .where(MissingReport.status.not_in(CLOSED_REPORT_STATES),
               Sample.purpose == LEGAL_PURPOSE)
        .order_by(Relative.id, StoredProfile.id)).all()
    by_report: dict[int, list[TypedRelative]] = defaultdict(list)
    profiles: dict[str, Profile] = {}
    seen: set[int] = set()
    for relative_id, report_id, relation, sex, profile_id, specimen, sealed in rows:
        if relative_id in seen:
            continue  # a second sample of the same relative
        seen.add(relative_id)
        profile = _read(session, cipher, actor=actor, reason=reason, profile_id=profile_id,
                        specimen=specimen, sealed=sealed)
        if not profile.str_loci:
            notes.append(f"relative {specimen} left out: no STR locus typed")
            continue
        profiles[specimen] = profile
        by_report[report_id].append(TypedRelative(relative_id, relation, sex, specimen,
                                                  profile_id))
    reports = session.scalars(select(MissingReport).where(
        MissingReport.id.in_(list(by_report))).order_by(MissingReport.id)
        .options(selectinload(MissingReport.last_seen_location)))
    families: list[FamilyEntry] = []
    typed: dict[str, dict[str, Profile]] = {}
    for report in reports:
        built = family_pedigree(report.id, by_report[report.id], sex=report.sex,
                                birth_date=report.birth_date,
                                last_seen_date=report.last_seen_date,
                                last_seen_place=location_area(report.last_seen_location))
        if not built.typed:
            continue
        families.append(FamilyEntry(report.id, report.external_id, report.jurisdiction,
                                    built))
        typed[built.family.id] = {pid: profiles[r.specimen] for pid, r in built.typed.items()}
    return families, typed


def _rescue_date(session: Session, operation: Operation) -> dt.date | None:
    if operation.started_on:
        return operation.started_on
    dates = [d for d in session.scalars(select(FoundChild.found_date).where(
        FoundChild.operation_id == operation.id)) if d]
    return min(dates) if dates else None


def identify_operation(session: Session, operation_id: int, *, actor: str,
                       cipher: ProfileCipher, settings: Settings) -> OperationIdentification:
    """Run the joint identification of one operation (every profile read is audited)."""
    operation = session.get(Operation, operation_id)
    if operation is None:
        raise NotFoundError(f"no operation {operation_id}")
    table, model = joint_model(settings)
    reason = f"joint identification of operation {operation_id}"
    notes: list[str] = []
    if settings.theta > 0:
        notes.append(THETA_NOTE.format(theta=settings.theta))
    rescue_date = _rescue_date(session, operation)
    rescued, without = _rescued(session, operation, cipher, actor=actor, reason=reason,
                                rescue_date=rescue_date, notes=notes)
    families, typed = _families(session, cipher, actor=actor, reason=reason, notes=notes)
    kept = []
    for fam in families:
        locus = inconsistent_locus(fam.pedigree.family.pedigree, typed[fam.pedigree.family.id],
                                   table, model)
        if locus is None:
            kept.append(fam)
        else:
            notes.append(f"family of report {fam.report_id} left out: its relatives' "
                         f"genotypes at {locus} do not fit the recorded relationships")
    families = kept
    prior = operation_prior(session, operation, rescue_date)
    threshold = settings.screening_lr
    model_info: dict[str, object] = {**model.describe(), "frequency_table": table.name}
    if not rescued or not families:
        return OperationIdentification(operation, [], [e for e, _ in rescued], without,
                                       len(families), 0.0, "nothing to compare",
                                       prior.describe(), threshold, [], notes, model_info,
                                       prior.ring)
    try:
        result = identify([c for _, c in rescued], [f.pedigree.family for f in families],
                          typed, table, model=model, threshold=threshold, prior=prior)
        outcome = OperationIdentification(operation, [], [], without, len(families),
                                          result.joint_log10_lr, result.method, result.prior,
                                          threshold, [], notes, model_info, prior.ring)
        _fill(session, outcome, result, rescued, families, typed, prior, table, model,
              settings)
    except KinshipError as error:
        raise RuleViolationError(f"the joint identification of operation {operation_id} "
                                 f"could not be computed: {error}") from None
    return outcome


def _fill(session: Session, outcome: OperationIdentification, result: JointResult,
          rescued: list[tuple[RescuedEntry, RescuedChild]], families: list[FamilyEntry],
          typed: dict[str, dict[str, Profile]], prior: PriorSettings, table: FrequencyTable,
          model: KinshipModel, settings: Settings) -> None:
    """The proposals of the joint result, each with its pair's evidence on its pedigree."""
    children = {entry.specimen: (entry, child) for entry, child in rescued}
    by_family = {f.pedigree.family.id: f for f in families}
    undisputed = {(u.child, u.family) for u in result.undisputed}
    screening = math.log10(settings.screening_lr)
    proposals = []
    for a in result.assignments:
        entry, child = children[a.child]
        fam = by_family[a.family]
        pedigree = fam.pedigree.family
        evidence = pair_evidence(pedigree.pedigree, a.missing, child.profile,
                                 typed[a.family], table, model)
        proposals.append(Proposal(
            entry, fam, evidence, a.posterior, a.log10_lr_given_rest,
            prior.log10_weight(child, pedigree.missing[0]), (a.child, a.family) in undisputed,
            screening))
    _attach_reviews(session, proposals, settings)
    assigned = {p.child.specimen for p in proposals}
    outcome.sibling_pairs = [(children[x][0], children[y][0], v)
                             for x, y, v in result.sibling_groups if v >= screening]
    outcome.proposals = sorted(proposals, key=lambda p: (-p.evidence.log10_lr,
                                                         p.child.specimen))
    outcome.unassigned = [e for e, _ in rescued if e.specimen not in assigned]


def _attach_reviews(session: Session, proposals: list[Proposal], settings: Settings) -> None:
    """The next DNA to take for each proposal's family, and the matches the pair has."""
    if not proposals:
        return
    reports = sorted({p.family.report_id for p in proposals})
    gaps = {g.report_id: g for g in dna_gaps(session, settings=settings, report_ids=reports)}
    rows = session.execute(select(Match.id, Match.state, Match.relationship_tested,
                                  Match.found_child_id, Match.report_id).where(
        Match.report_id.in_(reports),
        Match.found_child_id.in_([p.child.found_child_id for p in proposals]))
        .order_by(Match.id)).all()
    for proposal in proposals:
        gap = gaps.get(proposal.family.report_id)
        proposal.next_dna = list(gap.suggestions) if gap else []
        proposal.matches = [(m, state, test) for m, state, test, child, report in rows
                            if child == proposal.child.found_child_id
                            and report == proposal.family.report_id]


def _first_relative(proposal: Proposal) -> tuple[TypedRelative, TypedRelative | None]:
    """The closest typed relative, and the other parent when both parents are typed."""
    typed = proposal.family.pedigree.typed
    order = sorted(typed.values(), key=lambda r: (
        CLOSENESS.index(r.relation) if r.relation in CLOSENESS else len(CLOSENESS),
        r.relative_id))
    first = order[0]
    other = typed.get("mother") if first.relation == "father" else None
    return first, other


def propose_candidates(session: Session, operation_id: int, *, actor: str,
                       cipher: ProfileCipher, settings: Settings) -> list[Match]:
    """Each proposal at or above the screening LR becomes a match candidate, once.

    A pair that already has a pedigree match (in any state, a rejected one included) gets
    no second one. The match holds the pair's LR on the pedigree and its per-locus
    results; ``model`` records the pedigree, which specimen stands where, and the joint
    figures (posterior, LR given the rest, prior weight).
    """
    outcome = identify_operation(session, operation_id, actor=actor, cipher=cipher,
                                 settings=settings)
    created: list[Match] = []
    for proposal in outcome.proposals:
        if not proposal.above_screening or proposal.candidate_id is not None:
            continue
        report = session.get(MissingReport, proposal.family.report_id)
        if report is None or report.status in CLOSED_REPORT_STATES:
            continue
        first, other = _first_relative(proposal)
        evidence = proposal.evidence
        match = Match(
            child_profile_id=proposal.child.profile_id, relative_profile_id=first.profile_id,
            other_parent_profile_id=other.profile_id if other else None,
            found_child_id=proposal.child.found_child_id, report_id=report.id,
            relationship_tested=PEDIGREE_TEST, log10_lr=evidence.log10_lr,
            loci_compared=evidence.loci_compared, exclusions=evidence.exclusions,
            per_locus=evidence.per_locus, model=_match_model(outcome, proposal))
        created.append(record_candidate(session, match, report, actor=actor))
    return created


def _match_model(outcome: OperationIdentification, proposal: Proposal) -> dict[str, Any]:
    pedigree = proposal.family.pedigree
    return {**outcome.model, "pedigree": pedigree.family.pedigree.to_dict(),
            "missing": MISSING,
            "typed": {pid: {"specimen": r.specimen, "relation": r.relation}
                      for pid, r in pedigree.typed.items()},
            "notes": pedigree.notes,
            "joint_identification": {
                "operation_id": outcome.operation.id,
                "posterior": proposal.posterior,
                "log10_lr_given_rest": finite_or_none(proposal.log10_lr_given_rest),
                "log10_prior_weight": finite_or_none(proposal.log10_prior_weight),
                "undisputed": proposal.undisputed}}
