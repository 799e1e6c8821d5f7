"""What real pages do that our own samples did not (issue 19): traditional characters and
full-width digits, cumulative figures without a period word, case code names that look like
dates, publication dates from the address, a lead that tells a local front before the
national totals, fronts of one operation grouped together, outlets that are not places, and
bad files skipped with a reason. The fixtures are written for these tests; the measure of
accuracy is the real set (benchmarks/data/intake_real, benchmarks/intake_eval.py)."""

from __future__ import annotations

import datetime as dt

from homeward.intake.cluster import cluster
from homeward.intake.dates import date_in_url
from homeward.intake.documents import MAX_ARTICLE_BYTES, Document
from homeward.intake.news import read_article
from homeward.intake.pipeline import read_news
from homeward.intake.script import to_simplified
from homeward.intake.sentences import split_sentences
from homeward.intake.timing import case_codes


def _read(text: str, published: dt.date | None = None, name: str = "a.txt"):
    return read_article(Document(name=name, text=text, published=published))


def test_traditional_characters_full_width_digits_and_pinyin_notes_are_read():
    assert to_simplified("解救１２名被拐賣兒童") == "解救12名被拐卖儿童"
    assert to_simplified("開(kāi)展打擊") == "开展打击"
    reading = _read("公安機關統一行動,抓獲犯罪嫌疑人３１０名,解救被拐兒童７７名。")
    assert reading.incident.counts == {"children_rescued": 77, "suspects_detained": 310}
    # the quote keeps the page's own characters
    assert "抓獲" in reading.incident.quote


def test_chinese_numerals_and_wan_are_counts():
    reading = _read("截止十一月五日共抓获涉案犯罪嫌疑人五名,解救出被拐儿童十九名。")
    assert reading.incident.counts["suspects_detained"] == 5
    assert reading.incident.counts["children_rescued"] == 19
    [sentence] = split_sentences("抓获犯罪嫌疑人2.3万名。")
    assert "23000名" in sentence.normalised


def test_a_thousand_children_is_a_statistic_even_without_a_period_word():
    reading = _read("Among those rescued by the police were more than eight thousand children "
                    "kidnapped from their homes.")
    assert reading.incident is None
    assert [s.children for s in reading.statistics] == [8000]


def test_yearly_and_dated_ranges_are_periods_of_statistics():
    text = ("Police rescued 196 children and 214 women and broke up 72 human trafficking "
            "rings from April 9 to May 4.")
    [statistic] = _read(text).statistics
    assert (statistic.children, statistic.women, statistic.period) == \
        (196, 214, "from April 9 to May 4")
    assert _read("In all, police rescued 8,660 abducted children and 15,458 women in busts "
                 "of 3,195 gangs during 2011.").incident is None


def test_a_raid_in_mid_july_of_this_year_stays_an_incident():
    reading = _read("A total of 369 suspects have been seized, and 89 children rescued in two "
                    "crackdowns in mid July of this year, the ministry said.",
                    published=dt.date(2011, 7, 27))
    assert reading.incident.counts == {"children_rescued": 89, "suspects_detained": 369}
    assert reading.statistics == []


def test_a_case_code_name_is_no_date_and_an_investigation_start_is_not_the_raid():
    text = ("2016年，公安部挂牌督办“7·14”打拐专案。2016年11月24日零时，专案组统一收网，"
            "抓获犯罪嫌疑人13名，解救被拐婴幼儿11名。")
    assert _read(text).incident.date == "2016-11-24"
    text = ("Police launched an investigation after they found women at the station in "
            "October 2016. Police have caught 78 suspects and rescued 33 women.")
    assert _read(text, published=dt.date(2018, 1, 26)).incident.date == "2018-01"
    assert case_codes("“8·30”特大拐卖儿童案 and the “8.30” case") == {"8-30"}


def test_the_address_dates_a_page_that_states_no_date(tmp_path):
    assert date_in_url("http://ecns.cn/cns-wire/2016/01-19/196315.shtml") == dt.date(2016, 1, 19)
    assert date_in_url("http://hnr.cn/news/sd/201208/t20120807_164716.html") == \
        dt.date(2012, 8, 1)
    assert date_in_url("https://www.bbc.com/news/world-asia-china-29947379") is None
    page = tmp_path / "p.txt"
    page.write_text("Police rescue 92 children\n\nChinese police have rescued 92 children and "
                    "arrested 301 trafficking suspects, state media said yesterday.",
                    encoding="utf-8")
    batch = read_news([page], {"p.txt": "https://example.org/story/2013/09/29/rescue/"})
    assert batch.readings[0].incident.date == "2013-09-28"


def test_the_national_total_wins_over_a_front_told_first():
    text = ("More than 150 police officers from the city were dispatched to capture human "
            "traffickers. As of Thursday, 16 suspects had been arrested. More than 7,000 police "
            "officers took part in 14 provinces. As a result, 310 suspects were arrested and 77 "
            "kidnapped children were rescued.")
    counts = _read(text, published=dt.date(2012, 3, 9)).incident.counts
    assert (counts["suspects_detained"], counts["children_rescued"]) == (310, 77)


def test_a_front_of_a_national_operation_joins_it_by_its_case_name():
    national = _read("11月30日零时，10省区公安机关对“5.05”“8.30”两起特大拐卖儿童案同步集中收网，"
                     "共解救被拐儿童178名，抓获犯罪嫌疑人608名。", dt.date(2011, 12, 8), "n.txt")
    front = _read("由公安部督办的“8·30”特大拐卖儿童案龙岩战区首战告捷，专案组抓获犯罪嫌疑人18名，"
                  "解救被拐儿童4名。", dt.date(2011, 12, 8), "f.txt")
    # smaller figures in the same month, but no shared case name nor province count: apart
    other = _read("警方抓获犯罪嫌疑人7名，解救被拐儿童3名。", dt.date(2011, 12, 8), "o.txt")
    groups = [incident.articles for incident in
              cluster([national.incident, front.incident, other.incident])]
    assert groups == [["n.txt", "f.txt"], ["o.txt"]]


def test_outlets_and_bylines_are_not_places():
    text = ("By ZHENG CAIXIONG in Guangzhou: Guangdong police have rescued 14 infants in "
            "Huizhou, the Guangzhou Daily reported.")
    assert set(_read(text).incident.place_names) == {"Guangdong", "Huizhou"}


def test_bad_files_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "nav.html").write_text(
        "<html><body><ul><li><a href='/'>Home</a></li><li><a href='/n'>News</a></li>"
        "<li><a href='/p'>Politics and society</a></li><li><a href='/s'>Sports</a></li>"
        "</ul></body></html>", encoding="utf-8")
    (tmp_path / "image.html").write_text(
        "<html><body><img src='photo.jpg' alt=''></body></html>", encoding="utf-8")
    (tmp_path / "unknown.txt").write_bytes(bytes(range(128, 256)) * 64 + b"\x01\x02" * 400)
    with open(tmp_path / "huge.txt", "wb") as handle:
        handle.seek(MAX_ARTICLE_BYTES * 5)
        handle.write(b"x")
    batch = read_news([tmp_path])
    reasons = {p.item: p.reason for p in batch.problems}
    assert set(reasons) == {"nav.html", "image.html", "unknown.txt", "huge.txt"}
    assert reasons["huge.txt"].startswith("too large for an article (50 MB")
    assert "navigation" in reasons["nav.html"] or "no readable story" in reasons["nav.html"]
    assert reasons["image.html"] == "the page holds no readable story"
    assert batch.readings == [] and batch.incidents == []
