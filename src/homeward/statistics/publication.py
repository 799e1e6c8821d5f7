"""The published figures: registry tables after suppression, as JSON-ready data and CSV.

Every measure is one province x year table protected with its margins by ONE pattern
(:func:`homeward.statistics.suppression.protect`): the by-province and by-year figures and
the grand total are that table's margins, so comparing them, or this year with last year,
reveals nothing that the protected table does not.

A withheld entry is published as ``"value": null, "suppressed": true`` with
``"display": "<11"`` (the threshold as configured); CSV writes ``<11`` in the value column.
A median of days to reunion is published only where the number of reunions it is taken
over is itself published (and not zero).

Measures are protected one by one. The ties between them do not undo that: children in
care are a subset of children found in the same cell, so a published count of one bounds
the other only by a number that is 0 (then both are 0 and published) or at least k, and
an upper bound of at least k is all the rule asks.
"""

from __future__ import annotations

import csv
import io
import statistics as pystats
from dataclasses import dataclass
from typing import Any

from homeward.statistics.labels import MEASURES
from homeward.statistics.provinces import province_name
from homeward.statistics.suppression import ProtectedTable, protect
from homeward.statistics.tables import COUNT_MEASURES, RegistryTables


@dataclass(frozen=True)
class Entry:
    """One published number: its value, or ``None`` when withheld."""

    value: int | float | None
    suppressed: bool
    min_cell: int

    @property
    def display(self) -> str:
        if self.suppressed:
            return f"<{self.min_cell}"
        if self.value is None:
            return "–"
        return f"{self.value:g}" if isinstance(self.value, float) else str(self.value)

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "suppressed": self.suppressed, "display": self.display}


@dataclass(frozen=True)
class MeasureFigures:
    measure: str
    provinces: list[str]
    years: list[int]
    cells: list[list[Entry]]
    by_province: list[Entry]
    by_year: list[Entry]
    total: Entry

    def as_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure, "label": MEASURES[self.measure]["en"],
            "label_zh": MEASURES[self.measure]["zh"], "total": self.total.as_json(),
            "by_year": [{"year": y, **e.as_json()}
                        for y, e in zip(self.years, self.by_year, strict=True)],
            "by_province": [_province_json(p) | e.as_json()
                            for p, e in zip(self.provinces, self.by_province, strict=True)],
            "cells": [_province_json(p) | {"year": y} | e.as_json()
                      for p, row in zip(self.provinces, self.cells, strict=True)
                      for y, e in zip(self.years, row, strict=True)],
        }


def _province_json(code: str) -> dict[str, str]:
    return {"province": code, "name": province_name(code, "en"),
            "name_zh": province_name(code, "zh")}


@dataclass(frozen=True)
class PublishedStatistics:
    tables: RegistryTables
    min_cell: int
    measures: dict[str, MeasureFigures]

    @property
    def provinces(self) -> list[str]:
        return self.tables.provinces

    @property
    def years(self) -> list[int]:
        return self.tables.years

    def as_json(self) -> dict[str, Any]:
        period = self.tables.period
        return {"period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
                "threshold": self.min_cell,
                "suppressed_entries": "value null, suppressed true, display "
                                      f"'<{self.min_cell}'",
                "measures": {name: m.as_json() for name, m in self.measures.items()}}

    def as_csv(self) -> str:
        """One line per published number: measure, province, year (``total`` for the
        margins), value (``<11`` when withheld)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["measure", "province_code", "province", "province_zh", "year",
                         "value", "suppressed"])
        for name, m in self.measures.items():
            def line(code: str, year: int | str, entry: Entry, name: str = name) -> None:
                writer.writerow([name, code, province_name(code, "en") if code != "total"
                                 else "total", province_name(code, "zh") if code != "total"
                                 else "合计", year, entry.display if entry.value is not None
                                 or entry.suppressed else "", str(entry.suppressed).lower()])
            for code, row, row_total in zip(m.provinces, m.cells, m.by_province, strict=True):
                for year, entry in zip(m.years, row, strict=True):
                    line(code, year, entry)
                line(code, "total", row_total)
            for year, entry in zip(m.years, m.by_year, strict=True):
                line("total", year, entry)
            line("total", "total", m.total)
        return out.getvalue()


def _counts(table: ProtectedTable) -> tuple[list[list[Entry]], list[Entry], list[Entry],
                                            Entry]:
    k = table.min_cell

    def entry(value: Any, hidden: Any) -> Entry:
        return Entry(None if hidden else int(value), bool(hidden), k)

    cells = [[entry(v, h) for v, h in zip(row, hidden, strict=True)]
             for row, hidden in zip(table.cells, table.cell_suppressed, strict=True)]
    rows = [entry(v, h) for v, h in zip(table.row_totals, table.row_suppressed, strict=True)]
    columns = [entry(v, h)
               for v, h in zip(table.column_totals, table.column_suppressed, strict=True)]
    return cells, rows, columns, entry(table.grand_total, table.grand_suppressed)


def _median(days: list[int], over: Entry) -> Entry:
    if over.suppressed:
        return Entry(None, True, over.min_cell)
    if not over.value or not days:
        return Entry(None, False, over.min_cell)
    return Entry(float(pystats.median(days)), False, over.min_cell)


def _median_figures(tables: RegistryTables, reunited: MeasureFigures) -> MeasureFigures:
    days = tables.days_to_reunion
    cells = [[_median(days.get((p, y), []), reunited.cells[i][j])
              for j, y in enumerate(tables.years)] for i, p in enumerate(tables.provinces)]
    by_province = [_median([d for y in tables.years for d in days.get((p, y), [])],
                           reunited.by_province[i]) for i, p in enumerate(tables.provinces)]
    by_year = [_median([d for p in tables.provinces for d in days.get((p, y), [])],
                       reunited.by_year[j]) for j, y in enumerate(tables.years)]
    total = _median([d for ds in days.values() for d in ds], reunited.total)
    return MeasureFigures("median_days_to_reunion", tables.provinces, tables.years, cells,
                          by_province, by_year, total)


def publish(tables: RegistryTables, min_cell: int) -> PublishedStatistics:
    """Protect every measure of ``tables`` and derive the medians from the protected
    reunion counts."""
    measures: dict[str, MeasureFigures] = {}
    for name in COUNT_MEASURES:
        cells, rows, columns, total = _counts(protect(tables.counts[name], min_cell))
        measures[name] = MeasureFigures(name, tables.provinces, tables.years, cells, rows,
                                        columns, total)
    measures["median_days_to_reunion"] = _median_figures(tables, measures["reunited"])
    return PublishedStatistics(tables, min_cell, measures)
