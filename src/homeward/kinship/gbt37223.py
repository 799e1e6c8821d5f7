"""The paternity index as the Chinese standard GB/T 37223-2018 computes it.

GB/T 37223-2018 *亲权鉴定技术规范* (Specification of parentage testing; issued 2018-12-28,
in force 2019-04-01) succeeds SF/Z JD0105001-2016. A laboratory reports, locus by locus,
the paternity index (亲权指数, PI) of a duo (二联体: alleged parent and child) or a trio
(三联体: the undisputed mother, the child and the alleged father), their product the
cumulative PI (累计亲权指数, CPI) and the relative chance of paternity (父权相对机会,
RCP = CPI / (CPI + 1), a prior of 0.5), then applies the conclusion rules below.

How the standard's figures differ from the forrel convention of :mod:`homeward.kinship.lr`:

* no subpopulation correction (theta = 0) and Mendelian transmission at a consistent locus;
* at a locus where the alleged parent cannot have passed the child's allele (不符合遗传规律,
  a possible mutation) the PI is not 0 but the *step formula*: each allele copy of that
  parent that lies ``i`` whole repeats from the obligate allele Q passes Q with
  probability ``1/2 * mu * 1/2 * 10**-(i-1)`` (one copy of two, a mutation, half of them
  in the right direction, a tenfold drop per further step), counting only the copies at
  the smallest distance ``i``. The PI is then the ordinary ratio
  P(child | alleged parent) / P(child | random man). For a trio with the obligate paternal
  allele Q this gives ``PI = n mu / (4 p_Q 10**(i-1))`` (n copies at i steps); for a
  trio whose child has the mother's heterozygous genotype {Q1, Q2},
  ``PI = n mu / (4 (p_Q1 + p_Q2) 10**(i-1))``; for a duo
  ``PI = sum_c n_c mu / (8 p_c 10**(i-1))`` over the child's alleles c.
  Where no allele lies a whole number of repeats away (``9.3`` against ``11``, off-ladder
  calls) the PI is ``mu`` (Brenner's rule, dna-view.com/mudisc.htm).

Conclusion rules (the standard's result-evaluation clause, as SF/Z JD0105001-2016 already
stated them): CPI >= 10,000 supports parentage (支持); 3 or more inconsistent loci *and*
CPI < 0.0001 support non-parentage (排除); anything else calls for more loci (增加检测的
遗传标记), reported here as ``"inconclusive"``.

What could not be checked against the text: the full text of GB/T 37223-2018 was not
available offline, so clause numbers are not given and the step formula is the one that
three independent implementations which follow the standard agree on: lxting12345/
ForensicGeneticsTools (``PI_v9.pl``, "according to GB/T37223-2018"), KINSIMU (Ma & Li,
Hebei Medical University, CRAN, ``LRparas(stepwisePI=TRUE)``) and pzweuj/practice
(``calculate_CPI_2.py``); its derivation is Lü & Lu 2009, Fa Yi Xue Za Zhi 25(3), "A new
method for calculating the paternity index in presence of mutation". Whether "supports"
needs CPI > 10,000 or >= 10,000 differs between secondary sources; DESIGN.md and the
registry's confirmation rule use >= 10,000, and so does this module. The standard's
further precondition that the cumulative probability of exclusion of the system be at
least 0.9999 is not evaluated here. The mutation rate mu defaults to 0.002 per locus per
meiosis, the rate those implementations use for fathers; a known mother who is
inconsistent with the child is given the same step formula with ``known_parent_rate``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from homeward.kinship.errors import ModelError
from homeward.kinship.frequencies import FrequencyTable, LocusFrequencies
from homeward.kinship.loci import is_amelogenin
from homeward.kinship.lr import posterior_probability
from homeward.kinship.profiles import Genotype, Profile

GBT37223 = "GB/T 37223-2018"
SUPPORT_CPI = 10_000.0
EXCLUSION_CPI = 1e-4
EXCLUSION_MIN_INCONSISTENT_LOCI = 3
DEFAULT_MUTATION_RATE = 0.002
STEP_DECAY = 0.1  # each further repeat step is ten times less likely
RCP_PRIOR = 0.5

Conclusion = Literal["supports", "excludes", "inconclusive"]


@dataclass(frozen=True)
class StandardLocusPI:
    """One locus as the standard reports it.

    :param inconsistent: the alleged parent cannot have passed the child's allele without
        a mutation (the locus the exclusion rule counts).
    :param formula: ``"mendelian"``, ``"step"`` (``steps`` repeats) or ``"mu"`` (no whole
        repeat step, PI = mu).
    """

    locus: str
    pi: float
    inconsistent: bool
    formula: str
    steps: int | None
    genotypes: tuple[Genotype | None, ...]
    note: str = ""


@dataclass(frozen=True)
class StandardPaternity:
    """A duo or trio evaluated under GB/T 37223-2018 (see the module docstring)."""

    kind: Literal["duo", "trio"]
    persons: tuple[str, ...]
    loci: Mapping[str, StandardLocusPI]
    skipped_loci: Mapping[str, str]
    mutation_rate: float
    known_parent_rate: float

    @property
    def log10_cpi(self) -> float:
        return sum(math.log10(r.pi) for r in self.loci.values())

    @property
    def cpi(self) -> float:
        log10 = self.log10_cpi
        return math.inf if log10 > 308 else 10.0 ** log10

    @property
    def rcp(self) -> float:
        """Relative chance of paternity, CPI / (CPI + 1) (prior 0.5)."""
        return posterior_probability(self.log10_cpi, RCP_PRIOR)

    @property
    def inconsistent_loci(self) -> int:
        return sum(1 for r in self.loci.values() if r.inconsistent)

    @property
    def conclusion(self) -> Conclusion:
        return paternity_conclusion(self.cpi, self.inconsistent_loci)

    def to_dict(self) -> dict[str, object]:
        """The keys that ``--convention gbt37223`` adds to the ``kinship lr`` JSON."""
        return {
            "convention": GBT37223,
            "cpi": self.cpi,
            "rcp": self.rcp,
            "conclusion": self.conclusion,
            "inconsistent_loci": self.inconsistent_loci,
            "convention_params": {
                "kind": self.kind,
                "theta": 0.0,
                "mutation_rate": self.mutation_rate,
                "known_parent_rate": self.known_parent_rate,
                "inconsistent_locus_formula": "step formula mu/(4*10^(i-1)) per allele "
                                              "copy at the fewest repeat steps i; mu "
                                              "where no whole step exists",
                "rules": f"supports at CPI >= {SUPPORT_CPI:g}; excludes at "
                         f">= {EXCLUSION_MIN_INCONSISTENT_LOCI} inconsistent loci and "
                         f"CPI < {EXCLUSION_CPI:g}; otherwise add loci",
            },
        }

    def annotate(self, document: dict[str, object]) -> dict[str, object]:
        """``document`` (a ``LikelihoodRatio.to_dict()``) with the standard's figures added.

        Each locus entry gains ``pi``; a locus that the forrel convention skipped but the
        standard evaluates (a known parent inconsistent with the child) is added with
        ``lr: null``.
        """
        given = document.get("loci")
        loci = ({name: dict(entry) for name, entry in given.items()}
                if isinstance(given, dict) else {})
        for name, result in self.loci.items():
            entry = loci.setdefault(name, {"lr": None, "excluded": result.inconsistent})
            entry["pi"] = result.pi
        return {**document, **self.to_dict(), "loci": loci}


def paternity_conclusion(cpi: float, inconsistent_loci: int) -> Conclusion:
    """The standard's conclusion rule (module docstring; CPI >= 10,000 supports)."""
    if cpi >= SUPPORT_CPI:
        return "supports"
    if inconsistent_loci >= EXCLUSION_MIN_INCONSISTENT_LOCI and cpi < EXCLUSION_CPI:
        return "excludes"
    return "inconclusive"


