"""Which subscriber locations lie within a radius: an index in memory, a query in SQL.

In memory: a grid of latitude/longitude cells (:class:`CellIndex`, the one the
benchmark's goal is met with) or a k-d tree (SciPy's cKDTree, :class:`LocationIndex`)
over the locations as unit vectors, queried with the chord of the radius (alerts/geo.py),
which is exact on the sphere: a ball in 3-D cut with the sphere is the spherical cap.
The brute-force baseline computes the haversine distance to every location.

In the database: the bounding box of the circle (Matuschek 2011) on the indexed
``(latitude, longitude)`` columns, then the exact haversine distance: in SQL on
PostgreSQL, in NumPy on SQLite (whose builds may lack trigonometric functions).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeward.alerts.geo import (
    EARTH_RADIUS_KM,
    bounding_box,
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
    """Locations sorted by a grid cell of ``cell_deg`` degrees, each cell a slice.

    A query measures the great-circle distance ``d`` from the centre to each occupied
    cell's centre (some thousands of cells, not millions of locations). By the triangle
    inequality on the sphere every location of a cell lies within ``d ± h``, ``h`` the
    largest distance from the cell's centre to one of its corners (the farthest points
    of a cell this small): a cell with ``d + h <= radius`` is taken whole as a slice, one
    with ``d - h > radius`` is skipped, and only the locations of the cells the circle
    cuts are measured one by one. The answer is exactly the brute force's, and a wide
    radius costs a copy of the slices rather than a walk of a tree that returns a Python
    list of millions.
    """

    def __init__(self, latitude: ArrayLike, longitude: ArrayLike,
                 ids: ArrayLike | None = None, *, cell_deg: float = 0.25) -> None:
        lat = np.asarray(latitude, dtype=float)
        lon = np.asarray(longitude, dtype=float)
        ids = np.arange(len(lat)) if ids is None else np.asarray(ids)
        columns = math.ceil(360.0 / cell_deg)
        row = np.floor((lat + 90.0) / cell_deg).astype(np.int64)
        column = np.floor((lon + 180.0) / cell_deg).astype(np.int64)
        keys = row * columns + column
        order = np.argsort(keys, kind="stable")
        self.latitude, self.longitude, self.ids = lat[order], lon[order], ids[order]
        cells, self.starts = np.unique(keys[order], return_index=True)
        self.ends = np.append(self.starts[1:], len(order))
        south = (cells // columns) * cell_deg - 90.0
        west = (cells % columns) * cell_deg - 180.0
        self.cell_lat, self.cell_lon = south + cell_deg / 2, west + cell_deg / 2
        corners = [haversine_km(self.cell_lat, self.cell_lon, south + dy, west + dx)
                   for dy in (0.0, cell_deg) for dx in (0.0, cell_deg)]
        # a metre of slack for rounding; a wider h only sends a cell to the exact check
        self.half_diagonal = np.max(corners, axis=0) * (1 + 1e-9) + 1e-3

    def within(self, latitude: float, longitude: float, radius_km: float) -> NDArray:
        """Ids of the locations within ``radius_km`` (great-circle), in no set order."""
        d = haversine_km(latitude, longitude, self.cell_lat, self.cell_lon)
        whole = np.flatnonzero(d + self.half_diagonal <= radius_km)
        cut = np.flatnonzero((d + self.half_diagonal > radius_km)
                             & (d - self.half_diagonal <= radius_km))
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
    """Ids of active subscribers with a location within ``radius_km`` (sorted)."""
    box = bounding_box(latitude, longitude, radius_km)
    if session.get_bind().dialect.name == "postgresql":  # exact distance in the database
        return list(session.scalars(
            select(AlertSubscriberLocation.subscriber_id).distinct()
            .join(AlertSubscriber, AlertSubscriber.id == AlertSubscriberLocation.subscriber_id)
            .where(AlertSubscriberLocation.latitude.between(box.min_lat, box.max_lat),
                   AlertSubscriberLocation.longitude.between(box.min_lon, box.max_lon),
                   AlertSubscriber.active,
                   haversine_sql(latitude, longitude) <= radius_km)
            .order_by(AlertSubscriberLocation.subscriber_id)))
    rows = session.execute(
        select(AlertSubscriberLocation.subscriber_id, AlertSubscriberLocation.latitude,
               AlertSubscriberLocation.longitude)
        .join(AlertSubscriber, AlertSubscriber.id == AlertSubscriberLocation.subscriber_id)
        .where(AlertSubscriberLocation.latitude.between(box.min_lat, box.max_lat),
               AlertSubscriberLocation.longitude.between(box.min_lon, box.max_lon),
               AlertSubscriber.active)).all()
    if not rows:
        return []
    ids, lats, lons = (np.asarray(column) for column in zip(*rows, strict=True))
    inside = haversine_km(latitude, longitude, lats.astype(float), lons.astype(float)) \
        <= radius_km
    return sorted({int(i) for i in ids[inside]})
