"""Every role against every other role's pages and API routes: nothing leaks.

Default deny: each route is open to the roles listed here and to no other; records are
further limited by jurisdiction (police), institution (care staff) and ownership
(families). Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import ACCOUNTS

ROLE_PAGES = {
    "/cases": {"police"},
    "/operations": {"police"},
    "/tips": {"police"},
    "/leads": {"police"},
    "/lab": {"lab_analyst"},
    "/review": {"reviewer"},
    "/welfare-reviews": {"reviewer"},
    "/care": {"care_staff"},
    "/family": {"family"},
    "/admin/users": {"administrator"},
    "/admin/audit": {"administrator"},
    "/api/v1/reports": {"police"},
    "/api/v1/matches": {"reviewer"},
    "/api/v1/family/case": {"family"},
    "/api/v1/audit/verify": {"administrator"},
}


def record_routes(world) -> dict[str, set[str]]:
    """Record pages: who may open this world's records (by account, not only role)."""
    return {
        f"/cases/{world.report_id}": {"police.yunnan", "police.hebei"},  # Hebei: matched child
        f"/api/v1/reports/{world.report_id}": {"police.yunnan", "police.hebei"},
        f"/cases/{world.other_report_id}": set(),  # Fujian case, Fujian police only
        f"/children/{world.child_id}": {"police.hebei", "police.yunnan", "care"},
        f"/api/v1/children/{world.child_id}": {"police.hebei", "police.yunnan", "care"},
        f"/review/{world.match_id}": {"reviewer2"},
        f"/api/v1/matches/{world.match_id}": {"reviewer2"},
        f"/lab/profiles/{world.child_specimen}": {"lab"},
        f"/api/v1/profiles/{world.child_specimen}": {"lab"},
    }


def test_anonymous_is_denied_everything_private(client, world):
    for path in [*ROLE_PAGES, *record_routes(world)]:
        response = client.get(path, follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401, path
        else:
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login")


def test_role_matrix(signed_in, world):
    failures = []
    records = record_routes(world)
    records[f"/cases/{world.other_report_id}"] = {"police.fujian"}
    for username, (role, _, _) in ACCOUNTS.items():
        client, _ = signed_in(username)
        for path, roles in ROLE_PAGES.items():
            status = client.get(path, follow_redirects=False).status_code
            expected_ok = role in roles
            if expected_ok != (status == 200) or (not expected_ok and status not in (403,)):
                failures.append(f"{username} GET {path}: {status}")
        for path, allowed in records.items():
            status = client.get(path, follow_redirects=False).status_code
            if username in allowed:
                ok = status == 200
            else:  # no capability -> 403; capability but not this record -> 404
                ok = status in (403, 404)
            if not ok:
                failures.append(f"{username} GET {path}: {status}")
    assert not failures, "\n".join(failures)


def test_families_see_only_their_own_case(signed_in, world):
    mine, _ = signed_in("family")
    theirs, _ = signed_in("family.other")
    assert mine.get("/api/v1/family/case").json()["case_number"] == "test/person.1"
    assert theirs.get("/api/v1/family/case").json()["case_number"] == "test/person.2"
    page = theirs.get("/family").text
    assert "Zhang Xiaobao" not in page and "张小宝" not in page


def test_lab_sees_specimens_never_names(signed_in, world):
    lab, _ = signed_in("lab")
    for path in ("/lab", f"/lab/profiles/{world.child_specimen}"):
        page = lab.get(path).text
        assert "Zhang" not in page and "张小宝" not in page and "Handan" not in page


def test_reviewer_sees_dna_not_identities(signed_in, world):
    reviewer, _ = signed_in("reviewer2")
    page = reviewer.get(f"/review/{world.match_id}").text
    assert "C-1" in page and "R-F" in page
    assert "Zhang" not in page and "张小宝" not in page and "Handan" not in page


def test_public_pages_never_show_contacts_or_relatives(client: TestClient, world):
    pages = [client.get(p).text for p in (
        "/", "/alerts", f"/alerts/{world.report_id}", f"/alerts/{world.other_report_id}",
        "/search?q=lin+mei", "/statistics")]
    pages.append(client.get("/api/v1/public/alerts").text)
    pages.append(client.get("/api/v1/public/search", params={"q": "张小宝"}).text)
    joined = "\n".join(pages)
    assert "林梅" in joined and "张小宝" in joined  # the alerts themselves are public
    for secret in ("13900000000", "Zhang Wei", "Li Na", "village 7", "R-F", "C-1"):
        assert secret not in joined, secret


def test_every_view_of_a_child_or_profile_is_audited(signed_in, world, factory):
    from sqlalchemy import select

    from homeward.registry.models import AuditEvent

    police, _ = signed_in("police.hebei")
    lab, _ = signed_in("lab")
    police.get(f"/children/{world.child_id}")
    lab.get(f"/lab/profiles/{world.child_specimen}")
    with factory() as session:
        reads = session.execute(select(AuditEvent.actor, AuditEvent.entity).where(
            AuditEvent.action == "read")).all()
    assert ("police.hebei", "found_child") in reads
    assert ("lab", "profile") in reads
