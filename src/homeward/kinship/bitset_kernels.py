"""Compiled kernels of the allele bitsets (:mod:`homeward.kinship.bitset_index`).

Setting bits from genotype codes, listing set bits, and counting inconsistent loci in
bit-sliced counters: three planes (counts 0-7) and a sticky overflow plane per word of
64 profiles, three loci at a time through a carry-save adder (Knuth, *TAOCP* 4A,
section 7.1.3; Muła, Kurz & Lemire 2018, doi:10.1093/comjnl/bxx046). Blocks of words
keep their counters in L1 and run in parallel (Numba's ``prange``; each block writes only
its own words of the mask): at 1M profiles a query reads about 5 MB.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

BLOCK_WORDS = 256  # counter planes of one block stay in L1: 256 words x 8 bytes x 4
MAX_COUNTED = 7  # three counter planes (0-7) and an overflow plane

# bit index of a lone bit b from (b * DE_BRUIJN) >> 58: Leiserson, Prokop & Randall,
# "Using de Bruijn sequences to index a 1 in a computer word" (1998)
DE_BRUIJN = np.uint64(0x03F79D71B4CB0A89)
_DE_BRUIJN_BITS = np.zeros(64, dtype=np.int64)
_DE_BRUIJN_BITS[(((np.uint64(1) << np.arange(64, dtype=np.uint64)) * DE_BRUIJN)
                 >> np.uint64(58)).astype(np.int64)] = np.arange(64)


@njit(cache=True)
def set_bit_positions(mask):  # pragma: no cover - compiled
    count = 0
    for word in mask:
        while word:
            word &= word - np.uint64(1)
            count += 1
    out = np.empty(count, dtype=np.int64)
    j = 0
    for i in range(mask.shape[0]):
        word = mask[i]
        while word:
            lowest = word & (~word + np.uint64(1))
            out[j] = i * 64 + _DE_BRUIJN_BITS[(lowest * DE_BRUIJN) >> np.uint64(58)]
            word ^= lowest
            j += 1
    return out


@njit(cache=True)
def carried_alleles(codes, first, second, width):  # pragma: no cover - compiled
    out = np.zeros((codes.shape[0], width), dtype=np.bool_)
    for locus in range(codes.shape[0]):
        for j in range(codes.shape[1]):
            code = codes[locus, j]
            if code > 0:
                out[locus, first[code]] = True
                out[locus, second[code]] = True
    return out


@njit(cache=True)
def set_bits(bits, codes, first, second, rows, start):  # pragma: no cover - compiled
    """Set the bits of profiles ``start ..`` from their codes (alleles ``first[code]``,
    ``second[code]``); an untyped profile is set in its locus's untyped row and in every
    allele row of that locus."""
    for locus in range(codes.shape[0]):
        allele_rows = rows[locus]
        for j in range(codes.shape[1]):
            position = start + j
            word = position >> 6
            bit = np.uint64(1) << np.uint64(position & 63)
            code = codes[locus, j]
            if code == 0:
                bits[locus, word] |= bit
                for allele in range(allele_rows.shape[0]):
                    if allele_rows[allele] >= 0:
                        bits[allele_rows[allele], word] |= bit
            else:
                bits[allele_rows[first[code]], word] |= bit
                bits[allele_rows[second[code]], word] |= bit


@njit(cache=True, inline="always")
def _add_one(q0, q1, q2, over, x):
    """Counters (planes q0..q2, overflow) plus one locus's inconsistency word ``x``."""
    carry = q0 & x
    q0 ^= x
    carry, q1 = q1 & carry, q1 ^ carry
    over |= q2 & carry
    return q0, q1, q2 ^ carry, over


@njit(cache=True, inline="always")
def _add_three(q0, q1, q2, over, x0, x1, x2):
    """Carry-save step: three loci's words as a sum (weight 1) and a carry (weight 2)."""
    partial = x0 ^ x1
    total, twos = partial ^ x2, (x0 & x1) | (x2 & partial)
    carry = q0 & total
    q0 ^= total
    carry, q1 = q1 & carry, q1 ^ carry
    over |= q2 & carry
    q2 ^= carry
    carry, q1 = q1 & twos, q1 ^ twos
    over |= q2 & carry
    return q0, q1, q2 ^ carry, over


@njit(cache=True, inline="always")
def _at_most(q0, q1, q2, over, limit):
    """Bits whose count is at most ``limit`` (< 8): compared from the top plane down."""
    greater = over
    equal = ~np.uint64(0)
    for bit, plane in ((4, q2), (2, q1), (1, q0)):
        if limit & bit:
            equal &= plane
        else:
            greater |= equal & plane
            equal &= ~plane
    return ~greater


