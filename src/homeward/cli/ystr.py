"""``homeward kinship ystr ...``: paternal-lineage (Y-STR) comparison and search.

The Y-STR LR is a separate signal: it is printed beside, never multiplied with, the
autosomal LR of ``homeward kinship lr`` / ``search``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from homeward.kinship.errors import ModelError
from homeward.kinship.frequencies import DEFAULT_TABLE, resolve_frequency_table
from homeward.kinship.lr import kinship_lr
from homeward.kinship.readers import read_profiles
from homeward.kinship.ystr import format_call
from homeward.kinship.ystr_frequency import (
    DEFAULT_METHOD,
    PACKAGED_DATABASE,
    HaplotypeDatabase,
    load_packaged_database,
)
from homeward.kinship.ystr_lineage import PATERNAL_MEIOSES, LineageLR, lineage_lr
from homeward.kinship.ystr_readers import read_haplotypes
from homeward.kinship.ystr_search import YIndex, YSearchResult, beside_autosomal

app = typer.Typer(no_args_is_help=True,
                  help="Paternal lineage (Y-STR): compare haplotypes, search relatives.")
console = Console()

PopulationOption = Annotated[str, typer.Option(
    "--population",
    help=f"Population haplotype CSV (YHRD-style wide or long) or a shipped name (default "
         f"{PACKAGED_DATABASE}, SIMULATED demo data).")]
MethodOption = Annotated[str, typer.Option(
    "--method", help="Haplotype frequency: discrete-laplace or kappa.")]
GenerationsOption = Annotated[str, typer.Option(
    "--generations", "-g",
    help="Meioses between the men (1 father, 2 grandfather/brother, 3 uncle, 4 first "
         "cousin), a name (father, uncle ...), or 'none' for an exact match without "
         "mutation.")]
ClustersOption = Annotated[int, typer.Option(
    "--max-clusters", help="Most clades tried by the discrete Laplace fit.")]


def parse_generations(text: str) -> int | None:
    """``"2"`` -> 2, ``"uncle"`` -> 3, ``"none"`` -> None."""
    value = text.strip().lower()
    if value == "none":
        return None
    if value.isdigit():
        return int(value)
    if value in PATERNAL_MEIOSES:
        return PATERNAL_MEIOSES[value]
    raise ModelError(f"--generations {text!r}: give a number of meioses, 'none' or one of "
                     f"{', '.join(PATERNAL_MEIOSES)}")


def population_database(spec: str, max_clusters: int) -> HaplotypeDatabase:
    path = Path(spec)
    if path.is_file():
        return HaplotypeDatabase(read_haplotypes(path), name=path.name,
                                 max_clusters=max_clusters)
    if spec.endswith((".csv", ".tsv", ".txt")):
        raise ModelError(f"population file {spec!r} does not exist")
    return load_packaged_database(spec, max_clusters=max_clusters)


def _fmt(value: float) -> str:
    if value == 0:
        return "0"
    return f"{value:.4g}" if 1e-3 <= value < 1e5 else f"{value:.3e}"


def _autosomal(path: Path, query: str, result: YSearchResult, relationship: str,
               frequencies: str) -> dict[str, float]:
    """The autosomal log10 LR of the boy with each Y hit that has an autosomal profile."""
    profiles = read_profiles(path)
    if query not in profiles:
        raise ModelError(f"{path}: no autosomal profile for the boy {query!r}")
    table = resolve_frequency_table(frequencies)
    return {hit.sample_id: kinship_lr([profiles[query], profiles[hit.sample_id]],
                                      relationship, table).log10_lr
            for hit in result.hits if hit.sample_id in profiles}


def print_comparison(result: LineageLR) -> None:
    comparison = result.comparison
    table = Table(title=f"Y-STR: {comparison.query_id} against {comparison.reference_id}")
    for column in ("Marker", comparison.query_id, comparison.reference_id, "difference",
                   "P(difference | H1)"):
        table.add_column(column, justify="left" if column == "Marker" else "right")
    for marker, diff in comparison.loci.items():
        kind = diff.kind if diff.kind != "stepwise" else f"{diff.steps} step(s)"
        if diff.compared_as:
            kind += f" (as {diff.compared_as})"
        table.add_row(marker, format_call(diff.query), format_call(diff.reference), kind,
                      _fmt(result.per_locus[marker]))
    console.print(table)
    frequency = result.frequency
    console.print(f"Markers compared: {comparison.loci_compared}   mismatches: "
                  f"{comparison.mismatches}   steps: {comparison.steps}")
    if comparison.untyped:
        console.print(f"Typed in one man only (left out): {', '.join(comparison.untyped)}")
    console.print(f"Haplotype frequency of {comparison.reference_id}: {_fmt(frequency.value)} "
                  f"({frequency.method}; {frequency.details.get('source', '')}; database "
                  f"{frequency.details.get('database')}, n = "
                  f"{frequency.details.get('database_size')})")
    if frequency.left_out:
        console.print("Left out of the frequency: " + "; ".join(
            f"{m} ({why})" for m, why in frequency.left_out.items()))
    meioses = ("no mutation" if result.generations is None
               else f"{result.generations} meioses, single-step mutation")
    console.print(f"Lineage LR ({meioses}): {_fmt(result.lr)}"
                  + (f"   log10 LR: {result.log10_lr:.3f}" if result.lr > 0 else ""))
    if result.excluded:
        console.print(f"[red]Not explained by single-step mutation:[/red] "
                      f"{', '.join(result.excluded)}")
    console.print("A Y-STR match is a paternal lineage, not an individual; this LR is not "
                  "multiplied with the autosomal LR.")


@app.command("compare")
def compare_command(
    haplotypes: Annotated[Path, typer.Option("--haplotypes", "-H",
                                             help="Haplotype CSV holding both men.")],
    query: Annotated[str, typer.Option("--query", "-q", help="The boy's sample id.")],
    reference: Annotated[str, typer.Option("--reference", "-r",
                                           help="The family man's sample id.")],
    reference_haplotypes: Annotated[Path | None, typer.Option(
        "--reference-haplotypes", help="File holding the reference (default: --haplotypes).")]
    = None,
    generations: GenerationsOption = "2",
    population: PopulationOption = PACKAGED_DATABASE,
    method: MethodOption = DEFAULT_METHOD,
    max_clusters: ClustersOption = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compare two Y haplotypes: mismatches, steps, haplotype frequency and lineage LR."""
    meioses = parse_generations(generations)
    queries = read_haplotypes(haplotypes)
    references = read_haplotypes(reference_haplotypes) if reference_haplotypes else queries
    boy, man = queries[query], references[reference]
    database = population_database(population, max_clusters)
    result = lineage_lr(boy, man, database, generations=meioses, method=method)
    if as_json:
        print(json.dumps(result.to_dict()))
    else:
        print_comparison(result)


