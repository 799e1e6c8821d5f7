"""The map of China and the bar chart, drawn offline in English and Chinese."""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from homeward.statistics.charts import draw_year_chart
from homeward.statistics.choropleth import (
    ChartFormatError,
    draw_measure_map,
    province_shapes,
)
from homeward.statistics.fonts import FONT_PATH
from homeward.statistics.labels import MEASURES, WORDS
from homeward.statistics.provinces import all_province_codes, province_name
from homeward.statistics.publication import publish
from homeward.statistics.tables import COUNT_MEASURES, Period, RegistryTables


@pytest.fixture(scope="module")
def published():
    """Every province over three years, with a few small counts to withhold."""
    rng = np.random.default_rng(11)
    provinces = all_province_codes()
    counts = {m: rng.poisson(30, size=(len(provinces), 3)) for m in COUNT_MEASURES}
    counts["rescued"][provinces.index("54")] = [2, 0, 1]  # Tibet: small
    tables = RegistryTables(Period(dt.date(2022, 1, 1), dt.date(2024, 12, 31)), provinces,
                            counts, {})
    return publish(tables, 11)


def test_the_shipped_outlines_cover_every_province():
    assert set(province_shapes()) == set(all_province_codes())
    assert len(all_province_codes()) == 34


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_map_as_svg_has_a_path_per_province_and_labels(published, language):
    svg = draw_measure_map(published, "rescued", language=language, fmt="svg").decode()
    provinces = set(re.findall(r'id="province-(\d\d)', svg))
    assert len(provinces) >= 30
    assert svg.count("<path") >= 34
    assert province_name("65", language) in svg  # Xinjiang / 新疆
    assert "&lt;11" in svg  # Tibet withheld


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_map_and_chart_as_png_are_pictures(published, language):
    for data in (draw_measure_map(published, language=language, fmt="png"),
                 draw_year_chart(published, language=language, fmt="png")):
        image = Image.open(io.BytesIO(data)).convert("RGB")
        assert image.width > 500 and image.height > 300
        assert len(image.getcolors(maxcolors=1 << 24)) > 100  # a choropleth, not a blank page


def test_the_chart_svg_labels_the_measures_in_chinese(published):
    svg = draw_year_chart(published, language="zh", fmt="svg").decode()
    assert MEASURES["rescued"]["zh"] in svg and "2024" in svg


def test_an_unknown_format_is_refused(published):
    with pytest.raises(ChartFormatError, match="svg, png"):
        draw_year_chart(published, fmt="gif")


def test_the_subset_font_has_every_character_the_statistics_use():
    cmap = TTFont(FONT_PATH).getBestCmap()
    text = "".join(v for labels in (*MEASURES.values(), *WORDS.values()) for v in labels.values())
    text += "".join(province_name(code, "zh") for code in all_province_codes())
    missing = sorted({c for c in text if ord(c) not in cmap and c not in "{}"})
    assert not missing, f"run scripts/statistics_font.py: missing {missing}"
