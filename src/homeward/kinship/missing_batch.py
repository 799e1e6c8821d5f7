"""Missing-person LR tables of many families at once, batched by pedigree shape.

A mass rescue compares every rescued child with every missing child of thousands of
families. Most families share one of a few pedigree shapes (one parent typed, both
parents, a parent and a sibling, two grandparents), so at each locus the families of one
shape, once trimmed to the persons typed there, differ only in their genotypes and
founder weights. Without theta and mutation, :func:`homeward.kinship.peeling.
contract_batch` computes all of them in one einsum whose extra index is the family; the
table of each family is then read off exactly as :func:`homeward.kinship.missing.
poi_genotype_lrs` does (the same allele lumping, the same formulas), so the results are
equal to the one-family path. Rare shapes are simply groups of one. With theta or a
mutation model (whose founder factor or lumped mutation matrix differ per family), and
for a family whose left-over allele weight is 0, each family takes the general path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from homeward.kinship.errors import ModelError
from homeward.kinship.missing import _structure, poi_genotype_lrs
from homeward.kinship.model import LocusModel, genotype_index
from homeward.kinship.pedigree import Pedigree
from homeward.kinship.peeling import contract_batch
from homeward.kinship.profiles import Profile

Genotypes = Mapping[str, tuple[int, int]]  # person -> allele codes of one locus
ShapeKey = tuple[tuple[tuple[int, int] | None, ...], tuple[int, ...], int]


@dataclass(frozen=True)
class FamilyQuery:
    """One missing child of one family, with the family's typed relatives."""

    pedigree: Pedigree
    missing_id: str
    typed: Mapping[str, Profile]


def pedigree_shape(pedigree: Pedigree, missing_id: str, typed_ids: Iterable[str]
           ) -> tuple[ShapeKey, list[str]]:
    """The trimmed pedigree's structure, typed persons (by index) and query; and the typed
    person ids in that order."""
    trimmed = pedigree.trimmed([*typed_ids, missing_id])
    index = {pid: k for k, pid in enumerate(trimmed.ids)}
    ordered = sorted(typed_ids, key=index.__getitem__)
    return (_structure(trimmed), tuple(index[p] for p in ordered), index[missing_id]), ordered


def poi_lrs_many(items: Sequence[tuple[Pedigree, str, Genotypes]], model: LocusModel,
                 first: np.ndarray, second: np.ndarray, *, lumpable: bool = True,
                 shapes: dict | None = None) -> np.ndarray:
    """LR of POI genotypes (first[q], second[q]) for each (pedigree, missing, relatives).

    Equal to ``poi_genotype_lrs(pedigree, missing, relatives, model)[genotype_index(
    first, second)]`` for every item; shape (len(items), len(first)).

    :param shapes: a cache of trimmed shapes, kept by the caller across loci (keyed by the
        pedigree object, so valid only while the pedigrees live).
    """
    first = np.asarray(first, dtype=np.int64)
    second = np.asarray(second, dtype=np.int64)
    out = np.empty((len(items), len(first)))
    shapes = {} if shapes is None else shapes
    fast = model.theta == 0.0 and model.mutation_matrix is None
    groups: dict[ShapeKey, list[tuple[int, list[str]]]] = {}
    slow: list[int] = []
    for r, (pedigree, missing_id, relatives) in enumerate(items):
        if not fast:
            slow.append(r)
            continue
        cache_key = (id(pedigree), missing_id, frozenset(relatives))
        if cache_key not in shapes:
            shapes[cache_key] = pedigree_shape(pedigree, missing_id, relatives)
        key, ordered = shapes[cache_key]
        groups.setdefault(key, []).append((r, ordered))
    for (structure, typed_idx, query), members in groups.items():
        rows = [r for r, _ in members]
        codes = np.array([[items[r][2][pid] for pid in ordered] for r, ordered in members],
                         dtype=np.int64).reshape(len(rows), len(typed_idx), 2)
        lrs, ok = _group_lrs(structure, typed_idx, query, codes, model, first, second)
        out[rows] = lrs
        slow += [r for r, good in zip(rows, ok.tolist(), strict=True) if not good]
    if slow:
        index = genotype_index(first, second)
        needed = list(zip(np.minimum(first, second).tolist(),
                          np.maximum(first, second).tolist(), strict=True))
        for r in slow:
            pedigree, missing_id, relatives = items[r]
            table = poi_genotype_lrs(pedigree, missing_id, relatives, model,
                                     lumpable=lumpable, needed=needed)
            out[r] = table[index]
    return out


