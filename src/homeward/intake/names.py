"""People named in both scripts: "Hama Erji" in an English report is 哈马尔吉 in a Chinese one.

English outlets write a Chinese suspect's name in pinyin without tones (the Hanyu Pinyin
rules of GB/T 16159-2012: the surname apart from the given name, each written as one word).
So a name in an English report is found in a Chinese report by reading the Chinese text in
pinyin (pypinyin) and looking for the same syllables, beginning and ending on a character.
Only names of three syllables or more are compared: two syllables ("Li Ming") are found by
chance in any long Chinese text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import lazy_pinyin

from homeward.intake.places import find_places

_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}\b")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")
# An official is named in story after story ("Chen Shiqu, director of the anti-trafficking
# office"): a name beside a title or a "said" names no one of this case.
_TITLE = re.compile(r"\b(?:director|deputy|head|chief|commissar|spokes(?:man|woman|person)|"
                    r"official|minister|secretary|professor|reporter|editor|officer|"
                    r"policewoman|policeman|said|says|told)\b", re.I)
MIN_SYLLABLES = 3


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable, read off the characters pypinyin knows."""
    return frozenset(s for s in lazy_pinyin([chr(c) for c in range(0x4E00, 0xA000)],
                                            errors="ignore") if s.isalpha())


def _split(word: str) -> list[str] | None:
    """``word`` as pinyin syllables (the longest first), or None if it is not pinyin."""
    word = word.lower()
    if not word:
        return []
    for end in range(min(6, len(word)), 0, -1):
        if word[:end] in _syllables():
            rest = _split(word[end:])
            if rest is not None:
                return [word[:end], *rest]
    return None


@lru_cache(maxsize=4096)
def pinyin_names(text: str) -> frozenset[str]:
    """Names in an English text that read as pinyin of three syllables or more, places
    excluded ("Hama Erji" -> "hamaerji"; "Liangshan" and "Police Station" are not)."""
    places = {m.unit.name_en.lower() for m in find_places(text)}
    out = set()
    for match in _CAPITALISED.finditer(text):
        name = match.group(0)
        around = text[max(0, match.start() - 40):match.end() + 40]
        if _TITLE.search(around):
            continue
        words = name.split()
        if any(w.lower() in places for w in words) or name.lower() in places:
            continue
        parts = [_split(w) for w in words]
        if all(p for p in parts) and sum(len(p) for p in parts) >= MIN_SYLLABLES:
            out.add("".join(words).lower())
    return frozenset(out)


@lru_cache(maxsize=4096)
def _pinyin_runs(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(lazy_pinyin(run)) for run in _HAN_RUN.findall(text))


def names_in_chinese(text: str, names: frozenset[str] | set[str]) -> set[str]:
    """Which of ``names`` (pinyin, joined) a Chinese text writes in characters."""
    found = set()
    for syllables in _pinyin_runs(text):
        for start in range(len(syllables)):
            joined = ""
            for end in range(start, min(start + 5, len(syllables))):
                joined += syllables[end]
                if end - start + 1 >= MIN_SYLLABLES and joined in names:
                    found.add(joined)
    return found


def share_a_name(english: str, chinese: str) -> bool:
    """Whether an English and a Chinese text name the same person of three syllables."""
    names = pinyin_names(english)
    return bool(names) and bool(names_in_chinese(chinese, names))
