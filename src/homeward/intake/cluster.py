"""Several articles and posts tell one incident: group them and reconcile their figures.

Two reports are the same incident when nothing contradicts it (dates within a month of each
other, counts within a quarter of each other, at least one province in common when both name
places) and enough agrees: an equal count of children or suspects, or two equal counts of any
kind, or the same places with close wording. Every source stays attached; for each field the
value most sources give wins (ties: the first article's), and disagreements are listed as
conflicts for an investigator to resolve.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from homeward.intake.figures import COUNT_FIELDS
from homeward.intake.names import share_a_name
from homeward.intake.news import IncidentReport
from homeward.intake.sentences import is_chinese
from homeward.intake.timing import case_codes

_KEY_FIELDS = ("children_rescued", "suspects_detained")
# Officers and provinces are told loosely (a raid's 300 officers beside a ring's 2,600):
# they count as agreement, never as contradiction.
_CONTRADICTING = ("children_rescued", "women_rescued", "suspects_detained")


@dataclass
class Incident:
    """One real-world incident with every report of it."""

    reports: list[IncidentReport] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(r.article for r in self.reports))

    def value(self, name: str) -> int | None:
        values = [r.counts[name] for r in self.reports if name in r.counts]
        return _best(values)

    def conflicts(self) -> list[dict[str, object]]:
        out = []
        for name in COUNT_FIELDS:
            given = {r.article: r.counts[name] for r in self.reports if name in r.counts}
            if len(set(given.values())) > 1:
                out.append({"field": name, "values": given, "kept": self.value(name)})
        return out

    @property
    def date(self) -> str | None:
        dates = [r.date for r in self.reports if r.date]
        if not dates:
            return None
        common = Counter(d[:7] for d in dates).most_common(1)[0][0]
        precise = [d for d in dates if d.startswith(common)]
        return max(precise, key=len)

    def as_json(self) -> dict[str, object]:
        first_price = next((r for r in self.reports if r.bought or r.sold or r.ring_total), None)
        sub_cases = next((r.sub_cases for r in self.reports if r.sub_cases), [])
        return {
            "articles": self.articles,
            "date": self.date,
            **{name: self.value(name) for name in COUNT_FIELDS},
            "places": list(dict.fromkeys(p for r in self.reports for p in r.place_names)),
            "routes": [{"from": a, "to": b} for a, b in
                       dict.fromkeys(route for r in self.reports for route in r.routes)],
            "price_yuan": _prices(first_price),
            "sub_cases": [_sub_case_json(s) for s in sub_cases],
            "sources": [{"article": r.article, "quote": r.quote} for r in self.reports],
            "conflicts": self.conflicts(),
            "roles": list(dict.fromkeys(x for r in self.reports for x in r.roles)),
            "children_ages": sorted({x for r in self.reports for x in r.ages}),
            "children_sex": list(dict.fromkeys(x for r in self.reports for x in r.sexes)),
            "agencies": list(dict.fromkeys(x for r in self.reports for x in r.agencies)),
            "operations": list(dict.fromkeys(x for r in self.reports for x in r.operations)),
            "locations": list({p.name_en: p.as_json() for r in self.reports
                               for p in r.places}.values()),
        }


def _prices(report: IncidentReport | None) -> dict[str, object] | None:
    if report is None:
        return None
    prices: dict[str, object] = {"bought": list(report.bought) if report.bought else None,
                                 "sold": list(report.sold) if report.sold else None}
    if report.prices_by_sex:  # only when the page gives them (the contract stays as it was)
        prices["by_sex"] = report.prices_by_sex
    if report.ring_total is not None:
        prices["ring_total"] = report.ring_total
    return prices


def _sub_case_json(report: IncidentReport) -> dict[str, object]:
    return {"date": report.date, **{name: report.counts.get(name) for name in COUNT_FIELDS},
            "places": report.place_names,
            "routes": [{"from": a, "to": b} for a, b in report.routes],
            "price_yuan": _prices(report) if (report.bought or report.sold) else None,
            "sources": [{"article": report.article, "quote": report.quote}]}


def _best(values: list[int]) -> int | None:
    if not values:
        return None
    counted = Counter(values)
    top = max(counted.values())
    return next(v for v in values if counted[v] == top)


def _date_gap_days(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    if a.startswith(b) or b.startswith(a):
        return 0
    if len(a) == 4 or len(b) == 4:
        return 400  # different years
    first = dt.date.fromisoformat((a + "-15")[:10] if len(a) == 7 else a)
    second = dt.date.fromisoformat((b + "-15")[:10] if len(b) == 7 else b)
    return abs((first - second).days)


def _report_gap_days(a: IncidentReport, b: IncidentReport) -> int | None:
    """Days between two reports' dates; a report dated "on July 15" without a year is at
    least in another incident than one dated December (any year)."""
    gap = _date_gap_days(a.date, b.date)
    if gap is not None:
        return gap
    for undated, dated in ((a, b), (b, a)):
        if undated.date is None and undated.date_without_year and dated.date \
                and len(dated.date) >= 7:
            months = abs(int(undated.date_without_year[2:4]) - int(dated.date[5:7]))
            if min(months, 12 - months) > 1:
                return 400
    return None


def same_incident(a: IncidentReport, b: IncidentReport) -> bool:
    gap = _report_gap_days(a, b)
    if gap is not None and gap > 45:
        return False
    equal: list[str] = []
    for name in COUNT_FIELDS:
        x, y = a.counts.get(name), b.counts.get(name)
        if x is None or y is None:
            continue
        if x == y:
            equal.append(name)
        elif name in _CONTRADICTING and abs(x - y) > 0.25 * max(x, y):
            return False
    provinces_a = {u.province or u.name_en for u in a.places}
    provinces_b = {u.province or u.name_en for u in b.places}
    if provinces_a and provinces_b and not provinces_a & provinces_b:
        return False
    if any(name in equal for name in _KEY_FIELDS) or len(equal) >= 2:
        return True
    if _same_person(a, b):
        return True
    if provinces_a and provinces_a == provinces_b and gap is not None and gap <= 31:
        return fuzz.token_set_ratio(a.quote, b.quote) >= 60
    return False


def _same_person(a: IncidentReport, b: IncidentReport) -> bool:
    """An English and a Chinese account that name one suspect (Hama Erji, 哈马尔吉)."""
    if is_chinese(a.text) == is_chinese(b.text):
        return False
    english, chinese = (b.text, a.text) if is_chinese(a.text) else (a.text, b.text)
    return share_a_name(english, chinese)


def part_of(part: IncidentReport, whole: IncidentReport) -> bool:
    """A province's or a city's front of a national operation: its figures are a share of the
    whole's (none larger, one smaller), in the same month, and the two name the same case
    (“8·30”) or the same number of provinces acting together."""
    gap = _report_gap_days(part, whole)
    if gap is None or gap > 45:
        return False
    shares = [(part.counts[n], whole.counts[n]) for n in _KEY_FIELDS
              if n in part.counts and n in whole.counts]
    if not shares or any(x > y for x, y in shares) or all(x == y for x, y in shares):
        return False
    if case_codes(part.text) & case_codes(whole.text):
        return True
    provinces = part.counts.get("provinces_involved")
    return provinces is not None and provinces == whole.counts.get("provinces_involved")


def _linked(a: IncidentReport, b: IncidentReport) -> bool:
    if same_incident(a, b) or part_of(a, b) or part_of(b, a):
        return True
    gap = _report_gap_days(a, b)
    return (gap is None or gap <= 45) and bool(case_codes(a.text) & case_codes(b.text))


def cluster(reports: list[IncidentReport]) -> list[Incident]:
    """Reports grouped into incidents: a report joins every incident it is linked to (the
    same figures, a front of it, or the same case name in the same month), and incidents it
    links are one (single linkage: a front read before its national account, then the
    national account that names the front's case and has another outlet's figures, are one
    operation). A report dated without a year then takes it from the incident
    (``fill_years``)."""
    incidents: list[Incident] = []
    for report in reports:
        homes = [incident for incident in incidents
                 if any(_linked(report, member) for member in incident.reports)]
        if not homes:
            incidents.append(Incident([report]))
            continue
        home = homes[0]
        for other in homes[1:]:
            home.reports += other.reports
            incidents.remove(other)
        home.reports.append(report)
    for incident in incidents:
        fill_years(incident)
    return incidents


def fill_years(incident: Incident) -> None:
    """A page that says "on July 15" and never its year (no dateline year, no date in its
    address) takes the year of another account of the same incident dated in that month;
    ``year_from`` names the account, so the inference can be checked."""
    for report in incident.reports:
        if report.date is not None or report.date_without_year is None:
            continue
        month = report.date_without_year[2:4]
        donor = next((r for r in incident.reports if r.date and r.year_from is None
                      and len(r.date) >= 7 and r.date[5:7] == month), None)
        if donor is not None:
            report.date = donor.date[:4] + report.date_without_year[1:]
            report.year_from = donor.article
