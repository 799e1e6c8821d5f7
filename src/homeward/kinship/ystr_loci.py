"""Y-STR loci: the kits' locus lists, multi-copy rules, naming and mutation rates.

Conventions (the ones YHRD and the kits' manuals use):

* **Multi-copy loci.** ``DYS385`` (``DYS385a/b``) and ``DYF387S1`` (``DYF387S1a/b``) are
  amplified by one primer pair from two places on the Y chromosome. The kit cannot tell
  which copy is "a", so a call is an *unordered* pair (``11-14``; ``13-13`` when both
  copies have the same length). Yfiler counts DYS385a/b as two of its 17 loci, Yfiler Plus
  counts DYS385a/b and DYF387S1a/b as two each of its 27.
* **DYS389I / DYS389II.** DYS389II is the *whole* fragment, which contains the DYS389I
  repeat, so one mutation in the DYS389I block changes both calls. Homeward stores
  DYS389II as the kits report it (the total) and compares and models the second block,
  DYS389II - DYS389I (``DYS389B`` in some exports), so that such a mutation counts once.
* **Null and duplicated alleles.** A locus may give no product (a deletion: ``null``) or
  two or more (a duplication: ``14,15`` at DYS19). These are kept as typed.

Mutation rates (per locus per generation) are the point estimates of YHRD release 61 (June
2019), as tabulated in Table 1 of "Characterizing Y-STRs in the evaluation of population
differentiation using the mean of allele frequency difference between populations", *Genes*
2020, 11(5):566, doi:10.3390/genes11050566 (23 single-copy loci). YHRD's table there has no
row for the multi-copy loci; for DYS385a/b and DYF387S1a/b the rates are those of Table 1 of
*Sci. Rep.* 2019, 9:9032, doi:10.1038/s41598-019-45398-3 (8 and 13 mutations in 1,166
father-son meioses). The DYS389II - DYS389I block has no YHRD row either; its rate is the
difference of the DYS389II and DYS389I rates (4.33e-3 - 2.72e-3), since a DYS389II length
change is a mutation in either block.
"""

from __future__ import annotations

import difflib
import re

from homeward.kinship.errors import UnknownLocusError

#: AmpFlSTR Yfiler (Applied Biosystems): 16 markers, 17 loci with DYS385a/b.
YFILER: tuple[str, ...] = (
    "DYS19", "DYS389I", "DYS389II", "DYS390", "DYS391", "DYS392", "DYS393", "DYS385",
    "DYS437", "DYS438", "DYS439", "DYS448", "DYS456", "DYS458", "DYS635", "YGATAH4",
)

#: Yfiler Plus (Thermo Fisher): Yfiler + 9 markers, 27 loci with DYS385a/b, DYF387S1a/b.
YFILER_PLUS: tuple[str, ...] = YFILER + (
    "DYS576", "DYS627", "DYS460", "DYS518", "DYS570", "DYS449", "DYS481", "DYF387S1",
    "DYS533",
)

#: Markers of other common kits (PowerPlex Y23), known so that files with them read.
OTHER_YSTR: tuple[str, ...] = ("DYS549", "DYS643")

KNOWN_YSTR: tuple[str, ...] = YFILER_PLUS + OTHER_YSTR

#: Number of copies of each multi-copy locus (every other locus has one).
MULTI_COPY: dict[str, int] = {"DYS385": 2, "DYF387S1": 2}

#: Rapidly mutating Y-STRs of Yfiler Plus (Ballantyne et al. 2010, AJHG 87:341-353).
RAPIDLY_MUTATING: frozenset[str] = frozenset(
    {"DYS576", "DYS627", "DYS518", "DYS570", "DYS449", "DYF387S1"})

#: The name of the second DYS389 block (DYS389II - DYS389I) in comparisons and models.
DYS389_SECOND_BLOCK = "DYS389II-I"

#: Mutation probability per locus per generation; see the module docstring for sources.
#: Multi-copy loci: the rate that either copy mutates.
MUTATION_RATES: dict[str, float] = {
    "DYS392": 4.96e-4, "DYS438": 3.51e-4, "DYS635": 4.21e-3, "DYS481": 4.88e-3,
    "DYS449": 9.44e-3, "DYS448": 1.39e-3, "DYS533": 3.68e-3, "DYS19": 2.20e-3,
    "DYS393": 1.07e-3, "DYS518": 1.46e-2, "DYS627": 1.32e-2, "DYS390": 2.08e-3,
    "DYS389I": 2.72e-3, "DYS570": 1.14e-2, "DYS458": 6.17e-3, "DYS460": 5.82e-3,
    "DYS437": 1.32e-3, "DYS439": 5.46e-3, "DYS576": 1.26e-2, "DYS389II": 4.33e-3,
    "DYS456": 4.41e-3, "DYS391": 2.53e-3, "YGATAH4": 3.01e-3,
    "DYS385": 6.86e-3, "DYF387S1": 1.115e-2,
    DYS389_SECOND_BLOCK: 4.33e-3 - 2.72e-3,
}

