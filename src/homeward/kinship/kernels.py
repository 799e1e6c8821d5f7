"""Compiled search kernels (Numba): gather-and-sum over genotype codes with a top-k.

The database is stored locus-major, ``codes[locus, person]`` (uint16), so each locus is
one contiguous stream. A query becomes one small table per locus (log10 LR by genotype
code, or by class pair for couples); a search is then, for each block of people, a sum of
table look-ups that stays in the L1 cache, followed by a running top-k of that block.
Blocks run in parallel; their top-k lists are merged in NumPy.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

BLOCK = 4096


@njit(cache=True, inline="always")
def _insert_top(scores, ids, value, index):
    k = scores.shape[0]
    j = k - 1
    while j > 0 and scores[j - 1] < value:
        scores[j] = scores[j - 1]
        ids[j] = ids[j - 1]
        j -= 1
    scores[j] = value
    ids[j] = index


@njit(parallel=True, fastmath=True, cache=True)
def top_k_single(codes, tables, k):  # pragma: no cover - compiled
    """Top-k of sum_l tables[l, codes[l, i]] over people i; per-block lists."""
    n_loci, n = codes.shape
    n_blocks = (n + BLOCK - 1) // BLOCK
    top_scores = np.full((n_blocks, k), -np.inf, dtype=np.float32)
    top_ids = np.full((n_blocks, k), -1, dtype=np.int64)
    for block in prange(n_blocks):
        start = block * BLOCK
        stop = min(n, start + BLOCK)
        acc = np.zeros(stop - start, dtype=np.float32)
        for locus in range(n_loci):
            table = tables[locus]
            row = codes[locus]
            for i in range(start, stop):
                acc[i - start] += table[row[i]]
        scores = top_scores[block]
        ids = top_ids[block]
        threshold = scores[k - 1]
        for i in range(stop - start):
            if acc[i] > threshold:
                _insert_top(scores, ids, acc[i], start + i)
                threshold = scores[k - 1]
    return top_scores, top_ids


@njit(parallel=True, fastmath=True, cache=True)
def top_k_pairs(codes_a, codes_b, class_maps, tables, k):  # pragma: no cover - compiled
    """Top-k over couples of sum_l tables[l, class(a), class(b)]."""
    n_loci, n = codes_a.shape
    n_blocks = (n + BLOCK - 1) // BLOCK
    top_scores = np.full((n_blocks, k), -np.inf, dtype=np.float32)
    top_ids = np.full((n_blocks, k), -1, dtype=np.int64)
    for block in prange(n_blocks):
        start = block * BLOCK
        stop = min(n, start + BLOCK)
        acc = np.zeros(stop - start, dtype=np.float32)
        for locus in range(n_loci):
            table = tables[locus]
            classes = class_maps[locus]
            row_a = codes_a[locus]
            row_b = codes_b[locus]
            for i in range(start, stop):
                acc[i - start] += table[classes[row_a[i]], classes[row_b[i]]]
        scores = top_scores[block]
        ids = top_ids[block]
        threshold = scores[k - 1]
        for i in range(stop - start):
            if acc[i] > threshold:
                _insert_top(scores, ids, acc[i], start + i)
                threshold = scores[k - 1]
    return top_scores, top_ids


def merge_top_k(scores: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge per-block top-k lists into one, best first, dropping empty slots."""
    flat_scores, flat_ids = scores.ravel(), ids.ravel()
    valid = flat_ids >= 0
    flat_scores, flat_ids = flat_scores[valid], flat_ids[valid]
    order = np.lexsort((flat_ids, -flat_scores))[:k]
    return flat_scores[order], flat_ids[order]
