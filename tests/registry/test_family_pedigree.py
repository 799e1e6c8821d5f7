"""A missing report's relatives as a pedigree (workflow/family_pedigree.py).

Where the family has one typed relative, the pedigree LR of a child as the missing child
must equal the closed form of that relationship (kinship_lr: the paternity index,
Evett & Weir 1998; the IBD-coefficient LRs for siblings, half-siblings, grandparents,
aunts/uncles and cousins, Thompson 1975): that checks that each relationship_to_child
puts the relative at the right place. The placements the registry cannot decide (which
side, which parent a half-sibling shares) are checked rule by rule.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from homeward.config import Settings
from homeward.kinship import simulate
from homeward.kinship.frequencies import FrequencyTable, LocusFrequencies
from homeward.kinship.lr import kinship_lr
from homeward.kinship.model import KinshipModel, build_locus_models
from homeward.kinship.profiles import Profile
from homeward.workflow.family_pedigree import MISSING, TypedRelative, family_pedigree
from homeward.workflow.joint_evidence import pair_evidence
from homeward.workflow.matching import kinship_setup

PLAIN = KinshipModel()  # theta 0, no mutation: the closed forms' setting


def _family(*relations: str, sexes: dict[str, str] | None = None):
    relatives = [TypedRelative(k + 1, relation, (sexes or {}).get(relation), f"S{k + 1}",
                               k + 1) for k, relation in enumerate(relations)]
    return family_pedigree(7, relatives, sex="male", birth_date=None, last_seen_date=None)


@pytest.mark.parametrize(("relation", "relationship"), [
    ("father", "parent-child"), ("mother", "parent-child"), ("brother", "full-siblings"),
    ("full-sibling", "full-siblings"), ("half-sibling", "half-siblings"),
    ("grandmother", "grandparent"), ("grandparent", "grandparent"),
    ("aunt", "avuncular"), ("cousin", "first-cousins")])
def test_one_relative_gives_the_closed_form(relation, relationship):
    table, _, loci = kinship_setup(Settings())
    models = list(build_locus_models(table, PLAIN, loci).values())
    rng = np.random.default_rng(17)
    child, relative = simulate.related(relationship, models, 1, rng)
    child_p, relative_p = (simulate.to_profiles(x, models, [name])[0]
                           for x, name in ((child, "C"), (relative, "S1")))
    built = _family(relation)
    (pid,) = built.typed
    evidence = pair_evidence(built.family.pedigree, MISSING, child_p, {pid: relative_p},
                             table, PLAIN)
    closed = kinship_lr([child_p, relative_p], relationship, table, model=PLAIN)
    assert evidence.loci_compared == len(loci)
    assert math.isclose(evidence.log10_lr, closed.log10_lr, rel_tol=0, abs_tol=1e-9)


def test_both_parents_give_the_couple_closed_form():
    table, _, loci = kinship_setup(Settings())
    models = list(build_locus_models(table, PLAIN, loci).values())
    child, father, mother = simulate.related("couple", models, 1, np.random.default_rng(3))
    c, f, m = (simulate.to_profiles(x, models, [n])[0]
               for x, n in ((child, "C"), (father, "F"), (mother, "M")))
    built = _family("father", "mother")
    evidence = pair_evidence(built.family.pedigree, MISSING, c, {"father": f, "mother": m},
                             table, PLAIN)
    closed = kinship_lr([c, f, m], "couple", table, model=PLAIN)
    assert math.isclose(evidence.log10_lr, closed.log10_lr, rel_tol=0, abs_tol=1e-9)


def test_a_homozygous_father_and_child_give_one_over_p():
    """forrel's test-kinshipLR.R: father and child both 12/12, p(12) = 0.05: LR = 20;
    a child 8/8 shares nothing with him: excluded (LR 0)."""
    locus = LocusFrequencies("TPOX", ("8", "12"), np.array([0.95, 0.05]), 0.001, "test")
    table = FrequencyTable("test", {"TPOX": locus})
    built = _family("father")
    father = Profile("S1", {"TPOX": ("12", "12")})
    same = pair_evidence(built.family.pedigree, MISSING, Profile("C", {"TPOX": ("12", "12")}),
                         {"father": father}, table, PLAIN)
    assert math.isclose(same.per_locus["TPOX"]["lr"], 20.0, rel_tol=1e-12)
    assert same.exclusions == 0
    other = pair_evidence(built.family.pedigree, MISSING, Profile("C", {"TPOX": ("8", "8")}),
                          {"father": father}, table, PLAIN)
    assert other.per_locus["TPOX"] == {"lr": 0.0, "excluded": True}
    assert other.log10_lr == -math.inf


def test_grandparents_go_on_the_side_of_the_parent_not_typed():
    alone = _family("grandfather", "grandmother")
    assert set(alone.typed) == {"father-father", "father-mother"}
    assert alone.family.pedigree["father"].father == "father-father"
    with_father = _family("father", "grandfather", "grandmother")
    assert set(with_father.typed) == {"father", "mother-father", "mother-mother"}
    two_grandmothers = _family("mother", "grandmother", "grandmother")
    assert set(two_grandmothers.typed) == {"mother", "father-mother", "mother-mother"}
    assert any("side" in note for note in alone.notes)


def test_relatives_who_add_nothing_or_cannot_be_placed_are_left_out_and_said():
    both = _family("father", "mother", "grandfather", "uncle", "sister")
    assert set(both.typed) == {"father", "mother", "sibling-5"}
    assert [r.relation for r in both.left_out] == ["grandfather", "uncle"]
    assert all("both parents" in note for note in both.notes)
    half = _family("half-sibling")
    assert set(half.typed) == {"halfsib-1"}
    assert half.family.pedigree["halfsib-1"].mother == "mother"
    assert [r.relation for r in _family("mother", "half-sibling").left_out] == [
        "half-sibling"]
    assert len(_family("half-sibling", "half-sibling").left_out) == 2
    second = _family("father", "father")
    assert set(second.typed) == {"father"} and second.typed["father"].relative_id == 1
    assert "a second father" in second.notes[0]


def test_aunts_uncles_and_cousins_hang_from_the_grandparents():
    built = _family("mother", "uncle", "cousin", sexes={"cousin": "female"})
    pedigree = built.family.pedigree
    uncle = pedigree["father-sibling-2"]
    assert (uncle.father, uncle.mother, uncle.sex) == ("father-father", "father-mother", "male")
    cousin = pedigree["cousin-3"]
    assert cousin.sex == "female"
    assert pedigree[cousin.father].father == "father-father"
    assert pedigree["father"].father == "father-father"
