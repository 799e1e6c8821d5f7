"""Properties that must hold for any profiles (hypothesis, seeded by its database)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.kinship.frequencies import parse_frequency_table
from homeward.kinship.lr import kinship_lr
from homeward.kinship.model import KinshipModel
from homeward.kinship.profiles import Profile

from .conftest import SMALL_TABLE

TABLE = parse_frequency_table(SMALL_TABLE, name="small")
ALLELES = {locus: list(TABLE[locus].alleles) for locus in TABLE.loci}


@st.composite
def profiles(draw, sample_id: str):
    genotypes = {}
    for locus, alleles in ALLELES.items():
        if draw(st.booleans()) or locus == "vWA":
            pair = sorted(draw(st.lists(st.sampled_from(alleles), min_size=2, max_size=2)),
                          key=alleles.index)
            genotypes[locus] = (pair[0], pair[1])
    return Profile(sample_id, genotypes)


@settings(max_examples=150, deadline=None)
@given(profiles("x"), profiles("y"),
       st.sampled_from(["full-siblings", "half-siblings", "first-cousins", "parent-child",
                        "kappa:0.1,0.6,0.3"]),
       st.sampled_from([0.0, 0.02]))
def test_pairwise_lr_is_symmetric(x, y, relationship, theta):
    """Swapping the two persons of a pairwise relationship does not change the LR."""
    model = KinshipModel(theta=theta)
    forward = kinship_lr((x, y), relationship, TABLE, model=model)
    backward = kinship_lr((y, x), relationship, TABLE, model=model)
    assert forward.log10_lr == backward.log10_lr or abs(
        forward.log10_lr - backward.log10_lr) < 1e-9


@settings(max_examples=100, deadline=None)
@given(profiles("x"), profiles("y"))
def test_untyped_locus_contributes_lr_one(x, y):
    """Removing a locus from one person gives the same LR as removing it from both."""
    locus = "vWA"
    x_without = Profile("x", {k: v for k, v in x.genotypes.items() if k != locus})
    y_without = Profile("y", {k: v for k, v in y.genotypes.items() if k != locus})
    one_sided = kinship_lr((x_without, y), "full-siblings", TABLE)
    both = kinship_lr((x_without, y_without), "full-siblings", TABLE)
    assert locus in one_sided.skipped_loci
    assert abs(one_sided.log10_lr - both.log10_lr) < 1e-12


@settings(max_examples=100, deadline=None)
@given(profiles("x"), profiles("y"))
def test_parent_child_preset_equals_kappa_010(x, y):
    """The duo formulas without mutation equal the IBD formula with k = (0, 1, 0)."""
    duo = kinship_lr((x, y), "parent-child", TABLE, model=KinshipModel(theta=0.01))
    from homeward.kinship.relationships import Relationship

    kappa = kinship_lr((x, y), Relationship("pc", "pairwise", (0.0, 1.0, 0.0)), TABLE,
                       model=KinshipModel(theta=0.01))
    for locus, result in duo.loci.items():
        assert abs(result.lr - kappa.loci[locus].lr) <= 1e-9 * max(1.0, result.lr)
