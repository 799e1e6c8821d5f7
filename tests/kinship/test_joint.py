"""Joint identification: equal to exhaustive enumeration, sex, siblings, undisputed."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from homeward.kinship.assignment import Option, solve
from homeward.kinship.errors import InputError
from homeward.kinship.families import Family, MissingChild
from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.joint import PriorSettings, RescuedChild, identify
from homeward.kinship.loci import CODIS_20
from homeward.kinship.missing import missing_persons_lr
from homeward.kinship.model import KinshipModel, build_locus_models
from homeward.kinship.pedigree import Pedigree, Person

from .pedsim import simulate_pedigree

TABLE = load_packaged_table()


def _models(n_loci):
    return list(build_locus_models(TABLE, KinshipModel(), list(CODIS_20[:n_loci])).values())


def _family(fid, rows, missing, sexes=None):
    sexes = sexes or {}
    ped = Pedigree([Person(*r) for r in rows])
    return Family(fid, ped, tuple(MissingChild(fid, m, sexes.get(m)) for m in missing), {})


def _case(seed, n_loci=6):
    """Family A: mother typed, two missing siblings; family B: father typed, one missing;
    the rescued: A's two, B's one and one unrelated child."""
    rng = np.random.default_rng(seed)
    models = _models(n_loci)
    fam_a = _family("A", [("f",), ("mo",), ("x1", "f", "mo"), ("x2", "f", "mo")],
                    ["x1", "x2"])
    fam_b = _family("B", [("fa",), ("m",), ("y", "fa", "m")], ["y"])
    sim_a = simulate_pedigree(fam_a.pedigree, models, rng, "A-")
    sim_b = simulate_pedigree(fam_b.pedigree, models, rng, "B-")
    stranger = simulate_pedigree(Pedigree([Person("z")]), models, rng, "S-")
    typed = {"A": {"mo": sim_a["mo"]}, "B": {"fa": sim_b["fa"]}}
    children = [RescuedChild(p.sample_id, p) for p in
                (sim_a["x1"], sim_a["x2"], sim_b["y"], stranger["z"])]
    return children, [fam_a, fam_b], typed


def _brute_force(children, families, typed):
    """Every injective map children -> missing children or nobody, scored from scratch."""
    slots = [(f, m.person) for f in families for m in f.missing]
    results = []
    for choice in itertools.product(range(len(slots) + 1), repeat=len(children)):
        used = [c for c in choice if c < len(slots)]
        if len(used) != len(set(used)):
            continue
        total = 0.0
        pairs = set()
        for fam in families:
            placements = {slots[s][1]: children[i].profile for i, s in enumerate(choice)
                          if s < len(slots) and slots[s][0] is fam}
            pairs |= {(children[i].id, slots[s][1]) for i, s in enumerate(choice)
                      if s < len(slots) and slots[s][0] is fam}
            if placements:
                total += missing_persons_lr(fam.pedigree, placements, typed[fam.id],
                                            TABLE).log10_lr
        results.append((total, frozenset(pairs)))
    scores = np.array([s for s, _ in results])
    weights = 10.0 ** (scores - scores.max())
    weights /= weights.sum()
    posterior: dict[tuple[str, str], float] = {}
    for w, (_, pairs) in zip(weights, results, strict=True):
        for pair in pairs:
            posterior[pair] = posterior.get(pair, 0.0) + w
    best = max(results, key=lambda r: r[0])
    return best, posterior


@pytest.mark.parametrize("seed", [3, 8, 21])
@pytest.mark.parametrize("force_milp", [False, True])
def test_joint_assignment_equals_exhaustive_enumeration(seed, force_milp):
    children, families, typed = _case(seed)
    (best_score, best_pairs), posterior = _brute_force(children, families, typed)
    result = identify(children, families, typed, TABLE, threshold=1e-300,
                      dominance=math.inf, siblings=False, prune_log10=-math.inf,
                      force_milp=force_milp, k_best=500)
    assert {(a.child, a.missing) for a in result.assignments} == set(best_pairs)
    assert result.joint_log10_lr == pytest.approx(best_score, rel=1e-9, abs=1e-9)
    for a in result.assignments:
        assert a.posterior == pytest.approx(posterior[(a.child, a.missing)], rel=1e-9,
                                            abs=1e-12)
    assert ("integer program" in result.method) == force_milp


def test_true_families_are_found_with_more_loci():
    children, families, typed = _case(5, n_loci=20)
    result = identify(children, families, typed, TABLE, threshold=1000.0)
    found = {(a.child, a.missing) for a in result.assignments}
    assert ("B-y", "y") in found
    assert {c for c, m in found if m in ("x1", "x2")} == {"A-x1", "A-x2"}
    assert "S-z" in result.unassigned_children
    assert result.undisputed and all(u.log10_lr >= 3 for u in result.undisputed)


def test_sex_must_agree():
    children, families, typed = _case(5, n_loci=20)
    fam_b = families[1]
    families[1] = Family("B", fam_b.pedigree, (MissingChild("B", "y", "female"),), {})
    children[2] = RescuedChild(children[2].id, children[2].profile, "male")
    result = identify(children, families, typed, TABLE, threshold=1000.0)
    assert all(a.child != "B-y" for a in result.assignments)
    assert "B-y" in result.unassigned_children


def test_age_prior_is_printed_and_used():
    prior = PriorSettings(age_sd_years=1.0)
    child = RescuedChild("c", None, None, 3.0)  # type: ignore[arg-type]
    assert prior.log10_weight(child, MissingChild("A", "x", None, 3.0)) == 0.0
    # younger than when vanished by 3 sd: the normal density ratio exp(-4.5)
    assert prior.log10_weight(child, MissingChild("A", "x", None, 6.0)) == pytest.approx(
        -4.5 / math.log(10))
    assert "sex" in prior.describe()


def test_rescued_siblings_go_to_one_family():
    """Two rescued siblings whose own family is not typed: the sibling option joins them."""
    children, families, typed = _case(9, n_loci=20)
    result = identify(children[:2], [families[1]], {"B": typed["B"]}, TABLE,
                      threshold=1000.0)
    assert result.sibling_groups and {*result.sibling_groups[0][:2]} == {"A-x1", "A-x2"}
    assert result.joint_log10_lr >= result.sibling_groups[0][2]


def test_strong_sibling_pairs_are_never_split():
    """Options would put children 0 and 1 in two families; the strong pair forbids it."""
    options = [Option((0,), (0,), None, 5.0, 5.0), Option((1,), (1,), None, 4.0, 4.0),
               Option((1,), (2,), None, 1.0, 1.0)]
    family_of = [0, 1, 0]
    for force in (False, True):
        best = solve(2, options, family_of, {(0, 1)}, force_milp=force)[0].assignments[0]
        assert best == (6.0, (0, 2))


def test_bad_input_names_the_family_or_person():
    children, families, typed = _case(3)
    with pytest.raises(InputError, match="no typed relative"):
        identify(children, families, {"A": typed["A"]}, TABLE, threshold=1000.0)
    with pytest.raises(InputError, match="not a person of family"):
        identify(children, families, {**typed, "B": {"ghost": typed["B"]["fa"]}}, TABLE,
                 threshold=1000.0)
