"""Joint identification of a raid's rescued children (workflow/joint_identification.py,
views/joint.py, api_joint.py) on SQLite and PostgreSQL.

A seeded raid (operation "Spring", Hebei) rescues four children: the son of family A (both
parents typed), the daughter of family B (only the father's parents typed, the mother
absent), the son of family C (the mother and a brother typed) and a boy of no registered
family. Family D (a father typed) and the web world's family are open too, their children
not among the rescued. The truth is known from the simulation: the proposals must be
A, B and C to their own families, the fourth child unassigned; candidates are made once,
then reviewed by the normal rules.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pytest
from sqlalchemy import func, select

from homeward.kinship import simulate
from homeward.kinship.model import build_locus_models
from homeward.registry.models import AuditEvent, Match, MissingReport, StoredProfile
from homeward.workflow import cases, operations, review
from homeward.workflow.joint_identification import (
    PEDIGREE_TEST,
    identify_operation,
    propose_candidates,
)
from homeward.workflow.matching import kinship_setup
from tests.registry.world import sample_for, store, with_id
from tests.web.conftest import ACCOUNTS

RESCUE = dt.date(2020, 5, 1)
SEED = 20200501


@dataclass
class Raid:
    operation_id: int
    truth: dict[str, int]  # child specimen -> its family's report id
    stranger: str  # specimen of the rescued boy of no registered family
    child_ids: dict[str, int]  # specimen -> found child id
    report_b: int


def seed_raid(factory, settings, cipher) -> Raid:
    """The raid described in the module docstring (profiles stored without pairwise search,
    so that every candidate here comes from the joint identification)."""
    table, model, loci = kinship_setup(settings)
    models = list(build_locus_models(table, model, loci).values())
    rng = np.random.default_rng(SEED)

    def person():
        return simulate.founders(models, 1, rng)

    def child_of(father, mother):
        return simulate.child(father, mother, models, rng)

    father_a, mother_a = person(), person()
    son_a = child_of(father_a, mother_a)
    grandfather_b, grandmother_b, mother_b = person(), person(), person()
    daughter_b = child_of(child_of(grandfather_b, grandmother_b), mother_b)
    father_c, mother_c = person(), person()
    son_c, brother_c = child_of(father_c, mother_c), child_of(father_c, mother_c)
    father_d = person()
    stranger = person()
    families = {
        "A": ("male", dt.date(2014, 2, 1), dt.date(2017, 6, 1), "53",
              [("father", father_a), ("mother", mother_a)]),
        "B": ("female", dt.date(2015, 5, 1), dt.date(2018, 1, 10), "35",
              [("grandfather", grandfather_b), ("grandmother", grandmother_b)]),
        "C": ("male", dt.date(2013, 9, 1), dt.date(2016, 3, 3), "13",
              [("mother", mother_c), ("brother", brother_c)]),
        "D": ("male", dt.date(2014, 1, 1), dt.date(2017, 1, 1), "13",
              [("father", father_d)]),
    }
    rescued = [("SP-E", "male", dt.date(2014, 6, 1), stranger, None),
               ("SP-C", "male", dt.date(2013, 10, 1), son_c, "C"),
               ("SP-A", "male", dt.date(2014, 3, 1), son_a, "A"),
               ("SP-B", "female", dt.date(2015, 6, 1), daughter_b, "B")]
    with factory() as session, session.begin():
        operation = operations.create_operation(
            session, actor="police.hebei", name="Operation Spring", provinces=["13"],
            started_on=RESCUE)
        reports = {}
        for key, (sex, birth, vanished, province, relatives) in families.items():
            report = cases.register_missing_report(
                session, actor="police", external_id=f"raid/family.{key}",
                child_name=f"Child {key}", sex=sex, birth_date=birth,
                last_seen_date=vanished, jurisdiction=province)
            reports[key] = report.id
            for k, (relation, alleles) in enumerate(relatives):
                relative = cases.add_relative(session, actor="police", report=report,
                                              name=f"Relative {key}{k}",
                                              relationship_to_child=relation)
                specimen = f"REF-{key}{k}"
                sample_for(session, specimen, relative=relative)
                store(session, simulate.to_profiles(alleles, models, [specimen])[0], cipher,
                      settings, match=False)
        child_ids = {}
        for specimen, sex, birth, alleles, _ in rescued:
            child = cases.register_found_child(
                session, actor="police.hebei", external_id=f"FC-{specimen}", sex=sex,
                found_date=RESCUE, estimated_birth_date=birth, operation_id=operation.id,
                jurisdiction="13")
            child_ids[specimen] = child.id
            sample_for(session, specimen, child=child)
            store(session, simulate.to_profiles(alleles, models, [specimen])[0], cipher,
                  settings, match=False)
        truth = {specimen: reports[key] for specimen, _, _, _, key in rescued if key}
        return Raid(operation.id, truth, "SP-E", child_ids, reports["B"])


@pytest.fixture
def raid(world, factory, settings, cipher) -> Raid:
    return seed_raid(factory, settings, cipher)


def test_the_raid_is_identified_child_by_child(raid, factory, settings, cipher):
    with factory() as session, session.begin():
        before = session.scalar(select(func.count()).select_from(AuditEvent))
        outcome = identify_operation(session, raid.operation_id, actor="reviewer2",
                                     cipher=cipher, settings=settings)
        proposed = {p.child.specimen: p.family.report_id for p in outcome.proposals}
        assert proposed == raid.truth
        assert [e.specimen for e in outcome.unassigned] == [raid.stranger]
        by_child = {p.child.specimen: p for p in outcome.proposals}
        grandparents = by_child["SP-B"]
        assert {r.relation for r in grandparents.family.pedigree.typed.values()} == {
            "grandfather", "grandmother"}
        assert grandparents.evidence.log10_lr > 3  # above the screening LR of 1,000
        for proposal in outcome.proposals:
            assert 0.9 < proposal.posterior <= 1.0
            assert proposal.evidence.loci_compared == 23
            assert proposal.above_screening
            assert proposal.next_dna or proposal.family.report_id == raid.truth["SP-A"]
        # every profile decrypted is an audited read: 4 children, 9 relatives of the raid's
        # families, the web world's father (its second child sample is not read)
        reads = session.scalars(select(AuditEvent.entity_id).where(
            AuditEvent.seq > before, AuditEvent.action == "read",
            AuditEvent.entity == "profile")).all()
        assert len(reads) == len(set(reads)) == 4 + 7 + 1


def test_candidates_are_created_once_and_reviewed_as_usual(raid, factory, settings, cipher):
    with factory() as session, session.begin():
        made = propose_candidates(session, raid.operation_id, actor="police.hebei",
                                  cipher=cipher, settings=settings)
        assert {(m.found_child_id, m.report_id) for m in made} == {
            (raid.child_ids[s], r) for s, r in raid.truth.items()}
        assert all(m.state == "candidate" and m.relationship_tested == PEDIGREE_TEST
                   for m in made)
        b = next(m for m in made if m.report_id == raid.report_b)
        assert session.get(MissingReport, raid.report_b).status == "match_candidate"
        assert set(b.model["typed"]) == {"father-father", "father-mother"}
        assert b.loci_compared == len(b.per_locus) == 23
        assert propose_candidates(session, raid.operation_id, actor="police.hebei",
                                  cipher=cipher, settings=settings) == []
    with factory() as session, session.begin():
        count = session.scalar(select(func.count()).select_from(Match).where(
            Match.relationship_tested == PEDIGREE_TEST))
        assert count == 3
        a = session.scalar(select(Match).where(
            Match.found_child_id == raid.child_ids["SP-A"]))
        stored = session.scalar(select(StoredProfile).where(
            StoredProfile.specimen_id == "SP-A"))
        profile = cipher.open("SP-A", stored.sealed)
        sample_for(session, "SP-A2", child=a.found_child)
        store(session, with_id(profile, "SP-A2"), cipher, settings, actor="analyst2",
              match=False)
        review.confirm_second_sample(session, a.id, "SP-A2", actor="lab", cipher=cipher)
        review.review_match(session, a.id, reviewer="reviewer2", confirm=True,
                            reason="both parents, second sample agrees", settings=settings)
        assert a.state == "reviewed"


# --- the page and the API ---------------------------------------------------------------

def _rows(html: str) -> dict[str, str]:
    """child specimen -> family id of each proposal row on the page."""
    return dict(re.findall(r'class="proposal" data-child="([^"]+)" data-family="([^"]+)"',
                           html))


def test_police_see_names_they_may_open_and_make_the_candidates(raid, signed_in, factory):
    police, token = signed_in("police.hebei")
    operation_page = police.get(f"/operations/{raid.operation_id}").text
    assert f'href="/operations/{raid.operation_id}/identification"' in operation_page
    page = police.get(f"/operations/{raid.operation_id}/identification")
    assert page.status_code == 200, page.text
    assert _rows(page.text) == {s: f"report-{r}" for s, r in raid.truth.items()}
    assert "FC-SP-A" in page.text  # the children of Hebei, by their record
    assert "raid/family.C" in page.text and "Child C" in page.text  # a Hebei case
    assert "raid/family.A" not in page.text  # a Yunnan case, not yet linked to Hebei
    assert "a case of province 53" in page.text
    made = police.post(f"/operations/{raid.operation_id}/identification/candidates",
                       data={"csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303
    assert made.headers["location"].endswith("/identification?created=3")
    again = police.post(f"/operations/{raid.operation_id}/identification/candidates",
                        data={"csrf_token": token})
    assert 'id="created">Match candidates created: 0' in again.text
    # the candidate links the Yunnan case to the Hebei child: now the police may open it
    assert "raid/family.A" in again.text
    assert police.post(f"/operations/{raid.operation_id}/identification/candidates",
                       data={}).status_code == 403  # no CSRF token


def test_reviewers_see_specimens_not_names_and_review_the_candidates(raid, signed_in):
    reviewer, token = signed_in("reviewer2")
    api = reviewer.post(f"/api/v1/operations/{raid.operation_id}/identification/candidates",
                        headers={"X-CSRF-Token": token})
    assert api.status_code == 200, api.text
    created = api.json()["created"]
    assert len(created) == 3
    assert reviewer.post(f"/api/v1/operations/{raid.operation_id}/identification/candidates",
                         headers={"X-CSRF-Token": token}).json() == {"created": []}
    page = reviewer.get(f"/operations/{raid.operation_id}/identification").text
    assert _rows(page) == {s: f"report-{r}" for s, r in raid.truth.items()}
    for name in ("FC-SP-", "raid/family.", "Child A", "Child B", "Relative "):
        assert name not in page
    assert "REF-B0" in page and "SP-B" in page
    for match_id in created:
        assert f'href="/review/{match_id}"' in page
        assert reviewer.get(f"/review/{match_id}").status_code == 200
    sheet = reviewer.get(f"/api/v1/operations/{raid.operation_id}/identification").json()
    rows = {row["child"]["specimen"]: row for row in sheet["proposals"]}
    assert set(rows) == set(raid.truth)
    b = rows["SP-B"]
    assert b["family"]["child_name"] is None and b["child"]["found_child_id"] is None
    assert {t["relation"] for t in b["family"]["typed"]} == {"grandfather", "grandmother"}
    assert b["candidate"]["state"] == "candidate" and b["candidate"]["id"] in created
    assert b["next_dna"][0]["relative"] == "both parents"
    assert sheet["unassigned_children"] == 1 and sheet["families"] == 5
    assert "sex" in sheet["prior"] and sheet["model"]["theta"] == 0.0


def test_the_page_in_chinese(raid, signed_in):
    police, _ = signed_in("police.hebei")
    police.cookies.set("lang", "zh")
    page = police.get(f"/operations/{raid.operation_id}/identification").text
    assert "联合鉴定" in page and "提议为比中候选" in page


# --- who may open it (as tests/web/test_access.py, for these routes) ---------------------

def joint_routes(raid: Raid) -> dict[str, set[str]]:
    """The Hebei operation's identification: its police and reviewers; others 403/404."""
    return {f"/operations/{raid.operation_id}/identification": {"police.hebei", "reviewer2"},
            f"/api/v1/operations/{raid.operation_id}/identification":
                {"police.hebei", "reviewer2"}}


