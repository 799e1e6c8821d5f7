"""The pages from raid to reunion (views/raid.py), on SQLite and PostgreSQL: the forms
call the same workflow functions as the JSON API; refusals come back on the page with the
reason, and nothing is stored."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from homeward.registry.models import (
    CareVisit,
    FamilyNotification,
    FoundChild,
    Match,
    Operation,
    Photo,
    Placement,
    User,
)
from homeward.workflow.rescue_import import template_csv

TODAY = dt.date.today().isoformat()
HANDAN = "Handan Children's Welfare Institute"


@pytest.fixture
def care_in_hebei(factory, world):
    with factory() as session, session.begin():
        session.scalar(select(User).where(User.username == "care")).jurisdiction = "13"


def _count(factory, model, *where) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    return out.getvalue()


def _new_operation(police, token) -> int:
    answer = police.post("/operations/new", data={
        "csrf_token": token, "name": "Operation Spring", "started_on": "2024-03-01",
        "provinces": "13, 53", "officers_deployed": "2600"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("/", 1)[1])


def test_police_run_an_operation_through_its_pages(signed_in, world, factory):
    police, token = signed_in("police.hebei")
    assert 'action="/operations/new"' in police.get("/operations").text
    refused = police.post("/operations/new", data={"csrf_token": token, "name": " ",
                                                   "officers_deployed": "-3"})
    assert refused.status_code == 422 and 'id="form-errors"' in refused.text
    assert _count(factory, Operation) == 0
    operation_id = _new_operation(police, token)
    with factory() as session:
        operation = session.get(Operation, operation_id)
        assert operation.provinces == ["13", "53"] and operation.officers_deployed == 2600
    answer = police.post(f"/operations/{operation_id}/edit", data={
        "csrf_token": token, "name": "Operation Spring", "started_on": "2024-03-01",
        "ended_on": "2024-02-01"})
    assert answer.status_code == 409 and "ends before it starts" in answer.text

    # one child by form, with a photo: re-encoded, stored; the label is linked
    answer = police.post(f"/operations/{operation_id}/children", data={
        "csrf_token": token, "sex": "male", "found_date": TODAY, "province_code": "13",
        "estimated_age_years": "4", "rescued_from_address": "Wangzhuang village 3, Handan"},
        files={"photo": ("boy.png", _png(), "image/png")}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = police.get(answer.headers["location"]).text
    child_id = int(re.search(r'/api/v1/children/(\d+)/label.svg" id="label-link"',
                             page).group(1))
    assert police.get(f"/api/v1/children/{child_id}/label.svg").status_code == 200
    assert _count(factory, Photo, Photo.found_child_id == child_id) == 1
    assert 'id="stage-counts"' in page and "/api/v1/rescued-children-template.csv" in page
    bad_photo = police.post(f"/operations/{operation_id}/children", data={
        "csrf_token": token, "sex": "male", "found_date": TODAY, "province_code": "13"},
        files={"photo": ("x.png", b"not an image", "image/png")})
    assert bad_photo.status_code == 422 and "not a readable image" in bad_photo.text
    assert _count(factory, FoundChild, FoundChild.operation_id == operation_id) == 1

    # a bad sheet: every bad row listed, nothing stored; then a good one
    header = template_csv().decode().splitlines()[0]
    columns = header.split(",")

    def row(**values: str) -> str:
        return ",".join(values.get(c, "") for c in columns)

    bad = "\n".join([header, row(sex="female", found_date=TODAY, province_code="99"),
                     row(sex="robot", found_date="yesterday", province_code="13")]) + "\n"
    answer = police.post(f"/operations/{operation_id}/children/import",
                         data={"csrf_token": token},
                         files={"file": ("rescued.csv", bad.encode(), "text/csv")})
    assert answer.status_code == 422, answer.text
    assert "row 2" in answer.text and "row 3" in answer.text
    assert _count(factory, FoundChild, FoundChild.operation_id == operation_id) == 1
    good = "\n".join([header, row(sex="female", found_date=TODAY, province_code="13"),
                      row(sex="male", found_date=TODAY, province_code="13")]) + "\n"
    answer = police.post(f"/operations/{operation_id}/children/import",
                         data={"csrf_token": token},
                         files={"file": ("rescued.csv", good.encode(), "text/csv")},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert _count(factory, FoundChild, FoundChild.operation_id == operation_id) == 3

    # a suspect, by role on the overview
    answer = police.post(f"/operations/{operation_id}/suspects", data={
        "csrf_token": token, "name": "Wang Jun", "role": "buyer",
        "household_address": "Wangzhuang village 3, Handan", "child_ids": str(child_id)},
        follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert "Wang Jun" in police.get(f"/operations/{operation_id}").text


def test_care_places_is_refused_at_the_buyers_and_records_visits(
        signed_in, world, factory, care_in_hebei):
    police, token = signed_in("police.hebei")
    operation_id = _new_operation(police, token)
    answer = police.post(f"/operations/{operation_id}/children", data={
        "csrf_token": token, "sex": "female", "found_date": TODAY, "province_code": "13",
        "rescued_from_address": "Wangzhuang village 3, Handan"}, follow_redirects=False)
    child_id = int(answer.headers["location"].rsplit("=", 1)[1])

    care, ctoken = signed_in("care")
    listing = care.get("/care").text
    assert f"/children/{child_id}" in listing and 'id="awaiting"' in listing
    page = care.get(f"/children/{child_id}").text
    assert 'id="placement-form"' in page and 'id="next-step"' in page
    placement = {"csrf_token": ctoken, "kind": "foster-family", "institution": "Wang family",
                 "started_on": TODAY, "address": "wangzhuang village 3,  handan"}
    refused = care.post(f"/children/{child_id}/placements", data=placement)
    assert refused.status_code == 409
    assert "never return to the buyers" in refused.text and 'id="form-errors"' in refused.text
    assert _count(factory, Placement, Placement.found_child_id == child_id) == 0
    invalid = care.post(f"/children/{child_id}/placements",
                        data={**placement, "kind": "cellar", "address": ""})
    assert invalid.status_code == 422
    placed = care.post(f"/children/{child_id}/placements", data={
        **placement, "kind": "welfare-institution", "institution": HANDAN, "address": ""},
        follow_redirects=False)
    assert placed.status_code == 303, placed.text
    answer = care.post(f"/children/{child_id}/visits", data={
        "csrf_token": ctoken, "date": TODAY, "kind": "health", "note": "Healthy, eats well"},
        follow_redirects=False)
    assert answer.status_code == 303, answer.text
    with factory() as session:
        visit = session.scalar(select(CareVisit).where(CareVisit.found_child_id == child_id))
        assert visit.kind == "health" and visit.recorded_by == "care"
    page = care.get(f"/children/{child_id}").text
    assert "Healthy, eats well" in page and 'id="transfer-form"' in page
    # the old route stores a CareVisit too (workflow/care.py record_visit)
    answer = care.post(f"/care/children/{child_id}/visits", data={
        "csrf_token": ctoken, "date": TODAY, "kind": "note", "note": "Met her teacher"},
        follow_redirects=False)
    assert answer.status_code == 303
    assert _count(factory, CareVisit, CareVisit.found_child_id == child_id) == 2
    moved = care.post(f"/children/{child_id}/transfer", data={
        "csrf_token": ctoken, "kind": "welfare-institution", "institution": "Shijiazhuang",
        "started_on": TODAY, "reason": ""})
    assert moved.status_code == 422
    answer = care.post(f"/children/{child_id}/consent",
                       data={"csrf_token": ctoken, "consents": "1"}, follow_redirects=False)
    assert answer.status_code == 303
    with factory() as session:
        assert session.get(FoundChild, child_id).consents_to_contact is True


def test_reviewer_concludes_the_welfare_review_on_its_page(signed_in, world, factory):
    with factory() as session, session.begin():
        session.get(Match, world.match_id).state = "welfare_review"
    reviewer, token = signed_in("reviewer2")
    page = reviewer.get("/welfare-reviews").text
    assert f'id="welfare-form-{world.match_id}"' in page
    assert "Zhang" not in page and "Handan" not in page
    assert "decision" not in reviewer.get(f"/review/{world.match_id}").text
    assert f'/review/{world.match_id}"' not in reviewer.get("/review").text
    refused = reviewer.post(f"/welfare-reviews/{world.match_id}",
                            data={"csrf_token": token, "conclusion": "sell", "reason": "x"})
    assert refused.status_code == 422
    with factory() as session:
        assert session.get(Match, world.match_id).state == "welfare_review"


def test_police_tell_the_family_and_the_family_sees_it(signed_in, world, factory):
    from homeward.registry.models import MissingReport

    with factory() as session, session.begin():  # as the review leaves a confirmed match
        session.get(Match, world.match_id).state = "reviewed"
        session.get(MissingReport, world.report_id).status = "confirmed"
        session.get(FoundChild, world.child_id).status = "matched"
    police, token = signed_in("police.hebei")
    page = police.get(f"/cases/{world.report_id}").text
    assert f'id="notify-{world.match_id}"' in page and 'id="relative-form"' in page
    answer = police.post(f"/matches/{world.match_id}/notify", data={
        "csrf_token": token, "method": "phone", "person_told": "Zhang Wei",
        "next_steps": "Meet at the Handan welfare institute on Friday"},
        follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert _count(factory, FamilyNotification) == 1
    assert f'id="reunion-{world.match_id}"' in police.get(f"/cases/{world.report_id}").text
    family, ftoken = signed_in("family")
    page = family.get("/family").text
    assert 'id="family-notice"' in page
    assert "Meet at the Handan welfare institute on Friday" in page
    # the family adds a relative and books the DNA appointment in one form
    at = (dt.datetime.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    answer = family.post("/family/relatives", data={
        "csrf_token": ftoken, "name": "Zhang Lan", "relationship_to_child": "sister",
        "station": "Handan Congtai police station", "at": at}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    answer = police.post(f"/matches/{world.match_id}/reunion", data={
        "csrf_token": token, "date": TODAY, "place": HANDAN,
        "present": "Zhang Wei, Officer Li"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    with factory() as session:
        assert session.get(Match, world.match_id).state == "reunited"
