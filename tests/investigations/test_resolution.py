"""Entity resolution: precision and recall on planted duplicates (pinyin variants, typos,
a mistyped ID digit), explainable scores, and the human decision that merges and undoes."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from homeward.investigations.build import build_graph
from homeward.investigations.names import birth_date_of_id, pinyin_key, surname
from homeward.investigations.resolution import LEVELS, PersonRecord, resolve
from homeward.investigations.service import registry_rings
from homeward.investigations.simulate import planted_people
from homeward.registry.models import ResolutionCandidate
from homeward.workflow import operations
from homeward.workflow.errors import IllegalTransitionError
from homeward.workflow.investigations import decide_merge, propose_merges, undo_merge
from tests.investigations.world import make_case


def test_names_read_the_same_in_characters_and_pinyin():
    assert pinyin_key("张伟") == pinyin_key("Zhang Wei") == pinyin_key("ZHANG-wei") == "zhangwei"
    assert surname("欧阳娜娜") == "ouyang" and surname("Zhang Wei") == "zhang"
    # GB 11643-1999: digits 7-14 are the birth date
    assert str(birth_date_of_id("11010519491231002X")) == "1949-12-31"
    assert birth_date_of_id("110105194913310021") is None


@pytest.mark.parametrize("seed", [3, 4])
def test_planted_duplicates_are_found_with_high_precision_and_recall(seed):
    people = planted_people(3_000, seed=seed)
    result = resolve(people.records)
    found = {(p.left, p.right) for p in result.proposed}
    true_positives = len(found & people.duplicates)
    assert len(people.duplicates) > 300
    assert true_positives / len(found) >= 0.97
    assert true_positives / len(people.duplicates) >= 0.95
    # blocking compares a sliver of the 4.5 million pairs
    assert result.pairs_compared < 0.01 * 3_000 * 2_999 / 2


def test_a_score_is_the_sum_of_its_explained_weights():
    records = [PersonRecord("a", "张伟", id_number="110105198001010011", phones=("13800000001",)),
               PersonRecord("b", "Zhang Wie", id_number="110105198001010012")]
    (pair,) = resolve(records).proposed
    assert math.isclose(pair.score, sum(c["weight"] for c in pair.comparison.values()),
                        abs_tol=0.01)
    assert pair.comparison["id_number"]["agrees"] is True  # one digit differs
    assert pair.comparison["birth_date"]["weight"] == round(LEVELS["birth_date"].agree_weight, 3)
    assert pair.comparison["phone"] == {"similarity": None, "agrees": None, "weight": 0.0}


def test_the_same_common_name_alone_is_not_proposed():
    records = [PersonRecord("a", "李秀", phones=("13800000001",)),
               PersonRecord("b", "李秀", phones=("13900000002",))]
    assert resolve(records).proposed == []


def test_an_accepted_merge_joins_rings_and_undoing_it_parts_them(session):
    case = make_case(session)
    alias = operations.register_suspect(session, actor="police:test", operation=None,
                                        name="Wang Fang", role="seller",
                                        id_number=None, phones=["13911112222"])
    operations.register_suspect(session, actor="police:test", operation=None, name="Ma Li",
                                role="buyer", phones=["13911112222"])
    case.other_seller.id_number = "532601198502030021"
    alias.id_number = "532601198502030021"
    session.flush()
    build_graph(session, actor="test", full=True)
    proposals = propose_merges(session, actor="police:test")
    assert proposals.new >= 1
    left, right = sorted([f"suspect:{case.other_seller.id}", f"suspect:{alias.id}"])
    candidate = session.scalar(select(ResolutionCandidate).where(
        ResolutionCandidate.left_node == left, ResolutionCandidate.right_node == right))
    assert candidate is not None and candidate.status == "proposed"

    def ring_of(node: str) -> set[str]:
        return next(set(r.members) for r in registry_rings(session).rings if node in r.members)

    assert f"suspect:{alias.id}" not in ring_of(f"suspect:{case.other_seller.id}")
    decide_merge(session, candidate.id, actor="police:test", accept=True,
                 reason="same ID number")
    assert f"suspect:{alias.id}" in ring_of(f"suspect:{case.other_seller.id}")
    with pytest.raises(IllegalTransitionError):
        decide_merge(session, candidate.id, actor="police:test", accept=False, reason="x")
    undo_merge(session, candidate.id, actor="police:test", reason="different mothers")
    assert f"suspect:{alias.id}" not in ring_of(f"suspect:{case.other_seller.id}")
    again = propose_merges(session, actor="police:test")
    assert again.new == 0 and candidate.status == "undone"
