"""A Familias file in Homeward's terms: profiles and the families table.

Joint identification reads a families table ``family,person,father,mother,sex,missing``
(one row per person of each family's pedigree) beside the typed references' profiles; this
module derives both from a parsed ``.fam`` (:mod:`homeward.kinship.familias`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from homeward.kinship.errors import DuplicateRecordError, InputError
from homeward.kinship.familias import (
    MISSING_PATTERN,
    REFERENCE_PEDIGREE,
    UNKNOWN,
    FamiliasFile,
    FamiliasPedigree,
    FamiliasPerson,
)
from homeward.kinship.loci import canonical_locus
from homeward.kinship.profiles import Genotype, Profile, ProfileSet, make_genotype


def typed_profiles(persons: Iterable[FamiliasPerson], *, source: str = "<text>") -> ProfileSet:
    """Profiles of the typed persons, marker names and alleles normalised.

    :raises InputError: naming the person and marker (an unknown marker, a bad allele, the
        same name twice).
    """
    profiles = ProfileSet()
    for person in persons:
        if not person.genotypes:
            continue
        genotypes: dict[str, Genotype] = {}
        try:
            for marker, alleles in person.genotypes.items():
                locus = canonical_locus(marker)
                genotype = make_genotype(alleles, locus)
                if genotype is not None:
                    genotypes[locus] = genotype
            profiles.add(Profile(person.name, genotypes))
        except InputError as error:
            raise error.located(source=source, sample=person.name) from None
    return profiles


def all_profiles(fam: FamiliasFile) -> ProfileSet:
    """Every typed person of the file: the case's, the victims' and the families'."""
    everyone = [*fam.persons, *fam.unidentified, *(p for f in fam.families for p in f.persons)]
    return typed_profiles(everyone, source=fam.source)


@dataclass(frozen=True)
class FamilyRow:
    """A row of the joint-identification families table
    ``family,person,father,mother,sex,missing``."""

    family: str
    person: str
    father: str | None
    mother: str | None
    sex: str
    missing: bool


@dataclass(frozen=True)
class FamiliesExport:
    """A ``.fam`` file in Homeward's terms: the families table, the typed references
    (relatives in the families) and the unidentified persons (the DVI victims)."""

    rows: tuple[FamilyRow, ...]
    references: ProfileSet
    unidentified: ProfileSet


def export_families(fam: FamiliasFile, **options: object) -> FamiliesExport:
    """The families table (see :func:`families_table` for ``options``) with the profiles
    of the typed references and of the unidentified persons.

    :raises InputError: as :func:`families_table`, and for a typed person whose marker or
        allele Homeward cannot read, or a typed name used twice.
    """
    rows = families_table(fam, **options)  # type: ignore[arg-type]
    references = [p for f in fam.families for p in f.persons] if fam.families else fam.persons
    try:
        return FamiliesExport(rows, typed_profiles(references, source=fam.source),
                              typed_profiles(fam.unidentified, source=fam.source))
    except DuplicateRecordError as error:
        raise DuplicateRecordError(
            "two typed persons share this name; identification needs distinct names",
            source=fam.source, sample=error.sample) from None


def families_table(
    fam: FamiliasFile,
    *,
    pedigrees: Mapping[str, str] | None = None,
    family: str | None = None,
    missing: Iterable[str] | None = None,
    missing_pattern: str = MISSING_PATTERN,
) -> tuple[FamilyRow, ...]:
    """Turn a parsed ``.fam`` into the families table of joint identification.

    One family per DVI reference family (or, for a file without a DVI section, one family
    named ``family``, by default the file's stem). Each family contributes the rows of one
    of its pedigrees: the one named in ``pedigrees[family]``, else the only one that is not
    Familias's ``"Reference pedigree"`` (the references alone, without the missing).

    A person is **missing** when named in ``missing``, or, when ``missing`` is not given,
    when the person has no genotype and the name matches ``missing_pattern`` (dvir's rule:
    Familias's DVI module names them "Missing person", "Missing male 1"...). Every other
    untyped person (a dead father, an ``added_`` extra) is a connecting person, ``missing``
    0.

    :raises InputError: for a family whose pedigree cannot be chosen, a person of unknown
        sex, or a missing person who is typed.
    """
    chosen = dict(pedigrees or {})
    wanted = set(missing) if missing is not None else None
    pattern = re.compile(missing_pattern)
    if fam.families:
        groups = [(f.name, f.persons, f.pedigrees) for f in fam.families]
    else:
        groups = [(family or Path(fam.source).stem or "family", fam.persons, fam.pedigrees)]
    rows: list[FamilyRow] = []
    for name, persons, family_pedigrees in groups:
        pedigree = _choose_pedigree(name, family_pedigrees, chosen.get(name), fam.source)
        typed = {p.name for p in persons if p.genotypes}
        for row in pedigree.rows:
            is_missing = (row.id in wanted if wanted is not None
                          else row.id not in typed and bool(pattern.search(row.id)))
            if row.sex == UNKNOWN:
                raise InputError(f"family {name!r}: the sex of {row.id!r} is not known",
                                 source=fam.source, sample=row.id)
            if is_missing and row.id in typed:
                raise InputError(f"family {name!r}: {row.id!r} is typed, so not missing",
                                 source=fam.source, sample=row.id)
            rows.append(FamilyRow(name, row.id, row.father, row.mother, row.sex, is_missing))
    return tuple(rows)


def _choose_pedigree(family: str, pedigrees: tuple[FamiliasPedigree, ...], name: str | None,
                     source: str) -> FamiliasPedigree:
    names = [p.name for p in pedigrees]
    if name is not None:
        if name not in names:
            raise InputError(f"family {family!r} has no pedigree {name!r} (it has: "
                             f"{', '.join(names)})", source=source)
        return pedigrees[names.index(name)]
    candidates = [p for p in pedigrees if p.name != REFERENCE_PEDIGREE]
    if len(candidates) == 1:
        return candidates[0]
    raise InputError(f"family {family!r} has {len(candidates)} pedigrees to choose from "
                     f"({', '.join(p.name for p in candidates) or 'none'}); name one",
                     source=source)
