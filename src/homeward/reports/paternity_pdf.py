"""The bilingual (Chinese/English) paternity report as a PDF.

Laid out as a paternity laboratory issues it under GB/T 37223-2018: the case, the samples
and their chain of custody, the locus table with the PI of each locus, the cumulative PI,
the relative chance of paternity, the conclusion, the analysts and the reviewer. Chinese
is set in Adobe's STSong-Light (reportlab's built-in CID font, encoding UniGB-UCS2-H),
which every PDF reader with Chinese support renders and which needs no font file.
"""

from __future__ import annotations

import math
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from homeward.kinship.gbt37223 import GBT37223, SUPPORT_CPI
from homeward.workflow.lab_report import Comparison, PaternityReportData

FONT = "STSong-Light"
ROLE_ZH = {"child": "孩子", "alleged father": "被检父亲", "alleged mother": "被检母亲"}
CONCLUSION_TEXT = {
    "supports": ("支持{who}是孩子的生物学亲代。",
                 "The results support that {who} is a biological parent of the child."),
    "excludes": ("支持{who}不是孩子的生物学亲代。",
                 "The results support that {who} is not a biological parent of the child."),
    "inconclusive": ("累计亲权指数未达到出具鉴定意见的标准，需增加检测的遗传标记。",
                     "Inconclusive: the cumulative PI meets neither threshold; more loci "
                     "must be typed."),
}


def _styles() -> dict[str, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22,
                                alignment=1),
        "subtitle": ParagraphStyle("subtitle", fontName=FONT, fontSize=10, leading=14,
                                   alignment=1),
        "heading": ParagraphStyle("heading", fontName=FONT, fontSize=11, leading=16,
                                  spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=10),
    }


def _number(value: float) -> str:
    if value == math.inf:
        return "inf"
    return f"{value:.4g}" if 1e-3 <= value < 1e5 else f"{value:.4e}"


def _percent(value: float) -> str:
    return "> 99.999999%" if value > 0.99999999 else f"{value:.6%}"


