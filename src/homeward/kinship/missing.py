"""Missing-person likelihood ratios on any pedigree (cf. forrel's ``missingPersonLR``).

H1: the person of interest (POI) is the missing person ``missing_id`` of the reference
pedigree; H2: the POI is unrelated to it (an extra founder). Per locus,
LR = P(relatives, POI | H1) / P(relatives, POI | H2), computed exactly by
:func:`homeward.kinship.peeling.contract`, with theta and the mutation model on every
meiosis, as pedprobr does for forrel.

Allele weights follow the convention of the closed forms in
:mod:`homeward.kinship.likelihood`: an allele seen in a typed person has its table
frequency, and the alleles seen in nobody share what is left to 1 (tables with floors sum
slightly above 1; this is what makes the duo here equal ``kinship lr parent-child``).
Alleles seen in nobody are lumped into one (pedprobr's allele lumping), which is exact
without mutation and for the ``equal`` and ``proportional`` models (they are lumpable);
the ``stepwise`` model keeps every allele.

For many POIs against one family (joint identification), :func:`missing_person_tables`
returns the LR of every possible POI genotype at once from one contraction per locus.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from homeward.kinship.errors import InputError, ModelError
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.model import KinshipModel, LocusModel, all_genotypes, genotype_index
from homeward.kinship.pedigree import Pedigree
from homeward.kinship.peeling import AlleleSystem, contract, structure_of
from homeward.kinship.profiles import Profile

POI = "__poi__"
LUMPABLE = (None, "equal", "proportional")


@dataclass(frozen=True)
class PedigreeLR:
    """A missing-person LR: per-locus values and the loci left out (with why)."""

    missing: str
    loci: Mapping[str, float]
    skipped_loci: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def log10_lr(self) -> float:
        total = 0.0
        for value in self.loci.values():
            if value <= 0.0:
                return -math.inf
            total += math.log10(value)
        return total

    @property
    def lr(self) -> float:
        log10 = self.log10_lr
        return 0.0 if log10 == -math.inf else (math.inf if log10 > 308 else 10.0 ** log10)


# --- allele systems ------------------------------------------------------------------

@dataclass(frozen=True)
class _System:
    system: AlleleSystem
    index: dict[int, int]  # locus allele code -> system index (observed alleles)
    lumps: tuple[int, ...]  # system indices of the lump(s)
    lump_mass: float


def _system(model: LocusModel, observed: Iterable[int], lump: bool, split: bool = False
            ) -> _System:
    """Observed alleles, then the rest lumped (or kept, rescaled, when not lumpable)."""
    observed = sorted(set(observed))
    p = model.frequencies
    rest = [a for a in range(model.n_alleles) if a not in set(observed)]
    mass = max(0.0, 1.0 - float(p[observed].sum()))
    if not rest:
        mass = 0.0
    if not lump:
        order = observed + rest
        weights = p[order].astype(np.float64).copy()
        if rest:
            total = float(p[rest].sum())
            weights[len(observed):] = p[rest] * (mass / total if total > 0 else 0.0)
        matrix = None if model.mutation_matrix is None else \
            model.mutation_matrix[np.ix_(order, order)]
        return _System(AlleleSystem(weights, matrix, model.theta),
                       {a: k for k, a in enumerate(order)}, (), mass)
    n_lumps = (2 if split else 1) if rest and mass > 0 else 0
    weights = np.concatenate([p[observed], np.full(n_lumps, mass / max(n_lumps, 1))])
    matrix = None
    if model.mutation_matrix is not None:
        m = model.mutation_matrix
        size = len(observed) + n_lumps
        matrix = np.zeros((size, size))
        matrix[:len(observed), :len(observed)] = m[np.ix_(observed, observed)]
        if n_lumps:
            w = p[rest] / p[rest].sum()
            matrix[:len(observed), -1] = m[np.ix_(observed, rest)].sum(axis=1)
            matrix[-1, :len(observed)] = w @ m[np.ix_(rest, observed)]
            matrix[-1, -1] = float(w @ m[np.ix_(rest, rest)].sum(axis=1))
    lumps = tuple(range(len(observed), len(observed) + n_lumps))
    return _System(AlleleSystem(weights, matrix, model.theta),
                   {a: k for k, a in enumerate(observed)}, lumps, mass)


def _prepare(pedigree: Pedigree, typed: Mapping[str, tuple[int, int]], keep: Iterable[str]
             ) -> tuple[Pedigree, dict[str, int]]:
    trimmed = pedigree.trimmed([*typed, *keep])
    return trimmed, {pid: k for k, pid in enumerate(trimmed.ids)}


def _structure(pedigree: Pedigree):
    parents = {p.id: None if p.is_founder else (p.father, p.mother) for p in pedigree.persons}
    return structure_of(pedigree.ids, parents)


def locus_likelihood(pedigree: Pedigree, typed: Mapping[str, tuple[int, int]],
                     model: LocusModel, *, lump: bool = True) -> float:
    """P(typed genotypes | pedigree) at one locus; genotypes as allele codes of ``model``."""
    system = _system(model, [a for g in typed.values() for a in g], lump)
    trimmed, index = _prepare(pedigree, typed, ())
    evidence = {index[pid]: (system.index[a], system.index[b]) for pid, (a, b) in
                typed.items()}
    return float(contract(_structure(trimmed), evidence, system.system))


def locus_missing_lr(pedigree: Pedigree, missing_id: str,
                     relatives: Mapping[str, tuple[int, int]], poi: tuple[int, int],
                     model: LocusModel, *, lump: bool = True) -> float:
    """LR of one locus: the POI is ``missing_id`` versus the POI unrelated."""
    return locus_placements_lr(pedigree, relatives, {missing_id: poi}, model, lump=lump)


def locus_placements_lr(pedigree: Pedigree, relatives: Mapping[str, tuple[int, int]],
                        placements: Mapping[str, tuple[int, int]], model: LocusModel, *,
                        lump: bool = True) -> float:
    """LR of one locus: each POI is its missing person, versus every POI unrelated."""
    h1 = locus_likelihood(pedigree, {**relatives, **placements}, model, lump=lump)
    unrelated = pedigree
    typed = dict(relatives)
    for k, genotype in enumerate(placements.values()):
        unrelated = unrelated.with_founder(f"{POI}{k}")
        typed[f"{POI}{k}"] = genotype
    h2 = locus_likelihood(unrelated, typed, model, lump=lump)
    if h2 <= 0.0:
        raise ModelError(f"locus {model.locus}: the relatives' genotypes are impossible on "
                         "this pedigree without mutation; use a mutation model")
    return h1 / h2


# --- profiles to codes ---------------------------------------------------------------

def _check_typed(pedigree: Pedigree, missing: Iterable[str], typed: Mapping[str, Profile]
                 ) -> None:
    missing = set(missing)
    for pid, profile in typed.items():
        if pid not in pedigree:
            raise InputError("typed profile for a person who is not in the pedigree",
                             sample=pid)
        if pid in missing:
            raise InputError("a missing person cannot also be a typed relative", sample=pid)
        if not profile.str_loci:
            raise InputError("relative has no genotype at any STR locus", sample=pid)
    for pid in missing:
        if pid not in pedigree:
            raise InputError("missing person is not in the pedigree", sample=pid)


def _lumpable(model: KinshipModel) -> bool:
    return (model.mutation.model if model.mutation else None) in LUMPABLE


def missing_person_lr(reference: Pedigree, missing_id: str, poi: Profile,
                      typed: Mapping[str, Profile], frequencies: FrequencyTable,
                      model: KinshipModel | None = None) -> PedigreeLR:
    """LR that ``poi`` is the missing person ``missing_id`` of ``reference``, vs unrelated.

    :param typed: person id of the pedigree -> that relative's profile.
    :returns: a :class:`PedigreeLR`; a locus enters when the POI and at least one relative
        are typed there and the table has it.
    """
    return missing_persons_lr(reference, {missing_id: poi}, typed, frequencies, model)


def missing_persons_lr(reference: Pedigree, placements: Mapping[str, Profile],
                       typed: Mapping[str, Profile], frequencies: FrequencyTable,
                       model: KinshipModel | None = None) -> PedigreeLR:
    """Joint LR of several POIs placed at once (missing id -> POI) versus all unrelated.

    This is the likelihood of one family under a joint assignment (dvir's ``jointDVI``):
    two rescued siblings placed as the family's two missing children also count the
    alleles they share with each other. A locus enters when a POI is typed there and at
    least two persons (POIs and relatives) are.
    """
    model = model or KinshipModel()
    _check_typed(reference, placements, typed)
    persons = [*placements.values(), *typed.values()]
    observed = {locus: {a for p in persons for a in p.genotypes.get(locus, ())}
                for p in persons for locus in p.str_loci}
    table = frequencies.with_alleles(observed)
    loci: dict[str, float] = {}
    skipped: dict[str, str] = {}
    for locus in dict.fromkeys(x for p in placements.values() for x in p.str_loci):
        relatives = {pid: p.genotypes[locus] for pid, p in typed.items() if locus in p.genotypes}
        placed = {mid: p.genotypes[locus] for mid, p in placements.items()
                  if locus in p.genotypes}
        if locus not in table:
            skipped[locus] = "not in the frequency table"
            continue
        if len(relatives) + len(placed) < 2:
            skipped[locus] = "no relative typed"
            continue
        locus_model = LocusModel.build(table[locus], model)
        loci[locus] = locus_placements_lr(
            reference, {pid: locus_model.encode(g) for pid, g in relatives.items()},
            {mid: locus_model.encode(g) for mid, g in placed.items()}, locus_model,
            lump=_lumpable(model))
    label = ",".join(placements)
    return PedigreeLR(label, loci, skipped, {**model.describe(),
                                              "frequency_table": frequencies.name})


# --- every POI genotype at once ------------------------------------------------------

@lru_cache(maxsize=256)
def _genotypes(n: int) -> tuple[np.ndarray, np.ndarray]:
    return all_genotypes(n)


def poi_genotype_lrs(pedigree: Pedigree, missing_id: str,
                     relatives: Mapping[str, tuple[int, int]], model: LocusModel,
                     *, lumpable: bool = True,
                     needed: Iterable[tuple[int, int]] | None = None) -> np.ndarray:
    """LR of every POI genotype at one locus, indexed by :func:`genotype_index`.

    Without theta and mutation one contraction gives all of them: the alleles seen in no
    relative are lumped into two halves L1, L2 of the left-over weight w_L, and for alleles
    r, s seen in nobody, with Qn = 4 Q[L1, L2] (the two POI alleles from distinct founder
    alleles) and Qi = 2 Q[L1, L1] - Qn / 2 (from one founder allele, identical by descent),

        Q[x, r] = (Q[x, L1] + Q[x, L2]) p_r / w_L,
        Q[r, s] = Qn p_r p_s / w_L^2 + [r = s] Qi p_r / w_L,

    because each lump's identity is then an independent draw. Otherwise each genotype in
    ``needed`` (default: all) is computed on its own; the others are NaN.
    """
    n = model.n_alleles
    lows, highs = _genotypes(n)
    out = np.full(len(lows), np.nan)
    if model.theta == 0.0 and model.mutation_matrix is None:
        fast = _fast_table(pedigree, missing_id, relatives, model)
        if fast is not None:
            return fast
    pairs = list(zip(lows.tolist(), highs.tolist(), strict=True)) if needed is None \
        else sorted({(min(a, b), max(a, b)) for a, b in needed})
    for a, b in pairs:
        out[int(genotype_index(a, b))] = locus_missing_lr(pedigree, missing_id, relatives,
                                                          (a, b), model, lump=lumpable)
    return out


def _fast_table(pedigree: Pedigree, missing_id: str,
                relatives: Mapping[str, tuple[int, int]], model: LocusModel
                ) -> np.ndarray | None:
    p = model.frequencies
    system = _system(model, [a for g in relatives.values() for a in g], True, split=True)
    rest = [a for a in range(model.n_alleles) if a not in system.index]
    if rest and not system.lumps:
        return None  # nothing left for unseen alleles: compute them one by one
    trimmed, index = _prepare(pedigree, relatives, [missing_id])
    evidence = {index[pid]: (system.index[a], system.index[b]) for pid, (a, b) in
                relatives.items()}
    q = contract(_structure(trimmed), evidence, system.system, query=index[missing_id])
    data = float(q.sum())
    if data <= 0.0:
        raise ModelError(f"locus {model.locus}: the relatives' genotypes are impossible on "
                         "this pedigree without mutation; use a mutation model")
    n = model.n_alleles
    full = np.zeros((n, n))
    seen = np.array(sorted(system.index), dtype=np.int64)
    pos = np.array([system.index[a] for a in seen], dtype=np.int64)
    full[np.ix_(seen, seen)] = q[np.ix_(pos, pos)]
    if rest:
        r = np.array(rest, dtype=np.int64)
        w_l = system.lump_mass
        l1, l2 = system.lumps
        share = p[r] / w_l
        full[np.ix_(seen, r)] = np.outer(q[pos, l1] + q[pos, l2], share)
        full[np.ix_(r, seen)] = np.outer(share, q[l1, pos] + q[l2, pos])
        q_n = 4.0 * q[l1, l2]
        q_i = 2.0 * q[l1, l1] - q_n / 2.0
        block = q_n * np.outer(share, share)
        block[np.diag_indices(len(r))] += q_i * share
        full[np.ix_(r, r)] = block
    lows, highs = _genotypes(n)
    numerator = np.where(lows == highs, full[lows, highs], full[lows, highs] + full[highs, lows])
    founder = np.where(lows == highs, p[lows] ** 2, 2.0 * p[lows] * p[highs])
    return numerator / (data * founder)
