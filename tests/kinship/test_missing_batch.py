"""The shape-batched LR tables equal the general one-family path, family by family.

The reference is :func:`homeward.kinship.missing.poi_genotype_lrs` (itself checked against
the closed forms and brute-force enumeration in ``test_pedigree.py``), called for one
family, one missing child and one locus at a time. Families are simulated (seeded) on
every common shape and a few rare ones, mixed so that each batch holds several shapes,
with relatives left untyped at some loci (which changes the trimmed shape per locus).
"""

from __future__ import annotations

import numpy as np
import pytest

from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.loci import CODIS_20
from homeward.kinship.missing import poi_genotype_lrs
from homeward.kinship.missing_batch import FamilyQuery, log10_lr_columns, poi_lrs_many
from homeward.kinship.model import KinshipModel, all_genotypes, build_locus_models
from homeward.kinship.mutation import MutationModel
from homeward.kinship.pedigree import Pedigree, Person
from homeward.kinship.profiles import Profile

from .conftest import locus_model
from .pedsim import simulate_pedigree

TABLE = load_packaged_table()
LOCI = list(CODIS_20[:8])

# shape: (pedigree rows, typed persons, missing person)
SHAPES = {
    "one parent": ([("fa",), ("mo",), ("x", "fa", "mo")], ["mo"], "x"),
    "both parents": ([("fa",), ("mo",), ("x", "fa", "mo")], ["fa", "mo"], "x"),
    "parent and sibling": ([("fa",), ("mo",), ("b", "fa", "mo"), ("x", "fa", "mo")],
                           ["mo", "b"], "x"),
    "grandparents": ([("gf",), ("gm",), ("p", "gf", "gm"), ("s",), ("x", "p", "s")],
                     ["gf", "gm"], "x"),
    "aunt and uncle": ([("gf",), ("gm",), ("a", "gf", "gm"), ("u", "gf", "gm"),
                        ("p", "gf", "gm"), ("s",), ("x", "p", "s")], ["a", "u"], "x"),
    "half sibling": ([("f",), ("m1",), ("m2",), ("h", "f", "m1"), ("x", "f", "m2")],
                     ["h"], "x"),
    "two siblings": ([("fa",), ("mo",), ("b", "fa", "mo"), ("c", "fa", "mo"),
                      ("x", "fa", "mo")], ["b", "c"], "x"),
    "cousin and grandmother": ([("gf",), ("gm",), ("a", "gf", "gm"), ("p", "gf", "gm"),
                                ("s1",), ("s2",), ("k", "a", "s1"), ("x", "p", "s2")],
                               ["k", "gm"], "x"),
}


def _families(seed: int, per_shape: int, models, loci=LOCI):
    rng = np.random.default_rng(seed)
    locus_models = [models[locus] for locus in loci]
    queries = []
    for name, (rows, typed_ids, missing) in SHAPES.items():
        ped = Pedigree([Person(*r) for r in rows])
        for k in range(per_shape):
            sim = simulate_pedigree(ped, locus_models, rng, f"{name}{k}-")
            typed = {}
            for pid in typed_ids:
                genotypes = dict(sim[pid].genotypes)
                if rng.random() < 0.3:  # untyped at one locus: another trimmed shape there
                    genotypes.pop(loci[int(rng.integers(len(loci)))], None)
                typed[pid] = Profile(sim[pid].sample_id, genotypes)
            queries.append(FamilyQuery(ped, missing, typed))
    rng.shuffle(queries)
    return queries


def _pois(seed: int, models, n_random: int, loci=LOCI):
    """Unrelated people, each untyped at a tenth of the loci; allele codes (2, n, loci)."""
    rng = np.random.default_rng(seed)
    locus_models = [models[locus] for locus in loci]
    people = [simulate_pedigree(Pedigree([Person("z")]), locus_models, rng, f"U{j}-")["z"]
              for j in range(n_random)]
    alleles = np.full((2, len(people), len(loci)), -1, dtype=np.int64)
    for i, person in enumerate(people):
        for j, locus in enumerate(loci):
            if locus in person.genotypes and rng.random() > 0.1:
                alleles[:, i, j] = models[locus].encode(person.genotypes[locus])
    return alleles


