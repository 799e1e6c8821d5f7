"""Registry speed: bulk profile import and end-to-end automatic matching.

For PostgreSQL and SQLite: import N profiles from a long-format CSV (rows/s, validation,
encryption, audit events and custody events included, matching off), then store one new
child profile with automatic matching against the N relatives, end to end: load and
decrypt every relative's profile, build the index, search (duo by relationship and
couples) and store the candidates; then a second child, whose parents never gave DNA,
with the store already warm (the common case: a search that finds nobody).
Prints a table and a final JSON line.

Usage: ``python benchmarks/registry.py [--n 100000] [--backends postgresql,sqlite]``
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, insert, select, text

from homeward.config import Settings
from homeward.kinship import simulate
from homeward.kinship.model import build_locus_models
from homeward.kinship.readers import write_long_csv
from homeward.registry.db import make_engine, make_session_factory, session_scope
from homeward.registry.migrate import upgrade
from homeward.registry.models import MissingReport, Relative, Sample
from homeward.security.crypto import ProfileCipher
from homeward.workflow import cases, samples
from homeward.workflow.imports import import_profiles
from homeward.workflow.matching import kinship_setup, store_and_match
from homeward.workflow.profile_store import ProfileStores

POSTGRES_URL = os.environ.get("HOMEWARD_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def make_population(n: int, settings: Settings, seed: int):
    table, model, loci = kinship_setup(settings)
    models = list(build_locus_models(table, model, loci).values())
    rng = np.random.default_rng(seed)
    child, father, mother = simulate.related("trio", models, 2, rng)
    others = simulate.founders(models, n, rng)
    others[:, :, 0] = father[:, :, 0]
    others[:, :, 1] = mother[:, :, 0]
    ids = [f"R{i:07d}" for i in range(n)]
    return (simulate.to_profiles(others, models, ids),
            simulate.to_profiles(child, models, ["CHILD-A", "CHILD-B"]))


def register_relatives(factory, n: int) -> None:
    """Reports, relatives and consented samples for N relatives (bulk, not timed)."""
    with session_scope(factory) as session:
        reports = [{"external_id": f"bench/person.{i}", "child_name": f"Child {i}",
                    "status": "open", "published": False, "entry_date": NOW}
                   for i in range(n // 2)]
        session.execute(insert(MissingReport), reports)
        report_ids = session.scalars(select(MissingReport.id).order_by(MissingReport.id)).all()
        relatives = [{"report_id": report_ids[i // 2], "name": f"Parent {i}",
                      "relationship_to_child": "father" if i % 2 == 0 else "mother",
                      "is_suspect": False} for i in range(n)]
        session.execute(insert(Relative), relatives)
        relative_ids = session.scalars(select(Relative.id).order_by(Relative.id)).all()
        session.execute(insert(Sample), [
            {"specimen_id": f"R{i:07d}", "relative_id": relative_ids[i],
             "collected_by": "bench", "collected_at": NOW, "consent_given": True,
             "purpose": samples.LEGAL_PURPOSE} for i in range(n)])


def run_backend(name: str, url: str, csv_path: Path, children, n: int, settings: Settings,
                cipher: ProfileCipher) -> dict[str, float]:
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    register_relatives(factory, n)
    start = time.perf_counter()
    with session_scope(factory) as session:
        report = import_profiles(session, csv_path, actor="bench", cipher=cipher,
                                 match=False, settings=settings)
    import_s = time.perf_counter() - start
    assert report.stored == n
    timings = {}
    stores = ProfileStores()  # cold on the first search, warm on the second
    for label, child in (("match_cold_ms", children[0]), ("match_warm_ms", children[1])):
        with session_scope(factory) as session:
            found = cases.register_found_child(session, actor="bench",
                                               external_id=child.sample_id)
            samples.register_sample(session, actor="bench", specimen_id=child.sample_id,
                                    collected_by="bench", collected_at=NOW,
                                    found_child=found, consent_given=True)
        start = time.perf_counter()
        with session_scope(factory) as session:
            _, matches = store_and_match(session, actor="bench", profile=child, cipher=cipher,
                                         settings=settings, stores=stores)
            found_true = any(m.relationship_tested == "couple" for m in matches)
        timings[label] = (time.perf_counter() - start) * 1000
        timings[label.replace("_ms", "_candidates")] = len(matches)
        timings[label.replace("_ms", "_true_couple_found")] = found_true
    engine.dispose()
    return {"import_s": import_s, "import_rows_per_s": n / import_s, **timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    settings = Settings(profile_key=base64.urlsafe_b64encode(os.urandom(32)).decode())
    cipher = ProfileCipher.from_settings(settings)
    population, children = make_population(args.n, settings, args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="homeward-bench-"))
    csv_path = workdir / "profiles.csv"
    csv_path.write_text(write_long_csv(population))
    del population
    results = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            results[backend] = run_backend(backend, f"sqlite:///{workdir}/bench.sqlite3",
                                           csv_path, children, args.n, settings, cipher)
        else:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(POSTGRES_URL)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                results[backend] = run_backend(
                    backend, f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", csv_path,
                    children, args.n, settings, cipher)
            finally:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    out = Table(title=f"Registry: {args.n:,} profiles ({csv_path.stat().st_size / 1e6:.0f} MB "
                      "CSV, 23 loci)")
    for column in ("backend", "import rows/s", "import s", "match cold ms",
                   "match warm ms", "candidates"):
        out.add_column(column, justify="right")
    for backend, r in results.items():
        out.add_row(backend, f"{r['import_rows_per_s']:,.0f}", f"{r['import_s']:.1f}",
                    f"{r['match_cold_ms']:,.0f}", f"{r['match_warm_ms']:,.0f}",
                    str(r["match_cold_candidates"]))
    Console().print(out)
    print(json.dumps({"n_profiles": args.n, **{f"{b}_{k}": (round(v, 2) if isinstance(v, float)
                                                             else v)
                                                for b, r in results.items()
                                                for k, v in r.items()}}))


if __name__ == "__main__":
    main()
