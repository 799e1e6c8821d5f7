"""Public pages: name search in characters and pinyin, registration, tips, statistics,
and the English/Chinese interface."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from homeward.registry.models import MissingReport, Relative, Tip, User
from homeward.web.i18n import translations
from homeward.web.name_search import name_keys, query_key
from homeward.workflow import cases
from tests.web.conftest import csrf_of, proof_of

TEMPLATES = Path(__file__).parents[2] / "src/homeward/web/templates"


@pytest.mark.parametrize("query", ["张小宝", "Zhang Xiaobao", "xiaobao zhang",
                                   "zhang xiao bao", "ZHANGXIAOBAO", "zhang xiaobo"])
def test_name_search_finds_a_child_in_characters_and_pinyin(query):
    from rapidfuzz import fuzz

    keys = name_keys("张小宝", "Zhang Xiaobao")
    assert max(fuzz.ratio(query_key(query), key) for key in keys) >= 75


def test_search_page_and_api(client, world):
    for query in ("张小宝", "Zhang Xiaobao", "xiaobao zhang"):
        found = client.get("/api/v1/public/search", params={"q": query}).json()
        assert [a["id"] for a in found][:1] == [world.report_id], query
    assert "张小宝" in client.get("/search", params={"q": "xiaobao zhang"}).text
    assert client.get("/api/v1/public/search", params={"q": "Wang Fang"}).json() == []


def test_closed_alerts_leave_public_view_at_once(client, world, factory):
    assert client.get(f"/alerts/{world.report_id}").status_code == 200
    with factory() as session, session.begin():
        session.get(MissingReport, world.report_id).status = "confirmed"
    assert client.get(f"/alerts/{world.report_id}").status_code == 404
    assert client.get("/api/v1/public/search", params={"q": "张小宝"}).json() == []


def _registration(username="mama.wang", **changes):
    form = {"child_name": "王小明", "sex": "male", "birth_date": "2019-05-01",
            "last_seen_date": "2023-08-15", "province_code": "53", "city": "Kunming",
            "description": "Red jacket", "parent_name": "Wang Li", "relationship": "mother",
            "contact": "13800000000", "username": username, "password": "a long password"}
    form.update(changes)
    return form


def test_a_parent_registers_a_missing_child(client, world, factory):
    page = client.get("/register").text
    response = client.post("/register", data={**_registration(), "csrf_token": csrf_of(page),
                                              **proof_of(page)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/family")
    page = client.get("/family").text
    assert "王小明" in page and "We are searching." in page and "father" in page
    with factory() as session:
        report = session.scalar(select(MissingReport).where(
            MissingReport.child_name_zh == "王小明"))
        assert report.child_name_pinyin == "Wang Xiaoming"
        assert report.jurisdiction == "53" and not report.published
        assert report.last_seen_location.name_en == "Kunming"
        account = session.scalar(select(User).where(User.username == "mama.wang"))
        assert account.role == "family" and account.report_id == report.id
        assert session.scalar(select(Relative.relationship_to_child).where(
            Relative.report_id == report.id)) == "mother"


@pytest.mark.parametrize("changes, field", [
    ({"birth_date": "not a date"}, "birth_date"),
    ({"password": "short"}, "password"),
    ({"province_code": "5"}, "province_code"),
    ({"last_seen_date": "2999-01-01"}, "last_seen_date"),
])
def test_bad_registration_names_the_field_and_stores_nothing(client, world, factory, changes,
                                                             field):
    with factory() as session:
        before = session.scalar(select(func.count(MissingReport.id)))
    page = client.get("/register").text
    response = client.post("/register", data={**_registration(**changes),
                                              "csrf_token": csrf_of(page), **proof_of(page)})
    assert response.status_code == 422 and field in response.text
    with factory() as session:
        assert session.scalar(select(func.count(MissingReport.id))) == before


def test_a_taken_user_name_is_refused_and_nothing_is_stored(client, world, factory):
    page = client.get("/register").text
    response = client.post("/register", data={**_registration(username="lab"),
                                              "csrf_token": csrf_of(page), **proof_of(page)})
    assert response.status_code == 409 and "taken" in response.text
    with factory() as session:
        assert session.scalar(select(MissingReport.id).where(
            MissingReport.child_name_zh == "王小明")) is None


def test_tips_urgent_first_and_repeated_tips_bundled(client, world, signed_in, factory):
    first = client.post("/api/v1/tips", json={"text": "A boy is being taken onto a train now",
                                              "place": "Kunming station"}).json()
    again = client.post("/api/v1/tips", json={"text": "A boy is being taken onto a train now",
                                              "place": "Kunming station"}).json()
    client.post("/api/v1/tips", json={"text": "I think I saw the girl in Kunming last year"})
    assert first["urgent"] and first["id"] == again["id"]
    with factory() as session:
        assert session.scalar(select(func.count(Tip.id))) == 2
    police, _ = signed_in("police.yunnan")
    queue = police.get("/tips").text
    assert queue.index("being taken") < queue.index("last year")


def test_tip_with_bad_fields_is_explained(client, world):
    assert client.post("/api/v1/tips", json={"text": "hi"}).status_code == 422


def test_statistics_suppress_small_counts(client, world, monkeypatch):
    """Two cases (Yunnan 2018, Fujian 2016), one child found (Hebei 2020): every count
    is small, so every one is withheld, in the JSON, the CSV and the page alike."""
    from homeward.statistics.tables import Period
    from homeward.web import publishing

    monkeypatch.setattr(publishing, "statistics_period",
                        lambda today=None: Period(dt.date(2016, 1, 1), dt.date(2020, 12, 31)))
    stats = client.get("/api/v1/public/statistics").json()
    assert stats["threshold"] == 11 and stats["period"]["to"] == "2020-12-31"
    cases = stats["measures"]["cases"]
    assert cases["total"] == {"value": None, "suppressed": True, "display": "<11"}
    assert {(c["province"], c["year"]) for c in cases["cells"] if c["suppressed"]} == {
        ("35", 2016), ("53", 2018)}
    assert all(c["value"] == 0 for c in cases["cells"] if not c["suppressed"])
    assert [r["name_zh"] for r in cases["by_province"]] == ["河北", "福建", "云南"]
    csv_text = client.get("/api/v1/public/statistics.csv").text
    assert csv_text.startswith("measure,province_code,province,province_zh,year,value")
    assert "cases,53,Yunnan,云南,2018,<11,true" in csv_text
    assert client.get("/statistics.csv").text == csv_text
    page = client.get("/statistics").text
    assert "&lt;11" in page and "Yunnan" in page
    client.cookies.set("lang", "zh")
    assert "云南" in client.get("/statistics").text


def test_statistics_map_and_chart_are_served(client, world):
    svg = client.get("/statistics/map.svg?lang=zh")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert "新疆" in svg.text and svg.text.count("<path") >= 34
    png = client.get("/statistics/chart.png?lang=en")
    assert png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"
    assert client.get("/statistics/map.gif").status_code == 422


def test_interface_switches_to_chinese(client, world):
    response = client.get("/language/zh", follow_redirects=True)
    assert "走失儿童" in response.text and "按姓名搜索" in response.text
    assert "走失儿童" in client.get("/", headers={"accept-language": "en"}).text  # cookie wins
    client.cookies.clear()
    assert "走失儿童" in client.get("/", headers={"accept-language": "zh-CN,zh;q=0.9"}).text


def test_every_interface_string_has_a_chinese_translation():
    zh = translations("zh")
    strings = set()
    for template in TEMPLATES.rglob("*.html"):
        strings |= set(re.findall(r"""_\(["']([^"']+)["']\)""", template.read_text()))
    assert len(strings) > 100
    missing = sorted(s for s in strings if zh.gettext(s) == s)
    assert not missing, missing


def test_the_letter_bound_prefilter_finds_exactly_what_a_full_scan_finds():
    """LCS <= shared letters (with multiplicity), so pruning by that bound loses nothing:
    the matcher must return the same scores as rapidfuzz over every key (seeded names)."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from homeward.demo.seed import random_name
    from homeward.web.name_search import NameMatcher

    rng = np.random.default_rng(3)
    keys = sorted({k for _ in range(5000) for k in name_keys(*random_name(rng))})
    matcher = NameMatcher(keys)
    queries = [query_key(q) for q in ("张小宝", "zhang xiaobo", "wang fang", "li", "chen jian",
                                      "xiaoming liu", "zhaoguoqiang")]
    queries += [keys[int(i)][::-1] for i in rng.integers(0, len(keys), 20)]
    for cutoff in (60.0, 75.0, 90.0):
        for query in queries:
            fast = sorted(score for _, score in matcher.match(query, limit=50, cutoff=cutoff))
            full = sorted(score for _, score, _ in process.extract(
                query, keys, scorer=fuzz.ratio, limit=50, score_cutoff=cutoff))
            assert fast == full, (query, cutoff)


