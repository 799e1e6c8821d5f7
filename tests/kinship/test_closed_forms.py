"""Likelihood ratios against hand-computed and published values.

Sources are named in each test: Evett & Weir, *Interpreting DNA Evidence* (1998);
Buckleton, Bright & Taylor, *Forensic DNA Evidence Interpretation* (2nd ed., 2016);
NRC II (1996); forrel's and pedmut's own published examples.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from homeward.kinship.likelihood import (
    couple_lr_from_signatures,
    duo_lr_from_signature,
    kappa_lr,
    parent_signature,
    trio_lr_from_signatures,
)
from homeward.kinship.lr import posterior_probability

from .conftest import locus_model

P = [0.1, 0.2, 0.3, 0.4]  # alleles a=0, b=1, c=2, d=3
A, B, C, D = 0, 1, 2, 3


def duo(model, child, parent):
    sig = parent_signature(model, parent[0], parent[1], child[0], child[1])
    return float(duo_lr_from_signature(model, child[0], child[1], sig))


def trio(model, child, alleged, known):
    c1, c2 = child
    return float(trio_lr_from_signatures(
        model, c1, c2, parent_signature(model, *alleged, c1, c2),
        parent_signature(model, *known, c1, c2)))


def couple(model, child, first, second):
    c1, c2 = child
    return float(couple_lr_from_signatures(
        model, c1, c2, parent_signature(model, *first, c1, c2),
        parent_signature(model, *second, c1, c2)))


@pytest.mark.parametrize(
    ("child", "parent", "expected"),
    [
        ((A, B), (A, C), 1 / (4 * 0.1)),            # 1/(4 p_a)
        ((A, B), (A, B), (0.1 + 0.2) / (4 * 0.1 * 0.2)),  # (p_a+p_b)/(4 p_a p_b)
        ((A, A), (A, B), 1 / (2 * 0.1)),            # 1/(2 p_a)
        ((A, B), (A, A), 1 / (2 * 0.1)),            # 1/(2 p_a)
        ((A, A), (A, A), 1 / 0.1),                  # 1/p_a
        ((A, B), (C, D), 0.0),                      # exclusion
    ],
)
def test_duo_paternity_index_classic_formulas(child, parent, expected):
    """Evett & Weir (1998) table 9.x / AABB: the single-locus PI without the mother."""
    assert duo(locus_model(P), child, parent) == pytest.approx(expected, rel=1e-12)


def test_forrel_homozygous_father_child_example():
    """forrel tests/testthat/test-kinshipLR.R: homozygous father and child, p = 0.05 and
    p = 0.1, give LR 20 and 10, 200 in total."""
    lr1 = duo(locus_model([0.05, 0.95]), (A, A), (A, A))
    lr2 = duo(locus_model([0.1, 0.9]), (A, A), (A, A))
    assert lr1 == pytest.approx(20.0)
    assert lr2 == pytest.approx(10.0)
    assert lr1 * lr2 == pytest.approx(200.0)


@pytest.mark.parametrize(
    ("child", "alleged", "known", "expected"),
    [
        ((A, B), (B, D), (A, C), 1 / (2 * 0.2)),   # 1/(2 p_b)
        ((A, B), (B, B), (A, C), 1 / 0.2),         # 1/p_b
        ((A, B), (A, B), (A, B), 1 / (0.1 + 0.2)),  # 1/(p_a + p_b)
        ((A, A), (A, C), (A, B), 1 / (2 * 0.1)),   # 1/(2 p_a)
        ((A, B), (C, D), (A, C), 0.0),             # paternal allele b missing
    ],
)
def test_trio_paternity_index_classic_formulas(child, alleged, known, expected):
    """Evett & Weir (1998) ch. 9: trio PI = X/Y with the mother's contribution known."""
    assert trio(locus_model(P), child, alleged, known) == pytest.approx(expected, rel=1e-12)


def test_couple_index_homozygous_parents():
    """Child ab of parents aa and bb: LR = 1 / P(ab) = 1/(2 p_a p_b) (hand-computed)."""
    assert couple(locus_model(P), (A, B), (A, A), (B, B)) == pytest.approx(
        1 / (2 * 0.1 * 0.2))


