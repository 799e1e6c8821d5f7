"""Decode Apache ECharts 4.9.0's ``map/json/china.json`` into the plain GeoJSON we ship.

ECharts stores coordinates "UTF-8 encoded": each point is two characters, zig-zag
encoded deltas from the previous point plus 64, in units of 1/1024 degree, starting at
``encodeOffsets`` (ECharts 4 ``src/coord/geo/parseGeoJson.js``, ``decodePolygon``).
We decode, round to 2 decimals (about 1 km), drop repeated points, and keep the
adcode and the Chinese name of each province.

    npm pack echarts@4.9.0 && tar xzf echarts-4.9.0.tgz package/map/json/china.json
    python scripts/china_provinces_geojson.py package/map/json/china.json \
        src/homeward/statistics/data/china_provinces.geojson
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def decode_ring(encoded: str, offset: list[int], scale: float = 1024.0) -> list[list[float]]:
    x_prev, y_prev = offset
    ring: list[list[float]] = []
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x_prev += x
        y_prev += y
        point = [round(x_prev / scale, 2), round(y_prev / scale, 2)]
        if not ring or ring[-1] != point:
            ring.append(point)
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def convert(source: dict) -> dict:
    features = []
    for feature in source["features"]:
        geometry = feature["geometry"]
        offsets = geometry["encodeOffsets"]
        if geometry["type"] == "Polygon":
            polygons = [[decode_ring(r, o)
                         for r, o in zip(geometry["coordinates"], offsets, strict=True)]]
        else:
            polygons = [[decode_ring(r, o) for r, o in zip(polygon, polygon_offsets, strict=True)]
                        for polygon, polygon_offsets in zip(geometry["coordinates"], offsets,
                                                                        strict=True)]
        polygons = [[r for r in p if len(r) >= 4] for p in polygons]
        polygons = [p for p in polygons if p]
        properties = feature["properties"]
        features.append({"type": "Feature",
                         "properties": {"adcode": properties["id"],
                                        "name_zh": properties["name"]},
                         "geometry": {"type": "MultiPolygon", "coordinates": polygons}})
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    data = convert(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    Path(sys.argv[2]).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                                 encoding="utf-8")
