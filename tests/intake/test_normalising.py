"""Numbers, dates and places: each rule checked against values worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from homeward.intake.dates import find_dates, find_publication_date
from homeward.intake.numbers import normalise_numbers
from homeward.intake.places import find_places, unit_named


@pytest.mark.parametrize(("text", "expected"), [
    ("rescued ninety-two children and detained three hundred and one suspects",
     "rescued 92 children and detained 301 suspects"),
    ("2,600 officers in 14 provinces", "2600 officers in 14 provinces"),
    ("a fine of 1.3 million yuan", "a fine of 1300000 yuan"),
    ("Two rings were broken up", "2 rings were broken up"),
    ("one of the gangs; the one-child policy", "one of the gangs; the one-child policy"),
    ("freed thousands of children", "freed thousands of children"),  # vague: no count
    ("解救儿童九十二名，抓获犯罪嫌疑人三百零一名", "解救儿童92名，抓获犯罪嫌疑人301名"),
    ("解救儿童1.46万名、妇女2.48万余名", "解救儿童14600名、妇女24800余名"),
    ("二〇一一年七月十五日", "2011年7月15日"),
    ("统一行动中解救两名男孩，一些孩子", "统一行动中解救2名男孩，一些孩子"),  # 统一, 一些: words
])
def test_numbers_become_digits_where_they_count_something(text, expected):
    assert normalise_numbers(text) == expected


PUBLISHED = dt.date(2013, 9, 28)  # a Saturday


@pytest.mark.parametrize(("text", "expected"), [
    ("on July 15, 2011", "2011-07-15"), ("28 Sep 2013", "2013-09-28"),
    ("in July 2011", "2011-07"), ("since 2009", "2009"),
    ("the ministry said late on Friday", "2013-09-27"),  # the Friday before publication
    ("on July 15", "2013-07-15"), ("on December 1", "2012-12-01"),  # no future dates
    ("last year", "2012"), ("last month", "2013-08"), ("yesterday", "2013-09-27"),
    ("2011年7月15日", "2011-07-15"), ("2011年7月", "2011-07"), ("7月中旬", "2013-07"),
    ("去年", "2012"), ("近日", "2013-09"), ("昨天", "2013-09-27"),
])
def test_dates_keep_their_precision_and_resolve_against_publication(text, expected):
    assert [d.value for d in find_dates(text, PUBLISHED)] == [expected]


def test_relative_dates_need_a_publication_date():
    assert find_dates("last year", None) == []
    assert [d.value for d in find_dates("in July 2011", None)] == ["2011-07"]


def test_publication_dates_come_from_labels_first():
    assert find_publication_date("Title\n\nLast Modified: 28 Sep 2013 06:06\n"
                                 "In 2011, 13,000 children ...") == PUBLISHED
    assert find_publication_date("标题\n发布时间：2023年06月20日\n6月18日，警方…") == \
        dt.date(2023, 6, 20)


def _names(text: str) -> list[str]:
    return [m.unit.name_en for m in find_places(text)]


def test_places_in_english_pinyin_and_chinese_normalise_to_the_same_units():
    assert _names("Guangxi Zhuang Autonomous Region") == ["Guangxi"]
    assert _names("广西壮族自治区与广西") == ["Guangxi", "Guangxi"]
    assert _names("Kunming") == ["Kunming"] and unit_named("Kunming").province == "Yunnan"
    assert _names("the Zhuang-Miao Autonomous Prefecture of Wenshan") == ["Wenshan"]
    assert _names("文山州和文山壮族苗族自治州") == ["Wenshan", "Wenshan"]
    assert _names("Xi'an and Harbin") == ["Xi'an", "Harbin"]
    assert _names("the Guangdong-Guangxi-Vietnam route") == ["Guangdong", "Guangxi", "Vietnam"]
    kunming = unit_named("昆明市")
    assert kunming.adcode == "530100000000" and 102 < kunming.longitude < 103.5


def test_a_pinyin_name_of_two_cities_follows_the_province_the_text_names():
    assert [m.unit.province for m in find_places("Fuzhou in Jiangxi")][0] == "Jiangxi"
    assert [m.unit.province for m in find_places("Fuzhou in Fujian")][0] == "Fujian"
    assert unit_named("Fuzhou").province == "Fujian"  # alone: the provincial capital


def test_ordinary_words_are_not_places():
    assert _names("来宾们和大同小异") == []  # 来宾 "guests" (Laibin), 大同 "harmony" (Datong)
    assert _names("来宾市") == ["Laibin"]  # with its suffix it is the city
    assert _names("Chinese police in China") == []
