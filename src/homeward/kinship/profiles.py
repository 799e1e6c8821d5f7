"""STR profiles: alleles, genotypes and sets of profiles.

A profile maps canonical locus names to an unordered pair of allele labels. Labels are
kept as the lab wrote them, after light normalisation (``"12.0"`` is ``"12"``), because
microvariants (``9.3``), off-ladder calls (``OL``, ``<8``, ``>30``) and amelogenin
(``X``, ``Y``) are not numbers. A locus that was not typed is simply absent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from homeward.kinship.errors import (
    DuplicateRecordError,
    InvalidAlleleError,
    PossibleMixtureError,
    UnknownSampleError,
)
from homeward.kinship.loci import AMELOGENIN, canonical_locus, is_amelogenin

Genotype = tuple[str, str]

_REPEAT = re.compile(r"^(\d{1,3})(?:\.(\d))?$")
_OFF_LADDER = re.compile(r"^(?:OL|[<>]\d{1,3}(?:\.\d)?)$")
_MISSING_CELL = {"", "-", "NA", "N/A", "NR", "ND", "?", "NONE", "NULL"}
_SEPARATORS = re.compile(r"[\s/,;|]+")


def normalise_allele(label: str, locus: str) -> str:
    """Return the canonical label of one allele, or raise :class:`InvalidAlleleError`.

    Whole repeats drop a trailing ``.0`` (NIST sheets write ``5.0``); microvariants keep
    one decimal (``9.3``); off-ladder calls are ``OL``, ``<8`` or ``>30``; amelogenin
    takes ``X`` and ``Y`` only.
    """
    text = label.strip().upper()
    if is_amelogenin(locus):
        if text in ("X", "Y"):
            return text
        raise InvalidAlleleError(f"allele {label!r} is not X or Y", locus=locus)
    match = _REPEAT.match(text)
    if match:
        whole, decimal = match.groups()
        whole = str(int(whole))
        return whole if decimal in (None, "0") else f"{whole}.{decimal}"
    if re.match(r"^\d{1,3}\.0$", text):
        return str(int(float(text)))
    if _OFF_LADDER.match(text):
        return text
    raise InvalidAlleleError(
        f"allele {label!r} is not a repeat number (12), a microvariant (9.3) "
        "or an off-ladder call (OL, <8, >30)",
        locus=locus,
    )


def allele_sort_key(label: str) -> tuple[int, float, str]:
    """Numeric alleles first in repeat order, then off-ladder labels by text."""
    try:
        return (0, float(label), label)
    except ValueError:
        if label[:1] in "<>":
            try:
                return (0, float(label[1:]) + (-0.5 if label[0] == "<" else 0.5), label)
            except ValueError:
                pass
        return (1, 0.0, label)


def make_genotype(alleles: Iterable[str], locus: str) -> Genotype | None:
    """Build a sorted genotype from 0-2 allele labels (1 means a homozygote).

    :returns: ``None`` when no allele was typed.
    :raises PossibleMixtureError: for three or more distinct alleles.
    """
    labels = [normalise_allele(a, locus) for a in alleles if a.strip().upper() not in
              _MISSING_CELL]
    if not labels:
        return None
    distinct = sorted(set(labels), key=allele_sort_key)
    if len(labels) > 2 and len(distinct) > 2:
        raise PossibleMixtureError(
            f"{len(distinct)} alleles ({', '.join(distinct)}): a single person has at most "
            "two; the sample may be a mixture",
            locus=locus,
        )
    if len(distinct) == 1:
        return (distinct[0], distinct[0])
    return (distinct[0], distinct[1])


def parse_genotype_cell(cell: str, locus: str) -> Genotype | None:
    """Parse one cell such as ``"12/14"``, ``"12,14"``, ``"12 14"`` or ``"12"``."""
    text = cell.strip()
    if text.upper() in _MISSING_CELL:
        return None
    return make_genotype([p for p in _SEPARATORS.split(text) if p], locus)


@dataclass(frozen=True)
class Profile:
    """One person's STR profile.

    :param sample_id: the specimen id (never a name: profiles are kept apart from
        identities, see DESIGN.md section 5).
    :param genotypes: canonical locus -> sorted allele pair; untyped loci are absent.
    """

    sample_id: str
    genotypes: Mapping[str, Genotype] = field(default_factory=dict)

    @classmethod
    def from_strings(cls, sample_id: str, loci: Mapping[str, str]) -> Profile:
        """Build a profile from ``{"D3S1358": "15/16", ...}``, normalising names."""
        genotypes: dict[str, Genotype] = {}
        for raw_locus, cell in loci.items():
            locus = canonical_locus(raw_locus)
            genotype = parse_genotype_cell(cell, locus)
            if genotype is not None:
                genotypes[locus] = genotype
        return cls(sample_id, genotypes)

    @property
    def str_loci(self) -> list[str]:
        """Typed autosomal loci (amelogenin excluded)."""
        return [locus for locus in self.genotypes if not is_amelogenin(locus)]

    @property
    def sex(self) -> str | None:
        """``"male"`` for X,Y at amelogenin, ``"female"`` for X,X, else ``None``."""
        amel = self.genotypes.get(AMELOGENIN)
        if amel is None:
            return None
        return "male" if "Y" in amel else "female"

    def genotype(self, locus: str) -> Genotype | None:
        return self.genotypes.get(locus)

    def to_strings(self) -> dict[str, str]:
        return {locus: "/".join(g) for locus, g in self.genotypes.items()}


class ProfileSet(Mapping[str, Profile]):
    """An ordered collection of profiles keyed by sample id, unique ids enforced."""

    def __init__(self, profiles: Iterable[Profile] = ()) -> None:
        self._profiles: dict[str, Profile] = {}
        self.first_rows: dict[str, int] = {}  # sample id -> first file row, when read
        for profile in profiles:
            self.add(profile)

    def add(self, profile: Profile) -> None:
        if profile.sample_id in self._profiles:
            raise DuplicateRecordError("sample id appears twice", sample=profile.sample_id)
        self._profiles[profile.sample_id] = profile

    def __getitem__(self, sample_id: str) -> Profile:
        try:
            return self._profiles[sample_id]
        except KeyError:
            known = ", ".join(list(self._profiles)[:5])
            raise UnknownSampleError(
                f"sample {sample_id!r} is not in the profiles (first ids: {known})"
            ) from None

    def __contains__(self, sample_id: object) -> bool:
        return sample_id in self._profiles

    def __iter__(self) -> Iterator[str]:
        return iter(self._profiles)

    def __len__(self) -> int:
        return len(self._profiles)

    def loci(self) -> list[str]:
        """All autosomal loci typed in at least one profile, in first-seen order."""
        seen: dict[str, None] = {}
        for profile in self._profiles.values():
            for locus in profile.str_loci:
                seen.setdefault(locus, None)
        return list(seen)
