"""Chinese administrative places with codes and coordinates, from the cpca package.

cpca ships the adcodes of provinces, cities and counties with longitude and latitude;
English names are the pinyin of the Chinese name without its administrative suffix
(``云南省`` -> ``Yunnan``, ``广西壮族自治区`` -> ``Guangxi``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pypinyin import lazy_pinyin

_ETHNIC = ("壮|苗|彝|白|傣|哈尼|景颇|傈僳|藏|羌|土家|布依|侗|朝鲜|回|蒙古|哈萨克|柯尔克孜|"
           "黎|瑶|水|畲")
_SUFFIXES = re.compile(
    rf"(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市|地区|盟|"
    rf"(?:(?:{_ETHNIC})族)*自治州|(?:(?:{_ETHNIC})族)*自治县|县|区)$")
_SPECIAL = {"陕西": "Shaanxi", "内蒙古": "Inner Mongolia", "西藏": "Tibet",
            "香港": "Hong Kong", "澳门": "Macao"}


@dataclass(frozen=True)
class Place:
    adcode: str
    name: str
    name_en: str
    longitude: float
    latitude: float

    @property
    def province_code(self) -> str:
        return self.adcode[:2]

    @property
    def is_province(self) -> bool:
        return self.adcode[2:] == "0000000000"

    @property
    def is_city(self) -> bool:
        return self.adcode[2:4] != "00" and self.adcode[4:] == "00000000"


def core_name(name: str) -> str:
    """The name without its administrative suffix: 文山壮族苗族自治州 -> 文山."""
    return _SUFFIXES.sub("", name) or name


def english_name(name: str) -> str:
    core = core_name(name)
    if core in _SPECIAL:
        return _SPECIAL[core]
    return "".join(lazy_pinyin(core)).capitalize()


@lru_cache(maxsize=1)
def places() -> dict[str, Place]:
    path = resources.files("cpca") / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = {}
    for row in rows:
        if not row["longitude"]:
            continue
        out[row["adcode"]] = Place(row["adcode"], row["name"], english_name(row["name"]),
                                   float(row["longitude"]), float(row["latitude"]))
    return out


def province(code: str) -> Place:
    return places()[f"{code}0000000000"]


def cities(province_code: str) -> list[Place]:
    return sorted((p for p in places().values() if p.province_code == province_code
                   and p.is_city), key=lambda p: p.adcode)


def provinces() -> list[Place]:
    """The 34 provincial-level units, by adcode."""
    return sorted((p for p in places().values() if p.adcode[2:] == "0" * 10),
                  key=lambda p: p.adcode)
