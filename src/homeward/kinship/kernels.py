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
EMPTY = np.float32(-3.0e38)  # below any score; fastmath forbids infinities


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
    """Top-k of sum_l tables[l, codes[l, i]] over people i; per-block lists.

    Two loci are added per pass over the block's accumulator, which halves its traffic.
    """
    n_loci, n = codes.shape
    n_blocks = (n + BLOCK - 1) // BLOCK
    top_scores = np.full((n_blocks, k), EMPTY, dtype=np.float32)
    top_ids = np.full((n_blocks, k), -1, dtype=np.int64)
    for block in prange(n_blocks):
        start = block * BLOCK
        stop = min(n, start + BLOCK)
        acc = np.zeros(stop - start, dtype=np.float32)
        locus = 0
        while locus + 2 <= n_loci:
            table0, table1 = tables[locus], tables[locus + 1]
            row0, row1 = codes[locus], codes[locus + 1]
            for i in range(start, stop):
                acc[i - start] += table0[row0[i]] + table1[row1[i]]
            locus += 2
        if locus < n_loci:
            table0, row0 = tables[locus], codes[locus]
            for i in range(start, stop):
                acc[i - start] += table0[row0[i]]
        _block_top_k(acc, start, top_scores[block], top_ids[block])
    return top_scores, top_ids


@njit(parallel=True, fastmath=True, cache=True)
def top_k_pairs(codes_a, codes_b, class_maps, tables, k):  # pragma: no cover - compiled
    """Top-k over couples of sum_l tables[l, code(a), class(b)].

    ``tables[l]`` is the query's class-pair table already expanded along the first
    parent's genotype codes, so each couple and locus costs two small look-ups.
    """
    n_loci, n = codes_a.shape
    n_blocks = (n + BLOCK - 1) // BLOCK
    top_scores = np.full((n_blocks, k), EMPTY, dtype=np.float32)
    top_ids = np.full((n_blocks, k), -1, dtype=np.int64)
    for block in prange(n_blocks):
        start = block * BLOCK
        stop = min(n, start + BLOCK)
        acc = np.zeros(stop - start, dtype=np.float32)
        locus = 0
        while locus + 2 <= n_loci:
            table0, table1 = tables[locus], tables[locus + 1]
            classes0, classes1 = class_maps[locus], class_maps[locus + 1]
            a0, a1 = codes_a[locus], codes_a[locus + 1]
            b0, b1 = codes_b[locus], codes_b[locus + 1]
            for i in range(start, stop):
                acc[i - start] += (table0[a0[i], classes0[b0[i]]]
                                   + table1[a1[i], classes1[b1[i]]])
            locus += 2
        if locus < n_loci:
            table0, classes0 = tables[locus], class_maps[locus]
            a0, b0 = codes_a[locus], codes_b[locus]
            for i in range(start, stop):
                acc[i - start] += table0[a0[i], classes0[b0[i]]]
        _block_top_k(acc, start, top_scores[block], top_ids[block])
    return top_scores, top_ids


@njit(cache=True, inline="always")
def _block_top_k(acc, start, scores, ids):
    threshold = scores[scores.shape[0] - 1]
    for i in range(acc.shape[0]):
        if acc[i] > threshold:
            _insert_top(scores, ids, acc[i], start + i)
            threshold = scores[scores.shape[0] - 1]


def merge_top_k(scores: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Merge per-block top-k lists into one, best first, dropping empty slots."""
    flat_scores, flat_ids = scores.ravel(), ids.ravel()
    valid = flat_ids >= 0
    flat_scores, flat_ids = flat_scores[valid], flat_ids[valid]
    order = np.lexsort((flat_ids, -flat_scores))[:k]
    return flat_scores[order], flat_ids[order]
