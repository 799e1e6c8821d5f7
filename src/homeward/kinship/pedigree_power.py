"""How much a pedigree can say about its missing person, and who to type next.

Two measures, as in forrel (Vigeland, *Pedigree Analysis in R*, 2021, ch. 9;
Vigeland, Marcotte & Egeland 2020, "Prioritising family members for genotyping in missing
person cases: a general approach combining the statistical power of exclusion and
inclusion", FSI: Genetics 49:102376):

* **Exclusion power** (forrel's ``missingPersonEP``/``randomPersonEP``; Egeland, Pinto &
  Vigeland 2014, FSI: Genetics 9:186-190): the probability that a random person unrelated
  to the family has a genotype incompatible with the typed relatives, per locus
  ``EP = sum of P(g) over the POI genotypes g with LR(g) = 0``, combined over independent
  loci as ``1 - prod(1 - EP)``. Incompatibility is judged without mutation (forrel's
  default for consistent markers) and does not depend on theta; a locus whose relatives
  are already inconsistent without mutation is left out, with the reason.
* **Expected log10 LR** of the true missing person for a set of typed relatives, before
  anyone is typed: the whole pedigree is simulated (seeded, parents first), and the LR of
  the missing person's true genotype given the typed persons' genotypes is averaged;
  its Monte Carlo standard error is given. The expected exclusion power of the same
  simulations comes with it. :func:`rank_relatives_to_type` compares the typed set with
  each untyped relative added: the one with the largest gain adds most.

Both are design quantities computed without theta and mutation (the batched exact tables
of :mod:`homeward.kinship.missing_batch`): theta lowers every LR a little and mutations are
rare, neither changes which relative adds most.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from homeward.kinship import simulate
from homeward.kinship.errors import InputError, ModelError
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.missing import poi_genotype_lrs
from homeward.kinship.missing_batch import poi_lrs_many
from homeward.kinship.model import KinshipModel, LocusModel, all_genotypes, genotype_index
from homeward.kinship.pedigree import Pedigree
from homeward.kinship.profiles import Profile


@dataclass(frozen=True)
class ExclusionPower:
    """Per-locus exclusion power of a family's typed relatives, and their combination."""

    missing: str
    loci: Mapping[str, float]
    skipped_loci: Mapping[str, str] = field(default_factory=dict)

    @property
    def combined(self) -> float:
        """``1 - prod(1 - EP)`` over the loci (independent loci)."""
        return 1.0 - math.prod(1.0 - value for value in self.loci.values())


@dataclass(frozen=True)
class ExpectedLR:
    """Simulated power of one set of typed relatives for one missing person."""

    typed: tuple[str, ...]
    mean_log10_lr: float
    standard_error: float
    median_log10_lr: float
    mean_exclusion_power: float
    n_sims: int
    seed: int
    loci: tuple[str, ...]


@dataclass(frozen=True)
class RelativeGain:
    """What typing one more relative would add (expected log10 LR, exclusion power)."""

    relative: str
    expected: ExpectedLR
    gain_log10_lr: float


def genotype_probabilities(frequencies: np.ndarray) -> np.ndarray:
    """Hardy-Weinberg probability of every genotype (:func:`genotype_index` order) of an
    unrelated person, from the frequencies scaled to sum to 1 (tables with floors)."""
    p = np.asarray(frequencies, dtype=np.float64)
    p = p / p.sum()
    lows, highs = all_genotypes(len(p))
    return np.where(lows == highs, p[lows] ** 2, 2.0 * p[lows] * p[highs])


def exclusion_power(pedigree: Pedigree, missing_id: str, typed: Mapping[str, Profile],
                    table: FrequencyTable, model: KinshipModel | None = None
                    ) -> ExclusionPower:
    """Probability that a random unrelated person is excluded as ``missing_id``.

    :param typed: pedigree person id -> profile of each typed relative.
    :param model: only checked for sense; exclusion uses no theta and no mutation.
    """
    del model  # incompatibility is the same under every theta; mutations are disabled
    if missing_id not in pedigree:
        raise InputError("missing person is not in the pedigree", sample=missing_id)
    for pid, profile in typed.items():
        if pid not in pedigree:
            raise InputError("typed profile for a person who is not in the pedigree",
                             sample=pid)
        if pid == missing_id:
            raise InputError("a missing person cannot also be a typed relative", sample=pid)
        if not profile.str_loci:
            raise InputError("relative has no genotype at any STR locus", sample=pid)
    observed: dict[str, set[str]] = {}
    for profile in typed.values():
        for locus in profile.str_loci:
            observed.setdefault(locus, set()).update(profile.genotypes[locus])
    extended = table.with_alleles(observed)
    values: dict[str, float] = {}
    skipped: dict[str, str] = {}
    for locus in observed:
        if locus not in extended:
            skipped[locus] = "not in the frequency table"
            continue
        locus_model = LocusModel.build(extended[locus], KinshipModel())
        relatives = {pid: locus_model.encode(p.genotypes[locus]) for pid, p in typed.items()
                     if locus in p.genotypes}
        try:
            lrs = poi_genotype_lrs(pedigree, missing_id, relatives, locus_model)
        except ModelError:
            skipped[locus] = "the relatives are inconsistent without mutation"
            continue
        values[locus] = float(genotype_probabilities(locus_model.frequencies)[lrs == 0.0]
                              .sum())
    return ExclusionPower(missing_id, values, skipped)


