"""The registry at millions: COPY loader, and page latency at 20,000 vs millions of reports.

Two fresh PostgreSQL schemas, migrated to head (indexes of 0008 included), filled with
COPY (psycopg): a small one of ``--small`` published reports and a large one of
``--reports`` reports, ``--found`` found children and ``--profiles`` DNA profiles (one
relative and one sample per profile, each profile sealed with the registry's cipher).
Then, for each schema in turn, ``uvicorn homeward.web.main:app`` is started and wrk
(Debian's package, installed when missing) runs ``--clients`` connections for
``--seconds`` against: the public name search, the police case list (first page and a
deep keyset page), a case page. Goal (issue 18): public search p95 at the large size at
most 1.5x its p95 at the small size, measured in this one run (the ratio, not a time, is
the goal on a shared two-core machine). Prints a table and a final JSON line.

Usage: ``python benchmarks/registry_scale.py [--reports 2000000] [--profiles 5000000]``
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import uuid

import httpx
import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

sys.path.insert(0, os.path.dirname(__file__))
from web_load import free_port, load_with_wrk  # noqa: E402 - the shared wrk driver

from homeward.config import Settings  # noqa: E402
from homeward.demo.seed import random_name  # noqa: E402
from homeward.kinship import simulate  # noqa: E402
from homeward.kinship.model import build_locus_models  # noqa: E402
from homeward.registry.db import make_engine  # noqa: E402
from homeward.registry.migrate import upgrade  # noqa: E402
from homeward.security.crypto import ProfileCipher  # noqa: E402
from homeward.web.security import hash_password  # noqa: E402
from homeward.workflow.profile_store import kinship_setup  # noqa: E402

ADMIN_URL = os.environ.get("HOMEWARD_TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TODAY = dt.date(2026, 11, 1)
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
CHUNK = 100_000


def copy_rows(url: str, table: str, columns: list[str], rows) -> None:
    """COPY ``rows`` (an iterable of tuples) into ``table`` over one psycopg connection."""
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)


def load(url: str, n_reports: int, n_found: int, n_profiles: int, settings: Settings,
         seed: int) -> tuple[dict[str, float], list[str]]:
    """Fill one schema with COPY; returns seconds per table and 200 query names."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    rng = np.random.default_rng(seed)
    pool = [random_name(rng) for _ in range(50_000)]  # names repeat, as Chinese names do
    picks = rng.integers(0, len(pool), n_reports)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    copy_rows(url, "missing_reports",
              ["id", "external_id", "child_name", "child_name_zh", "child_name_pinyin", "sex",
               "birth_date", "last_seen_date", "jurisdiction", "status", "published",
               "entry_date"],
              ((i, f"scale/{i}", pool[p][1], pool[p][0], pool[p][1],
                "male" if i % 3 else "female", TODAY - dt.timedelta(days=1000 + i % 5000),
                TODAY - dt.timedelta(days=i % 3000), ("53", "13", "35", "44")[i % 4], "open",
                True, NOW) for i, p in enumerate(picks.tolist(), start=1)))
    seconds["missing_reports"] = time.perf_counter() - started
    started = time.perf_counter()
    copy_rows(url, "found_children",
              ["id", "external_id", "kind", "sex", "found_date", "jurisdiction", "status",
               "registered_at"],
              ((i, f"scale-fc/{i}", "rescued", "male" if i % 2 else "female",
                TODAY - dt.timedelta(days=i % 2000), ("53", "13")[i % 2], "registered", NOW)
               for i in range(1, n_found + 1)))
    seconds["found_children"] = time.perf_counter() - started
    if n_profiles:
        seconds.update(load_profiles(url, n_reports, n_profiles, settings, rng))
    with create_engine(url).begin() as connection:
        for table in ("missing_reports", "found_children", "relatives", "samples",
                      "profiles"):
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                                    f" COALESCE((SELECT max(id) FROM {table}), 1))"))
        connection.execute(text("ANALYZE"))
        connection.execute(text(
            "INSERT INTO users (username, display_name, role, jurisdiction, active, "
            "password_hash) VALUES ('bench.police', 'p', 'police', 'national', true, :h)"),
            {"h": hash_password("bench password")})
    queries = []
    for k, p in enumerate(rng.choice(picks, 200, replace=False).tolist()):
        zh, py = pool[p]
        queries.append([zh, py, " ".join(reversed(py.split())).lower()][k % 3])
    return seconds, queries


