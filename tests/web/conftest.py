"""Web fixtures: the registry's databases (SQLite and PostgreSQL), a small world with an
account of every role, and signed-in test clients."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from homeward.registry.models import Match, User
from homeward.web.app import create_app
from homeward.web.security import hash_password
from homeward.workflow import cases
from tests.registry.conftest import (  # noqa: F401 - fixtures shared with the registry tests
    cipher,
    database_url,
    engine,
    factory,
    session,
    settings,
)
from tests.registry.world import make_family, sample_for, store, with_id
from tests.web.browser import browser  # noqa: F401 - the browser stories' Chromium

PASSWORD = "correct horse battery"
ACCOUNTS = {  # username: (role, jurisdiction, institution)
    "admin": ("administrator", None, None),
    "police.yunnan": ("police", "53", None),
    "police.hebei": ("police", "13", None),
    "police.fujian": ("police", "35", None),
    "lab": ("lab_analyst", None, None),
    "reviewer2": ("reviewer", None, None),
    "care": ("care_staff", None, "Handan Children's Welfare Institute"),
    "care.other": ("care_staff", None, "Xiamen Children's Welfare Institute"),
    "family": ("family", None, None),
    "family.other": ("family", None, None),
    "volunteer": ("volunteer", None, None),
}


@dataclass
class WebWorld:
    report_id: int
    other_report_id: int
    child_id: int
    match_id: int
    child_specimen: str


def build_world(factory, settings, cipher) -> WebWorld:
    """One Yunnan family (report published) whose child was found in Hebei and placed in
    Handan; the father's DNA matches; plus a second family in Fujian."""
    with factory() as session, session.begin():
        family = make_family(session, settings)
        family.report.published = True
        family.child.jurisdiction = "13"
        cases.place_child(session, actor="police", child=family.child,
                          kind="welfare-institution",
                          institution="Handan Children's Welfare Institute",
                          started_on=dt.date(2020, 5, 3))
        other = cases.register_missing_report(
            session, actor="police", external_id="test/person.2", child_name="Lin Mei",
            child_name_zh="林梅", sex="female", birth_date=dt.date(2012, 1, 1),
            last_seen_date=dt.date(2016, 2, 2), jurisdiction="35", published=True,
            reporter_contact="13900000000")
        sample_for(session, "R-F", relative=family.father)
        store(session, family.father_profile, cipher, settings, actor="analyst")
        sample_for(session, "C-1", child=family.child)
        store(session, family.child_profile, cipher, settings, actor="analyst")
        sample_for(session, "C-1b", child=family.child)
        store(session, with_id(family.child_profile, "C-1b"), cipher, settings,
              actor="analyst2", match=False)
        password = hash_password(PASSWORD)
        for username, (role, jurisdiction, institution) in ACCOUNTS.items():
            report_id = {"family": family.report.id, "family.other": other.id}.get(username)
            session.add(User(username=username, display_name=username, role=role,
                             jurisdiction=jurisdiction, institution=institution,
                             password_hash=password, report_id=report_id))
        session.flush()
        match = session.query(Match).filter_by(report_id=family.report.id).first()
        assert match is not None, "the father's profile should match the child"
        return WebWorld(family.report.id, other.id, family.child.id, match.id, "C-1")


@pytest.fixture
def world(factory, settings, cipher) -> WebWorld:
    return build_world(factory, settings, cipher)


@pytest.fixture
def app(settings, engine, world):
    return create_app(settings.model_copy(update={"secret_key": "test-secret",
                                                  "registration_proof_bits": PROOF_BITS}),
                      engine)


PROOF_BITS = 8  # the registration's proof of work, cheap in tests (web/challenges.py)


def proof_of(html: str) -> dict[str, str]:
    """The registration form's challenge, solved: the fields its script would fill in."""
    from homeward.web.challenges import solve

    found = re.search(r'name="challenge" value="([^"]+)"', html)
    assert found, "page has no proof-of-work challenge"
    bits = int(re.search(r'data-proof-bits="(\d+)"', html).group(1))
    return {"challenge": found.group(1), "nonce": solve(found.group(1), bits)}


def api_proof(client: TestClient) -> dict[str, str]:
    """A solved challenge from ``GET /api/v1/public/reports/challenge``."""
    from homeward.web.challenges import solve

    issued = client.get("/api/v1/public/reports/challenge").json()
    return {"challenge": issued["challenge"], "nonce": solve(issued["challenge"],
                                                             issued["bits"])}


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/tips/new").text)


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def signed_in(app):
    """``signed_in("reviewer2")`` -> (client, csrf token)."""
    clients = []

    def make(username: str):
        test_client = TestClient(app)
        clients.append(test_client)
        return test_client, sign_in(test_client, username)

    yield make
    for test_client in clients:
        test_client.close()
