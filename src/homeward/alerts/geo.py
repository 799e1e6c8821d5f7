"""Distances on the sphere, the bounding box of a circle, and China's extent.

Distances are great-circle distances by the haversine formula (Sinnott, "Virtues of the
Haversine", Sky and Telescope 68(2):159, 1984), on a sphere of the mean Earth radius
R1 = 6371.0088 km (IUGG; Moritz, "Geodetic Reference System 1980", J Geodesy 74:128-133,
2000). The spherical error against the ellipsoid stays under 0.5%, far below what a
radius of 100-500 km needs.

For an index on the unit sphere a great-circle distance d becomes the chord between the
two unit vectors, ``2 sin(d / 2R)``, which a k-d tree measures in Euclidean space.

The grid of latitude/longitude cells (:func:`cell_key`, :func:`cells_around`) is shared by
the in-memory index and the database's ``cell`` column, so both split a circle the same
way: cells wholly inside, cells the circle cuts, and cells outside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

EARTH_RADIUS_KM = 6371.0088

# Mainland and islands of the People's Republic, rounded outwards: north 53°33'N (Mohe),
# south 3°51'N (Zengmu Ansha), west 73°33'E (Pamirs, Xinjiang), east 135°05'E (confluence
# of the Heilong and Wusuli rivers) ("Extreme points of China", Wikipedia).
CHINA_LAT = (3.8, 53.6)
CHINA_LON = (73.5, 135.1)


class LocationError(ValueError):
    """A latitude/longitude that is not a number or lies outside the area served."""


def check_location(latitude: object, longitude: object, what: str = "location"
                   ) -> tuple[float, float]:
    """``(latitude, longitude)`` as floats inside China's bounding box.

    :raises LocationError: naming ``what`` and the reason.
    """
    values = []
    for name, value in (("latitude", latitude), ("longitude", longitude)):
        if isinstance(value, bool):
            raise LocationError(f"{what}: {name} {value!r} is not a number")
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise LocationError(f"{what}: {name} {value!r} is not a number") from None
        if not math.isfinite(number):
            raise LocationError(f"{what}: {name} {value!r} is not a finite number")
        values.append(number)
    lat, lon = values
    if not (CHINA_LAT[0] <= lat <= CHINA_LAT[1] and CHINA_LON[0] <= lon <= CHINA_LON[1]):
        raise LocationError(
            f"{what}: {lat:.4f}, {lon:.4f} lies outside China (latitude {CHINA_LAT[0]} to "
            f"{CHINA_LAT[1]}, longitude {CHINA_LON[0]} to {CHINA_LON[1]}); check that "
            "latitude and longitude are not swapped")
    return lat, lon


def haversine_km(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
                 ) -> NDArray[np.float64]:
    """Great-circle distance in km between points given in degrees (broadcasts)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def unit_vectors(latitude: ArrayLike, longitude: ArrayLike) -> NDArray[np.float64]:
    """Points on the unit sphere, shape (n, 3)."""
    phi, lam = np.radians(latitude), np.radians(longitude)
    cos_phi = np.cos(phi)
    return np.column_stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def chord_for_km(distance_km: float) -> float:
    """The unit-sphere chord of a great-circle distance: 2 sin(d / 2R)."""
    return 2.0 * math.sin(min(distance_km / EARTH_RADIUS_KM, math.pi) / 2.0)


