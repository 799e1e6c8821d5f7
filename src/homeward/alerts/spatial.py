"""Which subscriber locations lie within a radius: an index in memory, a query in SQL.

In memory: a grid of latitude/longitude cells (:class:`CellIndex`, the one the
benchmark's goal is met with) or a k-d tree (SciPy's cKDTree, :class:`LocationIndex`)
over the locations as unit vectors, queried with the chord of the radius (alerts/geo.py),
which is exact on the sphere: a ball in 3-D cut with the sphere is the spherical cap.
The brute-force baseline computes the haversine distance to every location.

In the database: the same grid, kept as each location's ``cell`` column: the cells of the
circle's bounding box (Matuschek 2011) split into whole and cut ones, then the exact
haversine distance for the cut cells only: in SQL on PostgreSQL, in NumPy on SQLite
(whose builds may lack trigonometric functions).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree
from sqlalchemy import ARRAY, Integer, any_, bindparam, exists, func, select, union_all
from sqlalchemy.orm import Session

from homeward.alerts.geo import (
    CELL_DEG,
    EARTH_RADIUS_KM,
    CellGeometry,
    cell_key,
    cells_around,
    chord_for_km,
    haversine_km,
    unit_vectors,
)
from homeward.registry.models import AlertSubscriber, AlertSubscriberLocation


class LocationIndex:
    """A k-d tree on the unit sphere over ``n`` locations (ids are row positions unless
    ``ids`` is given)."""

    def __init__(self, latitude: ArrayLike, longitude: ArrayLike,
                 ids: ArrayLike | None = None) -> None:
        self.latitude = np.asarray(latitude, dtype=float)
        self.longitude = np.asarray(longitude, dtype=float)
        self.ids = np.arange(len(self.latitude)) if ids is None else np.asarray(ids)
        self.tree = cKDTree(unit_vectors(self.latitude, self.longitude),
                            balanced_tree=False, compact_nodes=False)

    def within(self, latitude: float, longitude: float, radius_km: float) -> NDArray:
        """Ids of the locations within ``radius_km`` (great-circle), in no set order."""
        centre = unit_vectors([latitude], [longitude])[0]
        found = self.tree.query_ball_point(centre, chord_for_km(radius_km),
                                           return_sorted=False)
        return self.ids[np.fromiter(found, dtype=np.int64, count=len(found))]


class CellIndex:
    """Locations sorted by their grid cell (alerts/geo.py), each cell a slice.

    A query measures the great-circle distance from the centre to each occupied cell's
    centre (some thousands of cells, not millions of locations) and splits the cells
    into wholly inside, cut and outside (:meth:`CellGeometry.split`): a whole cell is
    taken as a slice, and only the locations of the cells the circle cuts are measured
    one by one. The answer is exactly the brute force's, and a wide radius costs a copy
    of the slices rather than a walk of a tree that returns a Python list of millions.
    """

    def __init__(self, latitude: ArrayLike, longitude: ArrayLike,
                 ids: ArrayLike | None = None, *, cell_deg: float = CELL_DEG) -> None:
        lat = np.asarray(latitude, dtype=float)
        lon = np.asarray(longitude, dtype=float)
        ids = np.arange(len(lat)) if ids is None else np.asarray(ids)
        keys = cell_key(lat, lon, cell_deg)
        order = np.argsort(keys, kind="stable")
        self.latitude, self.longitude, self.ids = lat[order], lon[order], ids[order]
        cells, self.starts = np.unique(keys[order], return_index=True)
        self.ends = np.append(self.starts[1:], len(order))
        self.cells = CellGeometry.of(cells, cell_deg)

    def within(self, latitude: float, longitude: float, radius_km: float) -> NDArray:
        """Ids of the locations within ``radius_km`` (great-circle), in no set order."""
        whole, cut = self.cells.split(latitude, longitude, radius_km)
        rows = _slices(self.starts[cut], self.ends[cut])
        near = haversine_km(latitude, longitude, self.latitude[rows],
                            self.longitude[rows]) <= radius_km
        pieces = [self.ids[a:b] for a, b in zip(self.starts[whole], self.ends[whole],
                                                 strict=True)]
        return np.concatenate([*pieces, self.ids[rows[near]]])


def _slices(starts: NDArray, ends: NDArray) -> NDArray:
    """The positions start..end-1 of every slice, concatenated."""
    lengths = ends - starts
    if not lengths.sum():
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(lengths.sum()) + offsets


def brute_force_within(latitude: NDArray, longitude: NDArray, centre_lat: float,
                       centre_lon: float, radius_km: float) -> NDArray:
    """Row positions within ``radius_km``, by the haversine distance to every row."""
    return np.flatnonzero(haversine_km(centre_lat, centre_lon, latitude, longitude)
                          <= radius_km)


def haversine_sql(latitude: float, longitude: float):
    """The haversine distance in km from a point to each location, as SQL (PostgreSQL)."""
    lat, lon = AlertSubscriberLocation.latitude, AlertSubscriberLocation.longitude
    a = (func.power(func.sin(func.radians(lat - latitude) / 2), 2)
         + math.cos(math.radians(latitude)) * func.cos(func.radians(lat))
         * func.power(func.sin(func.radians(lon - longitude) / 2), 2))
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(a))


def subscribers_within(session: Session, latitude: float, longitude: float,
                       radius_km: float) -> list[int]:
    """Ids of active subscribers with a location within ``radius_km`` (sorted).

    The circle's cells (:func:`~homeward.alerts.geo.cells_around`) are looked up on the
    ``(cell, subscriber_id, latitude, longitude)`` index: the subscribers of the cells
    wholly inside are taken as they are, and only the locations of the cells the circle
    cuts are measured, in SQL on PostgreSQL and in NumPy on SQLite. Subscribers who
    unsubscribed are left out by an anti-join on the partial index of inactive ones.
    """
    whole, cut = cells_around(latitude, longitude, radius_km)
    location = AlertSubscriberLocation
    live = ~exists().where(AlertSubscriber.id == location.subscriber_id,
                           ~AlertSubscriber.active)
    if session.get_bind().dialect.name == "postgresql":
        def among(name: str, keys: list[int]):
            return location.cell == any_(bindparam(name, keys, type_=ARRAY(Integer)))
        chosen = union_all(
            select(location.subscriber_id).where(among("whole", whole), live),
            select(location.subscriber_id).where(
                among("cut", cut), live,
                haversine_sql(latitude, longitude) <= radius_km)).subquery()
        # one array, not a row per subscriber: a 500 km circle holds tens of thousands
        ids = session.scalar(select(func.array_agg(chosen.c.subscriber_id))) or []
        return np.unique(np.asarray(ids, dtype=np.int64)).tolist()
    ids = [] if not whole else session.scalars(
        select(location.subscriber_id).where(location.cell.in_(whole), live)).all()
    rows = [] if not cut else session.execute(
        select(location.subscriber_id, location.latitude, location.longitude)
        .where(location.cell.in_(cut), live)).all()
    if rows:
        near, lats, lons = (np.asarray(column) for column in zip(*rows, strict=True))
        inside = haversine_km(latitude, longitude, lats.astype(float), lons.astype(float))
        ids = [*ids, *near[inside <= radius_km].tolist()]
    return np.unique(np.asarray(ids, dtype=np.int64)).tolist()
