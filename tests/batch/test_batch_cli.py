"""``homeward batch match``: bad input gets one line and exit status 2, nothing written."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

from homeward.registry.models import BatchRun


def run_cli(args, settings, tmp_path):
    env = {"HOMEWARD_DATABASE_URL": settings.database_url,
           "HOMEWARD_PROFILE_KEY": settings.profile_key, "PATH": "/usr/bin:/bin",
           "HOMEWARD_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
           "HOMEWARD_AUDIT_SIGNING_KEY_FILE": str(tmp_path / "audit-signing.key"),
           "HOMEWARD_AUDIT_CHECKPOINT_FILE": str(tmp_path / "checkpoints.log")}
    command = [sys.executable, "-c", "from homeward.cli import main; main()", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_a_scheduler_that_does_not_answer_is_a_clear_error_and_writes_nothing(
        engine, factory, settings, tmp_path):
    done = run_cli(["batch", "match", "--scheduler", "tcp://127.0.0.1:9"], settings, tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: no Dask scheduler answered at tcp://127.0.0.1:9")
    assert done.stderr.count("\n") == 1
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(BatchRun)) == 0


def test_an_unknown_relationship_is_refused(engine, settings, tmp_path):
    done = run_cli(["batch", "match", "--relationship", "grandparent"], settings, tmp_path)
    assert done.returncode == 2
    assert "relationship 'grandparent' is not batch-matched" in done.stderr
