"""A bulk read is audited with the ids of the records shown, not only their number; the
chain check answers administrators. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import select

from homeward.registry.models import AuditEvent
from tests.web.test_api import api_client


def _last_list(factory, entity: str) -> dict:
    with factory() as session:
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "list", AuditEvent.entity == entity)
            .order_by(AuditEvent.seq.desc()).limit(1)).one()
        return json.loads(event.details)


def test_the_api_list_records_which_reports_were_shown(app, world, factory):
    police = api_client(app, "police.yunnan")
    shown = police.get("/api/v1/reports?limit=500")
    assert shown.status_code == 200
    ids = [report["id"] for report in shown.json()]
    assert world.report_id in ids and world.other_report_id not in ids
    assert _last_list(factory, "missing_report") == {"shown": len(ids), "ids": ids}


def test_the_case_and_care_pages_record_which_records_were_shown(signed_in, world, factory):
    police, _ = signed_in("police.yunnan")
    assert police.get("/cases").status_code == 200
    assert world.report_id in _last_list(factory, "missing_report")["ids"]
    care, _ = signed_in("care")
    assert care.get("/care").status_code == 200
    assert _last_list(factory, "found_child")["ids"] == [world.child_id]


def test_administrators_verify_the_chain_and_its_checkpoints(app, world):
    verdict = api_client(app, "admin").get("/api/v1/audit/verify")
    assert verdict.status_code == 200
    body = verdict.json()
    assert body["ok"] and body["events_checked"] > 0
    assert {"first_broken_seq", "problem", "checkpoints_checked", "note"} <= set(body)
