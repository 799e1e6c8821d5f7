"""The ``homeward`` command line: one command per main job.

Errors the user can fix (a bad file, an unknown locus, an illegal state change) print one
line naming the problem and exit with status 2; nothing else is printed to stderr.
"""

from __future__ import annotations

import sys

import typer

from homeward.cli import errors
from homeward.cli.batch import app as batch_app
from homeward.cli.demo import app as demo_app
from homeward.cli.exchange import app as exchange_app
from homeward.cli.intake import app as intake_app
from homeward.cli.investigations import app as investigations_app
from homeward.cli.kinship import app as kinship_app
from homeward.cli.registry import (
    adoption_eligible_command,
    audit_app,
    db_app,
    dna_gaps_command,
    export_app,
    import_app,
    status_command,
)
from homeward.cli.report import report_command
from homeward.cli.users import app as users_app
from homeward.cli.web import serve_command
from homeward.cli.worker import worker_command

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Homeward: bring trafficked and missing children home.")
app.add_typer(kinship_app, name="kinship")
app.add_typer(exchange_app, name="exchange")
app.add_typer(demo_app, name="demo")
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(audit_app, name="audit")
app.add_typer(intake_app, name="intake")
app.add_typer(investigations_app, name="investigations")
app.add_typer(users_app, name="users")
app.add_typer(batch_app, name="batch")
app.command("status")(status_command)
app.command("dna-gaps")(dna_gaps_command)
app.command("adoption-eligible")(adoption_eligible_command)
app.command("serve")(serve_command)
app.command("worker")(worker_command)
app.command("report")(report_command)


def main() -> None:
    try:
        result = app(standalone_mode=False)
        if isinstance(result, int) and result:
            sys.exit(result)  # typer.Exit(code) is returned, not raised, here
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except errors.user_errors() as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except (typer.BadParameter, typer.Abort) as error:  # pragma: no cover
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
    except Exception as error:  # click usage errors
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(2)
        raise


__all__ = ["app", "main"]