@njit(cache=True, inline="always")
def _tail_mask(out, n):
    tail = n & 63
    if tail:
        out[out.shape[0] - 1] &= (np.uint64(1) << np.uint64(tail)) - np.uint64(1)


@njit(cache=True, parallel=True)
def filter_any_of(bits, rows, n, limit):  # pragma: no cover - compiled
    """Mask of profiles with at most ``limit`` loci where ``bits[rows[l, 0]] |
    bits[rows[l, 1]]`` is zero. Blocks of words keep their counters in L1, and the
    blocks run in parallel."""
    n_words = (n + 63) // 64
    out = np.empty(n_words, dtype=np.uint64)
    n_loci = rows.shape[0]
    for block in prange((n_words + BLOCK_WORDS - 1) // BLOCK_WORDS):
        start = block * BLOCK_WORDS
        stop = min(n_words, start + BLOCK_WORDS)
        m = stop - start
        c0, c1 = np.zeros(m, np.uint64), np.zeros(m, np.uint64)
        c2, ov = np.zeros(m, np.uint64), np.zeros(m, np.uint64)
        locus = 0
        while locus + 3 <= n_loci:
            a0, b0 = bits[rows[locus, 0], start:stop], bits[rows[locus, 1], start:stop]
            a1 = bits[rows[locus + 1, 0], start:stop]
            b1 = bits[rows[locus + 1, 1], start:stop]
            a2 = bits[rows[locus + 2, 0], start:stop]
            b2 = bits[rows[locus + 2, 1], start:stop]
            for j in range(m):
                c0[j], c1[j], c2[j], ov[j] = _add_three(
                    c0[j], c1[j], c2[j], ov[j], ~(a0[j] | b0[j]), ~(a1[j] | b1[j]),
                    ~(a2[j] | b2[j]))
            locus += 3
        while locus < n_loci:
            a0, b0 = bits[rows[locus, 0], start:stop], bits[rows[locus, 1], start:stop]
            for j in range(m):
                c0[j], c1[j], c2[j], ov[j] = _add_one(c0[j], c1[j], c2[j], ov[j],
                                                      ~(a0[j] | b0[j]))
            locus += 1
        for j in range(m):
            out[start + j] = _at_most(c0[j], c1[j], c2[j], ov[j], limit)
    _tail_mask(out, n)
    return out


@njit(cache=True, inline="always")
def _split(first, second, rows, locus, start, stop):
    """Rows first[c1], first[c2], second[c2], second[c1] of one locus, one block."""
    return (first[rows[locus, 0], start:stop], first[rows[locus, 1], start:stop],
            second[rows[locus, 3], start:stop], second[rows[locus, 2], start:stop])


@njit(cache=True, parallel=True)
def filter_couples(first, second, rows, n, limit):  # pragma: no cover - compiled
    """Mask of couples with at most ``limit`` loci inconsistent with the child; ``rows[l]``
    = (first[c1], first[c2], second[c1], second[c2]); inconsistent where neither
    first[c1] & second[c2] nor first[c2] & second[c1]. Blocks run in parallel."""
    n_words = (n + 63) // 64
    out = np.empty(n_words, dtype=np.uint64)
    n_loci = rows.shape[0]
    for block in prange((n_words + BLOCK_WORDS - 1) // BLOCK_WORDS):
        start = block * BLOCK_WORDS
        stop = min(n_words, start + BLOCK_WORDS)
        m = stop - start
        c0, c1 = np.zeros(m, np.uint64), np.zeros(m, np.uint64)
        c2, ov = np.zeros(m, np.uint64), np.zeros(m, np.uint64)
        locus = 0
        while locus + 3 <= n_loci:
            a0, b0, c0_, d0 = _split(first, second, rows, locus, start, stop)
            a1, b1, c1_, d1 = _split(first, second, rows, locus + 1, start, stop)
            a2, b2, c2_, d2 = _split(first, second, rows, locus + 2, start, stop)
            for j in range(m):
                c0[j], c1[j], c2[j], ov[j] = _add_three(
                    c0[j], c1[j], c2[j], ov[j], ~((a0[j] & c0_[j]) | (b0[j] & d0[j])),
                    ~((a1[j] & c1_[j]) | (b1[j] & d1[j])),
                    ~((a2[j] & c2_[j]) | (b2[j] & d2[j])))
            locus += 3
        while locus < n_loci:
            a0, b0, c0_, d0 = _split(first, second, rows, locus, start, stop)
            for j in range(m):
                c0[j], c1[j], c2[j], ov[j] = _add_one(
                    c0[j], c1[j], c2[j], ov[j], ~((a0[j] & c0_[j]) | (b0[j] & d0[j])))
            locus += 1
        for j in range(m):
            out[start + j] = _at_most(c0[j], c1[j], c2[j], ov[j], limit)
    _tail_mask(out, n)
    return out
