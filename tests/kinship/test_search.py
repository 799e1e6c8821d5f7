"""The search engine returns what the per-pair functions compute, best first."""

from __future__ import annotations

import numpy as np
import pytest

from homeward.kinship import search, simulate
from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.lr import kinship_lr
from homeward.kinship.model import KinshipModel, build_locus_models
from homeward.kinship.mutation import MutationModel
from homeward.kinship.profiles import Profile
from homeward.kinship.search import CoupleIndex, ProfileIndex

LOCI = ["D3S1358", "vWA", "FGA", "TH01", "TPOX", "CSF1PO", "D5S818", "D13S317", "D7S820",
        "D16S539", "D8S1179", "D21S11", "D18S51", "PentaE"]


@pytest.fixture(scope="module")
def population():
    table = load_packaged_table()
    model = KinshipModel(theta=0.01, mutation=MutationModel("stepwise", rate=0.002))
    models = list(build_locus_models(table, model, LOCI).values())
    rng = np.random.default_rng(20261124)
    child, father, mother = simulate.related("trio", models, 40, rng)
    strangers = simulate.founders(models, 200, rng)
    children = simulate.to_profiles(child, models, [f"C{i}" for i in range(40)])
    fathers = simulate.to_profiles(father, models, [f"F{i}" for i in range(40)])
    mothers = simulate.to_profiles(mother, models, [f"M{i}" for i in range(40)])
    others = simulate.to_profiles(strangers, models, [f"U{i}" for i in range(200)])
    # a degraded reference: half its loci missing
    degraded = Profile("F0-degraded", {k: v for j, (k, v) in
                                       enumerate(fathers[0].genotypes.items()) if j % 2})
    return table, model, children, fathers, mothers, others + [degraded]


def _per_pair_ranking(query, references, relationship, table, model, role="child"):
    scored = []
    for ref in references:
        persons = (query, ref) if role == "child" else (ref, query)
        result = kinship_lr(persons, relationship, table, model=model)
        scored.append((result.log10_lr, ref.sample_id, result))
    scored.sort(key=lambda s: -s[0])
    return scored


@pytest.mark.parametrize("relationship", ["parent-child", "full-siblings", "half-siblings"])
def test_duo_and_relative_search_match_per_pair(population, relationship):
    table, model, children, fathers, mothers, others = population
    references = fathers + mothers + others
    index = ProfileIndex.from_profiles(references, table, model=model)
    query = children[3]
    result = index.search(query, relationship, k=5)
    expected = _per_pair_ranking(query, references, relationship, index.frequencies, model)
    assert [h.sample_id for h in result.hits] == [s[1] for s in expected[:5]]
    for hit, (log10, _, full) in zip(result.hits, expected, strict=False):
        assert hit.log10_lr == pytest.approx(log10, rel=1e-9, abs=1e-9)
        assert hit.loci_compared == full.loci_compared
        assert hit.exclusions == full.exclusions


def test_true_parents_rank_first(population):
    table, model, children, fathers, mothers, others = population
    index = ProfileIndex.from_profiles(fathers + mothers + others, table, model=model)
    result = index.search(children[7], "parent-child", k=2)
    assert {h.sample_id for h in result.hits} == {"F7", "M7"}


def test_query_as_relative_searches_children(population):
    table, model, children, fathers, mothers, others = population
    index = ProfileIndex.from_profiles(children + others, table, model=model)
    result = index.search(fathers[5], "parent-child", k=3, query_role="relative")
    expected = _per_pair_ranking(fathers[5], children + others, "parent-child",
                                 index.frequencies, model, role="relative")
    assert result.hits[0].sample_id == "C5"
    assert [h.sample_id for h in result.hits] == [s[1] for s in expected[:3]]


def test_trio_search_matches_per_pair(population):
    table, model, children, fathers, mothers, others = population
    references = fathers + others
    index = ProfileIndex.from_profiles(references + mothers, table, model=model)
    result = index.search_trio(children[11], mothers[11], k=4)
    scored = []
    for ref in references + [m for m in mothers if m.sample_id != "M11"]:
        r = kinship_lr((children[11], ref, mothers[11]), "trio", index.frequencies,
                       model=model)
        scored.append((r.log10_lr, ref.sample_id, r))
    scored.sort(key=lambda s: -s[0])
    assert result.hits[0].sample_id == "F11"
    assert [h.sample_id for h in result.hits] == [s[1] for s in scored[:4]]
    for hit, (log10, _, full) in zip(result.hits, scored, strict=False):
        assert hit.log10_lr == pytest.approx(log10, rel=1e-9, abs=1e-9)
        assert hit.exclusions == full.exclusions


