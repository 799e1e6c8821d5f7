"""``homeward users``: the first account of a real installation, from the shell, on both
databases; the account it makes signs in to the web application."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from homeward.registry.db import make_engine

PASSWORD = "first administrator's passphrase"


@pytest.fixture
def run(database_url, tmp_path):
    env = {**os.environ, "HOMEWARD_DATABASE_URL": database_url,
           "HOMEWARD_KEY_FILE": str(tmp_path / "profile.key")}

    def homeward(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "homeward", *args], env=env,
                              input=stdin, capture_output=True, text=True, cwd=tmp_path,
                              check=False)
    return homeward


def _accounts(run) -> dict[str, dict]:
    listed = run("users", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    return {row["username"]: row for row in json.loads(listed.stdout)}


def test_create_list_reset_and_deactivate(run, database_url, settings):
    assert run("db", "upgrade").returncode == 0
    made = run("users", "create", "root", "--role", "administrator", "--password-stdin",
               stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    officer = run("users", "create", "desk.officer", "--role", "police", "--jurisdiction",
                  "national", "--display-name", "Desk Officer", "--password-stdin",
                  stdin=PASSWORD + "\n")
    assert officer.returncode == 0, officer.stderr
    accounts = _accounts(run)
    assert accounts["root"]["role"] == "administrator" and accounts["root"]["active"]
    assert accounts["desk.officer"]["jurisdiction"] == "national"  # no approval from a shell

    from homeward.web.app import create_app

    engine = make_engine(database_url)
    app = create_app(settings.model_copy(update={"secret_key": "cli test"}), engine)
    with TestClient(app) as client:
        answer = client.post("/api/v1/session", json={"username": "root",
                                                      "password": PASSWORD})
        assert answer.status_code == 200 and answer.json()["role"] == "administrator"

        assert run("users", "reset-password", "root", "--password-stdin",
                   stdin="a forgotten one, replaced\n").returncode == 0
        assert client.get("/api/v1/me").status_code == 401  # the reset ended the session
        assert run("users", "deactivate", "root").returncode == 0
        assert client.post("/api/v1/session", json={
            "username": "root", "password": "a forgotten one, replaced"}).status_code == 401
    engine.dispose()
    assert not _accounts(run)["root"]["active"]


def test_refusals_exit_2_with_one_line(run):
    assert run("db", "upgrade").returncode == 0
    short = run("users", "create", "root", "--role", "administrator", "--password-stdin",
                stdin="short\n")
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    wrong_role = run("users", "create", "root", "--role", "emperor", "--password-stdin",
                     stdin=PASSWORD + "\n")
    assert wrong_role.returncode == 2 and "unknown role" in wrong_role.stderr
    assert run("users", "create", "root", "--role", "administrator", "--password-stdin",
               stdin=PASSWORD + "\n").returncode == 0
    taken = run("users", "create", "root", "--role", "volunteer", "--password-stdin",
                stdin=PASSWORD + "\n")
    assert taken.returncode == 2 and "taken" in taken.stderr
    missing = run("users", "deactivate", "nobody")
    assert missing.returncode == 2 and "no account named" in missing.stderr
