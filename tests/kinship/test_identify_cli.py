"""The command-line contract of ``homeward kinship identify`` (checks rely on it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.loci import CODIS_20
from homeward.kinship.model import KinshipModel, build_locus_models
from homeward.kinship.pedigree import Pedigree, Person
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
