"""The general pedigree likelihood and ``missing_person_lr``.

Checked three ways: against the closed forms of :mod:`homeward.kinship.likelihood` on
every relationship they cover (to 1e-9), against the independent brute-force enumerator
of ``tests/kinship/reference.py``, and against published worked examples from pedprobr's
test suite (Vigeland, pedprobr, ``tests/testthat/test-mutations.R`` and
``test-theta-correction.R``, CRAN, GPL-3; the formulas and numbers are quoted there).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from homeward.kinship.errors import DuplicateRecordError, InputError
from homeward.kinship.frequencies import parse_frequency_table
from homeward.kinship.likelihood import (
    couple_lr_from_signatures,
    duo_lr_from_signature,
    kappa_lr,
    parent_signature,
    trio_lr_from_signatures,
)
from homeward.kinship.lr import kinship_lr
from homeward.kinship.missing import (
    locus_likelihood,
    locus_missing_lr,
    missing_person_lr,
    poi_genotype_lrs,
)
from homeward.kinship.model import KinshipModel
from homeward.kinship.mutation import MutationModel
from homeward.kinship.pedigree import Pedigree, Person
from homeward.kinship.profiles import Profile

from . import reference as ref
from .conftest import SMALL_TABLE, locus_model

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


def _ped(*rows):
    return Pedigree([Person(*row) for row in rows])


def _close(value, expected):
    assert value == pytest.approx(expected, rel=1e-9, abs=1e-300)


# --- validation -------------------------------------------------------------------

@pytest.mark.parametrize(("persons", "error", "words"), [
    ([Person("a"), Person("a")], DuplicateRecordError, "twice"),
    ([Person("a", "b", "c")], InputError, "'b' is not a person"),
    ([Person("f", sex="female"), Person("m", sex="female"), Person("c", "f", "m")],
     InputError, "named as the father"),
    ([Person("f", sex="male"), Person("m", sex="male"), Person("c", "f", "m")],
     InputError, "named as the mother"),
    ([Person("a", "a", "b"), Person("b")], InputError, "own father"),
    ([Person("a", "c", "m"), Person("m"), Person("c", "a", "m")], InputError, "own ancestor"),
    ([Person("f"), Person("c", "f", "f")], InputError, "both father and mother"),
])
def test_bad_pedigrees_name_the_record(persons, error, words):
    with pytest.raises(error, match=words) as raised:
        Pedigree(persons)
    assert raised.value.sample is not None


def test_one_known_parent_gets_an_untyped_founder():
    ped = _ped(("m", None, None, "female"), ("c", None, "m"))
    child = ped["c"]
    assert child.mother == "m" and child.father in ped and ped[child.father].is_founder


def test_relative_without_genotype_is_an_error(small_table):
    ped = _ped(("p",), ("o",), ("c", "p", "o"))
    with pytest.raises(InputError, match="no genotype"):
        missing_person_lr(ped, "c", Profile("poi", {"vWA": ("14", "16")}),
                          {"p": Profile("p", {})}, small_table)


# --- the closed forms ----------------------------------------------------------------

@pytest.mark.parametrize("options", MODELS, ids=lambda o: "-".join(map(str, o.values())))
def test_duo_trio_couple_equal_closed_forms(options):
    model = _model(options)
    duo = _ped(("P",), ("O",), ("M", "P", "O"))
    trio = _ped(("F",), ("Mo",), ("C", "F", "Mo"))  # the POI is the missing father F
    for child, parent in itertools.product(GENOTYPES, repeat=2):
        sig = parent_signature(model, *parent, *child)
        _close(locus_missing_lr(duo, "M", {"P": parent}, child, model),
               float(duo_lr_from_signature(model, *child, sig)))
    for child, alleged, known in itertools.product(GENOTYPES, repeat=3):
        first = parent_signature(model, *alleged, *child)
        second = parent_signature(model, *known, *child)
        expected = float(couple_lr_from_signatures(model, *child, first, second))
        _close(locus_missing_lr(trio, "C", {"F": alleged, "Mo": known}, child, model),
               expected)
        expected = float(trio_lr_from_signatures(model, *child, first, second))
        if math.isnan(expected):
            continue  # the known mother cannot have this child
        _close(locus_missing_lr(trio, "F", {"C": child, "Mo": known}, alleged, model),
               expected)


PAIRWISE = {
    "full-siblings": ((0.25, 0.5, 0.25), [("F",), ("Mo",), ("S", "F", "Mo"),
                                          ("M", "F", "Mo")], "S"),
    "half-siblings": ((0.5, 0.5, 0.0), [("F",), ("M1",), ("M2",), ("S", "F", "M1"),
                                        ("M", "F", "M2")], "S"),
    "grandparent": ((0.5, 0.5, 0.0), [("G",), ("G2",), ("P", "G", "G2"), ("O",),
                                      ("M", "P", "O")], "G"),
    "avuncular": ((0.5, 0.5, 0.0), [("GF",), ("GM",), ("U", "GF", "GM"), ("P", "GF", "GM"),
                                    ("O",), ("M", "P", "O")], "U"),
    "first-cousins": ((0.75, 0.25, 0.0), [("GF",), ("GM",), ("A", "GF", "GM"),
                                          ("B", "GF", "GM"), ("S1",), ("S2",),
                                          ("C", "A", "S1"), ("M", "B", "S2")], "C"),
}


@pytest.mark.parametrize("name", list(PAIRWISE))
@pytest.mark.parametrize("theta", [0.0, 0.04])
def test_pairwise_relatives_equal_ibd_closed_forms(name, theta):
    kappa, rows, relative = PAIRWISE[name]
    freqs = [0.3, 0.7] if name == "first-cousins" and theta else [0.1, 0.2, 0.3, 0.4]
    model = locus_model(freqs, theta=theta)
    ped = _ped(*rows)
    genotypes = [(i, j) for i in range(len(freqs)) for j in range(i, len(freqs))]
    for g1, g2 in itertools.product(genotypes, repeat=2):
        expected = float(kappa_lr(model, kappa, *map(np.array, (*g1, *g2))))
        _close(locus_missing_lr(ped, "M", {relative: g1}, g2, model), expected)


def test_profiles_agree_with_kinship_lr_parent_child_and_siblings(small_table):
    """Whole profiles, with mutation and theta, through the public functions."""
    child = Profile.from_strings("c", {"D3S1358": "14/15", "vWA": "14/17", "TH01": "6/9.3"})
    parent = Profile.from_strings("p", {"D3S1358": "14/16", "vWA": "17/18", "TH01": "9.3"})
    model = KinshipModel(theta=0.02, mutation=MutationModel("stepwise", rate=0.01))
    duo = _ped(("p",), ("o",), ("m", "p", "o"))
    ours = missing_person_lr(duo, "m", child, {"p": parent}, small_table, model)
    theirs = kinship_lr((child, parent), "parent-child", small_table, model=model)
    assert ours.log10_lr == pytest.approx(theirs.log10_lr, rel=1e-9)
    sibs = _ped(("f",), ("mo",), ("p", "f", "mo"), ("m", "f", "mo"))
    ours = missing_person_lr(sibs, "m", child, {"p": parent}, small_table,
                             KinshipModel(theta=0.02))
    theirs = kinship_lr((child, parent), "full-siblings", small_table,
                        model=KinshipModel(theta=0.02))
    assert ours.log10_lr == pytest.approx(theirs.log10_lr, rel=1e-9)


def test_floored_tables_keep_the_closed_form_convention():
    """Frequencies summing above 1 (floors) and alleles not in the table still give the
    duo's closed form: seen alleles at their frequency, the others sharing the rest."""
    table = parse_frequency_table(SMALL_TABLE.replace("17,0.4", "17,0.415"), name="floored")
    child = Profile.from_strings("c", {"D3S1358": "17/21"})
    parent = Profile.from_strings("p", {"D3S1358": "16/17"})
    duo = _ped(("p",), ("o",), ("m", "p", "o"))
    ours = missing_person_lr(duo, "m", child, {"p": parent}, table)
    theirs = kinship_lr((child, parent), "parent-child", table)
    assert ours.log10_lr == pytest.approx(theirs.log10_lr, rel=1e-9)


