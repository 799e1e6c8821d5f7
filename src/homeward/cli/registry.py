"""Registry commands: ``db``, ``status``, ``import``, ``export``, ``audit``, ``dna-gaps``."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

console = Console()
db_app = typer.Typer(no_args_is_help=True, help="Create or migrate the database.")
import_app = typer.Typer(no_args_is_help=True, help="Import profiles, cases or PFIF records.")
export_app = typer.Typer(no_args_is_help=True, help="Export PFIF records.")
audit_app = typer.Typer(no_args_is_help=True,
                        help="The keyed, checkpointed audit log.")


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # pragma: no cover - no login name in some containers
        return "cli"


def open_database():
    """Engine and session factory for the configured database (migrated to head)."""
    from homeward.registry.db import make_engine, make_session_factory

    engine = make_engine()
    return engine, make_session_factory(engine)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Create the database, or migrate it, to the newest schema."""
    from homeward.registry.migrate import upgrade

    engine, _ = open_database()
    upgrade(engine, revision)
    console.print(f"database at {engine.url.render_as_string(hide_password=True)} "
                  f"is at revision {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()] = "base") -> None:
    from homeward.registry.migrate import downgrade

    engine, _ = open_database()
    downgrade(engine, revision)
    console.print(f"database downgraded to {revision}")


def status_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Key figures of the registry."""
    from homeward.registry.db import session_scope
    from homeward.workflow.status import registry_status

    _, factory = open_database()
    with session_scope(factory) as session:
        figures = registry_status(session)
    if as_json:
        print(json.dumps(figures))
        return
    table = Table(title="Homeward registry")
    table.add_column("figure")
    table.add_column("count", justify="right")
    for key, value in figures.items():
        table.add_row(key.replace("_", " "), f"{value:,}")
    console.print(table)


def _run_import(kind: str, path: Path, match: bool = True, strict: bool = False) -> None:
    from homeward.registry.db import session_scope
    from homeward.security.crypto import ProfileCipher
    from homeward.workflow.exchange import import_pfif
    from homeward.workflow.imports import import_cases, import_profiles

    _, factory = open_database()
    with session_scope(factory) as session:
        if kind == "profiles":
            report = import_profiles(session, path, actor=cli_actor(),
                                     cipher=ProfileCipher.from_settings(), match=match)
        elif kind == "pfif":
            report = import_pfif(session, path, actor=cli_actor(), strict=strict)
        else:
            report = import_cases(session, path, actor=cli_actor())
    console.print(report.summary(), markup=False, highlight=False, soft_wrap=True)


@import_app.command("profiles")
def import_profiles_command(
    path: Path,
    match: Annotated[bool, typer.Option("--match/--no-match",
                                        help="Run automatic matching after import.")] = True,
) -> None:
    """Import lab profiles for registered specimens (atomic, idempotent)."""
    _run_import("profiles", path, match)


@import_app.command("pfif")
def import_pfif_command(
    path: Path,
    strict: Annotated[bool, typer.Option(
        "--strict", help="All or nothing: any record the PFIF specification calls "
                         "invalid stores nothing.")] = False,
) -> None:
    """Import PFIF 1.1-1.4 person and note records (idempotent).

    Usable records are written and each unusable one is skipped with its number and
    reason, as Person Finder's importer does; prints written / skipped / total.
    """
    _run_import("pfif", path, strict=strict)


@import_app.command("cases")
def import_cases_command(path: Path) -> None:
    """Import missing reports and found children from CSV (atomic, idempotent)."""
    _run_import("cases", path)


@export_app.command("pfif")
def export_pfif_command(path: Path) -> None:
    """Export missing reports and notes as PFIF 1.4 (contact details left out)."""
    from homeward.registry.db import session_scope
    from homeward.workflow.exchange import export_pfif

    _, factory = open_database()
    with session_scope(factory) as session:
        count = export_pfif(session, path, actor=cli_actor())
    console.print(f"{count} persons written to {path}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit chain and its signed checkpoints: exit 0 when intact, 1 naming the
    first broken event."""
    from homeward.registry.audit import verify_chain
    from homeward.registry.db import session_scope

    _, factory = open_database()
    with session_scope(factory) as session:
        report = verify_chain(session)
    if report.ok:
        console.print(f"audit chain intact: {report.events_checked:,} events, "
                      f"{report.checkpoints_checked:,} signed checkpoints")
        if report.note:
            console.print(f"note: {report.note}")
        return
    where = (f"at event {report.first_broken_seq}" if report.first_broken_seq is not None
             else "in its checkpoints")
    print(f"audit chain broken {where}: {report.problem} "
          f"({report.events_checked:,} events verified before it)")
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Verify the chain, then append a signed checkpoint of its head (run it from cron)."""
    from homeward.registry.audit import AuditChainError, checkpoint
    from homeward.registry.db import session_scope

    _, factory = open_database()
    try:
        with session_scope(factory) as session:
            mark = checkpoint(session)
    except AuditChainError as error:
        print(error)
        raise typer.Exit(1) from None
    if mark is None:
        console.print("the audit chain is empty: nothing to checkpoint")
        return
    console.print(f"checkpoint of event {mark.seq:,} signed at {mark.at}")


@audit_app.command("rekey")
def audit_rekey(
    old_key_file: Annotated[Path | None, typer.Option(
        help="The chain key the events are hashed with now (rotation).")] = None,
    unkeyed: Annotated[bool, typer.Option(
        "--unkeyed", help="The events carry plain SHA-256 hashes (before keying).")] = False,
) -> None:
    """Verify the chain under its old key, re-hash it under the configured one, record
    the re-keying and checkpoint the result."""
    from homeward.config import get_settings
    from homeward.registry.audit import AuditChainError, checkpoint, rekey_chain
    from homeward.registry.db import session_scope
    from homeward.security.audit_keys import AuditKeys, current_audit_keys

    if unkeyed == (old_key_file is not None):
        print("give exactly one of --old-key-file PATH and --unkeyed")
        raise typer.Exit(2)
    old = None
    if old_key_file is not None:
        if not old_key_file.exists():
            print(f"no key file at {old_key_file}")
            raise typer.Exit(2)
        old = AuditKeys.from_settings(get_settings().model_copy(
            update={"audit_key": None, "audit_key_file": old_key_file}))
    new = current_audit_keys()
    _, factory = open_database()
    try:
        with session_scope(factory) as session:
            count = rekey_chain(session, new, old, actor=cli_actor())
        with session_scope(factory) as session:
            checkpoint(session, new)
    except AuditChainError as error:
        print(error)
        raise typer.Exit(1) from None
    console.print(f"{count:,} events re-keyed under key {new.key_id}")


def dna_gaps_command(
    limit: Annotated[int, typer.Option("--limit")] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Open reports: who gave DNA, and who could still give it (expected gain)."""
    from homeward.registry.db import session_scope
    from homeward.workflow.dna_gaps import dna_gaps

    _, factory = open_database()
    with session_scope(factory) as session:
        gaps = dna_gaps(session, limit=limit)
    if as_json:
        print(json.dumps([{**g.__dict__, "suggestions": [s.__dict__ for s in g.suggestions]}
                          for g in gaps]))
        return
    table = Table(title="Who still needs to give DNA (expected log10 LR of a true match, "
                        "exclusion power, on each family's pedigree)")
    for column in ("report", "typed", "now", "best next sample"):
        table.add_column(column)
    for gap in gaps:
        best = gap.suggestions[0] if gap.suggestions else None
        table.add_row(gap.external_id, ", ".join(gap.typed) or "nobody",
                      "-" if gap.current_expected_log10_lr is None
                      else f"{gap.current_expected_log10_lr:.1f}, "
                           f"EP {gap.current_exclusion_power or 0.0:.3f}",
                      f"{best.relative}: {best.expected_log10_lr:.1f} (+{best.gain:.1f}), "
                      f"EP {best.expected_exclusion_power:.3f}"
                      if best else "strongest configuration already")
    console.print(table)


def adoption_eligible_command(
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Mark children unmatched for HOMEWARD_ADOPTION_ELIGIBLE_MONTHS adoption-eligible (run
    daily); they stay in every DNA search."""
    import datetime as dt

    from homeward.registry.db import session_scope
    from homeward.workflow.adoption import mark_adoption_eligible

    _, factory = open_database()
    with session_scope(factory) as session:
        marked = [c.external_id for c in mark_adoption_eligible(
            session, today=dt.date.today(), actor="cli:adoption-eligible")]
    print(json.dumps(marked) if as_json else f"{len(marked)} children now adoption-eligible")
