"""Synthetic SIRENE extract: official format, calibration, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ressol_analysis import demo_stock, ess
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
    # ESS jobs: ITDD 13,47 % for the Manche, less the 3 % of unflagged family units.
    assert 11.5 <= values["part_ess_effectif_salarie_estime"] <= 14.5
    assert 7 <= values["part_ess_etablissements_employeurs"] <= 13
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
    # Some establishments of 50431 carry an old code of it (50119 or 50325), read as 50431.
    old = establishments[establishments["codeCommuneEtablissement"].isin(PASSAGE["code_ancien"])]
    assert len(old) > 0 and (old["CODGEO"] == "50431").all()
    raw = pd.read_parquet(stock / "StockEtablissement_utf8.parquet")
    assert raw["etatAdministratifEtablissement"].eq("F").sum() > 0
    # No listed unit is partially diffusible or a natural person.
    naf = pd.DataFrame({"sous_classe": [], "A21": [], "libelle_A21": []}, dtype="string")
    directory = ess.ess_directory(classified, naf)
    assert "[ND]" not in set(directory["nom"])
    assert directory["nom"].str.contains("DEMO").all()


def test_every_section_has_non_ess_employers_and_published_ess_shares(stock, manche_comparateur):
    calib = read_calibration(manche_comparateur)
    membership = pd.DataFrame(
        {
            "territoire_code": "dep-50",
            "territoire": "Manche",
            "CODGEO": sorted(set(calib["CODGEO"])),
        }
    )
    employers = ess.classify(read_sirene(stock, membership, PASSAGE))
    employers = employers[employers["employeur"]]
    division = employers["activitePrincipaleEtablissement"].str.slice(0, 2)
    jobs = employers["effectif_central"]

    def ess_share(divisions: list[str]) -> float:
        rows = division.isin(divisions)
        return 100 * jobs[rows & employers["ess"]].sum() / jobs[rows].sum()

    # Finance and arts-recreation were 100 % ESS: non-ESS banks, insurers, gyms, artists now.
    for divisions in (["64", "65", "66"], ["90", "91", "93"], ["94", "95", "96"], ["85"]):
        assert 0 < ess_share(divisions) < 90, divisions
    # Published national shares (ESS France 2022), scaled by the Manche's factor (≈ 1,1):
    # action sociale 59,5 %, finance 29,7 %, enseignement 19,4 %; santé humaine ≈ 10 %.
    assert 45 <= ess_share(["87", "88"]) <= 80
    assert 15 <= ess_share(["64", "65", "66"]) <= 45
    assert 12 <= ess_share(["85"]) <= 35
    assert 3 <= ess_share(["86"]) <= 20
    assert ess_share(["41", "42", "43", "45", "46", "47"]) < 5
    # A public sector beside the town halls: hospitals, schools, State, intercommunalités.
    public = employers["categorieJuridiqueUniteLegale"].str.startswith("7")
    assert 10 <= 100 * jobs[public].sum() / jobs.sum() <= 30
    assert {"7210", "7364", "7331", "7172", "7346"} <= set(
        employers.loc[public, "categorieJuridiqueUniteLegale"]
    )
    assert not employers.loc[public, "ess"].any()
    # Associations without the ESS flag, and works councils (INSEE's fifth family).
    unflagged = employers["famille"].eq("associations") & ~employers["ess"]
    assert 0 < unflagged.sum() < 0.1 * employers["famille"].eq("associations").sum()
    assert employers["categorieJuridiqueUniteLegale"].eq("8310").any()


def test_calibration_tables_add_up_and_the_band_year_is_the_written_one(stock):
    for mix in demo_stock.SECTION_MIX.values():
        assert sum(mix.values()) == pytest.approx(1.0)
    for mix in demo_stock.ESS_FAMILIES.values():
        assert sum(mix.values()) == pytest.approx(1.0)
    sections = {s for mix in demo_stock.SECTION_MIX.values() for s in mix}
    assert sections == set(demo_stock.ESS_JOB_SHARE)
    assert sections - {"O"} <= set(demo_stock.OTHER_NAF) | set(demo_stock.OTHER_PAIRS)
    raw = pd.read_parquet(stock / "StockEtablissement_utf8.parquet")
    assert set(raw["anneeEffectifsEtablissement"].dropna()) == {demo_stock.BAND_YEAR}


def test_processed_data_of_an_older_build_format_are_rebuilt_not_reused(built_project, tmp_path):
    from ressol_analysis.build import BUILD_INFO, PROCESSED_FORMAT, is_up_to_date
    from ressol_analysis.paths import project_paths

    root = tmp_path / "projet"
    (root / "data" / "processed").mkdir(parents=True)
    (root / "data" / "raw").symlink_to(built_project / "data" / "raw")
    info = json.loads((built_project / "data" / "processed" / BUILD_INFO).read_text())
    assert info["format"] == PROCESSED_FORMAT
    paths = project_paths(root)
    (paths.processed / BUILD_INFO).write_text(json.dumps(info))
    assert is_up_to_date(paths)
    # Same raw files, older generator (or no format at all): the demo extract is stale.
    for stale in (
        {**info, "format": PROCESSED_FORMAT - 1},
        {k: v for k, v in info.items() if k != "format"},
    ):
        (paths.processed / BUILD_INFO).write_text(json.dumps(stale))
        assert not is_up_to_date(paths)


def test_demo_dates_give_plausible_dynamics(stock, manche_comparateur):
    from ressol_analysis import dynamics
    from ressol_analysis.sources.sirene_dates import read_sirene_dates

    current = sorted(set(read_calibration(manche_comparateur)["CODGEO"]))
    membership = pd.DataFrame(
        {"territoire_code": "dep-50", "territoire": "Manche", "CODGEO": current}
    )
    found = read_sirene_dates(stock, membership, PASSAGE, dynamics.FIRST_YEAR)
    table = found.join(ess.ess_membership(found))
    assert found.attrs["date_stock"] == demo_stock.STOCK_UPDATE[:10]
    stock_day = dynamics.stock_date(found.attrs["date_stock"])
    values = dynamics.dynamics_indicators(table, membership, stock_day, "s", "m")
    values = values.set_index("indicateur")["valeur"]
    # Calibration (module docstring): 3-year survival between INSEE's micro-enterprises
    # (about 50 %) and « entreprises classiques » (71-82 %); ESS assumed at 85 %.
    assert 60 <= values["taux_survie_3_ans"] <= 75
    assert 80 <= values["ess_taux_survie_3_ans"] <= 90
    # About 5 % of ESS establishments created each year (associations), more for all.
    ess_rate = (
        values["ess_etablissements_crees_2019"] / values["ess_etablissements_actifs_01_01_2019"]
    )
    assert 0.03 <= ess_rate <= 0.07
    # Closed establishments since 2013 exist, and some dates are INSEE's « non déterminée ».
    assert values["etablissements_fermes_2016"] > 0
    assert values["etablissements_date_inconnue"] > 0
    # Every active establishment of the snapshot is still in the dated table.
    active = read_sirene(stock, membership, PASSAGE)
    assert set(active["siret"]) <= set(found["siret"])
    assert found["siren"].str.fullmatch(r"\d{9}").all()
