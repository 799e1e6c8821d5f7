"""Counts by province and year from a small registry, against numbers counted by hand
(on SQLite and PostgreSQL, through the registry fixtures)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from homeward.registry.models import (
    FoundChild,
    Location,
    Match,
    MissingReport,
    Reunification,
    Sample,
    StoredProfile,
)
from homeward.statistics.publication import publish
from homeward.statistics.tables import Period, PeriodError, RegistryTables, registry_tables

UTC = dt.UTC
PERIOD = Period(dt.date(2023, 1, 1), dt.date(2024, 12, 31))


def _profile(session, specimen: str, side: str) -> StoredProfile:
    sample = Sample(specimen_id=specimen, collected_by="police",
                    collected_at=dt.datetime(2023, 1, 1, tzinfo=UTC))
    profile = StoredProfile(sample=sample, specimen_id=specimen, side=side, sealed=b"sealed",
                            loci_typed=20, loaded_by="lab")
    session.add_all([sample, profile])
    return profile


def _match(session, child: FoundChild, report: MissingReport, state: str,
           created: dt.date, reunion: dt.date | None = None) -> Match:
    n = len(session.new) + (child.id or 0) * 100 + (report.id or 0)
    match = Match(child_profile=_profile(session, f"C-{n}", "child"),
                  relative_profile=_profile(session, f"R-{n}", "relative"),
                  found_child=child, report=report, relationship_tested="parent-child",
                  log10_lr=6.0, loci_compared=20, exclusions=0, state=state,
                  created_at=dt.datetime.combine(created, dt.time(12), tzinfo=UTC))
    session.add(match)
    session.flush()
    if reunion is not None:
        session.add(Reunification(match_id=match.id, date=reunion))
    return match


def _report(session, n: int, jurisdiction: str | None, seen: dt.date | None,
            **fields) -> MissingReport:
    report = MissingReport(external_id=f"r/{n}", child_name=f"child {n}",
                           jurisdiction=jurisdiction, last_seen_date=seen, **fields)
    session.add(report)
    return report


def _child(session, n: int, jurisdiction: str, found: dt.date, status: str) -> FoundChild:
    child = FoundChild(external_id=f"FC-{n}", jurisdiction=jurisdiction, found_date=found,
                       status=status)
    session.add(child)
    return child


@pytest.fixture
def registry(session):
    """Six reports, four found children, four matches, two reunions (see the test)."""
    fuzhou = Location(name="福州市", name_en="Fuzhou", adcode="350100000000", province="Fujian")
    session.add(fuzhou)
    r1 = _report(session, 1, "53", dt.date(2023, 3, 1))
    r2 = _report(session, 2, "53", dt.date(2024, 5, 1))
    r3 = _report(session, 3, "13", dt.date(2024, 2, 1))
    _report(session, 4, "53", dt.date(2022, 12, 31))  # before the period
    _report(session, 5, None, dt.date(2023, 7, 7), last_seen_location=fuzhou)
    _report(session, 6, None, None, entry_date=dt.datetime(2024, 1, 2, tzinfo=UTC))
    c1 = _child(session, 1, "13", dt.date(2023, 4, 1), "reunited")
    c2 = _child(session, 2, "13", dt.date(2023, 6, 1), "in_care")
    c3 = _child(session, 3, "53", dt.date(2024, 1, 10), "matched")
    c4 = _child(session, 4, "35", dt.date(2021, 1, 1), "reunited")  # found before
    session.flush()
    _match(session, c1, r1, "reunited", dt.date(2023, 5, 1), reunion=dt.date(2023, 6, 10))
    _match(session, c3, r2, "candidate", dt.date(2024, 2, 1))
    _match(session, c4, r3, "reunited", dt.date(2022, 1, 1), reunion=dt.date(2024, 3, 1))
    _match(session, c2, r2, "rejected", dt.date(2023, 7, 1))
    session.flush()
    return session


def as_dict(tables: RegistryTables, measure: str) -> dict[tuple[str, int], int]:
    table = tables.counts[measure]
    return {(p, y): int(table[i, j]) for i, p in enumerate(tables.provinces)
            for j, y in enumerate(tables.years) if table[i, j]}


def test_counts_by_province_and_year_match_the_hand_count(registry):
    tables = registry_tables(registry, PERIOD)
    assert tables.provinces == ["13", "35", "53", "00"]  # the unknown province last
    assert tables.years == [2023, 2024]
    assert as_dict(tables, "cases") == {("53", 2023): 1, ("53", 2024): 1, ("13", 2024): 1,
                                        ("35", 2023): 1,  # by the place's adcode
                                        ("00", 2024): 1}  # by the entry date
    assert as_dict(tables, "rescued") == {("13", 2023): 2, ("53", 2024): 1}
    assert as_dict(tables, "in_care") == {("13", 2023): 1, ("53", 2024): 1}
    assert as_dict(tables, "matched") == {("13", 2023): 1}  # candidates, rejected: no
    assert as_dict(tables, "reunited") == {("13", 2023): 1, ("35", 2024): 1}
    assert tables.days_to_reunion == {
        ("13", 2023): [70], ("35", 2024): [(dt.date(2024, 3, 1) - dt.date(2021, 1, 1)).days]}


def test_small_registry_publishes_nothing_but_zeros(registry):
    published = publish(registry_tables(registry, PERIOD), 11)
    for figures in published.measures.values():
        assert figures.total.value is None
        assert all(c.value in (None, 0) for row in figures.cells for c in row)
    assert published.measures["cases"].total.display == "<11"
    assert published.measures["median_days_to_reunion"].total.suppressed


def test_medians_are_published_where_the_reunion_count_is():
    period = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    counts = {m: np.array([[20], [3]]) for m in ("cases", "rescued", "in_care", "matched")}
    counts["reunited"] = np.array([[12], [0]])
    days = {("53", 2023): [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 1000]}
    published = publish(RegistryTables(period, ["53", "13"], counts, days), 11)
    median = published.measures["median_days_to_reunion"]
    assert median.cells[0][0].value == 65.0 and median.total.value == 65.0
    assert median.cells[1][0].value is None and not median.cells[1][0].suppressed
    assert published.measures["rescued"].cells[1][0].suppressed


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(PeriodError, match="before it starts"):
        Period(dt.date(2024, 1, 2), dt.date(2024, 1, 1))
