"""Profile files and frequency tables: every layout, and every kind of bad input."""

from __future__ import annotations

import pytest

from homeward.kinship.errors import (
    DuplicateRecordError,
    FrequencyTableError,
    InvalidAlleleError,
    MalformedFileError,
    PossibleMixtureError,
    UnknownLocusError,
)
from homeward.kinship.frequencies import (
    load_packaged_table,
    packaged_tables,
    parse_frequency_table,
)
from homeward.kinship.loci import canonical_locus
from homeward.kinship.profiles import normalise_allele, parse_genotype_cell
from homeward.kinship.readers import parse_profiles, read_profiles


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [("VWA", "vWA"), ("vWA", "vWA"), ("Penta D", "PentaD"), ("PENTA_D", "PentaD"),
     ("pentae", "PentaE"), ("THO1", "TH01"), ("d21s11", "D21S11"), ("Amelogenin", "AMEL"),
     ("D22GATA198B05", "D22GATA198B05")],
)
def test_locus_names_are_normalised(raw, canonical):
    assert canonical_locus(raw) == canonical


def test_unknown_locus_suggests_a_spelling():
    with pytest.raises(UnknownLocusError, match="did you mean 'D21S11'"):
        canonical_locus("D21S1l")


@pytest.mark.parametrize(
    ("cell", "genotype"),
    [("12/14", ("12", "14")), ("14,12", ("12", "14")), ("12", ("12", "12")),
     ("12,12", ("12", "12")), ("9.3 6", ("6", "9.3")), ("30.2/OL", ("30.2", "OL")),
     ("<8/10", ("<8", "10")), ("12.0/13", ("12", "13")), ("", None), ("NA", None)],
)
def test_genotype_cells(cell, genotype):
    assert parse_genotype_cell(cell, "D21S11") == genotype


def test_amelogenin_takes_x_and_y_only():
    assert parse_genotype_cell("X,Y", "AMEL") == ("X", "Y")
    with pytest.raises(InvalidAlleleError):
        normalise_allele("Z", "AMEL")


def test_three_alleles_are_reported_as_possible_mixture():
    with pytest.raises(PossibleMixtureError, match="mixture"):
        parse_genotype_cell("12/13/14", "vWA")


LONG = """sample,locus,allele1,allele2
child,D3S1358,15,16
child,VWA,14,17
child,TH01,9.3,
father,D3S1358,15,15
father,vWA,17,18
"""

WIDE = """sample,D3S1358,VWA,TH01,Amelogenin
child,15/16,14/17,9.3,X/Y
father,15,17/18,,X/Y
"""

GENEMAPPER = ("Sample Name\tMarker\tAllele 1\tAllele 2\tHeight 1\n"
              "child\tD3S1358\t15\t16\t1200\n"
              "child\tvWA\t14\t17\t900\n"
              "child\tTH01\t9.3\t\t1000\n"
              "father\tD3S1358\t15\t\t1500\n"
              "father\tVWA\t17\t18\t800\n")


@pytest.mark.parametrize("text", [LONG, WIDE, GENEMAPPER], ids=["long", "wide", "genemapper"])
def test_three_layouts_give_the_same_profiles(text):
    profiles = parse_profiles(text)
    assert profiles["child"].genotypes["D3S1358"] == ("15", "16")
    assert profiles["child"].genotypes["vWA"] == ("14", "17")
    assert profiles["child"].genotypes["TH01"] == ("9.3", "9.3")
    assert profiles["father"].genotypes["D3S1358"] == ("15", "15")
    assert "TH01" not in profiles["father"].genotypes


def test_wide_layout_reads_sex():
    profiles = parse_profiles(WIDE.replace("X,Y", "X/Y"))
    assert profiles["child"].sex == "male"


@pytest.mark.parametrize(
    ("text", "error", "where"),
    [
        ("sample,locus,allele1,allele2\nc,D3S1358,15,16\nc,D99S1,1,2\n", UnknownLocusError,
         "row 3"),
        ("sample,locus,allele1,allele2\nc,D3S1358,15,abc\n", InvalidAlleleError, "row 2"),
        ("sample,locus,allele1,allele2,allele3\nc,vWA,14,15,16\n", PossibleMixtureError,
         "row 2"),
        ("sample,locus,allele1,allele2\nc,vWA,14,15\nc,VWA,14,16\n", DuplicateRecordError,
         "row 3"),
        ("sample,D3S1358\nc,15\nc,16\n", DuplicateRecordError, "row 3"),
        ("name;value\n1;2\n", MalformedFileError, "row 1"),
        ("sample,D3S1358,vWAA\nc,15,16\n", UnknownLocusError, "row 1"),
    ],
)
def test_bad_profile_files_name_row_and_reason(text, error, where):
    with pytest.raises(error) as raised:
        parse_profiles(text, source="lab.csv")
    assert "lab.csv" in str(raised.value)
    assert where in str(raised.value)


