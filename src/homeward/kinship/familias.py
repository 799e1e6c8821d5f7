"""Familias ``.fam`` files: persons, their genotypes, pedigrees and the frequency database.

Familias (Egeland, Mostad, Mevåg & Stenersen 2000, doi:10.1016/S0379-0738(00)00147-x) saves
a case as a line-oriented text file, which the R packages pedFamilias (``readFam``) and
dvir (``familias2dvir``) also read. The layout, as those readers and the files shipped with
them show it (``paternity.fam`` in magnusdv/pedFamilias, ``dvi-example.fam`` in
magnusdv/dvir):

1. a preamble (``"Output from Familias, version 3.3.1"``, a free line, the version, ``""``);
2. the persons: their count, then per person its quoted name, a flag, ``-1`` (with
   ``(Consider dropouts)`` when dropout is modelled for them), a flag, ``#TRUE#`` for a
   male, the number of typed markers and, per marker, three 0-based indices: allele 1 and
   allele 2 into that marker's database alleles, and the marker into the database;
3. ``"Known relations"``: unnamed extra females and males, parent-child pairs (0-based
   person indices), then the pedigrees (the hypotheses), each with its own extras and pairs;
4. the database: ``#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: 0 )``, the number of markers,
   its name, then per marker its name, female and male mutation rate and model (0 equal,
   1 proportional, 2-4 stepwise variants), the number of alleles, range and second rate per
   sex, a silent-allele flag and frequency, ``N\\t(DatabaseSize = ...)`` and N quoted
   alleles each followed by its frequency;
5. optionally a ``[DVI]`` section (disaster victim identification) of ``[[...]]`` headings
   and ``Key= value`` lines: the unidentified persons with their DNA data, and the
   reference families, each with persons and pedigrees given as ``Parent=``/``Child=`` pairs.

:func:`parse_familias` reads all of this into the neutral :class:`FamiliasFile` (names as
written, nothing normalised); :mod:`~homeward.kinship.familias_families` turns it into
Homeward's profiles and the families table of joint identification, and
:func:`homeward.kinship.writers.write_familias` writes it back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from homeward.kinship.errors import MalformedFileError
from homeward.kinship.textfiles import read_text

MAGIC = "Output from Familias"
MALE, FEMALE, UNKNOWN = "male", "female", "unknown"
#: dvir's ``familias2dvir(missingIdentifier = "^Missing")``: Familias's DVI module names
#: the missing persons of a reference family "Missing person", "Missing male 1", ...
MISSING_PATTERN = r"^Missing"
REFERENCE_PEDIGREE = "Reference pedigree"
ADDED_PREFIX = "added_"  # pedFamilias's name prefix for unnamed extras

_Raise = Callable[..., MalformedFileError]


@dataclass(frozen=True)
class FamiliasPerson:
    """A person as written: genotypes keyed by marker name, alleles as labels."""

    name: str
    sex: str
    genotypes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    consider_dropout: bool = False


@dataclass(frozen=True)
class PedigreeRow:
    """One person of a pedigree: ``(id, father, mother, sex)``, parents ``None`` if founder."""

    id: str
    father: str | None
    mother: str | None
    sex: str


@dataclass(frozen=True)
class FamiliasPedigree:
    name: str
    rows: tuple[PedigreeRow, ...]


@dataclass(frozen=True)
class MutationSpec:
    """Familias's mutation model of one sex: model code 0-4, rate, range, second rate."""

    model: int = 0
    rate: float = 0.0
    range: float = 0.0
    rate2: float = 0.0


@dataclass(frozen=True)
class FamiliasLocus:
    """One marker of the database; ``line`` is where its name stands in the file."""

    name: str
    alleles: tuple[str, ...]
    frequencies: tuple[float, ...]
    female: MutationSpec = MutationSpec()
    male: MutationSpec = MutationSpec()
    database_size: int | None = None
    dropout: float = 0.0
    maf: float = 0.0
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class FamiliasDatabase:
    name: str
    theta: float
    loci: tuple[FamiliasLocus, ...]


@dataclass(frozen=True)
class FamiliasFamily:
    """A reference family of the DVI section."""

    name: str
    persons: tuple[FamiliasPerson, ...]
    pedigrees: tuple[FamiliasPedigree, ...]


