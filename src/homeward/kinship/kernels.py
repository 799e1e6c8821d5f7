"""Compiled search kernels (Numba): gather-and-sum over genotype codes with a top-k.

The database is stored locus-major, ``codes[locus, person]`` (uint16), so each locus is
one contiguous stream. A query becomes one small table per locus (log10 LR by genotype
code; for couples, by both partners' joint code or by code and class); a search is then,
for each block of people, a sum of table look-ups from the L1 and L2 caches, followed by a
running top-k of that block. Blocks run in parallel; their top-k lists are merged in
NumPy. The cost is the number of look-ups per person, so the layouts aim to cut it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numba
import numpy as np
from numba import njit, prange

BLOCK = 4096
EMPTY = np.float32(-3.0e38)  # below any score; fastmath forbids infinities
SERIAL_BELOW = 4 * BLOCK  # people: fewer are scored on the calling thread alone


@contextmanager
def threads_for(n_people: int) -> Iterator[None]:
    """Run the kernels inside on the calling thread alone when they have few people:
    waking the other threads costs more than their share, milliseconds on a busy machine.
    The same compiled kernel runs either way, so the scores are the same."""
    if n_people >= SERIAL_BELOW:
        yield
        return
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(previous)


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


@njit(cache=True, inline="always")
def _add_looked_up(acc, codes, tables, start, stop, fresh):
    """acc[i - start] += sum_l tables[l, codes[l, i]] for people start..stop.

    Four loci are added per pass over the accumulator (then one at a time), which cuts
    its load-and-store traffic and lets the four look-ups overlap. With ``fresh`` the
    first pass writes the accumulator instead of adding to it (no zero-filling first).
    """
    n_loci = codes.shape[0]
    locus = 0
    if fresh and n_loci >= 4:
        table0, table1 = tables[0], tables[1]
        table2, table3 = tables[2], tables[3]
        row0, row1 = codes[0], codes[1]
        row2, row3 = codes[2], codes[3]
        for i in range(start, stop):
            acc[i - start] = ((table0[row0[i]] + table1[row1[i]])
                              + (table2[row2[i]] + table3[row3[i]]))
        locus = 4
    elif fresh:
        acc[:] = 0.0
    while locus + 4 <= n_loci:
        table0, table1 = tables[locus], tables[locus + 1]
        table2, table3 = tables[locus + 2], tables[locus + 3]
        row0, row1 = codes[locus], codes[locus + 1]
        row2, row3 = codes[locus + 2], codes[locus + 3]
        for i in range(start, stop):
            acc[i - start] += ((table0[row0[i]] + table1[row1[i]])
                               + (table2[row2[i]] + table3[row3[i]]))
        locus += 4
    while locus < n_loci:
        table0, row0 = tables[locus], codes[locus]
        for i in range(start, stop):
            acc[i - start] += table0[row0[i]]
        locus += 1


@njit(cache=True, inline="always")
def _add_class_pairs(acc, codes_ab, class_maps, tables, start, stop):
    """acc[i - start] += sum_l tables[l, code(a), class_maps[l, code(b)]].

    ``codes_ab[l]`` holds both partners' codes in one 32-bit word (first partner in the
    low half), so a locus is one stream; each couple and locus costs two small look-ups.
    """
    n_loci = codes_ab.shape[0]
    locus = 0
    while locus + 4 <= n_loci:
        table0, table1 = tables[locus], tables[locus + 1]
        table2, table3 = tables[locus + 2], tables[locus + 3]
        classes0, classes1 = class_maps[locus], class_maps[locus + 1]
        classes2, classes3 = class_maps[locus + 2], class_maps[locus + 3]
        row0, row1 = codes_ab[locus], codes_ab[locus + 1]
        row2, row3 = codes_ab[locus + 2], codes_ab[locus + 3]
        for i in range(start, stop):
            x0, x1, x2, x3 = row0[i], row1[i], row2[i], row3[i]
            acc[i - start] += ((table0[x0 & 0xFFFF, classes0[x0 >> 16]]
                                + table1[x1 & 0xFFFF, classes1[x1 >> 16]])
                               + (table2[x2 & 0xFFFF, classes2[x2 >> 16]]
                                  + table3[x3 & 0xFFFF, classes3[x3 >> 16]]))
        locus += 4
    while locus < n_loci:
        table0, classes0, row0 = tables[locus], class_maps[locus], codes_ab[locus]
        for i in range(start, stop):
            x0 = row0[i]
            acc[i - start] += table0[x0 & 0xFFFF, classes0[x0 >> 16]]
        locus += 1


@njit(parallel=True, fastmath=True, cache=True)
def top_k_single(codes, tables, k):  # pragma: no cover - compiled
    """Top-k of sum_l tables[l, codes[l, i]] over people i; per-block lists.

    Its block loop repeats :func:`top_k_couples` on purpose: one kernel for both, with an
    empty code-and-class pass for people, measured 10-25% slower on the duo.
    """
    n = codes.shape[1]
    n_blocks = (n + BLOCK - 1) // BLOCK
    top_scores = np.full((n_blocks, k), EMPTY, dtype=np.float32)
    top_ids = np.full((n_blocks, k), -1, dtype=np.int64)
    for block in prange(n_blocks):
        start = block * BLOCK
        stop = min(n, start + BLOCK)
        acc = np.empty(stop - start, dtype=np.float32)
        _add_looked_up(acc, codes, tables, start, stop, True)
        _block_top_k(acc, start, top_scores[block], top_ids[block])
    return top_scores, top_ids


@njit(parallel=True, fastmath=True, cache=True)
def top_k_couples(joint_codes, joint_tables, codes_ab, class_maps, tables,
                  k):  # pragma: no cover - compiled
    """Top-k over couples of the summed log10 LR of both kinds of loci.

    Small loci hold one joint code per couple (``a * radix + b``) and a full table over
    both partners' genotypes: one look-up. Other loci go through the second partner's
    genotype class (:func:`_add_class_pairs`): two look-ups.
    """
    n = joint_codes.shape[1]
    n_blocks = (n + BLOCK - 1) // BLOCK
    top_scores = np.full((n_blocks, k), EMPTY, dtype=np.float32)
    top_ids = np.full((n_blocks, k), -1, dtype=np.int64)
    for block in prange(n_blocks):
        start = block * BLOCK
        stop = min(n, start + BLOCK)
        acc = np.empty(stop - start, dtype=np.float32)
        _add_looked_up(acc, joint_codes, joint_tables, start, stop, True)
        _add_class_pairs(acc, codes_ab, class_maps, tables, start, stop)
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
