"""News articles: the command-line JSON contract on the two real articles, incidents versus
statistics, sub-cases, routes and prices, and the page furniture that must be ignored."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from homeward.intake.documents import Document, from_bytes_named
from homeward.intake.evaluation import evaluate
from homeward.intake.figures import COUNT_FIELDS
from homeward.intake.news import read_article
from homeward.intake.pipeline import read_documents, read_news
from homeward.intake.samples import ARTICLES, SAMPLES

# the two real articles of shared/samples/news, bundled unchanged
REAL = [ARTICLES / "a1_aljazeera_092.txt", ARTICLES / "c1_cdt_kunming.txt"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "homeward", "intake", *args],
                          capture_output=True, text=True, timeout=120)


def test_news_json_contract_on_the_real_articles():
    done = run_cli("news", *map(str, REAL), "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document) >= {"incidents", "statistics"}
    first, second = document["incidents"]
    for incident in (first, second):
        assert set(incident) >= {"articles", "date", *COUNT_FIELDS, "places", "routes",
                                 "price_yuan", "sub_cases", "sources"}
    # Al Jazeera, 28 Sep 2013: 92 children, 301 suspects, raids in 11 provinces
    assert first["articles"] == ["a1_aljazeera_092.txt"]
    assert (first["children_rescued"], first["suspects_detained"],
            first["provinces_involved"]) == (92, 301, 11)
    assert first["women_rescued"] is None and first["officers"] is None
    assert set(first["places"]) == {"Henan", "Yunnan", "Sichuan"}
    assert first["date"] == "2013-09-27"  # "the ministry said late on Friday"
    assert "301 suspects" in first["sources"][0]["quote"]
    # China Digital Times / Xinhua: 31 infants, 76 suspects, three provinces, the prices
    assert (second["children_rescued"], second["suspects_detained"],
            second["provinces_involved"]) == (31, 76, 3)
    assert set(second["places"]) == {"Yunnan", "Kunming", "Hebei", "Shandong", "Wenshan"}
    assert second["routes"] == [{"from": "Yunnan", "to": "Hebei"},
                                {"from": "Yunnan", "to": "Shandong"}]
    assert second["price_yuan"] == {"bought": [8000, 10000], "sold": [20000, 50000]}
    assert "abducting" in second["roles"] and "adopting" in second["roles"]
    # cumulative figures are statistics with their period, never incidents
    stats = {s["article"]: s for s in document["statistics"]}
    assert stats["a1_aljazeera_092.txt"]["children"] == 13000
    assert stats["a1_aljazeera_092.txt"]["women"] == 23000
    assert stats["a1_aljazeera_092.txt"]["period"] == "over the past two years"
    assert stats["c1_cdt_kunming.txt"]["children"] == 8000
    assert stats["c1_cdt_kunming.txt"]["period"] == "last year"


def test_sub_cases_inside_one_operation():
    """July 2011 (DESIGN.md): 89 children and 369 suspects in all; one ring 8 and 39 on the
    Guangdong-Guangxi-Vietnam route, the other 81 and 330 on the Fujian-Hebei route."""
    reading = read_article(from_bytes_named((ARTICLES / "b1_july2011_en.txt").read_bytes(),
                                            "b1"))
    incident = reading.incident
    assert incident.counts == {"children_rescued": 89, "suspects_detained": 369,
                               "officers": 2600, "provinces_involved": 14}
    subs = [(s.counts.get("children_rescued"), s.counts.get("suspects_detained"), s.routes)
            for s in incident.sub_cases]
    assert subs == [(8, 39, [("Guangdong", "Guangxi"), ("Guangxi", "Vietnam")]),
                    (81, 330, [("Fujian", "Hebei")])]
    assert [s.period for s in reading.statistics] == [
        "Since the national campaign began in April 2009"]


def test_an_english_and_a_chinese_report_of_one_incident_are_clustered_and_reconciled():
    batch = read_news([ARTICLES / "a1_aljazeera_092.txt", ARTICLES / "a2_mps_092_zh.html",
                       ARTICLES / "c1_cdt_kunming.txt"])
    incidents = [i.as_json() for i in batch.incidents]
    assert [i["articles"] for i in incidents] == [
        ["a1_aljazeera_092.txt", "a2_mps_092_zh.html"], ["c1_cdt_kunming.txt"]]
    assert incidents[0]["routes"] == [{"from": "Yunnan", "to": "Henan"},
                                      {"from": "Sichuan", "to": "Henan"}]
    assert incidents[0]["conflicts"] == []


def test_conflicting_figures_keep_the_best_supported_value_and_list_the_conflict():
    texts = {"x.txt": "Police rescued 31 infants and arrested 76 suspects in Kunming.",
             "y.txt": "Police in Kunming rescued 31 infants and arrested 76 suspects.",
             "z.txt": "Kunming police rescued 30 infants and arrested 76 suspects."}
    batch = read_documents(Document(name, text) for name, text in texts.items())
    (incident,) = [i.as_json() for i in batch.incidents]
    assert incident["children_rescued"] == 31
    assert incident["conflicts"] == [{"field": "children_rescued", "kept": 31,
                                      "values": {"x.txt": 31, "y.txt": 31, "z.txt": 30}}]


def test_page_furniture_is_not_read_as_places():
    html = (ARTICLES / "a2_mps_092_zh.html").read_bytes()
    reading = read_article(from_bytes_named(html, "a2"))
    assert "Beijing" not in reading.incident.place_names  # the dateline 北京9月28日电
    assert "Guangdong" not in reading.incident.place_names  # a "related news" box


@pytest.mark.parametrize(("folder", "size"), [(SAMPLES, 33), (SAMPLES / "heldout", 8)])
def test_the_labelled_sets_meet_the_quality_goals(folder, size):
    """Issue 6: count fields F1 >= 0.95, places >= 0.9, clustering exact."""
    result = evaluate(folder)
    assert result.articles == size
    for name in COUNT_FIELDS:
        assert result.fields[name].f1 >= 0.95, (name, result.mistakes)
    assert result.fields["places"].f1 >= 0.9, result.mistakes
    assert result.clustering_exact, result.mistakes


@pytest.mark.parametrize("name", ["n1_hefei_gbk.txt", "o1_hunan_bom.txt"])
def test_gbk_and_byte_order_marks_are_read(name):
    document = from_bytes_named((ARTICLES / name).read_bytes(), name)
    assert document.text[0] not in "\ufeff" and read_article(document).incident is not None
