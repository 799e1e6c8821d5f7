"""Joint identification: speed at 100 children x 2,000 families, exactness on a small case.

Side by side in one run: (1) a small case solved by the engine and by exhaustive
enumeration of every assignment (dvir's approach, scored from scratch with
``missing_persons_lr``), which must agree; (2) the pairwise LR tables (every child against
every missing child) by the general one-family-at-a-time path
(:func:`homeward.kinship.missing.poi_genotype_lrs`, the baseline) on the first
``--baseline-families`` families and by the shape-batched path
(:mod:`homeward.kinship.missing_batch`) on the same families and on all, with the largest
difference between the two; (3) the mass-rescue size, 100 rescued children (60 of them
truly missing from the families) against 2,000 simulated families of mixed pedigrees (one
parent, two grandparents, one parent and a sibling, a mother with two missing children),
20 CODIS loci, seeded, with the time of the tables (and undisputed rounds) and of the
assignment step. Prints a table, then one JSON line.

    .venv/bin/python benchmarks/joint_identification.py [--families 2000 --children 100]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from homeward.kinship.families import Family, MissingChild  # noqa: E402
from homeward.kinship.frequencies import load_packaged_table  # noqa: E402
from homeward.kinship.joint import RescuedChild, _Problem, identify  # noqa: E402
from homeward.kinship.loci import CODIS_20  # noqa: E402
from homeward.kinship.missing import missing_persons_lr, poi_genotype_lrs  # noqa: E402
from homeward.kinship.missing_batch import FamilyQuery, log10_lr_columns  # noqa: E402
from homeward.kinship.model import KinshipModel, build_locus_models, genotype_index  # noqa: E402,E501
from homeward.kinship.pedigree import Pedigree, Person  # noqa: E402
from tests.kinship.pedsim import simulate_pedigree  # noqa: E402

KINDS = {
    "parent": ([("fa",), ("mo",), ("x", "fa", "mo")], ["fa"], ["x"]),
    "grandparents": ([("gf",), ("gm",), ("p", "gf", "gm"), ("s",), ("x", "p", "s")],
                     ["gf", "gm"], ["x"]),
    "parent+sibling": ([("fa",), ("mo",), ("b", "fa", "mo"), ("x", "fa", "mo")],
                       ["mo", "b"], ["x"]),
    "two missing": ([("fa",), ("mo",), ("x", "fa", "mo"), ("y", "fa", "mo")], ["mo"],
                    ["x", "y"]),
}


def build(n_families: int, n_children: int, n_true: int, n_loci: int, seed: int):
    table = load_packaged_table()
    models = list(build_locus_models(table, KinshipModel(), list(CODIS_20[:n_loci])).values())
    rng = np.random.default_rng(seed)
    families, typed, pool = [], {}, []
    kinds = list(KINDS)
    for k in range(n_families):
        rows, typed_ids, missing = KINDS[kinds[k % len(kinds)]]
        fid = f"F{k:04d}"
        ped = Pedigree([Person(*r) for r in rows])
        sim = simulate_pedigree(ped, models, rng, f"{fid}-")
        families.append(Family(fid, ped, tuple(MissingChild(fid, m) for m in missing), {}))
        typed[fid] = {pid: sim[pid] for pid in typed_ids}
        pool += [sim[m] for m in missing]
    chosen = rng.choice(len(pool), size=min(n_true, len(pool)), replace=False)
    children = [RescuedChild(pool[i].sample_id, pool[i]) for i in chosen]
    for j in range(n_children - len(children)):
        stranger = simulate_pedigree(Pedigree([Person("z")]), models, rng, f"U{j:03d}-")["z"]
        children.append(RescuedChild(stranger.sample_id, stranger))
    return table, families, typed, children


def exhaustive(children, families, typed, table) -> tuple[float, int]:
    slots = [(f, m.person) for f in families for m in f.missing]
    best, count = -math.inf, 0
    for choice in itertools.product(range(len(slots) + 1), repeat=len(children)):
        used = [c for c in choice if c < len(slots)]
        if len(used) != len(set(used)):
            continue
        count += 1
        total = 0.0
        for fam in families:
            placements = {slots[s][1]: children[i].profile for i, s in enumerate(choice)
                          if s < len(slots) and slots[s][0] is fam}
            if placements:
                total += missing_persons_lr(fam.pedigree, placements, typed[fam.id],
                                            table).log10_lr
        best = max(best, total)
    return best, count


def general_columns(queries, loci, models, alleles) -> np.ndarray:
    """The baseline: one family, one missing child and one locus at a time."""
    total = np.zeros((alleles.shape[1], len(queries)))
    for r, query in enumerate(queries):
        for j, locus in enumerate(loci):
            model = models[locus]
            relatives = {pid: model.encode(p.genotypes[locus])
                         for pid, p in query.typed.items() if locus in p.genotypes}
            present = alleles[0, :, j] >= 0
            if not relatives or not present.any():
                continue
            table = poi_genotype_lrs(query.pedigree, query.missing_id, relatives, model)
            index = genotype_index(alleles[0, present, j], alleles[1, present, j])
            with np.errstate(divide="ignore"):
                total[present, r] += np.log10(table[index])
    return total


def tables_side_by_side(children, families, typed, table, n_base: int) -> dict[str, object]:
    problem = _Problem(children, families[:n_base], typed, table, KinshipModel())
    queries = [FamilyQuery(f.pedigree, m.person, typed[f.id]) for f in families
               for m in f.missing]
    base = queries[:len(problem.slots)]
    start = time.perf_counter()
    general = general_columns(base, problem.loci, problem.models, problem.alleles)
    general_ms = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    batched = log10_lr_columns(base, problem.loci, problem.models, problem.alleles)
    batched_ms = (time.perf_counter() - start) * 1e3
    finite = np.isfinite(general)
    same_inf = bool(np.array_equal(finite, np.isfinite(batched)))
    diff = float(np.max(np.abs(general[finite] - batched[finite]))) if finite.any() else 0.0
    start = time.perf_counter()
    log10_lr_columns(queries, problem.loci, problem.models, problem.alleles)
    all_ms = (time.perf_counter() - start) * 1e3
    return {
        "tables_baseline_families": n_base,
        "tables_general_ms": general_ms,
        "tables_batched_ms": batched_ms,
        "tables_speedup": general_ms / batched_ms,
        "tables_max_abs_log10_diff": diff,
        "tables_same_impossible_pairs": same_inf,
        "tables_general_ms_all_estimated": general_ms * len(queries) / len(base),
        "tables_batched_ms_all": all_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--children", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-families", type=int, default=200)
    args = parser.parse_args()
    out: dict[str, object] = {}

    table, families, typed, children = build(4, 4, 3, 8, args.seed)
    start = time.perf_counter()
    best, count = exhaustive(children, families, typed, table)
    out["small_exhaustive_ms"] = (time.perf_counter() - start) * 1e3
    start = time.perf_counter()
    result = identify(children, families, typed, table, threshold=1e-300,
                      dominance=math.inf, siblings=False, prune_log10=-math.inf)
    out["small_engine_ms"] = (time.perf_counter() - start) * 1e3
    out["small_assignments_enumerated"] = count
    out["small_equal"] = bool(abs(result.joint_log10_lr - best) < 1e-9)

    table, families, typed, children = build(args.families, args.children, 60, 20, args.seed)
    out.update(tables_side_by_side(children, families, typed, table,
                                   min(args.baseline_families, args.families)))
    start = time.perf_counter()
    result = identify(children, families, typed, table, threshold=1000.0)
    out["large_ms"] = (time.perf_counter() - start) * 1e3
    out["large_tables_and_undisputed_ms"] = \
        result.timings_s["pairwise_tables_and_undisputed"] * 1e3
    out["large_assignment_ms"] = result.timings_s["assignment"] * 1e3
    truth = {(c.id, c.id.split("-", 1)[1]) for c in children if c.id.startswith("F")}
    found = {(a.child, a.missing) for a in result.assignments}
    same_family = {(a.child, a.family) for a in result.assignments}
    out["large_right_family"] = sum(1 for c, f in same_family if c.split("-")[0] == f)
    out["large_size"] = f"{len(children)} children x {len(families)} families"
    out["large_true_found"] = len(found & truth)
    out["large_true"] = len(truth)
    out["large_false"] = len(found - truth)
    out["large_undisputed"] = len(result.undisputed)
    out["large_method"] = result.method

    print(f"{'measure':32} value")
    for key, value in out.items():
        text = f"{value:.1f}" if isinstance(value, float) else str(value)
        print(f"{key:32} {text}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
