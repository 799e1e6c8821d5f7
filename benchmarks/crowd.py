"""A crowd on the registry: public tips and police reads at once, SQLite beside PostgreSQL.

The hardening probe found that 50 simultaneous tips on SQLite stored 3 and failed 47, and
ten police reading a report at once got eight 500s. This benchmark runs the application
under uvicorn (in this process, one worker, ``web_threads`` handler threads) on a fresh
SQLite file and on a fresh PostgreSQL schema, one after the other in the same run, and
drives C clients for S seconds: half post tips (``POST /api/v1/tips``, each client from
its own 127.x.y.z address, as a crowd would come), half read a report as signed-in police
(``GET /api/v1/reports/N``, an audited read, so every read writes). It reports tips per
second, read requests per second, p50/p95 latency of each, and the count of 5xx answers
and of acknowledged tips not found stored exactly once (both must be 0). Prints a table
and a final JSON line.

Usage: ``python benchmarks/crowd.py [--clients 50] [--seconds 20]``
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, func, select, text

from homeward.config import Settings
from homeward.registry.db import make_engine, make_session_factory
from homeward.registry.migrate import upgrade
from homeward.registry.models import MissingReport, Source, User
from homeward.web.app import create_app
from homeward.web.security import hash_password

ADMIN_URL = os.environ.get("HOMEWARD_TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "crowd benchmark password"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(url: str, folder: str) -> tuple[Settings, int]:
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session, session.begin():
        report = MissingReport(external_id="bench/crowd", child_name="Zhang Xiaobao",
                               jurisdiction="53", status="open")
        session.add(report)
        session.add(User(username="police", display_name="police", role="police",
                         jurisdiction="53", password_hash=hash_password(PASSWORD)))
        session.flush()
        report_id = report.id
    engine.dispose()
    settings = Settings(database_url=url, secret_key="crowd", key_file=f"{folder}/p.key",
                        audit_key_file=f"{folder}/a.key",
                        audit_signing_key_file=f"{folder}/s.key",
                        audit_checkpoint_file=f"{folder}/checkpoints.log",
                        tip_submissions=1_000_000)
    return settings, report_id


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000 if values else float("nan")


def run_crowd(url: str, clients: int, seconds: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        settings, report_id = _prepare(url, folder)
        app = create_app(settings)
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning", loop="uvloop",
                                               http="httptools"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        tip_times: list[float] = []
        read_times: list[float] = []
        acknowledged: list[str] = []
        errors = {"5xx": 0, "other": 0}
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def tipper(number: int) -> None:
            address = f"127.1.{number // 200}.{1 + number % 200}"
            transport = httpx.HTTPTransport(local_address=address)
            with httpx.Client(base_url=base, timeout=60, transport=transport) as client:
                sent = 0
                while time.monotonic() < stop:
                    text_ = f"crowd tip {number}-{sent}-{uuid.uuid4().hex[:6]}: a boy at the " \
                            "bus station"
                    began = time.perf_counter()
                    answer = client.post("/api/v1/tips", json={"text": text_,
                                                               "place": "Kunming"})
                    took = time.perf_counter() - began
                    with lock:
                        if answer.status_code == 201:
                            tip_times.append(took)
                            acknowledged.append(text_)
                        elif answer.status_code >= 500:
                            errors["5xx"] += 1
                        else:
                            errors["other"] += 1
                    sent += 1

        def reader(_: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as client:
                client.post("/api/v1/session", json={"username": "police",
                                                     "password": PASSWORD})
                while time.monotonic() < stop:
                    began = time.perf_counter()
                    answer = client.get(f"/api/v1/reports/{report_id}")
                    took = time.perf_counter() - began
                    with lock:
                        if answer.status_code == 200:
                            read_times.append(took)
                        elif answer.status_code >= 500:
                            errors["5xx"] += 1
                        else:
                            errors["other"] += 1

        half = clients // 2
        with ThreadPoolExecutor(max_workers=clients) as pool:
            futures = [pool.submit(tipper, i) for i in range(half)]
            futures += [pool.submit(reader, i) for i in range(clients - half)]
            for future in futures:
                future.result()
        server.should_exit = True
        thread.join(timeout=30)
        engine = make_engine(url)
        with make_session_factory(engine)() as session:
            stored = dict(session.execute(select(Source.text, func.count(Source.id))
                                          .group_by(Source.text)).all())
        engine.dispose()
        not_once = sum(1 for t in acknowledged if stored.get(t) != 1)
        return {"tips_per_s": len(tip_times) / seconds,
                "tip_p50_ms": _percentile(tip_times, 50),
                "tip_p95_ms": _percentile(tip_times, 95),
                "reads_per_s": len(read_times) / seconds,
                "read_p50_ms": _percentile(read_times, 50),
                "read_p95_ms": _percentile(read_times, 95),
                "errors_5xx": errors["5xx"], "refused_4xx": errors["other"],
                "tips_not_stored_once": not_once}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = run_crowd(f"sqlite:///{folder}/crowd.sqlite3", args.clients,
                                      args.seconds)
    schema = f"crowd_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        results["postgresql"] = run_crowd(f"{ADMIN_URL}?options=-csearch_path%3D{schema}",
                                          args.clients, args.seconds)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    table = Table(title=f"{args.clients} clients for {args.seconds:.0f} s "
                        "(half tips, half audited police reads)")
    for column in ("database", "tips/s", "tip p95 ms", "reads/s", "read p50 ms",
                   "read p95 ms", "5xx", "tips not stored once"):
        table.add_column(column)
    for name, r in results.items():
        table.add_row(name, f"{r['tips_per_s']:.0f}", f"{r['tip_p95_ms']:.0f}",
                      f"{r['reads_per_s']:.0f}", f"{r['read_p50_ms']:.0f}",
                      f"{r['read_p95_ms']:.0f}", str(r["errors_5xx"]),
                      str(r["tips_not_stored_once"]))
    Console(stderr=True).print(table)
    print(json.dumps({"benchmark": "crowd", "clients": args.clients,
                      "seconds": args.seconds, **results}))
    sys.exit(1 if any(r["errors_5xx"] or r["tips_not_stored_once"]
                      for r in results.values()) else 0)


if __name__ == "__main__":
    main()
