"""Investigations at scale: rings in a 1,000,000-edge network, entity resolution of 200,000
persons, each beside its baseline in the same run.

Rings: networks with planted rings (investigations.simulate), detected by components and
Louvain communities, beside components alone (the baseline: no community step); time,
peak memory (resident set growth) and recall of the planted rings. Entity resolution: the
blocked pipeline (investigations.resolution) over 200,000 records with planted duplicates
(time, pairs compared, precision, recall), beside the naive comparison of all pairs on a
5,000-record sample, scaled up by (N / 5,000)^2.

    .venv/bin/python benchmarks/investigations.py [--edges 1000000] [--people 200000]
"""

from __future__ import annotations

import argparse
import json
import resource
import time

import networkx as nx
import numpy as np
import recordlinkage
from rich.console import Console
from rich.table import Table

from homeward.investigations.graph import link_graph
from homeward.investigations.resolution import PROPOSE_AT, _frame, compare, resolve, score_vectors
from homeward.investigations.rings import detect_rings
from homeward.investigations.simulate import jaccard, planted_network, planted_people

console = Console()
EDGES_PER_RING = 18.5  # the planted generator's average, measured


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _recall(found: list[set[str]], truth: list[set[str]]) -> float:
    by_member = {m: i for i, f in enumerate(found) for m in f}
    hits = 0
    for ring in truth:
        candidates = {by_member[m] for m in ring if m in by_member}
        hits += any(jaccard(found[i], ring) >= 0.8 for i in candidates)
    return hits / len(truth)


def rings_benchmark(edges: int, out: dict, rows: list) -> None:
    started = time.perf_counter()
    network = planted_network(rings=int(edges / EDGES_PER_RING), seed=1,
                              bridges=int(edges / EDGES_PER_RING / 4))
    out["network_edges"] = len(network.edges)
    out["generate_s"] = time.perf_counter() - started
    before = _rss_mb()
    started = time.perf_counter()
    graph = link_graph(network.edges, {n: v.kind for n, v in network.nodes.items()})
    components = [set(c) for c in nx.connected_components(graph) if len(c) >= 2]
    out["components_s"] = time.perf_counter() - started
    out["components_recall"] = _recall(components, network.rings)
    del graph
    rows.append(("rings", "components only (baseline)", f"{len(components):,} groups",
                 f"recall {out['components_recall']:.3f}", out["components_s"]))
    started = time.perf_counter()
    rings = detect_rings(network.edges, network.nodes)
    out["rings_s"] = time.perf_counter() - started
    out["rings_peak_rss_growth_mb"] = _rss_mb() - before
    out["rings_recall"] = _recall([set(r.members) for r in rings], network.rings)
    rows.append(("rings", "components + Louvain + rejoin", f"{len(rings):,} rings",
                 f"recall {out['rings_recall']:.3f}", out["rings_s"]))


def _score(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float]:
    hits = len(found & truth)
    return hits / max(len(found), 1), hits / max(len(truth), 1)


def resolution_benchmark(people: int, sample: int, out: dict, rows: list) -> None:
    planted = planted_people(people, seed=2)
    started = time.perf_counter()
    result = resolve(planted.records)
    out["er_s"] = time.perf_counter() - started
    out["er_pairs"] = result.pairs_compared
    out["er_precision"], out["er_recall"] = _score(
        {(p.left, p.right) for p in result.proposed}, planted.duplicates)
    rows.append(("resolution", f"blocked, {people:,} records", f"{result.pairs_compared:,} pairs",
                 f"P {out['er_precision']:.3f} R {out['er_recall']:.3f}", out["er_s"]))
    small = planted_people(sample, seed=2)
    frame = _frame(small.records)
    full = recordlinkage.Index()
    full.full()
    pairs = full.index(frame)
    started = time.perf_counter()
    found: set[tuple[str, str]] = set()
    rows_of = frame["record"].to_numpy()
    for chunk in range(0, len(pairs), 500_000):
        part = pairs[chunk:chunk + 500_000]
        scores = score_vectors(compare(frame, part))
        for i in np.flatnonzero(scores >= PROPOSE_AT):
            a = small.records[rows_of[part.get_level_values(0)[i]]].node_id
            b = small.records[rows_of[part.get_level_values(1)[i]]].node_id
            if a != b:
                found.add(tuple(sorted((a, b))))
    naive_s = time.perf_counter() - started
    out["naive_sample_s"] = naive_s
    out["naive_sample_pairs"] = len(pairs)
    out["naive_scaled_s"] = naive_s * (people / sample) ** 2
    out["naive_precision"], out["naive_recall"] = _score(found, small.duplicates)
    rows.append(("resolution", f"all pairs, {sample:,} sample", f"{len(pairs):,} pairs",
                 f"P {out['naive_precision']:.3f} R {out['naive_recall']:.3f}", naive_s))
    rows.append(("resolution", f"all pairs scaled to {people:,}",
                 f"{len(pairs) * (people / sample) ** 2:,.0f} pairs", "", out["naive_scaled_s"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=5_000)
    args = parser.parse_args()
    out: dict[str, float] = {}
    rows: list[tuple[str, str, str, str, float]] = []
    rings_benchmark(args.edges, out, rows)
    resolution_benchmark(args.people, args.sample, out, rows)
    table = Table(title="Investigations: rings and entity resolution at scale")
    for column in ("job", "method", "size", "quality", "seconds"):
        table.add_column(column)
    for job, method, size, quality, seconds in rows:
        table.add_row(job, method, size, quality, f"{seconds:,.1f}")
    console.print(table)
    print(json.dumps({k: round(v, 4) for k, v in out.items()}))


if __name__ == "__main__":
    main()