def test_no_success_answer_before_the_commit(app, world, factory):
    """The request's transaction commits before the answer is sent: a failed commit gives
    an error, never a redirect to a record that does not exist (and a browser following
    the redirect reads what it just wrote)."""
    from fastapi.testclient import TestClient
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    def refuse(session):
        raise RuntimeError("commit refused (test)")

    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/register").text
        event.listen(Session, "before_commit", refuse)
        try:
            response = client.post("/register", data={**_registration(),
                                                      "csrf_token": csrf_of(page),
                                                      **proof_of(page)},
                                   follow_redirects=False)
        finally:
            event.remove(Session, "before_commit", refuse)
    assert response.status_code == 500
    with factory() as session:
        assert session.scalar(select(User.id).where(User.username == "mama.wang")) is None


def test_the_name_index_rechecks_in_the_background_and_serves_meanwhile(factory, world):
    """After the first build, a change of publication is picked up by a background re-check
    while searches keep answering from the current index (they never wait for a rebuild)."""
    import threading
    import time as clock

    from homeward.web.name_search import NameIndex

    index = NameIndex(recheck_seconds=0.0)
    release = threading.Event()
    catch_up = index._catch_up

    def held_catch_up(session):
        if threading.current_thread().name == "name-index-recheck":
            release.wait(10)  # the background re-check is held until the search answered
        catch_up(session)

    index._catch_up = held_catch_up
    with factory() as session:
        assert [h.report_id for h in index.search(session, "林梅")] == [world.other_report_id]
        session.commit()
        cases.register_missing_report(
            session, actor="test", external_id="test/new", child_name="Lin Mei",
            child_name_zh="林梅", sex="female", published=True)
        session.commit()
        started = clock.monotonic()
        first = index.search(session, "林梅")
        assert [h.report_id for h in first] == [world.other_report_id]  # the current index
        assert clock.monotonic() - started < 5  # did not wait for the held re-check
        release.set()
        deadline = clock.monotonic() + 10
        while len(index.search(session, "林梅")) < 2 and clock.monotonic() < deadline:
            clock.sleep(0.05)
        assert len(index.search(session, "林梅")) == 2


