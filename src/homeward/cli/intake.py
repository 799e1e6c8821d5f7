"""``homeward intake ...``: news articles, microblog posts and feeds into structured leads."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from homeward.intake.documents import UnreadableItem

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Turn news articles, microblog posts and feeds into linked leads.")


def _report_problems(problems: list[UnreadableItem]) -> None:
    for problem in problems:
        print(f"skipped {problem.item}: {problem.reason}", file=sys.stderr)


def _store(store) -> dict:
    """Run ``store(session)`` in one transaction against the configured database."""
    from homeward.cli.registry import cli_actor, open_database
    from homeward.registry.db import session_scope
    from homeward.registry.migrate import upgrade

    engine, factory = open_database()
    upgrade(engine)
    with session_scope(factory) as session:
        summary = store(session, cli_actor())
    return summary.as_json()


@app.command("news")
def news_command(
    paths: Annotated[list[Path], typer.Argument(help="Article files (text or HTML) or folders.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    store: Annotated[bool, typer.Option("--store", help="Also keep them in the registry.")] = False,
) -> None:
    """Extract incidents and statistics from news articles, clustering the same incident."""
    from homeward.intake.pipeline import read_news

    _answer_news(read_news(paths), as_json=as_json, store_as="article" if store else None)


@app.command("feed")
def feed_command(
    location: Annotated[str, typer.Argument(help="An RSS or Atom feed: a URL or a file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Read a news feed's entries, extract incidents and statistics, and store them."""
    from homeward.intake.feeds import read_feed
    from homeward.intake.pipeline import read_documents

    _answer_news(read_documents(read_feed(location)), as_json=as_json, store_as="feed_entry")


def _answer_news(batch, *, as_json: bool, store_as: str | None) -> None:
    """Report problems, store when asked, print the document; exit 2 when nothing was read."""
    _report_problems(batch.problems)
    document = batch.as_json()
    if store_as:
        from homeward.intake.store import store_news

        document["stored"] = _store(lambda s, actor: store_news(s, batch, actor=actor,
                                                                kind=store_as))
    if as_json:
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        _print_news(document)
    if not batch.readings:
        raise typer.Exit(2)


@app.command("posts")
def posts_command(
    path: Annotated[Path, typer.Argument(help="Microblog posts as JSON Lines.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Read microblog posts (appeals, sightings, reposts), store them as leads and propose
    links to missing reports and found children."""
    from homeward.intake.posts import read_post_batch, read_posts
    from homeward.intake.store import store_posts

    try:
        posts, problems = read_posts(path)
    except UnreadableItem as problem:
        _report_problems([problem])
        raise typer.Exit(2) from None
    _report_problems(problems)
    readings = read_post_batch(posts)
    summary = _store(lambda s, actor: store_posts(s, readings, actor=actor, problems=problems))
    document = {"posts": [r.as_json() for r in readings], "stored": summary}
    if as_json:
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        kinds: dict[str, int] = {}
        for reading in readings:
            kinds[reading.kind] = kinds.get(reading.kind, 0) + 1
        print(f"{len(readings)} posts read: " +
              ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
        _print_summary(summary)
    if not posts:
        raise typer.Exit(2)


def _print_summary(summary: dict) -> None:
    print(f"stored {summary['stored']} new, {summary['already_stored']} already stored; "
          f"incidents {summary['incidents_created']} new, {summary['incidents_updated']} "
          f"updated; {summary['statistics']} statistics, {summary['leads']} leads, "
          f"{summary['links_proposed']} links proposed; {len(summary['problems'])} skipped")


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
    if "stored" in document and "problems" in document["stored"]:
        _print_summary(document["stored"])


@app.command("links")
def links_command(
    status: Annotated[str, typer.Option(help="proposed, accepted or rejected")] = "proposed",
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Proposed links from tips, posts and articles to reports, children and operations."""
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy import select

    from homeward.cli.registry import open_database
    from homeward.registry.db import session_scope
    from homeward.registry.models import LeadLink

    _, factory = open_database()
    table = Table(title=f"{status} links (best first)")
    for column in ("link", "from", "to", "score", "evidence"):
        table.add_column(column)
    with session_scope(factory) as session:
        for link in session.scalars(select(LeadLink).where(LeadLink.status == status)
                                    .order_by(LeadLink.score.desc()).limit(limit)):
            evidence = "; ".join(f"{k}: {v}" for k, v in link.evidence.items())
            table.add_row(str(link.id), f"{link.subject} {link.subject_id}",
                          f"{link.target} {link.target_id}", f"{link.score:.2f}", evidence)
    Console().print(table)


@app.command("decide")
def decide_command(
    link_id: Annotated[int, typer.Argument(help="The link's number (homeward intake links).")],
    decision: Annotated[str, typer.Argument(help="accept or reject")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log).")],
) -> None:
    """Accept or reject a proposed link (audited; a decided link stays decided)."""
    from homeward.cli.registry import cli_actor, open_database
    from homeward.intake.decisions import decide_link
    from homeward.registry.db import session_scope
    from homeward.registry.models import LeadLink
    from homeward.workflow.errors import RuleViolationError

    if decision not in ("accept", "reject"):
        raise typer.BadParameter("decision must be accept or reject")
    _, factory = open_database()
    with session_scope(factory) as session:
        link = session.get(LeadLink, link_id)
        if link is None:
            raise RuleViolationError(f"no link {link_id}")
        decide_link(session, link, accept=decision == "accept", actor=cli_actor(),
                    reason=reason)
        print(f"link {link_id} {link.status}")
