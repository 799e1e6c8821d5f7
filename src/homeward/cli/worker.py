"""``homeward worker``: deliver geo-targeted alerts (outbox, retries, radius steps).

The queue is the database itself (alerts/queue.py says why): start as many workers as
needed, on one machine or several; leases and idempotency keys keep each subscriber at
one message per alert version, also across a crash and restart. SIGTERM or Ctrl-C stops
a worker after the message in flight.
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Annotated

import typer


def worker_command(
    once: Annotated[bool, typer.Option(help="One pass, then exit (cron, tests).")] = False,
    poll_seconds: Annotated[float, typer.Option(
        help="Wait between passes that found nothing to do.")] = 1.0,
    name: Annotated[str | None, typer.Option(
        help="Name of this worker in leases (default host:pid).")] = None,
) -> None:
    """Send alerts: widen radii on schedule, fan out, deliver with retries."""
    from homeward.alerts.worker import Worker
    from homeward.cli.registry import open_database
    from homeward.config import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # no line per partner URL
    _, factory = open_database()
    worker = Worker(factory, get_settings(), name=name)
    if once:
        result = worker.run_once()
        typer.echo(f"widened {result.widened}, addressed {result.fanned_out}, sent "
                   f"{result.sent}, failed {result.failed}, dead-lettered {result.dead}, "
                   f"cancelled {result.cancelled}")
        return
    stop = threading.Event()

    def on_signal(*_: object) -> None:
        # Never Event.set() in the handler itself: the handler runs on the main thread,
        # which may hold the Event's lock inside stop.wait(), and would wait for itself.
        threading.Thread(target=stop.set, daemon=True).start()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    logging.getLogger(__name__).info("alert worker %s started", worker.name)
    worker.run(stop, poll_seconds=poll_seconds)
