"""Issue 19, second round: the operation's month against announcement and publication dates,
years another outlet gives, prices per sex and money that is no price, one child rescued and
named, and a suspect named in pinyin and in characters. Fixtures are written for these tests
(after sentences of the real pages in benchmarks/data/intake_real); accuracy is measured by
benchmarks/intake_eval.py."""

from __future__ import annotations

import datetime as dt

from homeward.intake.cluster import cluster
from homeward.intake.dates import find_dates
from homeward.intake.documents import Document
from homeward.intake.names import pinyin_names, share_a_name
from homeward.intake.news import read_article
from homeward.intake.numbers import normalise_numbers
from homeward.intake.prices import prices_of


def _read(text: str, published: dt.date | None = None, name: str = "a.txt"):
    return read_article(Document(name=name, text=text, published=published))


def test_a_day_a_little_after_a_month_only_address_is_in_that_year():
    # ".../2011/07/..." is read as 1 July 2011: "on July 15" is 15 July 2011, not 2010;
    # "on Dec 20" in an article of 5 January is last year's.
    assert find_dates("on July 15 detained", dt.date(2011, 7, 1))[0].value == "2011-07-15"
    assert find_dates("on Dec 20", dt.date(2012, 1, 5))[0].value == "2011-12-20"
    assert find_dates("in mid July of this year", dt.date(2011, 7, 1))[0].value == "2011-07"
    assert find_dates("今年7月21日", dt.date(2011, 7, 25))[0].value == "2011-07-21"
    assert find_dates("11月30日零时") == []
    assert find_dates("11月30日零时", keep_yearless=True)[0].value == "--11-30"


def test_the_raid_wins_over_the_day_the_result_was_announced_or_a_meeting():
    text = ("昨天，龙岩市公安局新闻办发布消息：目前已抓获嫌犯18名，解救被拐儿童4名。"
            "9月21日，公安部召开集中统一行动会议。"
            "11月30日零时，专案组全力开展抓捕工作。")
    assert _read(text, dt.date(2011, 12, 8)).incident.date == "2011-11-30"


def test_a_year_only_figure_is_made_precise_by_a_day_of_that_year_told_elsewhere():
    text = ("Another infant died before the police operation was launched on Oct 16. "
            "Police said 27 suspects were arrested during operations late last year.")
    assert _read(text, dt.date(2013, 2, 5)).incident.date == "2012-10-16"


def test_officers_alone_do_not_date_the_rescue():
    text = ("Police rescued 31 infants in Yunnan. Zhu led nine police officers to Handan, "
            "where they arrested a main suspect in March.")
    assert _read(text, dt.date(2012, 6, 1)).incident.date == "2012-06"


def test_a_page_without_a_year_takes_it_from_another_account_of_the_operation():
    dated = _read("On July 20, police rescued 81 children and detained 330 suspects.",
                  dt.date(2011, 7, 27), "dated.txt").incident
    undated = _read("On July 20, police rescued 81 children and detained 330 suspects.",
                    None, "undated.txt").incident
    assert (undated.date, undated.date_without_year) == (None, "--07-20")
    [incident] = cluster([dated, undated])
    assert (undated.date, undated.year_from) == ("2011-07-20", "dated.txt")
    assert incident.articles == ["dated.txt", "undated.txt"]


def test_a_front_read_first_joins_the_national_account_that_names_its_case():
    front = _read("“8·30”特大拐卖儿童案龙岩战区首战告捷，抓获犯罪嫌疑人18名，解救被拐儿童4名。",
                  dt.date(2011, 12, 8), "front.txt").incident
    english = _read("Police arrested 608 suspects and rescued 178 children on Nov 30.",
                    dt.date(2011, 12, 6), "en.txt").incident
    national = _read("11月30日零时，公安部督办“8.30”案同步收网，共解救被拐儿童178名，"
                     "抓获犯罪嫌疑人608名。", dt.date(2011, 12, 8), "zh.txt").incident
    # the front links only to the Chinese national account, which links to the English one
    groups = [incident.articles for incident in cluster([english, front, national])]
    assert groups == [["en.txt", "front.txt", "zh.txt"]]


def test_a_suspect_named_in_pinyin_and_in_characters_links_two_accounts():
    english = "Hama Erji, from Xide County, is thought to be the ringleader."
    assert pinyin_names(english) == {"hamaerji"}
    assert share_a_name(english, "到达临沂后，他们就入住哈马尔吉在临沂的出租屋。")
    assert not share_a_name(english, "到达临沂后，他们就入住出租屋。")
    # an official is named in story after story: no link
    assert pinyin_names("Chen Shiqu, director of the anti-trafficking office, said.") == set()


def test_prices_per_sex_and_a_change_from_bought_to_sold():
    assert normalise_numbers("男婴价格变成了5到6万元") == "男婴价格变成了50000到60000元"
    sentence = normalise_numbers("卖掉一个男婴，父母能得到2万元的报酬。")
    [price] = prices_of(sentence, chinese=True)
    assert (price.direction, price.low, price.sex) == ("bought", 20000, "male")
    sentence = normalise_numbers("最终被卖到收买者家庭里的男婴价格变成了5到6万元，"
                                 "女婴则从1万元的初始价变成3到4万元。")
    assert [(p.direction, p.low, p.high, p.sex) for p in prices_of(sentence, True)] == [
        ("sold", 50000, 60000, "male"), ("bought", 10000, 10000, "female"),
        ("sold", 30000, 40000, "female")]
    report = _read("The ring sold a baby girl for 30,000 yuan and sold a baby boy for "
                   "70,000 yuan.").incident
    assert report.prices_by_sex == {"female": {"sold": [30000, 30000]},
                                    "male": {"sold": [70000, 70000]}}


def test_money_that_is_no_price_and_a_ring_total():
    assert prices_of("they forced them to steal 2000 yuan (US$290) a day after they bought "
                     "them", chinese=False) == []
    assert prices_of("police posted a reward of 50000 yuan after she sold babies", False) == []
    assert prices_of("扣押涉案车辆7辆、现金123000元，该团伙卖出婴儿", True) == []
    [total] = prices_of("the gang sold 9 babies and earned a total of 300000 yuan", False)
    assert (total.direction, total.high) == ("ring_total", 300000)


def test_a_rescue_operation_named_is_no_count_and_one_named_child_is_one():
    text = ("广东警方开展乞讨儿童清查解救行动，清查救助流浪乞讨未成年人135名，"
            "暂未发现被拐卖儿童。")
    assert _read(text).incident is None
    text = "警方成功破获拐卖儿童案，安全解救出被拐儿童小磊（化名）。"
    assert _read(text).incident.counts == {"children_rescued": 1}


def test_children_counted_before_and_a_gang_of_members_broken_up():
    text = ("Police said 20 children who had been abducted have returned home. The children "
            "were freed after police broke up a 22-member gang on May 14.")
    counts = _read(text, dt.date(2009, 6, 2)).incident.counts
    assert counts == {"children_rescued": 20, "suspects_detained": 22}
