"""A bar chart of the published figures by year (matplotlib, offline).

Withheld numbers get a short grey hatched bar and the label ``<11``; its height means
nothing (the true value may be anything the suppression left open).
"""

from __future__ import annotations

from homeward.statistics.choropleth import figure_bytes
from homeward.statistics.fonts import matplotlib_font
from homeward.statistics.labels import measure_label, word
from homeward.statistics.publication import PublishedStatistics

CHART_MEASURES = ("cases", "rescued", "matched", "reunited")
COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52")


def draw_year_chart(published: PublishedStatistics, *, language: str = "en",
                    fmt: str = "svg", measures: tuple[str, ...] = CHART_MEASURES) -> bytes:
    """Grouped bars: one group per year, one bar per measure, as SVG or PNG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    family = matplotlib_font()
    years = published.years
    figure, axes = plt.subplots(figsize=(8, 4.2))
    width = 0.8 / len(measures)
    shown = [e.value for m in measures for e in published.measures[m].by_year if e.value]
    stub = max(shown) * 0.04 if shown else 1.0
    for n, (measure, colour) in enumerate(zip(measures, COLOURS, strict=False)):
        entries = published.measures[measure].by_year
        xs = [i + (n - (len(measures) - 1) / 2) * width for i in range(len(years))]
        heights = [stub if e.suppressed else (e.value or 0) for e in entries]
        bars = axes.bar(xs, heights, width, color=colour,
                        label=measure_label(measure, language))
        for bar, entry in zip(bars, entries, strict=True):
            if entry.suppressed:
                bar.set_facecolor("#c8c8c8")
                bar.set_hatch("///")
            axes.annotate(entry.display, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                          ha="center", va="bottom", fontsize=6, family=family)
    axes.set_xticks(range(len(years)), [str(y) for y in years], family=family)
    axes.set_xlabel(word("year", language), family=family)
    axes.set_title(word("chart_title", language), family=family)
    axes.legend(prop={"family": family, "size": 7}, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)
    return figure_bytes(figure, fmt)
