"""Ways published pages phrase and lay out figures (issue 19, second batch of real pages):
a story on one line that ends with an agency credit, hard-wrapped paragraphs, number words
joined to what they count, days that are no counts, Chinese clauses between a count and its
noun, 廿 and 救出 in Hong Kong copy, a period that measures a record, datelines and people
that are not places, an earlier operation told in passing, and a page dated "July 15" that
cannot be the December operation. Fixtures are written for these tests; the measure is the
real set (benchmarks/data/intake_real)."""

from __future__ import annotations

import datetime as dt

from homeward.intake.cluster import cluster
from homeward.intake.dates import date_in_url
from homeward.intake.documents import Document, story_lines
from homeward.intake.figures import counts_in, figures_of
from homeward.intake.news import read_article
from homeward.intake.numbers import normalise_numbers


def _read(text: str, published: dt.date | None = None, name: str = "a.txt"):
    return read_article(Document(name=name, text=text, published=published))


def test_a_story_paragraph_ending_in_an_agency_credit_is_kept():
    page = ("Latest News\n\nPolice broke up a gang. Officers arrested 30 suspects and rescued "
            "12 children in the raid. The children were cared for by the state.—AP")
    assert "rescued 12 children" in story_lines(page)
    assert "Home News World" not in story_lines("Title\nHome News World\n")


def test_hard_wrapped_paragraphs_are_joined_again():
    page = ("Police in Fujian have broken up a ring that traded in\n"
            "70 or more children. The 104-member network, 40 suspected members\n"
            "of which have been arrested, traded in infants from Yunnan,\n"
            "Guizhou, Sichuan\nand Guangdong.\n")
    text = story_lines(page)
    assert "40 suspected members of which have been arrested, traded in infants from " \
           "Yunnan, Guizhou, Sichuan and Guangdong." in text
    assert counts_in(normalise_numbers(text), False)["suspects_detained"] == 40


def test_number_words_joined_to_provinces_and_days_are_no_counts():
    assert normalise_numbers("the nine-province operation") == "the 9-province operation"
    assert counts_in(normalise_numbers("the nine-province operation"), False) == \
        {"provinces_involved": 9}
    assert counts_in(normalise_numbers("It began on December 18 in nine provinces"), False) == \
        {"provinces_involved": 9}
    assert "officers" not in counts_in("The case began in December 2011 police said", False)
    assert counts_in("date 2018-01-26 Railway police have rescued 33 women", False) == \
        {"women_rescued": 33}


def test_of_the_infants_is_a_count_of_children():
    assert counts_in("Police rescued 41 of the infants in March.", False) == \
        {"children_rescued": 41}


def test_chinese_clause_between_count_and_noun_and_arrests_with_deng():
    counts = counts_in(normalise_numbers(
        "13名被人贩子从四川凉山一带拐卖的婴儿被警方成功解救,14名犯罪嫌疑人全部落网"), True)
    assert counts == {"children_rescued": 13, "suspects_detained": 14}
    counts = counts_in("警方在房内抓获正在进行拐卖儿童交易的章某辉、朱某等9人,"
                       "并解救出1名男婴", True)
    assert counts == {"children_rescued": 1, "suspects_detained": 9}


def test_nian_and_jiu_chu_in_hong_kong_copy():
    reading = _read("武漢鐵路公安局近日偵破今年四月展開專項行動以來的全國最大宗販賣嬰兒案,"
                    "救出被拐兒童廿三人,拘捕販嬰者十八人。", dt.date(2009, 6, 22))
    assert reading.statistics == []
    assert reading.incident.counts == {"children_rescued": 23, "suspects_detained": 18}


def test_a_dated_day_last_year_is_no_period():
    reading = _read("去年4月4日下午,警方抓获章某、朱某等9人,并解救出1名男婴。",
                    dt.date(2016, 6, 19))
    assert reading.statistics == []
    assert reading.incident.counts["children_rescued"] == 1


def test_datelines_outlets_and_people_are_not_places():
    def places(text: str, chinese: bool) -> list[str]:
        return [u.name_en for u in figures_of(text, chinese).places]

    assert places("BEIJING (AP) — Police in Hunan detained 13 people", False) == ["Hunan"]
    assert places("新华社北京3月9日电 公安部统一指挥山东公安机关", True) == ["Shandong"]
    assert places("The Beijing News said police arrested Su Tonghua, 21, in Yueyang", False) \
        == ["Yueyang"]


def test_an_earlier_operation_told_in_passing_is_not_counted():
    reading = _read("Police rescued 41 babies in Guangxi. Earlier this month, Inner Mongolia "
                    "arrested 95 people for the trafficking of 76 babies.")
    assert reading.incident.counts == {"children_rescued": 41}
    assert reading.incident.place_names == ["Guangxi"]


def test_a_month_name_in_the_address_dates_the_page():
    assert date_in_url("http://english.china.org.cn/english/2005/Feb/119852.htm") == \
        dt.date(2005, 2, 1)


def test_a_page_dated_without_a_year_is_not_an_operation_of_another_month():
    july = _read("On July 15 police rescued 89 children and arrested 369 suspects.",
                 name="july.txt").incident
    december = _read("Police rescued 89 children and arrested 355 suspects on December 18.",
                     dt.date(2012, 12, 25), name="december.txt").incident
    assert july.date is None and july.date_without_year is not None
    assert len(cluster([july, december])) == 2
