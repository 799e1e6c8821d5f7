"""Places as administrative area codes, compared by prefix.

A Chinese administrative division code (GB/T 2260, extended to 12 digits by the statistics
bureau's urban-rural codes) nests: two digits name the province, four the prefecture, six
the county, and the rest towns and villages. ``530000``, ``530000000000`` and ``53`` are all
Yunnan; ``5326`` is Wenshan prefecture inside it. Reduced to its *significant prefix*
(trailing zero levels dropped, and no finer than the county), a place lies inside an area
exactly when its prefix starts with the area's. The engine needs no gazetteer for this:
names are resolved to codes by the caller (the command line, the registry).
"""

from __future__ import annotations

from collections.abc import Iterable

from homeward.kinship.errors import InputError

CODE_LENGTHS = (2, 4, 6, 9, 12)  # province, prefecture, county, town, village
LEVELS = (2, 4, 6)  # the levels places are compared at


def area_code(text: str) -> str:
    """The significant prefix of an adcode: ``530000`` -> ``53``, ``530100000000`` ->
    ``5301``, ``530102`` -> ``530102`` (town and village digits are dropped).

    :raises InputError: the text is not 2, 4, 6, 9 or 12 digits, or names no province.
    """
    code = text.strip()
    if not code.isascii() or not code.isdigit() or len(code) not in CODE_LENGTHS:
        raise InputError(f"{text!r} is not an administrative area code (2, 4, 6, 9 or 12 "
                         "digits, such as 53 or 530100)")
    if code[:2] == "00":
        raise InputError(f"{text!r} names no province (its first two digits are 00)")
    county = code.ljust(12, "0")[:LEVELS[-1]]
    for level in LEVELS[:-1]:
        if county[level:].strip("0") == "":
            return county[:level]
    return county


def in_areas(place: str, areas: Iterable[str]) -> bool | None:
    """Whether ``place`` lies inside one of ``areas`` (all significant prefixes).

    ``None`` when it cannot be told: the place is coarser than an area it might lie in
    (vanished "in Yunnan", the area is Kunming) and inside none of the others.
    """
    undetermined = False
    for area in areas:
        if place.startswith(area):
            return True
        if area.startswith(place):
            undetermined = True
    return None if undetermined else False


__all__ = ["CODE_LENGTHS", "LEVELS", "area_code", "in_areas"]