def test_empty_and_binary_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    binary = tmp_path / "profiles.csv"
    binary.write_bytes(b"\x00\x01PK\x03\x04" * 20)
    with pytest.raises(MalformedFileError, match="empty"):
        read_profiles(empty)
    with pytest.raises(MalformedFileError, match="binary"):
        read_profiles(binary)


def test_gbk_and_bom_files_are_read(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeff".encode() + LONG.encode())
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(LONG.replace("child", "儿童").encode("gbk"))
    assert "child" in read_profiles(bom)
    assert "儿童" in read_profiles(gbk)


def test_every_shipped_table_loads_and_sums_to_one():
    assert "china_standard_appendixD_58str" in packaged_tables()
    assert "usa_caucasian_nist1036" in packaged_tables()
    for name in packaged_tables():
        table = load_packaged_table(name)
        for locus in table.loci.values():
            raised = sum(f.used_frequency - f.listed_frequency for f in locus.floored
                         if f.listed_frequency is not None)
            assert abs(locus.frequencies.sum() - raised - 1.0) <= 0.02, (name, locus.locus)
            assert (locus.frequencies >= locus.minimum).all()


def test_minimum_frequency_five_over_two_n():
    """NRC II (1996): minimum allele frequency 5/2N; NIST Caucasian N = 361."""
    table = load_packaged_table("usa_caucasian_nist1036")
    assert table["vWA"].minimum == pytest.approx(5 / 722)
    assert "N=361" in table["vWA"].floor_rule
    extended = table.with_alleles({"vWA": ["99"]})
    assert extended["vWA"].frequencies[extended["vWA"].index()["99"]] == pytest.approx(5 / 722)
    assert any(f.allele == "99" and f.listed_frequency is None
               for f in extended["vWA"].floored)


def test_stated_floor_when_n_unknown():
    table = parse_frequency_table("locus,allele,frequency\nvWA,14,0.0005\nvWA,15,0.9995\n",
                                  floor=0.002)
    assert table["vWA"].frequencies[0] == 0.002
    assert "stated minimum 0.002" in table["vWA"].floor_rule
    assert [f.allele for f in table.floored()] == ["14"]


def test_n_column_and_header_comment():
    text = "# N: 100\nlocus,allele,frequency,N\nvWA,14,0.5,50\nvWA,15,0.5,50\nTPOX,8,1.0,\n"
    table = parse_frequency_table(text)
    assert table["vWA"].minimum == pytest.approx(5 / 100)   # per-locus N = 50
    assert table["TPOX"].minimum == pytest.approx(5 / 200)  # table N = 100


@pytest.mark.parametrize(
    ("text", "message", "where"),
    [
        ("locus,allele,frequency\nvWA,14,0.5\nvWA,15,0.3\n", "sum to 0.8000", "row 2"),
        ("locus,allele,frequency\nvWA,14,0.5\nvWA,14,0.5\n", "listed twice", "row 3"),
        ("locus,allele,frequency\nvWA,14,abc\n", "not a number", "row 2"),
        ("locus,allele,frequency\nvWA,14,0\nvWA,15,1\n", "not in (0, 1]", "row 2"),
        ("locus,allele\nvWA,14\n", "header", "row 1"),
        ("locus,allele,frequency\nWVA,14,1.0\n", "not a known STR marker", "row 2"),
    ],
)
def test_bad_frequency_tables(text, message, where):
    with pytest.raises((FrequencyTableError, UnknownLocusError)) as raised:
        parse_frequency_table(text, name="freq.csv")
    assert message in str(raised.value)
    assert where in str(raised.value)


def test_gzip_files_and_overlong_cells_are_named_not_crashed(tmp_path):
    import gzip

    packed = tmp_path / "profiles.csv.gz"
    packed.write_bytes(gzip.compress(b"sample,locus,allele1,allele2\nS1,vWA,14,16\n"))
    with pytest.raises(MalformedFileError, match="gzip"):
        read_profiles(packed)
    huge = tmp_path / "huge.csv"
    huge.write_text('sample,locus,allele1,allele2\nS1,vWA,"' + "1" * 200_000 + '",16\n')
    with pytest.raises(MalformedFileError, match="longer than 131072 characters") as caught:
        read_profiles(huge, source="huge.csv")
    assert caught.value.source == "huge.csv" and caught.value.row == 2
    with pytest.raises(MalformedFileError, match="unrecognised header") as caught:
        parse_profiles("x" * 100_000 + ",y\n1,2\n")
    assert len(str(caught.value)) < 500


def test_a_file_is_named_as_the_caller_says(tmp_path):
    empty = tmp_path / "tmp123"
    empty.write_bytes(b"")
    with pytest.raises(MalformedFileError) as caught:
        read_profiles(empty, source="upload.csv")
    assert str(caught.value) == "upload.csv: the file is empty"