@pytest.mark.parametrize("theta", [0.01, 0.03])
def test_duo_theta_homozygotes(theta):
    """DESIGN.md section 2 (Balding & Nichols 1995): father and child both AA,
    LR = (1 + 2 theta) / (3 theta + (1 - theta) p_A)."""
    p = 0.1
    expected = (1 + 2 * theta) / (3 * theta + (1 - theta) * p)
    assert duo(locus_model(P, theta=theta), (A, A), (A, A)) == pytest.approx(expected,
                                                                             rel=1e-12)


@pytest.mark.parametrize("theta", [0.01, 0.03])
def test_duo_theta_heterozygotes(theta):
    """Buckleton et al. (2016), paternity with subpopulation correction: child AB,
    alleged father AC, LR = (1 + 2 theta) / (4 [theta + (1 - theta) p_A])."""
    expected = (1 + 2 * theta) / (4 * (theta + (1 - theta) * 0.1))
    assert duo(locus_model(P, theta=theta), (A, B), (A, C)) == pytest.approx(expected,
                                                                             rel=1e-12)


@pytest.mark.parametrize(
    ("g1", "g2", "expected"),
    [
        ((A, A), (A, A), (1 + 0.1) ** 2 / (4 * 0.1**2)),
        ((A, B), (A, B), (1 + 0.1 + 0.2 + 2 * 0.1 * 0.2) / (8 * 0.1 * 0.2)),
        ((A, A), (A, B), (1 + 0.1) / (4 * 0.1)),
        ((A, B), (A, C), (1 + 2 * 0.1) / (8 * 0.1)),
        ((A, A), (B, B), 0.25),
        ((A, B), (C, D), 0.25),
    ],
)
def test_full_sibling_index(g1, g2, expected):
    """Full-sibling LRs (Evett & Weir 1998, table 7.x; Wenk et al. 1996)."""
    model = locus_model(P)
    value = kappa_lr(model, (0.25, 0.5, 0.25), np.array(g1[0]), np.array(g1[1]),
                     np.array(g2[0]), np.array(g2[1]))
    assert float(value) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("g1", "g2", "expected"),
    [
        ((A, A), (A, A), 0.5 + 1 / (2 * 0.1)),
        ((A, B), (A, C), 0.5 + 1 / (8 * 0.1)),
        ((A, B), (C, D), 0.5),
    ],
)
def test_half_sibling_index(g1, g2, expected):
    """Half siblings (k = 1/2, 1/2, 0): LR = 1/2 + PI/2 (Evett & Weir 1998)."""
    model = locus_model(P)
    value = kappa_lr(model, (0.5, 0.5, 0.0), np.array(g1[0]), np.array(g1[1]),
                     np.array(g2[0]), np.array(g2[1]))
    assert float(value) == pytest.approx(expected, rel=1e-12)


def test_pedmut_readme_example():
    """pedmut README: father 1/1 and son 2/2, alleles 1-4 equally frequent, proportional
    model, rate 0.1: likelihood 0.0005208333. The unrelated likelihood is (1/16)^2, so
    the duo LR is 0.0005208333 * 256."""
    model = locus_model([0.25] * 4, mutation="proportional", rate=0.1)
    assert model.mutation_matrix[0, 0] == pytest.approx(0.9)
    assert model.mutation_matrix[0, 1] == pytest.approx(0.1 / 3)
    assert duo(model, (B, B), (A, A)) == pytest.approx(0.0005208333 * 256, rel=1e-8 + 1e-7)


def test_mutation_turns_exclusion_into_small_lr():
    """One inconsistent locus lowers, never zeroes, the LR under a mutation model."""
    without = duo(locus_model(P), (A, B), (C, D))
    with_mutation = duo(locus_model(P, mutation="equal", rate=0.002), (A, B), (C, D))
    assert without == 0.0
    assert 0.0 < with_mutation < 0.01


@pytest.mark.parametrize(
    ("log10_lr", "prior", "expected"),
    [(4.0, 0.5, 10000 / 10001), (0.0, 0.5, 0.5), (2.0, 0.1, 100 * 0.1 / (100 * 0.1 + 0.9))],
)
def test_posterior_probability(log10_lr, prior, expected):
    """Essen-Moller W = LR p / (LR p + 1 - p); CPI 10,000 gives W = 99.99%."""
    assert posterior_probability(log10_lr, prior) == pytest.approx(expected)


def test_posterior_of_exclusion_is_zero():
    assert posterior_probability(-math.inf) == 0.0
