"""``homeward exchange ...``: convert lab files to and from the layouts other programs use.

EuroForMix, Familias, dvir and STRidER exchange profiles, frequency tables and pedigrees in
their own layouts; these commands read any of them (detected from the file) and write the
one asked for, on stdout or to ``--out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from homeward.kinship.errors import InputError
from homeward.kinship.familias import read_familias
from homeward.kinship.familias_families import export_families
from homeward.kinship.frequencies import DEFAULT_TABLE, resolve_frequency_table
from homeward.kinship.readers import read_profiles
from homeward.kinship.writers import (
    PROFILE_LAYOUTS,
    TABLE_LAYOUTS,
    familias_case,
    write_familias,
    write_families_table,
    write_frequency_table,
    write_profiles,
)

app = typer.Typer(no_args_is_help=True,
                  help="Convert profiles, frequency tables and Familias files.")

OutOption = Annotated[Path | None, typer.Option("--out", "-o",
                                                help="Write here (default: stdout).")]


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")


@app.command("frequencies")
def frequencies_command(
    table: Annotated[str, typer.Argument(
        help="A table in any layout, FILE#POPULATION for a STRidER export, or a shipped "
             "table name.")],
    to: Annotated[str, typer.Option("--to", help=f"One of {', '.join(TABLE_LAYOUTS)}.")]
    = "long",
    delimiter: Annotated[str, typer.Option(
        "--delimiter", help="Cell delimiter of the euroformix grid (',' or ';').")] = ",",
    out: OutOption = None,
) -> None:
    """Write a frequency table as long CSV, a EuroForMix/Familias grid or a .fam database."""
    if delimiter not in (",", ";", "\t"):
        raise InputError(f"delimiter {delimiter!r} is not ',', ';' or a tab")
    _emit(write_frequency_table(resolve_frequency_table(table), to, delimiter=delimiter), out)


@app.command("profiles")
def profiles_command(
    profiles: Annotated[Path, typer.Argument(help="Profiles in any layout (or a .fam).")],
    to: Annotated[str, typer.Option(
        "--to", help=f"One of {', '.join(PROFILE_LAYOUTS)} or familias.")] = "long",
    frequencies: Annotated[str, typer.Option(
        "--frequencies", "-f", help="The database of a familias file.")] = DEFAULT_TABLE,
    out: OutOption = None,
) -> None:
    """Write profiles as long CSV, EuroForMix references or a Familias case."""
    profile_set = read_profiles(profiles)
    if to == "familias":
        table = resolve_frequency_table(frequencies)
        _emit(write_familias(familias_case(profile_set.values(), table)), out)
    else:
        _emit(write_profiles(profile_set.values(), to), out)


@app.command("families")
def families_command(
    fam: Annotated[Path, typer.Argument(help="A Familias .fam file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The families table CSV.")],
    references: Annotated[Path | None, typer.Option(
        "--references", help="Write the typed references' profiles here.")] = None,
    unidentified: Annotated[Path | None, typer.Option(
        "--unidentified", help="Write the unidentified persons' profiles here.")] = None,
    pedigree: Annotated[list[str] | None, typer.Option(
        "--pedigree", help="FAMILY=PEDIGREE: the pedigree to use for a family.")] = None,
    missing: Annotated[list[str] | None, typer.Option(
        "--missing", help="A missing person (default: untyped names starting 'Missing').")]
    = None,
) -> None:
    """Turn a .fam file into the families table of 'homeward kinship identify'."""
    chosen = {}
    for item in pedigree or []:
        family, sign, name = item.partition("=")
        if not sign:
            raise InputError(f"--pedigree {item!r} is not FAMILY=PEDIGREE")
        chosen[family] = name
    exported = export_families(read_familias(fam), pedigrees=chosen,
                               missing=missing or None)
    out.write_text(write_families_table(exported.rows), encoding="utf-8")
    if references is not None:
        references.write_text(write_profiles(exported.references.values()), encoding="utf-8")
    if unidentified is not None:
        unidentified.write_text(write_profiles(exported.unidentified.values()),
                                encoding="utf-8")
