"""Canonical STR locus names and their normalisation.

Labs and kits spell loci differently (``VWA``, ``vWA``, ``Penta D``, ``PENTA_D``,
``THO1``). Everything inside Homeward uses one spelling: the one of the frequency tables
shipped with the package (see ``data/frequencies/SOURCES.md``).
"""

from __future__ import annotations

import difflib
import re

from homeward.kinship.errors import UnknownLocusError

AMELOGENIN = "AMEL"

#: The 20 CODIS core loci (FBI, 2017), the minimum of every modern kit.
CODIS_20: tuple[str, ...] = (
    "CSF1PO", "D3S1358", "D5S818", "D7S820", "D8S1179", "D13S317", "D16S539", "D18S51",
    "D21S11", "FGA", "TH01", "TPOX", "vWA", "D1S1656", "D2S441", "D2S1338", "D10S1248",
    "D12S391", "D19S433", "D22S1045",
)

#: Markers common in Chinese kits beyond CODIS (Goldeneye, Huaxia, Sinofiler...).
CHINESE_KIT_EXTRA: tuple[str, ...] = ("PentaD", "PentaE", "D6S1043")

_OTHER_LOCI: tuple[str, ...] = (
    "APOAI1", "D10S1435", "D10S2325", "D11S1304", "D11S2368", "D11S4463", "D11S554",
    "D12ATA63", "D12S297", "D13S325", "D14S1426", "D14S1434", "D14S608", "D15S659",
    "D15S822", "D17S1290", "D17S1301", "D17S906", "D17S974", "D18S535", "D18S853",
    "D19S253", "D1GATA113", "D1S1627", "D1S1677", "D1S1679", "D20S470", "D20S482",
    "D21S102", "D21S1270", "D21S2055", "D22GATA198B05", "D2S1360", "D2S1776", "D2S427",
    "D3S1744", "D3S2406", "D3S3045", "D3S3053", "D3S4529", "D3S4545", "D4S2364",
    "D4S2366", "D4S2408", "D5S1457", "D5S2500", "D6S1017", "D6S1027", "D6S474", "D6S477",
    "D7S1517", "D7S2201", "D7S3048", "D8S1132", "D9S1118", "D9S1120", "D9S1122",
    "D9S2157", "D9S925", "F13A01", "F13B", "FESFPS", "LPL", "PentaB", "PentaC", "SE33",
)

KNOWN_LOCI: tuple[str, ...] = CODIS_20 + CHINESE_KIT_EXTRA + _OTHER_LOCI + (AMELOGENIN,)

_ALIASES: dict[str, str] = {
    "THO1": "TH01",
    "AMELOGENIN": AMELOGENIN,
    "AMELO": AMELOGENIN,
    "AM": AMELOGENIN,
    "D22GATA": "D22GATA198B05",
    "FIBRA": "FGA",
    "FIBRAFGA": "FGA",
    "HUMTH01": "TH01",
    "HUMVWA": "vWA",
    "HUMCSF1PO": "CSF1PO",
    "HUMTPOX": "TPOX",
    "HUMFIBRA": "FGA",
}


def _key(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name).upper()


_BY_KEY: dict[str, str] = {_key(n): n for n in KNOWN_LOCI}
_BY_KEY.update(_ALIASES)


def canonical_locus(name: str) -> str:
    """Return the canonical spelling of a locus name.

    Case, spaces, underscores, hyphens and dots are ignored, so ``"Penta D"``,
    ``"PENTA_D"`` and ``"pentad"`` all give ``"PentaD"``; ``"VWA"`` gives ``"vWA"``.

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
    raise UnknownLocusError(f"locus {name!r} is not a known STR marker{hint}")


def is_amelogenin(locus: str) -> bool:
    """True for the sex marker, which takes part in no likelihood ratio."""
    return locus == AMELOGENIN