def test_public_alerts_page_by_keyset_newest_first(client, world, factory):
    """The alert list pages by report id (``before`` / ``after``), never OFFSET: the pages
    together are every published alert once, newest first, and paging back returns the
    page before."""
    with factory() as session, session.begin():
        for n in range(5):
            report = cases.register_missing_report(
                session, actor="police", external_id=f"keyset/{n}",
                child_name=f"Li Keyset{n}", sex="female", birth_date=dt.date(2016, 1, 1),
                last_seen_date=dt.date(2021, 1, 1 + n), jurisdiction="53")
            report.published = True
    every = [a["id"] for a in client.get("/api/v1/public/alerts",
                                         params={"limit": 200}).json()]
    assert len(every) >= 6 and every == sorted(every, reverse=True)
    pages, before = [], None
    while True:
        params = {"limit": 2} | ({"before": before} if before else {})
        page = [a["id"] for a in client.get("/api/v1/public/alerts", params=params).json()]
        if not page:
            break
        pages.append(page)
        before = page[-1]
    assert [i for page in pages for i in page] == every
    back = client.get("/api/v1/public/alerts", params={"limit": 2, "after": pages[1][0]})
    assert [a["id"] for a in back.json()] == pages[0]
    assert f'href="/alerts/{every[0]}"' in client.get("/alerts").text
    older = client.get("/alerts", params={"before": every[0]}).text
    assert f'href="/alerts/{every[0]}"' not in older and f'href="/alerts/{every[1]}"' in older
    assert 'href="/alerts?after=' in older  # the way back to the newest
    assert client.get("/api/v1/public/alerts", params={"before": -1}).status_code == 422
