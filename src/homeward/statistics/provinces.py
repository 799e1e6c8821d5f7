"""Province names in English and Chinese, by two-digit code (from the gazetteer)."""

from __future__ import annotations

from functools import lru_cache

from homeward.registry.gazetteer import core_name, provinces

UNKNOWN = {"en": "Unknown province", "zh": "省份不详"}


@lru_cache(maxsize=1)
def _names() -> dict[str, dict[str, str]]:
    return {place.province_code: {"en": place.name_en, "zh": core_name(place.name),
                                  "zh_full": place.name} for place in provinces()}


def province_name(code: str, language: str = "en") -> str:
    """``"53"`` -> ``"Yunnan"`` or ``"云南"``; the unknown province for other codes."""
    names = _names().get(code)
    if names is None:
        return UNKNOWN["zh" if language == "zh" else "en"]
    return names["zh" if language == "zh" else "en"]


def code_of_name(name: str) -> str | None:
    """The code of a province named in English or Chinese (``"Yunnan"``, ``"云南省"``)."""
    wanted = name.strip().lower()
    for code, names in _names().items():
        if wanted in {names["en"].lower(), names["zh"], names["zh_full"]}:
            return code
    return None


def all_province_codes() -> list[str]:
    return sorted(_names())