@dataclass(frozen=True)
class Box:
    """A latitude/longitude box in degrees (``min_lon > max_lon`` never happens here:
    a box across the antimeridian is widened to every longitude)."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def bounding_box(latitude: float, longitude: float, radius_km: float) -> Box:
    """The smallest latitude/longitude box holding every point within ``radius_km``.

    Matuschek, "Finding Points Within a Distance of a Latitude/Longitude Using Bounding
    Coordinates" (2011), section 3.3: with angular radius r = d/R, latitudes span
    lat ± r and longitudes lon ± asin(sin r / cos lat); near a pole, or across the
    antimeridian, every longitude.
    """
    r = radius_km / EARTH_RADIUS_KM
    lat = math.radians(latitude)
    min_lat, max_lat = lat - r, lat + r
    if min_lat <= -math.pi / 2 or max_lat >= math.pi / 2:
        return Box(math.degrees(max(min_lat, -math.pi / 2)),
                   math.degrees(min(max_lat, math.pi / 2)), -180.0, 180.0)
    dlon = math.degrees(math.asin(math.sin(r) / math.cos(lat)))
    min_lon, max_lon = longitude - dlon, longitude + dlon
    if min_lon < -180.0 or max_lon > 180.0:
        min_lon, max_lon = -180.0, 180.0
    return Box(math.degrees(min_lat), math.degrees(max_lat), min_lon, max_lon)


def destination(latitude: float, longitude: float, bearing_deg: float, distance_km: float
                ) -> tuple[float, float]:
    """The point ``distance_km`` from a start along an initial bearing (degrees from north):
    phi2 = asin(sin phi1 cos d + cos phi1 sin d cos theta), lambda2 = lambda1 +
    atan2(sin theta sin d cos phi1, cos d - sin phi1 sin phi2), d the angular distance
    (Veness, "Calculate distance, bearing and more between latitude/longitude points",
    movable-type.co.uk)."""
    phi1, lam1 = math.radians(latitude), math.radians(longitude)
    theta, d = math.radians(bearing_deg), distance_km / EARTH_RADIUS_KM
    phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d)
                     * math.cos(theta))
    lam2 = lam1 + math.atan2(math.sin(theta) * math.sin(d) * math.cos(phi1),
                             math.cos(d) - math.sin(phi1) * math.sin(phi2))
    return math.degrees(phi2), (math.degrees(lam2) + 540.0) % 360.0 - 180.0


CELL_DEG = 0.25  # about 28 km north-south: a 100 km circle covers some 40 cells
CELL_COLUMNS = round(360 / CELL_DEG)


def cell_key(latitude: ArrayLike, longitude: ArrayLike, cell_deg: float = CELL_DEG
             ) -> NDArray[np.int64]:
    """The grid cell of each point: ``row * columns + column``, rows counted from the
    south pole and columns from the antimeridian in steps of ``cell_deg`` degrees."""
    columns, rows = math.ceil(360.0 / cell_deg), math.ceil(180.0 / cell_deg)
    row = np.floor((np.asarray(latitude, dtype=float) + 90.0) / cell_deg).astype(np.int64)
    column = np.floor((np.asarray(longitude, dtype=float) + 180.0) / cell_deg
                      ).astype(np.int64)
    return np.minimum(row, rows - 1) * columns + np.minimum(column, columns - 1)


@dataclass(frozen=True)
class CellGeometry:
    """Centres and half-diagonals of some cells of the grid (for :func:`split_cells`)."""

    keys: NDArray[np.int64]
    centre_lat: NDArray[np.float64]
    centre_lon: NDArray[np.float64]
    half_diagonal: NDArray[np.float64]

    @classmethod
    def of(cls, keys: ArrayLike, cell_deg: float = CELL_DEG) -> CellGeometry:
        keys = np.asarray(keys, dtype=np.int64)
        columns = math.ceil(360.0 / cell_deg)
        south = (keys // columns) * cell_deg - 90.0
        west = (keys % columns) * cell_deg - 180.0
        lat, lon = south + cell_deg / 2, west + cell_deg / 2
        corners = [haversine_km(lat, lon, south + dy, west + dx)
                   for dy in (0.0, cell_deg) for dx in (0.0, cell_deg)]
        # a metre of slack for rounding; a wider h only sends a cell to the exact check
        half = (np.max(corners, axis=0) * (1 + 1e-9) + 1e-3) if len(keys) else \
            np.empty(0)
        return cls(keys, lat, lon, half)

    def split(self, latitude: float, longitude: float, radius_km: float
              ) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Positions of the cells wholly within ``radius_km`` and of those it cuts.

        The farthest points of a cell this small from its centre are its corners, at
        most ``h`` away; by the triangle inequality on the sphere every point of a cell
        whose centre lies ``d`` from the alert is within ``d ± h``: ``d + h <= radius``
        is wholly inside, ``d - h > radius`` wholly outside, the rest are cut.
        """
        d = haversine_km(latitude, longitude, self.centre_lat, self.centre_lon)
        whole = d + self.half_diagonal <= radius_km
        cut = ~whole & (d - self.half_diagonal <= radius_km)
        return np.flatnonzero(whole), np.flatnonzero(cut)


def cells_around(latitude: float, longitude: float, radius_km: float,
                 cell_deg: float = CELL_DEG) -> tuple[list[int], list[int]]:
    """The keys of the cells wholly within a circle and of the cells it cuts: every cell
    of the circle's bounding box, split by :meth:`CellGeometry.split`."""
    box = bounding_box(latitude, longitude, radius_km)
    columns = math.ceil(360.0 / cell_deg)
    rows = np.arange(math.floor((box.min_lat + 90.0) / cell_deg),
                     min(math.floor((box.max_lat + 90.0) / cell_deg),
                         math.ceil(180.0 / cell_deg) - 1) + 1)
    cols = np.arange(math.floor((box.min_lon + 180.0) / cell_deg),
                     min(math.floor((box.max_lon + 180.0) / cell_deg), columns - 1) + 1)
    keys = (rows[:, None] * columns + cols[None, :]).ravel()
    geometry = CellGeometry.of(keys, cell_deg)
    whole, cut = geometry.split(latitude, longitude, radius_km)
    return keys[whole].tolist(), keys[cut].tolist()
