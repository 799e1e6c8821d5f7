"""``homeward demo seed``: a synthetic but realistic national data set (seeded).

Children go missing mostly in the south-west (Yunnan, Sichuan, Guizhou, Guangxi) and are
rescued in the east and north (Hebei, Shandong, Henan, Fujian, Guangdong), in national
operations like those of 2011 and 2013 (DESIGN.md section 1). Rescued children are placed
in welfare institutions. Families gave DNA unevenly: both parents, one parent, only a
sibling, or nobody (the bottleneck of the real database). DNA is simulated from the
Chinese standard's frequencies with mutations, so automatic matching finds the true
families and leaves realistic gaps. Names are synthetic; places and coordinates come
from the cpca gazetteer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from homeward.config import Settings, get_settings
from homeward.kinship import simulate
from homeward.kinship.model import build_locus_models
from homeward.kinship.profiles import Profile
from homeward.registry.gazetteer import cities, province
from homeward.registry.models import Location, MissingReport, Operation, User
from homeward.security.crypto import ProfileCipher
from homeward.web.security import hash_password
from homeward.workflow import cases, review, samples
from homeward.workflow.adoption import mark_adoption_eligible
from homeward.workflow.matching import kinship_setup, store_and_match
from homeward.workflow.profile_store import ProfileStores

SOURCE_PROVINCES = ("53", "51", "52", "45")       # Yunnan, Sichuan, Guizhou, Guangxi
DESTINATION_PROVINCES = ("13", "37", "41", "35", "44")  # Hebei, Shandong, Henan, Fujian, Guangdong
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "小明伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英华建国宝亮红玉兰文斌浩宇欣怡梓涵子轩"

# Every demo account has this password; ``./run.sh demo`` prints them. Never in production.
DEMO_PASSWORD = "homeward-demo"

DEMO_USERS = (
    ("admin", "Administrator", "administrator", None, None),
    ("police.national", "Inspector Ma (Ministry desk)", "police", "national", None),
    ("police.yunnan", "Officer Li (Yunnan)", "police", "53", None),
    ("police.hebei", "Officer Zhao (Hebei)", "police", "13", None),
    ("lab.analyst", "Dr Chen (DNA lab)", "lab_analyst", None, None),
    ("lab.second", "Dr Wu (DNA lab)", "lab_analyst", None, None),
    ("reviewer", "Dr Huang (reviewer)", "reviewer", None, None),
    ("care.staff", "Ms Lin (care staff)", "care_staff", "13", None),
    ("family", "A parent", "family", None, None),
    ("volunteer", "A volunteer", "volunteer", None, None),
)

OPERATIONS = (
    ("OP-2011-07", "July 2011 national operation", dt.date(2011, 7, 12), ("13", "44", "45")),
    ("OP-2013-09", "September 2013 Henan network operation", dt.date(2013, 9, 3),
     ("41", "53", "51")),
    ("OP-KM-RAIL", "Kunming railway police operation", dt.date(2013, 12, 5), ("53", "13", "37")),
    ("OP-2016-FJ", "Fujian coastal ring", dt.date(2016, 5, 20), ("35", "52")),
    ("OP-2019-GD", "Guangdong-Guangxi border ring", dt.date(2019, 3, 14), ("44", "45")),
    ("OP-2023-SD", "Shandong buyer network", dt.date(2023, 10, 8), ("37", "51")),
)


@dataclass
class SeedSummary:
    reports: int
    found_children: int
    profiles: int
    matches: int
    reunited: int
    already_seeded: bool = False


def random_name(rng: np.random.Generator) -> tuple[str, str]:
    """A synthetic Chinese name and its pinyin."""
    zh = rng.choice(list(SURNAMES)) + "".join(rng.choice(list(GIVEN), size=rng.integers(1, 3)))
    return zh, cases.pinyin_name(zh) or zh


def seed_demo(session: Session, *, seed: int = 2026, reports: int = 2000,
              found: int = 1500, settings: Settings | None = None,
              cipher: ProfileCipher | None = None, today: dt.date | None = None,
              progress: bool = True) -> SeedSummary:
    """Fill an empty registry; a registry that has reports is left unchanged."""
    settings = settings or get_settings()
    if session.scalar(select(func.count(MissingReport.id))):
        return SeedSummary(0, 0, 0, 0, 0, already_seeded=True)
    cipher = cipher or ProfileCipher.from_settings(settings)
    stores = ProfileStores()  # the seed's own search indexes, kept across its profiles
    today = today or dt.date(2026, 11, 1)
    rng = np.random.default_rng(seed)
    actor = "seed"
    password_hash = hash_password(DEMO_PASSWORD)
    for username, display, role, jurisdiction, institution in DEMO_USERS:
        session.add(User(username=username, display_name=display, role=role,
                         jurisdiction=jurisdiction, institution=institution,
                         password_hash=password_hash))
    operations = []
    for external_id, name, started, provinces in OPERATIONS:
        operation = Operation(external_id=external_id, name=name, started_on=started,
                              provinces=[province(p).name_en for p in provinces])
        session.add(operation)
        operations.append(operation)
    session.flush()
    places: dict[str, Location] = {}
    src_cities = {p: cities(p) for p in SOURCE_PROVINCES}
    dst_cities = {p: cities(p) for p in DESTINATION_PROVINCES}

    table, model, loci = kinship_setup(settings)
    models = list(build_locus_models(table, model, loci).values())
    child_dna, father_dna, mother_dna = simulate.related("trio", models, reports, rng)
    sibling_dna = simulate.child(father_dna, mother_dna, models, rng)
    street_dna = simulate.founders(models, max(0, found - reports // 2), rng)

    true_found = min(reports // 2, found)
    found_of_report = rng.permutation(reports)[:true_found]
    report_rows: list[MissingReport] = []
    relatives: list[dict[str, object]] = []
    for i in tqdm(range(reports), desc="missing reports", disable=not progress):
        source = SOURCE_PROVINCES[rng.integers(len(SOURCE_PROVINCES))]
        place = src_cities[source][rng.integers(len(src_cities[source]))]
        born = dt.date(2004, 1, 1) + dt.timedelta(days=int(rng.integers(0, 7000)))
        lost = min(born + dt.timedelta(days=int(rng.integers(60, 2500))), today)
        zh, pinyin = random_name(rng)
        sex = "male" if rng.random() < 0.65 else "female"
        father_zh, father_py = random_name(rng)
        report = cases.register_missing_report(
            session, actor=actor, external_id=f"homeward.demo/person.{i + 1:05d}",
            child_name=pinyin, child_name_zh=zh, child_name_pinyin=pinyin, sex=sex,
            birth_date=born, last_seen_date=lost,
            last_seen_location=cases.location_for(session, place, places),
            jurisdiction=source, reporter_name=father_py, published=bool(rng.random() < 0.8),
            description=f"{'Boy' if sex == 'male' else 'Girl'}, last seen in "
                        f"{place.name_en}, {province(source).name_en}",
            source_name="Homeward demo", source_date=dt.datetime.combine(
                lost, dt.time(), tzinfo=dt.UTC))
        report_rows.append(report)
        suspect_parent = rng.random() < 0.03
        father = cases.add_relative(session, actor=actor, report=report, name=father_py,
                                    relationship_to_child="father", sex="male",
                                    is_suspect=bool(suspect_parent))
        mother = cases.add_relative(session, actor=actor, report=report,
                                    name=random_name(rng)[1], relationship_to_child="mother",
                                    sex="female")
        gave = rng.random()
        entry: dict[str, object] = {"index": i}
        if gave < 0.55:
            entry["father"], entry["mother"] = father, mother
        elif gave < 0.70:
            entry["father"] = father
        elif gave < 0.85:
            entry["mother"] = mother
        elif gave < 0.93:
            entry["sibling"] = cases.add_relative(
                session, actor=actor, report=report, name=random_name(rng)[1],
                relationship_to_child="full-sibling")
        relatives.append(entry)

    institutions: dict[str, str] = {}
    found_rows = []
    street_index = 0
    for j in tqdm(range(found), desc="found children", disable=not progress):
        destination = DESTINATION_PROVINCES[rng.integers(len(DESTINATION_PROVINCES))]
        place = dst_cities[destination][rng.integers(len(dst_cities[destination]))]
        operation = operations[rng.integers(len(operations))] if rng.random() < 0.7 else None
        if j < true_found:
            report = report_rows[found_of_report[j]]
            dna = child_dna[:, :, found_of_report[j]:found_of_report[j] + 1]
            born, sex = report.birth_date, report.sex
            found_on = min(report.last_seen_date + dt.timedelta(
                days=int(rng.integers(30, 3000))), today)
        else:
            dna = street_dna[:, :, street_index:street_index + 1]
            street_index += 1
            born = dt.date(2004, 1, 1) + dt.timedelta(days=int(rng.integers(0, 7000)))
            sex = "male" if rng.random() < 0.6 else "female"
            found_on = min(born + dt.timedelta(days=int(rng.integers(200, 3000))), today)
        estimated = born + dt.timedelta(days=int(rng.normal(0, 120)))
        child = cases.register_found_child(
            session, actor=actor, external_id=f"FC-{j + 1:05d}",
            kind="rescued" if operation else "street", sex=sex, found_date=found_on,
            found_location=cases.location_for(session, place, places),
            operation=operation, estimated_birth_date=estimated, jurisdiction=destination,
            rescued_from_address=f"{place.name_en}, village {rng.integers(1, 90)}, "
                                 f"house {rng.integers(1, 300)}" if operation else None,
            registered_at=dt.datetime.combine(found_on, dt.time(), tzinfo=dt.UTC),
            description="Rescued in a police operation" if operation
            else "Found alone in a railway station")
        institution = institutions.setdefault(
            place.adcode, f"{place.name_en} Children's Welfare Institute")
        cases.place_child(session, actor=actor, child=child, kind="welfare-institution",
                          institution=institution, started_on=found_on,
                          address=f"{place.name_en} welfare district 1")
        specimen = f"C{j + 1:06d}"
        samples.register_sample(session, actor=actor, specimen_id=specimen,
                                collected_by="lab.analyst",
                                collected_at=dt.datetime.combine(found_on, dt.time(9),
                                                                 tzinfo=dt.UTC),
                                found_child=child, consent_given=True,
                                consent_by=f"guardian: {institution}",
                                lab="Provincial DNA laboratory")
        profile = simulate.to_profiles(dna, models, [specimen])[0]
        samples.store_profile(session, actor="lab.analyst", profile=profile, cipher=cipher)
        found_rows.append(child)

    for entry in tqdm(relatives, desc="relatives' DNA", disable=not progress):
        i = int(entry["index"])  # type: ignore[arg-type]
        for role, dna in (("father", father_dna), ("mother", mother_dna),
                          ("sibling", sibling_dna)):
            if role not in entry:
                continue
            relative = entry[role]
            specimen = f"R{i + 1:05d}{role[0].upper()}"
            samples.register_sample(
                session, actor=actor, specimen_id=specimen, collected_by="police.yunnan",
                collected_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                relative=relative, consent_given=True, consent_by="donor",  # type: ignore[arg-type]
                lab="Provincial DNA laboratory")
            profile = simulate.to_profiles(dna[:, :, i:i + 1], models, [specimen])[0]
            store_and_match(session, actor="lab.analyst", profile=profile, cipher=cipher,
                            settings=settings, stores=stores)

    _link_demo_accounts(session, report_rows, found_rows)
    _advance_some_matches(session, rng, cipher, settings, today)
    from homeward.demo.raid_seed import seed_raid

    seed_raid(session, cipher=cipher, settings=settings, today=today, stores=stores)
    mark_adoption_eligible(session, today=today, actor="system", settings=settings)
    from homeward.demo.intake_seed import seed_intake

    seed_intake(session)
    from homeward.registry.models import Match, Reunification, StoredProfile

    return SeedSummary(reports, found,
                       int(session.scalar(select(func.count(StoredProfile.id))) or 0),
                       int(session.scalar(select(func.count(Match.id))) or 0),
                       int(session.scalar(select(func.count(Reunification.id))) or 0))


def _link_demo_accounts(session: Session, reports: list[MissingReport],
                        children: list) -> None:
    """The demo family owns the first report; care staff work where most children are."""
    from collections import Counter

    from homeward.registry.models import Placement

    family = session.scalar(select(User).where(User.username == "family"))
    care = session.scalar(select(User).where(User.username == "care.staff"))
    if family is not None and reports:
        family.report_id = reports[0].id
    busiest = Counter(session.scalars(select(Placement.institution).where(
        Placement.ended_on.is_(None)))).most_common(1)
    if care is not None and busiest:
        care.institution = busiest[0][0]


def _advance_some_matches(session: Session, rng: np.random.Generator, cipher: ProfileCipher,
                          settings: Settings, today: dt.date) -> int:
    """Take a share of strong candidates through second sample, review and reunion."""
    from homeward.registry.models import FoundChild, Match, StoredProfile

    strong = session.scalars(select(Match).where(
        Match.log10_lr >= 6, Match.relationship_tested.in_(("couple", "parent-child")))
        .order_by(Match.id)).all()
    advanced = 0
    seen_children: set[int] = set()
    for match in strong:
        if match.found_child_id in seen_children or rng.random() > 0.4:
            continue
        seen_children.add(match.found_child_id)
        child = session.get(FoundChild, match.found_child_id)
        first = session.get(StoredProfile, match.child_profile_id)
        assert child is not None and first is not None
        specimen = f"{first.specimen_id}-2"
        samples.register_sample(session, actor="seed", specimen_id=specimen,
                                collected_by="care.staff",
                                collected_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
                                found_child=child, consent_given=True,
                                consent_by="guardian", lab="Second laboratory")
        original = cipher.open(first.specimen_id, first.sealed)
        samples.store_profile(session, actor="lab.second",
                              profile=Profile(specimen, original.genotypes), cipher=cipher)
        review.confirm_second_sample(session, match.id, specimen, actor="lab.second",
                                     cipher=cipher)
        if match.loci_compared < settings.confirmation_min_loci:
            continue
        review.review_match(session, match.id, reviewer="reviewer", confirm=True,
                            reason="LR above threshold on two independent samples",
                            settings=settings)
        if match.state != "reviewed":
            continue
        stage = rng.random()
        if stage < 0.7:
            age = cases.child_age_years(child, today) or 0
            if age >= settings.child_consent_age:
                review.record_child_consent(session, child.id, actor="care.staff",
                                            consents=True)
            review.notify_family(session, match.id, actor="police.hebei", today=today,
                                 settings=settings)
            if stage < 0.5:
                review.reunite(session, match.id, actor="police.hebei",
                               date=today - dt.timedelta(days=int(rng.integers(1, 300))),
                               child_consent=True)
        advanced += 1
    return advanced
