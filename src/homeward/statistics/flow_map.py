"""Routes between provinces drawn on the map of China: one arrow per route, from the
province a child was moved from to the province it was moved to, as wide as the number
of movements (investigations.routes.od_matrix). Counts only, for police: no child and no
person is named.

The base map and the outlines are the choropleth's (statistics/choropleth.py); arrows are
curved so that a route and its way back (Yunnan -> Hebei, Hebei -> Yunnan) stay apart.
"""

from __future__ import annotations

from homeward.statistics.choropleth import (
    blank_map,
    figure_bytes,
    province_centre,
    province_shapes,
)
from homeward.statistics.fonts import matplotlib_font
from homeward.statistics.provinces import province_name

TITLES = {"en": "Movements of children between provinces", "zh": "儿童跨省流动"}
MAX_WIDTH = 6.0  # points, for the busiest route


def draw_flow_map(pairs: dict[tuple[str, str], int], *, language: str = "en",
                  fmt: str = "svg") -> bytes:
    """``pairs`` maps (origin code, destination code) to movements; provinces not on the
    shipped map are left out of the drawing (they stay in the table beside it)."""
    from matplotlib.patches import FancyArrowPatch, Polygon

    family = matplotlib_font()
    shapes = province_shapes()
    drawn = {pair: n for pair, n in pairs.items() if pair[0] in shapes and pair[1] in shapes}
    touched = {code for pair in drawn for code in pair}
    figure, axes = blank_map()
    for code, polygons in sorted(shapes.items()):
        colour = "#fde9d9" if code in touched else "#f4f4f4"
        for polygon in polygons:
            axes.add_patch(Polygon(polygon[0], closed=True, facecolor=colour,
                                   edgecolor="#999999", linewidth=0.4,
                                   gid=f"province-{code}"))
    busiest = max(drawn.values(), default=1)
    for (origin, destination), movements in sorted(drawn.items()):
        width = 0.8 + (MAX_WIDTH - 0.8) * movements / busiest
        axes.add_patch(FancyArrowPatch(
            province_centre(origin), province_centre(destination),
            connectionstyle="arc3,rad=0.2", arrowstyle="-|>", mutation_scale=8 + width * 2,
            linewidth=width, color="#c0392b", alpha=0.75, zorder=3,
            gid=f"route-{origin}-{destination}"))
    for code in sorted(touched):
        x, y = province_centre(code)
        axes.text(x, y, province_name(code, language), fontsize=7, ha="center",
                  va="center", family=family, zorder=4,
                  bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                        "alpha": 0.7})
    axes.set_title(TITLES.get(language, TITLES["en"]), family=family, fontsize=12)
    return figure_bytes(figure, fmt)


__all__ = ["draw_flow_map"]
