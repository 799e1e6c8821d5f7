"""The place-and-time prior of a joint identification (kinship/joint_prior.py, areas.py):
hand-computed factors, neutral when nothing is known, and the place deciding between two
families whose DNA is equal."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from homeward.kinship.areas import area_code, in_areas
from homeward.kinship.errors import InputError
from homeward.kinship.families import Family, MissingChild, read_families
from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.joint import RescuedChild, identify
from homeward.kinship.joint_prior import PriorSettings, RingContext, Share
from homeward.kinship.loci import CODIS_20
from homeward.kinship.model import KinshipModel, build_locus_models
from homeward.kinship.pedigree import Pedigree, Person
from homeward.kinship.profiles import Profile

from .pedsim import simulate_pedigree

TABLE = load_packaged_table()
RING = RingContext(frozenset({"530000"}), dt.date(2016, 1, 1), dt.date(2018, 12, 31))
# four missing children at large: two vanished in Yunnan (53), two elsewhere; three dated,
# two of them inside 2015-01-01..2019-12-31 (the period widened by 365 days)
POPULATION = [
    MissingChild("a", "x", vanished=dt.date(2017, 1, 1), vanished_place="530100"),
    MissingChild("b", "x", vanished=dt.date(2015, 6, 1), vanished_place="53"),
    MissingChild("c", "x", vanished=dt.date(2010, 1, 1), vanished_place="35"),
    MissingChild("d", "x", vanished_place="130000000000"),
]
CHILD = RescuedChild("c", None)  # type: ignore[arg-type]  # the prior reads no profile


@pytest.mark.parametrize(("code", "area"), [
    ("53", "53"), ("530000", "53"), ("530000000000", "53"), ("5301", "5301"),
    ("530100", "5301"), ("530102", "530102"), ("530102003000", "530102")])
def test_area_codes_reduce_to_their_significant_prefix(code, area):
    assert area_code(code) == area


@pytest.mark.parametrize("code", ["5", "530", "00", "Yunnan", "53a0", "１２"])
def test_bad_area_codes_are_refused(code):
    with pytest.raises(InputError, match="area code|no province"):
        area_code(code)


def test_inside_outside_and_undetermined():
    assert in_areas("5301", {"53"}) is True
    assert in_areas("35", {"53"}) is False
    assert in_areas("53", {"5301"}) is None  # vanished "in Yunnan", the area is Kunming
    assert in_areas("53", {"5301", "53"}) is True


def test_hand_computed_place_and_time_factors():
    prior = PriorSettings(ring=RING).with_base_rates(POPULATION)
    # q_A = (2 inside + 1) / (4 with a place + 2) = 0.5; p_A = 0.8
    assert prior.area_share == Share(2, 4)
    # q_T = (2 inside + 1) / (3 dated + 2) = 0.6; p_T = 0.9
    assert prior.period_share == Share(2, 3)
    inside, outside_both, undated_outside = POPULATION[0], POPULATION[2], POPULATION[3]
    assert prior.place_log10(inside) == pytest.approx(math.log10(0.8 / 0.5))
    assert prior.time_log10(inside) == pytest.approx(math.log10(0.9 / 0.6))
    assert prior.place_log10(outside_both) == pytest.approx(math.log10(0.2 / 0.5))
    assert prior.time_log10(outside_both) == pytest.approx(math.log10(0.1 / 0.4))
    assert prior.time_log10(undated_outside) == 0.0
    # no age known: the weight is place + time, log10(1.6 * 1.5) = log10(2.4)
    assert prior.log10_weight(CHILD, inside) == pytest.approx(math.log10(2.4))
    assert prior.log10_weight(CHILD, outside_both) == pytest.approx(math.log10(0.4 * 0.25))


def test_each_factor_is_bounded():
    # q_A = q_T = (0 + 1) / (98 + 2) = 0.01: inside 0.8 / 0.01 = 80, kept at 10 ** 1
    prior = PriorSettings(ring=RING, area_share=Share(0, 98), period_share=Share(0, 98),
                          ring_period_probability=0.99)
    assert prior.place_log10(POPULATION[0]) == 1.0
    # outside the period: 0.01 / 0.99, about 10 ** -2, kept at 10 ** -1
    assert prior.time_log10(POPULATION[2]) == -1.0
    assert prior.place_log10(POPULATION[2]) == pytest.approx(math.log10(0.2 / 0.99))
    lower = PriorSettings(ring=RING, area_share=Share(0, 98), max_log10_factor=0.5)
    assert lower.place_log10(POPULATION[0]) == 0.5


def test_areas_holding_nearly_every_missing_child_tell_nothing():
    # q_A = 99 / 100 > p_A = 0.8: p = q_A, so 0.99 / 0.99 inside and 0.01 / 0.01 outside
    prior = PriorSettings(ring=RING, area_share=Share(98, 98))
    assert prior.place_log10(POPULATION[0]) == pytest.approx(0.0)
    assert prior.place_log10(POPULATION[2]) == pytest.approx(0.0)


def test_neutral_when_nothing_is_known():
    missing = POPULATION[0]
    assert PriorSettings().log10_weight(CHILD, missing) == 0.0
    assert PriorSettings().with_base_rates(POPULATION).area_share is None
    unplaced = MissingChild("e", "x")
    assert PriorSettings(ring=RING).log10_weight(CHILD, unplaced) == 0.0
    coarse = PriorSettings(ring=RingContext(frozenset({"5301"})))
    assert coarse.place_log10(MissingChild("e", "x", vanished_place="53")) == 0.0
    words = PriorSettings().describe()
    assert words["source_areas"].startswith("not known")
    assert words["active_period"].startswith("not known")


def test_the_prior_says_what_it_used():
    words = PriorSettings(ring=RingContext(RING.source_areas, RING.active_from,
                                           RING.active_to, ("the command line",))
                          ).with_base_rates(POPULATION).describe()
    assert "source areas 53 (from the command line)" in words["source_areas"]
    assert "2 of 4 missing children with a known place" in words["source_areas"]
    assert "2016-01-01 to 2018-12-31 ± 365 days" in words["active_period"]
    assert "2015-01-01 to 2019-12-31" in words["active_period"]


def test_shares_already_given_stay_and_bad_settings_are_refused():
    given = PriorSettings(ring=RING, area_share=Share(1, 9)).with_base_rates(POPULATION)
    assert given.area_share == Share(1, 9) and given.period_share == Share(2, 3)
    with pytest.raises(InputError, match="starts"):
        RingContext(active_from=dt.date(2019, 1, 1), active_to=dt.date(2018, 1, 1))
    with pytest.raises(InputError, match="between 0 and 1"):
        PriorSettings(ring_area_probability=1.0)
    with pytest.raises(InputError, match="area code"):
        RingContext(frozenset({"Yunnan"}))


def test_only_the_place_decides_between_two_families_with_equal_dna():
    """Families Y and H each have a typed father with the same genotypes, so the DNA
    cannot tell them apart; the missing child of Y vanished in Yunnan, the ring's source
    area, the one of H in Hebei."""
    models = list(build_locus_models(TABLE, KinshipModel(), list(CODIS_20)).values())
    trio = simulate_pedigree(Pedigree([Person("fa"), Person("mo"), Person("kid", "fa", "mo")]),
                             models, np.random.default_rng(15))
    pedigree = Pedigree([Person("fa", sex="male"), Person("mo", sex="female"),
                         Person("kid", "fa", "mo")])
    families = [Family("Y", pedigree, (MissingChild("Y", "kid", vanished_place="53"),), {}),
                Family("H", pedigree, (MissingChild("H", "kid", vanished_place="13"),), {})]
    typed = {fid: {"fa": Profile(f"{fid}-fa", trio["fa"].genotypes)} for fid in ("Y", "H")}
    children = [RescuedChild("kid", trio["kid"])]

    def run(areas):
        prior = PriorSettings(ring=RingContext(frozenset(areas)))
        result = identify(children, families, typed, TABLE, threshold=10.0, prior=prior)
        return result, {a.family: a for a in result.assignments}

    flat, chosen = run(set())
    assert not flat.undisputed and len(chosen) == 1  # a tie: either family
    result, chosen = run({"53"})
    assert set(chosen) == {"Y"}
    # q_A = (1 + 1) / (2 + 2) = 0.5 over the two families: 1.6 against 0.4, so the
    # posterior of Y is 1.6 / (1.6 + 0.4 + 10 ** -log10 LR), just under 0.8
    lr = 10 ** chosen["Y"].log10_lr
    assert chosen["Y"].posterior == pytest.approx(1.6 * lr / (1.6 * lr + 0.4 * lr + 1))
    assert "source areas 53" in result.prior["source_areas"]
    assert set(run({"13"})[1]) == {"H"}


def test_families_file_reads_the_place_vanished(tmp_path):
    path = tmp_path / "families.csv"
    path.write_text("family,person,father,mother,sex,missing,vanished_place\n"
                    "F,fa,,,male,0,\nF,kid,fa,,female,1,530100\nG,mo,,,female,0,\n"
                    "G,boy,,mo,male,1,\n")
    families = read_families(path)
    assert [m.vanished_place for f in families for m in f.missing] == ["5301", None]
    assert read_families(path, resolve_place=lambda text: "35")[0].missing[0] \
        .vanished_place == "35"
    path.write_text(path.read_text().replace("530100", "Kunming"))
    with pytest.raises(InputError, match=r"row 3.*vanished_place: 'Kunming' is not an "
                                         r"administrative area code"):
        read_families(path)

    def unknown(text: str) -> str:
        raise ValueError(f"{text!r} is no place of the gazetteer")

    with pytest.raises(InputError, match="row 3.*no place of the gazetteer"):
        read_families(path, resolve_place=unknown)
