"""Posts and tips linked to reports and found children (proposals with evidence), decisions,
and tip triage: urgent notification, bundling, floods held. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from homeward.intake import tips
from homeward.intake.decisions import decide_link
from homeward.intake.linking import ChildDescription, propose_for_child
from homeward.intake.posts import Post, read_post, read_post_batch
from homeward.intake.store import store_posts
from homeward.registry.gazetteer import places
from homeward.registry.models import LeadLink, Notification, Tip
from homeward.workflow import cases
from homeward.workflow.errors import RuleViolationError

KUNMING = "530100000000"
WHEN = dt.datetime(2023, 5, 8, 9, tzinfo=dt.UTC)


@pytest.fixture
def report(session):
    return cases.register_missing_report(
        session, actor="test", external_id="test/report.1", child_name="Zhang Xiaobao",
        child_name_zh="张小宝", child_name_pinyin="Zhang Xiaobao", sex="male",
        birth_date=dt.date(2008, 3, 1), last_seen_date=dt.date(2011, 7, 10),
        last_seen_location=cases.location_for(session, places()[KUNMING]), jurisdiction="53")


def _post(text: str, number: int = 1) -> Post:
    return Post(id=str(number), user="volunteer", created_at=WHEN, text=text)


def _proposals(session, text: str, **options):
    return propose_for_child(session, ChildDescription.of(read_post(_post(text))), **options)


def test_an_appeal_in_characters_or_pinyin_is_proposed_for_the_report(session, report):
    for text in ("寻找孩子张小宝，男孩，3岁，2011年7月在云南昆明走失，求扩散！",
                 "Missing: boy named Zhang Xiaobao, aged 3, lost in Kunming in July 2011."):
        (proposal,) = _proposals(session, text)
        assert (proposal.target, proposal.target_id) == ("missing_report", report.id)
        assert proposal.score == 1.0  # sex, name, city, month and age all agree
        assert proposal.evidence["place"]["match"] == "city"


def test_a_different_name_sex_or_age_is_not_proposed(session, report):
    assert _proposals(session, "寻找孩子张小波，男孩，3岁，2011年7月在云南昆明走失") == []
    assert _proposals(session, "寻找孩子张小宝，女孩，3岁，2011年7月在云南昆明走失") == []
    assert _proposals(session, "寻找孩子张小宝，男孩，9岁，2011年7月在云南昆明走失") == []


def _found(session, number: int, birth: dt.date) -> None:
    cases.register_found_child(
        session, actor="test", external_id=f"test/found.{number}", sex="male",
        found_date=dt.date(2013, 9, 27), estimated_birth_date=birth, jurisdiction="53",
        found_location=cases.location_for(session, places()[KUNMING]))


def test_an_unnamed_found_child_is_proposed_only_when_few_fit(session):
    appeal = "寻找儿子，男孩，3岁，2011年7月在云南昆明走失"
    _found(session, 1, dt.date(2008, 5, 1))
    (proposal,) = _proposals(session, appeal)
    assert proposal.target == "found_child" and 0.5 < proposal.score < 1.0
    assert _proposals(session, appeal, found_children=False) == []
    for number in range(2, 8):
        _found(session, number, dt.date(2008, 5, number))
    assert _proposals(session, appeal) == []  # seven fit: too vague to name any


def test_reposts_point_at_the_appeal_and_links_are_stored_once(session, report):
    appeal = "寻找孩子张小宝，男孩，3岁，2011年7月在云南昆明走失，求扩散！"
    posts = [_post(appeal, 1), _post(f"转发微博 //@volunteer:{appeal}", 2),
             Post(id="3", user="other", created_at=WHEN, text=appeal)]
    readings = read_post_batch(posts)
    assert [r.kind for r in readings] == ["appeal", "repost", "repost"]
    summary = store_posts(session, readings, actor="test")
    assert (summary.leads, summary.links) == (3, 1)
    link = session.scalar(select(LeadLink))
    assert (link.target, link.target_id, link.status) == ("missing_report", report.id,
                                                          "proposed")


def test_decisions_take_effect_once_and_need_a_reason(session, report):
    tip = tips.submit_tip(session, text="我在昆明见过张小宝，男孩，3岁，2011年7月走失的那个孩子",
                          client="198.51.100.7", secret="s")
    link = session.scalar(select(LeadLink).where(LeadLink.subject == "tip"))
    assert link is not None and link.target_id == report.id
    with pytest.raises(RuleViolationError, match="reason"):
        decide_link(session, link, accept=True, actor="police.yunnan", reason=" ")
    decide_link(session, link, accept=True, actor="police.yunnan", reason="photo matches")
    assert (tip.report_id, tip.status, link.status) == (report.id, "linked", "accepted")
    with pytest.raises(RuleViolationError, match="already accepted"):
        decide_link(session, link, accept=False, actor="police.yunnan", reason="changed mind")


def test_an_urgent_tip_notifies_the_police_of_the_place_it_names(session):
    tip = tips.submit_tip(session, text="A boy is being taken onto a train at Kunming "
                                        "station right now", client="a", secret="s")
    assert tip.urgent
    note = session.scalar(select(Notification))
    assert (note.entity_id, note.jurisdiction, note.kind) == (tip.id, "53", "urgent_tip")
    calm = tips.submit_tip(session, text="I think I saw the girl in Guangzhou last year",
                           client="b", secret="s")
    assert not calm.urgent and session.scalar(select(func.count(Notification.id))) == 1


def test_repeats_are_bundled_never_dropped(session):
    text = "A boy in a red coat is being taken onto the K9 train at Kunming station"
    first = tips.submit_tip(session, text=text, client="a", secret="s")
    assert tips.submit_tip(session, text=text, client="a", secret="s").id == first.id
    other = tips.submit_tip(session, text=f"{text}, with a tall man", client="b", secret="s")
    third = tips.submit_tip(session, text=f"I also saw it: {text}", client="c", secret="s")
    assert other.id != first.id and other.bundle_of_id == first.id
    assert third.bundle_of_id == first.id and third.urgent
    elsewhere = tips.submit_tip(session, text=text.replace("Kunming", "Guangzhou"),
                                client="d", secret="s")
    assert elsewhere.bundle_of_id is None  # another province: another sighting
    assert session.scalar(select(func.count(Tip.id))) == 4
    assert session.scalar(select(func.count(Notification.id))) == 2  # one per sighting


def test_a_flood_from_one_sender_is_held_not_lost(session):
    sent = [tips.submit_tip(session, text=f"spam number {n} " + "x" * n, client="flood",
                            secret="s") for n in range(tips.FLOOD_LIMIT + 3)]
    assert [t.status for t in sent].count("held") == 3
    assert session.scalar(select(func.count(Tip.id))) == tips.FLOOD_LIMIT + 3
    assert all(t.client_key and "flood" not in t.client_key for t in sent)


def test_the_sender_address_is_never_stored(session):
    tip = tips.submit_tip(session, text="I saw a child begging at Xi'an station",
                          client="203.0.113.9", secret="s")
    assert tip.client_key == tips.client_key("203.0.113.9", "s") != "203.0.113.9"


def test_child_descriptions_need_enough_to_propose(session, report):
    assert propose_for_child(session, ChildDescription(sex="male")) == []


def test_an_incident_is_proposed_for_the_operation_it_describes(session):
    from homeward.intake.pipeline import read_news
    from homeward.intake.samples import ARTICLES
    from homeward.intake.store import store_news
    from homeward.registry.models import Incident, Operation

    operation = Operation(external_id="op/2013-09", name="Henan network",
                          started_on=dt.date(2013, 9, 27), provinces=["Henan", "Yunnan"],
                          children_rescued=92, suspects_detained=301)
    unrelated = Operation(external_id="op/2013-08", name="Other", started_on=dt.date(2013, 8, 1),
                          provinces=["Fujian"], children_rescued=5, suspects_detained=9)
    session.add_all([operation, unrelated])
    session.flush()
    summary = store_news(session, read_news([ARTICLES / "a1_aljazeera_092.txt"]), actor="t")
    assert summary.links == 1
    link = session.scalar(select(LeadLink))
    incident = session.scalar(select(Incident))
    assert (link.subject, link.subject_id, link.target, link.target_id) == (
        "incident", incident.id, "operation", operation.id)
    assert link.score == 1.0 and link.evidence["children_rescued"]["equal"]
    decide_link(session, link, accept=True, actor="police.national", reason="same figures")
    assert incident.operation_id == operation.id


def test_near_copies_and_retellings_of_an_appeal_are_reposts():
    appeal = "寻找孩子张小宝，男孩，3岁，2011年7月在云南昆明走失，走失时穿红色上衣。求扩散！"
    posts = [_post(appeal, 1), _post(appeal.replace("求扩散！", "求扩散！！好心人帮帮忙"), 2),
             _post("张小宝的家人还在找他：寻找孩子张小宝，2011年7月在昆明走失，男孩", 3),
             _post("寻找孩子李小龙，男孩，4岁，2012年3月在昆明走失", 4)]
    readings = read_post_batch(posts)
    assert [(r.kind, r.post.repost_of) for r in readings] == [
        ("appeal", None), ("repost", "1"), ("repost", "1"), ("appeal", None)]
