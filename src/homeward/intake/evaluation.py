"""Field-level precision and recall of news extraction against a hand-labelled set.

A count is a true positive when the extracted value equals the label, a false positive when a
value is extracted that the label does not give (or gives differently), and a false negative
when the label's value is not extracted. Places and routes are compared as sets per article.
Clustering is exact when the articles fall into the labelled incidents, no more, no fewer.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from homeward.intake.figures import COUNT_FIELDS
from homeward.intake.pipeline import NewsBatch, read_news


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: object, expected: object) -> None:
        if predicted is not None and predicted == expected:
            self.tp += 1
            return
        if predicted is not None:
            self.fp += 1
        if expected is not None:
            self.fn += 1

    def add_sets(self, predicted: set, expected: set) -> None:
        self.tp += len(predicted & expected)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    fields: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    mistakes: list[str] = field(default_factory=list)
    clustering_exact: bool = False
    pair_tally: Tally = field(default_factory=Tally)
    articles: int = 0

    def as_json(self) -> dict[str, object]:
        return {"articles": self.articles,
                "fields": {name: {"precision": round(t.precision, 4),
                                  "recall": round(t.recall, 4), "f1": round(t.f1, 4),
                                  "tp": t.tp, "fp": t.fp, "fn": t.fn}
                           for name, t in sorted(self.fields.items())},
                "clustering_exact": self.clustering_exact,
                "clustering_pairs": {"precision": round(self.pair_tally.precision, 4),
                                     "recall": round(self.pair_tally.recall, 4)}}


def _routes(value: list) -> set[tuple[str, str]]:
    return {(a, b) for a, b in value}


def evaluate(folder: Path) -> Evaluation:
    """Run the news pipeline on ``folder/articles`` and score it against ``labels.json``."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["articles"]
    batch = read_news([folder / "articles"])
    return score(batch, labels)


def score(batch: NewsBatch, labels: dict[str, dict]) -> Evaluation:
    result = Evaluation(articles=len(labels))
    readings = {r.document.name: r for r in batch.readings}
    for name, label in sorted(labels.items()):
        reading = readings.get(name)
        if reading is None:
            result.mistakes.append(f"{name}: not read")
            continue
        incident = reading.incident
        result.fields["incident_detected"].add(
            True if incident else None, True if label["incident"] else None)
        for count in COUNT_FIELDS:
            predicted = incident.counts.get(count) if incident else None
            expected = label.get(count)
            result.fields[count].add(predicted, expected)
            if predicted != expected:
                result.mistakes.append(f"{name}: {count} {predicted} (label {expected})")
        predicted_places = set(incident.place_names) if incident else set()
        expected_places = set(label.get("places", []))
        result.fields["places"].add_sets(predicted_places, expected_places)
        if predicted_places != expected_places:
            result.mistakes.append(
                f"{name}: places extra {sorted(predicted_places - expected_places)}"
                f" missing {sorted(expected_places - predicted_places)}")
        predicted_routes = set(incident.routes) if incident else set()
        result.fields["routes"].add_sets(predicted_routes, _routes(label.get("routes", [])))
        if label["incident"]:
            price = None
            if incident and (incident.bought or incident.sold):
                price = {"bought": list(incident.bought) if incident.bought else None,
                         "sold": list(incident.sold) if incident.sold else None}
            result.fields["price_yuan"].add(price, label.get("price_yuan"))
            result.fields["date"].add(incident.date if incident else None, label.get("date"))
            result.fields["sub_cases"].add(len(incident.sub_cases) if incident else None,
                                           label.get("sub_cases", 0))
        predicted_stats = {_stat_key(s.children, s.women, s.cases, s.gangs)
                           for s in reading.statistics}
        expected_stats = {_stat_key(s["children"], s["women"], s["cases"], s["gangs"])
                          for s in label.get("statistics", [])}
        result.fields["statistics"].add_sets(predicted_stats, expected_stats)
        if predicted_stats != expected_stats:
            result.mistakes.append(f"{name}: statistics {sorted(predicted_stats)} "
                                   f"(label {sorted(expected_stats)})")
        periods = {s.period for s in reading.statistics}
        result.fields["statistic_periods"].add_sets(
            periods, {s["period"] for s in label.get("statistics", [])})
    _score_clusters(batch, labels, result)
    return result


def _stat_key(*values: int | None) -> tuple[int, ...]:
    return tuple(-1 if v is None else v for v in values)


def _score_clusters(batch: NewsBatch, labels: dict[str, dict], result: Evaluation) -> None:
    predicted = {frozenset(incident.articles) for incident in batch.incidents}
    expected_groups: dict[str, set[str]] = defaultdict(set)
    for name, label in labels.items():
        if label["incident"]:
            expected_groups[label["incident"]].add(name)
    expected = {frozenset(group) for group in expected_groups.values()}
    result.clustering_exact = predicted == expected
    if not result.clustering_exact:
        result.mistakes.append(f"clusters extra {sorted(map(sorted, predicted - expected))} "
                               f"missing {sorted(map(sorted, expected - predicted))}")

    def pairs(groups: set[frozenset[str]]) -> set[frozenset[str]]:
        return {frozenset(p) for g in groups for p in combinations(sorted(g), 2)}

    result.pair_tally.add_sets(pairs(predicted), pairs(expected))
