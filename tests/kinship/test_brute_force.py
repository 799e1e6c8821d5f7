"""The closed forms agree with a naive enumeration of each hypothesis's pedigree.

Every genotype combination of a small allele system is tried, with and without theta and
under each mutation model; agreement is required to 1e-9 (relative).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from homeward.kinship.likelihood import (
    couple_lr_from_signatures,
    duo_lr_from_signature,
    kappa_lr,
    parent_signature,
    trio_lr_from_signatures,
)

from . import reference as ref
from .conftest import locus_model

FREQS = [0.15, 0.25, 0.6]
GENOTYPES = [(i, j) for i in range(3) for j in range(i, 3)]
MODELS = [
    {"theta": 0.0},
    {"theta": 0.05},
    {"theta": 0.0, "mutation": "equal", "rate": 0.05},
    {"theta": 0.02, "mutation": "proportional", "rate": 0.05},
    {"theta": 0.03, "mutation": "stepwise", "rate": 0.05},
]


def _model(options):
    return locus_model(FREQS, alleles=("12", "13", "13.2"), **options)


def _brute(members, typed, model):
    return ref.pedigree_likelihood(members, typed, model.frequencies, model.theta,
                                   model.mutation_matrix)


@pytest.mark.parametrize("options", MODELS, ids=lambda o: "-".join(map(str, o.values())))
def test_duo_matches_pedigree_enumeration(options):
    model = _model(options)
    for child, parent in itertools.product(GENOTYPES, repeat=2):
        numerator = _brute(ref.duo_pedigree(), {"child": child, "parent": parent}, model)
        denominator = _brute(ref.unrelated("child", "parent"),
                             {"child": child, "parent": parent}, model)
        sig = parent_signature(model, parent[0], parent[1], child[0], child[1])
        value = float(duo_lr_from_signature(model, child[0], child[1], sig))
        assert value == pytest.approx(numerator / denominator, rel=1e-9, abs=1e-12), (
            child, parent)


@pytest.mark.parametrize("options", MODELS, ids=lambda o: "-".join(map(str, o.values())))
def test_trio_matches_pedigree_enumeration(options):
    model = _model(options)
    for child, alleged, known in itertools.product(GENOTYPES, repeat=3):
        typed = {"child": child, "alleged": alleged, "known": known}
        numerator = _brute(ref.trio_pedigree(), typed, model)
        denominator = _brute(ref.trio_alternative(), typed, model)
        c1, c2 = child
        value = float(trio_lr_from_signatures(
            model, c1, c2, parent_signature(model, *alleged, c1, c2),
            parent_signature(model, *known, c1, c2)))
        if denominator == 0.0:
            continue  # the mother cannot have this child under either hypothesis
        assert value == pytest.approx(numerator / denominator, rel=1e-9, abs=1e-12), typed


@pytest.mark.parametrize("options", MODELS, ids=lambda o: "-".join(map(str, o.values())))
def test_couple_matches_pedigree_enumeration(options):
    model = _model(options)
    for child, first, second in itertools.product(GENOTYPES, repeat=3):
        typed = {"child": child, "alleged": first, "known": second}
        numerator = _brute(ref.trio_pedigree(), typed, model)
        denominator = _brute(ref.unrelated("child", "alleged", "known"), typed, model)
        c1, c2 = child
        value = float(couple_lr_from_signatures(
            model, c1, c2, parent_signature(model, *first, c1, c2),
            parent_signature(model, *second, c1, c2)))
        assert value == pytest.approx(numerator / denominator, rel=1e-9, abs=1e-12), typed


PAIRWISE = [
    ("parent-child", ref.duo_pedigree, ("child", "parent"), (0.0, 1.0, 0.0)),
    ("full-siblings", ref.full_siblings, ("x", "y"), (0.25, 0.5, 0.25)),
    ("half-siblings", ref.half_siblings, ("x", "y"), (0.5, 0.5, 0.0)),
    ("grandparent", ref.grandparent, ("x", "y"), (0.5, 0.5, 0.0)),
    ("avuncular", ref.avuncular, ("x", "y"), (0.5, 0.5, 0.0)),
    ("first-cousins", ref.first_cousins, ("x", "y"), (0.75, 0.25, 0.0)),
]


@pytest.mark.parametrize(("name", "pedigree", "ids", "kappa"), PAIRWISE,
                         ids=[p[0] for p in PAIRWISE])
@pytest.mark.parametrize("theta", [0.0, 0.04])
def test_ibd_coefficients_match_pedigree_enumeration(name, pedigree, ids, kappa, theta):
    freqs = [0.3, 0.7] if name == "first-cousins" else FREQS
    model = locus_model(freqs, theta=theta)
    genotypes = [(i, j) for i in range(len(freqs)) for j in range(i, len(freqs))]
    for g1, g2 in itertools.product(genotypes, repeat=2):
        typed = {ids[0]: g1, ids[1]: g2}
        numerator = ref.pedigree_likelihood(pedigree(), typed, np.array(freqs), theta)
        denominator = ref.pedigree_likelihood(ref.unrelated(*ids), typed, np.array(freqs),
                                              theta)
        value = float(kappa_lr(model, kappa, np.array(g1[0]), np.array(g1[1]),
                               np.array(g2[0]), np.array(g2[1])))
        assert value == pytest.approx(numerator / denominator, rel=1e-9), (g1, g2)
