"""Bad input in every format: a clear report per item, never a crash, never a half-stored
batch, and nothing stored twice. Storage runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from homeward.intake.feeds import read_feed
from homeward.intake.pipeline import read_documents, read_news
from homeward.intake.posts import read_post_batch, read_posts
from homeward.intake.samples import ARTICLES, FEED, POSTS
from homeward.intake.store import store_news, store_posts
from homeward.registry.models import Incident, Lead, ReportedStatistic, Source


@pytest.fixture
def bad_folder(tmp_path):
    tmp_path = tmp_path / "incoming"
    tmp_path.mkdir()
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "truncated.html").write_text(
        "<html><body><div class='nav'>Home | News</div><article><h1>Police rescue 5 "
        "children</h1><p>Police in Kunming rescued five children and detained 12 suspects, "
        "police said on Monday.</p><p>The gang sold the chil", encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes(
        "合肥警方解救被拐儿童4名\n\n合肥市公安局通报，民警抓获犯罪嫌疑人11名，解救被拐儿童4名。"
        .encode("gbk"))
    (tmp_path / "bom.txt").write_bytes(
        b"\xef\xbb\xbfPolice rescue 9 children\n\nPolice in Changsha said they had rescued "
        b"nine children and arrested 23 suspects in raids across three provinces.")
    (tmp_path / "tiny.txt").write_text("hello", encoding="utf-8")
    return tmp_path


def test_a_folder_of_bad_files_reports_each_and_reads_the_rest(bad_folder):
    batch = read_news([bad_folder])
    problems = {p.item: p.reason for p in batch.problems}
    assert problems == {"binary.bin": "binary data, not text (NUL bytes)",
                        "empty.txt": "the file is empty",
                        "tiny.txt": "too short to be an article"}
    read = {r.document.name: r.incident.counts for r in batch.readings if r.incident}
    assert read["gbk.txt"] == {"children_rescued": 4, "suspects_detained": 11}
    assert read["bom.txt"]["children_rescued"] == 9
    assert read["truncated.html"] == {"children_rescued": 5, "suspects_detained": 12}


def test_the_cli_reports_problems_on_stderr_and_keeps_stdout_json(bad_folder):
    from tests.intake.test_news import run_cli

    done = run_cli("news", str(bad_folder), "--json")
    assert done.returncode == 0
    document = json.loads(done.stdout)
    assert {p["item"] for p in document["problems"]} == {"binary.bin", "empty.txt", "tiny.txt"}
    assert "skipped empty.txt: the file is empty" in done.stderr
    nothing = run_cli("news", str(bad_folder / "empty.txt"), "--json")
    assert nothing.returncode == 2 and "the file is empty" in nothing.stderr


def test_bad_jsonl_lines_are_reported_by_number(tmp_path):
    path = tmp_path / "posts.jsonl"
    good = {"id": "1", "user": "u", "created_at": "2023-05-08T09:00:00+08:00",
            "text": "寻找孩子李小龙，男孩，3岁，2011年7月在云南昆明走失"}
    path.write_text("\n".join([
        json.dumps(good, ensure_ascii=False), "{not json", json.dumps(["a", "list"]),
        json.dumps({"id": "2", "user": "u", "text": "no date"}),
        json.dumps({**good, "created_at": "yesterday-ish"}),
        json.dumps(good, ensure_ascii=False), ""]), encoding="utf-8")
    posts, problems = read_posts(path)
    assert [p.id for p in posts] == ["1"]
    assert [str(p) for p in problems] == [
        "posts.jsonl line 2: not JSON (Expecting property name enclosed in double quotes)",
        "posts.jsonl line 3: a post must be a JSON object",
        "posts.jsonl line 4: missing field(s): created_at",
        "posts.jsonl line 5: created_at 'yesterday-ish' is not a date and time",
        "posts.jsonl line 6: post 1 appears twice in the file"]


def test_a_broken_feed_is_one_problem_and_an_empty_entry_another(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<rss><channel><title>x</title>", encoding="utf-8")
    (problem,) = read_feed(str(broken))
    assert problem.item == "broken.xml" and "not a readable RSS or Atom feed" in problem.reason
    items = read_feed(str(FEED))
    assert [type(i).__name__ for i in items] == ["Document", "UnreadableItem"]
    assert items[1].item == "sample_feed.xml entry 2"


def _count(session, model) -> int:
    return session.scalar(select(func.count(model.id)))


def test_storing_twice_stores_nothing_new(session, bad_folder):
    batch = read_news([ARTICLES, bad_folder])
    first = store_news(session, batch, actor="test")
    assert first.stored == 36 and len(first.problems) == 3
    # the 15 labelled incidents and one new (Kunming, truncated page); the GBK and BOM
    # files retell the Hefei and Changsha incidents and join them
    assert (first.incidents_created, first.incidents_updated) == (16, 15)
    counts = (_count(session, Source), _count(session, Incident),
              _count(session, ReportedStatistic))
    again = store_news(session, read_news([ARTICLES, bad_folder]), actor="test")
    assert (again.stored, again.already_stored) == (0, 36)
    assert (_count(session, Source), _count(session, Incident),
            _count(session, ReportedStatistic)) == counts
    posts, problems = read_posts(POSTS)
    assert store_posts(session, read_post_batch(posts), actor="test").leads == 6
    assert store_posts(session, read_post_batch(posts), actor="test").leads == 0


def test_a_failure_part_way_stores_nothing_and_keeps_what_was_there(factory, monkeypatch):
    with factory() as session:
        store_news(session, read_news([ARTICLES / "a1_aljazeera_092.txt"]), actor="test")
        session.commit()
    from homeward.intake import store as store_module

    calls = {"n": 0}
    original = store_module._attach

    def failing_attach(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(store_module, "_attach", failing_attach)
    with factory() as session, pytest.raises(RuntimeError, match="disk full"):
        try:
            store_module.store_news(session, read_news([ARTICLES]), actor="test")
            session.commit()
        except RuntimeError:
            session.rollback()
            raise
    with factory() as session:
        assert _count(session, Source) == 1 and _count(session, Incident) == 1
        (incident,) = session.scalars(select(Incident))
        assert incident.figures["children_rescued"] == 92


def test_a_feed_entry_joins_the_incident_an_article_already_told(session):
    store_news(session, read_news([ARTICLES / "m1_shenzhen_en.txt"]), actor="test")
    summary = store_news(session, read_documents(read_feed(str(FEED))), actor="test",
                         kind="feed_entry")
    assert (summary.stored, summary.incidents_created, summary.incidents_updated) == (1, 0, 1)
    (incident,) = session.scalars(select(Incident))
    assert incident.figures["articles"] == ["m1_shenzhen_en.txt", "sample_feed.xml entry 1"]
    assert _count(session, Lead) == 0
