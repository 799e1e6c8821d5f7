"""Make the subset CJK font that the statistics charts and the PDF report use.

Source: WenQuanYi Zen Hei (Debian ``fonts-wqy-zenhei``, ``wqy-zenhei.ttc``, face 0),
GPL-2.0-or-later with the font embedding exception. The subset keeps printable ASCII and
every character of the statistics labels, the route map's title, the province names and
``statistics.po``:

    python scripts/statistics_font.py /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

from homeward.statistics.flow_map import TITLES as FLOW_TITLES
from homeward.statistics.fonts import FONT_PATH
from homeward.statistics.labels import MEASURES, WORDS
from homeward.statistics.provinces import UNKNOWN, _names

ROOT = Path(__file__).parents[1]
EXTRA = "0123456789<>–—·、，。：；（）%年月日至合计中英文省份不详无数据 "


def characters() -> str:
    text = [chr(c) for c in range(0x20, 0x7F)] + list(EXTRA)
    for labels in (*MEASURES.values(), *WORDS.values(), UNKNOWN, FLOW_TITLES):
        text += list("".join(labels.values()))
    for names in _names().values():
        text += list("".join(names.values()))
    po = ROOT / "src/homeward/web/locales/zh/LC_MESSAGES/statistics.po"
    text += list(po.read_text(encoding="utf-8"))
    return "".join(sorted(set(text) - {"\n"}))


def main(source: str) -> None:
    font = TTCollection(source).fonts[0]
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters())
    subsetter.subset(font)
    font.save(FONT_PATH)
    print(f"{FONT_PATH}: {FONT_PATH.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
