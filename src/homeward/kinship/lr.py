"""Likelihood ratios between profiles: the per-locus report and the combined result.

``kinship_lr`` is the one entry point (like forrel's ``kinshipLR``); ``paternity_index``,
``trio_paternity_index``, ``couple_index`` and ``pairwise_lr`` are named shortcuts.
Loci not typed in a person, or absent from the frequency table, are skipped (LR = 1) and
listed with the reason. Everything is combined in log10 space; the posterior probability
is W = LR prior / (LR prior + 1 - prior) (Essen-Moller; prior 0.5 by convention).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from homeward.kinship.errors import ModelError
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.likelihood import relationship_lr
from homeward.kinship.loci import is_amelogenin
from homeward.kinship.model import KinshipModel, LocusModel
from homeward.kinship.profiles import Genotype, Profile
from homeward.kinship.relationships import Relationship, parse_relationship


@dataclass(frozen=True)
class LocusLR:
    """One locus of a comparison: the LR, whether it excludes, and what was compared."""

    locus: str
    lr: float
    excluded: bool
    genotypes: tuple[Genotype | None, ...]
    note: str = ""


@dataclass(frozen=True)
class LikelihoodRatio:
    """The result of a kinship comparison (cf. forrel's ``LRresult``)."""

    relationship: Relationship
    persons: tuple[str, ...]
    loci: Mapping[str, LocusLR]
    skipped_loci: Mapping[str, str]
    prior: float = 0.5
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def log10_lr(self) -> float:
        total = 0.0
        for result in self.loci.values():
            if result.lr <= 0.0:
                return -math.inf
            total += math.log10(result.lr)
        return total

    @property
    def lr(self) -> float:
        log10 = self.log10_lr
        if log10 == -math.inf:
            return 0.0
        return math.inf if log10 > 308 else 10.0 ** log10

    @property
    def posterior(self) -> float:
        return posterior_probability(self.log10_lr, self.prior)

    @property
    def loci_compared(self) -> int:
        return len(self.loci)

    @property
    def exclusions(self) -> int:
        return sum(1 for r in self.loci.values() if r.excluded)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document of ``homeward kinship lr`` (its CLI contract)."""
        log10 = self.log10_lr
        return {
            "lr": self.lr,
            "log10_lr": None if log10 == -math.inf else log10,
            "posterior": self.posterior,
            "loci_compared": self.loci_compared,
            "exclusions": self.exclusions,
            "loci": {name: {"lr": r.lr, "excluded": r.excluded} for name, r in
                     self.loci.items()},
            "skipped_loci": list(self.skipped_loci),
            "relationship": self.relationship.name,
            "persons": list(self.persons),
            "prior": self.prior,
            "skipped_reasons": dict(self.skipped_loci),
            "params": dict(self.params),
        }


def posterior_probability(log10_lr: float, prior: float = 0.5) -> float:
    """W = LR p / (LR p + 1 - p), computed stably from log10 LR."""
    if not 0.0 < prior < 1.0:
        raise ModelError(f"prior {prior} is not in (0, 1)")
    if log10_lr == -math.inf:
        return 0.0
    log_odds = log10_lr + math.log10(prior) - math.log10(1.0 - prior)
    if log_odds > 300:
        return 1.0
    if log_odds < -300:
        return 0.0
    odds = 10.0 ** log_odds
    return odds / (1.0 + odds)


def locus_lr(model: LocusModel, relationship: Relationship,
             genotypes: tuple[Genotype | None, ...]) -> tuple[float, bool, str]:
    """LR and exclusion of one locus; ``genotypes`` ordered (child, person2, person3).

    person2 must be typed; an untyped person3 turns a trio or couple into a duo here.
    """
    coded = [None if g is None else model.encode(g) for g in genotypes]
    child, second = coded[0], coded[1]
    assert child is not None and second is not None
    third = coded[2] if len(coded) > 2 else None
    note = ""
    if relationship.kind in ("trio", "couple") and third is None:
        note = "person3 not typed: duo at this locus"
    with np.errstate(invalid="ignore"):
        value, excluded = relationship_lr(model, relationship, child, second, third)
    return float(value), bool(excluded), note


def kinship_lr(
    persons: tuple[Profile, ...] | list[Profile],
    relationship: str | Relationship,
    frequencies: FrequencyTable,
    *,
    model: KinshipModel | None = None,
    prior: float = 0.5,
) -> LikelihoodRatio:
    """Likelihood ratio of ``relationship`` against "unrelated".

    :param persons: (child, person2) or (child, person2, person3); for ``trio`` person3
        is the known parent, for ``couple`` person2 and person3 are the alleged parents.
    :param frequencies: the population's table; alleles it lacks get its floor.
    :returns: a :class:`LikelihoodRatio` with per-locus results and skipped loci.
    """
    relationship = parse_relationship(relationship)
    model = model or KinshipModel()
    persons = tuple(persons)
    if len(persons) != relationship.persons:
        raise ModelError(
            f"relationship {relationship.name} compares {relationship.persons} persons, "
            f"{len(persons)} given"
        )
    posterior_probability(0.0, prior)  # validates the prior
    loci: dict[str, None] = {}
    for person in persons:
        for locus in person.genotypes:
            if not is_amelogenin(locus):
                loci.setdefault(locus, None)
    observed = {locus: {a for p in persons for a in p.genotypes.get(locus, ())}
                for locus in loci}
    table = frequencies.with_alleles(observed)
    results: dict[str, LocusLR] = {}
    skipped: dict[str, str] = {}
    floored = []
    for locus in loci:
        genotypes = tuple(p.genotypes.get(locus) for p in persons)
        untyped = [p.sample_id for p, g in zip(persons, genotypes, strict=True) if g is None]
        if locus not in table:
            skipped[locus] = "not in the frequency table"
            continue
        if relationship.kind == "couple" and genotypes[1] is None and genotypes[2] is not None:
            genotypes = (genotypes[0], genotypes[2], None)
        if genotypes[0] is None or genotypes[1] is None:
            skipped[locus] = "not typed in " + ", ".join(untyped)
            continue
        locus_model = LocusModel.build(table[locus], model)
        value, excluded, note = locus_lr(locus_model, relationship, genotypes)
        if math.isnan(value):
            skipped[locus] = ("known parent (person3) cannot be a parent of the child here "
                              "without mutation; use a mutation model")
            continue
        results[locus] = LocusLR(locus, value, excluded, genotypes, note)
        used = {a for g in genotypes if g for a in g}
        floored += [f for f in table[locus].floored if f.allele in used]
    params: dict[str, Any] = {
        **model.describe(),
        "frequency_table": frequencies.name,
        "floor_rules": sorted({table[locus].floor_rule for locus in results}),
        "floored_alleles": [
            {"locus": f.locus, "allele": f.allele, "listed": f.listed_frequency,
             "used": f.used_frequency} for f in floored
        ],
        "hypothesis": relationship.describe(),
    }
    if model.mutation is not None and relationship.kind == "pairwise":
        params["mutation"] = ("not applied: IBD-coefficient relationships ignore mutation; "
                              "use parent-child, trio or couple for a mutation model")
    return LikelihoodRatio(relationship, tuple(p.sample_id for p in persons), results,
                           skipped, prior, params)


def paternity_index(child: Profile, parent: Profile, frequencies: FrequencyTable,
                    **options: Any) -> LikelihoodRatio:
    """Duo paternity (or maternity) index; the other parent is untyped."""
    return kinship_lr((child, parent), "parent-child", frequencies, **options)


def trio_paternity_index(child: Profile, alleged: Profile, known: Profile,
                         frequencies: FrequencyTable, **options: Any) -> LikelihoodRatio:
    """Trio paternity index with the known parent typed and undisputed."""
    return kinship_lr((child, alleged, known), "trio", frequencies, **options)


def couple_index(child: Profile, parent1: Profile, parent2: Profile,
                 frequencies: FrequencyTable, **options: Any) -> LikelihoodRatio:
    """Both alleged parents against the child being unrelated to both."""
    return kinship_lr((child, parent1, parent2), "couple", frequencies, **options)


def pairwise_lr(person1: Profile, person2: Profile, relationship: str,
                frequencies: FrequencyTable, **options: Any) -> LikelihoodRatio:
    """Any IBD-coefficient relationship, e.g. ``"full-siblings"`` or ``"kappa:0.5,0.5,0"``."""
    return kinship_lr((person1, person2), relationship, frequencies, **options)
