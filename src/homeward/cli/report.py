"""``homeward report``: the bilingual statistics report of a period (PDF or HTML).

The figures are the protected ones of the public page (homeward.statistics): small
counts, and those from which they could be worked out, are shown as ``<11``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer


def report_command(
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD.")],
    out: Annotated[Path, typer.Option("--out", help="report.pdf or report.html")],
) -> None:
    """Write the figures, map and chart of a period, in English and Chinese."""
    from rich.console import Console

    from homeward.cli.registry import open_database
    from homeward.config import get_settings
    from homeward.registry.db import session_scope
    from homeward.statistics.publication import publish
    from homeward.statistics.report import FORMATS, parse_day, write_report
    from homeward.statistics.tables import Period, registry_tables

    try:
        period = Period(parse_day(start, "--from"), parse_day(end, "--to"))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    if out.suffix.lower() not in FORMATS:
        raise typer.BadParameter(f"--out {out}: write the report as .pdf or .html")
    if not out.parent.is_dir():
        raise typer.BadParameter(f"--out {out}: the folder {out.parent} does not exist")
    console = Console(stderr=True)
    with console.status("counting and protecting the figures"):
        _, factory = open_database()
        with session_scope(factory) as session:
            published = publish(registry_tables(session, period),
                                get_settings().statistics_min_cell)
    with console.status(f"drawing the map and chart, writing {out}"):
        write_report(published, out)
    print(f"wrote {out} ({out.stat().st_size:,} bytes), {period.start} to {period.end}",
          file=sys.stdout)