@dataclass(frozen=True)
class FamiliasFile:
    """Everything Homeward reads from a ``.fam`` file, in the file's own terms."""

    version: str
    persons: tuple[FamiliasPerson, ...]
    pedigrees: tuple[FamiliasPedigree, ...]
    database: FamiliasDatabase
    unidentified: tuple[FamiliasPerson, ...] = ()
    families: tuple[FamiliasFamily, ...] = ()
    source: str = field(default="<text>", compare=False)

    @property
    def is_dvi(self) -> bool:
        return bool(self.unidentified or self.families)

    def genotypes(self) -> dict[str, Mapping[str, tuple[str, str]]]:
        """Typed person -> marker -> alleles, over the case, the victims and the families."""
        everyone = [*self.persons, *self.unidentified,
                    *(p for family in self.families for p in family.persons)]
        return {p.name: p.genotypes for p in everyone if p.genotypes}


def is_familias_text(text: str) -> bool:
    return text.lstrip("\ufeff").lstrip().lstrip('"').startswith(MAGIC)


def read_familias(path: str | Path, *, source: str | None = None) -> FamiliasFile:
    return parse_familias(read_text(path), source=source or str(path))


class _Lines:
    """A cursor over the file's lines; every error names the line (1-based) it stopped at."""

    def __init__(self, lines: list[str], source: str) -> None:
        self.lines, self.source, self.at = lines, source, 0

    def error(self, reason: str, line: int | None = None) -> MalformedFileError:
        return MalformedFileError(reason, source=self.source, row=line or self.at)

    def text(self, what: str) -> str:
        if self.at >= len(self.lines):
            raise self.error(f"the file ends where {what} was expected (truncated?)",
                             len(self.lines))
        self.at += 1
        return _unquote(self.lines[self.at - 1])

    def integer(self, what: str, *, maximum: int | None = None) -> int:
        value = self.text(what)
        try:
            number = int(value)
        except ValueError:
            raise self.error(f"expected {what} (a whole number), found {value!r}") from None
        if number < 0 or (maximum is not None and number > maximum):
            raise self.error(f"{what} {number} is out of range")
        return number

    def number(self, what: str) -> float:
        value = self.text(what)
        try:
            return float(value)
        except ValueError:
            raise self.error(f"expected {what} (a number), found {value!r}") from None

    def flag(self, what: str) -> bool:
        value = self.text(what)
        if not value.startswith(("#TRUE#", "#FALSE#")):
            raise self.error(f"expected {what} (#TRUE# or #FALSE#), found {value!r}")
        return value.startswith("#TRUE#")


def _unquote(line: str) -> str:
    return line.strip().replace('"', "")


def parse_familias(text: str, *, source: str = "<text>") -> FamiliasFile:
    """Parse a ``.fam`` file (see the module docstring for its layout).

    :raises MalformedFileError: naming the line, for a file that is not a Familias file,
        is truncated, or holds something Homeward does not read (twins, silent alleles,
        precomputed probabilities).
    """
    lines = _Lines(text.lstrip("\ufeff").splitlines(), source)
    if not lines.text("the Familias preamble").startswith(MAGIC):
        raise lines.error("not a Familias file: the first line is not "
                          f"'\"{MAGIC}, version ...\"'")
    lines.text("the second preamble line")
    version = lines.text("the Familias version")
    if lines.at < len(lines.lines) and _unquote(lines.lines[lines.at]) == "":
        lines.at += 1
    coded = [_read_person(lines) for _ in range(lines.integer("the number of persons"))]
    sexes = [sex for _, sex, _, _ in coded]
    names = [name for name, _, _, _ in coded]
    if lines.text('"Known relations"') != "Known relations":
        raise lines.error('expected "Known relations" after the last person')
    base_names, base_sexes = _with_extras(lines, names, sexes, ADDED_PREFIX)
    base_pairs = _read_pairs(lines, len(base_names))
    pedigrees = []
    for _ in range(lines.integer("the number of pedigrees")):
        lines.integer("the pedigree's index")
        name = lines.text("the pedigree's name")
        ped_names, ped_sexes = _with_extras(lines, base_names, base_sexes, ADDED_PREFIX)
        pairs = base_pairs + _read_pairs(lines, len(ped_names))
        relations = [(ped_names[p], ped_names[c]) for p, c in pairs]
        pedigrees.append(FamiliasPedigree(name, _pedigree_rows(
            ped_names, dict(zip(ped_names, ped_sexes, strict=True)), relations, lines.error)))
    database = _read_database(lines)
    persons = tuple(_decode_person(lines, database, person) for person in coded)
    unidentified: tuple[FamiliasPerson, ...] = ()
    families: tuple[FamiliasFamily, ...] = ()
    raw = text.lstrip("\ufeff").splitlines()
    if "[DVI]" in (line.strip() for line in raw):
        start = next(i for i, line in enumerate(raw) if line.strip() == "[DVI]")
        unidentified, families = _read_dvi(raw, start, lines.error)
    return FamiliasFile(version, persons, tuple(pedigrees), database, unidentified, families,
                        source)


