"""``homeward intake ...``: news articles, microblog posts and feeds into structured leads."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from homeward.intake.pipeline import read_news

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Turn news articles, microblog posts and feeds into linked leads.")


def _report_problems(problems) -> None:
    for problem in problems:
        print(f"skipped {problem.item}: {problem.reason}", file=sys.stderr)


@app.command("news")
def news_command(
    paths: list[Path] = typer.Argument(..., help="Article files (text or HTML) or folders."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Extract incidents and statistics from news articles, clustering the same incident."""
    batch = read_news(paths)
    _report_problems(batch.problems)
    document = batch.as_json()
    if as_json:
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_news(document)
    if not batch.readings:
        raise typer.Exit(2)


def _print_news(document: dict) -> None:
    for number, incident in enumerate(document["incidents"], start=1):
        print(f"Incident {number} ({incident['date'] or 'date unknown'}): "
              f"{', '.join(incident['articles'])}")
        for name in ("children_rescued", "women_rescued", "suspects_detained", "officers",
                     "provinces_involved"):
            if incident[name] is not None:
                print(f"  {name.replace('_', ' ')}: {incident[name]}")
        if incident["places"]:
            print(f"  places: {', '.join(incident['places'])}")
        for route in incident["routes"]:
            print(f"  route: {route['from']} -> {route['to']}")
        if incident["price_yuan"]:
            print(f"  price (yuan): {incident['price_yuan']}")
        for conflict in incident["conflicts"]:
            print(f"  conflict in {conflict['field']}: {conflict['values']}")
    for statistic in document["statistics"]:
        print(f"Statistic ({statistic['period']}): {statistic['text']}")
