"""The investigators' Leads page: proposed links within their jurisdiction, decisions that
file a tip under its case, and urgent-tip notifications for the place the tip names."""

from __future__ import annotations

from sqlalchemy import select

from homeward.registry.models import LeadLink, Tip

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
