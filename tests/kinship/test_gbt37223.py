"""GB/T 37223-2018 paternity index: worked examples, the step formula, the rules, the CLI.

Sources of the expected values:

* textbook trio example (法医物证学, reproduced at b2b168.net/news/c84-i18309984.html):
  alleged father FGA 24/25, obligate paternal allele 25 of frequency 0.0958,
  PI = 0.5 / 0.0958 = 5.22;
* qinzijianding.cn/news/1004.html: p_a = 0.1, p_b = 0.2; trio mother bc, child ab, alleged
  father ad gives PI = 0.5 / 0.1 = 5; the duo child ab, alleged father ad gives
  1 / (4 x 0.1) = 2.5;
* the step formula at an inconsistent locus as KINSIMU (``LRparas``, duo:
  ``mu 10^(1-i) (d_c/p_c + d_d/p_d) / 8``) and pzweuj/practice (trio:
  ``n mu / (4 p 10^(i-1))``, mother = child: ``n mu / (4 (p1 + p2) 10^(i-1))``) write it;
  each expected value below is that formula worked by hand.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from homeward.kinship.errors import ModelError
from homeward.kinship.frequencies import parse_frequency_table
from homeward.kinship.gbt37223 import (
    locus_paternity_index,
    paternity_conclusion,
    repeat_steps,
    standard_paternity_index,
)
from homeward.kinship.lr import kinship_lr
from homeward.kinship.profiles import Profile

MU = 0.002
TABLE = parse_frequency_table("""locus,allele,frequency
D3S1358,13,0.1
D3S1358,14,0.1
D3S1358,15,0.2
D3S1358,16,0.3
D3S1358,17,0.3
FGA,22,0.2
FGA,23,0.3
FGA,24,0.4042
FGA,25,0.0958
TH01,6,0.2
TH01,9,0.3
TH01,9.3,0.4
TH01,11,0.1
""", name="gbt-test")


def pi(child, alleged, known=None, locus="D3S1358"):
    return locus_paternity_index(locus, child, alleged, TABLE[locus], known=known,
                                 mutation_rate=MU)


# --- published worked examples ------------------------------------------------------

def test_textbook_trio_fga_example():
    result = pi(("23", "25"), ("24", "25"), known=("22", "23"), locus="FGA")
    assert result.pi == pytest.approx(0.5 / 0.0958)
    assert round(result.pi, 2) == 5.22 and not result.inconsistent


def test_qinzijianding_trio_and_duo_examples():
    # alleles a, b, c, d written 11, 12, 13, 14
    table = parse_frequency_table("locus,allele,frequency\nvWA,11,0.1\nvWA,12,0.2\n"
                                  "vWA,13,0.3\nvWA,14,0.4\n")
    lf = table["vWA"]
    trio = locus_paternity_index("vWA", ("11", "12"), ("11", "14"), lf, known=("12", "13"))
    duo = locus_paternity_index("vWA", ("11", "12"), ("11", "14"), lf)
    assert trio.pi == pytest.approx(5.0)
    assert duo.pi == pytest.approx(2.5)


# --- the step formula at an inconsistent locus ----------------------------------------

def test_duo_one_step():
    # child 14/15, alleged 16/17: only 16 -> 15 is one step; mu / (8 p_15)
    result = pi(("14", "15"), ("16", "17"))
    assert result.inconsistent and result.formula == "step" and result.steps == 1
    assert result.pi == pytest.approx(MU / (8 * 0.2))


def test_duo_homozygotes_one_step_counts_both_copies():
    # child 15/15, alleged 16/16: KINSIMU mu (2/p + 2/p) / 8 = mu / (2 p_15)
    assert pi(("15", "15"), ("16", "16")).pi == pytest.approx(MU / (2 * 0.2))


def test_trio_two_steps():
    # mother 15/15 gives 15, obligate paternal 14; alleged 16 is 2 steps, 17 is 3
    result = pi(("14", "15"), ("16", "17"), known=("15", "15"))
    assert result.steps == 2
    assert result.pi == pytest.approx(MU / (4 * 0.1 * 10))


def test_trio_both_alleged_alleles_one_step():
    # obligate 14; alleged 13 and 15 are both one step away: n = 2
    assert pi(("14", "15"), ("13", "15"), known=("15", "15")).pi == pytest.approx(
        2 * MU / (4 * 0.1))


def test_trio_child_with_the_mothers_heterozygous_genotype():
    # child = mother = 15/16; alleged 13/13 is 2 steps from 15 (both copies)
    assert pi(("15", "16"), ("13", "13"), known=("15", "16")).pi == pytest.approx(
        2 * MU / (4 * (0.2 + 0.3) * 10))


def test_no_whole_repeat_step_gives_mu():
    result = pi(("6", "9.3"), ("11", "11"), known=("6", "6"), locus="TH01")
    assert repeat_steps("11", "9.3") is None
    assert result.formula == "mu" and result.pi == MU and result.inconsistent


def test_known_parent_mutation_leaves_the_alleged_fathers_pi():
    # mother 17/17 must have mutated to 15 (2 steps); the father passes 14: 1 / (2 p_14)
    result = pi(("14", "15"), ("14", "16"), known=("17", "17"))
    assert not result.inconsistent and result.pi == pytest.approx(1 / (2 * 0.1))
    assert "known parent inconsistent" in result.note


def test_known_parent_without_any_step_is_refused():
    with pytest.raises(ModelError, match="shares no allele"):
        pi(("6", "9"), ("9", "9"), known=("9.3", "9.3"), locus="TH01")


def test_consistent_loci_agree_with_the_forrel_engine():
    """Independent check: at theta 0 without mutation the two conventions coincide."""
    rng = np.random.default_rng(37223)
    alleles = {locus: list(TABLE[locus].alleles) for locus in TABLE.loci}
    compared = 0
    for _ in range(200):
        people = [Profile(name, {locus: tuple(sorted(rng.choice(a, 2)))
                                 for locus, a in alleles.items()})
                  for name in ("c", "f", "m")]
        for persons, rel in ((people[:2], "parent-child"), (people, "trio")):
            forrel = kinship_lr(persons, rel, TABLE)
            standard = standard_paternity_index(persons, TABLE)
            for locus, entry in forrel.loci.items():
                if not entry.excluded:
                    assert standard.loci[locus].pi == pytest.approx(entry.lr)
                    compared += 1
                elif rel == "parent-child":
                    assert standard.loci[locus].inconsistent
    assert compared > 300


# --- cumulative figures and the conclusion rules ------------------------------------

def test_cpi_rcp_and_conclusion_of_a_case():
    child = Profile("c", {"D3S1358": ("14", "15"), "FGA": ("23", "25")})
    father = Profile("f", {"D3S1358": ("16", "17"), "FGA": ("24", "25")})
    mother = Profile("m", {"D3S1358": ("15", "15"), "FGA": ("22", "23")})
    result = standard_paternity_index((child, father, mother), TABLE)
    expected = MU / (4 * 0.1 * 10) * (0.5 / 0.0958)
    assert result.cpi == pytest.approx(expected)
    assert result.rcp == pytest.approx(expected / (expected + 1))
    assert result.inconsistent_loci == 1 and result.conclusion == "inconclusive"


@pytest.mark.parametrize(("cpi", "inconsistent", "expected"), [
    (10_000.0, 0, "supports"),
    (9_999.0, 0, "inconclusive"),
    (1e-5, 3, "excludes"),
    (1e-5, 2, "inconclusive"),
    (1e-4, 3, "inconclusive"),
    (2e4, 1, "supports"),
])
def test_conclusion_rules(cpi, inconsistent, expected):
    assert paternity_conclusion(cpi, inconsistent) == expected


def test_untyped_and_unknown_loci_are_skipped():
    child = Profile("c", {"D3S1358": ("14", "15"), "TPOX": ("8", "8")})
    father = Profile("f", {"FGA": ("24", "25"), "TPOX": ("8", "9")})
    result = standard_paternity_index((child, father), TABLE)
    assert result.loci == {}
    assert result.skipped_loci["TPOX"] == "not in the frequency table"
    assert "not typed in f" in result.skipped_loci["D3S1358"]


# --- the command-line contract ------------------------------------------------------

FREQ = "# N: 50\n" + """locus,allele,frequency
D3S1358,14,0.1
D3S1358,15,0.2
D3S1358,16,0.3
D3S1358,17,0.4
vWA,14,0.05
vWA,16,0.15
vWA,17,0.3
vWA,18,0.5
TH01,6,0.2
TH01,9,0.3
TH01,9.3,0.5
"""
PROFILES = """sample,locus,allele1,allele2
child,D3S1358,14,15
child,vWA,14,17
child,TH01,6,9.3
father,D3S1358,16,17
father,vWA,17,18
father,TH01,9.3,9.3
mother,D3S1358,15,15
mother,vWA,14,14
mother,TH01,6,9
"""


def homeward(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "homeward", *args], capture_output=True,
                          text=True, check=False)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "freq.csv").write_text(FREQ)
    (tmp_path / "profiles.csv").write_text(PROFILES)
    return ["--profiles", str(tmp_path / "profiles.csv"), "--frequencies",
            str(tmp_path / "freq.csv"), "--person1", "child", "--person2", "father"]


def test_cli_trio_json_contract(files):
    done = homeward("kinship", "lr", *files, "--person3", "mother", "--relationship",
                    "trio", "--convention", "gbt37223", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # D3S1358: mother gives 15, obligate 14, father 16 at 2 steps: mu / (4 p_14 10);
    # vWA: obligate 17, father 17/18: 1 / (2 p_17); TH01: obligate 9.3, father 9.3/9.3
    pis = {"D3S1358": MU / (4 * 0.1 * 10), "vWA": 1 / (2 * 0.3), "TH01": 1 / 0.5}
    assert result["convention"] == "GB/T 37223-2018"
    for locus, value in pis.items():
        assert result["loci"][locus]["pi"] == pytest.approx(value)
    assert result["loci"]["D3S1358"]["lr"] == 0.0  # the forrel figure stays beside it
    cpi = math.prod(pis.values())
    assert result["cpi"] == pytest.approx(cpi)
    assert result["rcp"] == pytest.approx(cpi / (cpi + 1))
    assert result["conclusion"] == "inconclusive"
    assert isinstance(result["cpi"], float) and isinstance(result["rcp"], float)


def test_cli_duo_json_contract(files):
    done = homeward("kinship", "lr", *files, "--convention", "gbt37223", "--json",
                    "--mutation-rate", "0.004")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["loci"]["D3S1358"]["pi"] == pytest.approx(0.004 / (8 * 0.2))
    assert result["loci"]["vWA"]["pi"] == pytest.approx(1 / (4 * 0.3))
    assert result["conclusion"] == "inconclusive"


def test_cli_default_convention_adds_nothing(files):
    done = homeward("kinship", "lr", *files, "--json")
    result = json.loads(done.stdout)
    assert "convention" not in result and "pi" not in result["loci"]["vWA"]


def test_cli_other_relationships_are_refused(files):
    done = homeward("kinship", "lr", *files, "--relationship", "full-siblings",
                    "--convention", "gbt37223", "--json")
    assert done.returncode == 2
    assert "covers parent-child and trio, not full-siblings" in done.stderr
    assert done.stdout == ""
    done = homeward("kinship", "lr", *files, "--convention", "familias")
    assert done.returncode == 2 and "unknown convention 'familias'" in done.stderr


def test_cli_table_shows_pi_beside_lr(files):
    done = homeward("kinship", "lr", *files, "--convention", "gbt37223")
    assert done.returncode == 0, done.stderr
    assert "PI (GB/T 37223-2018)" in done.stdout and "conclusion" in done.stdout
