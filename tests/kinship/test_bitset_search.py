"""Search below the scan floor: the allele-bitset filter keeps every reference with at most
``max_inconsistent`` inconsistent loci, and those get the LRs and the order of the scan.

The reference for every check is the full scan itself (``max_inconsistent=None``, whose
agreement with the per-pair LR is tests/kinship/test_search.py) and, for the bitsets, a
plain NumPy count of the loci where a profile shares no allele with the child.
"""

from __future__ import annotations

import numpy as np
import pytest

from homeward.kinship import bitset_index, search, simulate
from homeward.kinship.bitset_index import AlleleBitsets, couple_candidates, set_positions
from homeward.kinship.errors import ModelError
from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.loci import CODIS_20
from homeward.kinship.model import KinshipModel, build_locus_models, genotype_index
from homeward.kinship.mutation import MutationModel
from homeward.kinship.profiles import Profile
from homeward.kinship.search import CoupleIndex, ProfileIndex

LOCI = list(CODIS_20)
N_STRANGERS = 1500
MODELS = {
    "no-mutation": KinshipModel(),
    "stepwise-theta": KinshipModel(theta=0.01, mutation=MutationModel("stepwise", rate=0.002)),
}


@pytest.fixture
def filter_everywhere(monkeypatch):
    """The filter on small test databases (by default they are scanned)."""
    monkeypatch.setattr(bitset_index, "BITSET_MIN_REFERENCES", 0)


def _codes(pairs: list[list[tuple[int, int] | None]]) -> np.ndarray:
    """Genotype codes[locus, person] from allele-code pairs (None = untyped)."""
    return np.array([[0 if g is None else int(genotype_index(*g)) + 1 for g in person]
                     for person in pairs], dtype=np.uint16).T


def _mutate(parent: np.ndarray, child: np.ndarray, n_alleles: list[int], loci: list[int],
            person: int) -> None:
    """Make ``parent[:, :, person]`` share no allele with ``child[:, :, 0]`` at ``loci``."""
    for locus in loci:
        kept = set(child[:, locus, 0].tolist())
        other = next(a for a in range(n_alleles[locus]) if a not in kept)
        parent[:, locus, person] = other


def _key(hit):
    return (hit.sample_id, hit.partner_id, hit.log10_lr, hit.loci_compared, hit.exclusions)


def _scan_within(result, limit: int) -> list[tuple]:
    """The scan's whole ranking, restricted to the references within the limit."""
    return [_key(h) for h in result.hits if h.exclusions <= limit]


# --- the bitsets ------------------------------------------------------------------------

def test_bit_sliced_count_by_hand():
    """Three loci, five profiles; the child's rules: locus 0 {0, 1}, locus 1 {2},
    locus 2 {1, 3}. Inconsistent loci, counted by hand: P0 none; P1 loci 0 and 2 (2);
    P2 all three (3); P3 locus 1 only, locus 0 being untyped (1); P4 none (loci 1 and 2
    untyped, locus 0 shares allele 1)."""
    codes = _codes([
        [(0, 0), (2, 4), (3, 3)],
        [(2, 2), (2, 2), (0, 0)],
        [(4, 5), (0, 1), (0, 2)],
        [None, (0, 0), (1, 1)],
        [(1, 5), None, None],
    ])
    bitsets = AlleleBitsets.from_codes(codes)
    rules = [(0, 1), (2,), (1, 3)]
    assert list(bitsets.candidates(rules, 0)) == [0, 4]
    assert list(bitsets.candidates(rules, 1)) == [0, 3, 4]
    assert list(bitsets.candidates(rules, 2)) == [0, 1, 3, 4]
    assert list(bitsets.candidates(rules, 3)) == [0, 1, 2, 3, 4]
    # an allele no one carries: only the untyped can be consistent; no rule: no count
    assert list(bitsets.candidates([(7,), None, None], 0)) == [3]
    assert list(bitsets.candidates([(), None, None], 0)) == [3]