def _general(queries, models, alleles, lumpable=True, loci=LOCI):
    """One family, one missing child and one locus at a time (the reference)."""
    total = np.zeros((alleles.shape[1], len(queries)))
    for r, query in enumerate(queries):
        for j, locus in enumerate(loci):
            model = models[locus]
            relatives = {pid: model.encode(p.genotypes[locus])
                         for pid, p in query.typed.items() if locus in p.genotypes}
            present = alleles[0, :, j] >= 0
            if not relatives:
                continue
            a, b = alleles[0, present, j], alleles[1, present, j]
            lows, highs = np.minimum(a, b), np.maximum(a, b)
            fast = model.theta == 0.0 and model.mutation_matrix is None
            needed = None if fast else list(zip(lows.tolist(), highs.tolist(), strict=True))
            table = poi_genotype_lrs(query.pedigree, query.missing_id, relatives, model,
                                     lumpable=lumpable, needed=needed)
            with np.errstate(divide="ignore"):
                total[present, r] += np.log10(table[highs * (highs + 1) // 2 + lows])
    return total


@pytest.mark.parametrize("seed", [1, 2])
def test_batched_columns_equal_the_general_path_on_every_shape(seed):
    models = build_locus_models(TABLE, KinshipModel(), LOCI)
    queries = _families(seed, 6, models)
    alleles = _pois(seed + 100, models, 25)
    batched = log10_lr_columns(queries, LOCI, models, alleles)
    general = _general(queries, models, alleles)
    assert np.array_equal(np.isfinite(batched), np.isfinite(general))
    finite = np.isfinite(general)
    assert finite.sum() > 0 and (~finite).sum() > 0  # both kinds of pair are tested
    np.testing.assert_allclose(batched[finite], general[finite], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("options", [{"theta": 0.02}, {"mutation": "stepwise"}])
def test_theta_and_mutation_take_the_general_path_with_the_same_result(options):
    mutation = MutationModel(options["mutation"], rate=0.005) if "mutation" in options \
        else None
    model = KinshipModel(theta=options.get("theta", 0.0), mutation=mutation)
    loci = LOCI[:3]
    models = build_locus_models(TABLE, model, loci)
    queries = _families(7, 1, models, loci)
    alleles = _pois(8, models, 4, loci)
    lumpable = mutation is None or mutation.model != "stepwise"
    batched = log10_lr_columns(queries, loci, models, alleles, lumpable=lumpable)
    general = _general(queries, models, alleles, lumpable=lumpable, loci=loci)
    np.testing.assert_allclose(batched, general, rtol=1e-9, atol=1e-12)


def test_every_poi_genotype_including_unseen_alleles_and_floored_tables():
    """All genotypes of a small locus, alleles seen and unseen by the relatives, in a table
    that sums above 1 (floors) and one where the seen alleles leave no weight (0 left over
    while an allele is unseen: those families take the general path)."""
    for freqs in ([0.05, 0.1, 0.15, 0.2, 0.2, 0.32], [0.5, 0.6, 0.1]):
        model = locus_model(freqs)
        n = len(freqs)
        lows, highs = all_genotypes(n)
        rng = np.random.default_rng(5)
        items = []
        for name in ("one parent", "grandparents", "half sibling", "aunt and uncle"):
            rows, typed_ids, missing = SHAPES[name]
            ped = Pedigree([Person(*r) for r in rows])
            for _ in range(4):
                relatives = {}
                for pid in typed_ids:
                    pair = sorted(rng.choice(2 if n == 3 else n, size=2).tolist())
                    relatives[pid] = (pair[0], pair[1])
                items.append((ped, missing, relatives))
        got = poi_lrs_many(items, model, lows, highs)
        for (ped, missing, relatives), row in zip(items, got, strict=True):
            expected = poi_genotype_lrs(ped, missing, relatives, model)
            np.testing.assert_allclose(row, expected, rtol=1e-9, atol=1e-300)