# --- the brute-force enumerator ------------------------------------------------------

BIG = [ref.Member("gf"), ref.Member("gm"), ref.Member("u", "gf", "gm"),
       ref.Member("p", "gf", "gm"), ref.Member("s"), ref.Member("x", "p", "s"),
       ref.Member("y", "p", "s")]


@pytest.mark.parametrize("options", MODELS, ids=lambda o: "-".join(map(str, o.values())))
def test_likelihood_matches_brute_force_enumeration(options):
    model = _model(options)
    ped = Pedigree([Person(m.name, m.father, m.mother) for m in BIG])
    rng = np.random.default_rng(11)
    for _ in range(6):
        picks = rng.choice(len(GENOTYPES), size=3)
        typed = {"u": GENOTYPES[picks[0]], "x": GENOTYPES[picks[1]],
                 "y": GENOTYPES[picks[2]]}
        expected = ref.pedigree_likelihood(BIG, typed, model.frequencies, model.theta,
                                           model.mutation_matrix)
        for lump in (True, False):
            _close(locus_likelihood(ped, typed, model, lump=lump), expected)


def test_all_genotypes_at_once_equal_one_by_one():
    """The lumped table of every POI genotype equals each computed alone, including an
    inbred missing child (both alleles can be identical by descent)."""
    model = locus_model([0.05, 0.1, 0.15, 0.2, 0.2, 0.32])  # sums to 1.02: floors
    inbred = _ped(("GF",), ("GM",), ("A", "GF", "GM"), ("B", "GF", "GM"), ("S1",), ("S2",),
                  ("X", "A", "S1"), ("Y", "B", "S2"), ("M", "X", "Y"))
    for relatives in ({"A": (0, 1)}, {"A": (0, 1), "S2": (1, 2), "GM": (1, 3)}):
        table = poi_genotype_lrs(inbred, "M", relatives, model)
        one_by_one = [locus_missing_lr(inbred, "M", relatives, (a, b), model)
                      for b in range(6) for a in range(b + 1)]
        np.testing.assert_allclose(table, one_by_one, rtol=1e-9)


