"""``homeward kinship identify``: joint identification of rescued children (DVI)."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from homeward.cli.kinship import (
    FloorOption,
    FrequenciesOption,
    MutationOption,
    RateOption,
    ThetaOption,
    build_model,
)
from homeward.kinship.areas import area_code
from homeward.kinship.errors import InputError
from homeward.kinship.families import Family, read_children_info, read_families
from homeward.kinship.frequencies import DEFAULT_FLOOR, DEFAULT_TABLE, resolve_frequency_table
from homeward.kinship.joint import JointResult, PriorSettings, RescuedChild, identify
from homeward.kinship.joint_prior import RingContext
from homeward.kinship.profiles import Profile, ProfileSet
from homeward.kinship.readers import read_profiles

console = Console()


def gazetteer_area(text: str) -> str:
    """The area code of an adcode the gazetteer knows, or of a province, prefecture or
    county name (English, pinyin or Chinese: ``Yunnan``, ``昆明市``, ``镇雄县``).

    :raises ValueError: with what to give instead.
    """
    from homeward.intake.places import unit_named
    from homeward.registry.gazetteer import places

    name = text.strip()
    if name.isascii() and name.isdigit():
        code = area_code(name)
        if code.ljust(12, "0") not in places():
            raise ValueError(f"{text!r} is no area code of the gazetteer")
        return code
    unit = unit_named(name)
    if unit is not None and unit.adcode:
        return area_code(unit.adcode)
    named = [p.adcode for p in places().values() if p.name == name]
    if len(named) == 1:
        return area_code(named[0])
    if named:
        raise ValueError(f"{text!r} names {len(named)} places ({', '.join(sorted(named))}); "
                         "give the area code")
    raise ValueError(f"{text!r} is neither an area code (such as 53 or 530100) nor a "
                     "province, prefecture or county of the gazetteer")


def ring_context(areas: str | None, period: str | None) -> RingContext:
    """``--ring-areas CODES`` and ``--ring-period FROM:TO`` as the prior's ring."""
    codes: set[str] = set()
    for item in (areas or "").split(","):
        if item.strip():
            try:
                codes.add(gazetteer_area(item))
            except (ValueError, InputError) as error:
                raise InputError(f"--ring-areas: {error}") from None
    if areas is not None and not codes:
        raise InputError("--ring-areas is empty; give comma-separated area codes, such as "
                         "53,5326")
    bounds: list[dt.date | None] = [None, None]
    if period is not None:
        sides = period.split(":")
        if len(sides) != 2 or not any(s.strip() for s in sides):
            raise InputError(f"--ring-period {period!r} must be FROM:TO (YYYY-MM-DD, either "
                             "side may be empty)")
        for k, side in enumerate(sides):
            try:
                bounds[k] = dt.date.fromisoformat(side.strip()) if side.strip() else None
            except ValueError:
                raise InputError(f"--ring-period {period!r}: {side!r} is not a date "
                                 "(YYYY-MM-DD)") from None
    try:
        return RingContext(frozenset(codes), bounds[0], bounds[1],
                           ("the command line",) if codes or period else ())
    except InputError as error:
        raise InputError(f"--ring-period {period!r}: {error.reason}") from None


def _typed_relatives(families: list[Family], references: ProfileSet, source: str
                     ) -> dict[str, dict[str, Profile]]:
    """Match REFS sample ids to family persons: ``family:person`` first, then ``person``."""
    typed: dict[str, dict[str, Profile]] = {}
    used: set[str] = set()
    ids = set(references)
    for fam in families:
        missing = {m.person for m in fam.missing}
        for pid in fam.pedigree.ids:
            for sample in (f"{fam.id}:{pid}", pid):
                if sample in ids:
                    if pid in missing:
                        raise InputError(f"missing child {pid!r} of family {fam.id!r} has a "
                                         "reference profile", source=source, sample=sample)
                    typed.setdefault(fam.id, {})[pid] = references[sample]
                    used.add(sample)
                    break
    unknown = sorted(s for s in ids if s not in used)
    if unknown:
        raise InputError("reference sample is not a person of any family (its sample id "
                         "must be the family's person id, or family:person)", source=source,
                         sample=unknown[0])
    return typed


def _children(profiles: ProfileSet, info_path: Path | None) -> list[RescuedChild]:
    info = read_children_info(info_path) if info_path else {}
    for child in info:
        if child not in profiles:
            raise InputError("child is not in the children's profiles",
                             source=str(info_path), sample=child)
    out = []
    for cid, profile in profiles.items():
        entry = info.get(cid)
        sex = profile.sex
        if entry and entry.sex:
            if sex and sex != entry.sex:
                raise InputError(f"sex {entry.sex} contradicts amelogenin ({sex})",
                                 source=str(info_path), sample=cid)
            sex = entry.sex
        out.append(RescuedChild(cid, profile, sex, entry.age_years if entry else None))
    return out


