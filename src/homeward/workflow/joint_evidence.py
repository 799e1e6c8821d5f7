"""The evidence of one proposed identification, as a reviewer reads it.

The joint assignment says which child is most probably which family's missing child; the
evidence a match candidate carries is that pair's own likelihood ratio on the family's
pedigree (:func:`homeward.kinship.missing.missing_person_lr`, forrel's
``missingPersonLR``), locus by locus, with the loci where the child is excluded: where its
genotype is impossible on the pedigree without mutation (a Mendelian inconsistency, the
pedigree form of "shares no allele with the father").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeward.kinship.errors import ModelError
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.missing import locus_likelihood, locus_missing_lr, missing_person_lr
from homeward.kinship.model import KinshipModel, LocusModel
from homeward.kinship.pedigree import Pedigree
from homeward.kinship.profiles import Profile


@dataclass(frozen=True)
class PairEvidence:
    """log10 LR of the pair on its pedigree and its per-locus results (Match.per_locus)."""

    log10_lr: float
    per_locus: dict[str, dict[str, Any]]
    skipped_loci: dict[str, str]

    @property
    def loci_compared(self) -> int:
        return len(self.per_locus)

    @property
    def exclusions(self) -> int:
        return sum(1 for r in self.per_locus.values() if r["excluded"])


def _observed_table(persons: list[Profile], frequencies: FrequencyTable) -> FrequencyTable:
    observed: dict[str, set[str]] = {}
    for person in persons:
        for locus in person.str_loci:
            observed.setdefault(locus, set()).update(person.genotypes[locus])
    return frequencies.with_alleles(observed)


def pair_evidence(pedigree: Pedigree, missing_id: str, child: Profile,
                  typed: Mapping[str, Profile], frequencies: FrequencyTable,
                  model: KinshipModel) -> PairEvidence:
    """The child as ``missing_id`` of ``pedigree`` against unrelated, locus by locus."""
    result = missing_person_lr(pedigree, missing_id, child, typed, frequencies, model)
    table = _observed_table([child, *typed.values()], frequencies)
    plain = KinshipModel(theta=model.theta)  # the same pedigree without mutation
    per_locus: dict[str, dict[str, Any]] = {}
    for locus, lr in result.loci.items():
        excluded = lr == 0.0
        if not excluded and model.mutation is not None:
            locus_model = LocusModel.build(table[locus], plain)
            relatives = {pid: locus_model.encode(p.genotypes[locus])
                         for pid, p in typed.items() if locus in p.genotypes}
            try:
                excluded = locus_missing_lr(pedigree, missing_id, relatives,
                                            locus_model.encode(child.genotypes[locus]),
                                            locus_model) == 0.0
            except ModelError:  # the relatives themselves need a mutation here
                excluded = False
        per_locus[locus] = {"lr": lr, "excluded": excluded}
    return PairEvidence(result.log10_lr, per_locus, dict(result.skipped_loci))


def inconsistent_locus(pedigree: Pedigree, typed: Mapping[str, Profile],
                       frequencies: FrequencyTable, model: KinshipModel) -> str | None:
    """A locus where the typed relatives are impossible on the pedigree, if any.

    Only without a mutation model (with one, every configuration has some probability):
    such a family would stop the whole joint computation, so it is left out and named.
    """
    if model.mutation is not None or len(typed) < 2:
        return None
    table = _observed_table(list(typed.values()), frequencies)
    loci = sorted({locus for p in typed.values() for locus in p.str_loci})
    for locus in loci:
        if locus not in table:
            continue
        locus_model = LocusModel.build(table[locus], model)
        genotypes = {pid: locus_model.encode(p.genotypes[locus]) for pid, p in typed.items()
                     if locus in p.genotypes}
        if len(genotypes) > 1 and not locus_likelihood(pedigree, genotypes, locus_model) > 0:
            return locus
    return None


def finite_or_none(value: float) -> float | None:
    """JSON has no infinity: an impossible identification is written as null."""
    return value if math.isfinite(value) else None
