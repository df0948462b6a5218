"""National one-scan ESS indicators: same figures as the hand-written query and as ess.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from ressol_analysis import dynamics, ess
from ressol_analysis.errors import RessolError
from ressol_analysis.geography import split_passage
from ressol_analysis.national import (
    DYNAMICS_NOTE,
    departement_groups,
    national_indicators,
)
from ressol_analysis.sources.sirene import read_sirene
from ressol_analysis.sources.sirene_dates import read_sirene_dates

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


generate_stock = _load("generate_stock")
floor = _load("floor")

COMMUNES = pd.DataFrame(
    {
        "CODGEO": ["50001", "50002", "50003", "50004", "50005", "50006"],
        "poids": [5.0, 3.0, 2.0, 1.0, 1.0, 1.0],
    }
)
# 50090 merged into 50001; 50003 split but kept its code (→ 50003, 50004); 50095 split and no
# current commune kept it (→ 50005, 50006).
PASSAGE = pd.DataFrame(
    {
        "code_ancien": ["50090", "50003", "50003", "50095", "50095"],
        "code_actuel": ["50001", "50003", "50004", "50005", "50006"],
    },
    dtype="string",
)
GROUPS = pd.DataFrame(
    {
        "CODGEO": ["50001", "50002", "50002", "50003", "50004", "50005", "50999"],
        "territoire_code": ["A", "A", "B", "B", "B", "C", "D"],
        "territoire": ["Zone A", "Zone A", "Zone B", "Zone B", "Zone B", "Zone C", "Zone D"],
    },
    dtype="string",
)
SOURCE, VINTAGE = "Insee, Sirene (stock), estimation par tranche d'effectifs", "Stock test"


@pytest.fixture(scope="module")
def stock(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("stock")
    generate_stock.write_stock(
        out, 6000, communes=COMMUNES, passage=PASSAGE, seed=7, formats=("parquet", "zip")
    )
    return out


def _national(directory: Path) -> pd.DataFrame:
    return national_indicators(directory, GROUPS, PASSAGE, source=SOURCE, vintage=VINTAGE)


def test_generated_stock_exercises_every_rule(stock):
    etab = stock / "parquet" / "StockEtablissement_utf8.parquet"
    counts = duckdb.sql(
        f"""SELECT count(*) FILTER (WHERE codeCommuneEtablissement = '50090'),
                   count(*) FILTER (WHERE etatAdministratifEtablissement = 'F'),
                   count(*) FILTER (WHERE trancheEffectifsEtablissement = 'NN'),
                   count(*) FILTER (WHERE statutDiffusionEtablissement = 'P'),
                   count(*) FILTER (WHERE caractereEmployeurEtablissement = 'N'
                                    AND trancheEffectifsEtablissement NOT IN ('NN')),
                   count(*) FILTER (WHERE caractereEmployeurEtablissement IS NULL
                                    AND etatAdministratifEtablissement = 'A'),
                   count(*) FILTER (WHERE anneeEffectifsEtablissement = '2019'),
                   count(*) FILTER (WHERE codePaysEtrangerEtablissement = '99134')
            FROM '{etab}'"""
    ).fetchall()[0]
    assert all(c > 0 for c in counts)
    units = stock / "parquet" / "StockUniteLegale_utf8.parquet"
    former = duckdb.sql(
        f"SELECT count(*) FROM '{units}' WHERE categorieJuridiqueUniteLegale IN ('5720', '5498')"
    ).fetchall()[0][0]
    assert former > 0


def test_national_equals_ess_indicators_and_hand_written_query(stock):
    national = _national(stock / "parquet")

    sirene = read_sirene(stock / "parquet", GROUPS, PASSAGE)
    expected = ess.ess_indicators(ess.classify(sirene), GROUPS, SOURCE, VINTAGE)
    dated = read_sirene_dates(stock / "parquet", GROUPS, PASSAGE, dynamics.FIRST_YEAR)
    day = dynamics.stock_date(dated.attrs["date_stock"])
    flows = dynamics.dynamics_indicators(
        dated.join(ess.ess_membership(dated)),
        GROUPS,
        day,
        f"{SOURCE} ; {DYNAMICS_NOTE}",
        f"Stock Sirene au {day:%d/%m/%Y}",
    )
    both = pd.concat([expected, flows], ignore_index=True)
    order = {a: i for i, a in enumerate(GROUPS["territoire_code"].drop_duplicates())}
    both = both.iloc[both["territoire_code"].map(order).argsort(kind="stable")]
    assert_frame_equal(national, both.reset_index(drop=True))
    values = national.set_index(["territoire_code", "indicateur"])["valeur"]
    # The generated stock has creations and closures every year, and some unknown dates.
    assert values["A", "etablissements_crees_2019"] > 0
    assert values["A", "etablissements_fermes_2019"] > 0
    assert values["A", "etablissements_date_inconnue"] > 0
    assert 0 < values["A", "taux_survie_3_ans"] < 100

    areas = GROUPS[["territoire_code"]].drop_duplicates()
    hand = floor.floor_tidy(floor.floor_indicators(stock / "parquet", GROUPS, PASSAGE), areas)
    merged = national.merge(hand, on=["territoire_code", "indicateur"], suffixes=("", "_sql"))
    assert len(merged) == len(national)
    assert_frame_equal(
        merged[["valeur"]], merged[["valeur_sql"]].set_axis(["valeur"], axis=1), check_exact=True
    )
    values = national.set_index(["territoire_code", "indicateur"])["valeur"]
    assert values["A", "etablissements_employeurs"] > 0
    assert values["B", "ess_etablissements_employeurs"] > 0
    assert values["D", "etablissements_employeurs"] == 0
    assert pd.isna(values["D", "part_ess_etablissements_employeurs"])


def test_zip_gives_the_same_figures_as_parquet(stock):
    assert_frame_equal(_national(stock / "zip"), _national(stock / "parquet"))


def test_split_passage_keep_code_rule():
    moves, unplaced = split_passage(PASSAGE)
    assert moves.to_dict("list") == {"code_ancien": ["50090"], "code_actuel": ["50001"]}
    assert sorted(unplaced["code_actuel"]) == ["50005", "50006"]


def _rewrite(stock: Path, tmp_path: Path, sql_set: str) -> Path:
    out = tmp_path / "damaged"
    out.mkdir()
    etab = stock / "parquet" / "StockEtablissement_utf8.parquet"
    units = stock / "parquet" / "StockUniteLegale_utf8.parquet"
    duckdb.sql(
        f"COPY (SELECT * REPLACE ({sql_set}) FROM '{etab}') "
        f"TO '{out / 'StockEtablissement_utf8.parquet'}' (FORMAT parquet)"
    )
    (out / "StockUniteLegale_utf8.parquet").write_bytes(units.read_bytes())
    return out


def test_unplaceable_split_code_is_refused(stock, tmp_path):
    damaged = _rewrite(
        stock,
        tmp_path,
        "CASE WHEN codeCommuneEtablissement = '50005' THEN '50095' "
        "ELSE codeCommuneEtablissement END AS codeCommuneEtablissement",
    )
    with pytest.raises(RessolError, match="commune scindée.*50095"):
        _national(damaged)


def test_unknown_band_is_counted_not_refused(stock, tmp_path):
    damaged = _rewrite(
        stock,
        tmp_path,
        "CASE WHEN trancheEffectifsEtablissement = '01' THEN '1' "
        "ELSE trancheEffectifsEtablissement END AS trancheEffectifsEtablissement",
    )
    with pytest.warns(UserWarning, match=r"tranche d'effectifs inconnu : « 1 »"):
        found = _national(damaged)
    reference = _national(stock / "parquet")
    bands = found.attrs["tranches"]
    assert bands["tranche"].tolist() == ["1"] and bands["etablissements"].iloc[0] > 0
    # The establishments of band 01 (1.5 jobs each) leave the employers and the jobs.
    mine = found.set_index(["territoire_code", "indicateur"])["valeur"]
    before = reference.set_index(["territoire_code", "indicateur"])["valeur"]
    assert (mine["A", "etablissements_employeurs"]) < before["A", "etablissements_employeurs"]
    lost = before["A", "etablissements_employeurs"] - mine["A", "etablissements_employeurs"]
    assert before["A", "effectif_salarie_estime"] - mine["A", "effectif_salarie_estime"] == (
        1.5 * lost
    )


def test_departement_groups():
    communes = pd.DataFrame({"CODGEO": ["50001", "2A004"], "DEP": ["50", "2A"]}, dtype="string")
    deps = pd.DataFrame({"DEP": ["50", "2A"], "LIBELLE": ["Manche", "Corse-du-Sud"]})
    table = departement_groups(communes, deps)
    assert table.to_dict("list") == {
        "CODGEO": ["2A004", "50001"],
        "territoire_code": ["dep-2A", "dep-50"],
        "territoire": ["Corse-du-Sud", "Manche"],
    }
