"""Synthetic SIRENE extract: official format, calibration, determinism."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ressol_analysis import ess
from ressol_analysis.demo_stock import (
    ETAB_COLUMNS,
    UL_COLUMNS,
    read_calibration,
    write_synthetic_stock,
)
from ressol_analysis.sources.sirene import ETAB_REQUIRED, UL_REQUIRED, read_sirene

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
COMPARATEUR = RAW / "insee_comparateur_territoires_2025_normandie.csv"
ITDD = RAW / "insee_itdd_donnees_detaillees.xls"
# Manche 2014 ITDD share of ESS in salaried jobs: 13.47 %.
PASSAGE = pd.DataFrame(
    {"code_ancien": ["50119", "50325"], "code_actuel": ["50431", "50431"]}, dtype="string"
)


@pytest.fixture(scope="module")
def manche_comparateur(tmp_path_factory) -> Path:
    table = pd.read_csv(COMPARATEUR, sep=";", dtype=str, keep_default_na=False)
    path = tmp_path_factory.mktemp("calib") / "comparateur_manche.csv"
    table[table["CODGEO"].str.startswith("50")].to_csv(path, sep=";", index=False)
    return path


@pytest.fixture(scope="module")
def stock(tmp_path_factory, manche_comparateur) -> Path:
    out = tmp_path_factory.mktemp("sirene")
    write_synthetic_stock(out, manche_comparateur, ITDD, seed=7, passage=PASSAGE)
    return out


def test_official_names_and_columns(stock):
    etab = pq.read_schema(stock / "StockEtablissement_utf8.parquet")
    units = pq.read_schema(stock / "StockUniteLegale_utf8.parquet")
    assert etab.names == ETAB_COLUMNS
    assert units.names == UL_COLUMNS
    assert set(ETAB_REQUIRED) <= set(etab.names) and set(UL_REQUIRED) <= set(units.names)


def test_byte_identical_reruns(tmp_path, manche_comparateur, stock):
    write_synthetic_stock(tmp_path, manche_comparateur, ITDD, seed=7, passage=PASSAGE)
    for name in ("StockEtablissement_utf8.parquet", "StockUniteLegale_utf8.parquet"):
        assert (tmp_path / name).read_bytes() == (stock / name).read_bytes()


def test_calibration_and_rules(stock, manche_comparateur):
    calib = read_calibration(manche_comparateur)
    current = sorted(set(calib["CODGEO"]))
    membership = pd.DataFrame(
        {"territoire_code": "dep-50", "territoire": "Manche", "CODGEO": current}
    )
    establishments = read_sirene(stock, membership, PASSAGE)
    classified = ess.classify(establishments)
    values = ess.ess_indicators(classified, membership, "s", "m").set_index("indicateur")["valeur"]
    # Employer establishments equal the comparateur's ETTOT24 (Flores 2024) exactly.
    assert values["etablissements_employeurs"] == calib["ETTOT24"].sum()
    # Employer establishments per commune follow the comparateur.
    employers = classified[classified["employeur"]]
    assert employers.groupby("CODGEO").size().to_dict() == {
        c: int(n) for c, n in zip(calib["CODGEO"], calib["ETTOT24"], strict=True) if n > 0
    }
    assert 9 <= values["part_ess_etablissements_employeurs"] <= 11
    assert 10.5 <= values["part_ess_effectif_salarie_estime"] <= 16.5
    jobs = values["effectif_salarie_estime"]
    assert 0.8 <= jobs / calib["P22_EMPLT_SAL"].sum() <= 1.25
    share = (
        values["ess_effectif_salarie_estime_associations"] / values["ess_effectif_salarie_estime"]
    )
    assert 0.6 <= share <= 0.85
    # The rules have something to work on.
    assert establishments["statutDiffusionEtablissement"].eq("P").any()
    assert establishments["categorieJuridiqueUniteLegale"].eq("1000").any()
    assert establishments["trancheEffectifsEtablissement"].eq("NN").any()
    assert (establishments["codeCommuneEtablissement"] == "50119").any() or (
        establishments["codeCommuneEtablissement"] == "50325"
    ).any()
    raw = pd.read_parquet(stock / "StockEtablissement_utf8.parquet")
    assert raw["etatAdministratifEtablissement"].eq("F").sum() > 0
    # No listed unit is partially diffusible or a natural person.
    naf = pd.DataFrame({"sous_classe": [], "A21": [], "libelle_A21": []}, dtype="string")
    directory = ess.ess_directory(classified, naf)
    assert "[ND]" not in set(directory["nom"])
    assert directory["nom"].str.contains("DEMO").all()