def _read_person(lines: _Lines) -> tuple[str, str, bool, list[tuple[int, int, int, int]]]:
    name = lines.text("a person's name")
    lines.flag(f"a flag of {name!r}")
    dropout = "Consider dropouts" in lines.text(f"the dropout line of {name!r}")
    lines.flag(f"a flag of {name!r}")
    sex = MALE if lines.flag(f"the sex of {name!r}") else FEMALE
    coded = []
    for _ in range(lines.integer(f"the number of genotypes of {name!r}")):
        first = lines.integer(f"an allele index of {name!r}")
        second = lines.integer(f"an allele index of {name!r}")
        coded.append((first, second, lines.integer(f"a marker index of {name!r}"), lines.at))
    return name, sex, dropout, coded


def _with_extras(lines: _Lines, names: list[str], sexes: list[str],
                 prefix: str) -> tuple[list[str], list[str]]:
    """Add the unnamed extra females and males that a relations block declares."""
    females = lines.integer("the number of extra females")
    males = lines.integer("the number of extra males")
    start = len(names) + 1
    extra = [f"{prefix}{start + i}" for i in range(females + males)]
    return names + extra, sexes + [FEMALE] * females + [MALE] * males


def _read_pairs(lines: _Lines, size: int) -> list[tuple[int, int]]:
    pairs = []
    for _ in range(lines.integer("the number of parent-child relations")):
        parent_text = lines.text("a parent index")
        if "Direct" in parent_text:
            raise lines.error("the file declares twins (a 'Direct' relation); Homeward does "
                              "not read twins")
        try:
            parent = int(parent_text)
        except ValueError:
            raise lines.error(f"expected a parent index, found {parent_text!r}") from None
        child = lines.integer("a child index", maximum=size - 1)
        if not 0 <= parent < size:
            raise lines.error(f"parent index {parent} is out of range", lines.at - 1)
        pairs.append((parent, child))
    return pairs


def _pedigree_rows(names: list[str], sexes: dict[str, str], relations: list[tuple[str, str]],
                   error: _Raise) -> tuple[PedigreeRow, ...]:
    """Rows ``(id, father, mother, sex)``; a parent of unknown sex takes the sex opposite
    to the child's other parent (as pedFamilias decides it)."""
    sexes = dict(sexes)
    for parent, child in relations:
        if sexes.get(parent, UNKNOWN) == UNKNOWN:
            others = {sexes.get(p, UNKNOWN) for p, c in relations if c == child and p != parent}
            if others == {MALE}:
                sexes[parent] = FEMALE
            elif others == {FEMALE}:
                sexes[parent] = MALE
            else:
                raise error(f"cannot decide the sex of parent {parent!r} of {child!r}")
    fathers: dict[str, str] = {}
    mothers: dict[str, str] = {}
    for parent, child in relations:
        parents = fathers if sexes[parent] == MALE else mothers
        if parents.get(child, parent) != parent:
            role = "father" if parents is fathers else "mother"
            raise error(f"{child!r} is given two {role}s: {parents[child]!r} and {parent!r}")
        parents[child] = parent
    everyone = list(dict.fromkeys([*names, *(n for pair in relations for n in pair)]))
    return tuple(PedigreeRow(n, fathers.get(n), mothers.get(n), sexes.get(n, UNKNOWN))
                 for n in everyone)


