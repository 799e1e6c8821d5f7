"""Which subscriber locations lie within a radius: an index in memory, a query in SQL.

In memory: a k-d tree (SciPy's cKDTree) over the locations as unit vectors, queried
with the chord of the radius (alerts/geo.py), which is exact on the sphere: a ball in 3-D
cut with the sphere is the spherical cap. The brute-force baseline computes the
haversine distance to every location.

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
