"""Who may reach the alert routes: the investigator's pages and API for police of the
case's jurisdiction only (as the case page), the subscription and link pages for anyone.
(The shared role matrix lives in tests/web/test_access.py; these are the alert routes.)"""

from __future__ import annotations

from sqlalchemy import func, select

from homeward.registry.models import GeoAlert
from tests.web.conftest import ACCOUNTS


def investigator_routes(world) -> dict[str, set[str]]:
    """GET routes of the world's Yunnan case: who may open them (by account)."""
    allowed = {"police.yunnan", "police.hebei"}  # Hebei: the child was found there
    return {f"/cases/{world.report_id}/alert": allowed,
            f"/api/v1/cases/{world.report_id}/alert/deliveries": allowed,
            f"/cases/{world.other_report_id}/alert": {"police.fujian"}}


def test_anonymous_cannot_reach_the_investigator_routes(client, world):
    for path in investigator_routes(world):
        answer = client.get(path, follow_redirects=False)
        if path.startswith("/api/"):
            assert answer.status_code == 401, path
        else:
            assert answer.status_code == 303 and answer.headers["location"].startswith(
                "/login"), path


def test_each_account_against_the_investigator_routes(signed_in, world):
    failures = []
    for username, (role, _, _) in ACCOUNTS.items():
        client, _ = signed_in(username)
        for path, allowed in investigator_routes(world).items():
            status = client.get(path, follow_redirects=False).status_code
            if username in allowed:
                ok = status in (200, 404) if "/api/" in path else status == 200
            else:  # no capability: 403; police of another province: 404
                ok = status == (404 if role == "police" else 403)
            if not ok:
                failures.append(f"{username} GET {path}: {status}")
    assert not failures, "\n".join(failures)


def test_only_police_of_the_case_may_publish(app, signed_in, world):
    data = {"text_en": "Missing child", "latitude": "25", "longitude": "102.7"}
    for username in ("police.fujian", "volunteer", "family", "reviewer2", "admin"):
        client, csrf = signed_in(username)
        page = client.post(f"/cases/{world.report_id}/alert", data={"csrf_token": csrf, **data},
                           follow_redirects=False)
        api = client.post(f"/api/v1/cases/{world.report_id}/alert", json=data,
                          headers={"X-CSRF-Token": csrf})
        expected = 404 if username == "police.fujian" else 403
        assert (page.status_code, api.status_code) == (expected, expected), username
    police, csrf = signed_in("police.yunnan")
    no_token = police.post(f"/cases/{world.report_id}/alert", data=data)
    assert no_token.status_code == 403  # the page needs the session's CSRF token
    with app.state.factory() as s:
        assert s.scalar(select(func.count(GeoAlert.id))) == 0


def test_public_alert_routes_are_open_to_anyone(client, signed_in, world):
    police, csrf = signed_in("police.yunnan")
    police.post(f"/cases/{world.report_id}/alert", data={
        "csrf_token": csrf, "text_en": "Missing child", "latitude": "25", "longitude": "102.7"})
    for path in ("/subscribe", "/geo-alerts/1", "/api/v1/public/geo-alerts/1"):
        assert client.get(path).status_code == 200, path
    assert client.get("/geo-alerts/99").status_code == 404
