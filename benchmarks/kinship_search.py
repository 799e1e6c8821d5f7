"""Kinship search speed: one query against a million reference profiles.

Prints a table and a final JSON line. Figures, all per query, top-10:

* ``floor_ms``: one read of the genotype arrays (``.max()`` over a uint64 view): the
  memory-bandwidth floor of any search;
* ``numpy_ms``: a plain NumPy gather-and-sum over per-locus tables (the baseline);
* ``duo_ms``: Homeward's duo search (child vs N references) by full scan, end to end;
* ``trio_ms``: child vs N couples (both alleged parents) by full scan, end to end;
* ``trio_first_query_ms``: the same for children never searched before, whose per-locus
  couple tables are built first (median of five);
* ``duo_index_ms``, ``trio_index_ms``: the same two queries, end to end (filter, scoring,
  top-k), through the allele bitsets (at most 2 inconsistent loci), and their ratios to
  the floor (goals: 0.5 and 1); ``duo_index_new_children_ms``: the median over children
  never searched before; ``*_index_scored``: the references that passed the filter;
* ``index_bytes_per_profile`` (``couple_index_bytes_per_couple``), ``index_build_ms``:
  the bitsets' size and build time; ``index_add_us``: median time to append one profile
  to them, ``index_grow_ms`` the one append that doubled the storage;
  ``profile_add_ms``: ``ProfileIndex.add_profiles`` of one profile at N (it still copies
  the code arrays);
* ``per_pair_ms_per_1m``: the per-pair Python function on 10,000 pairs, scaled to 1M;
* ``duo_10m_ms``, ``duo_index_10m_ms``: duo search (scan, bitsets) over 10 million
  profiles held in memory.

Usage: ``python benchmarks/kinship_search.py [--n 1000000] [--loci 20] [--no-10m]``
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np
from rich.console import Console
from rich.table import Table

from homeward.kinship import simulate
from homeward.kinship.bitset_index import AlleleBitsets
from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.loci import CODIS_20
from homeward.kinship.lr import kinship_lr
from homeward.kinship.model import KinshipModel, build_locus_models
from homeward.kinship.search import CoupleIndex, ProfileIndex


def best_ms(function, repeat: int = 7) -> float:
    return best_of_each({"only": function}, repeat)["only"]


def best_of_each(functions: dict, repeat: int = 15) -> dict[str, float]:
    """Best time of each function, the functions taking turns: a slow spell of a shared
    machine then falls on all of them alike, so that their ratios hold."""
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(repeat):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - start) * 1000.0)
    return {name: min(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--loci", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-10m", action="store_true", help="skip the 10M-profile run")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    table = load_packaged_table()
    model = KinshipModel()
    loci = list(CODIS_20[: args.loci])
    models = list(build_locus_models(table, model, loci).values())
    child, father, mother = simulate.related("trio", models, 1, rng, mutate=False)
    people = simulate.founders(models, args.n, rng)
    people[:, :, 12345] = father[:, :, 0]
    codes = simulate.genotype_codes(people)
    ids = [f"R{i}" for i in range(args.n)]
    index = ProfileIndex.from_codes(codes, ids, table, loci, model)
    query = simulate.to_profiles(child, models, ["query"])[0]

    view = codes.view(np.uint64)

    query_codes = index.encode(query)
    rows = [index.pair_table(index_rel, i)[0][query_codes[i]].astype(np.float32)
            for i, index_rel in enumerate([__import__("homeward.kinship.relationships",
                                           fromlist=["PRESETS"]).PRESETS["parent-child"]]
                                          * len(loci))]

    clipped = [np.maximum(row, -1e30) for row in rows]
    gathered = np.empty(args.n, dtype=np.float32)

    def numpy_search():
        total = np.zeros(args.n, dtype=np.float32)
        for i, row in enumerate(clipped):
            np.take(row, codes[i], out=gathered)
            np.add(total, gathered, out=total)
        return np.argpartition(total, -10)[-10:]

    numpy_ms = best_ms(numpy_search, 5)
    index.search(query, "parent-child", k=10, max_inconsistent=None)  # compile, tables
    top = index.search(query, "parent-child", k=10, max_inconsistent=None).hits[0]
    stored_bytes = index.codes.nbytes + index.packed_codes()[1].nbytes
    AlleleBitsets.from_codes(codes[:, :64])  # compile the kernels outside the timing
    start = time.perf_counter()
    index_bytes = index.allele_bitsets().bytes_per_profile()
    index_build_ms = (time.perf_counter() - start) * 1000.0
    top_index = index.search(query, "parent-child", k=10)

    mothers = simulate.founders(models, args.n, rng)
    mothers[:, :, 777] = mother[:, :, 0]
    fathers = people.copy()
    fathers[:, :, 777] = father[:, :, 0]
    couples = CoupleIndex.from_codes(index, simulate.genotype_codes(fathers),
                                     simulate.genotype_codes(mothers),
                                     [(f"R{i}", f"W{i}") for i in range(args.n)])
    couples.search(query, k=10, max_inconsistent=None)
    top_couple_index = couples.search(query, k=10)
    best = best_of_each({
        "floor": lambda: view.max(),
        "duo": lambda: index.search(query, "parent-child", k=10, max_inconsistent=None),
        "trio": lambda: couples.search(query, k=10, max_inconsistent=None),
        "duo_index": lambda: index.search(query, "parent-child", k=10),
        "trio_index": lambda: couples.search(query, k=10),
    }, 31)
    floor_ms, duo_ms, trio_ms = best["floor"], best["duo"], best["trio"]
    duo_index_ms, trio_index_ms = best["duo_index"], best["trio_index"]
    top_couple = couples.search(query, k=10, max_inconsistent=None).hits[0]
    couple_bytes = couples.joint_codes.nbytes + couples.codes_ab.nbytes
    couple_index_bytes = sum(b.bytes_per_profile() for b in couples.bitsets)
    # a child never searched before: its per-locus couple tables are built first
    new_children = simulate.to_profiles(simulate.founders(models, 5, rng), models,
                                        [f"new{i}" for i in range(5)])
    first_times = []
    for new_child in new_children:
        start = time.perf_counter()
        couples.search(new_child, k=10, max_inconsistent=None)
        first_times.append((time.perf_counter() - start) * 1000.0)
    trio_first_ms = float(np.median(first_times))
    del fathers, mothers
    # children never searched before: other bitset rows, not warm in the caches
    fresh = simulate.to_profiles(simulate.founders(models, 21, rng), models,
                                 [f"fresh{i}" for i in range(21)])
    index.search(fresh[0], "parent-child", k=10)
    fresh_times = []
    for new_child in fresh[1:]:
        start = time.perf_counter()
        index.search(new_child, "parent-child", k=10)
        fresh_times.append((time.perf_counter() - start) * 1000.0)
    duo_fresh_ms = float(np.median(fresh_times))
    add_us, grow_ms = _append_costs(codes, rng)
    extra = simulate.to_profiles(simulate.founders(models, 1, rng), models, ["added"])
    start = time.perf_counter()
    index.add_profiles(extra)
    profile_add_ms = (time.perf_counter() - start) * 1000.0

    sample = simulate.to_profiles(people[:, :, :10_000], models,
                                  [f"R{i}" for i in range(10_000)])
    start = time.perf_counter()
    for reference in sample:
        kinship_lr((query, reference), "parent-child", table, model=model)
    per_pair_ms = (time.perf_counter() - start) * 1000.0 * args.n / 10_000

    duo_10m_ms = duo_index_10m_ms = None
    if not args.no_10m:
        del people, index
        big_codes = np.empty((len(loci), 10 * args.n), dtype=np.uint16)
        for part in range(10):
            chunk = simulate.founders(models, args.n, rng)
            big_codes[:, part * args.n:(part + 1) * args.n] = simulate.genotype_codes(chunk)
        big = ProfileIndex.from_codes(big_codes, [f"B{i}" for i in range(10 * args.n)],
                                      table, loci, model)
        big.search(query, "parent-child", k=10, max_inconsistent=None)
        big.search(query, "parent-child", k=10)
        big_best = best_of_each({
            "scan": lambda: big.search(query, "parent-child", k=10, max_inconsistent=None),
            "index": lambda: big.search(query, "parent-child", k=10),
        }, 3)
        duo_10m_ms, duo_index_10m_ms = big_best["scan"], big_best["index"]

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "n_profiles": args.n, "loci": len(loci),
        "bytes_per_allele": round(stored_bytes / (args.n * len(loci) * 2), 3),
        "floor_ms": round(floor_ms, 3), "numpy_ms": round(numpy_ms, 3),
        "duo_ms": round(duo_ms, 3), "trio_ms": round(trio_ms, 3),
        "trio_first_query_ms": round(trio_first_ms, 3),
        "couple_bytes_per_allele": round(couple_bytes / (args.n * len(loci) * 4), 3),
        "per_pair_ms_per_1m": round(per_pair_ms, 1),
        "duo_10m_ms": None if duo_10m_ms is None else round(duo_10m_ms, 3),
        "duo_vs_floor": round(duo_ms / floor_ms, 2), "trio_vs_duo": round(trio_ms / duo_ms, 2),
        "true_parent_found": top.sample_id == "R12345",
        "true_couple_found": top_couple.sample_id == "R777",
        "duo_index_ms": round(duo_index_ms, 3),
        "duo_index_vs_floor": round(duo_index_ms / floor_ms, 2),
        "duo_index_new_children_ms": round(duo_fresh_ms, 3),
        "trio_index_ms": round(trio_index_ms, 3),
        "trio_index_vs_floor": round(trio_index_ms / floor_ms, 2),
        "duo_index_scored": top_index.params["profiles_scored"],
        "trio_index_scored": top_couple_index.params["profiles_scored"],
        "index_method": [top_index.params["method"], top_couple_index.params["method"]],
        "index_bytes_per_profile": round(index_bytes, 2),
        "couple_index_bytes_per_couple": round(couple_index_bytes, 2),
        "index_build_ms": round(index_build_ms, 1),
        "index_add_us": round(add_us, 2), "index_grow_ms": round(grow_ms, 2),
        "profile_add_ms": round(profile_add_ms, 2),
        "duo_index_10m_ms": None if duo_index_10m_ms is None else round(duo_index_10m_ms, 3),
        "true_parent_found_index": top_index.hits[0].sample_id == "R12345",
        "true_couple_found_index": top_couple_index.hits[0].sample_id == "R777",
        "max_rss_mb": round(rss_mb),
    }
    out = Table(title=f"Kinship search, {args.n:,} profiles x {len(loci)} loci, top-10")
    out.add_column("measure")
    out.add_column("ms per query", justify="right")
    out.add_row("memory floor (one read of the codes)", f"{floor_ms:.2f}")
    out.add_row("NumPy gather-and-sum (baseline)", f"{numpy_ms:.2f}")
    out.add_row("Homeward duo search, full scan", f"{duo_ms:.2f}")
    out.add_row("Homeward duo search, allele bitsets", f"{duo_index_ms:.2f}")
    out.add_row("  the same, children never searched (median)", f"{duo_fresh_ms:.2f}")
    out.add_row("Homeward child vs couples (trio), full scan", f"{trio_ms:.2f}")
    out.add_row("Homeward child vs couples (trio), allele bitsets", f"{trio_index_ms:.2f}")
    out.add_row("child vs couples, a child's first search (scan)", f"{trio_first_ms:.2f}")
    out.add_row("per-pair Python loop, scaled to N", f"{per_pair_ms:,.0f}")
    out.add_row("bitsets: build for N profiles", f"{index_build_ms:.1f}")
    out.add_row("bitsets: append one profile (median)", f"{add_us / 1000.0:.4f}")
    out.add_row("ProfileIndex.add_profiles, one profile", f"{profile_add_ms:.2f}")
    if duo_10m_ms is not None and duo_index_10m_ms is not None:
        out.add_row("duo search, 10M profiles, full scan", f"{duo_10m_ms:.2f}")
        out.add_row("duo search, 10M profiles, allele bitsets", f"{duo_index_10m_ms:.2f}")
    Console().print(out)
    print(json.dumps(figures))


def _append_costs(codes: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    """Median microseconds to append one profile to bitsets of all of ``codes``, and the
    milliseconds of the one append (of 2,000) that doubled the storage."""
    bitsets = AlleleBitsets.from_codes(codes)
    picks = rng.integers(0, codes.shape[1], size=2000)
    times = []
    for person in picks:
        column = codes[:, person:person + 1]
        start = time.perf_counter()
        bitsets.append(column)
        times.append((time.perf_counter() - start) * 1e6)
    return float(np.median(times)), max(times) / 1000.0


if __name__ == "__main__":
    main()
