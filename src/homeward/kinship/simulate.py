"""Seeded simulation of unrelated people, families and pedigrees (cf. forrel's
``profileSim`` and ``markerSim``).

Founders draw alleles from the locus frequencies (normalised to sum to 1) in
Hardy-Weinberg and linkage equilibrium; each meiosis passes one of the parent's two
alleles at random and, when a mutation model is on, mutates it through the locus's
mutation matrix. Genotypes are allele-code arrays of shape (2, loci, n), so a million
people are simulated in a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from homeward.kinship.errors import ModelError
from homeward.kinship.model import LocusModel, genotype_index
from homeward.kinship.profiles import Profile, allele_sort_key

AlleleArray = np.ndarray  # (2, loci, n) allele codes


def founders(models: Sequence[LocusModel], n: int, rng: np.random.Generator) -> AlleleArray:
    """``n`` unrelated people."""
    out = np.empty((2, len(models), n), dtype=np.int32)
    for locus, model in enumerate(models):
        cumulative = np.cumsum(model.frequencies / model.frequencies.sum())
        draws = np.searchsorted(cumulative, rng.random((2, n)), side="right")
        out[:, locus, :] = np.minimum(draws, model.n_alleles - 1)
    return out


def transmit(parent: AlleleArray, models: Sequence[LocusModel], rng: np.random.Generator,
             *, mutate: bool = True) -> np.ndarray:
    """One allele per locus from each parent in ``parent`` (shape (loci, n))."""
    n = parent.shape[2]
    pick = rng.integers(0, 2, size=(len(models), n))
    passed = np.where(pick == 0, parent[0], parent[1])
    if not mutate:
        return passed
    for locus, model in enumerate(models):
        matrix = model.mutation_matrix
        if matrix is None:
            continue
        alleles = passed[locus]
        stay = matrix[alleles, alleles]
        mutated = np.nonzero(rng.random(n) >= stay)[0]
        if mutated.size == 0:
            continue
        rows = matrix[alleles[mutated]].copy()
        rows[np.arange(mutated.size), alleles[mutated]] = 0.0
        cumulative = np.cumsum(rows, axis=1)
        cumulative /= cumulative[:, -1:]
        u = rng.random(mutated.size)[:, np.newaxis]
        passed[locus, mutated] = np.minimum((u > cumulative).sum(axis=1), model.n_alleles - 1)
    return passed


def child(father: AlleleArray, mother: AlleleArray, models: Sequence[LocusModel],
          rng: np.random.Generator, *, mutate: bool = True) -> AlleleArray:
    """A child of each (father, mother) pair."""
    return np.stack([transmit(father, models, rng, mutate=mutate),
                     transmit(mother, models, rng, mutate=mutate)])


def _parent_child(models, n, rng, mutate):
    parent, other = founders(models, n, rng), founders(models, n, rng)
    return child(parent, other, models, rng, mutate=mutate), parent


def _full_siblings(models, n, rng, mutate):
    fa, mo = founders(models, n, rng), founders(models, n, rng)
    return (child(fa, mo, models, rng, mutate=mutate),
            child(fa, mo, models, rng, mutate=mutate))


def _half_siblings(models, n, rng, mutate):
    fa = founders(models, n, rng)
    return (child(fa, founders(models, n, rng), models, rng, mutate=mutate),
            child(fa, founders(models, n, rng), models, rng, mutate=mutate))


def _grandparent(models, n, rng, mutate):
    grand = founders(models, n, rng)
    parent = child(grand, founders(models, n, rng), models, rng, mutate=mutate)
    return child(parent, founders(models, n, rng), models, rng, mutate=mutate), grand


def _avuncular(models, n, rng, mutate):
    gf, gm = founders(models, n, rng), founders(models, n, rng)
    uncle = child(gf, gm, models, rng, mutate=mutate)
    parent = child(gf, gm, models, rng, mutate=mutate)
    return child(parent, founders(models, n, rng), models, rng, mutate=mutate), uncle


def _first_cousins(models, n, rng, mutate):
    gf, gm = founders(models, n, rng), founders(models, n, rng)
    p1 = child(gf, gm, models, rng, mutate=mutate)
    p2 = child(gf, gm, models, rng, mutate=mutate)
    return (child(p1, founders(models, n, rng), models, rng, mutate=mutate),
            child(p2, founders(models, n, rng), models, rng, mutate=mutate))


def _trio(models, n, rng, mutate):
    fa, mo = founders(models, n, rng), founders(models, n, rng)
    return child(fa, mo, models, rng, mutate=mutate), fa, mo


RELATED: dict[str, Callable[..., tuple[AlleleArray, ...]]] = {
    "parent-child": _parent_child,
    "full-siblings": _full_siblings,
    "half-siblings": _half_siblings,
    "grandparent": _grandparent,
    "avuncular": _avuncular,
    "first-cousins": _first_cousins,
    "trio": _trio,
    "couple": _trio,
}


def related(relationship: str, models: Sequence[LocusModel], n: int,
            rng: np.random.Generator, *, mutate: bool = True) -> tuple[AlleleArray, ...]:
    """``n`` sets of truly related persons, ordered as :func:`kinship_lr` expects them."""
    try:
        simulate = RELATED[relationship]
    except KeyError:
        raise ModelError(
            f"cannot simulate {relationship!r}; choose one of {', '.join(RELATED)}"
        ) from None
    return simulate(models, n, rng, mutate)


def genotype_codes(alleles: AlleleArray) -> np.ndarray:
    """Stored genotype codes (loci, n) uint16: genotype index + 1 (0 = untyped)."""
    codes = genotype_index(alleles[0].astype(np.int64), alleles[1].astype(np.int64)) + 1
    return codes.astype(np.uint16)


def to_profiles(alleles: AlleleArray, models: Sequence[LocusModel],
                sample_ids: Sequence[str]) -> list[Profile]:
    """Turn simulated allele codes into :class:`Profile` objects."""
    labels = [np.array(m.alleles, dtype=object) for m in models]
    profiles = []
    for k, sample_id in enumerate(sample_ids):
        genotypes = {}
        for locus, model in enumerate(models):
            pair = sorted((str(labels[locus][alleles[0, locus, k]]),
                           str(labels[locus][alleles[1, locus, k]])), key=allele_sort_key)
            genotypes[model.locus] = (pair[0], pair[1])
        profiles.append(Profile(sample_id, genotypes))
    return profiles