def test_bytes_per_profile_by_hand():
    """64 profiles typed 0/0 or 0/1 at one locus: an untyped row and rows for alleles 0
    and 1, one 8-byte word each: 3 x 8 / 64 = 0.375 bytes per profile."""
    codes = _codes([[(0, i % 2)] for i in range(64)])
    assert AlleleBitsets.from_codes(codes).bytes_per_profile() == 0.375


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 7])
def test_bitsets_count_as_numpy_does(limit):
    """Random genotypes with untyped loci, appended in uneven batches (one with an allele
    new to every earlier batch), against a NumPy count; duos and couples. 40,003 profiles
    make three blocks of words, counted in parallel, and a partial last word."""
    rng = np.random.default_rng(20261203 + limit)
    n_loci, n, n_alleles = 9, 40_003, 7
    alleles = rng.integers(0, n_alleles - 1, size=(2, n_loci, n))
    alleles[:, 4, 700:] = n_alleles - 1  # first seen in a late batch
    codes = (genotype_index(alleles[0], alleles[1]) + 1).astype(np.uint16)
    codes[rng.random(codes.shape) < 0.1] = 0
    bitsets = AlleleBitsets(n_loci)
    for start, stop in [(0, 1), (1, 64), (64, 65), (65, 699), (699, 20_000), (20_000, n)]:
        bitsets.append(codes[:, start:stop])
    assert len(bitsets) == n
    child = [(0, 1), (2, 2), None, (3, 5), (1, n_alleles - 1), (0, 0), (4, 4), (2, 3), (5, 1)]
    typed = codes > 0

    def carries(a, b, allele):
        return (a == allele) | (b == allele)

    duo = np.zeros(n, dtype=np.int64)
    for locus, rule in enumerate(child):
        if rule is not None:
            a, b = alleles[:, locus]
            duo += typed[locus] & ~(carries(a, b, rule[0]) | carries(a, b, rule[1]))
    assert np.array_equal(bitsets.candidates(child, limit), np.flatnonzero(duo <= limit))

    partner = rng.permutation(n)  # the second partner of couple i is profile partner[i]
    second = AlleleBitsets.from_codes(codes[:, partner])
    couple = np.zeros(n, dtype=np.int64)
    for locus, rule in enumerate(child):
        if rule is None:
            continue
        a, b = alleles[:, locus]
        one = [~typed[locus] | carries(a, b, c) for c in rule]
        other = [~typed[locus, partner] | carries(a[partner], b[partner], c) for c in rule]
        couple += ~((one[0] & other[1]) | (one[1] & other[0]))
    got = couple_candidates(bitsets, second, child, limit)
    assert np.array_equal(got, np.flatnonzero(couple <= limit))


def test_set_positions_read_every_bit():
    """The de Bruijn bit scan against NumPy's unpacking, with empty and full words and
    the top bit."""
    rng = np.random.default_rng(11)
    mask = rng.integers(0, 2**63, 300, dtype=np.uint64) & rng.integers(0, 2**63, 300,
                                                                      dtype=np.uint64)
    mask[::4] = 0
    mask[5], mask[6] = np.uint64(1) << np.uint64(63), ~np.uint64(0)
    expected = np.flatnonzero(np.unpackbits(mask.view(np.uint8), bitorder="little"))
    assert np.array_equal(set_positions(mask), expected)


def test_appending_one_at_a_time_equals_one_build():
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 40, size=(5, 700)).astype(np.uint16)
    one_by_one = AlleleBitsets(5)
    for person in range(700):
        one_by_one.append(codes[:, person:person + 1])
    batch = AlleleBitsets.from_codes(codes)
    for locus in range(5):
        for allele in range(9):
            assert np.array_equal(one_by_one.carriers(locus, allele),
                                  batch.carriers(locus, allele))
    assert one_by_one.bytes_per_profile() == batch.bytes_per_profile()


# --- searches ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def planted():
    """1,500 strangers, a child, and its parent planted five times: with 0, 1, 2 and 3
    loci mutated (sharing nothing with the child), and with 3 mutated loci of which two
    are untyped in the reference. The child is untyped at two loci."""
    table = load_packaged_table()
    models = list(build_locus_models(table, KinshipModel(), LOCI).values())
    n_alleles = [m.n_alleles for m in models]
    rng = np.random.default_rng(20261203)
    child, parent = simulate.related("parent-child", models, 1, rng, mutate=False)
    strangers = simulate.founders(models, N_STRANGERS, rng)
    parents = np.repeat(parent, 5, axis=2)
    for person, loci in enumerate([[], [3], [5, 11], [0, 7, 14], [2, 9, 16]]):
        _mutate(parents, child, n_alleles, loci, person)
    people = np.concatenate([parents, strangers], axis=2)
    codes = simulate.genotype_codes(people)
    codes[[9, 16], 4] = 0
    ids = ["P0", "P1", "P2", "P3", "P3-degraded"] + [f"U{i}" for i in range(N_STRANGERS)]
    query = simulate.to_profiles(child, models, ["child"])[0]
    query = Profile("child", {k: v for k, v in query.genotypes.items()
                              if k not in (LOCI[6], LOCI[12])})
    return table, models, codes, ids, query


