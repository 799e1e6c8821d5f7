"""``homeward kinship ...``: likelihood ratios, database search and error-rate studies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from homeward.cli.ystr import app as ystr_app
from homeward.kinship.bitset_index import DEFAULT_MAX_INCONSISTENT
from homeward.kinship.errors import InputError, ModelError
from homeward.kinship.frequencies import (
    DEFAULT_FLOOR,
    DEFAULT_TABLE,
    packaged_tables,
    resolve_frequency_table,
)
from homeward.kinship.gbt37223 import GBT37223, StandardPaternity, standard_paternity_index
from homeward.kinship.loci import CHINESE_KIT_EXTRA, CODIS_20
from homeward.kinship.lr import LikelihoodRatio, kinship_lr
from homeward.kinship.model import KinshipModel
from homeward.kinship.mutation import MutationModel
from homeward.kinship.readers import read_profiles

app = typer.Typer(no_args_is_help=True, help="DNA kinship: LR reports, search, power.")
app.add_typer(ystr_app, name="ystr")
console = Console()

FrequenciesOption = Annotated[str, typer.Option(
    "--frequencies", "-f",
    help=f"Frequency CSV (locus,allele,frequency) or a shipped table name "
         f"(default {DEFAULT_TABLE}; see 'homeward kinship tables').")]
ThetaOption = Annotated[float, typer.Option("--theta", help="Subpopulation correction.")]
MutationOption = Annotated[str | None, typer.Option(
    "--mutation-model", help="equal, proportional or stepwise (default: none).")]
RateOption = Annotated[float, typer.Option("--mutation-rate",
                                           help="Mutation rate per meiosis.")]
FloorOption = Annotated[float, typer.Option(
    "--floor", help="Minimum allele frequency where the table states no N.")]


def build_model(theta: float, mutation_model: str | None, mutation_rate: float) -> KinshipModel:
    mutation = MutationModel(mutation_model, rate=mutation_rate) if mutation_model else None
    return KinshipModel(theta=theta, mutation=mutation)  # type: ignore[arg-type]


def _fmt_lr(value: float) -> str:
    if value == 0:
        return "0"
    if value >= 1e5 or value < 1e-3:
        return f"{value:.3e}"
    return f"{value:.4f}"


def print_report(result: LikelihoodRatio, standard: StandardPaternity | None = None) -> None:
    """A per-locus table like a paternity-test report, then the combined figures; with
    ``standard``, the GB/T 37223-2018 PI beside the LR."""
    persons = result.persons
    table = Table(title=f"Kinship report: {result.relationship.name}")
    table.add_column("Locus")
    for person in persons:
        table.add_column(person)
    table.add_column("LR", justify="right")
    if standard is not None:
        table.add_column(f"PI ({GBT37223})", justify="right")
    table.add_column("", justify="center")
    for locus, entry in result.loci.items():
        cells = ["/".join(g) if g else "-" for g in entry.genotypes]
        cells += [""] * (len(persons) - len(cells))
        flag = "[red]excl.[/red]" if entry.excluded else ""
        pi = [] if standard is None else [
            _fmt_lr(standard.loci[locus].pi) if locus in standard.loci else "-"]
        table.add_row(locus, *cells, _fmt_lr(entry.lr), *pi, flag)
    console.print(table)
    if standard is not None:
        console.print(f"{GBT37223}: CPI {_fmt_lr(standard.cpi)}   RCP {standard.rcp:.6%}   "
                      f"inconsistent loci {standard.inconsistent_loci}   conclusion: "
                      f"{standard.conclusion}")
    log10 = result.log10_lr
    console.print(f"Hypothesis: {result.relationship.describe()}")
    console.print(f"Combined LR: {_fmt_lr(result.lr)}   log10 LR: "
                  f"{'-inf' if log10 == float('-inf') else f'{log10:.3f}'}")
    console.print(f"Posterior probability (prior {result.prior:g}): {result.posterior:.6%}")
    console.print(f"Loci compared: {result.loci_compared}   exclusions: {result.exclusions}")
    if result.skipped_loci:
        skipped = "; ".join(f"{k} ({v})" for k, v in result.skipped_loci.items())
        console.print(f"Skipped loci: {skipped}")
    params = result.params
    console.print(f"Model: theta {params['theta']}, mutation: {params['mutation']}; "
                  f"table {params['frequency_table']}; floor: "
                  f"{', '.join(params['floor_rules'])}")
    if params["floored_alleles"]:
        floored = ", ".join(f"{f['locus']} {f['allele']}" for f in params["floored_alleles"])
        console.print(f"Alleles at the minimum frequency: {floored}")


@app.command("lr")
def lr_command(
    profiles: Annotated[Path, typer.Option("--profiles", "-p", help="Profile CSV.")],
    person1: Annotated[str, typer.Option("--person1", help="The child (person 1).")],
    person2: Annotated[str, typer.Option("--person2", help="Alleged parent or relative.")],
    relationship: Annotated[str, typer.Option(
        "--relationship", "-r",
        help="parent-child, trio, couple, full-siblings, half-siblings, grandparent, "
             "avuncular, first-cousins or kappa:K0,K1,K2")] = "parent-child",
    person3: Annotated[str | None, typer.Option(
        "--person3", help="trio: the known parent; couple: the second alleged parent.")] = None,
    frequencies: FrequenciesOption = DEFAULT_TABLE,
    theta: ThetaOption = 0.0,
    mutation_model: MutationOption = None,
    mutation_rate: RateOption = 0.002,
    prior: Annotated[float, typer.Option("--prior", help="Prior probability.")] = 0.5,
    floor: FloorOption = DEFAULT_FLOOR,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    convention: Annotated[str, typer.Option(
        "--convention", help="forrel (default) or gbt37223: add the PI, CPI, RCP and "
                             "conclusion of GB/T 37223-2018 (parent-child, trio).")]
    = "forrel",
) -> None:
    """Likelihood ratio of a relationship between profiles, locus by locus."""
    if convention not in ("forrel", "gbt37223"):
        raise ModelError(f"unknown convention {convention!r}: use forrel or gbt37223")
    if convention == "gbt37223" and relationship not in ("parent-child", "trio"):
        raise ModelError(f"--convention gbt37223 ({GBT37223}) covers parent-child and trio, "
                         f"not {relationship}")
    profile_set = read_profiles(profiles)
    table = resolve_frequency_table(frequencies, floor=floor)
    ids = [person1, person2] + ([person3] if person3 else [])
    if relationship in ("trio", "couple") and not person3:
        raise ModelError(f"relationship {relationship} needs --person3")
    persons = [profile_set[i] for i in ids]
    result = kinship_lr(persons, relationship, table,
                        model=build_model(theta, mutation_model, mutation_rate), prior=prior)
    standard = (standard_paternity_index(persons, table, mutation_rate=mutation_rate)
                if convention == "gbt37223" else None)
    if as_json:
        document = result.to_dict()
        print(json.dumps(standard.annotate(document) if standard else document))
    else:
        print_report(result, standard)


@app.command("search")
def search_command(
    database: Annotated[Path, typer.Option("--database", "-d",
                                           help="Reference profiles (any CSV layout).")],
    query: Annotated[str, typer.Option("--query", "-q", help="Sample id of the query.")],
    query_profiles: Annotated[Path | None, typer.Option(
        "--query-profiles", help="File holding the query (default: the database file).")]
    = None,
    relationship: Annotated[str, typer.Option("--relationship", "-r")] = "parent-child",
    known_parent: Annotated[str | None, typer.Option(
        "--known-parent", help="trio search: the typed, undisputed parent.")] = None,
    couples: Annotated[Path | None, typer.Option(
        "--couples", help="CSV 'parent1,parent2' of couples for a couple search.")] = None,
    query_role: Annotated[str, typer.Option(
        "--query-role", help="child (search parents) or relative (search children).")]
    = "child",
    top: Annotated[int, typer.Option("--top", "-k")] = 10,
    max_inconsistent: Annotated[int, typer.Option(
        "--max-inconsistent", min=0,
        help="Duo, trio and couple searches: report only references with at most this many "
             "loci inconsistent with parenthood (found through per-allele bitsets).")]
    = DEFAULT_MAX_INCONSISTENT,
    full_scan: Annotated[bool, typer.Option(
        "--full-scan", help="Score every reference, however many loci exclude it.")] = False,
    frequencies: FrequenciesOption = DEFAULT_TABLE,
    theta: ThetaOption = 0.0,
    mutation_model: MutationOption = None,
    mutation_rate: RateOption = 0.002,
    floor: FloorOption = DEFAULT_FLOOR,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Search one profile against a database of profiles (duo, trio, couple, relatives)."""
    from homeward.kinship.search import CoupleIndex, ProfileIndex

    limit = None if full_scan else max_inconsistent

    references = read_profiles(database)
    queries = read_profiles(query_profiles) if query_profiles else references
    table = resolve_frequency_table(frequencies, floor=floor)
    model = build_model(theta, mutation_model, mutation_rate)
    query_profile = queries[query]
    others = [p for p in references.values() if p.sample_id != query]
    index = ProfileIndex.from_profiles(others, table, model=model)
    if couples is not None:
        pairs = []
        for row_number, line in enumerate(couples.read_text().splitlines(), start=1):
            cells = [c.strip() for c in line.split(",")]
            if row_number == 1 and cells[0].lower() in ("parent1", "father", "first"):
                continue
            if len(cells) != 2:
                raise InputError("expected 'parent1,parent2'", source=str(couples),
                                 row=row_number)
            pairs.append((cells[0], cells[1]))
        result = CoupleIndex(index, pairs).search(query_profile, k=top,
                                                  max_inconsistent=limit)
    elif relationship == "trio":
        if not known_parent:
            raise ModelError("a trio search needs --known-parent")
        result = index.search_trio(query_profile, queries[known_parent], k=top,
                                    max_inconsistent=limit)
    else:
        result = index.search(query_profile, relationship, k=top, query_role=query_role,
                              max_inconsistent=limit)
    if as_json:
        print(json.dumps({
            "query": result.query_id, "relationship": result.relationship,
            "database_size": result.database_size,
            "hits": [hit.__dict__ for hit in result.hits], "params": result.params,
        }))
        return
    out = Table(title=f"{result.relationship} search of {query} against "
                      f"{result.database_size:,} references")
    for column in ("rank", "reference", "log10 LR", "loci", "exclusions"):
        out.add_column(column, justify="right" if column != "reference" else "left")
    for hit in result.hits:
        name = hit.sample_id + (f" + {hit.partner_id}" if hit.partner_id else "")
        out.add_row(str(hit.rank), name, f"{hit.log10_lr:.2f}", str(hit.loci_compared),
                    str(hit.exclusions))
    console.print(out)