@app.command("search")
def search_command(
    database: Annotated[Path, typer.Option("--database", "-d",
                                           help="Haplotypes of the families' men.")],
    query: Annotated[str, typer.Option("--query", "-q", help="The boy's sample id.")],
    haplotypes: Annotated[Path | None, typer.Option(
        "--haplotypes", help="File holding the query (default: the database file).")] = None,
    top: Annotated[int, typer.Option("--top", "-k")] = 10,
    generations: GenerationsOption = "2",
    max_steps: Annotated[int | None, typer.Option(
        "--max-steps", help="Drop references more than this many steps away.")] = None,
    population: PopulationOption = PACKAGED_DATABASE,
    method: MethodOption = DEFAULT_METHOD,
    max_clusters: ClustersOption = 8,
    profiles: Annotated[Path | None, typer.Option(
        "--profiles", "-p", help="Autosomal profiles of the boy and the men (same sample "
                                 "ids): their autosomal LR is printed beside the Y LR.")]
    = None,
    relationship: Annotated[str, typer.Option(
        "--relationship", "-r", help="The autosomal relationship tested beside the Y "
                                     "lineage (grandparent, avuncular, first-cousins, ...).")]
    = "grandparent",
    frequencies: Annotated[str, typer.Option(
        "--frequencies", "-f", help="Autosomal frequency table (with --profiles).")]
    = DEFAULT_TABLE,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search a boy's Y haplotype against paternal relatives, ranked by lineage LR; with
    ``--profiles``, each man's autosomal LR beside it (two signals, never multiplied)."""
    meioses = parse_generations(generations)
    references = read_haplotypes(database)
    queries = read_haplotypes(haplotypes) if haplotypes else references
    boy = queries[query]
    index = YIndex(references.values(), population_database(population, max_clusters))
    result = index.search(boy, generations=meioses, k=top, method=method, max_steps=max_steps)
    beside = (beside_autosomal(result, _autosomal(profiles, query, result, relationship,
                                                  frequencies)) if profiles else None)
    if as_json:
        print(json.dumps({**result.to_dict(), **({"beside_autosomal": beside}
                                                 if beside is not None else {})}))
        return
    meioses_text = "no mutation" if meioses is None else f"{meioses} meioses"
    out = Table(title=f"Y-STR search of {query} against {result.database_size:,} men "
                      f"({meioses_text}; frequencies {result.params['population']}, {method})")
    columns = ["rank", "reference", "lineage LR", "log10 LR", "mismatches", "steps", "markers"]
    if beside is not None:
        columns.append(f"autosomal log10 LR ({relationship})")
    for column in columns:
        out.add_column(column, justify="left" if column == "reference" else "right")
    autosomal = {row["reference"]: row["autosomal_log10_lr"] for row in beside or []}
    for hit in result.hits:
        cells = [str(hit.rank), hit.sample_id, _fmt(hit.lr),
                 "-inf" if hit.log10_lr is None else f"{hit.log10_lr:.2f}",
                 str(hit.mismatches), str(hit.steps), str(hit.loci_compared)]
        if beside is not None:
            value = autosomal.get(hit.sample_id)
            cells.append("-" if value is None else f"{value:.2f}")
        out.add_row(*cells)
    console.print(out)
    console.print("A separate signal beside the autosomal LR (homeward kinship search); the "
                  "two are not multiplied.")
