"""Alerts at scale: choosing the subscribers of one alert, and the worker's delivery rate.

1. In memory: N subscriber locations (default 10,000,000), scattered around the 3,218
   places of the gazetteer (counties weigh alike; Gaussian scatter of 0.3 degrees), so
   density follows settlement. For each radius step (100, 200, 300, 500 km around
   Kunming) the k-d tree on the unit sphere (alerts/spatial.py) is timed against a
   brute-force haversine over every location, in the same run; both must return the
   same ids.
2. PostgreSQL: M locations (default 1,000,000: loading 10M rows and their index takes
   minutes on a shared two-core machine; ``--pg-rows`` sets it) in a fresh schema
   migrated with Alembic. What the worker runs (the circle's cells on the indexed
   ``cell`` column, exact haversine for the cut cells only; alerts/spatial.py) against
   the box prefilter on the (latitude, longitude) index and a full-scan haversine.
3. Worker throughput on SQLite: K webhook subscribers to a local receiver that verifies
   every signature, and K e-mail subscribers to a local SMTP server (aiosmtpd).

Prints a table and a final JSON line (keys ending in ``_ms``; ``select_*_ms`` per step).
Usage: ``python benchmarks/alerts.py [--locations 10000000] [--pg-rows 1000000]
[--messages 1000]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import io
import json
import os
import socket
import statistics
import tempfile
import time
import uuid

import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from homeward.alerts.channels import SmtpSender, WebhookSender
from homeward.alerts.geo import EARTH_RADIUS_KM, bounding_box, cell_key
from homeward.alerts.receiver import WebhookReceiver
from homeward.alerts.signing import link_key, webhook_secret
from homeward.alerts.spatial import (
    CellIndex,
    LocationIndex,
    brute_force_within,
    subscribers_within,
)
from homeward.alerts.subscriptions import ChannelIn, PlaceIn, subscribe
from homeward.alerts.worker import Worker
from homeward.config import Settings
from homeward.registry.db import make_engine, make_session_factory
from homeward.registry.gazetteer import places
from homeward.registry.migrate import upgrade
from homeward.registry.models import AlertChannel, MissingReport
from homeward.workflow.alerts import publish_alert

RADII_KM = (100, 200, 300, 500)
KUNMING = (24.880095, 102.832891)
POSTGRES_URL = os.environ.get("HOMEWARD_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
console = Console()


def locations(n: int, seed: int = 2026) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.array([(p.latitude, p.longitude) for p in places().values()])
    pick = rng.integers(0, len(centres), n)
    lat = centres[pick, 0] + rng.normal(0, 0.3, n)
    lon = centres[pick, 1] + rng.normal(0, 0.3, n)
    return np.clip(lat, 3.8, 53.6), np.clip(lon, 73.5, 135.1)


def best_ms(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), result


def in_memory(n: int, out: dict, rows: list) -> None:
    lat, lon = locations(n)
    start = time.perf_counter()
    cells = CellIndex(lat, lon)
    out["cell_index_build_ms"] = (time.perf_counter() - start) * 1000
    rows.append(("memory", f"cell grid build, {n:,} locations", "",
                 out["cell_index_build_ms"]))
    start = time.perf_counter()
    tree = LocationIndex(lat, lon)
    out["index_build_ms"] = (time.perf_counter() - start) * 1000
    rows.append(("memory", f"k-d tree build, {n:,} locations", "", out["index_build_ms"]))
    for radius in RADII_KM:
        cell_ms, found = best_ms(lambda r=radius: cells.within(*KUNMING, r), 5)
        tree_ms, in_tree = best_ms(lambda r=radius: tree.within(*KUNMING, r), 5)
        brute_ms, brute = best_ms(lambda r=radius: brute_force_within(lat, lon, *KUNMING, r), 2)
        assert np.array_equal(np.sort(found), brute), f"grid and brute force differ at {radius}"
        assert np.array_equal(np.sort(in_tree), brute), f"tree and brute force differ at {radius}"
        out[f"select_{radius}km_ms"] = cell_ms
        out[f"select_{radius}km_kd_tree_ms"] = tree_ms
        out[f"select_{radius}km_brute_force_ms"] = brute_ms
        rows.append(("memory", f"{radius} km: cell grid", f"{len(found):,}", cell_ms))
        rows.append(("memory", f"{radius} km: k-d tree", f"{len(in_tree):,}", tree_ms))
        rows.append(("memory", f"{radius} km: brute-force haversine", f"{len(brute):,}",
                     brute_ms))


def on_postgres(m: int, out: dict, rows: list) -> None:
    admin = create_engine(POSTGRES_URL)
    schema = f"hw_bench_{uuid.uuid4().hex[:8]}"
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        lat, lon = locations(m, seed=7)
        start = time.perf_counter()
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy("COPY alert_subscribers (id, kind, language, link_nonce, active, "
                             "created_at) FROM STDIN") as copy:
                for i in range(1, m + 1):
                    copy.write_row((i, "public", "en", "0" * 32, True, "2026-01-01"))
            buffer = io.StringIO()
            lat, lon = np.round(lat, 6), np.round(lon, 6)  # as written, so as stored
            cells = cell_key(lat, lon)
            for i in range(m):
                buffer.write(f"{i + 1}\t{i + 1}\t{lat[i]:.6f}\t{lon[i]:.6f}\t{cells[i]}\n")
            with cursor.copy("COPY alert_subscriber_locations (id, subscriber_id, latitude, "
                             "longitude, cell) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
            raw.commit()
            raw.driver_connection.autocommit = True  # VACUUM runs outside a transaction
            # what autovacuum does after a bulk load (sets the visibility map)
            raw.driver_connection.execute(
                "VACUUM ANALYZE alert_subscribers, alert_subscriber_locations")
        finally:
            raw.close()
        out["pg_load_ms"] = (time.perf_counter() - start) * 1000
        rows.append(("postgresql", f"load {m:,} locations (COPY, index, ANALYZE)", "",
                     out["pg_load_ms"]))
        factory = make_session_factory(engine)
        distance = ("2 * :r * asin(sqrt(power(sin(radians(latitude - :lat) / 2), 2) + "
                    "cos(radians(:lat)) * cos(radians(latitude)) * "
                    "power(sin(radians(longitude - :lon) / 2), 2)))")
        brute_sql = text(
            "SELECT DISTINCT l.subscriber_id FROM alert_subscriber_locations l JOIN "
            f"alert_subscribers s ON s.id = l.subscriber_id WHERE s.active AND {distance} <= :d")
        box_sql = text(  # the previous method: box on the (latitude, longitude) index
            "SELECT DISTINCT l.subscriber_id FROM alert_subscriber_locations l JOIN "
            "alert_subscribers s ON s.id = l.subscriber_id WHERE s.active AND latitude "
            "BETWEEN :s AND :n AND longitude BETWEEN :w AND :e AND " f"{distance} <= :d")
        for radius in RADII_KM:
            box = bounding_box(*KUNMING, radius)
            where = {"r": EARTH_RADIUS_KM, "lat": KUNMING[0], "lon": KUNMING[1], "d": radius}
            with factory() as s:
                cell_ms, found = best_ms(lambda r=radius: subscribers_within(s, *KUNMING, r), 3)
                box_ms, boxed = best_ms(lambda w=where, b=box: s.scalars(box_sql, {
                    **w, "s": b.min_lat, "n": b.max_lat, "w": b.min_lon, "e": b.max_lon})
                    .all(), 2)
                brute_ms, every = best_ms(lambda w=where: s.scalars(brute_sql, w).all(), 2)
            count = len(every)
            assert sorted(found) == sorted(every), f"PostgreSQL: cells and scan differ at {radius}"
            assert sorted(boxed) == sorted(every), f"PostgreSQL: box and scan differ at {radius}"
            out[f"pg_select_{radius}km_ms"] = cell_ms
            out[f"pg_select_{radius}km_box_ms"] = box_ms
            out[f"pg_select_{radius}km_full_scan_ms"] = brute_ms
            rows.append(("postgresql", f"{radius} km: cells on index + haversine of cut cells",
                         f"{len(found):,}", cell_ms))
            rows.append(("postgresql", f"{radius} km: box on (lat, lon) index + haversine",
                         f"{len(boxed):,}", box_ms))
            rows.append(("postgresql", f"{radius} km: full-scan haversine in SQL",
                         f"{count:,}", brute_ms))
    finally:
        engine.dispose()
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Mailbox:
    def __init__(self) -> None:
        self.ids: set[str] = set()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.ids.add(email.message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def throughput(k: int, out: dict, rows: list) -> None:
    from aiosmtpd.controller import Controller

    folder = tempfile.mkdtemp(prefix="homeward-alerts-bench-")
    mailbox, port = Mailbox(), free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    settings = Settings(database_url=f"sqlite:///{folder}/bench.sqlite3", secret_key="bench",
                        alert_allow_private_webhooks=True, alert_smtp_port=port,
                        alert_batch_size=200, audit_key_file=f"{folder}/a.key",
                        audit_signing_key_file=f"{folder}/s.key",
                        audit_checkpoint_file=f"{folder}/c.log")
    engine = make_engine(settings.database_url)
    upgrade(engine)
    factory = make_session_factory(engine)
    key = link_key(settings)
    secrets: dict[str, str] = {}
    receiver = WebhookReceiver(lambda path: secrets.get(path)).start()
    try:
        for kind in ("webhook", "email"):
            with factory() as s, s.begin():
                for i in range(k):
                    subscribe(s, kind="partner", allow_private_webhooks=True,
                              locations=[PlaceIn(latitude=KUNMING[0] + i * 1e-4,
                                                 longitude=KUNMING[1])],
                              channels=[ChannelIn(kind, f"{receiver.url}/h/{i}"
                                                  if kind == "webhook" else f"s{i}@x.org")])
                for channel in s.query(AlertChannel).filter_by(kind="webhook"):
                    secrets[channel.address.removeprefix(receiver.url)] = webhook_secret(
                        key, channel.id, channel.subscriber.link_nonce)
                report = MissingReport(external_id=f"bench/{kind}", child_name="Bench Child",
                                       status="open", jurisdiction="53")
                s.add(report)
                s.flush()
                publish_alert(s, actor="bench", report=report, texts={"en": "Bench alert"},
                              latitude=KUNMING[0], longitude=KUNMING[1],
                              now=dt.datetime.now(dt.UTC))
            sender = WebhookSender(settings) if kind == "webhook" else SmtpSender(settings)
            worker = Worker(factory, settings, senders={kind: sender})
            worker._fan_out()
            start = time.perf_counter()
            sent = 0
            while sent < k:
                result = worker.run_once()
                sent += result.sent
                if not result.busy:
                    break
            elapsed = time.perf_counter() - start
            got = len(receiver.log.accepted) if kind == "webhook" else len(mailbox.ids)
            assert sent == k and got == k, f"{kind}: sent {sent}, received {got} of {k}"
            out[f"{kind}_per_message_ms"] = elapsed * 1000 / k
            rows.append(("worker (SQLite)", f"{kind}: {k:,} messages, "
                         f"{k / elapsed:,.0f} per second", f"{got:,}",
                         out[f"{kind}_per_message_ms"]))
            with factory() as s, s.begin():  # the next channel's alert starts clean
                s.execute(text("UPDATE alert_channels SET active = false"))
                s.execute(text("UPDATE geo_alerts SET status = 'closed'"))
    finally:
        receiver.stop()
        smtp.stop()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=10_000_000)
    parser.add_argument("--pg-rows", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--parts", default="memory,postgres,worker",
                        help="which parts to run, comma-separated")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    out: dict[str, float] = {}
    rows: list[tuple[str, str, str, float]] = []
    if "memory" in parts:
        in_memory(args.locations, out, rows)
    if "postgres" in parts:
        on_postgres(args.pg_rows, out, rows)
    if "worker" in parts:
        throughput(args.messages, out, rows)
    table = Table(title="Alerts: subscriber selection around Kunming, delivery throughput")
    for column in ("where", "what", "found / received", "ms"):
        table.add_column(column)
    for where, what, found, ms in rows:
        table.add_row(where, what, found, f"{ms:,.1f}")
    console.print(table)
    for label, prefix in (("in memory, cell grid", "select"),
                          ("PostgreSQL, cells", "pg_select")):
        steps = [out[f"{prefix}_{r}km_ms"] for r in RADII_KM if f"{prefix}_{r}km_ms" in out]
        if steps:
            console.print(f"{label}: worst step {max(steps):.1f} ms (goal < 100 ms); "
                          f"median {statistics.median(steps):.1f} ms")
    print(json.dumps({k: round(v, 3) for k, v in out.items()}))


if __name__ == "__main__":
    main()