def repeat_steps(parent_allele: str, child_allele: str) -> int | None:
    """Whole repeat units between two alleles, or ``None`` (microvariant gap, off-ladder)."""
    try:
        difference = abs(float(parent_allele) - float(child_allele))
    except ValueError:
        return None
    steps = round(difference)
    return steps if abs(difference - steps) < 1e-9 else None


def mendelian_transmission(parent: Genotype, allele: str) -> float:
    """P(parent passes ``allele``) without mutation: copies / 2."""
    return (parent[0] == allele) * 0.5 + (parent[1] == allele) * 0.5


def step_transmission(parent: Genotype, candidates: Sequence[str],
                      rate: float) -> tuple[dict[str, float], int | None]:
    """P(parent passes each candidate allele) by the standard's step formula.

    Only the parent's allele copies at the fewest whole repeat steps ``i`` from any
    candidate count, each with ``1/2 * rate * 1/2 * STEP_DECAY**(i-1)``.

    :returns: the probabilities and ``i`` (``None`` when no whole step exists).
    """
    distances = {(copy, c): repeat_steps(a, c) for copy, a in enumerate(parent)
                 for c in candidates}
    whole = [d for d in distances.values() if d is not None and d > 0]
    if not whole:
        return dict.fromkeys(candidates, 0.0), None
    fewest = min(whole)
    per_copy = 0.5 * rate * 0.5 * STEP_DECAY ** (fewest - 1)
    return ({c: per_copy * sum(1 for copy in range(2) if distances[(copy, c)] == fewest)
             for c in candidates}, fewest)


