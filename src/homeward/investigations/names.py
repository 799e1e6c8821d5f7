"""Chinese personal names across sources: characters, pinyin, surnames, ID numbers.

A name written 张伟 in a police record, "Zhang Wei" in an article and "zhangwei" in a post
is one spelling once the characters are read as toneless pinyin (pypinyin). Surnames come
first in Chinese names; a few two-character surnames (欧阳, 司马 ...) are kept whole. A
resident identity number (GB 11643-1999) carries the birth date in digits 7-14.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from pypinyin import lazy_pinyin

# Compound surnames among the most common in China (Baijiaxing; the Ministry of Public
# Security's surname rankings list 欧阳, 上官, 司马, 诸葛, 东方 among the most frequent).
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
                     "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "西门")
_HAN = re.compile(r"[\u3400-\u9fff]")
_ID_NUMBER = re.compile(r"^\d{17}[\dX]$")


def has_han(text: str) -> bool:
    return bool(_HAN.search(text))


@lru_cache(maxsize=65536)
def pinyin_key(name: str) -> str:
    """Lower-case toneless pinyin without spaces: 张伟, "Zhang Wei", "ZHANG-wei" -> zhangwei."""
    text = unicodedata.normalize("NFKC", name).strip()
    if has_han(text):
        text = "".join(lazy_pinyin(text))
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text.lower() if c.isalpha() and c.isascii())


def surname(name: str) -> str:
    """The surname as pinyin (张伟 and "Zhang Wei" both give "zhang")."""
    text = unicodedata.normalize("NFKC", name).strip()
    if has_han(text):
        han = "".join(_HAN.findall(text))
        for compound in COMPOUND_SURNAMES:
            if han.startswith(compound):
                return pinyin_key(compound)
        return pinyin_key(han[:1])
    words = re.split(r"[\s\-_.]+", text)
    return pinyin_key(words[0]) if words and words[0] else ""


def normal_id_number(value: str | None) -> str | None:
    text = re.sub(r"\s", "", value or "").upper()
    return text or None


def birth_date_of_id(id_number: str | None) -> dt.date | None:
    """The birth date written in an 18-character resident identity number, if valid."""
    text = normal_id_number(id_number)
    if not text or not _ID_NUMBER.match(text):
        return None
    try:
        return dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None


def normal_phone(value: str) -> str:
    """Digits only, without China's country code."""
    digits = re.sub(r"\D", "", value)
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


__all__ = ["COMPOUND_SURNAMES", "birth_date_of_id", "has_han", "normal_id_number",
           "normal_phone", "pinyin_key", "surname"]
