"""The place and time of the joint identification's prior from the registry and the
investigations graph (workflow/ring_context.py), on the operation's page.

The ring behind an operation took children from the provinces where they vanished or
were first sold on to another province, from the first dated sale or disappearance to the
last dated event (the rescue); the shares it is weighed against are counted over every open
missing report.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from homeward.investigations.build import build_graph
from homeward.registry.gazetteer import places
from homeward.registry.models import FoundChild, Match, MissingReport
from homeward.workflow import cases, operations
from homeward.workflow.joint_identification import identify_operation
from homeward.workflow.ring_context import missing_population, operation_ring
from tests.registry.world import sample_for, simulated_family, store, with_id
from tests.web.test_joint_identification import RESCUE, Raid, seed_raid

HANDAN, KUNMING, CHENGDU = "130400000000", "530100000000", "510100000000"


def _place(session, adcode):
    return cases.location_for(session, places()[adcode])


def _child(session, operation, name, *, found_in=HANDAN):
    return cases.register_found_child(
        session, actor="police", external_id=name, found_date=RESCUE,
        found_location=_place(session, found_in), operation_id=operation.id)


def test_areas_and_period_from_the_operations_records(factory, settings, cipher):
    """Child 1 was bought in Kunming and sold on in Handan; child 2 is a confirmed match
    of a Chengdu report (vanished 2015-07-01); child 3 was only sold in Hebei, where it
    was found (the buying family, no source); child 4 has no record."""
    child_p, father_p, *_ = simulated_family(settings, strangers=0)
    with factory() as session, session.begin():
        operation = operations.create_operation(session, actor="police", name="Ring test",
                                                started_on=RESCUE)
        assert operation_ring(session, operation).source_areas == frozenset()
        first = _child(session, operation, "FC-R1")
        operations.record_transaction(session, actor="police", child=first, price_yuan=9000,
                                      date=dt.date(2016, 3, 1), place="Kunming, Yunnan")
        operations.record_transaction(session, actor="police", child=first,
                                      price_yuan=30000, date=dt.date(2016, 4, 1),
                                      place="Handan, Hebei")
        second = _child(session, operation, "FC-R2")
        report = cases.register_missing_report(
            session, actor="police", external_id="ring/report.1", child_name="Child X",
            last_seen_date=dt.date(2015, 7, 1), last_seen_location=_place(session, CHENGDU))
        father = cases.add_relative(session, actor="police", report=report, name="Father X",
                                    relationship_to_child="father")
        sample_for(session, "RING-C2", child=second)
        sample_for(session, "RING-F", relative=father)
        child_row, _ = store(session, with_id(child_p, "RING-C2"), cipher, settings,
                             match=False)
        father_row, _ = store(session, with_id(father_p, "RING-F"), cipher, settings,
                              match=False)
        session.add(Match(child_profile_id=child_row.id, relative_profile_id=father_row.id,
                          found_child_id=second.id, report_id=report.id,
                          relationship_tested="parent-child", log10_lr=8.0,
                          loci_compared=23, exclusions=0, state="reviewed"))
        report.status = "reunited"  # closed: not one of the missing children at large
        third = _child(session, operation, "FC-R3")
        operations.record_transaction(session, actor="police", child=third, price_yuan=40000,
                                      date=dt.date(2019, 1, 1), place="Handan, Hebei")
        _child(session, operation, "FC-R4")
        session.flush()
        ring = operation_ring(session, operation)
        assert ring.source_areas == frozenset({"51", "53"})
        assert (ring.active_from, ring.active_to) == (dt.date(2015, 7, 1), RESCUE)
        assert ring.sources == ("the sales and identified children of the operation "
                                "(3 of 4 children)",)
        assert missing_population(session) == []  # the one report is closed


def test_the_investigations_graph_adds_the_rings_other_children(factory):
    """A seller of the operation also sold, in another operation, a child from Guiyang
    (Guizhou) in 2014: once the graph is built, the ring adds Guizhou and starts in 2014."""
    with factory() as session, session.begin():
        operation = operations.create_operation(session, actor="police", name="Ring test",
                                                started_on=RESCUE)
        other = operations.create_operation(session, actor="police", name="Earlier raid",
                                            started_on=dt.date(2015, 1, 1))
        child = _child(session, operation, "FC-G1")
        earlier = cases.register_found_child(
            session, actor="police", external_id="FC-G2", found_date=dt.date(2015, 1, 1),
            found_location=_place(session, HANDAN), operation_id=other.id)
        seller = operations.register_suspect(session, actor="police", operation=operation,
                                             name="Wang Qiang", role="seller")
        buyer = operations.register_suspect(session, actor="police", operation=other,
                                            name="Liu Jun", role="buyer")
        operations.record_transaction(session, actor="police", child=child, price_yuan=9000,
                                      date=dt.date(2017, 5, 1), place="Kunming, Yunnan",
                                      seller=seller)
        operations.record_transaction(session, actor="police", child=child, price_yuan=9000,
                                      date=dt.date(2017, 6, 1), place="Handan, Hebei",
                                      seller=seller)
        operations.record_transaction(session, actor="police", child=earlier,
                                      price_yuan=20000, date=dt.date(2014, 2, 1),
                                      place="Guiyang, Guizhou", seller=seller, buyer=buyer)
        session.flush()
        before = operation_ring(session, operation)
        assert before.source_areas == frozenset({"53"})
        assert before.active_from == dt.date(2017, 5, 1)
        build_graph(session, actor="police")
        after = operation_ring(session, operation)
        assert after.source_areas == frozenset({"52", "53"})
        assert (after.active_from, after.active_to) == (dt.date(2014, 2, 1), RESCUE)
        assert any("ring(s) of the investigations graph" in s for s in after.sources)


@pytest.fixture
def raid(world, factory, settings, cipher) -> Raid:
    return seed_raid(factory, settings, cipher)


def _weights(factory, raid, settings, cipher):
    with factory() as session, session.begin():
        outcome = identify_operation(session, raid.operation_id, actor="reviewer2",
                                     cipher=cipher, settings=settings)
        return outcome, {p.child.specimen: p.log10_prior_weight for p in outcome.proposals}


def test_the_raid_weighs_the_place_and_time_and_the_page_shows_them(raid, factory, settings,
                                                                     cipher, signed_in):
    flat, before = _weights(factory, raid, settings, cipher)
    assert flat.ring.source_areas == frozenset() and not flat.ring.has_period
    assert flat.prior["source_areas"].startswith("not known")
    with factory() as session, session.begin():
        son_a = session.get(FoundChild, raid.child_ids["SP-A"])
        operations.record_transaction(session, actor="police", child=son_a, price_yuan=9000,
                                      date=dt.date(2017, 6, 15), place="Kunming, Yunnan")
        operations.record_transaction(session, actor="police", child=son_a,
                                      price_yuan=30000, date=dt.date(2017, 7, 1),
                                      place="Handan, Hebei")
        report_a = session.get(MissingReport, raid.truth["SP-A"])
        report_a.last_seen_location = _place(session, KUNMING)
    outcome, after = _weights(factory, raid, settings, cipher)
    assert outcome.ring.source_areas == frozenset({"53"})
    assert (outcome.ring.active_from, outcome.ring.active_to) == (dt.date(2017, 6, 15), RESCUE)
    # the six open reports (A-D, the web world's two): one with a place, A's, inside
    # Yunnan: q_A = (1 + 1) / (1 + 2), factor 0.8 / (2/3) = 1.2; vanished within
    # 2016-06-15..2021-05-01 (the period ± 365 days): A, B, D and the world's first, not
    # C (2016-03-03) nor the world's second (2016-02-02): q_T = (4 + 1) / (6 + 2) = 0.625,
    # factor 0.9 / 0.625 = 1.44 inside, 0.1 / 0.375 outside
    with factory() as session:
        population = missing_population(session)
    assert len(population) == 6
    assert "1 of 1 missing children with a known place" in outcome.prior["source_areas"]
    assert "4 of 6 missing children with a known date" in outcome.prior["active_period"]
    assert after["SP-A"] - before["SP-A"] == pytest.approx(math.log10(1.2 * 1.44))
    assert after["SP-B"] - before["SP-B"] == pytest.approx(math.log10(1.44))
    assert after["SP-C"] - before["SP-C"] == pytest.approx(math.log10(0.1 / 0.375))
    assert {p.child.specimen: p.family.report_id for p in outcome.proposals} == raid.truth
    police, _ = signed_in("police.hebei")
    page = police.get(f"/operations/{raid.operation_id}/identification").text
    assert '<dd id="ring-areas">Yunnan 云南省 (53)</dd>' in page
    assert '<dd id="ring-period">2017-06-15 – 2020-05-01</dd>' in page
    assert "the sales and identified children of the operation (1 of 4 children)" in page
    police.cookies.set("lang", "zh")
    page = police.get(f"/operations/{raid.operation_id}/identification").text
    assert "团伙的拐出地区" in page and "团伙拐出地区" in page and "团伙活动期" in page


def test_a_single_sale_dates_the_ring_but_names_no_source_area(raid, factory, settings,
                                                                cipher):
    """One sale in Kunming and no later stop in another province: no route starts there
    (the found place is not recorded), but the sale starts the active period."""
    with factory() as session, session.begin():
        son_a = session.get(FoundChild, raid.child_ids["SP-A"])
        operations.record_transaction(session, actor="police", child=son_a, price_yuan=9000,
                                      date=dt.date(2017, 6, 15), place="Kunming, Yunnan")
    outcome, _ = _weights(factory, raid, settings, cipher)
    assert outcome.ring.source_areas == frozenset()
    assert (outcome.ring.active_from, outcome.ring.active_to) == (dt.date(2017, 6, 15), RESCUE)
    assert outcome.prior["source_areas"].startswith("not known")
    assert "0.9 / 0.625" in outcome.prior["active_period"]  # (4 + 1) / (6 + 2), as above
