"""Places named in English, pinyin or Chinese, normalised to administrative units.

Provinces and prefecture-level cities come from the gazetteer (cpca's adcodes with
coordinates); a few neighbouring countries on trafficking routes are added. "Guangxi Zhuang
Autonomous Region", "广西" and "广西壮族自治区" are all Guangxi; "Kunming" and "昆明市" are
Kunming in Yunnan. A pinyin name shared by two cities (Fuzhou, Suzhou, Taizhou) resolves to
the one whose province the same text names, else to the larger city.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from homeward.registry.gazetteer import Place, core_name, places

# Well-known English names that are not the plain pinyin of the Chinese name.
EXONYMS = {"哈尔滨市": "Harbin", "呼和浩特市": "Hohhot", "乌鲁木齐市": "Urumqi",
           "拉萨市": "Lhasa", "喀什地区": "Kashgar", "西安市": "Xi'an", "延安市": "Yan'an",
           "香港特别行政区": "Hong Kong", "澳门特别行政区": "Macao",
           "长治市": "Changzhi"}
EXTRA_ENGLISH = {"Xian": "西安市", "Macau": "澳门特别行政区", "Kashi": "喀什地区",
                 "Inner Mongolia": "内蒙古自治区", "Tibet": "西藏自治区", "Canton": "广东省",
                 "Pu'er": "普洱市", "Pu’er": "普洱市"}
COUNTRIES = {"Vietnam": ("越南", 105.85, 21.03), "Myanmar": ("缅甸", 96.13, 19.75),
             "Burma": ("缅甸", 96.13, 19.75), "Laos": ("老挝", 102.63, 17.97),
             "Cambodia": ("柬埔寨", 104.92, 11.56), "Thailand": ("泰国", 100.50, 13.75)}
# Short Chinese names that are also ordinary words (来宾 "guests", 大同 "great harmony"...):
# recognised only with their suffix (来宾市).
AMBIGUOUS_SHORT = {"来宾", "大同", "长治", "安康", "中山", "白山", "三明", "吉安", "永安", "新余",
                   "通化", "定西", "阿里", "东方", "三亚"}
# English pinyin that is also an English word or a common given name.
AMBIGUOUS_ENGLISH = {"Ali", "Dongfang", "Baise", "Anshun", "Linfen"}
# Preferred city where one pinyin spelling names two cities.
PREFERRED = {"Fuzhou": "350100000000", "Suzhou": "320500000000", "Taizhou": "331000000000",
             "Yichun": "360900000000", "Yulin": "450900000000"}


@dataclass(frozen=True)
class Unit:
    """A province, a city or a country, with the English name used in every output."""

    name_en: str
    name_zh: str
    kind: str  # province | city | country
    province: str | None  # English name of the province (None for a country)
    adcode: str | None
    longitude: float
    latitude: float

    def as_json(self) -> dict[str, object]:
        return {"name": self.name_en, "name_zh": self.name_zh, "kind": self.kind,
                "province": self.province, "adcode": self.adcode,
                "longitude": self.longitude, "latitude": self.latitude}

    @classmethod
    def from_json(cls, data: dict) -> Unit:
        return cls(data["name"], data["name_zh"], data["kind"], data.get("province"),
                   data.get("adcode"), data["longitude"], data["latitude"])


@dataclass(frozen=True)
class PlaceMention:
    unit: Unit
    start: int
    end: int


def _unit(place: Place, provinces_by_code: dict[str, Place]) -> Unit:
    name_en = EXONYMS.get(place.name, place.name_en)
    province = provinces_by_code[place.province_code]
    kind = "province" if place.is_province else "city"
    return Unit(name_en, place.name, kind, EXONYMS.get(province.name, province.name_en),
                place.adcode, place.longitude, place.latitude)


@dataclass(frozen=True)
class _Index:
    english: dict[str, list[Unit]]
    chinese: dict[str, Unit]
    english_pattern: re.Pattern[str]
    chinese_pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def _index() -> _Index:
    every = places()
    provinces_by_code = {p.province_code: p for p in every.values() if p.is_province}
    english: dict[str, list[Unit]] = {}
    chinese: dict[str, Unit] = {}
    by_name: dict[str, Unit] = {}
    for place in every.values():
        if not (place.is_province or place.is_city) or len(place.name) < 2:
            continue  # "县", the gazetteer's group of Chongqing's counties, is no place name
        unit = _unit(place, provinces_by_code)
        by_name[place.name] = unit
        chinese[place.name] = unit
        short = core_name(place.name)
        if short != place.name and len(short) >= 2 and short not in AMBIGUOUS_SHORT:
            chinese.setdefault(short, unit)
            if place.name.endswith("自治州"):
                chinese.setdefault(f"{short}州", unit)
        for spelling in {unit.name_en, unit.name_en.replace("'", "")}:
            if spelling not in AMBIGUOUS_ENGLISH:
                english.setdefault(spelling, []).append(unit)
    for alias, name in EXTRA_ENGLISH.items():
        english.setdefault(alias, []).append(by_name[name])
    for name_en, (name_zh, lon, lat) in COUNTRIES.items():
        unit = Unit("Myanmar" if name_en == "Burma" else name_en, name_zh, "country", None,
                    None, lon, lat)
        english[name_en] = [unit]
        chinese[name_zh] = unit
    for units in english.values():  # provinces first, then the preferred or larger city
        units.sort(key=lambda u: (u.kind != "province", PREFERRED.get(u.name_en) != u.adcode,
                                  u.adcode or ""))
    english_pattern = re.compile(
        r"(?<![A-Za-z])(" + "|".join(re.escape(n) for n in sorted(english, key=len, reverse=True))
        + r")(?![a-z])")
    chinese_pattern = re.compile(
        "(" + "|".join(re.escape(n) for n in sorted(chinese, key=len, reverse=True)) + ")")
    return _Index(english, chinese, english_pattern, chinese_pattern)


def find_places(text: str) -> list[PlaceMention]:
    """Every province, city or country named in ``text``, in order."""
    index = _index()
    mentions: list[tuple[int, int, list[Unit]]] = []
    for match in index.chinese_pattern.finditer(text):
        mentions.append((match.start(), match.end(), [index.chinese[match.group(1)]]))
    for match in index.english_pattern.finditer(text):
        mentions.append((match.start(), match.end(), index.english[match.group(1)]))
    named_provinces = {units[0].name_en for _, _, units in mentions if units[0].kind == "province"}
    out = []
    for start, end, units in sorted(mentions, key=lambda m: m[0]):
        chosen = next((u for u in units if u.province in named_provinces), units[0])
        out.append(PlaceMention(chosen, start, end))
    return out


def unit_named(name: str) -> Unit | None:
    """The unit an English or Chinese name stands for (used to read labels and forms)."""
    index = _index()
    if name in index.chinese:
        return index.chinese[name]
    units = index.english.get(name)
    return units[0] if units else None
