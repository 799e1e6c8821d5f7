"""From raid to reunion in a real browser (Playwright driving Debian's Chromium), once in
English and once in Chinese.

The police register an operation ("7·14"), a rescued boy by the form (photo, marks, dialect,
the people he was found with) and a girl by the bulk sheet, then the boy's buyer and the
girl's father, who sold her. Care staff place both children; the buyers' household is
refused. The lab types both parents and both children; the candidates appear; a second
analyst types second samples; the reviewer confirms both. The boy's family is told and sees
it on their page; the reunion is recorded and the public alert disappears. The girl's match
goes to the child-welfare review because her father sold her, and the reviewer concludes
that she is not returned. The operation's page shows where every child stands.
Screenshots of each step go to tests/artifacts/ (ignored by git).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pytest
from PIL import Image

from homeward.kinship import simulate
from homeward.kinship.model import build_locus_models
from homeward.kinship.readers import write_long_csv
from homeward.registry.db import make_engine, make_session_factory
from homeward.registry.models import User
from homeward.web.intake_forms import FamilyRegistration, register_family_case
from homeward.web.security import hash_password
from homeward.workflow.matching import kinship_setup
from homeward.workflow.rescue_import import template_csv
from tests.web.browser import PASSWORD, registry, serve, shot, sign_in

TODAY = dt.date.today().isoformat()
HANDAN = "Handan Children's Welfare Institute"
BUYERS = "Wangzhuang village 3, Handan"

STAFF = (("police.hebei", "police", "13", None), ("care.hebei", "care_staff", "13", HANDAN),
         ("lab.analyst", "lab_analyst", None, None), ("lab.second", "lab_analyst", None, None),
         ("reviewer", "reviewer", None, None))

# Texts the story reads off the pages, in each language (the rest is checked by element id).
TEXT = {
    "en": {"registered": "Child registered; the DNA sample is queued.",
           "not_placed": "Not placed yet.", "reunited": "Reunited."},
    "zh": {"registered": "儿童已登记；DNA 样本已排队。", "not_placed": "尚未安置。",
           "reunited": "已团圆。"},
}


class Families:
    """The two families registered before the raid, with the DNA the test will upload."""

    def __init__(self, settings, session) -> None:
        self.boy = register_family_case(session, FamilyRegistration(
            child_name="张小宝", sex="male", birth_date=dt.date(2019, 5, 1),
            last_seen_date=dt.date(2022, 7, 15), province_code="13", city="Handan",
            parent_name="李娜", relationship="mother", contact="13800000000",
            username="mama.li", password=PASSWORD))
        self.girl = register_family_case(session, FamilyRegistration(
            child_name="王小丽", sex="female", birth_date=dt.date(2020, 2, 1),
            last_seen_date=dt.date(2023, 1, 9), province_code="13", city="Handan",
            parent_name="王强", relationship="father", contact="13900000000",
            username="baba.wang", password=PASSWORD))
        self.boy_report = self.boy.report_id
        self.girl_report = self.girl.report_id
        self.mother = _relative_of(session, self.boy.report_id)
        self.father = _relative_of(session, self.girl.report_id)
        table, model, loci = kinship_setup(settings)
        self.models = list(build_locus_models(table, model, loci).values())
        boy, _, mother = simulate.related("trio", self.models, 1, np.random.default_rng(11))
        girl, father, _ = simulate.related("trio", self.models, 1, np.random.default_rng(12))
        self.dna = {"boy": boy, "mother": mother, "girl": girl, "father": father}

    def profile_file(self, folder, who: str, specimen: str):
        path = folder / f"{specimen}.csv"
        path.write_text(write_long_csv(simulate.to_profiles(self.dna[who], self.models,
                                                            [specimen])))
        return str(path)


def _relative_of(session, report_id: int) -> int:
    from sqlalchemy import select

    from homeward.registry.models import Relative

    return session.scalar(select(Relative.id).where(Relative.report_id == report_id))


@pytest.fixture
def raid_server(tmp_path):
    """A real server on a fresh registry with the staff of one province and two families."""
    url, env, settings = registry(tmp_path)
    engine = make_engine(url)
    with make_session_factory(engine)() as session, session.begin():
        for username, role, jurisdiction, institution in STAFF:
            session.add(User(username=username, display_name=username, role=role,
                             jurisdiction=jurisdiction, institution=institution,
                             password_hash=hash_password(PASSWORD)))
        families = Families(settings, session)
    engine.dispose()
    with serve(tmp_path, env) as base:
        yield base, families, tmp_path


def _photo(folder) -> str:
    path = folder / "boy.png"
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 120, 90)).save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def _sheet(folder, template: str) -> str:
    """The downloaded template's columns with one rescued girl on it (its example row
    replaced, as a user does)."""
    header = template.lstrip("\ufeff").splitlines()[0]
    values = {"sex": "female", "found_date": TODAY, "province_code": "13",
              "estimated_age_years": "3", "languages": "Hebei dialect",
              "rescued_from_address": "Dongguan village 8, Handan"}
    row = ",".join(values.get(column, "") for column in header.split(","))
    path = folder / "rescued.csv"
    path.write_text(f"{header}\n{row}\n")
    return str(path)


def _child_page_link(page) -> tuple[int, str]:
    """The record id and FC-number of the child just registered (from the confirmation)."""
    href = page.get_attribute("#registered a[href^='/children/']", "href")
    child_id = int(href.rsplit("/", 1)[1])
    page.goto(page.url.split("/operations")[0] + href)
    external = re.search(r"FC-[0-9A-Z]+", page.inner_text("h1")).group(0)
    return child_id, external


def _place(care, base: str, child_id: int, *, kind: str, institution: str,
           address: str = "") -> None:
    care.goto(f"{base}/children/{child_id}")
    form = care.locator("#placement-form")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=institution]").fill(institution)
    form.locator("input[name=started_on]").fill(TODAY)
    form.locator("input[name=address]").fill(address)
    form.locator("button").click()
    care.wait_for_load_state()


def _register_sample(lab, base: str, specimen: str, subject: str, collected_by: str) -> None:
    lab.goto(f"{base}/lab")
    form = lab.locator("#sample-form")
    form.locator("input[name=specimen_id]").fill(specimen)
    form.locator("input[name=subject]").fill(subject)
    form.locator("input[name=collected_by]").fill(collected_by)
    form.locator("input[name=consent_by]").fill(
        "guardian: welfare institute" if subject.startswith("FC-") else "donor")
    form.locator("button").click()
    assert specimen in lab.inner_text("#lab-message")


def _upload(lab, path: str) -> str:
    lab.locator("#upload-form input[type=file]").set_input_files(path)
    lab.locator("#upload-form button").click()
    lab.wait_for_selector("#lab-message")
    return lab.inner_text("#lab-message")


def _confirm(reviewer, base: str, child_specimen: str, second_specimen: str) -> str:
    """Open the candidate whose child sample is ``child_specimen`` (reviewers see specimen
    ids, never names), confirm the second sample, then the match; its state after."""
    reviewer.goto(f"{base}/review")
    links = [a.get_attribute("href") for a in reviewer.locator("table a").all()]
    for href in links:
        reviewer.goto(base + href)
        if child_specimen in reviewer.inner_text("body"):
            break
    else:
        pytest.fail(f"no candidate for {child_specimen} among {links}")
    reviewer.fill("#second-sample-form input[name=specimen_id]", second_specimen)
    reviewer.click("#second-sample-form button")
    assert reviewer.get_attribute("#match-state", "data-state") == "second_sample_confirmed"
    reviewer.fill("#decision-form textarea[name=reason]",
                  "Duo LR far above 10,000 on two independent samples of the child")
    reviewer.click("#decision-form button[value=confirm]")
    return reviewer.get_attribute("#match-state", "data-state")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_raid_to_reunion_story(raid_server, browser, language):
    base, families, folder = raid_server
    text = TEXT[language]

    def snap(page, step: str) -> None:
        shot(page, f"raid-{language}-{step}")

    # 1. Police register the operation and see its (empty) page.
    police = sign_in(browser, base, "police.hebei", language)
    police.goto(f"{base}/operations")
    form = police.locator("#new-operation")
    form.locator("input[name=name]").fill("Operation Spring Rain")
    form.locator("input[name=code_name]").fill("7·14")
    form.locator("input[name=started_on]").fill(TODAY)
    form.locator("input[name=lead_agency]").fill("Hebei Provincial Public Security Department")
    form.locator("input[name=provinces]").fill("13, 53")
    form.locator("input[name=cities]").fill("Handan, Kunming")
    form.locator("input[name=officers_deployed]").fill("2600")
    form.locator("button").click()
    police.wait_for_url(re.compile(r".*/operations/\d+$"))
    operation_url = police.url
    assert "7·14" in police.inner_text("h1")
    snap(police, "01-operation")

    # 2. The boy by the form, with a photo and the household he was found in.
    form = police.locator("#child-form")
    form.locator("select[name=sex]").select_option("male")
    form.locator("input[name=found_date]").fill(TODAY)
    form.locator("input[name=estimated_age_years]").fill("4")
    form.locator("input[name=distinguishing_marks]").fill("mole under the left eye")
    form.locator("input[name=languages]").fill("Yunnan dialect")
    form.locator("input[name=found_with]").fill("Wang Jun and Li Fang (the buyers)")
    form.locator("input[name=rescued_from_address]").fill(BUYERS)
    form.locator("input[name=photo]").set_input_files(_photo(folder))
    form.locator("button").click()
    assert text["registered"] in police.inner_text("#registered")
    label = police.request.get(base + police.get_attribute("#label-link", "href"))
    assert label.status == 200 and label.headers["content-type"].startswith("image/svg")
    snap(police, "02-child-registered")
    boy_id, boy_fc = _child_page_link(police)

    # 3. The girl by the bulk sheet (the template, filled in).
    police.goto(operation_url)
    template = police.request.get(base + police.get_attribute("#template-link", "href"))
    assert template.status == 200
    assert template.text().lstrip("\ufeff") == template_csv().decode("utf-8-sig")
    police.locator("#import-form input[name=file]").set_input_files(
        _sheet(folder, template.text()))
    police.locator("#import-form button").click()
    assert police.inner_text("#imported").strip().endswith("1")
    girl_row = police.locator("table tr", has=police.locator("a[href^='/children/']")) \
        .filter(has_not_text=boy_fc).first
    girl_fc = girl_row.locator("a").first.inner_text()
    girl_id = int(girl_row.locator("a").first.get_attribute("href").rsplit("/", 1)[1])

    # 4. The suspects: the boy's buyer, the girl's father who sold her.
    for name, role, extra in (
            ("Wang Jun", "buyer", {"household_address": BUYERS, "child_ids": str(boy_id),
                                   "id_number": "130402198001011234"}),
            ("王强", "seller", {"child_ids": str(girl_id),
                               "sold_own_child_relative_id": str(families.father)})):
        form = police.locator("#suspect-form")
        form.locator("input[name=name]").fill(name)
        form.locator("select[name=role]").select_option(role)
        for field, value in extra.items():
            form.locator(f"input[name={field}]").fill(value)
        form.locator("button").click()
        police.wait_for_url(operation_url)
    suspects = police.inner_text("body")
    assert "Wang Jun" in suspects and "王强" in suspects
    snap(police, "03-operation-suspects")

    # The boy's case: the police publish the alert; the public finds him by pinyin.
    police.goto(f"{base}/cases/{families.boy_report}")
    police.click("#publish")
    public = browser.new_context().new_page()
    public.goto(f"{base}/search?q=xiaobao+zhang")
    assert "张小宝" in public.inner_text(".cards")

    # 5. Care staff place both children; the buyers' household is refused.
    care = sign_in(browser, base, "care.hebei", language)
    care.goto(f"{base}/care")
    awaiting = care.inner_text("#awaiting")
    assert boy_fc in awaiting and girl_fc in awaiting
    _place(care, base, boy_id, kind="foster-family", institution="Wang family", address=BUYERS)
    assert care.locator("#form-errors").count() == 1
    assert "buyers" in care.inner_text("#form-errors")
    assert text["not_placed"] in care.inner_text("#placements")
    snap(care, "04-placement-refused")
    for child_id in (boy_id, girl_id):
        _place(care, base, child_id, kind="welfare-institution", institution=HANDAN)
        assert HANDAN in care.inner_text("#placements")
    snap(care, "05-placed")

    # 6. The lab types both parents and both children's queued samples.
    lab = sign_in(browser, base, "lab.analyst", language)
    _register_sample(lab, base, "R-MOTHER", f"relative:{families.mother}", "Officer Li")
    _register_sample(lab, base, "R-FATHER", f"relative:{families.father}", "Officer Li")
    waiting = lab.inner_text("body")
    assert f"{boy_fc}-S1" in waiting and f"{girl_fc}-S1" in waiting  # queued at registration
    _upload(lab, families.profile_file(folder, "mother", "R-MOTHER"))
    _upload(lab, families.profile_file(folder, "father", "R-FATHER"))
    assert "1 " in _upload(lab, families.profile_file(folder, "boy", f"{boy_fc}-S1"))
    assert "1 " in _upload(lab, families.profile_file(folder, "girl", f"{girl_fc}-S1"))
    snap(lab, "06-lab-typed")
    second = sign_in(browser, base, "lab.second", language)
    for fc, who in ((boy_fc, "boy"), (girl_fc, "girl")):
        _register_sample(second, base, f"{fc}-S2", fc, "Care staff")
        _upload(second, families.profile_file(folder, who, f"{fc}-S2"))

    # 7. The reviewer confirms both; the girl's goes to the child-welfare review.
    reviewer = sign_in(browser, base, "reviewer", language)
    assert _confirm(reviewer, base, f"{boy_fc}-S1", f"{boy_fc}-S2") == "reviewed"
    snap(reviewer, "07-boy-confirmed")
    assert _confirm(reviewer, base, f"{girl_fc}-S1", f"{girl_fc}-S2") == "welfare_review"

    # 8. The police tell the boy's family, who see it on their page.
    police.goto(f"{base}/cases/{families.boy_report}")
    notify = police.locator("form[id^=notify-]")
    notify.locator("select[name=method]").select_option("in-person")
    notify.locator("input[name=person_told]").fill("李娜")
    notify.locator("textarea[name=next_steps]").fill(
        "Meet your son at the Handan welfare institute on Friday at 10:00")
    notify.locator("button").click()
    family = sign_in(browser, base, "mama.li", language)  # a family account signs in too
    family.goto(f"{base}/family")
    assert "Handan welfare institute on Friday" in family.inner_text("#family-notice")
    snap(family, "08-family-told")

    # 9. The reunion: the case is closed, the public alert withdrawn.
    police.goto(f"{base}/cases/{families.boy_report}")
    reunion = police.locator("form[id^=reunion-]")
    reunion.locator("input[name=date]").fill(TODAY)
    reunion.locator("input[name=place]").fill(HANDAN)
    reunion.locator("input[name=present]").fill("李娜, Officer Li, care worker Zhao")
    reunion.locator("select[name=child_consent]").select_option("yes")
    reunion.locator("button").click()
    police.wait_for_load_state()
    family.goto(f"{base}/family")
    assert family.inner_text("#family-stage") == text["reunited"]
    snap(family, "09-family-reunited")
    public.goto(f"{base}/search?q=xiaobao+zhang")
    assert "张小宝" not in public.inner_text(".cards")

    # 10. The welfare review of the girl: she is not returned to the father who sold her.
    reviewer.goto(f"{base}/welfare-reviews")
    form = reviewer.locator("form[id^=welfare-form-]")
    assert form.count() == 1
    form.locator("select[name=conclusion]").select_option("do-not-return")
    form.locator("input[name=reason]").fill("The father sold her; she stays in care")
    form.locator("button").click()
    assert reviewer.locator("form[id^=welfare-form-]").count() == 0
    snap(reviewer, "10-welfare-concluded")

    # 11. The operation's page: one child reunited, one not returned and still in care.
    police.goto(operation_url)
    stages = police.locator("#stage-counts")
    headers = [h.get_attribute("data-stage") for h in stages.locator("th").all()]
    counts = dict(zip(headers, (int(c) for c in stages.locator("td").all_inner_texts()),
                      strict=True))
    assert counts["reunited"] == 1 and counts["not_returned"] == 1, counts
    snap(police, "11-operation-at-the-end")
