"""Batch matching on Dask against the single-process search, side by side in one run.

Simulated data (seeded): ``--children`` children (the first 50 with a true parent among
the references) against ``--references`` references, parent-child, with the registry's
model (theta 0.01, stepwise mutation). Three runs on the same data:

1. the kinship engine in this process: one ``ProfileIndex`` over all references, one
   ``search`` per child (Numba on every core);
2. ``homeward.batch.engine`` on a ``LocalCluster`` of ``--workers`` processes, one thread
   each: blocks of ``--partition-size`` references, each scored by ``--child-chunks``
   ranges of the children (default: twice the workers, as ``homeward batch match``);
3. the same Dask job where one task kills its worker process (``os._exit``) the first
   time it runs: Dask re-runs it on a fresh worker, and the hits must be identical;
4. the previous layout for comparison: blocks of 250,000 references, every child in
   every block (each child pays the search's fixed cost once per block).

Prints a table and a final JSON line (``dask_overhead_ratio`` = Dask seconds / single-
process seconds, goal <= 1.2).

Usage: ``python benchmarks/batch.py [--children 5000] [--references 1000000]``
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from homeward.batch.cluster import dask_client
from homeward.batch.engine import (
    SearchContext,
    child_chunks,
    merge_top_k,
    partition_blocks,
    peak_memory_per_worker,
    run_partitions,
    score_partition,
)
from homeward.batch.job import CHUNKS_PER_THREAD, DEFAULT_PARTITION_SIZE
from homeward.config import Settings
from homeward.kinship import simulate
from homeward.kinship.model import build_locus_models
from homeward.kinship.search import ProfileIndex
from homeward.workflow.profile_store import kinship_setup

TRUE_PAIRS = 50
K = 20


def make_data(n_children: int, n_references: int, seed: int):
    table, model, loci = kinship_setup(Settings())
    models = list(build_locus_models(table, model, loci).values())
    rng = np.random.default_rng(seed)
    references = simulate.founders(models, n_references, rng)
    child, parent = simulate.related("parent-child", models, TRUE_PAIRS, rng)
    where = rng.choice(n_references, TRUE_PAIRS, replace=False)
    references[:, :, where] = parent
    others = simulate.founders(models, n_children - TRUE_PAIRS, rng)
    children = simulate.to_profiles(np.concatenate([child, others], axis=2), models,
                                    [f"C{i:06d}" for i in range(n_children)])
    ids = [f"R{i:08d}" for i in range(n_references)]
    return table, model, loci, simulate.genotype_codes(references), ids, children


def single_process(table, model, loci, codes, ids, children):
    index = ProfileIndex.from_codes(codes, ids, table, loci, model)
    start = time.perf_counter()
    found = {child.sample_id: [(h.sample_id, h.log10_lr) for h in
                               index.search(child, "parent-child", k=K).hits]
             for child in children}
    return found, time.perf_counter() - start


def _kill_once(marker: str):
    def score(context, block):
        if block.partition == 1 and not Path(marker).exists():
            Path(marker).write_text(str(os.getpid()))
            os._exit(1)
        return score_partition(context, block)

    return score


def on_dask(client, context, blocks, token, score=score_partition):
    start = time.perf_counter()
    results = list(run_partitions(client, context, blocks, token=token, score=score))
    seconds = time.perf_counter() - start
    merged = merge_top_k([h for r in results for h in r.hits], K)
    return ({c.sample_id: [(h.sample_id, h.log10_lr) for h in merged.get(c.sample_id, [])]
             for c in context.children}, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=5_000)
    parser.add_argument("--references", type=int, default=1_000_000)
    parser.add_argument("--partition-size", type=int, default=DEFAULT_PARTITION_SIZE)
    parser.add_argument("--child-chunks", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    console = Console()
    table, model, loci, codes, ids, children = make_data(args.children, args.references,
                                                          args.seed)
    pairs = args.children * args.references
    # warm the compiled kernels here (the workers load them from Numba's cache)
    single_process(table, model, loci, codes[:, :1000], ids[:1000], children[:2])
    single, single_s = single_process(table, model, loci, codes, ids, children)
    chunks = args.child_chunks or CHUNKS_PER_THREAD * args.workers
    blocks = child_chunks(partition_blocks(codes, ids, args.partition_size), len(children),
                          chunks)
    old_blocks = partition_blocks(codes, ids, 250_000)
    context = SearchContext("parent-child", table, tuple(loci), model, tuple(children), K)
    with dask_client(n_workers=args.workers) as client:
        start = time.perf_counter()
        client.run(lambda: __import__("homeward.batch.engine"))  # workers import once
        startup_s = time.perf_counter() - start
        dask, dask_s = on_dask(client, context, blocks, "bench")
        memory = peak_memory_per_worker(client)
        with tempfile.TemporaryDirectory() as folder:
            marker = str(Path(folder) / "killed")
            killed, killed_s = on_dask(client, context, blocks, "bench-kill",
                                       _kill_once(marker))
            worker_killed = Path(marker).exists()
        old, old_s = on_dask(client, context, old_blocks, "bench-old")
    same_as_single = dask == single
    same_after_kill = killed == dask
    rows = [("single process (kinship engine)", single_s, pairs / single_s),
            (f"Dask, {args.workers} workers, {len(blocks)} partitions "
             f"({len(blocks) // chunks} blocks x {chunks} ranges of children)", dask_s,
             pairs / dask_s),
            ("Dask, one worker killed mid-job", killed_s, pairs / killed_s),
            (f"Dask, previous layout: {len(old_blocks)} blocks of 250,000, all children "
             "in each", old_s, pairs / old_s)]
    out = Table(title=f"{args.children:,} children x {args.references:,} references "
                      f"(parent-child, top {K})")
    out.add_column("run")
    out.add_column("seconds", justify="right")
    out.add_column("comparisons/s", justify="right")
    for name, seconds, rate in rows:
        out.add_row(name, f"{seconds:.1f}", f"{rate:,.0f}")
    console.print(out)
    peak_mb = {w: round(v / 2**20, 1) for w, v in memory.items()}
    console.print(f"peak memory per worker (MB): {peak_mb}; cluster start {startup_s:.1f} s "
                  f"(not counted); results equal single process: {same_as_single}; after "
                  f"a kill: {same_after_kill} (worker killed: {worker_killed})")
    print(json.dumps({
        "children": args.children, "references": args.references,
        "partitions": len(blocks), "workers": args.workers,
        "single_seconds": round(single_s, 2), "dask_seconds": round(dask_s, 2),
        "dask_killed_worker_seconds": round(killed_s, 2),
        "single_comparisons_per_second": round(pairs / single_s),
        "dask_comparisons_per_second": round(pairs / dask_s),
        "dask_overhead_ratio": round(dask_s / single_s, 3),
        "dask_previous_layout_seconds": round(old_s, 2),
        "dask_previous_layout_ratio": round(old_s / single_s, 3),
        "previous_layout_results_equal": old == single,
        "peak_memory_per_worker_mb": max(peak_mb.values()),
        "results_equal_single_process": same_as_single,
        "worker_killed": worker_killed, "results_equal_after_kill": same_after_kill,
    }))


if __name__ == "__main__":
    main()
