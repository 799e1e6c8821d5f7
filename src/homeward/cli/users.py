"""``homeward users ...``: accounts from the server's shell (the first administrator, too).

Whoever runs these holds the server and its keys, so no second approval is asked; every
change is still written to the audit chain with the login name (``cli:NAME``). Passwords
are read from standard input (``--password-stdin``) or asked for without echo, never
taken as an argument that would stay in the shell history.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from homeward.cli.registry import cli_actor, open_database

app = typer.Typer(no_args_is_help=True, help="Create, list and deactivate accounts.")
console = Console()

PasswordStdin = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the password from standard input (first line).")]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@app.command("create")
def create_command(
    username: str,
    role: Annotated[str, typer.Option(help="administrator, police, lab_analyst, reviewer, "
                                           "care_staff or volunteer.")],
    jurisdiction: Annotated[str | None, typer.Option(
        help="Province code (53), or 'national' for the ministry's desk.")] = None,
    institution: Annotated[str | None, typer.Option(help="Care staff's institution.")] = None,
    display_name: Annotated[str | None, typer.Option(help="Shown on pages.")] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an account with its role at once (no second approval from the shell)."""
    from homeward.registry.db import session_scope
    from homeward.workflow.accounts import create_user

    password = _password(password_stdin)
    _, factory = open_database()
    with session_scope(factory) as session:
        account, _ = create_user(session, actor=cli_actor(), username=username,
                                 display_name=display_name or username, role=role,
                                 password=password, jurisdiction=jurisdiction,
                                 institution=institution, four_eyes=False)
        summary = f"created {account.username} ({account.role}"
        summary += f", {account.jurisdiction})" if account.jurisdiction else ")"
    console.print(summary)


@app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every account with its role, jurisdiction, institution and whether it is active."""
    from homeward.registry.db import session_scope
    from homeward.workflow.accounts import list_users

    _, factory = open_database()
    with session_scope(factory) as session:
        rows = [{"username": u.username, "display_name": u.display_name, "role": u.role,
                 "jurisdiction": u.jurisdiction, "institution": u.institution,
                 "active": u.active} for u in list_users(session)]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title="Homeward accounts")
    for column in ("user name", "name", "role", "jurisdiction", "institution", "active"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["username"], row["display_name"], row["role"],
                      row["jurisdiction"] or "", row["institution"] or "",
                      "yes" if row["active"] else "no")
    console.print(table)


@app.command("deactivate")
def deactivate_command(username: str) -> None:
    """Deactivate an account: every session of it ends at once."""
    from homeward.registry.db import session_scope
    from homeward.workflow.accounts import find_user, set_active

    _, factory = open_database()
    with session_scope(factory) as session:
        set_active(session, actor=cli_actor(), account=find_user(session, username),
                   active=False)
    console.print(f"deactivated {username}")


@app.command("reset-password")
def reset_password_command(username: str, password_stdin: PasswordStdin = False) -> None:
    """Set a new password (the owner forgot it): every session of the account ends."""
    from homeward.registry.db import session_scope
    from homeward.workflow.accounts import find_user, reset_password

    password = _password(password_stdin)
    _, factory = open_database()
    with session_scope(factory) as session:
        reset_password(session, actor=cli_actor(), account=find_user(session, username),
                       password=password)
    console.print(f"password of {username} reset")
