"""End to end in a real browser (Playwright driving Debian's Chromium).

The main story: a parent registers a missing child; a lab analyst registers and uploads
the parent's profile and a rescued child's profile; a candidate appears; a reviewer
confirms it after a second sample; the family sees "Match confirmed."; the public alert
is closed. Screenshots of each page go to tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from homeward.kinship import simulate
from homeward.kinship.model import build_locus_models
from homeward.kinship.readers import write_long_csv
from homeward.registry.db import make_engine, make_session_factory
from homeward.registry.models import User
from homeward.web.security import hash_password
from homeward.workflow import cases
from homeward.workflow.matching import kinship_setup
from tests.web.browser import PASSWORD, registry, serve, shot, sign_in


@pytest.fixture
def server(tmp_path):
    """A real uvicorn server on a fresh SQLite database with staff accounts and one
    rescued child; yields (base URL, folder of profile files)."""
    url, env, settings = registry(tmp_path)
    engine = make_engine(url)
    with make_session_factory(engine)() as session, session.begin():
        for username, role, jurisdiction in (("police.yunnan", "police", "53"),
                                             ("lab.analyst", "lab_analyst", None),
                                             ("lab.second", "lab_analyst", None),
                                             ("reviewer", "reviewer", None)):
            session.add(User(username=username, display_name=username, role=role,
                             jurisdiction=jurisdiction, password_hash=hash_password(PASSWORD)))
        cases.register_found_child(session, actor="police", external_id="FC-E2E",
                                   kind="rescued", sex="male", found_date=dt.date(2024, 3, 1),
                                   estimated_birth_date=dt.date(2019, 5, 1), jurisdiction="13")
    engine.dispose()
    table, model, loci = kinship_setup(settings)
    models = list(build_locus_models(table, model, loci).values())
    child, father, mother = simulate.related("trio", models, 1, np.random.default_rng(11))
    files = tmp_path / "profiles"
    files.mkdir()
    for name, dna, specimen in (("mother.csv", mother, "R-MOTHER"), ("child.csv", child, "C-E2E"),
                                ("child2.csv", child, "C-E2E-2")):
        (files / name).write_text(write_long_csv(simulate.to_profiles(dna, models, [specimen])))
    with serve(tmp_path, env) as base:
        yield base, files


def test_family_to_reunion_story(server, browser):
    base, files = server
    # 1. A mother registers her missing son.
    family = browser.new_context().new_page()
    family.goto(f"{base}/register")
    shot(family, "01-register")
    family.fill("input[name=child_name]", "张小宝")
    family.fill("input[name=birth_date]", "2019-05-01")
    family.fill("input[name=last_seen_date]", "2022-07-15")
    family.select_option("select[name=province_code]", "53")
    family.fill("input[name=city]", "Kunming")
    family.fill("input[name=parent_name]", "李娜")
    family.select_option("select[name=relationship]", "mother")
    family.fill("input[name=contact]", "13800000000")
    family.fill("input[name=username]", "mama.li")
    family.fill("input[name=password]", "a long password")
    family.click("form.form button")
    family.wait_for_url(re.compile(r".*/family.*"))
    assert family.locator("#family-stage").count() == 1, family.content()[-3000:]
    assert "We are searching." in family.inner_text("#family-stage")
    shot(family, "02-family-registered")

    # 2. Police publish the alert; the public finds it by pinyin.
    police = sign_in(browser, base, "police.yunnan")
    police.goto(f"{base}/cases")
    police.click("text=张小宝")
    relative = re.search(r"relative:(\d+)", police.content()).group(0)
    police.click("#publish")
    shot(police, "03-police-case")
    public = browser.new_context().new_page()
    public.goto(f"{base}/search?q=xiaobao+zhang")
    assert "张小宝" in public.inner_text(".cards")
    shot(public, "04-public-search")

    # 3. The lab registers both samples and uploads both profiles.
    lab = sign_in(browser, base, "lab.analyst")
    for specimen, subject in (("R-MOTHER", relative), ("C-E2E", "FC-E2E")):
        lab.goto(f"{base}/lab")
        form = lab.locator("#sample-form")
        form.locator("input[name=specimen_id]").fill(specimen)
        form.locator("input[name=subject]").fill(subject)
        form.locator("input[name=collected_by]").fill("Officer Li")
        form.locator("input[name=consent_by]").fill("donor" if subject != "FC-E2E"
                                                    else "guardian: welfare institute")
        form.locator("button").click()
        assert f"Sample {specimen} registered" in lab.inner_text("#lab-message")
    for name in ("mother.csv", "child.csv"):
        lab.locator("#upload-form input[type=file]").set_input_files(str(files / name))
        lab.locator("#upload-form button").click()
        lab.wait_for_selector("#lab-message")
    assert "1 match candidates" in lab.inner_text("#lab-message")
    shot(lab, "05-lab-upload")

    # 4. A second lab analyst types an independent second sample of the child.
    second = sign_in(browser, base, "lab.second")
    second.goto(f"{base}/lab")
    form = second.locator("#sample-form")
    form.locator("input[name=specimen_id]").fill("C-E2E-2")
    form.locator("input[name=subject]").fill("FC-E2E")
    form.locator("input[name=collected_by]").fill("Care staff")
    form.locator("input[name=consent_by]").fill("guardian: welfare institute")
    form.locator("button").click()
    second.locator("#upload-form input[type=file]").set_input_files(str(files / "child2.csv"))
    second.locator("#upload-form button").click()
    second.wait_for_selector("#lab-message")

    # 5. The reviewer checks the second sample and confirms.
    reviewer = sign_in(browser, base, "reviewer")
    reviewer.goto(f"{base}/review")
    reviewer.locator("table a").first.click()
    shot(reviewer, "06-review-candidate")
    reviewer.fill("#second-sample-form input[name=specimen_id]", "C-E2E-2")
    reviewer.click("#second-sample-form button")
    assert "second sample" in reviewer.inner_text("#match-state").lower() or \
        reviewer.inner_text("#match-state") == "second_sample_confirmed"
    reviewer.fill("#decision-form textarea[name=reason]", "Couple LR far above 10,000 on "
                                                          "two independent child samples")
    reviewer.click("#decision-form button[value=confirm]")
    assert reviewer.inner_text("#match-state") == "reviewed"
    shot(reviewer, "07-review-confirmed")

    # 6. The family sees the confirmation; the public alert is closed.
    family.goto(f"{base}/family")
    assert family.inner_text("#family-stage") == "Match confirmed."
    shot(family, "08-family-confirmed")
    public.goto(f"{base}/search?q=xiaobao+zhang")
    assert "张小宝" not in public.inner_text(".cards")
    shot(public, "09-public-alert-closed")

    # The same page in Chinese.
    family.goto(f"{base}/language/zh")
    family.goto(f"{base}/family")
    assert family.inner_text("#family-stage") == "比中已确认。"
    shot(family, "10-family-zh")
