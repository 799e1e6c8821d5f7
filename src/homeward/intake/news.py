"""What one news article says: the incident it reports, and the statistics it quotes.

An incident is a police operation or a bust: children and women rescued, suspects detained,
officers deployed, provinces involved, places, routes, prices, roles. A statistic is a
cumulative figure with a period ("since April 2009 police have rescued 14,600 children",
"last year", "自2009年4月以来") and is never counted as an incident. Busts described
separately inside one operation ("one ring ... 8 children and 39 suspects; the other ...")
become sub-cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from homeward.intake.documents import Document
from homeward.intake.figures import Figures, figures_of, loose_counts, rescues_those_children
from homeward.intake.places import Unit
from homeward.intake.prices import by_sex, ring_total
from homeward.intake.script import to_simplified
from homeward.intake.sentences import Sentence, split_sentences
from homeward.intake.timing import (
    DatedMention,
    mentions_in,
    operation_date,
    operation_date_without_year,
)

_MONTH_NAME = r"(?:January|February|March|April|May|June|July|August|September|October|" \
              r"November|December)"
# Periods that make a figure cumulative ("since April 2009", "so far", "as of", "by last
# Friday", "during 2011", "from April 9 to May 4", "截至", "以来", "累计", "历年").
_PERIOD_EN = re.compile(
    r"\bsince (?:the (?:start|beginning|launch) of (?:the )?)?(?:[\w-]+ ){0,2}?"
    rf"(?:{_MONTH_NAME} )?\d{{4}}\b|"
    r"\bsince the (?:national )?(?:campaign|crackdown|drive)[\w ]{0,30}?(?:began|started|"
    r"was launched)(?: in (?:\w+ )?\d{4})?|"
    r"\b(?:over|in|during) the (?:past|last|previous) (?:[\w-]+ )?(?:years?|months?|decades?)\b|"
    r"\bso far(?: this year)?\b|\bas of\b|\bto date\b|\bby last \w+\b|"
    r"\blast year\b|\bfrom \d{4} (?:to|until|through) \d{4}\b|"
    r"\bbetween \d{4} and \d{4}\b|\bevery year\b|\beach year\b|\bannually\b|"
    r"\b(?:during|throughout) \d{4}\b|"
    rf"\bfrom {_MONTH_NAME} \d{{1,2}} (?:to|until|through) (?:{_MONTH_NAME} )?\d{{1,2}}\b|"
    r"\bin (?:the )?(?:whole of |all of )?\d{4} (?:alone|as a whole)\b|"
    r"^[Ii]n \d{4},|"
    r"\b[Ii]n \d{4}(?=[^.]*\b(?:nationwide|across the country|across China)\b)", re.I)
_PERIOD_ZH = re.compile(
    r"自?\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:以来|至今|起)|(?:\d{4}年)?(?:至|到)\d{4}年|"
    r"(?:去年(?!\d{1,2}月)|近年|近\d+年|近几年|多年|\d{4}年全年|全年|历年)(?:以来|来)?|今年以来|"
    r"截至[^，。,]{0,12}|累计|据统计|以来|"
    r"(?:^|，|,)\d{4}年(?!\d{0,2}月)")
# "this year" alone is as often the year of a raid ("in mid July of this year").
_WEAK_PERIOD = re.compile(r"\bthis year\b|今年", re.I)
# No single operation in the record rescued a thousand children or women (the largest
# national ones: 178 children in November 2011, 92 in September 2013; shared/DESIGN.md §1):
# such a figure is a campaign's or a year's total, whatever words surround it.
CUMULATIVE_MIN = 1000
_ANCHOR_EN = re.compile(r"\b(?:the|this|that) (?:ring|gang|network|group|raids?|bust|case|"
                        r"latest operation)\b|\bthe latest\b|\bthe suspects\b", re.I)
_ANCHOR_ZH = re.compile(r"该团伙|该案|此案|此次|本次|这起|专案|该犯罪")
_NATIONAL = re.compile(r"\bnationwide\b|\bacross the country\b|\bnational(?:ly)?\b|全国|各地",
                       re.I)
_CASES = {False: re.compile(r"\b(\d+)\s+(?:[\w-]+\s+){0,2}?cases\b", re.I),
          True: re.compile(r"案件(?:共)?(\d+)(?:余|多)?(?:起|宗)|(\d+)(?:余|多)?(?:起|宗)")}
_GANGS = {False: re.compile(r"\b(\d+)\s+(?:[\w-]+\s+){0,2}?(?:gangs|rings|groups|networks)\b",
                            re.I),
          True: re.compile(r"团伙(?:共)?(\d+)(?:余|多)?个|(\d+)(?:余|多)?个(?:犯罪)?团伙")}
_SUB_CASE_EN = re.compile(r"\b(?:one|another|the other|the first|the second|a second|the larger|"
                          r"the smaller|a separate)\s+(?:[\w-]+\s+)?(?:ring|gang|network|case|"
                          r"group|route|bust)\b|\bin one case\b|\bof (?:them|these)\b|"
                          r"\b(?:rings?|gangs?|networks?)\b.*\broute\b|\broute\b", re.I)
# "Earlier this month, Inner Mongolia arrested 95 people ...": another, earlier operation
# told in passing, whose figures and places are not this one's.
_EARLIER_OPERATION = re.compile(r"^(?:Earlier|Late|Last) (?:this |last )?(?:week|month)\b|"
                                r"^Earlier this year\b|^(?:上月|上周|本月初|月初)(?:初|底)?[，,]",
                                re.I)
_SUB_CASE_ZH = re.compile(r"其中|另一|第\d+起|分别|一线")
_AGENCY_EN = re.compile(
    r"\b((?:the )?(?:[A-Z][\w'-]+ ){0,5}(?:Ministry|Bureau|Department|Foundation|Procuratorate|"
    r"Court|Federation|Commission|Agency)(?: of(?: the)?(?: [A-Z][\w'-]+)+)?|"
    r"(?:[A-Z][\w'-]+ ){0,3}(?:Railway |Border |Public Security )?Police(?: Bureau| Department)?"
    r"|Xinhua(?: News Agency)?)")
_AGENCY_ZH = re.compile(r"([\u4e00-\u9fff]{0,10}?(?:公安部|公安厅|公安局|公安处|派出所|检察院|法院|"
                        r"妇联|基金会|民政部|民政局|新华社))")
_OPERATION = re.compile(r"\bOperation\s+(?:[A-Z][\w'-]+\s?){1,4}|[“\"]([^”\"]{2,20})[”\"]"
                        r"(?:专项行动|行动|专案)|([\u4e00-\u9fff]{2,12}专项行动)")


_DATING_COUNTS = ("children_rescued", "women_rescued", "suspects_detained")


@dataclass
class Statistic:
    article: str
    text: str
    period: str
    children: int | None = None
    women: int | None = None
    cases: int | None = None
    gangs: int | None = None

    def as_json(self) -> dict[str, object]:
        return {"article": self.article, "text": self.text, "period": self.period,
                "children": self.children, "women": self.women, "cases": self.cases,
                "gangs": self.gangs}


@dataclass
class IncidentReport:
    """The incident one article reports, before it is compared with other articles."""

    article: str
    counts: dict[str, int] = field(default_factory=dict)
    date: str | None = None
    places: list[Unit] = field(default_factory=list)
    routes: list[tuple[str, str]] = field(default_factory=list)
    bought: tuple[int, int] | None = None
    sold: tuple[int, int] | None = None
    # {"male": {"bought": [20000, 20000], "sold": [50000, 60000]}, "female": {...}}
    prices_by_sex: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    ring_total: int | None = None  # yuan a whole ring took, never a child's price
    sub_cases: list[IncidentReport] = field(default_factory=list)
    quote: str = ""
    roles: list[str] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    sexes: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    text: str = ""
    # "--07-15" when the page names the day but no year; the year may come from another
    # outlet's account of the same operation (cluster.fill_years), then kept in ``date``
    # with ``year_from`` naming that account.
    date_without_year: str | None = None
    year_from: str | None = None

    @property
    def place_names(self) -> list[str]:
        return list(dict.fromkeys(unit.name_en for unit in self.places))


@dataclass
class ArticleReading:
    document: Document
    incident: IncidentReport | None
    statistics: list[Statistic]


def statistic_in(sentence: Sentence, article: str) -> Statistic | None:
    """The cumulative figure the sentence states, with its period, or None for a sentence
    about an incident (a period alone is not enough: "since November 2011 ... to bust the
    ring" dates an investigation)."""
    text = sentence.normalised
    written = to_simplified(sentence.text)
    period = _longest(m for m in (_PERIOD_ZH if sentence.chinese else _PERIOD_EN).finditer(written)
                      if not _qualifies_superlative(written, m))
    weak = _WEAK_PERIOD.search(written)
    counts = loose_counts(text, sentence.chinese)
    cases = _first_int(_CASES[sentence.chinese], text)
    gangs = _first_int(_GANGS[sentence.chinese], text)
    children, women = counts.get("children_rescued"), counts.get("women_rescued")
    if children is None and women is None and cases is None and gangs is None:
        return None
    big = max(children or 0, women or 0) >= CUMULATIVE_MIN
    tallies = cases is not None or gangs is not None
    anchored = (_ANCHOR_ZH if sentence.chinese else _ANCHOR_EN).search(sentence.text)
    national = _NATIONAL.search(text)
    if big:
        pass
    elif period is not None:
        if anchored and not (tallies and national):
            return None
    elif not (weak and tallies and national):
        return None
    if children is None and women is None and not tallies:
        return None
    found = period or weak
    return Statistic(article=article, text=sentence.text,
                     period=found.group(0).strip() if found else "",
                     children=children, women=women, cases=cases, gangs=gangs)


# "专项行动以来的全国最大宗贩卖婴儿案", "the biggest bust since 2009": the period measures a
# record, it does not make the figures cumulative.
_SUPERLATIVE_AFTER = re.compile(r"^的?(?:全国|国内)?(?:最|首)")
_SUPERLATIVE_BEFORE = re.compile(r"\b(?:largest|biggest|most|first)\b[^.;,]{0,50}$", re.I)


def _qualifies_superlative(text: str, period: re.Match[str]) -> bool:
    return bool(_SUPERLATIVE_AFTER.search(text[period.end():period.end() + 8])
                or _SUPERLATIVE_BEFORE.search(text[max(0, period.start() - 60):period.start()]))


def _longest(matches: Iterable[re.Match[str]]) -> re.Match[str] | None:
    """The most specific period named ("over the past two years" rather than "In 2011,")."""
    return max(matches, key=lambda m: len(m.group(0)), default=None)


def _first_int(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    if not match:
        return None
    return int(next(g for g in match.groups() if g))


def read_article(document: Document) -> ArticleReading:
    """Each sentence is a statistic (a period and cumulative figures) or part of the story."""
    sentences = split_sentences(document.text)
    statistics: list[Statistic] = []
    story: list[tuple[Sentence, Figures]] = []
    for sentence in sentences:
        statistic = statistic_in(sentence, document.name)
        if statistic is not None:
            statistics.append(statistic)
            continue
        story.append((sentence, figures_of(sentence.normalised, sentence.chinese)))
    return ArticleReading(document, _incident(document, story), statistics)


def _incident(document: Document, story: list[tuple[Sentence, Figures]]) -> IncidentReport | None:
    """The article's incident: the largest value of each count (a national total is never
    smaller than a province's or a raid's share of it, and a lead may tell a local front
    first), everything else said in the story, and the sentence that supports the most
    figures."""
    report = IncidentReport(article=document.name, text=document.text)
    quote_fields = 0
    dated: list[DatedMention] = []
    told_children: int | None = None  # "20 children who had been abducted ..." said before
    for sentence, figures in story:
        if _EARLIER_OPERATION.search(sentence.text):
            continue
        if "children_rescued" not in figures.counts and told_children is not None \
                and rescues_those_children(sentence.normalised):
            figures.counts["children_rescued"] = told_children
        told_children = loose_counts(sentence.normalised, sentence.chinese).get(
            "children_rescued", told_children)
        sub_cases = _sub_cases(document.name, sentence, report.counts)
        if sub_cases:
            report.sub_cases += sub_cases
        else:
            for name, value in figures.counts.items():
                if value > report.counts.get(name, -1):
                    report.counts[name] = value
            if len(figures.counts) > quote_fields:
                report.quote, quote_fields = sentence.text, len(figures.counts)
        _absorb(report, figures)
        # officers or provinces alone ("led nine officers ... arrested a main suspect in
        # March") date a step of the investigation, not the rescue
        counted = bool(sub_cases) or any(name in figures.counts for name in _DATING_COUNTS)
        dated += mentions_in(sentence, document.published, counted)
        _add_names(report, sentence)
    if not (report.counts or report.routes or report.bought or report.sold or report.sub_cases):
        return None
    report.date = operation_date(dated)
    if report.date is None and document.published is not None:
        report.date = document.published.strftime("%Y-%m")
    if report.date is None:
        report.date_without_year = operation_date_without_year(dated)
    if not report.quote:
        report.quote = next((s.text for s, f in story if f.counts), story[0][0].text)
    return report


def _absorb(report: IncidentReport, figures: Figures) -> None:
    """Places, routes, prices, roles, ages and sex said anywhere in the story."""
    report.places += figures.places
    report.routes += [r for r in figures.routes if r not in report.routes]
    report.bought = report.bought or figures.bought
    report.sold = report.sold or figures.sold
    for sex, directions in by_sex(figures.prices).items():
        for direction, value in directions.items():
            report.prices_by_sex.setdefault(sex, {}).setdefault(direction, value)
    total = ring_total(figures.prices)
    if total is not None and (report.ring_total is None or total > report.ring_total):
        report.ring_total = total
    report.roles += [r for r in figures.roles if r not in report.roles]
    report.ages += figures.ages
    report.sexes += [s for s in figures.sexes if s not in report.sexes]


def _add_names(report: IncidentReport, sentence: Sentence) -> None:
    """Agencies and named operations, each once."""
    agencies = _AGENCY_ZH if sentence.chinese else _AGENCY_EN
    for agency in (a.strip() for a in agencies.findall(sentence.text)):
        if agency and agency not in report.agencies \
                and not agency.lower().startswith(("police", "the police")):
            report.agencies.append(agency)
    for match in _OPERATION.finditer(sentence.text):
        name = next(g for g in (match.group(1), match.group(2), match.group(0)) if g).strip()
        if name not in report.operations:
            report.operations.append(name)


def _sub_cases(article: str, sentence: Sentence, main: dict[str, int]) -> list[IncidentReport]:
    """Separately described busts within the incident: each clause with its own figures."""
    if not main:
        return []
    cue = _SUB_CASE_ZH if sentence.chinese else _SUB_CASE_EN
    clauses = re.split(r"[;；]|(?:,\s*|\s+)(?:while|whereas)\s+|，另", sentence.normalised)
    out = []
    for clause in clauses:
        if not cue.search(clause):
            continue
        counts = loose_counts(clause, sentence.chinese)
        counts = {k: v for k, v in counts.items() if k in ("children_rescued",
                                                           "suspects_detained", "women_rescued")}
        shared = [k for k in counts if k in main]
        if not shared or any(counts[k] >= main[k] for k in shared):
            continue  # the same figures again, or a larger one: not a part of the whole
        figures = figures_of(clause, sentence.chinese)
        out.append(IncidentReport(article=article, counts=counts, places=figures.places,
                                  routes=figures.routes, bought=figures.bought,
                                  sold=figures.sold, quote=sentence.text))
    return out


def report_to_json(report: IncidentReport) -> dict[str, object]:
    """One article's account, as stored beside its source (enough to cluster again later)."""
    return {"article": report.article, "counts": report.counts, "date": report.date,
            "places": [unit.as_json() for unit in report.places],
            "routes": [list(r) for r in report.routes],
            "bought": list(report.bought) if report.bought else None,
            "sold": list(report.sold) if report.sold else None,
            "prices_by_sex": report.prices_by_sex, "ring_total": report.ring_total,
            "sub_cases": [report_to_json(s) for s in report.sub_cases], "quote": report.quote,
            "roles": report.roles, "ages": report.ages, "sexes": report.sexes,
            "agencies": report.agencies, "operations": report.operations,
            "date_without_year": report.date_without_year, "year_from": report.year_from}


def report_from_json(data: dict) -> IncidentReport:
    places = [Unit.from_json(place) for place in data.get("places", [])]
    return IncidentReport(
        article=data["article"], counts=dict(data.get("counts", {})), date=data.get("date"),
        places=places, routes=[tuple(r) for r in data.get("routes", [])],
        bought=tuple(data["bought"]) if data.get("bought") else None,
        sold=tuple(data["sold"]) if data.get("sold") else None,
        prices_by_sex=dict(data.get("prices_by_sex") or {}), ring_total=data.get("ring_total"),
        sub_cases=[report_from_json(s) for s in data.get("sub_cases", [])],
        quote=data.get("quote", ""), roles=list(data.get("roles", [])),
        ages=list(data.get("ages", [])), sexes=list(data.get("sexes", [])),
        agencies=list(data.get("agencies", [])), operations=list(data.get("operations", [])),
        date_without_year=data.get("date_without_year"), year_from=data.get("year_from"))
