"""Keyset pagination: the police case list and the reports API walk every visible report
once, in order, a page at a time, even while new reports arrive during the walk (which
OFFSET paging would shift by a row)."""

from __future__ import annotations

import datetime as dt
import re

from homeward.web.views.cases import PAGE
from homeward.workflow import cases
from tests.web.conftest import app, signed_in, world  # noqa: F401 - web fixtures

EXTRA = 2 * PAGE + 7
ROW = r'<td><a href="/cases/(\d+)">\1<'  # a report's row in the case list


def add_reports(factory, n: int, start: int) -> None:
    with factory() as session, session.begin():
        for i in range(start, start + n):
            cases.register_missing_report(
                session, actor="police", external_id=f"keyset/{i}", child_name=f"Child {i}",
                sex="female", birth_date=dt.date(2014, 1, 1),
                last_seen_date=dt.date(2019, 1, 1), jurisdiction="53")


def test_api_pages_by_keyset_see_every_report_once(factory, signed_in):  # noqa: F811
    add_reports(factory, EXTRA, 0)
    police, _ = signed_in("police.yunnan")
    everything = [r["id"] for r in police.get("/api/v1/reports?limit=500").json()]
    assert len(everything) >= EXTRA and everything == sorted(everything)
    seen, after = [], 0
    while True:
        page = police.get(f"/api/v1/reports?limit=40&after={after}").json()
        if not page:
            break
        assert len(page) <= 40
        seen += [r["id"] for r in page]
        after = page[-1]["id"]
        if len(seen) == 40:
            add_reports(factory, 3, 10_000)  # arrive mid-walk, at the end of the order
    assert seen[:len(everything)] == everything
    assert len(seen) == len(everything) + 3 == len(set(seen))


def test_case_list_pages_newest_first_and_back(factory, signed_in):  # noqa: F811
    add_reports(factory, EXTRA, 0)
    police, _ = signed_in("police.yunnan")
    all_ids = [r["id"] for r in police.get("/api/v1/reports?limit=500").json()][::-1]
    pages, url = [], "/cases"
    while url:
        html = police.get(url).text
        ids = [int(i) for i in re.findall(ROW, html)]
        pages.append(ids)
        older = re.search(r'href="(/cases\?before=\d+[^"]*)"', html)
        url = older.group(1).replace("&amp;", "&") if older else None
    assert [i for page in pages for i in page] == all_ids
    assert all(len(page) == PAGE for page in pages[:-1]) and len(pages) == 3
    # "Previous" from the last page returns exactly the page before it
    html = police.get(f"/cases?before={pages[1][-1]}").text
    newer = re.search(r'href="(/cases\?after=\d+[^"]*)"', html).group(1).replace("&amp;", "&")
    back = [int(i) for i in re.findall(ROW, police.get(newer).text)]
    assert back == pages[1]