@app.command("power")
def power_command(
    relationship: Annotated[str, typer.Option("--relationship", "-r")] = "parent-child",
    loci: Annotated[int, typer.Option("--loci", help="Number of loci (CODIS 20 first, "
                                                     "then PentaD, PentaE, D6S1043).")] = 20,
    n_sims: Annotated[int, typer.Option("--n-sims")] = 10_000,
    database_size: Annotated[int, typer.Option("--database-size")] = 1_000_000,
    threshold: Annotated[float, typer.Option("--threshold", help="LR threshold.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed")] = 1,
    frequencies: FrequenciesOption = DEFAULT_TABLE,
    theta: ThetaOption = 0.0,
    mutation_model: MutationOption = None,
    mutation_rate: RateOption = 0.002,
    plot: Annotated[Path | None, typer.Option("--plot", help="Save a PNG histogram.")]
    = Path("kinship-power.png"),
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Error-rate study: log10 LR of true and unrelated pairs, expected false hits."""
    from homeward.kinship.power import lr_power

    table = resolve_frequency_table(frequencies)
    panel = [locus for locus in (*CODIS_20, *CHINESE_KIT_EXTRA) if locus in table][:loci]
    result = lr_power(relationship, table, panel, n_sims=n_sims, seed=seed,
                      model=build_model(theta, mutation_model, mutation_rate),
                      threshold=threshold, database_size=database_size)
    saved = result.plot(plot) if plot else None
    if as_json:
        print(json.dumps({**result.to_dict(), "plot": str(saved) if saved else None}))
        return
    quantiles = result.quantiles()
    out = Table(title=f"{relationship}: log10 LR over {n_sims:,} simulations, "
                      f"{len(panel)} loci ({table.name}), seed {seed}")
    out.add_column("quantile")
    out.add_column(relationship, justify="right")
    out.add_column("unrelated", justify="right")
    for key in quantiles["true"]:
        out.add_row(key, f"{quantiles['true'][key]:.2f}", f"{quantiles['unrelated'][key]:.2f}")
    console.print(out)
    console.print(f"At LR >= {threshold:g}: {result.sensitivity:.2%} of true {relationship} "
                  f"found; false-positive rate {result.false_positive_rate:.2e}")
    console.print(f"Searching a database of {database_size:,}: expected false hits "
                  f"{result.expected_false_hits:.3g} (upper bound N/T = "
                  f"{result.false_hits_upper_bound:.3g})")
    if saved:
        console.print(f"Plot saved to {saved}")


@app.command("tables")
def tables_command() -> None:
    """List the frequency tables shipped with Homeward."""
    for name in packaged_tables():
        print(name)


@app.command("report")
def report_command(
    case: Annotated[int, typer.Option("--case", help="Registry match id.")],
    out: Annotated[Path, typer.Option("--out", help="PDF file to write.")] = Path("report.pdf"),
) -> None:
    """The bilingual paternity report (GB/T 37223-2018) of a confirmed match, as a PDF."""
    from homeward.cli.registry import cli_actor, open_database
    from homeward.registry.db import session_scope
    from homeward.reports.paternity_pdf import render_paternity_report
    from homeward.security.crypto import ProfileCipher
    from homeward.workflow.lab_report import paternity_report

    _, factory = open_database()
    with session_scope(factory) as session:
        data = paternity_report(session, case, actor=cli_actor(),
                                cipher=ProfileCipher.from_settings())
    render_paternity_report(data, out)
    console.print(f"report of match {case} written to {out}")


from homeward.cli.identify import identify_command  # noqa: E402  (it reuses the options above)

app.command("identify")(identify_command)
