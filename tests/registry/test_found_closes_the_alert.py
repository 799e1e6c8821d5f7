"""A geo-alert stops when DNA confirms that its child is found (issue 17, "Closing"):
nobody has to remember to close it, and the outbox tells those who got it."""

from __future__ import annotations

from sqlalchemy import select

from homeward.registry.models import AlertOutbox, AlertVersion, GeoAlert
from homeward.workflow import alerts

from .test_lab_report import _confirm, _father_match

TEXTS = {"en": "Missing boy, 8, last seen at Kunming station.", "zh": "8岁男孩，最后见于昆明站。"}


def test_confirming_the_match_closes_the_alert_as_found(session, settings, cipher):
    family, match = _father_match(session, settings, cipher)
    alert = alerts.publish_alert(session, actor="police", report=family.report, texts=TEXTS,
                                 latitude=25.02, longitude=102.72, place_label="Kunming")
    assert alerts.active_alert(session, family.report.id) is alert
    _confirm(session, family, match, cipher, settings)
    session.refresh(alert)
    assert (alert.status, alert.outcome) == ("closed", "found")
    assert alerts.active_alert(session, family.report.id) is None
    kinds = session.scalars(select(AlertVersion.kind).where(AlertVersion.alert_id == alert.id)
                            .order_by(AlertVersion.number)).all()
    assert kinds[-1] == "found"
    queued = session.scalars(select(AlertOutbox).where(AlertOutbox.alert_id == alert.id)).all()
    assert any(row.audience == "recipients" for row in queued)
    assert not family.report.published


def test_a_report_without_an_alert_confirms_as_before(session, settings, cipher):
    family, match = _father_match(session, settings, cipher)
    _confirm(session, family, match, cipher, settings)
    assert session.scalar(select(GeoAlert.id)) is None
    assert family.report.status == "confirmed"
