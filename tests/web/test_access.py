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
    # from raid to reunion
    "/api/v1/operations": {"police"},
    "/api/v1/rescued-children-template.csv": {"police"},
    "/api/v1/welfare-reviews": {"reviewer"},
    # investigations (issue 14): rings, routes, entity resolution
    "/investigations/rings": {"police"},
    "/investigations/routes": {"police"},
    "/investigations/routes/map.svg": {"police"},
    "/investigations/resolution": {"police"},
    "/api/v1/investigations/rings": {"police"},
    "/api/v1/investigations/routes": {"police"},
    "/api/v1/investigations/resolution": {"police"},
}

NOWHERE = 2**31 - 2  # a valid record id that names no record: nothing is written

# Every write from raid to reunion, in the API and the pages, and the roles it is open to.
# The other roles get 403 before anything is read; the roles listed get past the door (the
# empty body or the record that does not exist answers 4xx, never 401/403 or 5xx).
WRITE_ROUTES: dict[tuple[str, str], set[str]] = {
    ("POST", "/api/v1/operations"): {"police"},
    ("PATCH", "/api/v1/operations/{nowhere}"): {"police"},
    ("POST", "/api/v1/operations/{nowhere}/children"): {"police"},
    ("POST", "/api/v1/operations/{nowhere}/children/import"): {"police"},
    ("POST", "/api/v1/operations/{nowhere}/suspects"): {"police"},
    ("POST", "/api/v1/suspects/{nowhere}/kinship"): {"police"},
    ("POST", "/api/v1/children/{nowhere}/transactions"): {"police"},
    ("POST", "/api/v1/reports/{nowhere}/relatives"): {"police", "family"},
    ("POST", "/api/v1/relatives/{nowhere}/appointments"): {"police", "family"},
    ("POST", "/api/v1/children/{nowhere}/placements"): {"care_staff"},
    ("POST", "/api/v1/children/{nowhere}/transfer"): {"care_staff"},
    ("POST", "/api/v1/children/{nowhere}/visits"): {"care_staff"},
    ("POST", "/api/v1/children/{nowhere}/consent"): {"care_staff", "police"},
    ("POST", "/api/v1/matches/{nowhere}/notify"): {"police"},
    ("POST", "/api/v1/matches/{nowhere}/reunion"): {"police"},
    ("POST", "/api/v1/matches/{nowhere}/welfare-review"): {"reviewer"},
    ("POST", "/api/v1/children/{nowhere}/adoption-reversal"): {"reviewer"},
    ("POST", "/operations/new"): {"police"},
    ("POST", "/operations/{nowhere}/edit"): {"police"},
    ("POST", "/operations/{nowhere}/children"): {"police"},
    ("POST", "/operations/{nowhere}/children/import"): {"police"},
    ("POST", "/operations/{nowhere}/suspects"): {"police"},
    ("POST", "/cases/{nowhere}/relatives"): {"police", "family"},  # families: their own
    ("POST", "/family/relatives"): {"family"},
    ("POST", "/relatives/{nowhere}/appointments"): {"police", "family"},
    ("POST", "/children/{nowhere}/placements"): {"care_staff"},
    ("POST", "/children/{nowhere}/transfer"): {"care_staff"},
    ("POST", "/children/{nowhere}/visits"): {"care_staff"},
    ("POST", "/children/{nowhere}/consent"): {"care_staff", "police"},
    ("POST", "/matches/{nowhere}/notify"): {"police"},
    ("POST", "/matches/{nowhere}/reunion"): {"police"},
    ("POST", "/welfare-reviews/{nowhere}"): {"reviewer"},
    ("POST", "/children/{nowhere}/adoption-reversal"): {"reviewer"},
    # investigations: rebuilding and proposing need no body (police get 200 or 303)
    ("POST", "/api/v1/investigations/rebuild"): {"police"},
    ("POST", "/api/v1/investigations/resolution/propose"): {"police"},
    ("POST", "/api/v1/investigations/resolution/{nowhere}"): {"police"},
    ("POST", "/investigations/rebuild"): {"police"},
    ("POST", "/investigations/resolution/propose"): {"police"},
    ("POST", "/investigations/resolution/{nowhere}"): {"police"},
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
        f"/api/v1/children/{world.child_id}/label.svg": {"police.hebei", "police.yunnan"},
        "/investigations/rings/R-0000000000": set(),  # no such ring: police 404, others 403
        "/api/v1/investigations/rings/R-0000000000": set(),
    }


def operation_routes(factory) -> dict[str, set[str]]:
    """A Hebei operation's pages: Hebei police (and national police) only."""
    from homeward.workflow import operations

    with factory() as session, session.begin():
        operation = operations.create_operation(session, actor="police.hebei",
                                                name="Operation Spring", provinces=["13"])
        operation_id = operation.id
    return {f"/operations/{operation_id}": {"police.hebei"},
            f"/api/v1/operations/{operation_id}": {"police.hebei"}}


def test_anonymous_is_denied_everything_private(client, world):
    for path in [*ROLE_PAGES, *record_routes(world)]:
        response = client.get(path, follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401, path
        else:
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login")


def test_role_matrix(signed_in, world, factory):
    failures = []
    records = record_routes(world) | operation_routes(factory)
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


def test_anonymous_cannot_write_anything(client, world):
    for method, template in WRITE_ROUTES:
        path = template.format(nowhere=NOWHERE)
        status = client.request(method, path, json={}, follow_redirects=False).status_code
        expected = 401 if path.startswith("/api/") else 303
        assert status in (expected, 403), f"{method} {path}: {status}"


def test_write_matrix(signed_in, world, factory):
    """Each write is open to its roles and refused (403) to every other role, in the API
    and in the pages alike; nothing is stored by the refused ones."""
    failures = []
    before = _raid_rows(factory)
    for username, (role, _, _) in ACCOUNTS.items():
        client, token = signed_in(username)
        for (method, template), roles in WRITE_ROUTES.items():
            path = template.format(nowhere=NOWHERE)
            if path.startswith("/api/"):
                status = client.request(method, path, json={},
                                        headers={"X-CSRF-Token": token}).status_code
            else:
                status = client.request(method, path, data={"csrf_token": token},
                                        follow_redirects=False).status_code
            allowed = role in roles
            if allowed and (status in (401, 403) or status >= 500):
                failures.append(f"{username} {method} {path}: {status}, expected past the door")
            if not allowed and status != 403:
                failures.append(f"{username} {method} {path}: {status}, expected 403")
    assert not failures, "\n".join(failures)
    assert _raid_rows(factory) == before, "a refused or empty write stored something"


def _raid_rows(factory) -> dict[str, int]:
    """How many records of each kind the raid-to-reunion writes create."""
    from sqlalchemy import func, select

    from homeward.registry import models

    kinds = (models.Operation, models.FoundChild, models.Suspect, models.SuspectKinship,
             models.ChildTransaction, models.Relative, models.DnaAppointment,
             models.Placement, models.CareVisit, models.FamilyNotification,
             models.WelfareReview, models.Reunification)
    with factory() as session:
        return {kind.__name__: session.scalar(select(func.count()).select_from(kind))
                for kind in kinds}


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
