"""Y-STR haplotypes: reading, comparison, mutation, frequencies (discrete Laplace, kappa),
the lineage LR and the Y search. Hand-computed values name their formula's source."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import dlaplace

from homeward.kinship.errors import DuplicateRecordError, ModelError, UnknownLocusError
from homeward.kinship.ystr import CopyNumberError, YHaplotype, compare_haplotypes
from homeward.kinship.ystr_frequency import HaplotypeDatabase, load_packaged_database
from homeward.kinship.ystr_laplace import (
    _log_joint,
    fit_discrete_laplace,
    fit_discrete_laplace_adaptive,
    simulate_discrete_laplace,
)
from homeward.kinship.ystr_lineage import lineage_lr, step_difference_probability
from homeward.kinship.ystr_loci import (
    MUTATION_RATES,
    YFILER,
    YFILER_PLUS,
    canonical_ystr_locus,
    locus_count,
)
from homeward.kinship.ystr_readers import parse_haplotypes
from homeward.kinship.ystr_search import YIndex, beside_autosomal

ROOT = Path(__file__).resolve().parents[2]


def hap(sample: str, **cells: str) -> YHaplotype:
    return YHaplotype.from_strings(sample, cells)


# -- loci ------------------------------------------------------------------------------

def test_kits_count_loci_as_the_manufacturers_do():
    # Yfiler: 17 loci with DYS385a/b; Yfiler Plus: 27 with DYS385a/b and DYF387S1a/b.
    assert locus_count(YFILER) == 17
    assert locus_count(YFILER_PLUS) == 27
    assert all(m in MUTATION_RATES for m in YFILER_PLUS)


@pytest.mark.parametrize(("spelling", "canonical"), [
    ("DYS 389 I", "DYS389I"), ("dys389ii", "DYS389II"), ("Y-GATA-H4", "YGATAH4"),
    ("GATA H4.1", "YGATAH4"), ("DYS385a/b", "DYS385"), ("DYF387S1", "DYF387S1"),
])
def test_marker_names_are_normalised(spelling, canonical):
    assert canonical_ystr_locus(spelling) == canonical


def test_unknown_marker_suggests_a_spelling():
    with pytest.raises(UnknownLocusError, match="not a known Y-STR marker; did you mean"
                                                ".*'DYS393'"):
        canonical_ystr_locus("DYS39O")


# -- reading ---------------------------------------------------------------------------

def test_wide_layout_with_split_copies_second_block_null_duplication_microvariant():
    text = ("# a note\n"
            "sample,DYS19,DYS389I,DYS389B,DYS385a,DYS385b,DYS448,DYS458,DYS456,haplogroup\n"
            "A,15,13,16,19,12,null,17.2,15-16,O2\n")
    a = parse_haplotypes(text)["A"]
    assert a.loci["DYS389II"] == ("29",)  # DYS389I + second block
    assert a.loci["DYS385"] == ("12", "19")  # unordered pair, sorted
    assert a.loci["DYS448"] == ()  # null allele
    assert a.loci["DYS458"] == ("17.2",)  # intermediate allele
    assert a.loci["DYS456"] == ("15", "16")  # duplication at a single-copy marker


def test_long_layout_and_count_column():
    long = "sample,locus,allele\nA,DYS19,15\nA,DYS385,11-14\nB,DYS19,16\n"
    haplotypes = parse_haplotypes(long)
    assert haplotypes["A"].loci == {"DYS19": ("15",), "DYS385": ("11", "14")}
    compact = "sample,DYS19,DYS390,n\nH1,15,23,3\nH2,14,22,1\n"
    assert sorted(parse_haplotypes(compact)) == ["H1#1", "H1#2", "H1#3", "H2"]


@pytest.mark.parametrize("cell", ["13", "11-14-15"])
def test_multi_copy_marker_with_wrong_number_of_alleles_names_row_sample_marker(cell):
    text = f"sample,DYS19,DYS385\nA,15,12-19\nB,15,{cell}\n"
    with pytest.raises(CopyNumberError) as caught:
        parse_haplotypes(text, source="men.csv")
    message = str(caught.value)
    assert "men.csv" in message and "row 3" in message and "'B'" in message
    assert "DYS385" in message and "2 alleles" in message


def test_duplicated_sample_names_it_and_both_rows():
    text = "sample,DYS19,DYS390\nA,15,23\nB,14,22\nA,15,24\n"
    with pytest.raises(DuplicateRecordError) as caught:
        parse_haplotypes(text, source="db.csv")
    assert "row 4" in str(caught.value) and "'A'" in str(caught.value)
    assert "first on row 2" in str(caught.value)
    long = "sample,locus,allele\nA,DYS19,15\nA,DYS390,23\nA,DYS19,16\n"
    with pytest.raises(DuplicateRecordError, match="row 4.*'A'.*first on row 2"):
        parse_haplotypes(long)


# -- comparison ------------------------------------------------------------------------

def test_comparison_counts_mismatches_and_steps_with_best_pairing():
    boy = hap("boy", DYS19="15", DYS390="23", DYS385="11-14", DYS448="19")
    man = hap("man", DYS19="16", DYS390="23", DYS385="14-12", DYS448="19.2")
    result = compare_haplotypes(boy, man)
    # DYS19 1 step; DYS385 {11,14} vs {12,14}: best pairing 11->12, 14->14 = 1 step
    assert result.loci["DYS385"].steps == 1
    assert result.mismatches == 3 and result.steps == 2
    assert result.non_stepwise == ["DYS448"]  # 19 against 19.2


def test_dys389_mutation_in_first_block_counts_once():
    boy = hap("boy", DYS389I="13", DYS389II="29")
    man = hap("man", DYS389I="14", DYS389II="30")  # the DYS389I block grew by one
    result = compare_haplotypes(boy, man)
    assert result.steps == 1
    assert result.loci["DYS389II"].kind == "match"
    assert result.loci["DYS389II"].compared_as == "DYS389II-I"


# -- single-step mutation --------------------------------------------------------------

def test_step_probabilities_by_hand():
    mu = 0.004
    # one meiosis: stay 1 - mu, one step up or down mu/2 each
    assert step_difference_probability(0, 1, mu) == pytest.approx(1 - mu)
    assert step_difference_probability(-1, 1, mu) == pytest.approx(mu / 2)
    # two meioses: one mutation 2 mu (1 - mu) * 1/2; two that cancel mu^2 * 1/2
    assert step_difference_probability(1, 2, mu) == pytest.approx(mu * (1 - mu))
    assert step_difference_probability(0, 2, mu) == pytest.approx((1 - mu) ** 2 + mu**2 / 2)
    assert step_difference_probability(2, 2, mu) == pytest.approx(mu**2 / 4)
    assert step_difference_probability(3, 2, mu) == 0


@pytest.mark.parametrize("g", [1, 2, 3, 4, 7])
def test_step_probabilities_sum_to_one(g):
    assert sum(step_difference_probability(d, g, 0.3) for d in range(-g, g + 1)) == \
        pytest.approx(1)


# -- frequencies: kappa and the lineage LR ---------------------------------------------

@pytest.fixture
def small_database() -> HaplotypeDatabase:
    men = [hap("P1", DYS19="14", DYS390="22", DYS385="11-14"),
           hap("P2", DYS19="15", DYS390="23", DYS385="12-13"),
           hap("P3", DYS19="15", DYS390="23", DYS385="12-13"),
           hap("P4", DYS19="16", DYS390="24", DYS385="13-17")]
    return HaplotypeDatabase(men, name="small")


def test_kappa_and_count_by_hand(small_database):
    # Brenner 2010: n = 4, singletons P1 and P4, kappa = 2/4; an unseen type: (1-kappa)/n
    unseen = small_database.frequency(hap("r", DYS19="17", DYS390="25", DYS385="11-14"),
                                      method="kappa")
    assert unseen.method == "kappa" and unseen.value == pytest.approx(0.5 / 4)
    seen = small_database.frequency(hap("r", DYS19="15", DYS390="23", DYS385="13-12"),
                                    method="kappa")
    assert seen.method == "count" and seen.value == pytest.approx(3 / 5)  # (c+1)/(n+1)


def test_exact_match_without_mutation_is_one_over_frequency(small_database):
    boy = hap("boy", DYS19="17", DYS390="25", DYS385="11-14")
    man = hap("man", DYS19="17", DYS390="25", DYS385="11-14")
    result = lineage_lr(boy, man, small_database, generations=None, method="kappa")
    assert result.lr == pytest.approx(1 / 0.125)


def test_grandfather_one_step_away_still_gives_an_lr(small_database):
    boy = hap("boy", DYS19="18", DYS390="25", DYS385="11-14")
    grandfather = hap("gf", DYS19="17", DYS390="25", DYS385="11-15")
    result = lineage_lr(boy, grandfather, small_database, generations=2, method="kappa")
    mu19, mu390, mu385 = 2.20e-3, 2.08e-3, 6.86e-3 / 2  # YHRD r61; DYS385 per copy
    dys19 = mu19 * (1 - mu19)  # one step in two meioses
    dys390 = (1 - mu390) ** 2 + mu390**2 / 2  # no net change in two meioses
    # DYS385 {11,14} -> {11,15}: pairing (11,11)(14,15); (11,15)(14,11) needs 4 + 3 steps
    dys385 = ((1 - mu385) ** 2 + mu385**2 / 2) * mu385 * (1 - mu385)
    expected = dys19 * dys390 * dys385 / 0.125  # kappa frequency of the grandfather
    assert result.lr == pytest.approx(expected)
    assert result.comparison.steps == 2
    assert result.lr > 0


def test_difference_single_steps_cannot_explain_gives_zero(small_database):
    boy = hap("boy", DYS19="15", DYS390="23.2")
    man = hap("man", DYS19="15", DYS390="23")
    result = lineage_lr(boy, man, small_database, generations=3, method="kappa")
    assert result.lr == 0 and result.excluded == ["DYS390"]


def test_marker_missing_from_database_names_sample_and_marker(small_database):
    boy = hap("boy", DYS19="15")
    man = hap("MAN-7", DYS19="15", DYS549="12")
    with pytest.raises(UnknownLocusError) as caught:
        lineage_lr(boy, man, small_database, generations=1)
    assert "'MAN-7'" in str(caught.value) and "'DYS549'" in str(caught.value)
    assert "not in the haplotype database 'small'" in str(caught.value)


# -- the discrete Laplace model --------------------------------------------------------

def test_written_out_log_pmf_agrees_with_scipy():
    x = np.array([[10.0, 14.0, np.nan], [12.0, 11.0, 20.0]])
    centres = np.array([[11.0, 13.0, 20.0]])
    p = np.array([[0.2, 0.45, 0.1]])
    got = _log_joint(x, centres, p, np.array([1.0]))[:, 0]
    want = [dlaplace.logpmf(-1, -np.log(0.2)) + dlaplace.logpmf(1, -np.log(0.45)),
            dlaplace.logpmf(1, -np.log(0.2)) + dlaplace.logpmf(-2, -np.log(0.45))
            + dlaplace.logpmf(0, -np.log(0.1))]
    np.testing.assert_allclose(got, want)


def test_mixture_probabilities_sum_to_one_over_a_grid():
    centres = np.array([[12.0, 20.0], [15.0, 22.0]])
    p = np.array([[0.3, 0.2], [0.4, 0.25]])
    from homeward.kinship.ystr_laplace import DiscreteLaplaceMixture

    model = DiscreteLaplaceMixture(("a", "b"), centres, p, np.array([0.6, 0.4]), 0.0, 1, 0)
    grid = np.array([[a, b] for a in range(-30, 60) for b in range(-30, 70)], dtype=float)
    assert np.exp(model.log_probability(grid)).sum() == pytest.approx(1, abs=1e-9)


def test_fit_recovers_the_parameters_of_data_simulated_from_the_model():
    # Truth: 3 clades, 8 loci, log p_jk = omega + alpha_j + beta_k (Andersen et al. 2013).
    rng = np.random.default_rng(2013)
    centres = rng.integers(10, 30, size=(3, 8)).astype(float)
    p = np.exp(np.log(0.25) + np.array([0.0, 0.3, -0.4])[:, None]
               + np.linspace(-0.7, 0.5, 8)[None, :])
    weights = np.array([0.5, 0.3, 0.2])
    values, _ = simulate_discrete_laplace(centres, p, weights, 2500, seed=329)
    fit = fit_discrete_laplace(values, 3, seed=39)
    order = [int(np.argmin(np.abs(fit.centres - c).sum(axis=1))) for c in centres]
    assert sorted(order) == [0, 1, 2]
    np.testing.assert_array_equal(fit.centres[order], centres)
    np.testing.assert_allclose(fit.weights[order], weights, atol=0.03)
    np.testing.assert_allclose(fit.p[order], p, atol=0.03)
    adaptive = fit_discrete_laplace_adaptive(values, max_clusters=4, seed=39)
    assert adaptive.clusters == 3  # BIC picks the true number of clades


def test_missing_values_are_marginalised_out():
    centres = np.array([[12.0, 20.0]])
    values, _ = simulate_discrete_laplace(centres, np.array([[0.3, 0.2]]), np.array([1.0]),
                                          2000, seed=5)
    values[::3, 1] = np.nan
    fit = fit_discrete_laplace(values, 1)
    # with one clade the loci are independent: P(a, NaN) = P(a) = sum over b of P(a, b)
    b = np.arange(-20, 60, dtype=float)
    joint = np.exp(fit.log_probability(np.column_stack([np.full(b.size, 13.0), b]))).sum()
    assert fit.probability(np.array([13.0, np.nan])) == pytest.approx(joint)


def test_too_many_clades_is_a_model_error():
    with pytest.raises(ModelError, match="cannot fit 3 clades to 2"):
        fit_discrete_laplace(np.array([[1.0], [2.0]]), 3)


# -- the shipped, simulated database ---------------------------------------------------

def test_shipped_database_is_simulated_and_regenerates_byte_for_byte(tmp_path):
    readme = (ROOT / "src/homeward/kinship/data/ystr/README.md").read_text()
    assert "SIMULATED" in readme and "scripts/simulate_ystr_database.py" in readme
    out = tmp_path / "again.csv"
    done = subprocess.run([sys.executable, str(ROOT / "scripts/simulate_ystr_database.py"),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    shipped = ROOT / "src/homeward/kinship/data/ystr/simulated_yfiler_plus.csv"
    assert out.read_bytes() == shipped.read_bytes()
    database = load_packaged_database()
    assert len(database) == 1000 and database.markers == list(YFILER_PLUS)


def test_discrete_laplace_frequency_on_the_shipped_database():
    database = load_packaged_database()
    man = database.haplotypes[0]
    full = database.frequency(man)
    assert full.method == "discrete-laplace" and 0 < full.value < 1
    fewer = database.frequency(man, markers=["DYS19", "DYS390", "DYS391"])
    assert fewer.value > full.value  # fewer markers: a commoner haplotype


# -- search ----------------------------------------------------------------------------

def test_search_ranks_relatives_and_keeps_autosomal_apart(small_database):
    boy = hap("boy", DYS19="15", DYS390="23", DYS385="12-13")
    uncle = hap("uncle", DYS19="15", DYS390="23", DYS385="12-13")
    grandfather = hap("grandfather", DYS19="15", DYS390="24", DYS385="12-13")
    stranger = hap("stranger", DYS19="11", DYS390="22", DYS385="11-14")  # 4 steps at DYS19
    index = YIndex([stranger, grandfather, boy, uncle], small_database)
    result = index.search(boy, generations=2, method="kappa")
    assert [h.sample_id for h in result.hits] == ["uncle", "grandfather", "stranger"]
    assert result.database_size == 3
    assert result.hits[2].lr == 0 and result.hits[1].steps == 1
    rows = beside_autosomal(result, {"uncle": 5.2})
    assert rows[0]["autosomal_log10_lr"] == 5.2 and rows[0]["combined"] is None
    assert math.isclose(rows[0]["y_log10_lr"], result.hits[0].log10_lr)
