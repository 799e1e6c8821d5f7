"""From raid to reunion through the JSON API alone, on SQLite and PostgreSQL.

Police create an operation and register two rescued children (one by form, one in a bulk
sheet), one found with its buyers; care staff place both (the buyers' household is
refused); the lab types the samples; a match is confirmed with a second sample; the
family is told and sees it; the reunion is recorded. The other child's father sold him:
the match goes to a welfare review, never to the ordinary queue, and is concluded there.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from homeward.kinship.profiles import Profile
from homeward.kinship.readers import write_long_csv
from homeward.registry import audit
from homeward.registry.models import (
    AuditEvent,
    FoundChild,
    Match,
    MissingReport,
    Placement,
    User,
)
from homeward.web.security import hash_password
from tests.registry.world import simulated_family
from tests.web.conftest import PASSWORD

TODAY = dt.date.today()


def api(app, username: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app)
    answer = client.post("/api/v1/session", json={"username": username,
                                                   "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client, {"X-CSRF-Token": answer.json()["csrf_token"]}


@pytest.fixture
def crew(app, factory):
    """The people of the story: Hebei police, Handan care staff (province 13), the lab, a
    reviewer, and the Zhang family's account."""
    with factory() as session, session.begin():
        care = session.scalar(select(User).where(User.username == "care"))
        care.jurisdiction = "13"
        session.add(User(username="reviewer3", display_name="reviewer3", role="reviewer",
                         password_hash=hash_password(PASSWORD)))
    return {name: api(app, name) for name in ("police.hebei", "care", "lab", "reviewer2",
                                              "reviewer3")}


def upload(client, headers, profiles: list[Profile]):
    return client.post("/api/v1/profiles", headers=headers,
                       files={"file": ("typed.csv", write_long_csv(profiles), "text/csv")})


