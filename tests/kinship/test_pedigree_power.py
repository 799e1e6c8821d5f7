"""Exclusion power and the expected LR of a pedigree, against hand-computed values.

Sources: the single-parent exclusion probability of Jamieson & Taylor 1997 ("Comparisons
of three probability formulae for parentage exclusion", Animal Genetics 28:397-400,
their PE1: ``1 - 4 S2 + 2 S2^2 + 4 S3 - 3 S4`` with ``Sk = sum p_i^k``, also Garber &
Morris 1983), which is the average over the parent's genotype of the exclusion power of a
duo; and, for one parent's genotype, the direct count: a child is excluded when it carries
neither parental allele, ``(1 - p_a - p_b)^2``. The expected log10 LR of a true duo is the
Kullback-Leibler divergence sum P(g) P(c|g) log10(P(c|g) / P(c)), enumerated here by hand.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from homeward.kinship.errors import InputError
from homeward.kinship.frequencies import load_packaged_table, parse_frequency_table
from homeward.kinship.loci import CODIS_20
from homeward.kinship.pedigree import Pedigree, Person
from homeward.kinship.pedigree_power import (
    exclusion_power,
    expected_log10_lr,
    rank_relatives_to_type,
)
from homeward.kinship.profiles import Profile

FREQS = {"10": 0.1, "11": 0.2, "12": 0.3, "13": 0.4}
TABLE = parse_frequency_table("locus,allele,frequency\n" + "".join(
    f"{locus},{allele},{p}\n" for locus in ("D3S1358", "vWA") for allele, p in FREQS.items()),
    name="four alleles")
DUO = Pedigree([Person("p"), Person("o"), Person("x", "p", "o")])
P = np.array(list(FREQS.values()))


def _profile(pid, **genotypes):
    return Profile.from_strings(pid, genotypes)


def test_duo_exclusion_power_is_the_share_of_children_without_a_parental_allele():
    parent = _profile("p", D3S1358="10/12", vWA="13/13")
    ep = exclusion_power(DUO, "x", {"p": parent}, TABLE)
    assert ep.loci["D3S1358"] == pytest.approx((1 - 0.1 - 0.3) ** 2, abs=1e-12)
    assert ep.loci["vWA"] == pytest.approx((1 - 0.4) ** 2, abs=1e-12)
    assert ep.combined == pytest.approx(1 - (1 - 0.36) * (1 - 0.36), abs=1e-12)


def test_trio_exclusion_power_counts_children_not_taking_one_allele_from_each_parent():
    """Parents 10/11 and 12/13: compatible children are {10,11} x {12,13}, probability
    2 (p10 + p11)(p12 + p13) = 2 * 0.3 * 0.7."""
    ep = exclusion_power(DUO, "x", {"p": _profile("p", D3S1358="10/11"),
                                     "o": _profile("o", D3S1358="12/13")}, TABLE)
    assert ep.loci["D3S1358"] == pytest.approx(1 - 2 * 0.3 * 0.7, abs=1e-12)


def test_average_duo_exclusion_power_equals_jamieson_and_taylor():
    s = {k: float(np.sum(P ** k)) for k in (2, 3, 4)}
    published = 1 - 4 * s[2] + 2 * s[2] ** 2 + 4 * s[3] - 3 * s[4]
    alleles = list(FREQS)
    average = 0.0
    for i, j in itertools.combinations_with_replacement(range(4), 2):
        weight = P[i] ** 2 if i == j else 2 * P[i] * P[j]
        parent = _profile("p", D3S1358=f"{alleles[i]}/{alleles[j]}")
        average += weight * exclusion_power(DUO, "x", {"p": parent}, TABLE).loci["D3S1358"]
    assert average == pytest.approx(published, abs=1e-12)


def test_inconsistent_relatives_leave_the_locus_out_with_the_reason():
    ep = exclusion_power(Pedigree([Person("f"), Person("m"), Person("a", "f", "m"),
                                   Person("b", "f", "m"), Person("c", "f", "m"),
                                   Person("x", "f", "m")]), "x",
                         {"a": _profile("a", D3S1358="10/10"),
                          "b": _profile("b", D3S1358="11/11"),
                          "c": _profile("c", D3S1358="12/12")}, TABLE)
    assert ep.loci == {} and "inconsistent" in ep.skipped_loci["D3S1358"]


def _duo_kl() -> float:
    """sum_g P(g) sum_c P(c | g) log10(P(c | g) / P(c)) for a parent-child pair."""
    total = 0.0
    n = len(P)
    for i, j in itertools.combinations_with_replacement(range(n), 2):
        p_g = P[i] ** 2 if i == j else 2 * P[i] * P[j]
        for a, b in itertools.combinations_with_replacement(range(n), 2):
            p_c = P[a] ** 2 if a == b else 2 * P[a] * P[b]
            passed = {i: 0.5, j: 0.5} if i != j else {i: 1.0}
            if a == b:
                p_cg = passed.get(a, 0.0) * P[a]
            else:
                p_cg = passed.get(a, 0.0) * P[b] + passed.get(b, 0.0) * P[a]
            if p_cg > 0:
                total += p_g * p_cg * math.log10(p_cg / p_c)
    return total


def test_expected_duo_log10_lr_and_exclusion_power_match_their_exact_values():
    """The simulation (seeded, 4,000 draws) lies within 4 standard errors of the exact
    expectation of each, and the standard error is reported honestly."""
    result = expected_log10_lr(DUO, "x", ["p"], TABLE, ["D3S1358"], n_sims=4000, seed=3)
    assert abs(result.mean_log10_lr - _duo_kl()) < 4 * result.standard_error
    assert 0 < result.standard_error < 0.02
    s = {k: float(np.sum(P ** k)) for k in (2, 3, 4)}
    published = 1 - 4 * s[2] + 2 * s[2] ** 2 + 4 * s[3] - 3 * s[4]
    sd = math.sqrt(published * (1 - published) / 4000)
    assert abs(result.mean_exclusion_power - published) < 4 * sd


def test_the_second_parent_adds_most_and_an_uncle_adds_least():
    """With the mother typed: the father adds more than a full sibling, and the mother's
    brother adds nothing: he is related to the child only through the mother, whose
    genotype is known (same simulated draws, so the gain is exactly 0)."""
    table = load_packaged_table()
    loci = list(CODIS_20[:10])
    ped = Pedigree([Person("gf"), Person("gm"), Person("fa", sex="male"),
                    Person("mo", "gf", "gm", "female"), Person("uncle", "gf", "gm", "male"),
                    Person("sib", "fa", "mo"), Person("x", "fa", "mo")])
    now, gains = rank_relatives_to_type(ped, "x", ["mo"], ["uncle", "sib", "fa"], table,
                                        loci, n_sims=300, seed=5)
    assert [g.relative for g in gains] == ["fa", "sib", "uncle"]
    assert gains[0].gain_log10_lr > 3 and abs(gains[-1].gain_log10_lr) < 1e-9
    assert gains[0].expected.mean_exclusion_power > now.mean_exclusion_power
    nothing = expected_log10_lr(ped, "x", [], table, loci, n_sims=10)
    assert nothing.mean_log10_lr == 0.0 and nothing.mean_exclusion_power == 0.0


def test_bad_input_names_the_person_or_locus():
    with pytest.raises(InputError, match="not in the pedigree"):
        expected_log10_lr(DUO, "x", ["ghost"], TABLE, ["D3S1358"])
    with pytest.raises(InputError, match="cannot also be a typed"):
        exclusion_power(DUO, "x", {"x": _profile("x", D3S1358="10/11")}, TABLE)
    with pytest.raises(InputError, match="not in the frequency table"):
        expected_log10_lr(DUO, "x", ["p"], TABLE, ["TH01"])
