"""One script for the patterns: traditional Chinese to simplified, full-width forms to ASCII.

Government sites serve big5 copies in traditional characters (解救兒童 for 解救儿童), pages
mix both scripts, write digits full-width (１２名) and some mirrors annotate characters with
their pinyin in brackets (開(kāi)展). The patterns are written once, for simplified text and
ASCII digits; this module brings every sentence to that form. The quote shown to a person
keeps the text as written. Conversion is OpenCC's ``t2s`` (phrase-aware, Apache-2.0), not a
character table: 乾 stays 乾 in 乾隆 but 乾淨 becomes 干净.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# "開(kāi)展": pinyin with tone marks in round brackets straight after a Han character.
_TONED = r"\u00e0-\u00fc\u0101-\u01dc\u0300-\u036f"
_PINYIN_NOTE = re.compile(rf"(?<=[\u4e00-\u9fff])\((?=[^)]*[{_TONED}])[a-z{_TONED}]{{1,8}}\)")
_FULL_WIDTH = re.compile(r"[\uff01-\uff5e]")
_KEEP_FULL_WIDTH = set("，。：；！？（）、")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _narrow(match: re.Match[str]) -> str:
    char = match.group(0)
    # Chinese punctuation stays: the sentence splitter and the patterns read it.
    return char if char in _KEEP_FULL_WIDTH else unicodedata.normalize("NFKC", char)


def to_simplified(text: str) -> str:
    """``text`` in simplified characters with ASCII digits and letters, annotations removed."""
    text = _PINYIN_NOTE.sub("", text)
    text = _FULL_WIDTH.sub(_narrow, text)
    if re.search(r"[\u4e00-\u9fff]", text):
        text = _converter().convert(text)
    return text