# --- published examples (pedprobr's tests) -------------------------------------------

def test_pedprobr_trio_examples():
    """pedprobr test-mutations.R, "likelihoods are correct in trio SNP examples" and
    "trio - someTyped - mutation"."""
    trio = _ped(("1", None, None, "male"), ("2", None, None, "female"), ("3", "1", "2"))
    p = 0.2
    q = 1 - p
    model = locus_model([p, q])
    _close(locus_likelihood(trio, {"1": (0, 1), "2": (0, 1), "3": (0, 1)}, model),
           2 * p**2 * q**2)
    _close(locus_likelihood(trio, {"1": (0, 1), "3": (0, 1)}, model), p * q)
    p = 0.9
    q = 1 - p
    equal = locus_model([p, q], mutation="equal", rate=0.1)
    rr = equal.mutation_matrix[0, 1]
    _close(locus_likelihood(trio, {"1": (0, 0), "2": (0, 0), "3": (1, 1)}, equal),
           p**4 * rr**2)
    proportional = locus_model([p, q], mutation="proportional", rate=0.1)
    rr = proportional.mutation_matrix[0, 1]
    _close(locus_likelihood(trio, {"1": (0, 0), "3": (1, 1)}, proportional), p**2 * q * rr)


def test_pedprobr_theta_example():
    """pedprobr test-theta-correction.R: linearPed(2), person 5 A/A, p_A = 0.3, theta 0.01
    gives 0.0921."""
    linear = _ped(("1", None, None, "male"), ("2", None, None, "female"), ("3", "1", "2"),
                  ("4", None, None, "female"), ("5", "3", "4"))
    model = locus_model([0.3, 0.7], theta=0.01)
    assert locus_likelihood(linear, {"5": (0, 0)}, model) == pytest.approx(0.0921, abs=1e-12)
