"""What the browser stories share: a real uvicorn server on a fresh SQLite registry, Debian's
Chromium driven by Playwright, screenshots, and signing in (in English or Chinese)."""

from __future__ import annotations

import base64
import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from homeward.config import Settings
from homeward.registry.db import make_engine
from homeward.registry.migrate import upgrade

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
PASSWORD = "e2e password 1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def registry(folder: Path) -> tuple[str, dict[str, str], Settings]:
    """A migrated SQLite registry in ``folder``: its URL, the server's environment and the
    settings the test uses to write into it before the server starts."""
    url = f"sqlite:///{folder}/e2e.sqlite3"
    env = {**os.environ, "HOMEWARD_DATABASE_URL": url, "HOMEWARD_SECRET_KEY": "e2e",
           "HOMEWARD_REGISTRATION_PROOF_BITS": "12",  # solved by static/proof-of-work.js
           "HOMEWARD_PROFILE_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode()}
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url, env, Settings(database_url=url, profile_key=env["HOMEWARD_PROFILE_KEY"])


@contextlib.contextmanager
def serve(folder: Path, env: dict[str, str]) -> Iterator[str]:
    """uvicorn serving the app on a free port; yields its base URL. The server's log is
    printed when the test ends (pytest shows it when the test fails)."""
    port = free_port()
    log = (folder / "server.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "homeward.web.main:app", "--host", "127.0.0.1",
         "--port", str(port)], env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(150):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"server died: {log.read()[-2000:]}")
            time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)
        log.seek(0)
        print("server log:\n" + log.read()[-5000:])


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"{CHROMIUM} is missing: ./run.sh test installs Debian's chromium and chromium-driver")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(browser, base: str, username: str, language: str = "en"):
    """A new browser context signed in as ``username``, its pages in ``language``."""
    page = browser.new_context().new_page()
    page.goto(f"{base}/language/{language}")
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button")
    page.wait_for_url(re.compile(r".*/(dashboard|family)$"))  # families land on their case
    return page
