"""Dates in English and Chinese, absolute or relative to the day an item was published.

A date keeps the precision the text gives it: "on July 15, 2011" is ``2011-07-15``, "in July
2011" or "2011年7月" is ``2011-07``, "last year" is a year. Relative words ("last month",
"late on Friday", "昨天", "近日") are resolved against the publication date, and only when it
is known.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")], start=1)
    for name in names}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|" \
         r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"


@dataclass(frozen=True)
class DateMention:
    """A date found in text: its value at the precision given, and the words that said it."""

    value: str  # YYYY-MM-DD, YYYY-MM or YYYY
    phrase: str
    start: int


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month(year: int, month: int) -> str | None:
    return f"{year:04d}-{month:02d}" if 1 <= month <= 12 and 1900 < year < 2100 else None


# A day named without a year may lie a little after the reference: the reference is often
# only the month of an address (".../2011/07/...", read as 1 July, for a raid on July 15), and
# a story announces what comes next ("will be tried on July 20"). Further ahead, the day is
# last year's ("on Dec 20" in an article of January 5).
_AHEAD_DAYS = 31


def _year_for(month: int, day: int | None, reference: dt.date | None) -> int | None:
    """The year of a day named without one: the last such day on or before publication,
    or one at most ``_AHEAD_DAYS`` after it."""
    if reference is None:
        return None
    year = reference.year
    named = dt.date(year, month, min(day or 1, 28 if month == 2 else 30 if month in
                                     (4, 6, 9, 11) else 31))
    if (named - reference).days > _AHEAD_DAYS:
        year -= 1
    return year


_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "iso"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), "zh_ymd"),
    (re.compile(r"(今年|去年|前年)\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?"), "zh_rel_m"),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*[日号])"), "zh_ym"),
    (re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), "zh_md"),
    (re.compile(r"(\d{4})\s*年(?!\s*\d{1,2}\s*月)(?![\d])"), "zh_y"),
    (re.compile(r"(?<![\d年])(\d{1,2})\s*月(?:上旬|中旬|下旬|初|底|末|份)"), "zh_m"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), "en_mdy"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(\d{{4}})\b", re.I), "en_dmy"),
    (re.compile(rf"\b(?:early|mid|late|the (?:end|beginning|middle) of)[- ]?{_MONTH}"
                rf"(?:,?\s+(\d{{4}})\b|\s+(?:of\s+)?(this|last)\s+year\b)?", re.I), "en_part_m"),
    (re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(this|last)\s+year\b", re.I), "en_m_rel"),
    (re.compile(rf"\b{_MONTH},?\s+(\d{{4}})\b", re.I), "en_my"),
    (re.compile(rf"\b(?:on|since|from|by|until|of)\s+{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})",
                re.I), "en_md"),
    (re.compile(rf"\b(?:in|since|during|by|until)\s+{_MONTH}\b(?!\s*\d)"
                rf"(?!\s+(?:of\s+)?(?:this|last)\s+year)", re.I), "en_m"),
    (re.compile(r"\b(?:in|since|during|from|by|until|of)\s+(\d{4})\b(?!\s*(?:yuan|children|people))",
                re.I), "en_y"),
    (re.compile(r"\b(last|this|next)\s+(year|month)\b", re.I), "en_rel"),
    (re.compile(r"\b(?:on|late on|early on|last|said|announced|reported)\s+(Monday|Tuesday|"
                r"Wednesday|Thursday|Friday|Saturday|Sunday)\b", re.I), "en_weekday"),
    (re.compile(r"\b(yesterday|today)\b", re.I), "en_day"),
    (re.compile(r"(去年|今年|上个月|上月|本月|昨天|昨日|今天|近日|日前)"), "zh_rel"),
]


# Kinds that name a month (and maybe a day) but no year: their year comes from the reference.
_NO_YEAR = {"zh_md": (0, 1), "zh_m": (0, None), "en_md": (0, 1), "en_m": (0, None),
            "en_part_m": (0, None)}


def yearless(value: str) -> bool:
    """Whether ``value`` is a month or day without its year ("--11" or "--11-30", the
    truncated forms of ISO 8601:2000, 5.2.1.3 and 5.3.1.3)."""
    return value.startswith("--")


def find_dates(text: str, reference: dt.date | None = None,
               keep_yearless: bool = False) -> list[DateMention]:
    """Every date in ``text``, in order; relative dates only when ``reference`` is known.

    A month or day named without a year ("on July 15", "11月30日") takes the reference's year;
    with no reference it is left out, or kept as ``--07-15`` when ``keep_yearless`` (another
    outlet's account of the same operation may give the year: ``cluster``).
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _PATTERNS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            value = _resolve(kind, match, reference)
            if value is None and keep_yearless and reference is None and kind in _NO_YEAR:
                value = _without_year(kind, match)
            if value:
                found.append(DateMention(value, match.group(0), match.start()))
                taken.append((match.start(), match.end()))
    return sorted(found, key=lambda mention: mention.start)


def _month_number(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _without_year(kind: str, match: re.Match[str]) -> str | None:
    g = match.groups()
    if kind == "en_part_m" and (g[1] or g[2]):
        return None  # a year or "this year" was given, and could not be resolved
    month_at, day_at = _NO_YEAR[kind]
    month = int(g[month_at]) if kind.startswith("zh") else _month_number(g[month_at])
    if not 1 <= month <= 12:
        return None
    if day_at is None:
        return f"--{month:02d}"
    day = int(g[day_at])
    return f"--{month:02d}-{day:02d}" if _day(2000, month, day) else None


def _resolve(kind: str, match: re.Match[str], ref: dt.date | None) -> str | None:
    g = match.groups()
    if kind == "zh_rel_m":
        if ref is None:
            return None
        year = ref.year - {"今年": 0, "去年": 1, "前年": 2}[g[0]]
        return _day(year, int(g[1]), int(g[2])) if g[2] else _month(year, int(g[1]))
    if kind in ("en_part_m", "en_m_rel", "en_m"):
        month = _month_number(g[0])
        if kind == "en_part_m" and g[1]:
            return _month(int(g[1]), month)
        relative = g[2] if kind == "en_part_m" else g[1] if kind == "en_m_rel" else None
        if ref is None:
            return None
        if relative:
            return _month(ref.year - (relative.lower() == "last"), month)
        year = _year_for(month, None, ref)
        return _month(year, month) if year else None
    if kind == "iso":
        return _day(int(g[0]), int(g[1]), int(g[2]))
    if kind == "zh_ymd":
        return _day(int(g[0]), int(g[1]), int(g[2]))
    if kind == "zh_ym":
        return _month(int(g[0]), int(g[1]))
    if kind == "zh_md":
        year = _year_for(int(g[0]), int(g[1]), ref)
        return _day(year, int(g[0]), int(g[1])) if year else None
    if kind == "zh_m":
        year = _year_for(int(g[0]), None, ref)
        return _month(year, int(g[0])) if year else None
    if kind == "zh_y":
        return g[0] if 1900 < int(g[0]) < 2100 else None
    if kind == "en_mdy":
        return _day(int(g[2]), MONTHS[g[0].lower().rstrip(".")], int(g[1]))
    if kind == "en_dmy":
        return _day(int(g[2]), MONTHS[g[1].lower().rstrip(".")], int(g[0]))
    if kind == "en_my":
        return _month(int(g[1]), MONTHS[g[0].lower().rstrip(".")])
    if kind == "en_md":
        month = MONTHS[g[0].lower().rstrip(".")]
        year = _year_for(month, int(g[1]), ref)
        return _day(year, month, int(g[1])) if year else None
    if kind == "en_y":
        return g[0] if 1900 < int(g[0]) < 2100 else None
    if ref is None:
        return None
    if kind == "en_rel":
        shift = {"last": -1, "this": 0, "next": 1}[g[0].lower()]
        if g[1].lower() == "year":
            return str(ref.year + shift)
        return _shift_month(ref, shift)
    if kind == "en_weekday":
        wanted = WEEKDAYS.index(g[0].lower())
        back = (ref.weekday() - wanted) % 7 or 7
        return (ref - dt.timedelta(days=back)).isoformat()
    if kind == "en_day":
        return (ref - dt.timedelta(days=1 if g[0].lower() == "yesterday" else 0)).isoformat()
    word = g[0]
    if word == "去年":
        return str(ref.year - 1)
    if word == "今年":
        return str(ref.year)
    if word in ("上个月", "上月"):
        return _shift_month(ref, -1)
    if word in ("本月", "近日", "日前"):
        return _shift_month(ref, 0)
    return (ref - dt.timedelta(days=1 if word in ("昨天", "昨日") else 0)).isoformat()


def _shift_month(ref: dt.date, shift: int) -> str:
    index = ref.year * 12 + ref.month - 1 + shift
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


_PUBLISHED_LABEL = re.compile(
    r"(?:last modified|published|posted(?: on)?|updated|date|发布时间|发布日期|发表于|时间|来源)"
    r"\s*[:：]?\s*", re.I)


def find_publication_date(text: str, fallback: dt.date | None = None) -> dt.date | None:
    """The publication date near the top of an article: a labelled one, else ``fallback``
    (the date in the page's address), else the first full date (which may be the raid's)."""
    head = text[:3000]
    labelled = None
    for label in _PUBLISHED_LABEL.finditer(head):
        labelled = _first_full_date(head[label.end():label.end() + 60])
        if labelled:
            return labelled
    return fallback or _first_full_date(head[:600])


def _first_full_date(text: str) -> dt.date | None:
    for mention in find_dates(text):
        if len(mention.value) == 10:
            return dt.date.fromisoformat(mention.value)
    return None


# ".../2011-07/27/...", ".../2013/09/29/...", ".../201208/t20120807_...", ".../20070716/..."
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])(?:[/-]?(0[1-9]|[12]\d|3[01]))?"
                       r"(?=[/_.-]|\d{2,}|$)")


# "/english/2005/Feb/119852.htm": a month written as its English abbreviation
_URL_MONTH_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
                             r"Nov|Dec)[a-z]*/", re.I)
_MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                        "nov", "dec")


def date_in_url(url: str | None) -> dt.date | None:
    """The publication day (or the first of the month) that a news site writes in its URL."""
    if not url:
        return None
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    match = _URL_DATE.search(path)
    if match is None:
        named = _URL_MONTH_NAME.search(path)
        if named is None:
            return None
        return dt.date(int(named.group(1)),
                       _MONTH_ABBREVIATIONS.index(named.group(2).lower()) + 1, 1)
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