@pytest.mark.parametrize("model_name", list(MODELS))
def test_duo_keeps_scan_lrs_and_order_within_limit(planted, filter_everywhere, model_name):
    table, _, codes, ids, query = planted
    model = MODELS[model_name]
    index = ProfileIndex.from_codes(codes, ids, table, LOCI, model)
    scan = index.search(query, "parent-child", k=len(index), max_inconsistent=None)
    for limit in (0, 1, 2, 3):
        within = _scan_within(scan, limit)
        result = index.search(query, "parent-child", k=len(within), max_inconsistent=limit)
        assert [_key(h) for h in result.hits] == within
        assert result.params["method"] == "bitset"
        assert result.params["profiles_scored"] == len(within)
        found = {h.sample_id for h in result.hits}
        assert "P0" in found
        assert ("P1" in found) == ("P3-degraded" in found) == (limit >= 1)  # untyped: no count
        assert ("P2" in found) == (limit >= 2) and ("P3" in found) == (limit >= 3)
    top = index.search(query, "parent-child", k=10)
    assert [_key(h) for h in top.hits] == _scan_within(scan, 2)[:10]
    assert top.hits[0].sample_id == "P0"
    if model.mutation is None:  # LR > 0 only without inconsistency: the scan's top hits
        positive = [_key(h) for h in scan.hits if h.log10_lr > -np.inf][:10]
        assert [_key(h) for h in top.hits if h.log10_lr > -np.inf] == positive
    else:  # a parent with two mutated loci is still among the top hits
        assert "P2" in {h.sample_id for h in top.hits}


def test_relative_query_searches_children_within_limit(planted, filter_everywhere):
    """A parent's profile against children: the same rule (a child shares an allele with
    its parent), person roles reversed."""
    table, models, codes, ids, query = planted
    model = MODELS["stepwise-theta"]
    parent = ProfileIndex.from_codes(codes, ids, table, LOCI, model).profile("P2")
    index = ProfileIndex.from_codes(codes[:, 5:], ids[5:], table, LOCI, model)
    index.add_profiles([Profile("the-child", query.genotypes)])
    scan = index.search(parent, "parent-child", k=len(index), query_role="relative",
                        max_inconsistent=None)
    within = _scan_within(scan, 2)
    result = index.search(parent, "parent-child", k=len(within), query_role="relative")
    assert [_key(h) for h in result.hits] == within
    assert result.hits[0].sample_id == "the-child"


@pytest.fixture(scope="module")
def families():
    """400 simulated trios (with mutation) and 1,000 strangers, 20 loci."""
    table = load_packaged_table()
    model = MODELS["stepwise-theta"]
    models = list(build_locus_models(table, model, LOCI).values())
    rng = np.random.default_rng(31)
    child, father, mother = simulate.related("trio", models, 400, rng)
    others = simulate.founders(models, 1000, rng)
    _mutate(father, child[:, :, :1], [m.n_alleles for m in models], [4, 13], 0)
    people = np.concatenate([father, mother, others], axis=2)
    ids = [f"F{i}" for i in range(400)] + [f"M{i}" for i in range(400)]
    ids += [f"U{i}" for i in range(1000)]
    codes = simulate.genotype_codes(people)
    codes[rng.random(codes.shape) < 0.05] = 0  # degraded references
    index = ProfileIndex.from_codes(codes, ids, table, LOCI, model)
    children = simulate.to_profiles(child, models, [f"C{i}" for i in range(400)])
    return index, children


def test_trio_keeps_scan_lrs_and_order_within_limit(families, filter_everywhere):
    index, children = families
    for number in (0, 1, 2):
        mother = index.profile(f"M{number}")
        scan = index.search_trio(children[number], mother, k=len(index),
                                 max_inconsistent=None)
        within = _scan_within(scan, 2)
        result = index.search_trio(children[number], mother, k=len(within))
        assert result.params["method"] == "bitset"
        assert [_key(h) for h in result.hits] == within
        assert result.hits[0].sample_id == f"F{number}"  # F0 with two mutated loci


