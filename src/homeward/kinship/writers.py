"""Writing profiles, frequency tables and Familias files in the layouts labs exchange.

Each writer produces text that the matching reader (:mod:`~homeward.kinship.readers`,
:mod:`~homeward.kinship.frequencies`, :mod:`~homeward.kinship.familias`) reads back to the
same profiles and the same listed frequencies, and that the other program reads:

* profiles: Homeward's long CSV ``sample,locus,allele1,allele2`` or EuroForMix's
  reference layout ``SampleName,Marker,Allele1,Allele2``;
* frequency tables: Homeward's long CSV (with ``# key: value`` metadata and an ``N``
  column), the EuroForMix/Familias allele-by-locus grid (``,`` or ``;``), or the database
  of a Familias ``.fam`` file;
* a whole :class:`~homeward.kinship.familias.FamiliasFile` back to ``.fam``;
* the families table ``family,person,father,mother,sex,missing`` of joint identification.

Frequencies are written as the source listed them (:meth:`LocusFrequencies.listed`), not
after the minimum was applied, so a table survives a round trip unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from homeward.kinship.errors import InputError
from homeward.kinship.familias import (
    MAGIC,
    MALE,
    FamiliasDatabase,
    FamiliasFile,
    FamiliasLocus,
    FamiliasPedigree,
    FamiliasPerson,
)
from homeward.kinship.familias_families import FamilyRow
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.profiles import Profile, allele_sort_key

PROFILE_LAYOUTS = ("long", "euroformix")
TABLE_LAYOUTS = ("long", "euroformix", "familias")


def _csv(rows: Iterable[Iterable[object]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


def write_long_csv(profiles: Iterable[Profile]) -> str:
    """Write profiles in the long layout (the format ``homeward kinship lr`` reads)."""
    return write_profiles(profiles, "long")


def write_profiles(profiles: Iterable[Profile], layout: str = "long") -> str:
    """Profiles as ``long`` (``sample,locus,allele1,allele2``) or ``euroformix`` CSV."""
    header = {"long": ["sample", "locus", "allele1", "allele2"],
              "euroformix": ["SampleName", "Marker", "Allele1", "Allele2"]}
    if layout not in header:
        raise InputError(f"unknown profile layout {layout!r}; choose {', '.join(header)}")
    rows: list[list[object]] = [header[layout]]
    for profile in profiles:
        rows.extend([profile.sample_id, locus, a, b]
                    for locus, (a, b) in profile.genotypes.items())
    return _csv(rows)


def write_frequency_table(table: FrequencyTable, layout: str = "long", *,
                          delimiter: str = ",") -> str:
    """A table as ``long`` CSV, the ``euroformix`` allele-by-locus grid or a ``familias``
    database-only ``.fam`` file.

    The grid holds no sample size; the long layout keeps it in an ``N`` column and
    ``familias`` as ``DatabaseSize`` (2N alleles).
    """
    if layout == "long":
        rows: list[list[object]] = [["locus", "allele", "frequency", "N"]]
        for locus, lf in table.loci.items():
            n = _number(lf.sample_size) if lf.sample_size else ""
            rows.extend([locus, allele, repr(value), n] for allele, value in lf.listed().items())
        comments = "".join(f"# {key}: {value}\n" for key, value in table.metadata.items()
                           if key not in ("layout", "n"))
        return comments + _csv(rows)
    if layout == "euroformix":
        listed = {locus: lf.listed() for locus, lf in table.loci.items()}
        alleles = sorted({a for values in listed.values() for a in values}, key=allele_sort_key)
        grid: list[list[object]] = [["Allele", *listed]]
        grid.extend([allele, *(repr(v[allele]) if allele in v else "" for v in listed.values())]
                    for allele in alleles)
        return _csv(grid, delimiter)
    if layout == "familias":
        return write_familias(FamiliasFile(
            "3.3", (), (), familias_database(table), source=table.name))
    raise InputError(f"unknown table layout {layout!r}; choose {', '.join(TABLE_LAYOUTS)}")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def familias_database(table: FrequencyTable, *,
                      profiles: Iterable[Profile] = ()) -> FamiliasDatabase:
    """A Familias database from a table: listed frequencies, and alleles of ``profiles``
    that the table does not list at the table's minimum (Familias needs every typed allele
    in its database). Mutation models are left at Familias's "equal, rate 0"."""
    observed: dict[str, set[str]] = {}
    for profile in profiles:
        for locus, genotype in profile.genotypes.items():
            observed.setdefault(locus, set()).update(genotype)
    loci = []
    for locus, lf in table.loci.items():
        listed = lf.listed()
        for allele in observed.get(locus, set()) - set(listed):
            listed[allele] = lf.minimum
        alleles = sorted(listed, key=allele_sort_key)
        size = round(2 * lf.sample_size) if lf.sample_size else None
        loci.append(FamiliasLocus(locus, tuple(alleles), tuple(listed[a] for a in alleles),
                                  database_size=size))
    return FamiliasDatabase(str(table.metadata.get("database", table.name)),
                            float(table.metadata.get("theta", 0) or 0), tuple(loci))


def familias_case(profiles: Iterable[Profile], table: FrequencyTable) -> FamiliasFile:
    """Profiles and a table as a Familias case without pedigrees (the persons to relate)."""
    people = list(profiles)
    persons = tuple(FamiliasPerson(p.sample_id, MALE if p.sex == "male" else "female",
                                   {locus: g for locus, g in p.genotypes.items() if locus in table})
                    for p in people)
    return FamiliasFile("3.3", persons, (), familias_database(table, profiles=people))


