"""Field-level scores of news extraction against the real, hand-labelled pages.

The labels (``benchmarks/data/intake_real/labels.json``) give, for each stored page, the
operation it reports (or none), the operation's figures as that page states them, the month
of the operation, the places, prices, sub-cases and the cumulative statistics it quotes.
A count is right when it equals the label; a place, price figure or statistic is compared as
a set per page; grouping is scored on pairs of pages (pairwise precision and recall, as in
record linkage: Christen, *Data Matching*, 2012, section 7.4). A cumulative figure counted
as an incident is an incident count that equals a figure of the page's labelled statistics.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from homeward.intake.evaluation import Tally

COUNT_LABELS = ("children_rescued", "women_rescued", "suspects_detained", "officers",
                "provinces_involved")
GOAL_FIELDS = ("children_rescued", "suspects_detained", "month", "places", "grouping")


@dataclass
class PageScore:
    """Scores of one part of the set (main or held-aside)."""

    pages: int = 0
    fields: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    cumulative_as_incident: int = 0
    mistakes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"pages": self.pages, "cumulative_as_incident": self.cumulative_as_incident,
                "fields": {name: {"precision": round(t.precision, 4),
                                  "recall": round(t.recall, 4), "f1": round(t.f1, 4),
                                  "tp": t.tp, "fp": t.fp, "fn": t.fn}
                           for name, t in sorted(self.fields.items())}}


def load_labels(folder: Path) -> dict[str, dict[str, Any]]:
    return json.loads((folder / "labels.json").read_text(encoding="utf-8"))["pages"]


def _price_set(bought: Any, sold: Any) -> set[tuple[str, int]]:
    out: set[tuple[str, int]] = set()
    for direction, values in (("bought", bought), ("sold", sold)):
        for value in values or ():
            if value is not None:
                out.add((direction, int(value)))
    return out


def _sex_price_set(prices: Any) -> set[tuple[str, str, int]]:
    """{"male": {"bought": [20000, 20000]}} -> {("male", "bought", 20000)}."""
    return {(sex, direction, int(value)) for sex, directions in (prices or {}).items()
            for direction, values in directions.items() for value in values or ()}


def _stat_keys(items: list[dict[str, Any]]) -> set[tuple[int, int]]:
    return {(-1 if s.get("children") is None else s["children"],
             -1 if s.get("women") is None else s["women"]) for s in items}


def score_pages(readings: dict[str, Any], clusters: list[list[str]],
                labels: dict[str, dict[str, Any]]) -> PageScore:
    """Score ``readings`` (page id -> object with ``incident`` and ``statistics``, or None for
    a page that was skipped) and the predicted ``clusters`` (lists of page ids)."""
    result = PageScore(pages=len(labels))
    for page, label in sorted(labels.items()):
        reading = readings.get(page)
        incident = getattr(reading, "incident", None)
        counts = incident.counts if incident is not None else {}
        result.fields["incident_detected"].add(
            True if incident is not None else None, True if label["operation"] else None)
        for name in COUNT_LABELS:
            predicted, expected = counts.get(name), label.get(name)
            result.fields[name].add(predicted, expected)
            if predicted != expected:
                result.mistakes.append(f"{page}: {name} {predicted} (label {expected})")
        predicted_month = incident.date[:7] if incident is not None and incident.date and \
            len(incident.date) >= 7 else None
        result.fields["month"].add(predicted_month, label.get("month"))
        if predicted_month != label.get("month"):
            result.mistakes.append(f"{page}: month {predicted_month} (label {label.get('month')})")
        predicted_places = set(incident.place_names) if incident is not None else set()
        expected_places = set(label.get("places", []))
        result.fields["places"].add_sets(predicted_places, expected_places)
        if predicted_places != expected_places:
            extra, missing = predicted_places - expected_places, expected_places - predicted_places
            result.mistakes.append(f"{page}: places +{sorted(extra)} -{sorted(missing)}")
        price = label.get("price") or {}
        predicted_prices = _price_set(incident.bought, incident.sold) if incident else set()
        result.fields["price_yuan"].add_sets(
            predicted_prices, _price_set(price.get("bought"), price.get("sold")))
        result.fields["price_by_sex"].add_sets(
            _sex_price_set(getattr(incident, "prices_by_sex", None)),
            _sex_price_set(price.get("by_sex")))
        result.fields["ring_total_yuan"].add(getattr(incident, "ring_total", None),
                                             price.get("ring_total"))
        result.fields["sub_cases"].add(
            (len(incident.sub_cases) or None) if incident is not None else None,
            label.get("sub_cases") or None)
        statistics = list(getattr(reading, "statistics", []) or [])
        predicted_stats = {(-1 if s.children is None else s.children,
                            -1 if s.women is None else s.women) for s in statistics}
        expected_stats = _stat_keys(label.get("statistics", []))
        result.fields["statistics"].add_sets(predicted_stats, expected_stats)
        cumulative = {v for s in label.get("statistics", []) for v in
                      (s.get("children"), s.get("women")) if v is not None}
        for name in ("children_rescued", "women_rescued", "suspects_detained"):
            value = counts.get(name)
            if value is not None and value in cumulative and value != label.get(name):
                result.cumulative_as_incident += 1
                result.mistakes.append(f"{page}: cumulative {value} counted as {name}")
    _score_grouping(clusters, labels, result)
    return result


def _pairs(groups: list[set[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in combinations(sorted(g), 2)}


def _score_grouping(clusters: list[list[str]], labels: dict[str, dict[str, Any]],
                    result: PageScore) -> None:
    expected: dict[str, set[str]] = defaultdict(set)
    for page, label in labels.items():
        if label["operation"]:
            expected[label["operation"]].add(page)
    predicted = _pairs([set(c) for c in clusters])
    wanted = _pairs(list(expected.values()))
    result.fields["grouping"].add_sets(predicted, wanted)
    for pair in sorted(map(sorted, predicted - wanted)):
        result.mistakes.append(f"grouped but apart: {pair}")
    for pair in sorted(map(sorted, wanted - predicted)):
        result.mistakes.append(f"apart but one operation: {pair}")
