"""The command-line contract of ``homeward kinship ystr`` (compare, search, bad input)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Population of 5 men: (14,22,11-14) twice, three singletons -> kappa = 3/5 (Brenner 2010)
POPULATION = """sample,DYS19,DYS390,DYS385
P1,14,22,11-14
P2,14,22,11-14
P3,15,23,12-13
P4,16,24,13-17
P5,15,22,12-14
"""

FAMILY = """sample,DYS19,DYS390,DYS385
BOY-1,17,25,11-15
GF-7,17,25,11-15
UNCLE-3,18,25,11-15
OTHER-9,12,20,13-19
"""


def homeward(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "homeward", "kinship", "ystr", *args],
                          capture_output=True, text=True, check=False)


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    population = tmp_path / "population.csv"
    population.write_text(POPULATION)
    family = tmp_path / "family.csv"
    family.write_text(FAMILY)
    return str(population), str(family)


def test_compare_json_exact_match_is_one_over_kappa_frequency(files):
    population, family = files
    done = homeward("compare", "--haplotypes", family, "--query", "BOY-1", "--reference",
                    "GF-7", "--population", population, "--method", "kappa",
                    "--generations", "none", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # unseen haplotype: (1 - kappa)/n = (1 - 3/5)/5 = 0.08; LR = 1/0.08
    assert result["haplotype_frequency"]["frequency"] == pytest.approx(0.08)
    assert result["haplotype_frequency"]["method"] == "kappa"
    assert result["lr"] == pytest.approx(12.5)
    assert result["mismatches"] == 0 and result["steps"] == 0
    assert result["signal"] == "paternal lineage (Y-STR)"


def test_compare_one_step_uncle_with_mutation(files):
    population, family = files
    done = homeward("compare", "--haplotypes", family, "--query", "BOY-1", "--reference",
                    "UNCLE-3", "--population", population, "--method", "kappa",
                    "--generations", "uncle", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["generations"] == 3 and result["mismatches"] == 1 and result["steps"] == 1
    # single-step model, 3 meioses: P(1) = 3 mu (1-mu)^2 / 2 + 3 mu^3 / 8 (3 steps, net +1)
    mu = 2.20e-3
    assert result["per_locus_probability"]["DYS19"] == pytest.approx(
        3 * mu * (1 - mu) ** 2 / 2 + 3 * mu**3 / 8)
    assert result["lr"] > 0


def test_search_json_ranks_relatives(files):
    population, family = files
    done = homeward("search", "--database", family, "--query", "BOY-1", "--population",
                    population, "--method", "kappa", "--top", "5", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [h["sample_id"] for h in result["hits"]] == ["GF-7", "UNCLE-3", "OTHER-9"]
    assert result["hits"][2]["lr"] == 0
    assert "not multiplied" in result["note"]


def test_compare_with_the_shipped_simulated_database():
    shipped = Path(__file__).resolve().parents[2] / \
        "src/homeward/kinship/data/ystr/simulated_yfiler_plus.csv"
    done = homeward("compare", "--haplotypes", str(shipped), "--query", "SIM-Y-0001",
                    "--reference", "SIM-Y-0002", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["haplotype_frequency"]["method"] == "discrete-laplace"
    assert result["haplotype_frequency"]["database"] == "simulated_yfiler_plus"


def bad(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return str(path)


def assert_one_line_error(done: subprocess.CompletedProcess, *parts: str) -> None:
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    for part in parts:
        assert part in lines[0]


def test_marker_missing_from_database_exits_2_naming_the_record(files, tmp_path):
    population, _ = files
    family = bad(tmp_path, "sample,DYS19,DYS390,DYS576\nBOY-1,17,25,18\nGF-7,17,25,18\n")
    done = homeward("compare", "--haplotypes", family, "--query", "BOY-1", "--reference",
                    "GF-7", "--population", population)
    assert_one_line_error(done, "'BOY-1'", "'DYS576'", "not in the haplotype database")


def test_multi_copy_marker_with_one_allele_exits_2(files, tmp_path):
    population, _ = files
    family = bad(tmp_path, "sample,DYS19,DYS385\nBOY-1,17,11-15\nGF-7,17,11\n")
    done = homeward("compare", "--haplotypes", family, "--query", "BOY-1", "--reference",
                    "GF-7", "--population", population)
    assert_one_line_error(done, "bad.csv", "row 3", "'GF-7'", "DYS385", "2 alleles")


def test_duplicated_sample_in_database_exits_2(files, tmp_path):
    population, _ = files
    database = bad(tmp_path, "sample,DYS19,DYS390\nBOY-1,17,25\nGF-7,17,25\nGF-7,17,24\n")
    done = homeward("search", "--database", database, "--query", "BOY-1", "--population",
                    population)
    assert_one_line_error(done, "bad.csv", "row 4", "'GF-7'", "first on row 3")


def test_search_shows_the_autosomal_lr_beside_never_multiplied(files, tmp_path):
    """Grandparent at one locus, kappa (1/2, 1/2, 0): LR = 1/2 + 1/2 * PI with the duo
    PI = 1/(2 p_A) for a man A/A and a boy A/B (Evett & Weir 1998, ch. 8; Thompson 1975)."""
    import math

    from homeward.kinship.frequencies import DEFAULT_TABLE, resolve_frequency_table

    population, family = files
    profiles = tmp_path / "autosomal.csv"
    profiles.write_text("sample,locus,allele1,allele2\nBOY-1,D3S1358,15,16\n"
                        "GF-7,D3S1358,15,15\n")
    done = homeward("search", "--database", family, "--query", "BOY-1", "--population",
                    population, "--method", "kappa", "--profiles", str(profiles),
                    "--relationship", "grandparent", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    rows = {row["reference"]: row for row in result["beside_autosomal"]}
    locus = resolve_frequency_table(DEFAULT_TABLE)["D3S1358"]
    p15 = float(locus.frequencies[locus.index()["15"]])
    assert rows["GF-7"]["autosomal_log10_lr"] == pytest.approx(
        math.log10(0.5 + 0.5 / (2 * p15)))
    assert rows["UNCLE-3"]["autosomal_log10_lr"] is None  # no autosomal profile
    assert rows["GF-7"]["combined"] is None  # the product is never taken
    assert rows["GF-7"]["y_log10_lr"] == pytest.approx(result["hits"][0]["log10_lr"])
