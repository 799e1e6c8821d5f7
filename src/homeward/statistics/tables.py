"""Counts from the registry by province and year, for a period: the raw tables that
:mod:`homeward.statistics.suppression` protects before anything is published.

What is counted (state groups from :mod:`homeward.workflow.states`, defined once):

* ``cases``: missing reports, in the year the child was last seen (else the year the
  report was entered), whatever their state.
* ``rescued``: found children (rescued, or found in the street), in the year found.
* ``in_care``: of those, the children who still wait in temporary care today
  (``IN_CARE_STATES``), in the year they were found.
* ``matched``: DNA matches confirmed by a reviewer (``CONFIRMED_MATCH_STATES``), in the
  year the match was made, in the province of the found child.
* ``reunited``: reunions, in the year of the reunion, in the province of the found child.
* ``median_days_to_reunion``: the median number of days from the day a child was found
  to the reunion, over the reunions of each province and year (and of each margin).

The province is the record's jurisdiction (a two-digit code, the first two digits of the
GB/T 2260 administrative code), else that of its place; ``"00"`` when neither is known.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from homeward.registry.models import FoundChild, Location, Match, MissingReport, Reunification
from homeward.statistics.provinces import code_of_name
from homeward.workflow.states import CONFIRMED_MATCH_STATES, IN_CARE_STATES

UNKNOWN_PROVINCE = "00"
COUNT_MEASURES: tuple[str, ...] = ("cases", "rescued", "reunited", "in_care", "matched")


class PeriodError(ValueError):
    """A period whose end is before its start."""


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@dataclass
class RegistryTables:
    """Province x year counts of each measure, and the days to reunion of each reunion."""

    period: Period
    provinces: list[str]
    counts: dict[str, np.ndarray]
    days_to_reunion: dict[tuple[str, int], list[int]] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return self.period.years


def province_code(jurisdiction: str | None, location: Location | None) -> str:
    """The two-digit province code of a record (see the module docstring)."""
    if jurisdiction and len(jurisdiction) >= 2 and jurisdiction[:2].isdigit():
        return jurisdiction[:2]
    if location is not None and location.adcode and location.adcode[:2].isdigit():
        return location.adcode[:2]
    if location is not None and location.province:
        return code_of_name(location.province) or UNKNOWN_PROVINCE
    return UNKNOWN_PROVINCE


def _as_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _count(events: Iterable[tuple[str, dt.date | None]], period: Period,
           counters: Counter) -> None:
    for province, day in events:
        if day in period:
            counters[(province, day.year)] += 1  # type: ignore[union-attr]


def _missing_cases(session: Session, period: Period) -> Counter:
    counts: Counter = Counter()
    rows = session.execute(select(MissingReport.jurisdiction, MissingReport.last_seen_date,
                                  MissingReport.entry_date, Location)
                           .outerjoin(Location,
                                      MissingReport.last_seen_location_id == Location.id))
    _count(((province_code(j, loc), seen or _as_date(entered))
            for j, seen, entered, loc in rows), period, counts)
    return counts


def _found_children(session: Session, period: Period) -> tuple[Counter, Counter]:
    rescued: Counter = Counter()
    in_care: Counter = Counter()
    rows = session.execute(select(FoundChild.jurisdiction, FoundChild.found_date,
                                  FoundChild.registered_at, FoundChild.status, Location)
                           .outerjoin(Location, FoundChild.found_location_id == Location.id))
    for jurisdiction, found, registered, status, location in rows:
        day = found or _as_date(registered)
        if day in period:
            key = (province_code(jurisdiction, location), day.year)  # type: ignore[union-attr]
            rescued[key] += 1
            if status in IN_CARE_STATES:
                in_care[key] += 1
    return rescued, in_care


def _matches_and_reunions(session: Session, period: Period
                          ) -> tuple[Counter, Counter, dict[tuple[str, int], list[int]]]:
    matched: Counter = Counter()
    reunited: Counter = Counter()
    days: dict[tuple[str, int], list[int]] = defaultdict(list)
    place = aliased(Location)
    rows = session.execute(
        select(Match.state, Match.created_at, Reunification.date, FoundChild.jurisdiction,
               FoundChild.found_date, place)
        .join(FoundChild, Match.found_child_id == FoundChild.id)
        .outerjoin(place, FoundChild.found_location_id == place.id)
        .outerjoin(Reunification, Reunification.match_id == Match.id))
    for state, created, reunion, jurisdiction, found, location in rows:
        province = province_code(jurisdiction, location)
        made = _as_date(created)
        if state in CONFIRMED_MATCH_STATES and made in period:
            matched[(province, made.year)] += 1  # type: ignore[union-attr]
        if reunion is not None and reunion in period:
            reunited[(province, reunion.year)] += 1
            if found is not None and found <= reunion:
                days[(province, reunion.year)].append((reunion - found).days)
    return matched, reunited, dict(days)


def registry_tables(session: Session, period: Period) -> RegistryTables:
    """The province x year tables of every measure over ``period``.

    Rows are the provinces with at least one count in some measure (the others are
    zero everywhere), in code order, the unknown province last.
    """
    cases = _missing_cases(session, period)
    rescued, in_care = _found_children(session, period)
    matched, reunited, days = _matches_and_reunions(session, period)
    counters = {"cases": cases, "rescued": rescued, "reunited": reunited,
                "in_care": in_care, "matched": matched}
    seen = {province for counter in counters.values() for province, _ in counter}
    provinces = sorted(seen, key=lambda code: (code == UNKNOWN_PROVINCE, code))
    years = period.years
    counts = {}
    for name, counter in counters.items():
        table = np.zeros((len(provinces), len(years)), dtype=np.int64)
        for (province, year), n in counter.items():
            table[provinces.index(province), years.index(year)] = n
        counts[name] = table
    return RegistryTables(period, provinces, counts, days)