def identify_command(
    children: Annotated[Path, typer.Option("--children", help="Profiles of the rescued "
                                           "children (any supported format).")],
    references: Annotated[Path, typer.Option(
        "--references", help="Profiles of the typed relatives; each sample id is the "
                             "family's person id of that relative (or family:person).")],
    families: Annotated[Path, typer.Option(
        "--families", help="FAMILIES.csv: family,person,father,mother,sex,missing "
                           "[,age_years,vanished,vanished_place]; vanished_place is an "
                           "area code (53, 530100) or a place name of the gazetteer.")],
    frequencies: FrequenciesOption = DEFAULT_TABLE,
    theta: ThetaOption = 0.0,
    mutation_model: MutationOption = None,
    mutation_rate: RateOption = 0.002,
    children_info: Annotated[Path | None, typer.Option(
        "--children-info", help="INFO.csv: child,sex,age_years (either may be empty).")]
    = None,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="LR a single identification must exceed to be proposed "
                            "(default: the screening threshold, HOMEWARD_SCREENING_LR).")]
    = None,
    rescue_date: Annotated[str | None, typer.Option(
        "--rescue-date", help="Date of the rescue (YYYY-MM-DD), for the age prior.")] = None,
    ring_areas: Annotated[str | None, typer.Option(
        "--ring-areas", metavar="CODES",
        help="Source areas of the ring, comma-separated area codes (53 = Yunnan, 5326 = "
             "Wenshan) or place names: a child who vanished there weighs more.")] = None,
    ring_period: Annotated[str | None, typer.Option(
        "--ring-period", metavar="FROM:TO",
        help="Active period of the ring (YYYY-MM-DD:YYYY-MM-DD, either side may be "
             "empty): a child who vanished then (± --ring-margin-days) weighs more.")]
    = None,
    ring_margin_days: Annotated[int, typer.Option(
        "--ring-margin-days", min=0, help="Days the active period is widened by on each "
                                          "side.")] = 365,
    floor: FloorOption = DEFAULT_FLOOR,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Identify many rescued children against many families at once (joint DVI)."""
    if threshold is None:
        from homeward.config import get_settings

        threshold = get_settings().screening_lr
    if not threshold > 0:
        raise InputError(f"--threshold {threshold} must be a positive LR")
    date = None
    if rescue_date:
        try:
            date = dt.date.fromisoformat(rescue_date)
        except ValueError:
            raise InputError(f"--rescue-date {rescue_date!r} is not a date (YYYY-MM-DD)") \
                from None
    ring = ring_context(ring_areas, ring_period)
    family_list = read_families(families, resolve_place=gazetteer_area)
    typed = _typed_relatives(family_list, read_profiles(references), str(references))
    rescued = _children(read_profiles(children), children_info)
    table = resolve_frequency_table(frequencies, floor=floor)
    result = identify(rescued, family_list, typed, table,
                      model=build_model(theta, mutation_model, mutation_rate),
                      threshold=threshold,
                      prior=PriorSettings(rescue_date=date, ring=ring,
                                          period_margin_days=ring_margin_days))
    if as_json:
        print(json.dumps(result.to_dict()))
    else:
        _print(result, threshold)


def _print(result: JointResult, threshold: float) -> None:
    out = Table(title=f"Joint identification (proposed at LR >= {threshold:g})")
    for column in ("child", "family", "missing", "log10 LR", "given rest", "posterior"):
        out.add_column(column, justify="left" if column in ("child", "family", "missing")
                       else "right")
    for a in result.assignments:
        out.add_row(a.child, a.family, a.missing, f"{a.log10_lr:.2f}",
                    f"{a.log10_lr_given_rest:.2f}", f"{a.posterior:.4f}")
    console.print(out)
    console.print("Undisputed: " + (", ".join(f"{u.child} = {u.missing}"
                                              for u in result.undisputed) or "none"))
    console.print("Unassigned children: " + (", ".join(result.unassigned_children) or "none"))
    joint = result.joint_log10_lr
    console.print(f"Joint log10 LR against all unrelated: "
                  f"{'-inf' if joint == -math.inf else f'{joint:.2f}'}")
    console.print("Prior used: " + "; ".join(f"{k}: {v}" for k, v in result.prior.items()))
    console.print(f"Method: {result.method}")