#: Rate used for a known marker without a published rate here (DYS549, DYS643): the
#: median Yfiler rate of Goedbloed et al. 2009 (Int J Legal Med 123:471-482), 2.5e-3.
DEFAULT_MUTATION_RATE = 2.5e-3

_ALIASES: dict[str, str] = {
    "YGATAH4": "YGATAH4", "GATAH4": "YGATAH4", "GATAH41": "YGATAH4", "YGATAH41": "YGATAH4",
    "DYS3891": "DYS389I", "DYS3892": "DYS389II",
    "DYS385AB": "DYS385", "DYF387S1AB": "DYF387S1", "DYF387": "DYF387S1",
}

#: Spellings of the second DYS389 block that some exports carry instead of DYS389II.
DYS389_SECOND_BLOCK_NAMES = frozenset({"DYS389B", "DYS389III", "DYS389IIMINUSI"})


def _key(name: str) -> str:
    return re.sub(r"[\s_\-.#/]", "", name).upper()


_BY_KEY: dict[str, str] = {_key(n): n for n in KNOWN_YSTR}
_BY_KEY.update(_ALIASES)


def canonical_ystr_locus(name: str) -> str:
    """Return the canonical spelling of a Y-STR marker.

    Case, spaces, ``_ - . # /`` are ignored: ``"DYS 389 I"``, ``"dys389i"`` give
    ``"DYS389I"``; ``"Y-GATA-H4"`` and ``"GATA H4.1"`` give ``"YGATAH4"``;
    ``"DYS385a/b"`` gives ``"DYS385"``.

    :raises UnknownLocusError: with close spellings as suggestions.
    """
    key = _key(name)
    if key in _BY_KEY:
        return _BY_KEY[key]
    suggestions = difflib.get_close_matches(key, list(_BY_KEY), n=3, cutoff=0.75)
    hint = ""
    if suggestions:
        names = list(dict.fromkeys(_BY_KEY[s] for s in suggestions))
        hint = "; did you mean " + " or ".join(repr(n) for n in names) + "?"
    raise UnknownLocusError(f"locus {name!r} is not a known Y-STR marker{hint}")


def split_copy_column(name: str) -> tuple[str, int | None]:
    """Split a column name such as ``DYS385a`` into ``("DYS385", 0)``.

    Wide exports often give each copy of a multi-copy locus its own column
    (``DYS385a``, ``DYS385b``). Other names return ``(canonical, None)``.
    """
    key = _key(name)
    for locus in MULTI_COPY:
        if key[:-1] == _key(locus) and key[-1] in "AB":
            return locus, "AB".index(key[-1])
    return canonical_ystr_locus(name), None


def is_dys389_second_block(name: str) -> bool:
    """True for a column that holds DYS389II - DYS389I rather than DYS389II."""
    key = _key(name)
    return key in DYS389_SECOND_BLOCK_NAMES or key == _key(DYS389_SECOND_BLOCK)


def copies(locus: str) -> int:
    """Number of copies the kit amplifies at a locus (2 for DYS385, DYF387S1)."""
    return MULTI_COPY.get(locus, 1)


def mutation_rate(locus: str) -> float:
    """Mutation probability per generation at a locus (see :data:`MUTATION_RATES`)."""
    return MUTATION_RATES.get(locus, DEFAULT_MUTATION_RATE)


def kit_loci(name: str) -> tuple[str, ...]:
    """The markers of a kit: ``"yfiler"`` or ``"yfiler-plus"``."""
    kits = {"yfiler": YFILER, "yfilerplus": YFILER_PLUS}
    try:
        return kits[_key(name).lower()]
    except KeyError:
        raise UnknownLocusError(f"unknown Y-STR kit {name!r}; known: yfiler, yfiler-plus") \
            from None


def locus_count(markers: tuple[str, ...]) -> int:
    """Number of loci as the kits count them (each copy of a multi-copy locus counts)."""
    return sum(copies(m) for m in markers)