@pytest.mark.parametrize("joint_limit", [0, 16384, 65536])
def test_couple_search_matches_per_pair(population, monkeypatch, joint_limit):
    """Whatever loci hold joint codes (none, the small ones, all that fit two bytes),
    the couple search ranks and scores as the per-pair couple LR does."""
    monkeypatch.setattr(search, "JOINT_TABLE_LIMIT", joint_limit)
    table, model, children, fathers, mothers, others = population
    index = ProfileIndex.from_profiles(fathers + mothers + others, table, model=model)
    couples = [(f"F{i}", f"M{i}") for i in range(40)]
    couples += [(f"U{i}", f"U{i + 1}") for i in range(0, 200, 2)]
    couples += [("F0-degraded", "M1")]
    couple_index = CoupleIndex(index, couples)
    radix = [m.n_genotypes + 1 for m in index.locus_models]
    assert couple_index.joint_loci == [i for i, r in enumerate(radix)
                                       if r * r <= joint_limit]
    if joint_limit == 16384:
        assert couple_index.joint_loci and couple_index.class_loci
    for position, (a, b) in enumerate(couples[:45]):
        got_a, got_b = couple_index.partner_codes([position])
        assert list(got_a[:, 0]) == list(index.codes[:, index.position(a)])
        assert list(got_b[:, 0]) == list(index.codes[:, index.position(b)])
    for child_number in (0, 1, 19):
        query = children[child_number]
        result = couple_index.search(query, k=3)
        scored = []
        for a, b in couples:
            r = kinship_lr((query, index.profile(a), index.profile(b)), "couple",
                           index.frequencies, model=model)
            scored.append((r.log10_lr, (a, b), r))
        scored.sort(key=lambda s: -s[0])
        assert (result.hits[0].sample_id, result.hits[0].partner_id) == (
            f"F{child_number}", f"M{child_number}")
        got = [(h.sample_id, h.partner_id) for h in result.hits]
        assert got == [s[1] for s in scored[:3]]
        for hit, (log10, _, full) in zip(result.hits, scored, strict=False):
            assert hit.log10_lr == pytest.approx(log10, rel=1e-9, abs=1e-9)
            assert hit.loci_compared == full.loci_compared
            assert hit.exclusions == full.exclusions


def test_couple_search_with_unseen_child_allele(population):
    """A child's new allele extends the model after the couples were stored: their joint
    codes keep their radix and the couple search still agrees with the per-pair LR."""
    table, model, children, fathers, mothers, others = population
    index = ProfileIndex.from_profiles(fathers + mothers, table, model=model)
    couples = [(f"F{i}", f"M{i}") for i in range(40)]
    couple_index = CoupleIndex(index, couples)
    assert index.loci.index("TPOX") in couple_index.joint_loci
    odd = Profile("odd", {**children[2].genotypes, "TPOX": ("99", "OL")})
    result = couple_index.search(odd, k=3)
    assert "99" in index.frequencies["TPOX"].alleles
    for hit in result.hits:
        full = kinship_lr((odd, index.profile(hit.sample_id), index.profile(hit.partner_id)),
                          "couple", index.frequencies, model=model)
        assert hit.log10_lr == pytest.approx(full.log10_lr, rel=1e-9, abs=1e-9)
    assert result.hits[0].sample_id == "F2"


def test_query_with_unseen_allele_extends_model(population):
    table, model, children, fathers, mothers, others = population
    index = ProfileIndex.from_profiles(fathers, table, model=model)
    odd = Profile("odd", {**children[0].genotypes, "vWA": ("99", "OL")})
    result = index.search(odd, "parent-child", k=3)
    assert len(result.hits) == 3
    assert "99" in index.frequencies["vWA"].alleles


def test_profile_round_trip(population):
    table, model, children, fathers, mothers, others = population
    index = ProfileIndex.from_profiles(others, table, model=model)
    assert index.profile("U17").genotypes == others[17].genotypes
    assert index.codes.dtype == np.uint16
