"""Accounts: server-side sessions, four-eyes role changes, passwords, sign-in throttling.

Every test here failed on the code before sessions were held on the server: a signed-out
cookie still worked, an administrator could make themself a national police officer, an
unknown user name skipped the password hash, and a stranger could lock an officer out.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from homeward.registry.models import AuditEvent, RoleChangeRequest, User, UserSession
from homeward.web.security import SignInThrottle, hash_password
from tests.web.conftest import PASSWORD, csrf_of, sign_in

NEW_PASSWORD = "a brand new passphrase"


def _api_sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    answer = client.post("/api/v1/session", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return answer.json()["csrf_token"]


def _replay(app, cookies) -> int:
    """The status of /api/v1/me for a fresh client holding only these cookies."""
    with TestClient(app, cookies=dict(cookies)) as other:
        return other.get("/api/v1/me").status_code


def _id_of(factory, username: str) -> int:
    with factory() as session:
        return session.scalar(select(User.id).where(User.username == username))


@pytest.fixture
def admin2(factory, world):
    with factory() as session, session.begin():
        session.add(User(username="admin2", display_name="admin2", role="administrator",
                         password_hash=hash_password(PASSWORD)))


# --- sessions end on the server -------------------------------------------------------

def test_a_signed_out_cookie_no_longer_opens_the_account(app, client):
    sign_in(client, "police.yunnan")
    stolen = dict(client.cookies)
    assert _replay(app, stolen) == 200
    token = csrf_of(client.get("/tips/new").text)
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert _replay(app, stolen) == 401


def test_api_sign_out_ends_the_session_on_the_server(app, client):
    token = _api_sign_in(client, "lab")
    stolen = dict(client.cookies)
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": token}).status_code == 204
    assert _replay(app, stolen) == 401


def test_sign_out_everywhere_ends_every_session_of_the_account(app, signed_in):
    phone, _ = signed_in("reviewer2")
    desk, token = signed_in("reviewer2")
    desk.post("/logout", data={"csrf_token": token, "everywhere": "1"})
    assert phone.get("/api/v1/me").status_code == 401


def test_own_password_change_ends_the_other_sessions(app, signed_in):
    phone, _ = signed_in("police.hebei")
    desk, token = signed_in("police.hebei")
    answer = desk.post("/api/v1/me/password", headers={"X-CSRF-Token": token},
                       json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert answer.status_code == 200, answer.text
    assert phone.get("/api/v1/me").status_code == 401
    assert desk.get("/api/v1/me").json()["username"] == "police.hebei"  # a new session
    with TestClient(app) as fresh:
        assert fresh.post("/api/v1/session", json={"username": "police.hebei",
                                                   "password": PASSWORD}).status_code == 401
        _api_sign_in(fresh, "police.hebei", NEW_PASSWORD)


def test_own_password_page_needs_the_current_password(signed_in):
    care, token = signed_in("care")
    wrong = care.post("/account/password", data={"csrf_token": token,
                                                  "current_password": "not it at all",
                                                  "new_password": NEW_PASSWORD})
    assert wrong.status_code == 403
    done = care.post("/account/password", data={"csrf_token": token,
                                                 "current_password": PASSWORD,
                                                 "new_password": NEW_PASSWORD})
    assert done.status_code == 200 and 'id="changed"' in done.text
    assert care.get("/api/v1/me").json()["username"] == "care"


def test_guessing_the_current_password_from_a_session_is_throttled(signed_in):
    stolen, token = signed_in("lab")
    statuses = [stolen.post("/api/v1/me/password", headers={"X-CSRF-Token": token},
                            json={"current_password": f"guess {n}",
                                  "new_password": NEW_PASSWORD}).status_code
                for n in range(6)]
    assert statuses == [403] * 5 + [429]


def test_password_reset_by_an_administrator_ends_the_sessions(app, signed_in, factory):
    officer, _ = signed_in("police.fujian")
    admin, token = signed_in("admin")
    response = admin.post("/admin/users/password", data={
        "csrf_token": token, "username": "police.fujian", "password": NEW_PASSWORD},
        follow_redirects=False)
    assert response.status_code == 303
    assert officer.get("/api/v1/me").status_code == 401
    with TestClient(app) as fresh:
        _api_sign_in(fresh, "police.fujian", NEW_PASSWORD)
    with factory() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "reset_password"))


def test_deactivation_ends_the_sessions(app, signed_in, factory):
    officer, _ = signed_in("police.yunnan")
    stolen = dict(officer.cookies)
    admin, token = signed_in("admin")
    user_id = _id_of(factory, "police.yunnan")
    answer = admin.post(f"/api/v1/users/{user_id}/deactivate", headers={"X-CSRF-Token": token})
    assert answer.status_code == 204
    assert _replay(app, stolen) == 401
    with factory() as session:
        rows = session.scalars(select(UserSession).where(UserSession.user_id == user_id))
        assert all(row.revoked_at is not None for row in rows)


def test_idle_and_absolute_timeouts_are_settings(app, client):
    now = [dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)]
    app.state.clock = lambda: now[0]
    idle = app.state.settings.session_idle_minutes
    sign_in(client, "lab")
    now[0] += dt.timedelta(minutes=idle - 1)
    assert client.get("/api/v1/me").status_code == 200
    now[0] += dt.timedelta(minutes=idle + 1)
    assert client.get("/api/v1/me").status_code == 401  # idle too long

    sign_in(client, "lab")
    hours = app.state.settings.session_absolute_hours
    for _ in range(hours * 60 // (idle // 2) + 1):  # never idle, but signed in too long
        now[0] += dt.timedelta(minutes=idle // 2)
        status = client.get("/api/v1/me").status_code
    assert status == 401


# --- roles: never one's own, four eyes for files and DNA ------------------------------

def test_an_administrator_cannot_give_themself_the_police_role(signed_in, factory):
    admin, token = signed_in("admin")
    response = admin.post("/admin/users", data={
        "csrf_token": token, "username": "admin", "display_name": "admin", "role": "police",
        "jurisdiction": "national", "active": "on"})
    assert response.status_code == 403
    own_id = _id_of(factory, "admin")
    answer = admin.post(f"/api/v1/users/{own_id}/role", headers={"X-CSRF-Token": token},
                        json={"role": "police", "jurisdiction": "national"})
    assert answer.status_code == 403
    with factory() as session:
        account = session.get(User, own_id)
        assert (account.role, account.jurisdiction) == ("administrator", None)
    assert admin.get("/cases").status_code == 403


def test_a_role_opening_childrens_files_needs_a_second_administrator(signed_in, factory,
                                                                     admin2):
    volunteer, _ = signed_in("volunteer")
    admin, token = signed_in("admin")
    user_id = _id_of(factory, "volunteer")
    answer = admin.post(f"/api/v1/users/{user_id}/role", headers={"X-CSRF-Token": token},
                        json={"role": "police", "jurisdiction": "national"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["account"]["role"] == "volunteer" and body["pending_role_change"]
    request_id = body["pending_role_change"]["id"]
    own = admin.post(f"/api/v1/role-changes/{request_id}/approve",
                     headers={"X-CSRF-Token": token})
    assert own.status_code == 403  # the requester is not the second pair of eyes
    assert volunteer.get("/cases").status_code == 403

    second, token2 = signed_in("admin2")
    approved = second.post(f"/api/v1/role-changes/{request_id}/approve",
                           headers={"X-CSRF-Token": token2})
    assert approved.status_code == 200 and approved.json()["role"] == "police"
    assert volunteer.get("/api/v1/me").status_code == 401  # the role change ended it
    with factory() as session:
        actions = {(e.actor, e.action) for e in session.scalars(select(AuditEvent).where(
            AuditEvent.entity == "user", AuditEvent.entity_id == str(user_id)))}
        assert {("admin", "request_role"), ("admin2", "change_role")} <= actions
        assert session.get(RoleChangeRequest, request_id).decided_by == "admin2"


def test_the_pages_show_and_approve_a_pending_role_change(signed_in, factory, admin2):
    admin, token = signed_in("admin")
    made = admin.post("/admin/users", data={
        "csrf_token": token, "username": "new.officer", "display_name": "New Officer",
        "role": "police", "jurisdiction": "53", "password": NEW_PASSWORD, "active": "on"})
    assert made.status_code == 200 and 'id="notice"' in made.text
    with factory() as session:
        account = session.scalar(select(User).where(User.username == "new.officer"))
        assert (account.role, account.jurisdiction) == ("volunteer", None)  # no rights yet
        request_id = session.scalar(select(RoleChangeRequest.id))
    assert f"/admin/role-changes/{request_id}/approve" not in admin.get("/admin/users").text
    second, token2 = signed_in("admin2")
    assert f"/admin/role-changes/{request_id}/approve" in second.get("/admin/users").text
    second.post(f"/admin/role-changes/{request_id}/approve", data={"csrf_token": token2})
    with factory() as session:
        account = session.scalar(select(User).where(User.username == "new.officer"))
        assert (account.role, account.jurisdiction) == ("police", "53")


def test_the_account_concerned_never_approves_its_own_role(signed_in, factory, admin2):
    admin, token = signed_in("admin")
    user_id = _id_of(factory, "admin2")
    answer = admin.post(f"/api/v1/users/{user_id}/role", headers={"X-CSRF-Token": token},
                        json={"role": "police", "jurisdiction": "national"})
    request_id = answer.json()["pending_role_change"]["id"]
    second, token2 = signed_in("admin2")
    refused = second.post(f"/api/v1/role-changes/{request_id}/approve",
                          headers={"X-CSRF-Token": token2})
    assert refused.status_code == 403


def test_taking_rights_away_needs_no_second_approval(signed_in, factory):
    admin, token = signed_in("admin")
    user_id = _id_of(factory, "lab")
    answer = admin.post(f"/api/v1/users/{user_id}/role", headers={"X-CSRF-Token": token},
                        json={"role": "volunteer"})
    assert answer.json()["account"]["role"] == "volunteer"
    assert answer.json()["pending_role_change"] is None


def test_an_account_created_through_the_api_waits_for_approval(signed_in):
    admin, token = signed_in("admin")
    answer = admin.post("/api/v1/users", headers={"X-CSRF-Token": token}, json={
        "username": "analyst.new", "display_name": "Analyst", "role": "lab_analyst",
        "password": NEW_PASSWORD})
    assert answer.status_code == 201, answer.text
    assert answer.json()["account"]["role"] == "volunteer"
    assert answer.json()["pending_role_change"]["role"] == "lab_analyst"
    listed = admin.get("/api/v1/role-changes").json()
    assert [r["role"] for r in listed] == ["lab_analyst"]


# --- sign-in: no enumeration by timing, backoff instead of locks ------------------------

def test_an_unknown_user_name_costs_a_password_hash(client, monkeypatch):
    from homeward.web import security

    calls = []

    class CountingHasher:
        def __init__(self, real) -> None:
            self.real = real

        def hash(self, password):
            return self.real.hash(password)

        def verify(self, password_hash, password):
            calls.append(password_hash)
            return self.real.verify(password_hash, password)

    monkeypatch.setattr(security, "_hasher", CountingHasher(security._hasher))
    _api_sign_in(client, "lab")  # warm: the dummy hash is made once
    calls.clear()
    for username in ("lab", "nobody.here"):
        client.post("/api/v1/session", json={"username": username, "password": "wrong!"})
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_stranger_cannot_lock_an_officer_out(app):
    clock = Clock()
    app.state.throttle = SignInThrottle(clock=clock)
    with TestClient(app, client=("203.0.113.9", 4000)) as attacker:
        for _ in range(6):
            attacker.post("/api/v1/session", json={"username": "police.yunnan",
                                                   "password": "guess!"})
        assert attacker.post("/api/v1/session", json={
            "username": "police.yunnan", "password": PASSWORD}).status_code == 429
    with TestClient(app, client=("198.51.100.7", 4000)) as owner:
        _api_sign_in(owner, "police.yunnan")


def test_an_address_is_counted_across_accounts_and_never_reset_by_a_success(app):
    clock = Clock()
    app.state.throttle = SignInThrottle(per_address=20, clock=clock)
    with TestClient(app, client=("203.0.113.9", 4000)) as attacker:
        for n in range(19):
            attacker.post("/api/v1/session", json={"username": f"guess{n}",
                                                   "password": "guess!"})
        _api_sign_in(attacker, "volunteer")  # the attacker's own account
        attacker.post("/api/v1/session", json={"username": "guess19", "password": "guess!"})
        refused = attacker.post("/api/v1/session", json={"username": "lab",
                                                         "password": PASSWORD})
        assert refused.status_code == 429


def test_many_addresses_slow_an_account_down_but_never_lock_it(app):
    clock = Clock()
    throttle = app.state.throttle = SignInThrottle(per_account=50, base_delay=30,
                                                   max_delay=900, clock=clock)
    for n in range(50):
        throttle.failed("lab", f"10.0.{n}.1")
    with TestClient(app, client=("198.51.100.7", 4000)) as owner:
        assert owner.post("/api/v1/session", json={"username": "lab",
                                                   "password": PASSWORD}).status_code == 429
        clock.now += 30
        _api_sign_in(owner, "lab")


def test_backoff_doubles_after_the_free_attempts_and_is_capped():
    clock = Clock()
    throttle = SignInThrottle(per_account_address=5, base_delay=30, max_delay=240,
                              clock=clock)
    for _ in range(5):
        assert throttle.wait("admin", "a") == 0
        throttle.failed("admin", "a")
    waits = []
    for _ in range(6):
        waits.append(throttle.wait("admin", "a"))
        clock.now += waits[-1]
        assert throttle.wait("admin", "a") == 0
        throttle.failed("admin", "a")
    assert waits == [30, 60, 120, 240, 240, 240]
    assert throttle.wait("admin", "b") == 0  # another address is not slowed by these
    throttle.succeeded("admin", "a")
    assert throttle.wait("admin", "a") == 0
