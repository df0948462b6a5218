"""URSSAF commune × APE reader: real Rouen sample and tiny fixtures."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.sources.urssaf import read_urssaf_commune_ape

ROOT = Path(__file__).resolve().parent
SAMPLE = (
    ROOT.parent / "data" / "raw" / "urssaf_etab_effectifs_commune_x_ape_ze_rouen_2006_2022.csv.gz"
)
FIXTURES = ROOT / "fixtures" / "economy"


@pytest.fixture(scope="module")
def sample():
    return read_urssaf_commune_ape(SAMPLE)


def _csv_totals(commune: str, year: int) -> tuple[int, int]:
    """Sum the sample with the csv module only (independent of the reader)."""
    text = gzip.decompress(SAMPLE.read_bytes()).decode("utf-8-sig")
    establishments = headcount = 0
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        if row["Code commune"] == commune:
            establishments += int(row[f"Nombre d'établissements {year}"] or 0)
            headcount += int(row[f"Effectifs salariés {year}"] or 0)
    return establishments, headcount


def test_sample_years_and_codes(sample):
    table, report = sample
    assert report.years == list(range(2006, 2023))
    assert table["CODGEO"].str.len().eq(5).all()
    assert table["code_ape"].str.len().eq(5).all()
    assert table["CODGEO"].nunique() == 218
    # 9 338 lines x 17 years = 158 746 year cells; 63 389 blank pairs (no establishment).
    assert report.empty_years == 63389
    assert len(table) == 158746 - 63389


@pytest.mark.parametrize(
    ("commune", "year", "expected"),
    [
        # Computed with the csv module on the file: (establishments, salaried headcount).
        ("76005", 2022, (45, 399)),
        ("76005", 2006, (40, 344)),
        ("76540", 2022, (4875, 53934)),
        ("76540", 2015, (4783, 50060)),
    ],
)
def test_sample_commune_totals(sample, commune, year, expected):
    table, _ = sample
    rows = table[(table["CODGEO"] == commune) & (table["annee"] == year)]
    assert _csv_totals(commune, year) == expected
    assert (rows["etablissements"].sum(), rows["effectifs_salaries"].sum()) == expected


def test_sample_single_cells(sample):
    table, _ = sample
    rouen_2022 = table[(table["CODGEO"] == "76540") & (table["annee"] == 2022)].set_index(
        "code_ape"
    )
    assert rouen_2022.loc["8610Z", ["etablissements", "effectifs_salaries"]].tolist() == [5, 2479]
    assert rouen_2022.loc["8810A", ["etablissements", "effectifs_salaries"]].tolist() == [24, 1272]


def test_sample_secret_headcounts_stay_missing(sample):
    table, report = sample
    # Four cells have an establishment but a blank headcount: 76020 3320A in 2018 and
    # 76322 5224A, 76095 4334Z, 76095 7112A in 2022.
    assert report.secret_headcounts == {2018: 1, 2022: 3}
    secret = table[table["effectifs_salaries"].isna()]
    assert sorted(zip(secret["CODGEO"], secret["code_ape"], secret["annee"], strict=True)) == [
        ("76020", "3320A", 2018),
        ("76095", "4334Z", 2022),
        ("76095", "7112A", 2022),
        ("76322", "5224A", 2022),
    ]


EXPECTED_MINI = pd.DataFrame(
    {
        "CODGEO": pd.array(["50502", "50502", "50502", "50147"], dtype="string"),
        "code_ape": pd.array(["7022Z", "8810A", "7022Z", "8810A"], dtype="string"),
        "annee": np.array([2021, 2021, 2023, 2023], dtype="int64"),
        "etablissements": [2.0, 1.0, 3.0, 2.0],
        "effectifs_salaries": [5.0, 12.0, 7.0, np.nan],
    }
)


def test_years_come_from_the_header():
    # Fixture with 2021 and 2023 only, a BOM, CRLF and a quoted « ; » in a label.
    table, report = read_urssaf_commune_ape(FIXTURES / "urssaf_2021_2023.csv")
    assert report.years == [2021, 2023]
    assert report.empty_years == 2
    assert report.secret_headcounts == {2023: 1}
    pdt.assert_frame_equal(table, EXPECTED_MINI)


def test_gzip_and_plain_give_the_same_table(tmp_path):
    compressed = tmp_path / "urssaf.csv.gz"
    compressed.write_bytes(gzip.compress((FIXTURES / "urssaf_2021_2023.csv").read_bytes()))
    table, _ = read_urssaf_commune_ape(compressed)
    pdt.assert_frame_equal(table, EXPECTED_MINI)


def test_year_without_headcount_column():
    with pytest.raises(RessolError, match="année\\(s\\) 2022 sans"):
        read_urssaf_commune_ape(FIXTURES / "urssaf_annee_incomplete.csv")


def test_comma_separated_file_is_refused(tmp_path):
    bad = tmp_path / "urssaf.csv"
    bad.write_text("Code commune,Code APE\n50502,7022Z\n", encoding="utf-8")
    with pytest.raises(RessolError, match="séparé par « ; »"):
        read_urssaf_commune_ape(bad)


def test_missing_commune_column(tmp_path):
    bad = tmp_path / "urssaf.csv"
    bad.write_text(
        "Commune;Code APE;Nombre d'établissements 2021;Effectifs salariés 2021\n50502;7022Z;1;2\n",
        encoding="utf-8",
    )
    with pytest.raises(RessolError, match="Code commune"):
        read_urssaf_commune_ape(bad)


def test_non_numeric_cell(tmp_path):
    bad = tmp_path / "urssaf.csv"
    bad.write_text(
        "Code commune;Code APE;Nombre d'établissements 2021;Effectifs salariés 2021\n"
        "50502;7022Z;1;douze\n",
        encoding="utf-8",
    )
    with pytest.raises(RessolError, match="Effectifs salariés 2021.*ligne\\(s\\) 2"):
        read_urssaf_commune_ape(bad)
