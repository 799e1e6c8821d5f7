"""The command-line contract of ``homeward kinship identify`` (checks rely on it)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.loci import CODIS_20
from homeward.kinship.model import KinshipModel, build_locus_models
from homeward.kinship.pedigree import Pedigree, Person
from homeward.kinship.profiles import Profile
from homeward.kinship.readers import write_long_csv

from .pedsim import simulate_pedigree

FAMILIES = """family,person,father,mother,sex,missing,age_years,vanished
F1,dad,,,male,0,,
F1,mum,,,female,0,,
F1,kid,dad,mum,female,1,4,2020-05-01
F2,gma,,,female,0,,
F2,gpa,,,male,0,,
F2,mo,gpa,gma,female,0,,
F2,fa,,,male,0,,
F2,boy,fa,mo,male,1,,
"""


def homeward(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "homeward", *args], capture_output=True,
                          text=True, check=False)


@pytest.fixture
def case(tmp_path: Path) -> dict[str, str]:
    table = load_packaged_table()
    models = list(build_locus_models(table, KinshipModel(), list(CODIS_20)).values())
    rng = np.random.default_rng(7)
    f1 = simulate_pedigree(Pedigree([Person("dad"), Person("mum"),
                                     Person("kid", "dad", "mum")]), models, rng)
    f2 = simulate_pedigree(Pedigree([Person("gma"), Person("gpa"),
                                     Person("mo", "gpa", "gma"), Person("fa"),
                                     Person("boy", "fa", "mo")]), models, rng)
    stranger = simulate_pedigree(Pedigree([Person("s")]), models, rng)
    files = {
        "families": FAMILIES,
        "refs": write_long_csv([f1["dad"], f2["gma"], f2["gpa"]]),
        "children": write_long_csv([f1["kid"], f2["boy"], stranger["s"]]),
        "pair": write_long_csv([f1["kid"], f1["dad"]]),
        "info": "child,sex,age_years\nkid,female,7\nboy,,\ns,male,\n",
    }
    out = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text)
        out[name] = str(path)
    return out


def _identify(case, *extra):
    return homeward("kinship", "identify", "--children", case["children"], "--references",
                    case["refs"], "--families", case["families"], *extra)


def test_json_contract_and_parent_child_equality(case):
    done = _identify(case, "--children-info", case["info"], "--rescue-date", "2023-06-01",
                     "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {"assignments", "unassigned_children", "undisputed", "joint_log10_lr",
            "method"} <= set(result)
    pairs = {(a["child"], a["family"], a["missing"]) for a in result["assignments"]}
    assert pairs == {("kid", "F1", "kid"), ("boy", "F2", "boy")}
    assert result["unassigned_children"] == ["s"]
    for a in result["assignments"]:
        assert set(a) >= {"child", "family", "missing", "log10_lr", "posterior"}
        assert 0.0 <= a["posterior"] <= 1.0
    # F1's only typed relative is the father: the pair LR is the duo's
    lr = homeward("kinship", "lr", "--profiles", case["pair"], "--person1", "kid",
                  "--person2", "dad", "--relationship", "parent-child", "--json")
    assert lr.returncode == 0, lr.stderr
    kid = next(a for a in result["assignments"] if a["child"] == "kid")
    assert kid["log10_lr"] == pytest.approx(json.loads(lr.stdout)["log10_lr"], rel=1e-9)
    assert result["joint_log10_lr"] == pytest.approx(
        sum(a["log10_lr_given_rest"] for a in result["assignments"]), rel=1e-9)


def test_mutation_and_theta_options_run(case):
    done = _identify(case, "--theta", "0.01", "--mutation-model", "proportional",
                     "--mutation-rate", "0.002", "--threshold", "100", "--json")
    assert done.returncode == 0, done.stderr
    assert {a["child"] for a in json.loads(done.stdout)["assignments"]} == {"kid", "boy"}


@pytest.mark.parametrize(("edit", "words"), [
    (lambda t: t.replace("F1,kid,dad,mum", "F1,kid,kid,mum"), "own father"),
    (lambda t: t.replace("F2,mo,gpa,gma", "F2,mo,gpa,ghost"), "'ghost' is not a person"),
    (lambda t: t + "F1,dad,,,male,0,,\n", "twice"),
    (lambda t: t.replace("F2,gpa,,,male", "F2,gpa,,,female"), "named as the father"),
    (lambda t: t.replace("F2,mo,gpa,gma,female,0", "F2,mo,boy,gma,female,0").replace(
        "F2,boy,fa,mo,male,1", "F2,boy,mo,fa,male,1"), "ancestor|named as"),
])
def test_bad_families_exit_2_naming_the_row(case, edit, words):
    path = Path(case["families"])
    path.write_text(edit(FAMILIES))
    done = _identify(case)
    assert done.returncode == 2
    assert "row" in done.stderr
    assert __import__("re").search(words, done.stderr), done.stderr


def test_info_sex_must_agree_with_amelogenin_and_refs_must_be_known(case, tmp_path):
    refs = Path(case["refs"])
    refs.write_text(refs.read_text() + "nobody,vWA,14,16\n")
    done = _identify(case)
    assert done.returncode == 2 and "nobody" in done.stderr


# --- the ring's place and time (kinship/joint_prior.py) ---------------------------------

TWIN_FAMILIES = """family,person,father,mother,sex,missing,vanished,vanished_place
Y,fa,,,male,0,,
Y,kid,fa,,,1,2017-03-01,Kunming
H,fa,,,male,0,,
H,kid,fa,,,1,2012-03-01,130000
"""


@pytest.fixture
def twins(tmp_path: Path) -> dict[str, str]:
    """Families Y and H whose typed fathers have the same genotypes (equal DNA), their
    missing children vanished in Kunming (Yunnan) in 2017 and in Hebei in 2012."""
    table = load_packaged_table()
    models = list(build_locus_models(table, KinshipModel(), list(CODIS_20)).values())
    duo = simulate_pedigree(Pedigree([Person("fa"), Person("mo"), Person("kid", "fa", "mo")]),
                            models, np.random.default_rng(11))
    files = {"families": TWIN_FAMILIES,
             "refs": write_long_csv([Profile(f"{f}:fa", duo["fa"].genotypes)
                                     for f in ("Y", "H")]),
             "children": write_long_csv([duo["kid"]])}
    out = {}
    for name, text in files.items():
        path = tmp_path / f"twin-{name}.csv"
        path.write_text(text)
        out[name] = str(path)
    return out


def test_the_ring_areas_decide_between_equal_dna_and_are_printed(twins):
    done = _identify(twins, "--threshold", "10", "--ring-areas", "53", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [a["family"] for a in result["assignments"]] == ["Y"]
    # q_A = (1 + 1) / (2 + 2) over the two families: factor 0.8 / 0.5 = 1.6 inside
    assert "source areas 53 (from the command line): factor 0.8 / 0.500 = 1.6 inside" \
        in result["prior"]["source_areas"]
    assert result["prior"]["active_period"].startswith("not known")
    hebei = _identify(twins, "--threshold", "10", "--ring-areas", "Hebei", "--json")
    assert [a["family"] for a in json.loads(hebei.stdout)["assignments"]] == ["H"]


def test_the_ring_period_decides_and_the_text_output_states_it(twins):
    done = _identify(twins, "--threshold", "10", "--ring-period", "2010-01-01:2013-06-30",
                     "--ring-margin-days", "30")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert re.search(r"kid │ H │ kid", text) and "│ Y │" not in text
    # 0.9 / 0.5 = 1.8 for H (2012), 0.1 / 0.5 = 0.2 for Y (2017): posterior 1.8 / 2.0
    assert re.search(r"│ 0\.9000 │", text)
    assert "active_period: vanished within the ring's active period 2010-01-01 to " \
           "2013-06-30 ± 30 days" in text
    assert "source_areas: not known" in text


@pytest.mark.parametrize(("args", "words"), [
    (("--ring-areas", "99"), "--ring-areas: '99' is no area code"),
    (("--ring-areas", "53,Atlantis"), "--ring-areas: 'Atlantis' is neither"),
    (("--ring-areas", " , "), "--ring-areas is empty"),
    (("--ring-period", "2016-01-01"), "--ring-period '2016-01-01' must be FROM:TO"),
    (("--ring-period", "2016-02-30:"), "'2016-02-30' is not a date"),
    (("--ring-period", "2019-01-01:2016-01-01"), "starts \\(2019-01-01\\) after"),
])
def test_bad_ring_options_exit_2_naming_the_option(twins, args, words):
    done = _identify(twins, *args)
    assert done.returncode == 2
    assert re.search(words, done.stderr), done.stderr


def test_a_bad_vanished_place_exits_2_naming_the_row(twins):
    path = Path(twins["families"])
    path.write_text(TWIN_FAMILIES.replace("130000", "Atlantis"))
    done = _identify(twins)
    assert done.returncode == 2
    assert "row 5" in done.stderr and "vanished_place: 'Atlantis'" in done.stderr
    path.write_text(TWIN_FAMILIES.replace("Kunming", "朝阳区"))
    done = _identify(twins)
    assert done.returncode == 2 and "row 3" in done.stderr and "give the area code" \
        in done.stderr, done.stderr
