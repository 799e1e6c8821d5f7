"""A choropleth of China's provinces, drawn offline with matplotlib.

The outlines are the GeoJSON shipped in ``data/`` (see ``data/README.md``), plotted in
plain longitude/latitude with the aspect corrected at 35 degrees north (an equirectangular
view: fine for reading which province is which, not for measuring areas). Provinces
whose count is withheld are filled grey with a hatch and labelled ``<11``; provinces
with nothing to count are white.
"""

from __future__ import annotations

import io
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from homeward.statistics.fonts import matplotlib_font
from homeward.statistics.labels import measure_label, word
from homeward.statistics.provinces import province_name
from homeward.statistics.publication import Entry, PublishedStatistics

GEOJSON_PATH = Path(__file__).parent / "data" / "china_provinces.geojson"
FORMATS = ("svg", "png")
FIGURE_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
MEASURE_NAMES = ("cases", "rescued", "reunited", "in_care", "matched",
                 "median_days_to_reunion")


class ChartFormatError(ValueError):
    """A chart asked for in a format other than SVG or PNG."""


@lru_cache(maxsize=1)
def province_shapes() -> dict[str, list[list[list[list[float]]]]]:
    """Two-digit province code -> MultiPolygon coordinates."""
    data = json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))
    return {feature["properties"]["adcode"][:2]: feature["geometry"]["coordinates"]
            for feature in data["features"]}


def _centre(polygons: list[list[list[list[float]]]]) -> tuple[float, float]:
    """The middle of the bounding box of the largest outer ring (a label position)."""
    ring = max((p[0] for p in polygons), key=len)
    xs = [pt[0] for pt in ring]
    ys = [pt[1] for pt in ring]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def figure_bytes(figure: Any, fmt: str) -> bytes:
    """Render a matplotlib figure to SVG (text kept as text) or PNG."""
    if fmt not in FORMATS:
        raise ChartFormatError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    import matplotlib.pyplot as plt

    out = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "homeward"}):
        figure.savefig(out, format=fmt, dpi=110, bbox_inches="tight",
                       metadata={"Date": None} if fmt == "svg" else None)
    plt.close(figure)
    return out.getvalue()


def province_centre(code: str) -> tuple[float, float]:
    """Longitude and latitude of a province's label position."""
    return _centre(province_shapes()[code])


def blank_map() -> tuple[Any, Any]:
    """A figure and axes framed on China, equirectangular at 35 degrees north: the base
    of the choropleth and of the route map (statistics/flow_map.py)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(9, 7.2))
    axes.set_xlim(73, 136)
    axes.set_ylim(17, 54)
    axes.set_aspect(1 / math.cos(math.radians(35)))
    axes.axis("off")
    return figure, axes


def draw_choropleth(values: dict[str, Entry], *, title: str, language: str = "en",
                    fmt: str = "svg", min_cell: int = 11) -> bytes:
    """A map of ``values`` (province code -> published entry) as SVG or PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize
    from matplotlib.patches import Polygon

    family = matplotlib_font()
    shown = [e.value for e in values.values() if e.value]
    norm = Normalize(vmin=0, vmax=max(shown) if shown else 1)
    cmap = plt.get_cmap("YlOrRd")
    figure, axes = blank_map()
    for code, polygons in sorted(province_shapes().items()):
        entry = values.get(code)
        hatch = None
        if entry is None or (entry.value is None and not entry.suppressed):
            colour = "#ffffff"
        elif entry.suppressed:
            colour, hatch = "#c8c8c8", "///"
        else:
            colour = cmap(norm(entry.value)) if entry.value else "#ffffff"
        for polygon in polygons:
            axes.add_patch(Polygon(polygon[0], closed=True, facecolor=colour,
                                   edgecolor="#555555", linewidth=0.4, hatch=hatch,
                                   gid=f"province-{code}"))
        x, y = _centre(polygons)
        label = province_name(code, language)
        if entry is not None and (entry.value is not None or entry.suppressed):
            label += f"\n{entry.display}"
        axes.text(x, y, label, fontsize=5.5, ha="center", va="center", family=family)
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    colourbar = figure.colorbar(mappable, ax=axes, shrink=0.5, pad=0.01)
    colourbar.ax.tick_params(labelsize=7)
    k = min_cell
    axes.set_title(title, family=family, fontsize=12)
    figure.text(0.02, 0.02, f"<{k}: " + word("suppressed", language, k=k), family=family,
                fontsize=7)
    return figure_bytes(figure, fmt)


def draw_measure_map(published: PublishedStatistics, measure: str = "rescued", *,
                     language: str = "en", fmt: str = "svg") -> bytes:
    """The map of one measure's totals by province over the published period."""
    figures = published.measures[measure]
    period = published.tables.period
    title = (f"{measure_label(measure, language)} ({period.start.isoformat()} – "
             f"{period.end.isoformat()})")
    values = dict(zip(figures.provinces, figures.by_province, strict=True))
    return draw_choropleth(values, title=title, language=language, fmt=fmt,
                           min_cell=published.min_cell)
