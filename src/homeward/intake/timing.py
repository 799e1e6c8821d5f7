"""When an operation happened, as opposed to when it was announced or published.

A news page dates many things: the day it was published (its dateline, 新华社北京3月9日电),
the day a ministry announced the result ("the ministry said on Wednesday", "昨天...发布消息"),
the day an investigation began ("since November 2011", "9月初...成立专案组"), a meeting
(9月21日，公安部召开...会议), the raid itself ("11月30日零时", "on July 20 ... raided"), and
days that are no date at all: case code names (“7·14”, "2011·11·18"). The month of the
operation is, in this order (issue 19; the labels' rule in benchmarks/data/intake_real):

1. a date of the event in a sentence that states the operation's figures, to the month;
2. a date in a sentence that tells a raid, to the month;
3. the year such a sentence gives ("late last year"), made precise by a day of that year told
   elsewhere in the story ("the operation was launched on Oct 16");
4. the day the result was announced;
5. (by the caller) the month of publication.

A month or day the page gives without any year ("on July 15" on a page with no date) is kept
apart as yearless: another outlet's account of the same operation may supply the year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from homeward.intake.dates import find_dates, yearless
from homeward.intake.sentences import Sentence

# Words that date the start of an investigation or an earlier event, not the raid:
# "since November 2011", "began their investigation ... last year", "立案", "发现".
_NOT_THE_RAID = re.compile(
    r"(?:\bsince|\bbegan|\bstarted|\blaunched an investigation|\blearned|\bset up|\bfound|"
    r"\bvanished|\bwent missing|\bdisappeared|\barouse[ds]?|\bsuspicions?|"
    r"自|以来|立案|成立专案组|发现|失踪|报警|接到)[^.;。；]{0,40}$", re.I)
# A case named after a day is no date: “7·14”, "2011·11·18", "2010.9.11", “5•05”.
_CASE_CODE = re.compile(r"[“\"'‘]?\d{1,4}(?:[·.•・]\d{1,2}){1,2}[”\"'’]?"
                        r"(?=\s*(?:[”\"'’]|专案|案|打拐|特大|部督|系列|拐卖|case))", re.I)
RAID = re.compile(r"\braid(?:s|ed)?\b|\bswoop\w*|\bbust(?:s|ed)?\b|\bbroke up\b|"
                  r"\bjoint (?:action|operation)s?\b|零时|零点|收网|集中(?:统一)?(?:抓捕|行动)|"
                  r"统一行动|同步行动", re.I)
# The day a result was made known, told before ("the ministry said on Wednesday") or after
# the date ("On Tuesday, the ministry said", "昨天，...发布消息", "9月21日，公安部召开...会议").
_ANNOUNCED_BEFORE = re.compile(
    r"(?:\b(?:said|says|announced|told|reported|revealed|disclosed|confirmed|statement|"
    r"conference|briefing)\b[\w\s,()-]{0,25}|(?:发布|通报|宣布|获悉)[^。；，,]{0,8})$", re.I)
_ANNOUNCED_AFTER = re.compile(
    r"^(?:[^.;]{0,50}?\b(?:said|announced|told reporters|reported)\b|"
    r"[^。；]{0,25}?(?:发布|通报|新闻发布会|宣布|获悉|透露|召开|会议))", re.I)
_ANNOUNCING_PHRASE = re.compile(r"^(?:said|announced|reported)\b", re.I)


@dataclass(frozen=True)
class DatedMention:
    """A date in the story with what it dates: ``event`` or ``announcement``; ``kind`` is
    the sentence's: ``counted`` (it states figures), ``raid`` or ``other``."""

    value: str
    role: str
    kind: str


def case_codes(text: str) -> set[str]:
    """The case code names a text gives (“8·30”, "8.30" and "8•30" are one code, "8-30")."""
    return {re.sub(r"[^\d]+", "-", m.group(0).strip("“\"'‘”’")) for m in _CASE_CODE.finditer(text)}


def mentions_in(sentence: Sentence, published: dt.date | None,
                counted: bool) -> list[DatedMention]:
    """The dates a sentence gives, case code names masked and investigation starts left out;
    yearless ones are kept when the publication date is unknown."""
    text = _CASE_CODE.sub(lambda m: "#" * len(m.group(0)), sentence.normalised)
    kind = "counted" if counted else "raid" if RAID.search(text) else "other"
    out = []
    for mention in find_dates(text, published, keep_yearless=published is None):
        before = text[:mention.start]
        if _NOT_THE_RAID.search(before):
            continue
        after = text[mention.start + len(mention.phrase):]
        announced = (_ANNOUNCED_BEFORE.search(before) or _ANNOUNCED_AFTER.search(after)
                     or _ANNOUNCING_PHRASE.match(mention.phrase))
        out.append(DatedMention(mention.value, "announcement" if announced else "event", kind))
    return out


def _precise(value: str) -> bool:
    return len(value) >= 7 and not yearless(value)


def _choose(mentions: list[DatedMention]) -> str | None:
    told = [m for m in mentions if m.kind in ("counted", "raid")]
    for kind in ("counted", "raid"):
        for mention in told:
            if mention.kind == kind and mention.role == "event" and _precise(mention.value):
                return mention.value
    year = next((m.value for m in told if m.role == "event" and len(m.value) == 4), None)
    if year is not None:
        return next((m.value for m in mentions if m.role == "event"
                     and m.value.startswith(f"{year}-")), year)
    return next((m.value for m in told if m.role == "announcement" and _precise(m.value)),
                None)


def operation_date(mentions: list[DatedMention]) -> str | None:
    """The date of the operation from the story's dated mentions, in the order above."""
    return _choose([m for m in mentions if not yearless(m.value)])


def operation_date_without_year(mentions: list[DatedMention]) -> str | None:
    """The operation's month or day when the page gives no year at all ("--07-15")."""
    chosen = _choose([DatedMention(m.value.replace("--", "0000-", 1), m.role, m.kind)
                      for m in mentions if yearless(m.value)])
    return chosen.replace("0000-", "--", 1) if chosen else None