def test_couples_keep_scan_lrs_and_order_within_limit(families, filter_everywhere,
                                                      monkeypatch):
    """Couples of references, their bitsets built 100 couples at a time."""
    monkeypatch.setattr(search, "COUPLE_CHUNK", 100)
    index, children = families
    couples = [(f"F{i}", f"M{i}") for i in range(400)]
    couples += [(f"U{i}", f"U{i + 1}") for i in range(0, 1000, 2)]
    couples += [(f"F{i}", f"M{i + 1}") for i in range(0, 398, 3)]
    couple_index = CoupleIndex(index, couples)
    for number in (0, 5, 9):
        scan = couple_index.search(children[number], k=len(couples), max_inconsistent=None)
        for limit in (2, 4):
            within = _scan_within(scan, limit)
            result = couple_index.search(children[number], k=len(within),
                                         max_inconsistent=limit)
            assert result.params["method"] == "bitset"
            assert result.params["max_inconsistent"] == limit
            assert [_key(h) for h in result.hits] == within
        top = couple_index.search(children[number], k=3)
        assert (top.hits[0].sample_id, top.hits[0].partner_id) == (f"F{number}",
                                                                     f"M{number}")


def test_update_after_adding_profiles(families, filter_everywhere):
    """Profiles added after the bitsets were built are appended to them (an allele never
    seen before included) and found; a replaced code array is indexed afresh."""
    index, children = families
    small = ProfileIndex.from_codes(index.codes[:, 800:], index.sample_ids[800:],
                                    index.frequencies, LOCI, index.model)
    small.search(children[3])
    built = small.allele_bitsets()
    father = index.profile("F3")
    odd = dict(father.genotypes)
    shared = next(a for a in odd[LOCI[0]] if a in children[3].genotypes[LOCI[0]])
    odd[LOCI[0]] = (shared, "99")  # a new allele beside the one the child took
    small.add_profiles([Profile("F3-new", odd), index.profile("M3")])
    assert small.allele_bitsets() is built and len(built) == len(small)
    fresh = AlleleBitsets.from_codes(small.codes)
    for locus in range(len(LOCI)):
        for allele in range(small.locus_models[locus].n_alleles):
            assert np.array_equal(built.carriers(locus, allele), fresh.carriers(locus, allele))
    scan = small.search(children[3], k=len(small), max_inconsistent=None)
    within = _scan_within(scan, 2)
    result = small.search(children[3], k=len(within))
    assert [_key(h) for h in result.hits] == within
    assert {"F3-new", "M3"} <= {h.sample_id for h in result.hits[:2]}
    small.codes = small.codes[:, ::-1].copy()
    assert small.allele_bitsets() is not built


def test_method_and_limit_are_reported(families, filter_everywhere):
    index, children = families
    query = children[0]
    assert _method(index.search(query)) == ("bitset", 2, 2)
    assert _method(index.search(query, max_inconsistent=1)) == ("bitset", 1, 1)
    assert _method(index.search(query, max_inconsistent=None)) == ("scan", None, None)
    assert _method(index.search(query, "full-siblings")) == ("scan", None, None)
    assert _method(index.search(query, "kappa:0.25,0.5,0.25")) == ("scan", None, None)
    assert _method(index.search(query, max_inconsistent=20)) == ("scan", None, 20)
    scored = index.search(query).params["profiles_scored"]
    assert 0 < scored < len(index)


def test_small_databases_are_scanned(families):
    """Below BITSET_MIN_REFERENCES the scan is as cheap and drops no one."""
    index, children = families
    assert len(index) < bitset_index.BITSET_MIN_REFERENCES
    assert _method(index.search(children[0])) == ("scan", None, 2)


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_bad_limit_is_refused(families, bad):
    index, children = families
    with pytest.raises(ModelError, match="max_inconsistent"):
        index.search(children[0], max_inconsistent=bad)
    with pytest.raises(ModelError, match="max_inconsistent"):
        CoupleIndex(index, [("F0", "M0")]).search(children[0], max_inconsistent=bad)


def _method(result):
    params = result.params
    return params["method"], params["max_inconsistent"], params["max_inconsistent_requested"]
