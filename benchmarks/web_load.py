"""Web load: public name search and the match review page under concurrent clients.

Fills a fresh PostgreSQL schema with N published missing reports (synthetic Chinese names
with pinyin; bulk-inserted, as an import would), one family whose child's DNA matches,
and a reviewer; starts ``uvicorn homeward.web.main:app`` on 127.0.0.1; then for each
route runs C concurrent clients for S seconds (httpx, keep-alive) and reports requests/s
and p50/p95/p99 latency. Goal (issue 5): p95 under 100 ms for public search at 100,000
records. Prints a table and a final JSON line.

Usage: ``python benchmarks/web_load.py [--n 100000] [--clients 50] [--seconds 30]``
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, insert, select, text

from homeward.config import Settings
from homeward.demo.seed import random_name
from homeward.registry.db import make_engine, make_session_factory
from homeward.registry.migrate import upgrade
from homeward.registry.models import Match, MissingReport, User
from homeward.security.crypto import ProfileCipher
from homeward.web.security import hash_password

ADMIN_URL = os.environ.get("HOMEWARD_TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
def fill(url: str, n: int, settings: Settings) -> tuple[int, list[str]]:
    """N published reports and one reviewable match; returns (match id, query names)."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    from tests.registry.world import make_family, sample_for, store

    engine = make_engine(url)
    upgrade(engine)
    rng = np.random.default_rng(7)
    people = [random_name(rng) for _ in range(n)]
    today = dt.date(2026, 11, 1)
    with engine.begin() as connection:
        for start in range(0, n, 5000):
            connection.execute(insert(MissingReport), [
                {"external_id": f"bench/{i}", "child_name": py, "child_name_zh": zh,
                 "child_name_pinyin": py, "sex": "male" if i % 3 else "female",
                 "birth_date": today - dt.timedelta(days=int(1000 + i % 5000)),
                 "last_seen_date": today - dt.timedelta(days=int(i % 3000)),
                 "jurisdiction": "53", "status": "open", "published": True,
                 "entry_date": dt.datetime.now(dt.UTC)}
                for i, (zh, py) in enumerate(people[start:start + 5000], start)])
    cipher = ProfileCipher.from_settings(settings)
    with make_session_factory(engine)() as session, session.begin():
        family = make_family(session, settings)
        sample_for(session, "R-F", relative=family.father)
        store(session, family.father_profile, cipher, settings)
        sample_for(session, "C-1", child=family.child)
        store(session, family.child_profile, cipher, settings)
        session.add(User(username="bench.reviewer", display_name="r", role="reviewer",
                         password_hash=hash_password("bench password")))
        match_id = session.scalar(select(Match.id))
    engine.dispose()
    picks = rng.choice(n, size=200, replace=False)
    queries = []
    for k, i in enumerate(picks):
        zh, py = people[int(i)]
        queries.append([zh, py, " ".join(reversed(py.split())).lower()][k % 3])
    return int(match_id), queries


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def load(base: str, paths: list[str], clients: int, seconds: float,
               cookies: dict[str, str] | None = None) -> list[float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits,
                                 timeout=30) as client:
        async def worker(offset: int) -> None:
            nonlocal errors
            i = offset
            while time.perf_counter() < stop:
                started = time.perf_counter()
                response = await client.get(paths[i % len(paths)])
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200
                i += 1

        await asyncio.gather(*(worker(k) for k in range(clients)))
    if errors:
        raise SystemExit(f"{errors} requests failed")
    return latencies


WRK_SCRIPT = """
paths = {%(paths)s}
counter = 0
%(cookie)s
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%f %%f %%f %%d\\n", summary.requests,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def load_with_wrk(base: str, paths: list[str], clients: int, seconds: float,
                  cookies: dict[str, str] | None) -> dict[str, float]:
    """The same load from wrk (C, from Debian's packages): the generator barely competes
    with the server for the two cores."""
    import tempfile

    cookie = ""
    if cookies:
        jar = "; ".join(f"{k}={v}" for k, v in cookies.items())
        cookie = f'wrk.headers["Cookie"] = "{jar}"'
    script = WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths),
                           "cookie": cookie}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--timeout",
                          "30s", "-s", handle.name, base], capture_output=True, text=True,
                         check=True).stdout
    os.unlink(handle.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, p50, p95, p99, errors = line.split()[1:]
    if int(errors):
        raise SystemExit(f"{errors} requests failed:\n{out}")
    return {"requests_per_s": round(int(requests) / seconds, 1), "p50_ms": round(float(p50), 1),
            "p95_ms": round(float(p95), 1), "p99_ms": round(float(p99), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--generator", choices=("wrk", "httpx"),
                        default="wrk" if shutil.which("wrk") else "httpx",
                        help="load generator (wrk: apt-get install wrk)")
    args = parser.parse_args()
    console = Console()
    schema = f"bench_web_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{ADMIN_URL}?options=-csearch_path%3D{schema}"
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings = Settings(database_url=url, profile_key=key)
    process = None
    try:
        started = time.perf_counter()
        match_id, queries = fill(url, args.n, settings)
        console.print(f"filled {args.n:,} published reports in "
                      f"{time.perf_counter() - started:.0f} s")
        port = free_port()
        env = {**os.environ, "HOMEWARD_DATABASE_URL": url, "HOMEWARD_PROFILE_KEY": key,
               "HOMEWARD_SECRET_KEY": "bench"}
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "homeward.web.main:app", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(args.workers), "--no-access-log",
             "--log-level", "warning"], env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base) as client:
            answer = client.post("/api/v1/session", json={"username": "bench.reviewer",
                                                          "password": "bench password"})
            cookies = dict(client.cookies)
            assert answer.status_code == 200
        search_paths = [str(httpx.URL("/api/v1/public/search", params={"q": q}))
                        for q in queries]
        results = {}
        for label, paths, jar in (
                ("public search (API)", search_paths, None),
                ("public search (page)", [p.replace("/api/v1/public/search", "/search")
                                          for p in search_paths], None),
                ("match review page", [f"/review/{match_id}"], cookies)):
            if args.generator == "wrk":
                results[label] = load_with_wrk(base, paths, args.clients, args.seconds, jar)
                continue
            latencies = asyncio.run(load(base, paths, args.clients, args.seconds, jar))
            values = np.array(latencies)
            results[label] = {
                "requests_per_s": round(len(values) / args.seconds, 1),
                "p50_ms": round(float(np.percentile(values, 50)), 1),
                "p95_ms": round(float(np.percentile(values, 95)), 1),
                "p99_ms": round(float(np.percentile(values, 99)), 1)}
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    table = Table(title=f"web load: PostgreSQL, {args.n:,} published reports, "
                        f"{args.clients} clients x {args.seconds:.0f} s, "
                        f"{args.workers} uvicorn workers, {args.generator}")
    for column in ("route", "requests/s", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column, justify="right" if column != "route" else "left")
    for label, r in results.items():
        table.add_row(label, str(r["requests_per_s"]), str(r["p50_ms"]), str(r["p95_ms"]),
                      str(r["p99_ms"]))
    console.print(table)
    print(json.dumps({"benchmark": "web_load", "backend": "postgresql", "n": args.n,
                      "clients": args.clients, "seconds": args.seconds,
                      "workers": args.workers, "generator": args.generator,
                      "results": results}))


if __name__ == "__main__":
    main()