_INFO = re.compile(r"DatabaseSize\s*=\s*(\d+).*?Dropout probability\s*=\s*([\d.eE+-]+)"
                   r".*?Minor allele frequency\s*=\s*([\d.eE+-]+)")


def _read_database(lines: _Lines) -> FamiliasDatabase:
    head = lines.text("the database line '#FALSE# (#Databases: ...)'")
    if head.startswith("#TRUE#"):
        raise lines.error("the file holds precomputed probabilities; Homeward does not read "
                          "them (save the case again without them)")
    if not head.startswith("#FALSE#"):
        raise lines.error(f"expected the database line '#FALSE# (#Databases: ...)', found "
                          f"{head!r}")
    theta_match = re.search(r"Theta/Kinship/Fst:\s*([\d.eE+-]+)", head)
    theta = float(theta_match.group(1)) if theta_match else 0.0
    count = lines.integer("the number of markers")
    name = lines.text("the database name") if lines.flag("the database-name flag") else ""
    loci = []
    for _ in range(count):
        locus = lines.text("a marker name")
        line = lines.at
        numbers = [lines.number(f"a mutation parameter of {locus!r}") for _ in range(2)]
        models = [lines.integer(f"a mutation model of {locus!r}", maximum=4) for _ in range(2)]
        lines.integer(f"the number of alleles of {locus!r}")
        numbers += [lines.number(f"a mutation parameter of {locus!r}") for _ in range(4)]
        if lines.flag(f"the silent-allele flag of {locus!r}"):
            raise lines.error(f"marker {locus!r} has a silent allele; Homeward does not read "
                              "silent-allele frequencies")
        lines.number(f"the silent-allele frequency of {locus!r}")
        info = lines.text(f"the allele count of {locus!r}")
        try:
            n_alleles = int(info.split()[0])
        except (ValueError, IndexError):
            raise lines.error(f"expected the allele count of {locus!r}, found {info!r}") from None
        details = _INFO.search(info)
        alleles, freqs = [], []
        for _ in range(n_alleles):
            alleles.append(lines.text(f"an allele of {locus!r}"))
            freqs.append(lines.number(f"the frequency of allele {alleles[-1]!r} of {locus!r}"))
        female = MutationSpec(models[0], numbers[0], numbers[2], numbers[4])
        male = MutationSpec(models[1], numbers[1], numbers[3], numbers[5])
        loci.append(FamiliasLocus(
            locus, tuple(alleles), tuple(freqs), female, male,
            int(details.group(1)) if details else None,
            float(details.group(2)) if details else 0.0,
            float(details.group(3)) if details else 0.0, line))
    return FamiliasDatabase(name, theta, tuple(loci))


def _decode_person(lines: _Lines, database: FamiliasDatabase,
                   coded: tuple[str, str, bool, list[tuple[int, int, int, int]]]) -> FamiliasPerson:
    name, sex, dropout, genotypes = coded
    decoded: dict[str, tuple[str, str]] = {}
    for first, second, marker, line in genotypes:
        if marker >= len(database.loci):
            raise lines.error(f"{name!r}: marker index {marker} but the database has "
                              f"{len(database.loci)} markers", line)
        locus = database.loci[marker]
        if max(first, second) >= len(locus.alleles):
            raise lines.error(f"{name!r}: allele index {max(first, second)} but marker "
                              f"{locus.name!r} has {len(locus.alleles)} alleles", line)
        decoded[locus.name] = (locus.alleles[first], locus.alleles[second])
    return FamiliasPerson(name, sex, decoded, dropout)


@dataclass
class _Node:
    """A ``[...]`` heading of the DVI section with its ``Key= value`` lines in order."""

    name: str
    line: int
    entries: list[tuple[str, str, int]] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def child(self, name: str) -> _Node | None:
        return next((c for c in self.children if c.name == name), None)

    def value(self, key: str, default: str | None = None) -> str | None:
        return next((v for k, v, _ in self.entries if k == key), default)