def load_profiles(url: str, n_reports: int, n: int, settings: Settings,
                  rng: np.random.Generator) -> dict[str, float]:
    """n relatives (fathers of the first reports), their samples and sealed profiles."""
    table, model, loci = kinship_setup(settings)
    models = list(build_locus_models(table, model, loci).values())
    cipher = ProfileCipher.from_settings(settings)
    seconds = {}
    started = time.perf_counter()
    copy_rows(url, "relatives", ["id", "report_id", "name", "relationship_to_child",
                                 "is_suspect"],
              ((i, 1 + (i - 1) % n_reports, f"parent {i}", "father", False)
               for i in range(1, n + 1)))
    copy_rows(url, "samples", ["id", "specimen_id", "relative_id", "collected_by",
                               "collected_at", "consent_given", "purpose"],
              ((i, f"S{i:09d}", i, "bench", NOW, True, "missing-children-search")
               for i in range(1, n + 1)))
    seconds["relatives_and_samples"] = time.perf_counter() - started
    started = time.perf_counter()

    def sealed_rows():
        for start in range(1, n + 1, CHUNK):
            stop = min(n + 1, start + CHUNK)
            alleles = simulate.founders(models, stop - start, rng)
            ids = [f"S{i:09d}" for i in range(start, stop)]
            for i, profile in zip(range(start, stop),
                                  simulate.to_profiles(alleles, models, ids), strict=True):
                yield (i, i, profile.sample_id, "relative", cipher.seal(profile), len(loci),
                       "bench", NOW)

    copy_rows(url, "profiles", ["id", "sample_id", "specimen_id", "side", "sealed",
                                "loci_typed", "loaded_by", "loaded_at"], sealed_rows())
    seconds["profiles"] = time.perf_counter() - started
    return seconds


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True,
                   capture_output=True)


def measure(url: str, key: str, queries: list[str], n_reports: int, clients: int,
            seconds: float) -> dict[str, dict[str, float]]:
    port = free_port()
    env = {**os.environ, "HOMEWARD_DATABASE_URL": url, "HOMEWARD_PROFILE_KEY": key,
           "HOMEWARD_SECRET_KEY": "bench"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "homeward.web.main:app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "2", "--no-access-log", "--log-level",
         "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        search = [str(httpx.URL("/api/v1/public/search", params={"q": q})) for q in queries]
        for path in search[:4]:  # the name index is built at the first search
            httpx.get(base + path, timeout=600)
        with httpx.Client(base_url=base) as client:
            answer = client.post("/api/v1/session", json={"username": "bench.police",
                                                          "password": "bench password"})
            assert answer.status_code == 200, answer.text
            jar = dict(client.cookies)
        deep = max(1, n_reports - 1000)
        routes = {
            "public search (API)": (search, None),
            "police case list (API, first page)": (["/api/v1/reports?limit=50"], jar),
            "police case list (API, deep keyset page)": (
                [f"/api/v1/reports?limit=50&after={deep - 50 * k}" for k in range(20)], jar),
            "case page": ([f"/cases/{1 + (k * 7919) % n_reports}" for k in range(200)], jar),
        }
        return {label: load_with_wrk(base, paths, clients, seconds, cookies)
                for label, (paths, cookies) in routes.items()}
    finally:
        process.terminate()
        process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--reports", type=int, default=2_000_000)
    parser.add_argument("--found", type=int, default=2_000_000)
    parser.add_argument("--profiles", type=int, default=5_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--keep", action="store_true", help="keep the schemas afterwards")
    args = parser.parse_args()
    console = Console()
    ensure_wrk()
    admin = create_engine(ADMIN_URL)
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    sizes = {"small": (args.small, args.small // 4, 0),
             "large": (args.reports, args.found, args.profiles)}
    schemas = {name: f"bench_scale_{name}_{uuid.uuid4().hex[:6]}" for name in sizes}
    loads, results = {}, {}
    try:
        for name, (reports, found, profiles) in sizes.items():
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schemas[name]}"'))
            url = f"{ADMIN_URL}?options=-csearch_path%3D{schemas[name]}"
            settings = Settings(database_url=url, profile_key=key)
            loads[name], queries = load(url, reports, found, profiles, settings, seed=7)
            console.print(f"{name}: loaded {reports:,} reports, {found:,} found children, "
                          f"{profiles:,} profiles: "
                          + ", ".join(f"{t} {s:.0f} s" for t, s in loads[name].items()))
            results[name] = measure(url, key, queries, reports, args.clients, args.seconds)
    finally:
        if not args.keep:
            with admin.begin() as connection:
                for schema in schemas.values():
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    table = Table(title=f"registry at scale: PostgreSQL, {args.clients} clients x "
                        f"{args.seconds:.0f} s (wrk)")
    for column in ("route", "size", "requests/s", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column, justify="left" if column in ("route", "size") else "right")
    for label in results["small"]:
        for name in sizes:
            r = results[name][label]
            table.add_row(label, f"{sizes[name][0]:,}", str(r["requests_per_s"]),
                          str(r["p50_ms"]), str(r["p95_ms"]), str(r["p99_ms"]))
    console.print(table)
    ratio = (results["large"]["public search (API)"]["p95_ms"]
             / results["small"]["public search (API)"]["p95_ms"])
    print(json.dumps({"benchmark": "registry_scale", "small_reports": args.small,
                      "large_reports": args.reports, "large_found_children": args.found,
                      "large_profiles": args.profiles, "clients": args.clients,
                      "load_seconds": {n: {t: round(s, 1) for t, s in v.items()}
                                       for n, v in loads.items()},
                      "results": results,
                      "public_search_p95_ratio": round(ratio, 3)}))


if __name__ == "__main__":
    main()
