"""Allele bitsets: the profiles that cannot be a parent are dropped before any LR is scored.

A true parent shares an allele with the child at every locus except those where a
mutation happened; laboratories therefore call an exclusion of paternity only at two or
more independent inconsistent loci, some at three after seeing true fathers with two
STR mutations (Electrophoresis 1997, 18(9):1650-2, doi:10.1002/elps.1150180930).
:class:`AlleleBitsets` keeps, per locus and allele, one bit per profile
(uint64 words, profile ``i`` at bit ``i % 64`` of word ``i // 64``) saying whether the
profile carries that allele. A duo query ORs the rows of the child's alleles at each
locus; a zero bit is an inconsistent locus. The inconsistencies of 64 profiles are
counted at once in bit-sliced counters (bit ``p`` of every count in one word, "plane"
``p``), three loci at a time through a carry-save adder (a full adder on words: Knuth,
*TAOCP* 4A, section 7.1.3; the Harley-Seal population count of Muła, Kurz & Lemire
2018, doi:10.1093/comjnl/bxx046, uses the same adder). Only profiles with at most ``k``
inconsistent loci come out; they alone are scored with the full LR.

A profile untyped at a locus cannot be inconsistent there: its bit is set in every
allele row of that locus and in the locus's *untyped* row, which also stands for an
allele that no profile carries (e.g. a query's allele never seen before), so a query
reads at most two rows per locus and never a separate "typed" row.

Couples (:func:`couple_candidates`): the child takes one allele from each parent, so a
couple is consistent at a locus when one partner carries one of the child's alleles and
the other partner the other, ``(A[c1] & B[c2]) | (A[c2] & B[c1])``, with one bitset
object per partner role. An untyped partner carries every allele, which leaves the duo
rule of the other partner, as the couple LR does.

Cost: one bit per profile for each carried allele and each locus (43 bytes per profile
at the CODIS 20 loci of the packaged table), a query reads two rows per locus (N/4
bytes), an appended profile sets a few bits (the storage grows by doubling).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from homeward.kinship.bitset_kernels import (
    MAX_COUNTED,
    carried_alleles,
    filter_any_of,
    filter_couples,
    set_bit_positions,
    set_bits,
)
from homeward.kinship.errors import ModelError
from homeward.kinship.model import all_genotypes, genotype_index

DEFAULT_MAX_INCONSISTENT = 2  # mutated loci a true parent may show (see above)
# below this many references a search scans: the filter's fixed cost equals a scan of
# 10,000-50,000 profiles (measured on the 2-core test machine), a scan there stays under
# a couple of milliseconds, and it ranks even the references the filter would drop
BITSET_MIN_REFERENCES = 100_000
MIN_WORDS = 16

# A locus's consistency rule for a duo query: ``None`` (nothing can be inconsistent
# there: the query is untyped, or the hypothesis excludes no one), or the alleles of
# which a profile must carry one (empty: no typed profile is consistent).
CarrierRule = tuple[int, ...] | None


class AlleleBitsets:
    """Per (locus, allele) the bitset of the profiles carrying that allele.

    Rows ``0 .. n_loci - 1`` are the loci's untyped rows; allele rows are created when a
    profile first carries the allele and start as a copy of the untyped row.
    """

    def __init__(self, n_loci: int) -> None:
        self.n_loci = n_loci
        self.n = 0
        self._bits = np.zeros((max(2 * n_loci, 8), MIN_WORDS), dtype=np.uint64)
        self._n_rows = n_loci
        self._rows = np.full((n_loci, 1), -1, dtype=np.int64)  # [locus, allele] -> row

    @classmethod
    def from_codes(cls, codes: np.ndarray) -> AlleleBitsets:
        """Bitsets of genotype codes ``codes[locus, person]`` (0 = untyped)."""
        bitsets = cls(codes.shape[0])
        bitsets.append(codes)
        return bitsets

    def __len__(self) -> int:
        return self.n

    @property
    def n_words(self) -> int:
        return (self.n + 63) // 64

    @property
    def nbytes(self) -> int:
        """Bytes held, capacity included."""
        return self._bits.nbytes + self._rows.nbytes

    def bytes_per_profile(self) -> float:
        """Bytes of the rows in use per profile (without the capacity held for growth)."""
        return self._n_rows * self.n_words * 8 / max(self.n, 1)

    def append(self, codes: np.ndarray) -> None:
        """Add the profiles of ``codes[locus, person]`` after the stored ones."""
        codes = np.ascontiguousarray(codes, dtype=np.uint16)
        if codes.shape[0] != self.n_loci:
            raise ValueError(f"codes have {codes.shape[0]} loci, the bitsets {self.n_loci}")
        m = codes.shape[1]
        if m == 0:
            return
        self._reserve_words((self.n + m + 63) // 64)
        width = _allele_of_code_above(int(codes.max()))
        if width > self._rows.shape[1]:
            wider = np.full((self.n_loci, max(width, 2 * self._rows.shape[1])), -1,
                            dtype=np.int64)
            wider[:, : self._rows.shape[1]] = self._rows
            self._rows = wider
        first, second = _code_alleles(self._rows.shape[1])
        carried = carried_alleles(codes, first, second, self._rows.shape[1])
        self._add_rows(*np.nonzero(carried & (self._rows < 0)))
        set_bits(self._bits, codes, first, second, self._rows, self.n)
        self.n += m

    def _add_rows(self, loci: np.ndarray, alleles: np.ndarray) -> None:
        """Rows for alleles first carried now; the loci's untyped profiles carry them."""
        needed = self._n_rows + len(loci)
        if needed > self._bits.shape[0]:  # geometric growth: amortised, 1/8 slack at most
            rows = max(needed, self._bits.shape[0] + self._bits.shape[0] // 8)
            grown = np.zeros((rows, self._bits.shape[1]), dtype=np.uint64)
            grown[: self._n_rows] = self._bits[: self._n_rows]
            self._bits = grown
        for locus, allele in zip(loci.tolist(), alleles.tolist(), strict=True):
            self._bits[self._n_rows] = self._bits[locus]
            self._rows[locus, allele] = self._n_rows
            self._n_rows += 1

    def _reserve_words(self, words: int) -> None:
        """Room for ``words`` words per row: exact at the first build, then doubling."""
        capacity = self._bits.shape[1]
        if words <= capacity:
            return
        capacity = words if self.n == 0 else max(words, 2 * capacity)
        grown = np.zeros((self._bits.shape[0], capacity), dtype=np.uint64)
        grown[: self._n_rows, : self._bits.shape[1]] = self._bits[: self._n_rows]
        self._bits = grown

    def row(self, locus: int, allele: int) -> int:
        """The row of an allele; the untyped row where no profile carries it."""
        if allele < self._rows.shape[1] and self._rows[locus, allele] >= 0:
            return int(self._rows[locus, allele])
        return locus

    def carriers(self, locus: int, allele: int) -> np.ndarray:
        """Bool per profile: carries ``allele`` at ``locus`` or is untyped there."""
        words = self._bits[self.row(locus, allele), : self.n_words]
        return np.unpackbits(words.view(np.uint8), bitorder="little")[: self.n].astype(bool)

    def candidates(self, rules: Sequence[CarrierRule], max_inconsistent: int) -> np.ndarray:
        """Positions (ascending) of the profiles with at most ``max_inconsistent`` loci
        that break their rule: at a locus with rule ``S`` a typed profile carrying no
        allele of ``S`` is inconsistent."""
        rows = []
        for locus, rule in enumerate(rules):
            if rule is None:
                continue
            if len(rule) > 2:
                raise ValueError("a duo rule names at most two alleles")
            picked = [self.row(locus, a) for a in rule] or [locus]
            rows.append((picked[0], picked[-1]))
        if not rows:
            return np.arange(self.n, dtype=np.int64)
        mask = filter_any_of(self._bits, np.array(rows, dtype=np.int64), self.n,
                              _counted_limit(max_inconsistent))
        return set_positions(mask)


def couple_candidates(first: AlleleBitsets, second: AlleleBitsets,
                      child: Sequence[tuple[int, int] | None],
                      max_inconsistent: int) -> np.ndarray:
    """Positions of the couples ``(first[i], second[i])`` with at most
    ``max_inconsistent`` loci where the child {c1, c2} (``None``: untyped) cannot take
    one allele from each partner."""
    if len(first) != len(second) or first.n_loci != second.n_loci:
        raise ValueError("the partners' bitsets differ in size")
    rows = [(first.row(i, c1), first.row(i, c2), second.row(i, c1), second.row(i, c2))
            for i, alleles in enumerate(child) if alleles is not None
            for c1, c2 in [alleles]]
    if not rows:
        return np.arange(len(first), dtype=np.int64)
    mask = filter_couples(first._bits, second._bits, np.array(rows, dtype=np.int64),
                           len(first), _counted_limit(max_inconsistent))
    return set_positions(mask)


def carrier_rule(flags: np.ndarray, n_alleles: int) -> CarrierRule | Literal[False]:
    """A locus's rule read off the scan's own exclusion row (over a reference's genotype
    codes, 0 = untyped), so that the filter counts exactly the exclusions the scan reports.

    ``False`` where the exclusions are not of the form "carries none of these (at most
    two) alleles"; a search then scans.
    """
    excluded = np.asarray(flags[1:], dtype=bool)
    if not excluded.any():
        return None
    first, second, homozygous = _genotype_alleles(n_alleles)
    alleles = np.flatnonzero(~excluded[homozygous])
    if len(alleles) > 2:
        return False
    member = np.zeros(n_alleles, dtype=bool)
    member[alleles] = True
    if not np.array_equal(excluded, ~(member[first] | member[second])):
        return False
    return tuple(int(a) for a in alleles)


def carrier_rules(exclusion_rows: Sequence[np.ndarray],
                  n_alleles: Sequence[int]) -> list[CarrierRule] | None:
    """:func:`carrier_rule` of every locus, or ``None`` if one is not countable."""
    rules: list[CarrierRule] = []
    for flags, count in zip(exclusion_rows, n_alleles, strict=True):
        rule = carrier_rule(flags, count)
        if rule is False:
            return None
        rules.append(rule)
    return rules


@lru_cache(maxsize=64)
def _code_alleles(n_alleles: int) -> tuple[np.ndarray, np.ndarray]:
    """Both alleles of every stored genotype code below the first with allele
    ``n_alleles`` (index 0, untyped, maps to allele 0 and is never read)."""
    first, second = all_genotypes(n_alleles)
    return np.concatenate([[0], first]), np.concatenate([[0], second])


@lru_cache(maxsize=256)
def _genotype_alleles(n_alleles: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both alleles of every genotype code - 1, and the codes - 1 of the homozygotes."""
    first, second = all_genotypes(n_alleles)
    alleles = np.arange(n_alleles)
    return first, second, np.asarray(genotype_index(alleles, alleles))


@dataclass(frozen=True)
class Selection:
    """The references a search scores: ``positions`` (ascending), or all (``None``: a scan).

    ``used`` is the limit on inconsistent loci that chose them (``None`` for a scan),
    ``requested`` the one the caller asked for.
    """

    positions: np.ndarray | None
    requested: int | None
    used: int | None
    size: int

    def params(self) -> dict[str, object]:
        scored = self.size if self.positions is None else len(self.positions)
        return {"method": "scan" if self.positions is None else "bitset",
                "max_inconsistent": self.used, "max_inconsistent_requested": self.requested,
                "profiles_scored": int(scored)}


def select(within: Callable[[int], np.ndarray], requested: int | None, active_loci: int,
           size: int) -> Selection:
    """The references with at most ``requested`` inconsistent loci (``within(limit)``).

    Every reference is scored (a scan) where no limit is asked, where the database is
    below :data:`BITSET_MIN_REFERENCES` (a scan costs about as little there and ranks
    even the references the filter would drop), where the query has no more loci at
    which an exclusion is possible (``active_loci``) than the limit allows, or where the
    limit is above what the counters hold (:data:`MAX_COUNTED`; such a limit keeps most
    of a database anyway).
    """
    if requested is None:
        return Selection(None, None, None, size)
    limit = check_max_inconsistent(requested)
    if size < BITSET_MIN_REFERENCES or active_loci <= limit or limit > MAX_COUNTED:
        return Selection(None, limit, None, size)
    return Selection(within(limit), limit, limit, size)


def check_max_inconsistent(value: object) -> int:
    """``value`` as a count of inconsistent loci, or a :class:`ModelError` naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ModelError(f"max_inconsistent must be a whole number of loci >= 0, "
                         f"got {value!r}")
    return int(value)


def set_positions(mask: np.ndarray) -> np.ndarray:
    """Positions (ascending) of the set bits of ``mask`` (uint64 words, bit i % 64 of
    word i // 64)."""
    return set_bit_positions(np.ascontiguousarray(mask, dtype=np.uint64))


def _counted_limit(max_inconsistent: int) -> int:
    if not 0 <= max_inconsistent <= MAX_COUNTED:
        raise ValueError(f"the counters hold limits 0 to {MAX_COUNTED}, not {max_inconsistent}")
    return max_inconsistent


def _allele_of_code_above(code: int) -> int:
    """One more than the larger allele of genotype code ``code`` (0 for untyped)."""
    if code == 0:
        return 0
    index = code - 1
    hi = int((np.sqrt(8 * index + 1) - 1) // 2)
    while hi * (hi + 1) // 2 > index:
        hi -= 1
    while (hi + 1) * (hi + 2) // 2 <= index:
        hi += 1
    return hi + 1
