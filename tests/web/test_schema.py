"""Property-based API testing with schemathesis: no generated input gives a 500.

Every generated request is sent with the session of each role whose routes do real work
(police: operations, rescued children, suspects, relatives, the family told, the reunion;
care staff: placements, visits, consent; reviewers: matches and welfare reviews; lab
analysts: samples and profiles), so the raid-to-reunion routes are exercised past their
access check, against the OpenAPI document the app serves (SQLite).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from homeward.config import Settings
from homeward.registry.db import make_engine
from homeward.registry.migrate import upgrade
from homeward.web.app import create_app

ROLES = {"reviewer": "reviewer", "lab": "lab_analyst", "police": "police",
         "care": "care_staff"}


def _app():
    import base64
    import os
    import tempfile

    from homeward.registry.db import make_session_factory
    from homeward.registry.models import User
    from homeward.web.security import hash_password

    folder = tempfile.mkdtemp(prefix="homeward-schema-")
    url = f"sqlite:///{folder}/schema.sqlite3"
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session, session.begin():
        for name, role in ROLES.items():
            session.add(User(username=name, display_name=name, role=role, jurisdiction="53",
                             institution="Kunming Children's Welfare Institute",
                             password_hash=hash_password("schema password")))
    return create_app(Settings(database_url=url, secret_key="schema",
                               profile_key=base64.urlsafe_b64encode(os.urandom(32)).decode(),
                               login_attempts=10_000), engine)


APP = _app()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def _signed_in(username: str) -> tuple[dict[str, str], str]:
    """A session cookie and CSRF token of ``username``."""
    from fastapi.testclient import TestClient

    with TestClient(APP) as client:
        answer = client.post("/api/v1/session", json={"username": username,
                                                      "password": "schema password"})
        return dict(client.cookies), answer.json()["csrf_token"]


SESSIONS = {username: _signed_in(username) for username in ROLES}


@schema.parametrize()
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_no_server_errors(case):
    for username, (cookies, token) in SESSIONS.items():
        response = case.call(headers={"X-CSRF-Token": token}, cookies=cookies)
        assert response.status_code < 500, (username, case.method, case.formatted_path,
                                            response.text)
