"""The likelihood ratio of a paternal-lineage (Y-STR) match, with mutation.

A boy (the query, haplotype q) is compared with a man of a family (the reference, r). The
hypotheses: H1, r is the boy's paternal relative ``g`` meioses apart along the male line
(father 1, brother or grandfather 2, uncle 3, first cousin 4); H2, r is an unrelated man.
Conditioning on the boy's haplotype::

    LR = P(r | q, H1) / P(r | H2) = prod_k P(delta_k | g, mu_k) / f(r)

with f(r) the reference haplotype's population frequency (discrete Laplace or kappa, see
:mod:`homeward.kinship.ystr_frequency`) and, per marker, the single-step mutation model:
in each meiosis a marker keeps its length with probability 1 - mu and gains or loses one
repeat with probability mu / 2 each (98.8% of observed Y-STR mutations are single steps:
Goedbloed et al. 2009, Int J Legal Med 123:471-482). After g meioses the net change delta
has probability::

    P(delta | g, mu) = sum_{m = |delta|, |delta| + 2, ...}^{g}
                       C(g, m) mu^m (1 - mu)^(g - m) * C(m, (m + delta)/2) / 2^m

(m mutations, a symmetric +-1 walk). For an exact match and no mutation (``generations``
``None``) the LR is the classic 1 / f(r) (Buckleton, Krawczak & Weir 2011, FSI Genetics
5:78-83; a Y match is a match of lineages, not of individuals). Multi-copy markers are
unordered pairs: P(r_pair | q_pair) sums the two ways of pairing copies, each copy
mutating at half the marker's published rate; a duplicated single-copy marker is paired
the same way at the full rate. A difference that single steps cannot explain (a null on
one side, a different number of alleles, 13 against 13.2) has probability 0 under this
model: the LR is 0 and the marker is listed, as an exclusion is for autosomal STRs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scipy.stats import binom

from homeward.kinship.errors import ModelError
from homeward.kinship.ystr import (
    HaplotypeComparison,
    LocusDifference,
    YHaplotype,
    compare_haplotypes,
    repeat_value,
)
from homeward.kinship.ystr_frequency import DEFAULT_METHOD, HaplotypeDatabase, HaplotypeFrequency
from homeward.kinship.ystr_loci import copies, mutation_rate

#: Meioses between a boy and a paternal relative along the male line.
PATERNAL_MEIOSES: dict[str, int] = {
    "father": 1, "brother": 2, "grandfather": 2, "uncle": 3, "great-grandfather": 3,
    "first-cousin": 4, "great-uncle": 4,
}


def step_difference_probability(delta: int, generations: int, rate: float) -> float:
    """P(net change of ``delta`` repeats after ``generations`` meioses), single-step model."""
    if generations < 0 or not 0 <= rate <= 1:
        raise ModelError(f"need generations >= 0 and 0 <= rate <= 1 (got {generations}, "
                         f"{rate})")
    total = 0.0
    for m in range(abs(delta), generations + 1, 2):
        total += float(binom.pmf(m, generations, rate)) * math.comb(m, (m + delta) // 2) / 2**m
    return total


def _locus_probability(diff: LocusDifference, generations: int | None,
                       rates: Mapping[str, float] | None) -> float:
    if diff.kind not in ("match", "stepwise"):
        return 0.0
    if generations is None:
        return 1.0 if diff.kind == "match" else 0.0
    name = diff.compared_as or diff.locus
    rate = rates[name] if rates and name in rates else mutation_rate(name)
    if not diff.query or diff.compared_as:
        delta = diff.deltas[0] if diff.deltas else 0
        return step_difference_probability(delta, generations, rate)
    per_copy = rate / copies(diff.locus) if copies(diff.locus) > 1 else rate
    q = [repeat_value(a) for a in diff.query]
    total = 0.0
    for order in set(itertools.permutations(repeat_value(a) for a in diff.reference)):
        deltas = [r - v for v, r in zip(q, order, strict=True)]
        if any(abs(d - round(d)) > 1e-9 for d in deltas):
            continue
        term = 1.0
        for d in deltas:
            term *= step_difference_probability(int(round(d)), generations, per_copy)
        total += term
    return total


@dataclass(frozen=True)
class LineageLR:
    """A paternal-lineage LR with everything behind it."""

    comparison: HaplotypeComparison
    generations: int | None
    per_locus: Mapping[str, float]
    numerator: float
    frequency: HaplotypeFrequency

    @property
    def lr(self) -> float:
        return self.numerator / self.frequency.value

    @property
    def log10_lr(self) -> float:
        return math.log10(self.lr) if self.lr > 0 else float("-inf")

    @property
    def excluded(self) -> list[str]:
        """Markers the model cannot explain (probability 0)."""
        return [m for m, p in self.per_locus.items() if p == 0]

    def to_dict(self) -> dict[str, Any]:
        comparison = self.comparison.to_dict()
        return {
            "signal": "paternal lineage (Y-STR)",
            "query": comparison.pop("query"), "reference": comparison.pop("reference"),
            "generations": self.generations, "lr": self.lr,
            "log10_lr": None if self.lr == 0 else self.log10_lr,
            "numerator": self.numerator, "excluded": self.excluded,
            "haplotype_frequency": self.frequency.to_dict(),
            "mutation_model": ("none (exact match required)" if self.generations is None
                               else "single-step, per-locus rates (YHRD release 61)"),
            **comparison,
            "per_locus_probability": dict(self.per_locus),
            "note": "a Y-STR match is a match of paternal lineages, not of individuals; "
                    "this LR is not multiplied with any autosomal LR",
        }


def lineage_lr(query: YHaplotype, reference: YHaplotype, database: HaplotypeDatabase, *,
               generations: int | None, method: str = DEFAULT_METHOD,
               rates: Mapping[str, float] | None = None) -> LineageLR:
    """LR that ``reference`` is ``query``'s paternal relative ``generations`` meioses apart.

    See the module docstring for the formula. Markers typed in only one of the two are
    left out of both numerator and frequency.

    :param generations: meioses between the two men (see :data:`PATERNAL_MEIOSES`), or
        ``None`` for no mutation (the classic 1 / frequency for an exact match).
    :param method: ``"discrete-laplace"`` or ``"kappa"`` for the frequency of ``reference``.
    :param rates: per-marker mutation rates replacing the published ones.
    :raises UnknownLocusError: when either haplotype has a marker the database lacks.
    """
    database.check_markers(query)
    database.check_markers(reference)
    if generations is not None and generations < 1:
        raise ModelError(f"generations must be >= 1 (got {generations}); use none for an "
                         "exact match without mutation")
    comparison = compare_haplotypes(query, reference)
    if not comparison.loci:
        raise ModelError(f"samples {query.sample_id!r} and {reference.sample_id!r} share no "
                         "typed Y-STR marker")
    per_locus = {m: _locus_probability(d, generations, rates)
                 for m, d in comparison.loci.items()}
    numerator = math.prod(per_locus.values())
    frequency = database.frequency(reference, markers=list(comparison.loci), method=method)
    return LineageLR(comparison, generations, per_locus, numerator, frequency)
