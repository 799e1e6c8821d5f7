"""The registry's command-line contract (exit codes and JSON), on both databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import update

from homeward.registry.db import make_engine, make_session_factory, session_scope
from homeward.registry.models import AuditEvent

STATUS_KEYS = {"missing_reports", "found_children", "children_in_care", "profiles",
               "match_candidates", "confirmed_matches", "reunited",
               "open_reports_without_relative_dna"}


@pytest.fixture
def run(database_url, tmp_path):
    env = {**os.environ, "HOMEWARD_DATABASE_URL": database_url,
           "HOMEWARD_KEY_FILE": str(tmp_path / "profile.key")}

    def homeward(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "homeward", *args], env=env,
                              capture_output=True, text=True, cwd=tmp_path, check=False)
    return homeward


def test_seed_status_verify_and_tamper(run, database_url):
    assert run("db", "upgrade").returncode == 0
    seeded = run("demo", "seed", "--reports", "60", "--found", "40")
    assert seeded.returncode == 0, seeded.stderr
    status = json.loads(run("status", "--json").stdout)
    assert set(status) == STATUS_KEYS
    # the national set, plus operation 11·26 with one child at every stage (demo/raid_seed.py):
    # ten children, six of them with a family's report
    assert status["missing_reports"] == 60 + 6 and status["found_children"] == 40 + 10
    assert status["profiles"] > 40 and status["match_candidates"] > 0
    again = run("demo", "seed", "--reports", "60", "--found", "40")
    assert "nothing changed" in again.stdout
    assert json.loads(run("status", "--json").stdout) == status
    assert run("audit", "verify").returncode == 0
    marked = run("adoption-eligible")
    assert marked.returncode == 0 and "now adoption-eligible" in marked.stdout
    engine = make_engine(database_url)
    with session_scope(make_session_factory(engine)) as session:
        session.execute(update(AuditEvent).where(AuditEvent.seq == 7).values(reason="edited"))
    engine.dispose()
    broken = run("audit", "verify")
    assert broken.returncode == 1
    assert "event 7" in broken.stdout


def test_imports_exit_2_on_bad_input(run, tmp_path):
    assert run("db", "upgrade").returncode == 0
    profiles = tmp_path / "profiles.csv"
    profiles.write_text("sample,locus,allele1,allele2\nNOPE,D3S1358,15,16\nX,vWA,a,b\n")
    done = run("import", "profiles", str(profiles))
    assert done.returncode == 2
    assert "row 2" in done.stderr and "row 3" in done.stderr
    assert "nothing was stored" in done.stderr
    pfif = tmp_path / "bad.xml"
    pfif.write_text("<pfif/>")
    done = run("import", "pfif", str(pfif))
    assert done.returncode == 2 and "pfif" in done.stderr.lower()
    status = json.loads(run("status", "--json").stdout)
    assert status["profiles"] == 0 and status["missing_reports"] == 0
    out = tmp_path / "out.xml"
    assert run("export", "pfif", str(out)).returncode == 0
    assert out.read_text().startswith("<?xml")
