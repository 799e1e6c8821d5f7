"""The JSON API end to end: second sample, review, the family's view, the closed alert;
uploads with bad rows are refused whole. On SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from homeward.registry.models import StoredProfile
from tests.web.conftest import PASSWORD


def api_client(app, username: str) -> TestClient:
    client = TestClient(app)
    answer = client.post("/api/v1/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def test_review_story_through_the_api(app, world, client):
    reviewer = api_client(app, "reviewer2")
    sheet = reviewer.get(f"/api/v1/matches/{world.match_id}").json()
    assert sheet["state"] == "candidate" and sheet["loci_compared"] >= 15
    assert {"locus", "genotypes", "lr", "excluded"} <= set(sheet["loci"][0])
    assert 0.99 < sheet["posterior"] <= 1.0
    early = reviewer.post(f"/api/v1/matches/{world.match_id}/review",
                          json={"confirm": True, "reason": "strong"})
    assert early.status_code == 409 and "second sample" in early.json()["detail"]
    second = reviewer.post(f"/api/v1/matches/{world.match_id}/second-sample",
                           json={"specimen_id": "C-1b"})
    assert second.json()["state"] == "second_sample_confirmed"
    done = reviewer.post(f"/api/v1/matches/{world.match_id}/review",
                         json={"confirm": True, "reason": "LR above threshold, two samples"})
    assert done.status_code == 200 and done.json()["state"] == "reviewed"
    family = api_client(app, "family").get("/api/v1/family/case").json()
    assert family["match_confirmed"] and family["stage"] == "Match confirmed."
    assert client.get(f"/api/v1/public/alerts/{world.report_id}").status_code == 404


def test_the_analyst_who_loaded_a_profile_cannot_review(app, world, factory):
    from homeward.registry.models import User
    from homeward.web.security import hash_password

    with factory() as session, session.begin():  # the analyst who typed C-1 now reviews
        analyst = session.scalar(select(User).where(User.username == "analyst"))
        analyst.role, analyst.password_hash = "reviewer", hash_password(PASSWORD)
    reviewer = api_client(app, "analyst")
    reviewer.post(f"/api/v1/matches/{world.match_id}/second-sample",
                  json={"specimen_id": "C-1b"})
    refused = reviewer.post(f"/api/v1/matches/{world.match_id}/review",
                            json={"confirm": True, "reason": "mine"})
    assert refused.status_code == 403 and "loaded a profile" in refused.json()["detail"]


def test_profile_upload_with_a_bad_row_stores_nothing(app, world, factory):
    lab = api_client(app, "lab")
    assert lab.post("/api/v1/samples", json={
        "specimen_id": "R-M", "subject": "relative:2", "collected_by": "Officer Li",
        "consent_by": "donor"}).status_code == 201
    good = "sample,locus,allele1,allele2\nR-M,D3S1358,15,16\nR-M,vWA,14,17\n"
    bad = good + "R-M,D99S999,12,13\n"
    with factory() as session:
        before = session.scalar(select(func.count(StoredProfile.id)))
    refused = lab.post("/api/v1/profiles", files={"file": ("lab.csv", bad, "text/csv")})
    assert refused.status_code == 422 and "D99S999" in str(refused.json()["detail"])
    with factory() as session:
        assert session.scalar(select(func.count(StoredProfile.id))) == before
    stored = lab.post("/api/v1/profiles", files={"file": ("lab.csv", good, "text/csv")})
    assert stored.status_code == 200 and stored.json()["stored"] == 1
    again = lab.post("/api/v1/profiles", files={"file": ("lab.csv", good, "text/csv")})
    assert again.json() == {"stored": 0, "already_present": 1, "match_candidates": []}


def test_health_and_openapi(client, world):
    assert client.get("/healthz").json() == {"status": "ok"}
    document = client.get("/openapi.json").json()
    assert "/api/v1/matches/{match_id}/review" in document["paths"]
    assert not any(path.startswith(("/cases", "/lab", "/admin")) for path in document["paths"])
