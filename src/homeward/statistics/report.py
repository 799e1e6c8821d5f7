"""The bilingual statistics report of a period: figures, map, chart and tables, as a PDF
(reportlab) or a self-contained HTML page, every heading in English and Chinese.

Only published figures go in: the same protected tables as the public page, so a report
can be handed to a ministry or printed without further review of its small counts.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from pathlib import Path

from homeward.statistics.charts import draw_year_chart
from homeward.statistics.choropleth import draw_measure_map
from homeward.statistics.fonts import reportlab_font
from homeward.statistics.labels import MEASURES, word
from homeward.statistics.provinces import province_name
from homeward.statistics.publication import MeasureFigures, PublishedStatistics

FORMATS = (".pdf", ".html")


class ReportFormatError(ValueError):
    """An output file that is neither .pdf nor .html."""


def _both(key: str, **values: object) -> str:
    return f"{word(key, 'en', **values)} / {word(key, 'zh', **values)}"


def _measure_both(measure: str) -> str:
    return f"{MEASURES[measure]['en']} / {MEASURES[measure]['zh']}"


def _province_both(code: str) -> str:
    return f"{province_name(code, 'en')} {province_name(code, 'zh')}"


def _rows(figures: MeasureFigures) -> list[list[str]]:
    """The table of one measure: header, one row per province, the totals row."""
    rows = [[_both("province"), *map(str, figures.years), _both("total")]]
    for code, cells, total in zip(figures.provinces, figures.cells, figures.by_province,
                                  strict=True):
        rows.append([_province_both(code), *(c.display for c in cells), total.display])
    rows.append([_both("total"), *(e.display for e in figures.by_year), figures.total.display])
    return rows


def _period_line(published: PublishedStatistics) -> str:
    period = published.tables.period
    return f"{_both('period')}: {period.start.isoformat()} – {period.end.isoformat()}"


def _note(published: PublishedStatistics) -> list[str]:
    k = published.min_cell
    return [word("note", "en", k1=k - 1), word("note", "zh", k1=k - 1),
            f"<{k}: {word('suppressed', 'en', k=k)}; {word('suppressed', 'zh', k=k)}"]


def report_html(published: PublishedStatistics) -> str:
    """A self-contained HTML page (images inline as PNG)."""
    def image(data: bytes, alt: str) -> str:
        encoded = base64.b64encode(data).decode("ascii")
        return f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt)}">'

    parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{html.escape(_both('title'))}</title>",
             "<style>body{font-family:sans-serif;max-width:60rem;margin:auto}"
             "table{border-collapse:collapse;font-size:.8rem}td,th{border:1px solid #ccc;"
             "padding:2px 6px;text-align:right}td:first-child{text-align:left}"
             "img{max-width:100%}</style></head><body>",
             f"<h1>{html.escape(_both('title'))}</h1>",
             f"<p>{html.escape(_period_line(published))}</p>", "<ul>"]
    for name, figures in published.measures.items():
        parts.append(f"<li>{html.escape(_measure_both(name))}: "
                     f"<b>{html.escape(figures.total.display)}</b></li>")
    parts.append("</ul>")
    for language in ("en", "zh"):
        parts.append(image(draw_measure_map(published, language=language, fmt="png"),
                           word("map_title", language)))
        parts.append(image(draw_year_chart(published, language=language, fmt="png"),
                           word("chart_title", language)))
    for name, figures in published.measures.items():
        parts.append(f"<h2>{html.escape(_measure_both(name))}</h2><table>")
        for n, row in enumerate(_rows(figures)):
            tag = "th" if n == 0 else "td"
            parts.append("<tr>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row)
                         + "</tr>")
        parts.append("</table>")
    parts += [f"<p>{html.escape(line)}</p>" for line in _note(published)]
    parts.append("</body></html>")
    return "\n".join(parts)


def report_pdf(published: PublishedStatistics) -> bytes:
    """An A4 landscape PDF with the shipped CJK font embedded (Chinese prints and copies):
    the figures, the map and chart in each language, one page per measure's table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    font = reportlab_font()
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13)
    heading = ParagraphStyle("heading", parent=body, fontSize=13, leading=18, spaceBefore=8)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=24)
    story: list = [Paragraph(html.escape(_both("title")), title),
                   Paragraph(html.escape(_period_line(published)), body), Spacer(1, 6)]
    for name, figures in published.measures.items():
        story.append(Paragraph(f"{html.escape(_measure_both(name))}: "
                               f"<b>{html.escape(figures.total.display)}</b>", body))
    page = landscape(A4)  # wide enough for a table of many years
    frame_width, frame_height = page[0] - 3 * cm, page[1] - 3 * cm
    for language in ("en", "zh"):
        for data, ratio in ((draw_measure_map(published, language=language, fmt="png"), 0.8),
                            (draw_year_chart(published, language=language, fmt="png"), 0.55)):
            width = min(frame_width, 0.95 * frame_height / ratio)
            story += [PageBreak(), Image(io.BytesIO(data), width=width, height=width * ratio,
                                         kind="proportional")]
    for name, figures in published.measures.items():
        story += [PageBreak(), Paragraph(html.escape(_measure_both(name)), heading)]
        table = Table(_rows(figures), repeatRows=1)
        table.setStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 7),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)])
        story.append(table)
    story += [Spacer(1, 8), *(Paragraph(html.escape(line), body) for line in _note(published))]
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=page, leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                                 topMargin=1.5 * cm, bottomMargin=1.5 * cm,
                                 title=_both("title"), author="Homeward",
                                 creator="homeward report")
    document.build(story)
    return out.getvalue()


def write_report(published: PublishedStatistics, out: Path) -> Path:
    """Write the report to ``out``; the suffix (.pdf or .html) chooses the format."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ReportFormatError(f"{out}: the report is written as .pdf or .html, "
                                f"not {suffix or 'a file without a suffix'}")
    if suffix == ".pdf":
        out.write_bytes(report_pdf(published))
    else:
        out.write_text(report_html(published), encoding="utf-8")
    return out


def parse_day(text: str, option: str) -> dt.date:
    """``2024-01-31`` -> a date, with a message naming the option otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{option} {text!r}: give a date as YYYY-MM-DD, "
                         "e.g. 2024-01-31") from None
