"""Lab data as other forensic programs exchange it: EuroForMix, Familias/dvir, STRidER.

Every file under ``data/exchange`` is a real file from the program's public repository
(see ``data/exchange/SOURCES.md``); values checked below are read off those files by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from homeward.cli.exchange import app as exchange_app
from homeward.kinship.errors import (
    FrequencyTableError,
    InputError,
    MalformedFileError,
    UnknownLocusError,
)
from homeward.kinship.familias import parse_familias, read_familias
from homeward.kinship.familias_families import export_families, families_table
from homeward.kinship.frequencies import parse_frequency_table, resolve_frequency_table
from homeward.kinship.readers import parse_profiles, read_profiles
from homeward.kinship.writers import (
    familias_case,
    write_familias,
    write_families_table,
    write_frequency_table,
    write_profiles,
)

DATA = Path(__file__).parent / "data" / "exchange"
NGM = DATA / "euroformix" / "NGM_Holland.csv"
ESX17_FREQ = DATA / "euroformix" / "ESX17_freq.csv"
ESX17_REFS = DATA / "euroformix" / "ESX17_refs.csv"
FUSION = DATA / "euroformix" / "Fusion 6C_Norway.csv"
EFM_REFS = DATA / "euroformix" / "refs.csv"
PATERNITY = DATA / "pedfamilias" / "paternity.fam"
DVI = DATA / "dvir" / "dvi-example.fam"
STRIDER = DATA / "straf" / "STRidER_frequencies_2019-08-02_excerpt.csv"


def homeward(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "homeward", *args], capture_output=True,
                          text=True, check=False)


def listed(table) -> dict[str, dict[str, float]]:
    return {locus: lf.listed() for locus, lf in table.loci.items()}


# --- EuroForMix / Familias allele-by-locus grid ------------------------------------------


def test_semicolon_grid_is_read_with_locus_names_normalised():
    table = resolve_frequency_table(str(NGM))
    assert table.metadata["layout"] == "allele-by-locus"
    assert len(table.loci) == 15
    assert "vWA" in table and "VWA" not in table  # header spells VWA
    # row "9.3", column TH01 of NGM_Holland.csv
    assert table["TH01"].listed()["9.3"] == pytest.approx(0.346522782)
    # row "2.2" is empty in every column: no locus lists the allele
    assert all("2.2" not in lf.alleles for lf in table.loci.values())
    # empty cells are absent alleles: TH01 lists 5, 6, 7, 8, 8.3, 9, 9.3, 10 only
    assert table["TH01"].alleles == ("5", "6", "7", "8", "8.3", "9", "9.3", "10")


def test_grid_spellings_penta_and_vwa_are_canonical():
    table = resolve_frequency_table(str(FUSION))
    assert {"PentaD", "PentaE", "vWA", "CSF1PO", "TH01", "TPOX"} <= set(table.loci)
    assert len(table.loci) == 23
    # row "2.2", column "Penta D"
    assert table["PentaD"].listed()["2.2"] == pytest.approx(0.000208834043437481)


def test_euroformix_references_and_table_give_the_paternity_index():
    """EuroForMix's own example files through ``homeward kinship lr``.

    ref1 is 16/16 and ref3 16/17 at D3S1358 (ESX17_refs.csv); for a child c1c1 and an
    alleged parent c1c2 the paternity index is 1/(2 p_c1) (Evett & Weir 1998, table 7.1),
    with p_16 = 0.23155267099351 (ESX17_freq.csv, row 16).
    """
    done = homeward("kinship", "lr", "--profiles", str(ESX17_REFS), "--frequencies",
                    str(ESX17_FREQ), "--person1", "ref1", "--person2", "ref3", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["loci"]["D3S1358"]["lr"] == pytest.approx(1 / (2 * 0.23155267099351))
    assert result["loci_compared"] == 16


def test_reference_profiles_with_crlf_and_amelogenin():
    profiles = read_profiles(EFM_REFS)
    assert list(profiles) == ["P1", "P2"]
    assert profiles["P1"].sex == "male" and profiles["P2"].sex == "female"
    assert profiles["P1"].genotypes["vWA"] == ("14", "17")  # "P1,VWA,14,17"
    assert profiles["P2"].genotypes["SE33"] == ("27.2", "29.2")


def test_semicolon_profiles_read_like_commas():
    text = ESX17_REFS.read_text()
    semicolons = parse_profiles(text.replace(",", ";"))
    assert {k: v.genotypes for k, v in semicolons.items()} == {
        k: v.genotypes for k, v in parse_profiles(text).items()}
    assert semicolons["ref1"].genotypes["TH01"] == ("9", "9.3")  # "ref1,TH01,9.3,9"


# --- STRidER -------------------------------------------------------------------------------


def test_strider_population_is_chosen_with_its_sample_sizes():
    table = resolve_frequency_table(f"{STRIDER}#GERMANY")
    assert table.metadata["population"] == "GERMANY"
    # GERMANY has data in the D1S1656, D2S1338, D2S441 and D3S1358 blocks only
    assert list(table.loci) == ["D1S1656", "D2S1338", "D2S441", "D3S1358"]
    assert table["D1S1656"].sample_size == 662
    assert table["D1S1656"].minimum == pytest.approx(5 / (2 * 662))
    assert table["D1S1656"].listed()["11"] == pytest.approx(0.0936556)
    assert "13.3" not in table["D1S1656"].listed()  # empty cell for GERMANY


def test_strider_names_match_without_case_and_odd_blocks_are_handled():
    table = resolve_frequency_table(f"{STRIDER}#entire database")
    assert table["D5S818"].sample_size == 4898
    assert "D6S1043" not in table  # its block has no population at all
    assert "D5S2800" not in table
    assert "D5S2800" in table.metadata["skipped loci"]  # not a marker Homeward knows
    assert table["D1S1656"].listed()["1"] == pytest.approx(0.00133968)  # the rare bin


def test_every_strider_population_sums_to_one():
    header = STRIDER.read_text().splitlines()[1].split(",")[1:]
    populations = {p.strip('"') for p in header} | {"SAUDI ARABIA"}
    for population in populations:
        assert resolve_frequency_table(f"{STRIDER}#{population}").loci


def test_strider_needs_a_population_that_exists():
    with pytest.raises(FrequencyTableError, match="24 populations.*GERMANY"):
        resolve_frequency_table(str(STRIDER))
    with pytest.raises(FrequencyTableError, match="'ATLANTIS' is not in the STRidER"):
        resolve_frequency_table(f"{STRIDER}#ATLANTIS")


# --- Familias .fam -------------------------------------------------------------------------


def test_paternity_fam_persons_pedigrees_and_genotypes():
    fam = read_familias(PATERNITY)
    assert fam.version == "3.3.1"
    assert [(p.name, p.sex) for p in fam.persons] == [("AF", "male"), ("MO", "female"),
                                                       ("CH", "male")]
    h1, h2 = fam.pedigrees
    assert (h1.name, h2.name) == ("H1", "H2")
    # H1: relations 0 -> 2 and 1 -> 2 (AF and MO parents of CH)
    assert [(r.id, r.father, r.mother) for r in h1.rows] == [
        ("AF", None, None), ("MO", None, None), ("CH", "AF", "MO")]
    assert all(r.father is None and r.mother is None for r in h2.rows)
    # AF's first triple "7 7 0": allele 7 (0-based) of D3S1358's 10..21 is 17
    assert fam.persons[0].genotypes["D3S1358"] == ("17", "17")
    # CH's "1 6 1" at TH01 (alleles 5, 6, 7, 8, 8.3, 9, 9.3, ...): 6 and 9.3
    assert fam.persons[2].genotypes["TH01"] == ("6", "9.3")
    assert fam.persons[1].genotypes == {}


def test_fam_database_is_a_frequency_table():
    table = resolve_frequency_table(str(PATERNITY))
    assert "PentaE" in table  # written PENTA_E
    # DatabaseSize = 1000 alleles, so N = 500 and the NRC II minimum 5/2N = 0.005
    assert table["D3S1358"].minimum == pytest.approx(0.005)
    assert "N=500" in table["D3S1358"].floor_rule
    assert table["D3S1358"].listed()["17"] == pytest.approx(0.2040480415)


def test_fam_as_profiles_and_frequencies_on_the_command_line():
    """CH 16/17 and AF 17/17 at D3S1358: PI = 1/(2 p_17), p_17 = 0.2040480415."""
    done = homeward("kinship", "lr", "--profiles", str(PATERNITY), "--frequencies",
                    str(PATERNITY), "--person1", "CH", "--person2", "AF", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["loci"]["D3S1358"]["lr"] == pytest.approx(1 / (2 * 0.2040480415))


def test_dvi_fam_families_table_by_dvirs_missing_rule():
    fam = read_familias(DVI)
    assert [(p.name, p.genotypes) for p in fam.unidentified] == [
        ("V1", {"L1": ("1", "1")}), ("V2", {"L1": ("2", "2")}), ("V3", {"L1": ("1", "2")})]
    rows = families_table(fam)
    assert [(r.person, r.father, r.mother, r.sex, r.missing) for r in rows] == [
        ("R", None, None, "female", False),
        ("Missing male 1", None, None, "male", True),
        ("Missing male 2", "Missing person", "R", "male", True),
        ("Missing male 3", "Missing male 2", None, "male", True),
        # undeclared parent; male because the co-parent R is female
        ("Missing person", None, None, "male", True),
    ]
    assert {r.family for r in rows} == {"Reference family 1"}
    text = write_families_table(rows)
    assert text.splitlines()[0] == "family,person,father,mother,sex,missing"
    assert "Reference family 1,Missing male 2,Missing person,R,male,1" in text


def test_dvi_fam_explicit_missing_and_toy_marker():
    rows = families_table(read_familias(DVI), missing=["Missing male 2"])
    assert [r.person for r in rows if r.missing] == ["Missing male 2"]
    with pytest.raises(UnknownLocusError, match="'L1'.*not a known STR marker"):
        export_families(read_familias(DVI))  # dvir's toy marker has no canonical name


def test_paternity_fam_export_needs_a_pedigree_choice():
    fam = read_familias(PATERNITY)
    with pytest.raises(InputError, match="2 pedigrees.*H1, H2"):
        families_table(fam)
    exported = export_families(fam, pedigrees={"paternity": "H1"})
    assert [(r.family, r.person, r.father, r.mother, r.missing) for r in exported.rows] == [
        ("paternity", "AF", None, None, False), ("paternity", "MO", None, None, False),
        ("paternity", "CH", "AF", "MO", False)]
    assert list(exported.references) == ["AF", "CH"]
    with pytest.raises(InputError, match="'CH' is typed, so not missing"):
        families_table(fam, pedigrees={"paternity": "H1"}, missing=["CH"])


# --- writing back --------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PATERNITY, DVI], ids=["paternity", "dvi"])
def test_fam_round_trip(path):
    fam = read_familias(path)
    assert parse_familias(write_familias(fam)) == fam


@pytest.mark.parametrize("source", [str(NGM), str(FUSION), str(PATERNITY),
                                    f"{STRIDER}#GERMANY"],
                         ids=["ngm", "fusion", "fam", "strider"])
@pytest.mark.parametrize("layout,delimiter", [("long", ","), ("euroformix", ","),
                                              ("euroformix", ";"), ("familias", ",")])
def test_frequency_table_round_trip(source, layout, delimiter):
    table = resolve_frequency_table(source)
    back = parse_frequency_table(write_frequency_table(table, layout, delimiter=delimiter))
    assert listed(back) == listed(table)
    if layout != "euroformix":  # the grid has no place for N
        assert {lf.sample_size for lf in back.loci.values()} == {
            lf.sample_size for lf in table.loci.values()}


def test_grid_written_is_the_euroformix_layout():
    text = write_frequency_table(resolve_frequency_table(str(NGM)), "euroformix",
                                 delimiter=";")
    header, first = text.splitlines()[:2]
    assert header.startswith("Allele;") and "vWA" in header.split(";")
    assert first.split(";")[0] == "5"  # smallest allele listed by any locus


@pytest.mark.parametrize("layout", ["long", "euroformix"])
def test_profiles_round_trip(layout):
    profiles = read_profiles(EFM_REFS)
    back = parse_profiles(write_profiles(profiles.values(), layout))
    assert {k: v.genotypes for k, v in back.items()} == {
        k: v.genotypes for k, v in profiles.items()}


def test_profiles_to_familias_case_and_back():
    profiles = read_profiles(ESX17_REFS)
    table = resolve_frequency_table(str(ESX17_FREQ))
    text = write_familias(familias_case(profiles.values(), table))
    assert [p.name for p in parse_familias(text).persons] == ["ref1", "ref2", "ref3"]
    back = parse_profiles(text)  # a .fam is recognised by its first line
    assert {k: v.genotypes for k, v in back.items()} == {
        k: v.genotypes for k, v in profiles.items()}
    assert listed(parse_frequency_table(text)) == listed(table)

def test_exchange_cli_converts_a_grid_to_long(tmp_path):
    out = tmp_path / "ngm.csv"
    result = CliRunner().invoke(exchange_app, ["frequencies", str(NGM), "--to", "long",
                                               "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert listed(parse_frequency_table(out.read_text())) == listed(
        resolve_frequency_table(str(NGM)))


def test_exchange_cli_families(tmp_path):
    out, refs = tmp_path / "families.csv", tmp_path / "refs.csv"
    result = CliRunner().invoke(exchange_app, [
        "families", str(PATERNITY), "--out", str(out), "--references", str(refs),
        "--pedigree", "paternity=H1"])
    assert result.exit_code == 0, result.output
    assert out.read_text().splitlines()[-1] == "paternity,CH,AF,MO,male,0"
    assert list(read_profiles(refs)) == ["AF", "CH"]


# --- bad input -----------------------------------------------------------------------------


def test_grid_frequency_not_a_number_names_row_and_locus():
    text = NGM.read_text().replace("9.3;;;;;;;;;;0.346522782;", "9.3;;;;;;;;;;0,346522782;")
    with pytest.raises(FrequencyTableError) as caught:
        parse_frequency_table(text, name="NGM_Holland.csv")
    message = str(caught.value)
    assert "row 9" in message and "'TH01'" in message and "'0,346522782' is not a number" \
        in message


def test_grid_missing_locus_column_name_and_extra_cells():
    text = ESX17_FREQ.read_text().replace("Allele,D3S1358,TH01,", "Allele,D3S1358,,", 1)
    with pytest.raises(FrequencyTableError, match="row 1: column 3 of the header has no locus"):
        parse_frequency_table(text)
    text = ESX17_FREQ.read_text().replace("\n5,,", "\n5,,,", 1)
    with pytest.raises(FrequencyTableError, match="row 2: 18 cells but the header has 17"):
        parse_frequency_table(text)


def test_grid_duplicate_locus_after_normalisation():
    text = NGM.read_text().replace("Allele;D10S1248;VWA;", "Allele;D10S1248;vWA;", 1)
    text = text.replace(";D12S391\n", ";VWA\n", 1)
    with pytest.raises(FrequencyTableError, match="repeats locus vWA of column 3"):
        parse_frequency_table(text)


def test_truncated_fam_names_the_line():
    lines = PATERNITY.read_text().splitlines()
    with pytest.raises(MalformedFileError, match=r"row 120: the file ends where .*truncated"):
        parse_familias("\n".join(lines[:120]) + "\n", source="paternity.fam")


def test_fam_bad_index_and_bad_count():
    text = PATERNITY.read_text().replace('"AF"\n#FALSE#\n-1\n#FALSE#\n#TRUE#\n10\n7\n7\n0\n',
                                         '"AF"\n#FALSE#\n-1\n#FALSE#\n#TRUE#\n10\n7\n70\n0\n')
    with pytest.raises(MalformedFileError, match="row 14: 'AF': allele index 70"):
        parse_familias(text)
    dvi = DVI.read_text().replace("nPersons= 4", "nPersons= 5")
    with pytest.raises(MalformedFileError, match="nPersons '5' but holds 4 persons"):
        parse_familias(dvi)
    with pytest.raises(MalformedFileError, match="row 1: not a Familias file"):
        parse_familias('"Output from nothing"\n')


def test_strider_block_without_header():
    text = STRIDER.read_text().replace("D3S1744\nAllele,", "D3S1744\nAlleles,", 1)
    with pytest.raises(FrequencyTableError, match="locus 'D3S1744' is not followed"):
        parse_frequency_table(text, population="Asia")


def test_bad_grid_on_the_command_line_exits_2(tmp_path):
    bad = tmp_path / "freq.csv"
    bad.write_text(ESX17_FREQ.read_text().replace("\n6,,0.209274435338797,", "\n6,,x,", 1))
    done = homeward("kinship", "lr", "--profiles", str(ESX17_REFS), "--frequencies",
                    str(bad), "--person1", "ref1", "--person2", "ref3")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {bad}, row 3, locus 'TH01': frequency 'x' is not a number"]
