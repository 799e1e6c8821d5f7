"""``homeward serve``: the web application and API on one address."""

from __future__ import annotations

from typing import Annotated

import typer


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    show_demo_accounts: Annotated[bool, typer.Option(
        help="Print the demo accounts first (for ./run.sh demo).")] = False,
) -> None:
    """Serve the web application (pages and /api/v1) with uvicorn."""
    import uvicorn

    from homeward.registry.db import make_engine
    from homeward.registry.migrate import upgrade

    upgrade(make_engine())
    if show_demo_accounts:
        from homeward.demo.seed import DEMO_PASSWORD, DEMO_USERS

        typer.echo(f"Homeward is at http://{host}:{port}  (API: /api/v1, document: "
                   "/openapi.json)\nDemo accounts, all with the password "
                   f"{DEMO_PASSWORD!r}:")
        for username, display, role, *_ in DEMO_USERS:
            typer.echo(f"  {username:<16} {role:<14} {display}")
    uvicorn.run("homeward.web.main:app", host=host, port=port, workers=workers,
                log_level="info", access_log=False, proxy_headers=False)
