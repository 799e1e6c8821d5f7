"""The investigators' Leads page: proposed links within their jurisdiction, decisions that
file a tip under its case, and urgent-tip notifications for the place the tip names."""

from __future__ import annotations

from sqlalchemy import select

from homeward.registry.models import LeadLink, Tip
from tests.web.conftest import csrf_of

SIGHTING = "我在昆明看到张小宝，男孩，3岁，就是2018年7月走失的那个孩子"
URGENT = "A boy is being taken onto a train at Kunming station right now"


def test_links_and_notifications_stay_in_their_jurisdiction(client, world, signed_in, factory):
    assert client.post("/api/v1/tips", json={"text": SIGHTING}).status_code == 201
    assert client.post("/api/v1/tips", json={"text": URGENT}).status_code == 201
    with factory() as session:
        link = session.scalar(select(LeadLink))
        assert (link.subject, link.target, link.target_id) == ("tip", "missing_report",
                                                               world.report_id)
    yunnan, _ = signed_in("police.yunnan")
    page = yunnan.get("/leads")
    assert page.status_code == 200
    assert SIGHTING[:10] in page.text and f"/cases/{world.report_id}" in page.text
    assert "Urgent tip" in page.text
    fujian, _ = signed_in("police.fujian")
    other = fujian.get("/leads").text
    assert SIGHTING[:10] not in other and "Urgent tip" not in other
    assert fujian.post(f"/leads/{link.id}/decision",
                       data={"decision": "accept", "reason": "x"}).status_code == 403  # CSRF


def test_accepting_a_link_files_the_tip_under_the_case(client, world, signed_in, factory):
    client.post("/api/v1/tips", json={"text": SIGHTING})
    with factory() as session:
        link_id = session.scalar(select(LeadLink.id))
    fujian, fujian_token = signed_in("police.fujian")
    refused = fujian.post(f"/leads/{link_id}/decision", data={
        "decision": "accept", "reason": "seen", "csrf_token": fujian_token})
    assert refused.status_code == 404  # not a case Fujian police may open
    police, token = signed_in("police.yunnan")
    done = police.post(f"/leads/{link_id}/decision", data={
        "decision": "accept", "reason": "the family confirms the photo",
        "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    with factory() as session:
        link = session.get(LeadLink, link_id)
        tip = session.get(Tip, link.subject_id)
        assert (link.status, link.decided_by, tip.report_id) == (
            "accepted", "police.yunnan", world.report_id)
    assert SIGHTING[:10] in police.get(f"/cases/{world.report_id}").text
    again = police.post(f"/leads/{link_id}/decision", data={
        "decision": "reject", "reason": "changed", "csrf_token": token})
    assert again.status_code == 409


def test_a_tip_photo_is_stored_without_its_location_and_shown_only_to_police(
        client, world, signed_in, factory):
    import io

    from PIL import Image

    from homeward.registry.models import AuditEvent, Photo
    from tests.web.test_security import _jpeg_with_gps as photo_with_gps

    token = csrf_of(client.get("/tips/new").text)
    bad = client.post("/tips/new", data={"text": "I saw the boy at the bus station",
                                         "csrf_token": token},
                      files={"photo": ("x.jpg", b"not an image", "image/jpeg")})
    assert bad.status_code == 422 and "photo" in bad.text
    with factory() as session:
        assert session.scalar(select(Tip.id)) is None  # nothing stored on a bad photo
    # the tip names Kunming: it follows Yunnan's jurisdiction (a tip naming no place and
    # tied to no case is for the national desk only)
    sent = client.post("/tips/new", data={"text": "I saw the boy at the bus station",
                                          "place": "Kunming", "csrf_token": token},
                       files={"photo": ("boy.jpg", photo_with_gps(), "image/jpeg")})
    assert sent.status_code == 200
    with factory() as session:
        photo = session.scalar(select(Photo))
        assert photo.tip_id is not None and photo.report_id is None
    assert not Image.open(io.BytesIO(photo.content)).getexif()
    assert client.get(f"/tips/{photo.tip_id}/photo", follow_redirects=False).status_code == 303
    lab, _ = signed_in("lab")
    assert lab.get(f"/tips/{photo.tip_id}/photo").status_code == 403
    police, _ = signed_in("police.yunnan")
    assert f"/tips/{photo.tip_id}/photo" in police.get("/tips").text
    shown = police.get(f"/tips/{photo.tip_id}/photo")
    assert shown.status_code == 200 and shown.content == photo.content
    with factory() as session:
        assert session.scalar(select(AuditEvent.actor).where(
            AuditEvent.entity == "photo", AuditEvent.action == "read")) == "police.yunnan"
