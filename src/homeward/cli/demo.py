"""``homeward demo ...``: see Homeward working on synthetic data."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(no_args_is_help=True, help="Demonstrations on synthetic, seeded data.")
console = Console()


@app.command("kinship")
def kinship_demo(
    families: Annotated[int, typer.Option(help="Families who lost a child.")] = 3000,
    unrelated: Annotated[int, typer.Option(help="Other reference profiles.")] = 50_000,
    rescued: Annotated[int, typer.Option(help="Rescued children searched.")] = 200,
    seed: Annotated[int, typer.Option()] = 2026,
) -> None:
    """Simulate a population, search rescued children against parents, report."""
    from homeward.demo.kinship_demo import run_kinship_demo

    console.print("[bold]Homeward kinship demo[/bold]: simulating families on 23 loci "
                  "(Chinese standard frequencies, theta 0.01, stepwise mutations)...")
    outcomes, summary = run_kinship_demo(families=families, unrelated=unrelated,
                                         rescued=rescued, seed=seed)
    table = Table(title="First 15 searches (duo: best single parent; couple: best couple)")
    for column in ("child", "true family", "top reference", "log10 LR", "couple log10 LR",
                   "reunited?"):
        table.add_column(column)
    for o in outcomes[:12] + [o for o in outcomes if o.true_family is None][:3]:
        table.add_row(o.child, o.true_family or "none on record", o.top_reference or "-",
                      f"{o.top_log10_lr:.2f}",
                      "-" if o.couple_log10_lr is None else f"{o.couple_log10_lr:.2f}",
                      "[green]match[/green]" if o.found else "[yellow]no match[/yellow]")
    console.print(table)
    console.print(
        f"{summary['references']:,} reference profiles, {summary['couples']:,} couples; "
        f"index built in {summary['index_build_s']:.1f} s; median search "
        f"{summary['median_search_ms']:.1f} ms (duo + couple).")
    console.print(
        f"{summary['found']} of {summary['rescued_children']} rescued children matched at "
        f"LR >= {summary['threshold']:,.0f}; {summary['families_with_parent_dna']} of them "
        f"had at least one parent on record. False hits above the threshold: "
        f"{summary['false_hits_above_threshold']} (including {summary['street_children']} "
        "street children with no family on record).")
    console.print("Children whose parents never gave DNA cannot be found: collecting "
                  "parents' DNA matters as much as the search itself.")


@app.command("seed")
def seed_command(
    seed: Annotated[int, typer.Option(help="Random seed of the data set.")] = 2026,
    reports: Annotated[int, typer.Option(help="Missing reports.")] = 2000,
    found: Annotated[int, typer.Option(help="Found and rescued children.")] = 1500,
) -> None:
    """Fill an empty database with the synthetic national data set (idempotent)."""
    from homeward.cli.registry import open_database
    from homeward.demo.seed import seed_demo
    from homeward.investigations.build import build_graph
    from homeward.registry.db import session_scope

    _, factory = open_database()
    with session_scope(factory) as session:
        summary = seed_demo(session, seed=seed, reports=reports, found=found)
    if summary.already_seeded:
        console.print("the database already holds data: nothing changed")
        return
    console.print(f"seeded {summary.reports:,} missing reports, {summary.found_children:,} "
                  f"found children, {summary.profiles:,} DNA profiles; automatic matching "
                  f"made {summary.matches:,} match candidates; {summary.reunited} reunited")
    with session_scope(factory) as session:  # what police see on /investigations
        built = build_graph(session, actor="demo", full=True)
    console.print(f"investigations graph: {built.nodes:,} nodes and {built.edges:,} edges")


@app.command("alert")
def alert_command(
    receiver_url: Annotated[str, typer.Option(
        help="The local webhook receiver of the demo partner app.")] = "http://127.0.0.1:8025",
) -> None:
    """Publish the demo geo-alert (radius widening every minute) with its subscribers."""
    from homeward.alerts.signing import link_key
    from homeward.cli.registry import open_database
    from homeward.config import get_settings
    from homeward.demo.alerts_seed import seed_demo_alert
    from homeward.registry.db import session_scope

    _, factory = open_database()
    with session_scope(factory) as session:
        demo = seed_demo_alert(session, key=link_key(get_settings()), receiver_url=receiver_url)
    if demo.already:
        console.print("a geo-alert exists already: nothing changed")
    elif demo.alert_id is None:
        console.print("no Yunnan case to alert for: run `homeward demo seed` first")
    else:
        console.print(f"geo-alert {demo.alert_id} for case {demo.report_id}: "
                      f"{demo.subscribers} subscribers; radius 100, 200, 300, 500 km at 0, 1, "
                      f"2, 3 minutes. The partner app's page: {demo.partner_manage_path}")


@app.command("webhook-receiver")
def webhook_receiver_command(
    port: Annotated[int, typer.Option(help="Port to listen on (127.0.0.1).")] = 8025,
) -> None:
    """A partner app's webhook: verifies each signed alert, refuses replays, prints it."""
    import threading

    from homeward.alerts.receiver import Received, WebhookReceiver
    from homeward.alerts.signing import link_key, webhook_secret
    from homeward.cli.registry import open_database
    from homeward.config import get_settings
    from homeward.registry.models import AlertChannel

    _, factory = open_database()
    key = link_key(get_settings())

    def secret_for(path: str) -> str | None:
        with factory() as session:
            for channel in session.query(AlertChannel).filter_by(kind="webhook"):
                if (channel.address or "").endswith(path):
                    return webhook_secret(key, channel.id, channel.subscriber.link_nonce)
        return None

    def show(item: Received) -> None:
        console.print(f"webhook receiver: alert {item.payload['alert_id']} version "
                      f"{item.payload['version']} ({item.payload['kind']}) verified, key "
                      f"{item.key}")

    receiver = WebhookReceiver(secret_for, port=port, on_accept=show).start()
    console.print(f"webhook receiver at {receiver.url}/hook (signatures verified)")
    threading.Event().wait()
