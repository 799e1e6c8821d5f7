"""The command-line contract of ``homeward kinship`` (other tools rely on it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SMALL_TABLE

FREQ = "# N: 50\n" + SMALL_TABLE

PROFILES = """sample,locus,allele1,allele2
child,D3S1358,14,15
child,vWA,14,17
child,TH01,6,9.3
father,D3S1358,14,16
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
def files(tmp_path: Path) -> tuple[str, str]:
    freq = tmp_path / "freq.csv"
    freq.write_text(FREQ)
    profiles = tmp_path / "profiles.csv"
    profiles.write_text(PROFILES)
    return str(profiles), str(freq)


def test_lr_json_contract(files):
    profiles, freq = files
    done = homeward("kinship", "lr", "--profiles", profiles, "--frequencies", freq,
                    "--relationship", "parent-child", "--person1", "child",
                    "--person2", "father", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # hand-computed: D3S1358 child 14/15, father 14/16 -> 1/(4*0.1) = 2.5;
    # vWA child 14/17, father 17/18 -> 1/(4*0.3); TH01 child 6/9.3, father 9.3/9.3
    # -> 1/(2*0.5) = 1
    expected = 2.5 * (1 / 1.2) * 1.0
    assert result["lr"] == pytest.approx(expected)
    assert result["log10_lr"] == pytest.approx(__import__("math").log10(expected))
    assert result["posterior"] == pytest.approx(expected / (expected + 1))
    assert result["loci_compared"] == 3
    assert result["exclusions"] == 0
    assert set(result["loci"]) == {"D3S1358", "vWA", "TH01"}
    assert result["loci"]["D3S1358"] == {"lr": pytest.approx(2.5), "excluded": False}
    assert result["skipped_loci"] == []


def test_lr_trio_with_mutation_counts_exclusions(files):
    profiles, freq = files
    done = homeward("kinship", "lr", "--profiles", profiles, "--frequencies", freq,
                    "--relationship", "trio", "--person1", "child", "--person2", "father",
                    "--person3", "mother", "--mutation-model", "equal",
                    "--mutation-rate", "0.002", "--theta", "0.01", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["loci_compared"] == 3
    assert result["exclusions"] == 0
    assert result["lr"] > 0


def test_lr_report_prints_table(files):
    profiles, freq = files
    done = homeward("kinship", "lr", "-p", profiles, "-f", freq, "--person1", "child",
                    "--person2", "mother")
    assert done.returncode == 0, done.stderr
    assert "Combined LR" in done.stdout and "D3S1358" in done.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sample,locus,allele1,allele2\nchild,D3S1358,14,x\n", "row 2"),
        ("sample,locus,allele1,allele2\nchild,Dxx,14,15\n", "not a known STR marker"),
        ("sample,locus,allele1,allele2,allele3\nchild,vWA,14,15,16\n", "mixture"),
    ],
)
def test_bad_input_exits_2_with_message(tmp_path, files, content, message):
    _, freq = files
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    done = homeward("kinship", "lr", "-p", str(bad), "-f", freq, "--person1", "child",
                    "--person2", "father")
    assert done.returncode == 2
    assert message in done.stderr
    assert "bad.csv" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_frequency_table_exits_2(tmp_path, files):
    profiles, _ = files
    bad = tmp_path / "freq.csv"
    bad.write_text("locus,allele,frequency\nvWA,14,0.5\nvWA,17,0.2\n")
    done = homeward("kinship", "lr", "-p", profiles, "-f", str(bad), "--person1", "child",
                    "--person2", "father")
    assert done.returncode == 2
    assert "sum to 0.7000" in done.stderr


def test_unknown_sample_exits_2(files):
    profiles, freq = files
    done = homeward("kinship", "lr", "-p", profiles, "-f", freq, "--person1", "child",
                    "--person2", "nobody")
    assert done.returncode == 2
    assert "nobody" in done.stderr


def test_search_and_power_commands(tmp_path, files):
    profiles, freq = files
    done = homeward("kinship", "search", "--database", profiles, "--query", "child",
                    "--frequencies", freq, "--json")
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)["hits"]
    assert [h["sample_id"] for h in hits][:2] == ["father", "mother"] or \
        {h["sample_id"] for h in hits} == {"father", "mother"}
    plot = tmp_path / "power.png"
    done = homeward("kinship", "power", "--relationship", "full-siblings", "--loci", "15",
                    "--n-sims", "500", "--plot", str(plot), "--json")
    assert done.returncode == 0, done.stderr
    power = json.loads(done.stdout)
    assert 0.0 < power["sensitivity"] <= 1.0
    assert power["false_hits_upper_bound"] == pytest.approx(100.0)
    assert plot.stat().st_size > 1000


def test_search_says_which_inconsistency_limit_it_was_asked_for(files):
    """``--max-inconsistent K`` reaches the search (k = 2 by default, as labs allow for
    mutation) and ``--full-scan`` asks for none; a database this small is always scanned,
    and the result says so."""
    profiles, freq = files
    asked = {}
    for flags in ([], ["--max-inconsistent", "0"], ["--full-scan"]):
        done = homeward("kinship", "search", "--database", profiles, "--query", "child",
                        "--frequencies", freq, "--json", *flags)
        assert done.returncode == 0, done.stderr
        params = json.loads(done.stdout)["params"]
        assert params["method"] == "scan"
        asked[" ".join(flags)] = params["max_inconsistent_requested"]
    assert asked == {"": 2, "--max-inconsistent 0": 0, "--full-scan": None}
    done = homeward("kinship", "search", "--database", profiles, "--query", "child",
                    "--frequencies", freq, "--max-inconsistent", "-1")
    assert done.returncode == 2