def write_familias(fam: FamiliasFile) -> str:
    """Write a :class:`FamiliasFile` as ``.fam`` text (Familias 3 layout, as read by
    :func:`~homeward.kinship.familias.parse_familias` and pedFamilias's ``readFam``).

    Every person of a main-section pedigree is written as a named person, as pedFamilias's
    ``writeFam`` does; the ``[Advanced]`` settings are left to Familias's defaults.

    :raises InputError: for a typed allele or marker missing from the database.
    """
    lines: list[str] = [f'"{MAGIC}, version {fam.version.split()[0]}"',
                        '"Written by Homeward"', fam.version, '""']
    people = list(fam.persons)
    known = {p.name for p in people}
    for pedigree in fam.pedigrees:
        for row in pedigree.rows:
            if row.id not in known:
                people.append(FamiliasPerson(row.id, row.sex))
                known.add(row.id)
    index = {p.name: i for i, p in enumerate(people)}
    markers = {locus.name: (i, {a: j for j, a in enumerate(locus.alleles)})
               for i, locus in enumerate(fam.database.loci)}
    lines.append(str(len(people)))
    for person in people:
        lines += [f'"{person.name}"', "#FALSE#",
                  "-1" + (" (Consider dropouts)" if person.consider_dropout else ""), "#FALSE#",
                  "#TRUE#" if person.sex == MALE else "#FALSE#", str(len(person.genotypes))]
        for marker, alleles in person.genotypes.items():
            if marker not in markers:
                raise InputError(f"marker {marker!r} of {person.name!r} is not in the database")
            position, codes = markers[marker]
            for allele in alleles:
                if allele not in codes:
                    raise InputError(f"allele {allele} of {person.name!r} at {marker} is not "
                                     "in the database", sample=person.name, locus=marker)
            lines += [str(codes[alleles[0]]), str(codes[alleles[1]]), str(position)]
    lines += ['"Known relations"', "0", "0", "0", str(len(fam.pedigrees))]
    for number, pedigree in enumerate(fam.pedigrees):
        pairs = _parent_pairs(pedigree)
        lines += [str(number), f'"{pedigree.name}"', "0", "0", str(len(pairs))]
        for parent, child in pairs:
            lines += [str(index[parent]), str(index[child])]
    lines += _database_lines(fam.database)
    if fam.is_dvi:
        lines += ["", *_dvi_lines(fam)]
    return "\n".join(lines) + "\n"


def _parent_pairs(pedigree: FamiliasPedigree) -> list[tuple[str, str]]:
    return [(parent, row.id) for row in pedigree.rows for parent in (row.father, row.mother)
            if parent is not None]


def _database_lines(database: FamiliasDatabase) -> list[str]:
    lines = [f"#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: {database.theta:g} )",
             str(len(database.loci)), "#TRUE#", f'"{database.name}"']
    for locus in database.loci:
        female, male = locus.female, locus.male
        size = locus.database_size if locus.database_size is not None else 0
        lines += [f'"{locus.name}"', repr(female.rate), repr(male.rate), str(female.model),
                  str(male.model), str(len(locus.alleles)), repr(female.range), repr(male.range),
                  repr(female.rate2), repr(male.rate2), "#FALSE#", "0",
                  f"{len(locus.alleles)}\t(DatabaseSize = {size} , Dropout probability = "
                  f"{locus.dropout:g} , Minor allele frequency = {locus.maf:g} )"]
        for allele, value in zip(locus.alleles, locus.frequencies, strict=True):
            lines += [f'"{allele}"', repr(value)]
    return lines


def _person_lines(person: FamiliasPerson, depth: int, number: int, pad: str) -> list[str]:
    gender = {"male": "Male", "female": "Female"}.get(person.sex, "Unknown")
    lines = ["[" * depth + f"Person {number}{pad}" + "]" * depth, f"Name= {person.name}",
             f"Gender= {gender}", "[" * (depth + 1) + "DNA data" + "]" * (depth + 1),
             f"nSystems= {len(person.genotypes)}"]
    for marker, (first, second) in person.genotypes.items():
        lines += [f"SystemName= {marker}", f"Allele1= {first}", f"Allele2= {second}"]
    return lines


def _dvi_lines(fam: FamiliasFile) -> list[str]:
    lines = ["[DVI]", "[[Unidentified persons]]", f"nPersons= {len(fam.unidentified)}"]
    for number, person in enumerate(fam.unidentified, start=1):
        lines += _person_lines(person, 3, number, " ")
    lines += ["[[Reference Families]]", f"nFamilies= {len(fam.families)}"]
    for number, family in enumerate(fam.families, start=1):
        lines += [f"[[[Family {number} ]]]", f"Name= {family.name}", "[[[[Persons]]]]",
                  f"nPersons= {len(family.persons)}"]
        for person_number, person in enumerate(family.persons, start=1):
            lines += _person_lines(person, 5, person_number, "")
        lines += ["[[[[Pedigrees]]]]", f"nPedigrees= {len(family.pedigrees)}"]
        for ped_number, pedigree in enumerate(family.pedigrees, start=1):
            pairs = _parent_pairs(pedigree)
            lines += [f"[[[[[Pedigree {ped_number}]]]]]", f"Name= {pedigree.name}",
                      f"nRelations= {len(pairs)}"]
            for parent, child in pairs:
                lines += [f"Parent= {parent}", f"Child= {child}"]
    return lines


def write_families_table(rows: Iterable[FamilyRow]) -> str:
    """The families table ``family,person,father,mother,sex,missing`` (missing 1/0)."""
    table: list[list[object]] = [["family", "person", "father", "mother", "sex", "missing"]]
    table.extend([r.family, r.person, r.father or "", r.mother or "", r.sex, int(r.missing)]
                 for r in rows)
    return _csv(table)