def _dvi_tree(raw: list[str], start: int, error: _Raise) -> _Node:
    root = _Node("", start)
    stack = [root]
    for index in range(start, len(raw)):
        line = raw[index].strip()
        if not line:
            continue
        depth = len(line) - len(line.lstrip("["))
        if depth:
            node = _Node(line.strip("[] "), index + 1)
            del stack[depth:]
            if len(stack) < depth:
                raise error(f"heading {line!r} skips a level", index + 1)
            stack[-1].children.append(node)
            stack.append(node)
        else:
            key, _, value = line.partition("=")
            stack[-1].entries.append((key.strip(), value.strip(), index + 1))
    dvi = root.child("DVI")
    if dvi is None:
        raise error("the [DVI] heading opens no section", start + 1)
    return dvi


def _count(node: _Node, key: str, found: int, what: str, error: _Raise) -> None:
    stated = node.value(key)
    if stated is None or not stated.isdigit() or int(stated) != found:
        raise error(f"{node.name!r} states {key} {stated!r} but holds {found} {what} "
                    "(truncated?)", node.line)


def _dvi_person(node: _Node, error: _Raise) -> FamiliasPerson:
    name = node.value("Name")
    if not name:
        raise error(f"{node.name!r} has no 'Name='", node.line)
    gender = (node.value("Gender") or "").lower()
    sex = gender if gender in (MALE, FEMALE) else UNKNOWN
    genotypes: dict[str, tuple[str, str]] = {}
    dna = node.child("DNA data")
    if dna is not None:
        triples = [e for e in dna.entries if e[0] in ("SystemName", "Allele1", "Allele2")]
        for i in range(0, len(triples), 3):
            keys = [k for k, _, _ in triples[i:i + 3]]
            if keys != ["SystemName", "Allele1", "Allele2"]:
                raise error(f"{name!r}: expected SystemName=, Allele1=, Allele2=",
                            triples[i][2])
            genotypes[triples[i][1]] = (triples[i + 1][1], triples[i + 2][1])
        _count(dna, "nSystems", len(genotypes), "markers", error)
    return FamiliasPerson(name, sex, genotypes)


def _read_dvi(raw: list[str], start: int,
              error: _Raise) -> tuple[tuple[FamiliasPerson, ...], tuple[FamiliasFamily, ...]]:
    dvi = _dvi_tree(raw, start, error)
    victims_node = dvi.child("Unidentified persons")
    victims: list[FamiliasPerson] = []
    if victims_node is not None:
        victims = [_dvi_person(p, error) for p in victims_node.children
                   if p.name.startswith("Person")]
        _count(victims_node, "nPersons", len(victims), "persons", error)
    families = []
    refs = dvi.child("Reference Families")
    for family_node in (refs.children if refs is not None else []):
        name = family_node.value("Name") or family_node.name
        persons_node = family_node.child("Persons")
        persons = [_dvi_person(p, error) for p in (persons_node.children if persons_node else [])]
        if persons_node is not None:
            _count(persons_node, "nPersons", len(persons), "persons", error)
        sexes = {p.name: p.sex for p in persons}
        pedigrees = []
        pedigrees_node = family_node.child("Pedigrees")
        for ped in (pedigrees_node.children if pedigrees_node else []):
            pairs = [e for e in ped.entries if e[0] in ("Parent", "Child")]
            relations = []
            for i in range(0, len(pairs), 2):
                if [k for k, _, _ in pairs[i:i + 2]] != ["Parent", "Child"]:
                    raise error(f"{name!r}: expected 'Parent=' then 'Child='", pairs[i][2])
                relations.append((pairs[i][1], pairs[i + 1][1]))
            _count(ped, "nRelations", len(relations), "relations", error)
            pedigrees.append(FamiliasPedigree(ped.value("Name") or ped.name, _pedigree_rows(
                list(sexes), sexes, relations, lambda reason, n=ped.line: error(reason, n))))
        if pedigrees_node is not None:
            _count(pedigrees_node, "nPedigrees", len(pedigrees), "pedigrees", error)
        families.append(FamiliasFamily(name, tuple(persons), tuple(pedigrees)))
    if refs is not None:
        _count(refs, "nFamilies", len(families), "families", error)
    return tuple(victims), tuple(families)
