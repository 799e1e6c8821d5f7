"""Distances, boxes, the spatial index and the radius schedule, against hand-computed
values and brute force."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from homeward.alerts.geo import (
    EARTH_RADIUS_KM,
    LocationError,
    bounding_box,
    check_location,
    chord_for_km,
    destination,
    haversine_km,
    unit_vectors,
)
from homeward.alerts.schedule import (
    DEFAULT_SCHEDULE,
    RadiusSchedule,
    ScheduleError,
    step_due,
)
from homeward.alerts.spatial import CellIndex, LocationIndex, brute_force_within

H = dt.timedelta(hours=1)


def test_haversine_matches_the_rosetta_code_example():
    """Rosetta Code, "Haversine formula": BNA (36.12, -86.67) to LAX (33.94, -118.40) is
    2887.2599506071106 km on a sphere of radius 6372.8 km; ours uses 6371.0088 km."""
    ours = float(haversine_km(36.12, -86.67, 33.94, -118.40))
    assert ours * 6372.8 / EARTH_RADIUS_KM == pytest.approx(2887.2599506071106, rel=1e-12)


def test_haversine_hand_values():
    # one degree of a meridian is R * pi / 180; a quarter great circle is R * pi / 2
    assert float(haversine_km(30, 100, 31, 100)) == pytest.approx(
        EARTH_RADIUS_KM * math.pi / 180, rel=1e-12)
    assert float(haversine_km(0, 0, 0, 90)) == pytest.approx(EARTH_RADIUS_KM * math.pi / 2)
    # on a parallel at 60 degrees, 1 degree of longitude is far less than on the equator
    assert float(haversine_km(60, 100, 60, 101)) == pytest.approx(55.5, abs=0.2)


def test_destination_then_haversine_gives_back_the_distance():
    for bearing in (0, 45, 90, 180, 270):
        lat, lon = destination(25.04, 102.71, bearing, 250.0)
        assert float(haversine_km(25.04, 102.71, lat, lon)) == pytest.approx(250.0, rel=1e-9)


def test_chord_is_the_straight_distance_between_unit_vectors():
    a, b = unit_vectors([25.0, 28.0], [102.0, 106.0])
    d = float(haversine_km(25.0, 102.0, 28.0, 106.0))
    assert chord_for_km(d) == pytest.approx(float(np.linalg.norm(a - b)), rel=1e-12)


def test_bounding_box_holds_every_point_within_the_radius_and_touches_it():
    rng = np.random.default_rng(11)
    for lat0, lon0, radius in ((25.0, 102.7, 100), (45.8, 126.6, 500), (53.0, 122.0, 300)):
        box = bounding_box(lat0, lon0, radius)
        lats = rng.uniform(lat0 - 10, lat0 + 10, 20_000)
        lons = rng.uniform(lon0 - 15, lon0 + 15, 20_000)
        inside = haversine_km(lat0, lon0, lats, lons) <= radius
        assert inside.sum() > 50
        assert np.all((lats[inside] >= box.min_lat) & (lats[inside] <= box.max_lat)
                      & (lons[inside] >= box.min_lon) & (lons[inside] <= box.max_lon))
        north, _ = destination(lat0, lon0, 0, radius)
        assert box.max_lat == pytest.approx(north, abs=1e-9)


def test_k_d_tree_on_the_sphere_finds_what_brute_force_finds():
    rng = np.random.default_rng(7)
    lats, lons = rng.uniform(18, 53, 60_000), rng.uniform(74, 135, 60_000)
    index = LocationIndex(lats, lons)
    for radius in (100, 200, 300, 500):
        found = np.sort(index.within(30.6, 114.3, radius))
        assert found.size > 0
        assert np.array_equal(found, brute_force_within(lats, lons, 30.6, 114.3, radius))


@pytest.mark.parametrize("cell_deg", [0.05, 0.25, 2.0])
def test_the_cell_grid_finds_exactly_what_brute_force_finds(cell_deg):
    """Whole cells, skipped cells and cut cells together give the brute force's answer,
    for clustered towns, points on the circle itself and radii smaller than a cell."""
    rng = np.random.default_rng(11)
    towns = rng.uniform((20, 80), (50, 130), size=(40, 2))
    pick = rng.integers(0, len(towns), 80_000)
    lats = towns[pick, 0] + rng.normal(0, 0.3, pick.size)
    lons = towns[pick, 1] + rng.normal(0, 0.3, pick.size)
    centre = (30.6, 114.3)
    ring = [destination(*centre, bearing, 300.0) for bearing in range(0, 360, 7)]
    lats = np.append(lats, [p[0] for p in ring])
    lons = np.append(lons, [p[1] for p in ring])
    ids = rng.permutation(lats.size) + 1_000
    index = CellIndex(lats, lons, ids, cell_deg=cell_deg)
    for lat0, lon0 in [centre, (towns[0, 0], towns[0, 1]), (45.0, 126.6)]:
        for radius in (5, 100, 200, 300, 500, 3000):
            found = np.sort(index.within(lat0, lon0, radius))
            expected = np.sort(ids[brute_force_within(lats, lons, lat0, lon0, radius)])
            assert np.array_equal(found, expected), (lat0, lon0, radius)
    assert CellIndex([], []).within(*centre, 100).size == 0


def test_location_checks_name_the_reason():
    assert check_location("25.04", 102.71) == (25.04, 102.71)
    with pytest.raises(LocationError, match="outside China"):
        check_location(48.85, 2.35)  # Paris
    with pytest.raises(LocationError, match="swapped"):
        check_location(102.71, 25.04)
    with pytest.raises(LocationError, match="not a number"):
        check_location("north", 102.0)
    with pytest.raises(LocationError, match="finite"):
        check_location(float("nan"), 102.0)


def test_default_schedule_at_each_step():
    """100 km in the first hour, 200 in the second, 300 in the third, 500 after."""
    at = DEFAULT_SCHEDULE.radius_at
    assert [at(x) for x in (0 * H, 0.99 * H, 1 * H, 1.5 * H, 2 * H, 3 * H, 40 * H)] == \
        [100, 100, 200, 200, 300, 500, 500]


def test_expiry_freezes_the_radius():
    start = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
    assert step_due(DEFAULT_SCHEDULE, start, start + 1.5 * H, start + 10 * H) == 1
    assert step_due(DEFAULT_SCHEDULE, start, start + 72 * H, start + 10 * H) == 3


def test_schedules_are_configurable_and_must_widen():
    custom = RadiusSchedule.parse("0:50, 0.5:80, 6:400")
    assert custom.radius_at(0.6 * H) == 80 and custom.radius_at(7 * H) == 400
    assert RadiusSchedule.from_json(custom.as_json()) == custom
    for bad, reason in (("1:100", "starts at 0"), ("0:100,1:90", "widen"),
                        ("0:100,0:200", "does not come after"), ("0:100,x", "hours:km"),
                        ("0:9000", "at most")):
        with pytest.raises(ScheduleError, match=reason):
            RadiusSchedule.parse(bad)
