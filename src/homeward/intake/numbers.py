"""Numbers written in words become digits, in English and Chinese, before any pattern runs.

"ninety-two children" -> "92 children" (text2num); "解救儿童九十二名" -> "解救儿童92名" and
"1.46万名" -> "14600名" (cn2an). Chinese numerals are converted only where a counter or a
date unit follows, so words such as 统一 ("unified") or 一些 ("some") stay as they are.
"""

from __future__ import annotations

import re
import warnings

import cn2an
from text_to_num import alpha2digit

_ZH_DIGITS = "零〇一二两三四五六七八九十百千万亿"
# 廿 and 卅 (twenty, thirty) in Hong Kong and Taiwan copy: "廿三人" is 23
_ZH_TENS = re.compile(r"([廿卅])(?=[一二三四五六七八九]?(?:[名个人岁年月日号宗元]))")
_ZH_COUNTERS = ("名|个|人|岁|周岁|年|月|日|号|省|宗|家|元|块|天|座|市|县|批|次|户|对|辆|条|"
                "位|余|多|来|岁半|名次")
_ZH_NUMBER = re.compile(rf"[{_ZH_DIGITS}]+(?=(?:{_ZH_COUNTERS}))")
_WAN = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)")
# "5到6万元" is 50,000 to 60,000: the unit after a range belongs to both ends.
_WAN_RANGE = re.compile(r"(\d+(?:\.\d+)?)\s*(至|到|-|–|~|—)\s*(\d+(?:\.\d+)?)\s*(万|亿)")
_EN_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s*(million|thousand|billion)\b", re.I)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_VAGUE = re.compile(r"(\b(?:thousands|hundreds|millions|tens|dozens|scores)\b)", re.I)
_SMALL = re.compile(r"\b(one|two|One|Two)\b(?!\s+of\b)(?=\s+[a-z])")
_SMALL_VALUES = {"one": "1", "two": "2"}
# "a nine-province operation", "a five-member gang": a number word joined to what it counts
_HYPHEN_COUNT = re.compile(r"\b([A-Za-z]+(?:-[A-Za-z]+)?)-(?=(?:provinces?|provincial|regions?|"
                           r"members?|cities|city)\b)")
_SCALES = {"万": 10_000, "亿": 100_000_000, "thousand": 1_000, "million": 1_000_000,
           "billion": 1_000_000_000}


def _zh_to_digits(match: re.Match[str]) -> str:
    run = match.group(0)
    if run in {"万", "亿", "千", "百", "十"}:
        return run if run != "十" else "10"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return str(cn2an.cn2an(run, "smart"))
    except (ValueError, KeyError):
        return run


def _hyphen_count(match: re.Match[str]) -> str:
    word = match.group(1)
    digits = alpha2digit(word.replace("-", " "), "en")
    if not digits.isdigit():
        digits = _SMALL_VALUES.get(word.lower(), word)
    return f"{digits}-"


def _scale(match: re.Match[str]) -> str:
    value = float(match.group(1)) * _SCALES[match.group(2).lower()]
    return str(round(value))


def normalise_numbers(text: str) -> str:
    """The text with every number written as plain digits (no thousands separators)."""
    text = _ZH_TENS.sub(lambda m: "二十" if m.group(1) == "廿" else "三十", text)
    text = _ZH_NUMBER.sub(_zh_to_digits, text)
    text = _WAN_RANGE.sub(lambda m: f"{m.group(1)}{m.group(4)}{m.group(2)}{m.group(3)}{m.group(4)}",
                          text)
    text = _WAN.sub(_scale, text)
    text = _THOUSANDS.sub("", text)
    text = _EN_SCALE.sub(_scale, text)
    if re.search(r"[A-Za-z]", text):
        # "thousands of children" is no count: those words are kept out of the conversion
        parts = _VAGUE.split(text)
        text = "".join(part if _VAGUE.fullmatch(part) else alpha2digit(part, "en")
                       for part in parts)
        # alpha2digit leaves the small words alone; "one of" and "one-child" stay words.
        text = _SMALL.sub(lambda m: _SMALL_VALUES[m.group(1).lower()], text)
        text = _HYPHEN_COUNT.sub(_hyphen_count, text)
    return text


def to_int(value: str) -> int:
    return round(float(value.replace(",", "")))