def _table(rows: list[list[object]], widths: list[float], header_rows: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _role(role: str) -> str:
    zh = ROLE_ZH.get(role) or ("复检样本" if role.startswith("second sample") else role)
    return f"{zh} / {role}"


def _comparison_lines(comparison: Comparison, s: dict[str, ParagraphStyle]) -> list:
    standard = comparison.standard
    who = f"{comparison.alleged_specimen}"
    zh, en = CONCLUSION_TEXT[standard.conclusion]
    return [
        Paragraph(f"{comparison.alleged_specimen}（{_role(comparison.alleged_role)}）", s["body"]),
        Paragraph(f"累计亲权指数 / Cumulative paternity index (CPI): "
                  f"{_number(standard.cpi)}", s["body"]),
        Paragraph(f"父权相对机会 / Relative chance of paternity (RCP): "
                  f"{_percent(standard.rcp)}", s["body"]),
        Paragraph(f"不符合遗传规律的基因座 / Inconsistent loci: {standard.inconsistent_loci}"
                  f"；检测基因座 / loci compared: {len(standard.loci)}", s["body"]),
        Paragraph(f"鉴定意见 / Conclusion: {zh.format(who=who)} {en.format(who=who)}",
                  s["body"]),
        Spacer(1, 4),
    ]


def render_paternity_report(data: PaternityReportData, out: str | Path) -> Path:
    """Write the report of ``data`` to ``out`` (a PDF) and return its path."""
    out = Path(out)
    s = _styles()
    story: list = [
        Paragraph("亲权鉴定报告", s["title"]),
        Paragraph("Paternity Testing Report", s["title"]),
        Paragraph(f"依据 {GBT37223}《亲权鉴定技术规范》 / Under {GBT37223}, "
                  "Specification of parentage testing", s["subtitle"]),
        Paragraph("一、案件信息 / Case", s["heading"]),
    ]
    case_rows = [
        ["匹配编号 / Match", str(data.match_id)],
        ["案件 / Case (missing report)", data.case_reference],
        ["孩子 / Child (found child)", data.child_reference],
        ["检验关系 / Relationship tested", data.relationship],
        ["状态 / Match state", data.state],
        ["出具日期 / Issued on", data.issued_on.isoformat()],
        ["出具人 / Issued by", data.issued_by],
    ]
    story.append(_table(case_rows, [60 * mm, 110 * mm], header_rows=0))
    story.append(Paragraph("二、样本及保管链 / Samples and chain of custody", s["heading"]))
    sample_rows: list[list[object]] = [["样本编号 / Specimen", "身份 / Role", "被鉴定人 / Person",
                                        "采集 / Collected", "实验室 / Lab", "同意 / Consent"]]
    for sample in data.samples:
        sample_rows.append([
            sample.specimen_id, Paragraph(_role(sample.role), s["cell"]),
            Paragraph(sample.person, s["cell"]),
            Paragraph(f"{sample.collected_by}, {sample.collected_at:%Y-%m-%d %H:%M}",
                      s["cell"]),
            Paragraph(sample.lab or "-", s["cell"]), Paragraph(sample.consent_by or "-",
                                                               s["cell"])])
    story.append(_table(sample_rows, [30 * mm, 30 * mm, 34 * mm, 34 * mm, 22 * mm, 20 * mm]))
    custody_rows: list[list[object]] = [["样本编号 / Specimen", "时间 / Time", "环节 / Step",
                                         "经手人 / By", "地点与备注 / Place, note"]]
    for sample in data.samples:
        for step in sample.custody:
            custody_rows.append([
                sample.specimen_id, f"{step.at:%Y-%m-%d %H:%M}", step.action, step.actor,
                Paragraph(" ".join(x for x in (step.location, step.note) if x) or "-",
                          s["cell"])])
    story += [Spacer(1, 4), _table(custody_rows, [30 * mm, 28 * mm, 22 * mm, 30 * mm,
                                                  60 * mm])]
    story.append(Paragraph("三、检测结果 / Locus table", s["heading"]))
    specimens = list(data.profiles)
    header: list[object] = ["基因座 / Locus", *specimens,
                            *(f"PI {c.alleged_specimen}" for c in data.comparisons)]
    locus_rows: list[list[object]] = [header]
    for locus in data.loci:
        row: list[object] = [locus]
        row += ["/".join(g) if (g := data.profiles[sp].genotypes.get(locus)) else "-"
                for sp in specimens]
        for comparison in data.comparisons:
            entry = comparison.standard.loci.get(locus)
            row.append("-" if entry is None else
                       _number(entry.pi) + (" *" if entry.inconsistent else ""))
        locus_rows.append(row)
    width = 170 * mm / len(header)
    story.append(_table(locus_rows, [width] * len(header)))
    story.append(Paragraph("* 不符合遗传规律的基因座，按突变步数公式计算亲权指数 / inconsistent "
                           "locus: PI by the standard's mutation step formula", s["cell"]))
    story.append(Paragraph("四、结果与鉴定意见 / Results and conclusion", s["heading"]))
    for comparison in data.comparisons:
        story += _comparison_lines(comparison, s)
    rate = data.comparisons[0].standard.mutation_rate if data.comparisons else None
    story.append(Paragraph(
        f"判定标准 / Rule: CPI ≥ {SUPPORT_CPI:,.0f} 支持 / supports; 等位基因频率 / allele "
        f"frequencies: {data.frequency_table}; 突变率 / mutation rate μ = {rate}; "
        "父权相对机会按先验概率0.5计算 / RCP at a prior of 0.5.", s["cell"]))
    story.append(Paragraph("五、鉴定人与复核人 / Analyst and reviewer", s["heading"]))
    people = [["检验人 / Analyst", ", ".join(data.analysts) or "-"],
              ["复核人 / Reviewer", data.reviewer],
              ["复核意见 / Review", Paragraph(data.review_reason or "-", s["cell"])]]
    story.append(_table(people, [60 * mm, 110 * mm], header_rows=0))
    document = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm,
                                 rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
                                 title=f"Paternity report, match {data.match_id}",
                                 author="Homeward")
    document.build(story)
    return out
