"""The URSSAF file named in a territory feeds its indicators (real Rouen sample)."""

import csv
import gzip

import pandas as pd
import pytest

from ressol_analysis.context import load

SAMPLE = "urssaf_etab_effectifs_commune_x_ape_ze_rouen_2006_2022.csv.gz"


def sample_sums(path, epci: str, year: int) -> tuple[float, float, int]:
    """Establishments, headcount and secret headcount cells of an EPCI, with the csv module."""
    establishments = jobs = 0.0
    secret = 0
    with gzip.open(path, "rt", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            if row["Code EPCI"] != epci or not row[f"Nombre d'établissements {year}"]:
                continue
            establishments += float(row[f"Nombre d'établissements {year}"])
            if row[f"Effectifs salariés {year}"]:
                jobs += float(row[f"Effectifs salariés {year}"])
            else:
                secret += 1
    return establishments, jobs, secret


@pytest.fixture(scope="module")
def metropole(built_project):
    """The shipped example territory, which names the real sample under its ``urssaf`` key."""
    spec = (built_project / "territoires" / "metropole-rouen.yaml").read_text(encoding="utf-8")
    assert f"urssaf: ../data/raw/{SAMPLE}" in spec
    return load("metropole-rouen", str(built_project)), built_project / "data" / "raw" / SAMPLE


def test_yearly_totals_equal_the_sample_summed_by_hand(metropole):
    diag, sample = metropole
    by_year = diag.urssaf_by_year.set_index(["territoire_code", "annee"])
    establishments, jobs, secret = sample_sums(sample, "200023414", 2021)
    assert secret == 0
    assert by_year.loc[("metropole-rouen", 2021), "etablissements"] == establishments
    assert by_year.loc[("metropole-rouen", 2021), "effectifs_salaries"] == jobs
    # 2022 has secret headcounts in the Métropole: the total is missing, never partial.
    establishments, _, secret = sample_sums(sample, "200023414", 2022)
    assert secret == 3
    assert pd.isna(by_year.loc[("metropole-rouen", 2022), "effectifs_salaries"])
    assert by_year.loc[("metropole-rouen", 2022), "cellules_secretes"] == 3
    assert by_year.loc[("metropole-rouen", 2022), "etablissements"] == establishments


def test_areas_the_sample_only_partly_covers_are_left_out(metropole):
    diag, _ = metropole
    rows = diag.indicators[diag.indicators["indicateur"].str.endswith("_urssaf")]
    # The sample is the Rouen employment zone: Seine-Maritime and Normandie are not computed
    # (their rows are there, as for every key of the run, with an empty value).
    computed = rows[rows["valeur"].notna()]
    assert set(computed["territoire_code"]) == {"metropole-rouen"}
    assert set(rows["territoire_code"]) == set(diag.indicators["territoire_code"])
    assert set(rows["millesime"]) == {"2022 (au 31/12)"}
    assert rows["source"].str.contains("Urssaf").all()
