"""Reader of SIRENE stock files, on the hand-built fixture of tests/fixtures/sirene."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.geography import move_codes
from ressol_analysis.sources.sirene import (
    SIRENE_COLUMNS,
    find_stock_file,
    read_official_ess_jobs,
    read_sirene,
)

FIXTURE = Path(__file__).parent / "fixtures" / "sirene"
ETAB = "StockEtablissement_utf8"
UL = "StockUniteLegale_utf8"


def make_membership() -> pd.DataFrame:
    rows = [("centre-manche", "Centre Manche", c) for c in ("50502", "50431", "50147")]
    rows += [("epci-a", "EPCI A", c) for c in ("50502", "50431")]
    rows += [("epci-b", "EPCI B", "50147")]
    rows += [("dep-50", "Manche", c) for c in ("50502", "50431", "50147", "50129")]
    return pd.DataFrame(rows, columns=["territoire_code", "territoire", "CODGEO"], dtype="string")


def make_passage() -> pd.DataFrame:
    # Les Champs-de-Losque (50119) and Le Mesnil-Vigot (50325) merged into Remilly Les Marais
    # (50431) on 2025-12-31 (COG movements); 99999 is a split with no kept code, absent here.
    return pd.DataFrame(
        {
            "code_ancien": ["50119", "50325", "99999", "99999"],
            "code_actuel": ["50431", "50431", "99998", "99997"],
        },
        dtype="string",
    )


def copy_as(tmp_path: Path, fmt: str) -> Path:
    """Write the fixture in Parquet, CSV or the official CSV-in-zip format."""
    out = tmp_path / fmt
    out.mkdir()
    for stem in (ETAB, UL):
        source = FIXTURE / f"{stem}.csv"
        if fmt == "csv":
            shutil.copy(source, out / source.name)
        elif fmt == "zip":
            with zipfile.ZipFile(out / f"{stem}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(source, source.name)
        else:
            con = duckdb.connect()
            con.execute(
                f"COPY (SELECT * FROM read_csv('{source}', all_varchar=true)) "
                f"TO '{out / (stem + '.parquet')}' (FORMAT parquet)"
            )
            con.close()
    return out


@pytest.fixture
def establishments() -> pd.DataFrame:
    return read_sirene(FIXTURE, make_membership(), make_passage())


def test_reader_keeps_active_establishments_of_the_communes(establishments):
    # 24 rows in the fixture: 2 closed (…00019, …00034), 1 in Caen 14118 (…00031) → 21 kept.
    assert len(establishments) == 21
    assert list(establishments.columns) == SIRENE_COLUMNS
    assert "10000000100019" not in set(establishments["siret"])
    assert "10000000100031" not in set(establishments["siret"])
    assert (establishments["etatAdministratifEtablissement"] == "A").all()
    assert all(str(t) == "string" for t in establishments.dtypes)
    assert establishments.attrs["sans_unite_legale"] == 0


def test_old_commune_code_moves_to_commune_nouvelle(establishments):
    row = establishments.set_index("siret").loc["10000000300021"]
    assert row["codeCommuneEtablissement"] == "50119"
    assert row["CODGEO"] == "50431"


def test_codes_stay_strings_with_leading_zeros(establishments):
    row = establishments.set_index("siret").loc["10000000200012"]
    assert row["trancheEffectifsEtablissement"] == "01"
    assert row["categorieJuridiqueUniteLegale"] == "9220"
    assert pd.isna(
        establishments.set_index("siret").loc["10000001100020"]["trancheEffectifsEtablissement"]
    )


@pytest.mark.parametrize("fmt", ["parquet", "zip"])
def test_formats_give_identical_results(tmp_path, fmt):
    expected = read_sirene(copy_as(tmp_path, "csv"), make_membership(), make_passage())
    found = read_sirene(copy_as(tmp_path, fmt), make_membership(), make_passage())
    pd.testing.assert_frame_equal(found, expected)


def test_parquet_is_preferred_to_csv(tmp_path):
    folder = copy_as(tmp_path, "parquet")
    shutil.copy(FIXTURE / f"{ETAB}.csv", folder)
    assert find_stock_file(folder, "etablissements").format == "parquet"


def test_history_files_are_ignored(tmp_path):
    folder = copy_as(tmp_path, "csv")
    shutil.copy(FIXTURE / f"{ETAB}.csv", folder / "StockEtablissementHistorique_utf8.csv")
    assert find_stock_file(folder, "etablissements").path.name == f"{ETAB}.csv"


def test_no_stock_file(tmp_path):
    with pytest.raises(RessolError, match="Aucun fichier StockEtablissement"):
        read_sirene(tmp_path, make_membership(), make_passage())


def edit_csv(tmp_path: Path, stem: str, edit) -> Path:
    folder = copy_as(tmp_path, "csv")
    table = pd.read_csv(folder / f"{stem}.csv", dtype=str, keep_default_na=False)
    edit(table).to_csv(folder / f"{stem}.csv", index=False)
    return folder


def test_missing_required_column(tmp_path):
    folder = edit_csv(tmp_path, ETAB, lambda t: t.drop(columns="statutDiffusionEtablissement"))
    with pytest.raises(RessolError, match=r"StockEtablissement_utf8\.csv.*statutDiffusion"):
        read_sirene(folder, make_membership(), make_passage())


def test_optional_columns_may_be_absent(tmp_path):
    folder = edit_csv(tmp_path, ETAB, lambda t: t.drop(columns="enseigne1Etablissement"))
    result = read_sirene(folder, make_membership(), make_passage())
    assert result["enseigne1Etablissement"].isna().all()
    assert len(result) == 21


def test_reader_keeps_unknown_codes_for_the_rules(tmp_path):
    # Unknown band and catégorie juridique are the rules' business (ess.classify), not errors.
    def band(t):
        t.loc[t["nic"] == "00012", "trancheEffectifsEtablissement"] = "1"
        return t

    def category(t):
        t.loc[t["siren"] == "100000002", "categorieJuridiqueUniteLegale"] = "5720"
        return t

    folder = edit_csv(tmp_path, ETAB, band)
    edit = pd.read_csv(folder / f"{UL}.csv", dtype=str, keep_default_na=False)
    category(edit).to_csv(folder / f"{UL}.csv", index=False)
    row = read_sirene(folder, make_membership(), make_passage()).set_index("siret")
    assert row.loc["10000000200012", "trancheEffectifsEtablissement"] == "1"
    assert row.loc["10000000200012", "categorieJuridiqueUniteLegale"] == "5720"


def test_files_that_do_not_join(tmp_path):
    def edit(t):
        return t.assign(siren="2" + t["siren"].str.slice(1))

    with pytest.raises(RessolError, match="ne se rattachent pas"):
        read_sirene(edit_csv(tmp_path, UL, edit), make_membership(), make_passage())


def test_partly_joining_files_warn_and_count(tmp_path):
    folder = edit_csv(tmp_path, UL, lambda t: t[t["siren"] != "100000007"])
    with pytest.warns(UserWarning, match="2 établissement"):
        result = read_sirene(folder, make_membership(), make_passage())
    # siren 100000007 has 2 active establishments in scope (…00014, …00028).
    assert result.attrs["sans_unite_legale"] == 2
    assert len(result) == 19


def test_no_establishment_in_the_communes(tmp_path):
    membership = pd.DataFrame(
        {"territoire_code": ["x"], "territoire": ["X"], "CODGEO": ["61001"]}, dtype="string"
    )
    with pytest.raises(RessolError, match="Aucun établissement actif"):
        read_sirene(FIXTURE, membership, make_passage())


def test_split_code_without_kept_code_is_refused():
    passage = make_passage()
    codes = pd.Series(["50502", "99999"], dtype="string")
    with pytest.raises(RessolError, match="scindée.*99999"):
        move_codes(codes, passage, None, what="test", split_rule="keep_code")


def test_split_code_goes_to_the_commune_keeping_it():
    passage = pd.DataFrame(
        {"code_ancien": ["50001", "50001", "50119"], "code_actuel": ["50001", "50002", "50431"]}
    )
    codes = pd.Series(["50001", "50119", "50502"], dtype="string")
    assert move_codes(codes, passage, None, what="test", split_rule="keep_code").tolist() == [
        "50001",
        "50431",
        "50502",
    ]


def test_official_table_reader(tmp_path):
    path = tmp_path / "commande.csv"
    path.write_text(
        "CODGEO;famille;etablissements;effectifs\n50502;associations;12;340\n50502;mutuelles;1;s\n",
        encoding="utf-8",
    )
    table = read_official_ess_jobs(path)
    assert table["effectifs"].tolist()[0] == 340.0
    assert pd.isna(table["effectifs"].tolist()[1])


def test_official_table_unknown_family(tmp_path):
    path = tmp_path / "commande.csv"
    path.write_text("CODGEO;famille;etablissements;effectifs\n50502;asso;12;340\n", "utf-8")
    with pytest.raises(RessolError, match="famille.*asso"):
        read_official_ess_jobs(path)
