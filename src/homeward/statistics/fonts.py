"""The CJK font shipped for the charts and the PDF: a subset of WenQuanYi Zen Hei.

Only the glyphs the statistics use (ASCII, digits, the labels, the province names) are in
it, made by ``scripts/statistics_font.py``; licence in ``data/README.md``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_PATH = Path(__file__).parent / "data" / "wqy-zenhei-statistics-subset.ttf"
FONT_NAME = "WenQuanYi Zen Hei"


@lru_cache(maxsize=1)
def matplotlib_font() -> str:
    """Register the font with matplotlib once; the family name to use."""
    import logging

    from matplotlib import font_manager

    # the face says weight 500 ("medium"); matplotlib warns on every text asking "normal"
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    font_manager.fontManager.addfont(str(FONT_PATH))
    return font_manager.FontProperties(fname=str(FONT_PATH)).get_name()


@lru_cache(maxsize=1)
def reportlab_font() -> str:
    """Register the font with reportlab once; the name to use in styles."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("HomewardCJK", str(FONT_PATH)))
    return "HomewardCJK"
