"""Split English and Chinese text into sentences, each with its number-normalised twin."""

from __future__ import annotations

import re
from dataclasses import dataclass

from homeward.intake.numbers import normalise_numbers
from homeward.intake.script import to_simplified

_EN_BREAK = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_ZH_BREAK = re.compile(r"(?<=[。！？])")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# "BEIJING, July 29 (Xinhua) --", "KUNMING (Reuters) -", "新华网北京9月28日电（记者 王明）":
# where the story was filed, not where it happened.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z .'-]{2,}(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2})?\s*(?:\([^)]{1,40}\))?"
    r"\s*[-–—]{1,2}\s+"
    r"|(?:[\u4e00-\u9fff]{1,8}?(?:网|社|报|台))?[\u4e00-\u9fff]{2,4}\d{1,2}月\d{1,2}日(?:电|讯)"
    r"(?:（[^）]{0,30}）|\([^)]{0,30}\))?\s*)")


@dataclass(frozen=True)
class Sentence:
    """A sentence as written (for quotes) and, for patterns, in simplified characters with
    numbers as digits."""

    text: str
    normalised: str
    paragraph: int

    @property
    def chinese(self) -> bool:
        return is_chinese(self.text)


def is_chinese(text: str) -> bool:
    """Whether a text is written in Chinese (a quarter of its characters or more are Han)."""
    return len(_HAN.findall(text)) > len(text) / 4


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for number, paragraph in enumerate(p.strip() for p in re.split(r"\n\s*\n|\n", text)):
        paragraph = _DATELINE.sub("", paragraph)
        if not paragraph:
            continue
        pieces = _ZH_BREAK.split(paragraph) if _HAN.search(paragraph) else [paragraph]
        for piece in pieces:
            for sentence in _EN_BREAK.split(piece):
                sentence = sentence.strip()
                if sentence:
                    normalised = normalise_numbers(to_simplified(sentence))
                    out.append(Sentence(sentence, normalised, number))
    return out