JOINT_ROLES = {"police", "reviewer"}
NOWHERE = 2**31 - 2


def test_anonymous_is_denied(client, raid):
    for path in joint_routes(raid):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == (401 if path.startswith("/api/") else 303), path
    answer = client.post(f"/api/v1/operations/{raid.operation_id}/identification/candidates")
    assert answer.status_code in (401, 403)


def test_role_matrix(raid, signed_in, factory):
    failures = []
    for username, (role, _, _) in ACCOUNTS.items():
        client, token = signed_in(username)
        for path, allowed in joint_routes(raid).items():
            status = client.get(path, follow_redirects=False).status_code
            expected = 200 if username in allowed else (404 if role in JOINT_ROLES else 403)
            if status != expected:
                failures.append((username, path, status, expected))
        for path in (f"/operations/{NOWHERE}/identification/candidates",
                     f"/api/v1/operations/{NOWHERE}/identification/candidates"):
            status = client.post(path, data={"csrf_token": token},
                                 headers={"X-CSRF-Token": token},
                                 follow_redirects=False).status_code
            expected = 404 if role in JOINT_ROLES else 403
            if status != expected:
                failures.append((username, path, status, expected))
        status = client.post(f"/api/v1/operations/{raid.operation_id}/identification/"
                             "candidates", headers={"X-CSRF-Token": token}).status_code
        allowed = {"police.hebei", "reviewer2"}
        expected = 200 if username in allowed else (404 if role in JOINT_ROLES else 403)
        if status != expected:
            failures.append((username, "POST candidates", status, expected))
    assert not failures
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Match).where(
            Match.relationship_tested == PEDIGREE_TEST)) == 3