def _simulate(pedigree: Pedigree, models: Sequence[LocusModel], n: int,
              rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Allele codes (2, loci, n) of every person, parents first, without mutation."""
    alleles: dict[str, np.ndarray] = {}
    for person in pedigree.persons:
        if person.is_founder:
            alleles[person.id] = simulate.founders(models, n, rng)
        else:
            alleles[person.id] = simulate.child(alleles[person.father],
                                                alleles[person.mother], models, rng,
                                                mutate=False)
    return alleles


def expected_log10_lr(pedigree: Pedigree, missing_id: str, typed_ids: Sequence[str],
                      table: FrequencyTable, loci: Sequence[str], *, n_sims: int = 500,
                      seed: int = 1) -> ExpectedLR:
    """Expected log10 LR of the true missing person if ``typed_ids`` were typed.

    The same ``seed`` simulates the same pedigree draws, so configurations compared with
    one seed differ only by who is typed (common random numbers).
    """
    models = _models(table, loci)
    _check_ids(pedigree, missing_id, typed_ids)
    typed_ids = tuple(dict.fromkeys(typed_ids))
    rng = np.random.default_rng(seed)
    alleles = _simulate(pedigree, models, n_sims, rng)
    total = np.zeros(n_sims)
    not_excluded = np.ones(n_sims)
    rows = np.arange(n_sims)
    for j, model in enumerate(models):
        if not typed_ids:
            continue
        items = [(pedigree, missing_id,
                  {pid: (int(alleles[pid][0, j, k]), int(alleles[pid][1, j, k]))
                   for pid in typed_ids}) for k in range(n_sims)]
        lows, highs = all_genotypes(model.n_alleles)
        tables = poi_lrs_many(items, model, lows, highs)
        truth = genotype_index(alleles[missing_id][0, j], alleles[missing_id][1, j])
        total += np.log10(tables[rows, truth])
        excluded = (tables == 0.0) @ genotype_probabilities(model.frequencies)
        not_excluded *= 1.0 - excluded
    return ExpectedLR(typed_ids, float(total.mean()),
                      float(total.std(ddof=1) / math.sqrt(n_sims)) if n_sims > 1 else 0.0,
                      float(np.median(total)), float(np.mean(1.0 - not_excluded)), n_sims,
                      seed, tuple(m.locus for m in models))


def rank_relatives_to_type(pedigree: Pedigree, missing_id: str, typed_ids: Sequence[str],
                           candidates: Sequence[str], table: FrequencyTable,
                           loci: Sequence[str], *, n_sims: int = 500, seed: int = 1
                           ) -> tuple[ExpectedLR, list[RelativeGain]]:
    """The typed set's expected log10 LR, and each candidate's gain if typed too, best
    first (ties by candidate order)."""
    now = expected_log10_lr(pedigree, missing_id, typed_ids, table, loci, n_sims=n_sims,
                            seed=seed)
    gains = []
    for candidate in dict.fromkeys(candidates):
        if candidate in typed_ids:
            continue
        after = expected_log10_lr(pedigree, missing_id, [*typed_ids, candidate], table,
                                  loci, n_sims=n_sims, seed=seed)
        gains.append(RelativeGain(candidate, after,
                                  after.mean_log10_lr - now.mean_log10_lr))
    order = {c: k for k, c in enumerate(candidates)}
    gains.sort(key=lambda g: (-g.gain_log10_lr, order[g.relative]))
    return now, gains


def _models(table: FrequencyTable, loci: Sequence[str]) -> list[LocusModel]:
    missing = [locus for locus in loci if locus not in table]
    if missing:
        raise InputError(f"locus {missing[0]} is not in the frequency table {table.name}")
    if not loci:
        raise InputError("no loci given for the simulation")
    return [LocusModel.build(table[locus], KinshipModel()) for locus in loci]


def _check_ids(pedigree: Pedigree, missing_id: str, typed_ids: Sequence[str]) -> None:
    if missing_id not in pedigree:
        raise InputError("missing person is not in the pedigree", sample=missing_id)
    for pid in typed_ids:
        if pid not in pedigree:
            raise InputError("typed person is not in the pedigree", sample=pid)
        if pid == missing_id:
            raise InputError("a missing person cannot also be a typed relative", sample=pid)
