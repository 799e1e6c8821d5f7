"""The words of the charts, map and report, in English and Chinese.

The web pages take the same English strings through gettext (``statistics.po``); the
charts and the PDF, drawn outside a request, read them from here.
"""

from __future__ import annotations

MEASURES: dict[str, dict[str, str]] = {
    "cases": {"en": "Missing-child cases", "zh": "走失儿童案件"},
    "rescued": {"en": "Children rescued or found", "zh": "被解救或发现的儿童"},
    "reunited": {"en": "Children reunited", "zh": "已团圆的儿童"},
    "in_care": {"en": "Children still waiting in care", "zh": "仍在临时照料中的儿童"},
    "matched": {"en": "Families confirmed by DNA", "zh": "经DNA确认的比中"},
    "median_days_to_reunion": {"en": "Median days from rescue to reunion",
                               "zh": "从解救到团圆的天数中位数"},
}

WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Homeward statistics", "zh": "回家统计"},
    "period": {"en": "Period", "zh": "统计期间"},
    "province": {"en": "Province", "zh": "省份"},
    "year": {"en": "Year", "zh": "年份"},
    "total": {"en": "Total", "zh": "合计"},
    "suppressed": {"en": "fewer than {k}, or withheld to protect such a count",
                   "zh": "少于{k}，或为保护此类数字而不公布"},
    "map_title": {"en": "Children rescued or found, by province",
                  "zh": "各省被解救或发现的儿童"},
    "chart_title": {"en": "By year", "zh": "按年份"},
    "note": {"en": "Counts from 1 to {k1} are not published, nor the counts from which "
                   "they could be worked out, so that no child can be identified.",
             "zh": "1至{k1}的数字不予公布，可推算出这些数字的其他数字也不公布，"
                   "以免识别出任何儿童。"},
    "no_data": {"en": "no data", "zh": "无数据"},
}


def measure_label(measure: str, language: str) -> str:
    return MEASURES[measure]["zh" if language == "zh" else "en"]


def word(key: str, language: str, **values: object) -> str:
    return WORDS[key]["zh" if language == "zh" else "en"].format(**values)