def test_the_whole_path_through_the_api(app, crew, factory, settings):
    police, ph = crew["police.hebei"]
    care, ch = crew["care"]
    lab, lh = crew["lab"]
    reviewer, rh = crew["reviewer2"]

    # police: the operation, a child by form (found with its buyers), a child by sheet
    answer = police.post("/api/v1/operations", headers=ph, json={
        "name": "Operation 7·14", "code_name": "7·14", "started_on": "2026-07-14",
        "lead_agency": "Ministry of Public Security", "provinces": ["13", "53"],
        "cities": ["Handan", "Kunming"], "officers_deployed": 2600})
    assert answer.status_code == 201, answer.text
    operation_id = answer.json()["id"]
    answer = police.post(f"/api/v1/operations/{operation_id}/children", headers=ph, json={
        "sex": "male", "found_date": TODAY.isoformat(), "province_code": "13",
        "estimated_age_years": 4, "languages": "Yunnan dialect",
        "found_with": "the couple who bought him", "rescued_from_address":
        "Xiaozhuang village 12, Handan"})
    assert answer.status_code == 201, answer.text
    first = answer.json()
    label = police.get(first["label"])
    assert label.status_code == 200 and "<svg" in label.text
    assert first["specimen_id"] in label.text

    bad = ("sex,found_date,province_code,estimated_age_years\n"
           "female,2026-02-30,13,3\nboy,2026-01-01,99,40\n")
    answer = police.post(f"/api/v1/operations/{operation_id}/children/import", headers=ph,
                         files={"file": ("raid.csv", bad, "text/csv")})
    assert answer.status_code == 422
    listed = " ".join(answer.json()["detail"])
    assert "row 2, found_date" in listed and "row 3, sex" in listed
    assert "row 3, province_code" in listed and "row 3, estimated_age_years" in listed
    with factory() as session:
        assert session.scalar(select(FoundChild.id).where(
            FoundChild.operation_id == operation_id).offset(1)) is None  # nothing stored
    good = f"sex,found_date,province_code,estimated_age_years\nmale,{TODAY},13,5\n"
    answer = police.post(f"/api/v1/operations/{operation_id}/children/import", headers=ph,
                         files={"file": ("raid.csv", good, "text/csv")})
    assert answer.status_code == 201, answer.text
    second = answer.json()[0]

    answer = police.post(f"/api/v1/operations/{operation_id}/suspects", headers=ph, json={
        "name": "Wang Jun", "role": "buyer", "id_number": "130402198001011234",
        "household_address": "Xiaozhuang Village 12 Handan", "child_ids": [first["id"]]})
    assert answer.status_code == 201, answer.text
    buyer_id = answer.json()["id"]
    answer = police.post(f"/api/v1/children/{first['id']}/transactions", headers=ph,
                         json={"price_yuan": 40000, "date": "2026-03-01",
                               "place": "Handan", "buyer_id": buyer_id})
    assert answer.status_code == 201, answer.text

    # care: the buyers' household is refused (address written differently, and by ID)
    place = {"kind": "foster-family", "institution": "Foster family Li",
             "started_on": TODAY.isoformat(), "address": "xiaozhuang village 12, handan"}
    answer = care.post(f"/api/v1/children/{first['id']}/placements", headers=ch, json=place)
    assert answer.status_code == 409 and "household" in answer.json()["detail"]
    answer = care.post(f"/api/v1/children/{first['id']}/placements", headers=ch, json={
        **place, "address": "another street 3", "household_id_numbers":
        ["130402198001011234"]})
    assert answer.status_code == 409 and "suspect" in answer.json()["detail"]
    for child in (first, second):
        answer = care.post(f"/api/v1/children/{child['id']}/placements", headers=ch, json={
            "kind": "welfare-institution", "institution": "Handan Children's Welfare Institute",
            "started_on": TODAY.isoformat()})
        assert answer.status_code == 201, answer.text
    answer = care.post(f"/api/v1/children/{first['id']}/visits", headers=ch, json={
        "date": TODAY.isoformat(), "kind": "health", "note": "well; vaccinations checked"})
    assert answer.status_code == 201, answer.text

    # the family of the first child: a report in Hebei, the father's DNA; the father of
    # the second child sold him (a suspect)
    child_p, father_p, mother_p, _, _ = simulated_family(settings, seed=21)
    other_child, other_father, _, _, _ = simulated_family(settings, seed=22)
    reports = {}
    with factory() as session, session.begin():
        for key, name in (("first", "Zhao Lei"), ("second", "Sun Hao")):
            report = MissingReport(external_id=f"test/{key}", child_name=name,
                                   jurisdiction="13", status="open", published=True)
            session.add(report)
            session.flush()
            audit.record(session, actor="test", action="create", entity="missing_report",
                         entity_id=report.id)
            reports[key] = report.id
        session.add(User(username="zhao.family", display_name="Zhao", role="family",
                         password_hash=hash_password(PASSWORD), report_id=reports["first"]))
    relatives = {}
    for key in ("first", "second"):
        answer = police.post(f"/api/v1/reports/{reports[key]}/relatives", headers=ph,
                             json={"name": f"father of {key}", "relationship_to_child":
                                   "father", "sex": "male"})
        assert answer.status_code == 201, answer.text
        relatives[key] = answer.json()["id"]
    answer = police.post(f"/api/v1/relatives/{relatives['first']}/appointments", headers=ph,
                         json={"station": "Handan Congtai police station",
                               "at": (dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
                               .isoformat()})
    assert answer.status_code == 201, answer.text
    answer = police.post(f"/api/v1/operations/{operation_id}/suspects", headers=ph, json={
        "name": "father of second", "role": "seller", "child_ids": [second["id"]],
        "sold_own_child_relative_id": relatives["second"]})
    assert answer.status_code == 201, answer.text

    # the lab: samples of the fathers, then every profile typed
    for key, specimen in (("first", "R-FIRST"), ("second", "R-SECOND")):
        answer = lab.post("/api/v1/samples", headers=lh, json={
            "specimen_id": specimen, "subject": f"relative:{relatives[key]}",
            "collected_by": "Officer Li", "consent_by": f"father of {key}"})
        assert answer.status_code == 201, answer.text
    answer = upload(lab, lh, [Profile(first["specimen_id"], child_p.genotypes),
                              Profile(second["specimen_id"], other_child.genotypes),
                              Profile("R-FIRST", father_p.genotypes),
                              Profile("R-SECOND", other_father.genotypes)])
    assert answer.status_code == 200, answer.text
    with factory() as session:
        matches = {m.report_id: m for m in session.scalars(select(Match))}
    match_first, match_second = matches[reports["first"]].id, matches[reports["second"]].id

    # second samples and review
    for child, match_id, specimen in ((first, match_first, "FIRST-2"),
                                      (second, match_second, "SECOND-2")):
        with factory() as session:
            external_id = session.get(FoundChild, child["id"]).external_id
        answer = lab.post("/api/v1/samples", headers=lh, json={
            "specimen_id": specimen, "subject": external_id, "collected_by": "Officer Li",
            "consent_by": "civil affairs"})
        assert answer.status_code == 201, answer.text
        genotypes = (child_p if child is first else other_child).genotypes
        assert upload(lab, lh, [Profile(specimen, genotypes)]).status_code == 200
        answer = lab.post(f"/api/v1/matches/{match_id}/second-sample", headers=lh,
                          json={"specimen_id": specimen})
        assert answer.status_code == 200, answer.text
        answer = reviewer.post(f"/api/v1/matches/{match_id}/review", headers=rh,
                               json={"confirm": True, "reason": "LR and 2nd sample agree"})
        assert answer.status_code == 200, answer.text
    assert reviewer.get(f"/api/v1/matches/{match_first}").json()["state"] == "reviewed"
    queue = [m["id"] for m in reviewer.get("/api/v1/matches").json()]
    assert match_second not in queue  # welfare review is not the ordinary queue
    welfare = [m["id"] for m in reviewer.get("/api/v1/welfare-reviews").json()]
    assert welfare == [match_second]

    # the family is told, sees it, and the reunion is recorded
    answer = police.post(f"/api/v1/matches/{match_first}/notify", headers=ph, json={
        "method": "in-person", "person_told": "father of first",
        "next_steps": "Reunion at the welfare institute on Friday"})
    assert answer.status_code == 200 and answer.json()["state"] == "family_notified"
    family, _ = api(app, "zhao.family")
    case = family.get("/api/v1/family/case").json()
    assert case["match_confirmed"] and case["notified_how"] == "in-person"
    assert case["what_happens_next"] == "Reunion at the welfare institute on Friday"
    answer = police.post(f"/api/v1/matches/{match_first}/reunion", headers=ph, json={
        "date": TODAY.isoformat(), "place": "Handan Children's Welfare Institute",
        "present": ["father of first", "Officer Li", "care staff"]})
    assert answer.status_code == 201, answer.text
    with factory() as session:
        report = session.get(MissingReport, reports["first"])
        assert report.status == "reunited" and not report.published
        assert session.get(FoundChild, first["id"]).status == "reunited"
        assert session.scalar(select(Placement.ended_on).where(
            Placement.found_child_id == first["id"])) == TODAY

    # welfare review: never the reviewer who loaded a profile (the lab), and concluded
    answer = reviewer.post(f"/api/v1/matches/{match_second}/welfare-review", headers=rh,
                           json={"conclusion": "do-not-return",
                                 "reason": "the father sold the child"})
    assert answer.status_code == 200 and answer.json()["state"] == "welfare_concluded"
    with factory() as session:
        assert session.get(MissingReport, reports["second"]).status == "closed"
        assert session.get(FoundChild, second["id"]).status == "long_term_care"

    overview = police.get(f"/api/v1/operations/{operation_id}").json()
    stages = {c["id"]: c["stage"] for c in overview["children"]}
    assert stages == {first["id"]: "reunited", second["id"]: "not_returned"}
    assert [s["name"] for s in overview["suspects_by_role"]["buyer"]] == ["Wang Jun"]
    with factory() as session:
        assert audit.verify_chain(session).ok
        reads = session.scalars(select(AuditEvent.details).where(
            AuditEvent.entity == "operation", AuditEvent.action == "read")).all()
        assert any(str(first["id"]) in r for r in reads)


def test_bad_input_is_refused_and_nothing_stored(app, crew, factory):
    police, ph = crew["police.hebei"]
    answer = police.post("/api/v1/operations", headers=ph, json={
        "name": "Late", "started_on": "2026-07-14", "ended_on": "2026-07-01"})
    assert answer.status_code == 409 and "ends before it starts" in answer.text
    answer = police.post("/api/v1/operations", headers=ph, json={"name": "   "})
    assert answer.status_code == 422
    operation_id = police.post("/api/v1/operations", headers=ph,
                               json={"name": "Op"}).json()["id"]
    for body in ({"sex": "male", "found_date": "2099-01-01", "province_code": "13"},
                 {"sex": "boy", "found_date": "2026-01-01", "province_code": "13"},
                 {"sex": "male", "found_date": "2026-01-01", "province_code": "1"}):
        answer = police.post(f"/api/v1/operations/{operation_id}/children", headers=ph,
                             json=body)
        assert answer.status_code == 422, body
    answer = police.post(f"/api/v1/operations/{operation_id}/children", headers=ph, json={
        "sex": "male", "found_date": "2026-01-01", "province_code": "53"})
    assert answer.status_code == 403  # Hebei police register Hebei's children
    for name, content in (("raid.csv", b""), ("raid.png", b"\x89PNG\r\n"),
                          ("raid.xlsx", b"not a workbook"), ("..", b"sex\n"),
                          ("raid.csv", b"\xff\xfe\x00bad")):
        answer = police.post(f"/api/v1/operations/{operation_id}/children/import",
                             headers=ph, files={"file": (name, content, "text/csv")})
        assert answer.status_code == 422, (name, answer.text)
    with factory() as session:
        assert session.scalar(select(FoundChild.id).where(
            FoundChild.operation_id == operation_id)) is None


@pytest.mark.parametrize("username", ["care", "lab", "reviewer2", "family", "volunteer",
                                      "admin"])
def test_only_police_create_operations(app, crew, username):
    client, headers = crew[username] if username in crew else api(app, username)
    answer = client.post("/api/v1/operations", headers=headers, json={"name": "Op"})
    assert answer.status_code == 403


def _row_counts(factory) -> dict[str, int]:
    from sqlalchemy import func

    from homeward.registry import models

    tables = (models.Operation, models.Suspect, models.SuspectKinship,
              models.ChildTransaction, models.Relative, models.DnaAppointment,
              models.Placement, models.CareVisit, models.FamilyNotification,
              models.Reunification, models.WelfareReview)
    with factory() as session:
        return {t.__tablename__: session.scalar(select(func.count()).select_from(t))
                for t in tables}


def test_every_form_refuses_bad_input_and_stores_nothing(app, crew, world, factory):
    """Each step's schema refuses what its users could mistype: a clear 422 naming the
    field, and no row written anywhere."""
    police, ph = crew["police.hebei"]
    care, ch = crew["care"]
    reviewer, rh = crew["reviewer2"]
    operation_id = police.post("/api/v1/operations", headers=ph,
                               json={"name": "Op"}).json()["id"]
    before = _row_counts(factory)
    child, match, report = world.child_id, world.match_id, world.report_id
    bad = [
        (police, ph, f"/api/v1/operations/{operation_id}/suspects",
         {"name": "X", "role": "boss"}, "role"),
        (police, ph, f"/api/v1/operations/{operation_id}/suspects",
         {"name": "X", "role": "buyer", "id_number": "<b>1</b>"}, "id_number"),
        (police, ph, "/api/v1/suspects/1/kinship",
         {"relative_suspect_id": 2, "kinship": "friend"}, "kinship"),
        (police, ph, f"/api/v1/children/{child}/transactions",
         {"price_yuan": -5}, "price_yuan"),
        (police, ph, f"/api/v1/children/{child}/transactions",
         {"price_yuan": 40000, "date": "2099-01-01"}, "date"),
        (police, ph, f"/api/v1/reports/{report}/relatives",
         {"name": "A", "relationship_to_child": "neighbour"}, "relationship_to_child"),
        (police, ph, "/api/v1/relatives/1/appointments", {"station": ""}, "station"),
        (care, ch, f"/api/v1/children/{child}/placements",
         {"kind": "hotel", "institution": "X", "started_on": "2026-01-01"}, "kind"),
        (care, ch, f"/api/v1/children/{child}/transfer",
         {"kind": "foster-family", "institution": "X", "started_on": "2026-01-01",
          "reason": ""}, "reason"),
        (care, ch, f"/api/v1/children/{child}/visits",
         {"date": "2026-01-01", "kind": "party", "note": "x"}, "kind"),
        (care, ch, f"/api/v1/children/{child}/visits",
         {"date": "2026-01-01", "kind": "health", "note": ""}, "note"),
        (care, ch, f"/api/v1/children/{child}/consent", {"consents": "perhaps"},
         "consents"),
        (police, ph, f"/api/v1/matches/{match}/notify", {"method": "pigeon"}, "method"),
        (police, ph, f"/api/v1/matches/{match}/reunion", {"date": "2099-01-01"}, "date"),
        (reviewer, rh, f"/api/v1/matches/{match}/welfare-review",
         {"conclusion": "maybe", "reason": "x"}, "conclusion"),
        (reviewer, rh, f"/api/v1/children/{child}/adoption-reversal", {"reason": ""},
         "reason"),
    ]
    for client, headers, url, body, field in bad:
        answer = client.post(url, headers=headers, json=body)
        assert answer.status_code == 422, (url, answer.text)
        assert field in answer.text, (url, answer.text)
        assert len(answer.text) < 2000  # the reply never echoes more than an excerpt
    assert _row_counts(factory) == before