def _group_lrs(structure, typed_idx: tuple[int, ...], query: int, codes: np.ndarray,
               model: LocusModel, first: np.ndarray, second: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """The families of one shape: LRs (families, queries) and which rows are valid.

    Per family the alleles its relatives carry take slots 0..K-1 (sorted, padded with
    weight 0), the rest of the locus is lumped into two halves L1, L2 of the left-over
    weight w_L, and a POI allele r seen in no relative reads the lumps as in
    :func:`homeward.kinship.missing.poi_genotype_lrs`:
    Q[x, r] = (Q[x, L1] + Q[x, L2]) p_r / w_L, Q[r, s] = Qn p_r p_s / w_L^2 +
    [r = s] Qi p_r / w_L with Qn = 4 Q[L1, L2], Qi = 2 Q[L1, L1] - Qn / 2.
    """
    p = model.frequencies
    n = model.n_alleles
    families, k, _ = codes.shape
    width = 2 * k
    flat = codes.reshape(families, width)
    order = np.argsort(flat, axis=1, kind="stable")
    ranked = np.take_along_axis(flat, order, axis=1)
    new = np.ones_like(ranked, dtype=bool)
    new[:, 1:] = ranked[:, 1:] != ranked[:, :-1]
    rank = np.cumsum(new, axis=1) - 1
    observed = np.full((families, width), -1, dtype=np.int64)
    row_of = np.broadcast_to(np.arange(families)[:, np.newaxis], (families, width))
    observed[row_of, rank] = ranked
    slots = np.empty_like(flat)
    np.put_along_axis(slots, order, rank, axis=1)
    slots = slots.reshape(families, k, 2)
    valid = observed >= 0
    p_seen = np.where(valid, p[np.maximum(observed, 0)], 0.0)
    has_rest = rank[:, -1] + 1 < n
    mass = np.where(has_rest, np.maximum(0.0, 1.0 - p_seen.sum(axis=1)), 0.0)
    ok = ~(has_rest & (mass <= 0.0))
    l1, l2 = width, width + 1
    weights = np.zeros((families, width + 2))
    weights[:, :width] = p_seen
    weights[:, l1] = weights[:, l2] = np.where(ok, mass / 2.0, 0.0)
    evidence = np.zeros((families, k, width + 2, width + 2))
    f_idx = np.arange(families)[:, np.newaxis]
    p_idx = np.arange(k)[np.newaxis, :]
    evidence[f_idx, p_idx, slots[:, :, 0], slots[:, :, 1]] = 1.0
    evidence[f_idx, p_idx, slots[:, :, 1], slots[:, :, 0]] = 1.0
    q = contract_batch(structure, typed_idx, evidence, weights, query)
    data = q.sum(axis=(1, 2))
    if np.any(ok & (data <= 0.0)):
        raise ModelError(f"locus {model.locus}: the relatives' genotypes are impossible on "
                         "this pedigree without mutation; use a mutation model")
    inv = np.divide(1.0, mass, out=np.zeros_like(mass), where=mass > 0.0)
    unseen = width  # the slot of an allele no relative carries
    ext = np.empty((families, width + 1, width + 1))
    ext[:, :width, :width] = q[:, :width, :width]
    ext[:, :width, unseen] = (q[:, :width, l1] + q[:, :width, l2]) * inv[:, np.newaxis]
    ext[:, unseen, :width] = (q[:, l1, :width] + q[:, l2, :width]) * inv[:, np.newaxis]
    q_n = 4.0 * q[:, l1, l2]
    q_i = 2.0 * q[:, l1, l1] - q_n / 2.0
    ext[:, unseen, unseen] = q_n * inv * inv
    slot_of = np.full((families, n), unseen, dtype=np.int64)
    slot_of[row_of[valid], observed[valid]] = np.nonzero(valid)[1]

    def ordered_pair(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        sx, sy = slot_of[:, x], slot_of[:, y]
        value = ext[f_idx, sx, sy] * np.where(sx == unseen, p[x], 1.0) \
            * np.where(sy == unseen, p[y], 1.0)
        same = (x == y)[np.newaxis, :] & (sx == unseen)
        return value + np.where(same, (q_i * inv)[:, np.newaxis] * p[x], 0.0)

    homozygous = first == second
    numerator = np.where(homozygous, ordered_pair(first, first),
                         ordered_pair(first, second) + ordered_pair(second, first))
    founder = np.where(homozygous, p[first] ** 2, 2.0 * p[first] * p[second])
    with np.errstate(divide="ignore", invalid="ignore"):
        lrs = numerator / (data[:, np.newaxis] * founder[np.newaxis, :])
    return lrs, ok


def log10_lr_columns(queries: Sequence[FamilyQuery], loci: Sequence[str],
                     models: Mapping[str, LocusModel], alleles: np.ndarray, *,
                     lumpable: bool = True) -> np.ndarray:
    """Combined log10 LR of every POI (rows) being each query's missing child (columns).

    :param alleles: shape (2, POIs, loci), allele codes of ``models``; -1 where untyped.
        A locus enters a pair when the POI and at least one relative are typed there.
    """
    total = np.zeros((alleles.shape[1], len(queries)))
    shapes: dict = {}
    for j, locus in enumerate(loci):
        model = models[locus]
        present = np.nonzero(alleles[0, :, j] >= 0)[0]
        if not len(present):
            continue
        items, columns = [], []
        for r, query in enumerate(queries):
            relatives = {pid: model.encode(profile.genotypes[locus])
                         for pid, profile in query.typed.items() if locus in profile.genotypes}
            if relatives:
                items.append((query.pedigree, query.missing_id, relatives))
                columns.append(r)
        if not items:
            continue
        lrs = poi_lrs_many(items, model, alleles[0, present, j], alleles[1, present, j],
                           lumpable=lumpable, shapes=shapes)
        with np.errstate(divide="ignore"):
            total[np.ix_(present, columns)] += np.log10(lrs).T
    return total


__all__ = ["FamilyQuery", "log10_lr_columns", "pedigree_shape", "poi_lrs_many"]
