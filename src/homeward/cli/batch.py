"""``homeward batch ...``: national-scale jobs on a Dask cluster."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from homeward.batch.engine import RELATIONSHIPS
from homeward.batch.job import DEFAULT_PARTITION_SIZE
from homeward.batch.summary import BatchSummary
from homeward.cli.registry import cli_actor, open_database
from homeward.workflow.matching import CANDIDATES_PER_SEARCH

app = typer.Typer(no_args_is_help=True, help="National-scale jobs on Dask.")
console = Console(stderr=True)


@app.command("match")
def match_command(
    relationship: Annotated[str, typer.Option(
        "--relationship", "-r", help=f"One of {', '.join(RELATIONSHIPS)}.")] = "parent-child",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Address of a running Dask scheduler (tcp://host:8786); "
                            "default: a local cluster.")] = None,
    workers: Annotated[int, typer.Option("--workers",
                                         help="Workers of the local cluster.")] = 2,
    partition_size: Annotated[int, typer.Option(
        "--partition-size", help="References per block.")]
    = DEFAULT_PARTITION_SIZE,
    chunks: Annotated[int | None, typer.Option(
        "--child-chunks", help="Ranges the children are cut into; a partition (one task) "
                               "is a block and a range. Default: twice the cluster's "
                               "threads.")] = None,
    top: Annotated[int, typer.Option("--top", help="Hits kept per child.")]
    = CANDIDATES_PER_SEARCH,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """All found children against all references; hits above the screening LR become
    match candidates, as after a single search. Resumes an unfinished run."""
    from homeward.batch.cluster import dask_client
    from homeward.batch.job import BatchOptions, batch_match
    from homeward.config import get_settings
    from homeward.security.crypto import ProfileCipher

    options = BatchOptions(relationship, partition_size, top, chunks)
    options.check()
    settings = get_settings()
    cipher = ProfileCipher.from_settings(settings)
    _, factory = open_database()
    with dask_client(scheduler, n_workers=workers) as client, Progress(
            "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=console, disable=as_json) as progress:
        task = progress.add_task(f"{relationship}: partitions", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = batch_match(factory, client, cipher=cipher, settings=settings,
                              options=options, actor=cli_actor(), on_partition=advance)
    if as_json:
        print(json.dumps(summary.to_dict(), default=str))
        return
    print_summary(summary)


def print_summary(summary: BatchSummary) -> None:
    out = Console()
    out.print(f"Run {summary.run_id} ({summary.relationship}): {summary.children:,} "
              f"children x {summary.references:,} references in {summary.partitions} "
              f"partitions ({summary.partitions_skipped} done before, skipped); "
              f"{summary.pairs_compared:,} pairs compared, {summary.profiles_scored:,} "
              f"scored after the prefilter; {summary.candidates_created} new candidates.")
    table = Table(title="Candidates and what chance alone would give")
    for column in ("LR threshold", "hits (top-k)", "false-positive rate",
                   "expected false", "upper bound C*N/T"):
        table.add_column(column, justify="right")
    for row in summary.expected_false:
        hits = summary.candidates_per_threshold.get(f"{row.threshold_lr:g}")
        table.add_row(f"{row.threshold_lr:g}", "-" if hits is None else f"{hits:,}",
                      f"{row.false_positive_rate:.2e}", f"{row.expected:.3g}",
                      f"{row.upper_bound:.3g}")
    out.print(table)
    if summary.loci_skipped:
        listed = ", ".join(f"{locus} ({n})" for locus, n in sorted(summary.loci_skipped.items()))
        out.print(f"Loci not in the frequency table, skipped: {listed}")
    stages = ", ".join(f"{name} {seconds:.2f} s"
                       for name, seconds in summary.stage_seconds.items())
    out.print(f"Time per stage: {stages}")
