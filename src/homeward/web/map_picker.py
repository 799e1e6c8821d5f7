"""The map a subscriber picks a place on: China's provinces as a plain SVG, drawn from the
outlines the statistics maps use (ECharts 4.9.0, statistics/data/README.md), nothing
fetched from a tile server.

Equirectangular with the aspect corrected at 35 degrees north, as the statistics maps:
x = (longitude - west) * cos 35°, y = north - latitude. The frame is written on the
page (``data-*`` attributes of the map), and static/map-picker.js turns a click back
into latitude and longitude with the same numbers, so the two cannot drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from homeward.statistics.choropleth import province_shapes


@dataclass(frozen=True)
class Frame:
    west: float = 73.0
    east: float = 136.0
    south: float = 17.0
    north: float = 54.0
    aspect: float = math.cos(math.radians(35.0))

    @property
    def width(self) -> float:
        return (self.east - self.west) * self.aspect

    @property
    def height(self) -> float:
        return self.north - self.south

    def point(self, longitude: float, latitude: float) -> tuple[float, float]:
        return (longitude - self.west) * self.aspect, self.north - latitude

    def place(self, x: float, y: float) -> tuple[float, float]:
        """(latitude, longitude) of a point of the map: the inverse of :meth:`point`."""
        return self.north - y, self.west + x / self.aspect

    def attributes(self) -> dict[str, str]:
        return {"west": f"{self.west:g}", "north": f"{self.north:g}",
                "width": f"{self.width:.6f}", "height": f"{self.height:g}",
                "aspect": f"{self.aspect:.9f}"}


FRAME = Frame()


def _path(polygons: list[list[list[list[float]]]]) -> str:
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = [FRAME.point(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x:.2f} {y:.2f}" for x, y in points) + "Z")
    return "".join(parts)


@lru_cache(maxsize=1)
def china_svg() -> str:
    """The provinces as one SVG document (about 100 KB; served once per visitor)."""
    paths = "".join(f'<path id="p{code}" d="{_path(shape)}"/>'
                    for code, shape in sorted(province_shapes().items()))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {FRAME.width:.4f} '
            f'{FRAME.height:g}" preserveAspectRatio="none"><g fill="#eef2ee" '
            f'stroke="#7a8a7a" stroke-width="0.06">{paths}</g></svg>')
