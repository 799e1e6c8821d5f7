"""Who still needs to give DNA, and what each relative would add.

For every open missing report: which relatives gave samples, and which could still give
one to make a match possible or stronger. Each report's family is drawn as a pedigree
(:func:`homeward.workflow.family_pedigree.family_pedigree`, the same placement rules as
joint identification), and for the relatives typed now, and with each candidate added
(every registered relative who gave no sample yet, and a missing parent, both parents or
a full sibling), the expected log10 LR of a true match and its expected exclusion power
are simulated on that pedigree (:mod:`homeward.kinship.pedigree_power`, seeded, so the
advice is reproducible). The candidate with the largest gain adds most. Families of the
same shape share one simulation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.config import Settings, get_settings
from homeward.kinship.missing_batch import pedigree_shape
from homeward.kinship.pedigree_power import ExpectedLR, expected_log10_lr
from homeward.registry.models import MissingReport, Relative, Sample, StoredProfile
from homeward.workflow.family_pedigree import MISSING, TypedRelative, family_pedigree
from homeward.workflow.matching import kinship_setup
from homeward.workflow.states import CLOSED_REPORT_STATES

N_SIMS = 300
SEED = 11
_CACHE: dict[tuple[Hashable, ...], ExpectedLR] = {}
_CACHE_LIMIT = 4096


@dataclass(frozen=True)
class Suggestion:
    relative: str
    configuration: str
    expected_log10_lr: float
    gain: float
    expected_exclusion_power: float = 0.0


@dataclass(frozen=True)
class DnaGap:
    report_id: int
    external_id: str
    typed: list[str]
    registered_without_dna: list[str]
    current_configuration: str | None
    current_expected_log10_lr: float | None
    suggestions: list[Suggestion]
    current_exclusion_power: float | None = None
    notes: list[str] = field(default_factory=list)


def _current(typed: set[str]) -> str | None:
    """A short name of the typed set, for people reading the list."""
    if {"father", "mother"} <= typed:
        return "couple"
    if typed & {"father", "mother"}:
        return "parent-child"
    if typed & {"full-sibling", "brother", "sister"}:
        return "full-siblings"
    if typed & {"grandfather", "grandmother", "grandparent"}:
        return "grandparent"
    if typed & {"half-sibling"}:
        return "half-siblings"
    return "pedigree" if typed else None


@dataclass(frozen=True)
class _Member:
    relative_id: int
    relation: str
    sex: str | None
    typed: bool


class _Power:
    """Expected LR of a report's family for a set of relatives, cached by shape."""

    def __init__(self, settings: Settings) -> None:
        self.table, _, loci = kinship_setup(settings)
        self.loci = list(loci)
        self.key = (settings.frequency_table, tuple(self.loci))

    def of(self, report: MissingReport, members: Sequence[_Member]) -> tuple[ExpectedLR
                                                                            | None, list[str]]:
        relatives = [TypedRelative(m.relative_id, m.relation, m.sex, "", 0) for m in members]
        built = family_pedigree(report.id, relatives, sex=report.sex, birth_date=None,
                                last_seen_date=None)
        typed_ids = sorted(built.typed)
        if not typed_ids:
            return None, built.notes
        pedigree = built.family.pedigree
        key = (*self.key, pedigree_shape(pedigree, MISSING, typed_ids)[0])
        if key not in _CACHE:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            _CACHE[key] = expected_log10_lr(pedigree, MISSING, typed_ids, self.table,
                                            self.loci, n_sims=N_SIMS, seed=SEED)
        return _CACHE[key], built.notes


def _candidates(members: list[_Member]) -> list[tuple[str, list[_Member]]]:
    """(label, relatives added): each registered relative without a sample, a missing
    parent, both parents, a full sibling."""
    typed = {m.relation for m in members if m.typed}
    out: list[tuple[str, list[_Member]]] = []
    labels: set[str] = set()
    for m in members:
        if not m.typed and m.relation not in labels:
            labels.add(m.relation)
            out.append((m.relation, [_Member(m.relative_id, m.relation, m.sex, True)]))
    for k, parent in enumerate(("mother", "father")):
        if parent not in typed and parent not in labels:
            out.append((parent, [_Member(-1 - k, parent, None, True)]))
    if not typed & {"father", "mother"}:
        out.append(("both parents", [_Member(-1, "mother", None, True),
                                     _Member(-2, "father", None, True)]))
    if "full-sibling" not in labels and not typed & {"full-sibling", "brother", "sister"}:
        out.append(("a full sibling", [_Member(-3, "full-sibling", None, True)]))
    return out


def dna_gaps(session: Session, *, settings: Settings | None = None,
             limit: int | None = None, report_ids: list[int] | None = None) -> list[DnaGap]:
    settings = settings or get_settings()
    power = _Power(settings)
    members: dict[int, dict[int, _Member]] = defaultdict(dict)
    relatives = (select(Relative.report_id, Relative.id, Relative.relationship_to_child,
                        Relative.sex, StoredProfile.id)
                 .outerjoin(Sample, Sample.relative_id == Relative.id)
                 .outerjoin(StoredProfile, StoredProfile.sample_id == Sample.id)
                 .order_by(Relative.id))
    query = select(MissingReport).where(MissingReport.status.not_in(CLOSED_REPORT_STATES))
    if report_ids is not None:
        relatives = relatives.where(Relative.report_id.in_(report_ids))
        query = query.where(MissingReport.id.in_(report_ids))
    for report_id, relative_id, relation, sex, profile_id in session.execute(relatives):
        known = members[report_id].get(relative_id)
        members[report_id][relative_id] = _Member(
            relative_id, relation, sex, bool(profile_id) or bool(known and known.typed))
    query = query.order_by(MissingReport.id)
    if limit:
        query = query.limit(limit)
    gaps = []
    for report in session.scalars(query):
        family = list(members.get(report.id, {}).values())
        typed_members = [m for m in family if m.typed]
        typed = {m.relation for m in typed_members}
        now, notes = power.of(report, typed_members)
        base = now.mean_log10_lr if now else 0.0
        suggestions = []
        for label, added in _candidates(family):
            after, _ = power.of(report, [*typed_members, *added])
            if after is None or after.mean_log10_lr <= base:
                continue
            suggestions.append(Suggestion(
                label, _current(typed | {m.relation for m in added}) or "pedigree",
                after.mean_log10_lr, after.mean_log10_lr - base, after.mean_exclusion_power))
        suggestions.sort(key=lambda s: -s.gain)
        registered = sorted({m.relation for m in family if not m.typed} - typed)
        gaps.append(DnaGap(report.id, report.external_id, sorted(typed), registered,
                           _current(typed), now.mean_log10_lr if now else None, suggestions,
                           now.mean_exclusion_power if now else None, notes))
    return gaps