def _assignments(child: Genotype) -> list[tuple[str, str]]:
    """(allele from the other parent, allele from the alleged parent) for the child."""
    c1, c2 = child
    return [(c1, c1)] if c1 == c2 else [(c2, c1), (c1, c2)]


def locus_paternity_index(locus: str, child: Genotype, alleged: Genotype,
                          frequencies: LocusFrequencies, *, known: Genotype | None = None,
                          mutation_rate: float = DEFAULT_MUTATION_RATE,
                          known_parent_rate: float | None = None) -> StandardLocusPI:
    """PI of one locus for a duo (``known`` is None) or a trio (``known`` the mother).

    PI = sum over assignments of T_known(m) T_alleged(f) / sum of T_known(m) p_f, where a
    duo's untyped mother passes m with p_m, a consistent parent passes by Mendel and an
    inconsistent one by :func:`step_transmission`.

    :raises ModelError: where the known parent shares no allele with the child and no
        whole repeat step explains it (the standard gives no figure there).
    """
    index = frequencies.index()
    p = {allele: float(frequencies.frequencies[index[allele]]) for allele in set(child)}
    assignments = _assignments(child)
    known_rate = mutation_rate if known_parent_rate is None else known_parent_rate
    genotypes = (child, alleged) if known is None else (child, alleged, known)
    note = ""
    if known is None:
        other = {m: p[m] for m, _ in assignments}
    else:
        other = {m: mendelian_transmission(known, m) for m, _ in assignments}
        if not any(other.values()):
            other, steps = step_transmission(known, [m for m, _ in assignments], known_rate)
            if not any(other.values()):
                raise ModelError(f"locus {locus}: the known parent {'/'.join(known)} shares "
                                 f"no allele with the child {'/'.join(child)} and no whole "
                                 "repeat step explains it")
            note = f"known parent inconsistent: {steps}-step mutation assumed"
    denominator = sum(other[m] * p[f] for m, f in assignments)
    mendel = sum(other[m] * mendelian_transmission(alleged, f) for m, f in assignments)
    if mendel > 0:
        return StandardLocusPI(locus, mendel / denominator, False, "mendelian", None,
                               genotypes, note)
    candidates = sorted({f for m, f in assignments if other[m] > 0})
    passes, steps = step_transmission(alleged, candidates, mutation_rate)
    if steps is None:
        return StandardLocusPI(locus, mutation_rate, True, "mu", None, genotypes, note)
    numerator = sum(other[m] * passes.get(f, 0.0) for m, f in assignments)
    return StandardLocusPI(locus, numerator / denominator, True, "step", steps, genotypes,
                           note)


def standard_paternity_index(persons: Sequence[Profile], frequencies: FrequencyTable, *,
                             mutation_rate: float = DEFAULT_MUTATION_RATE,
                             known_parent_rate: float | None = None) -> StandardPaternity:
    """GB/T 37223-2018 figures for (child, alleged parent) or (child, alleged, mother).

    Loci are taken as :func:`homeward.kinship.lr.kinship_lr` takes them: untyped loci and
    loci absent from the table are skipped with the reason, alleles the table lacks get
    its floor; a trio locus where the mother is untyped is evaluated as a duo.
    """
    if len(persons) not in (2, 3):
        raise ModelError(f"{GBT37223} compares a duo or a trio, {len(persons)} persons given")
    if not 0.0 < mutation_rate < 1.0:
        raise ModelError(f"mutation rate {mutation_rate} is not in (0, 1)")
    loci: dict[str, None] = {}
    for person in persons:
        for locus in person.genotypes:
            if not is_amelogenin(locus):
                loci.setdefault(locus, None)
    observed = {locus: {a for p in persons for a in p.genotypes.get(locus, ())}
                for locus in loci}
    table = frequencies.with_alleles(observed)
    results: dict[str, StandardLocusPI] = {}
    skipped: dict[str, str] = {}
    for locus in loci:
        genotypes = [p.genotypes.get(locus) for p in persons]
        if locus not in table:
            skipped[locus] = "not in the frequency table"
            continue
        child, alleged = genotypes[0], genotypes[1]
        if child is None or alleged is None:
            untyped = [p.sample_id for p, g in zip(persons, genotypes, strict=True)
                       if g is None]
            skipped[locus] = "not typed in " + ", ".join(untyped)
            continue
        known = genotypes[2] if len(genotypes) > 2 else None
        try:
            results[locus] = locus_paternity_index(
                locus, child, alleged, table[locus], known=known, mutation_rate=mutation_rate,
                known_parent_rate=known_parent_rate)
        except ModelError as error:
            skipped[locus] = str(error)
    return StandardPaternity(
        "trio" if len(persons) == 3 else "duo", tuple(p.sample_id for p in persons), results,
        skipped, mutation_rate,
        mutation_rate if known_parent_rate is None else known_parent_rate)
