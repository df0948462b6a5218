"""The sources catalogue: vintages read from the files, checksums, files waiting in data/raw."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ressol_analysis.catalogue import (
    STATUS_COLUMNS,
    catalogue_status,
    detect_vintage,
    format_status,
    load_catalogue,
)
from ressol_analysis.errors import RessolError
from ressol_analysis.paths import project_paths
from ressol_analysis.sources.manifest import load_manifest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def status(root) -> object:
    return catalogue_status(root / "data" / "raw").set_index("cle")


def test_every_manifest_key_and_sirene_has_a_row(root, status):
    keys = set(load_manifest(root / "data" / "raw"))
    assert keys <= set(status.index)
    assert {"sirene_etablissements", "sirene_unites_legales"} <= set(status.index)
    assert list(status.reset_index().columns) == STATUS_COLUMNS


@pytest.mark.parametrize(
    ("key", "vintage", "where"),
    [
        ("rp_ages", "RP 2022", "colonnes P22_POP0014 … (RP 2022)"),
        (
            "comparateur",
            "RP 2022",
            "colonnes P22_ et P16_ (RP 2022 et 2016), ETTOT24 (Flores 2024), MED21 (Filosofi 2021)",
        ),
        ("cog_mouvements", "COG 2026", "dernier mouvement DATE_EFF 2026-01-01"),
        ("epci", "EPCI 2025", "feuille Epcicom2025"),
        (
            "estimations_quinquennales",
            "Estimations de population 1975-2021",
            "feuilles 1975 à 2021",
        ),
        ("estimations_regions", "Estimations de population 1975-2020", "feuilles 1975 à 2020"),
        (
            "categories_juridiques",
            "Catégories juridiques au 01/09/2022",
            "mention « mise à jour le 1er septembre 2022 » (feuille Niveau I)",
        ),
        (
            "itdd",
            "ESS : 2014 et 2008 (Insee, Clap)",
            "ligne « Année » de la feuille Economie (2014 et 2008)",
        ),
        ("naf_table_passage", "NAF rév. 2 (2008)", "titre « NAF rév. 2, 2008 » (ligne 1)"),
        (
            "urssaf_commune_ape",
            "Urssaf, effectifs au 31/12 de 2006 à 2022",
            "colonnes « Nombre d'établissements 2006 » … « 2022 »",
        ),
    ],
)
def test_vintage_is_read_from_the_file(status, key, vintage, where):
    row = status.loc[key]
    assert row["millesime"] == vintage
    assert row["lecture_millesime"] == where
    assert row["empreinte"] == "conforme"
    assert row["remarques"] == ""


def test_files_without_vintage_fall_back_on_the_manifest(status):
    row = status.loc["cog_communes"]
    assert row["millesime"] == "COG 2026"
    assert row["lecture_millesime"].startswith("manifeste")


def test_urls_are_documented(status):
    assert status.loc["comparateur", "url"] == (
        "https://www.insee.fr/fr/statistiques/fichier/2521169/base_cc_comparateur_csv.zip"
    )
    assert status.loc["sirene_etablissements", "url"].endswith(
        "data-pipeline-open/siren/stock/StockEtablissement_utf8.parquet"
    )
    assert all(spec.page.startswith("https://") for spec in load_catalogue().values())


def test_modified_file_and_newer_file_are_reported(project):
    paths = project_paths(project)
    with (paths.raw / "cog_dgcl_regions.csv").open("a", encoding="utf-8") as handle:
        handle.write("99,99999,0,TEST,Test,Test\n")
    shutil.copy(
        FIXTURES / "economy" / "comparateur_2026_p23.csv", paths.raw / "comparateur_2026.csv"
    )
    status = catalogue_status(paths.raw).set_index("cle")
    assert status.loc["cog_regions", "empreinte"] == "différente"
    # The fixture's header: P23_/P17_, ETTOT25, MED22 → RP 2023, newer than RP 2022.
    assert status.loc["comparateur", "plus_recent"] == "comparateur_2026.csv (RP 2023)"
    text = format_status(catalogue_status(paths.raw))
    assert "⚠ plus récent, pas encore utilisé : comparateur_2026.csv (RP 2023)" in text
    assert text.rstrip().endswith(
        "1 fichier(s) absent(s) ou modifié(s), 1 source(s) avec un fichier plus récent en "
        "attente. Restaurez les fichiers modifiés (git checkout) ou intégrez la nouvelle édition "
        "avec « ressol data update »."
    )


def test_older_or_unreadable_files_are_noted_not_announced(project):
    paths = project_paths(project)
    text = (paths.raw / "insee_comparateur_territoires_2025_normandie.csv").read_text()
    (paths.raw / "vieux_comparateur.csv").write_text(
        text.replace("P22_", "P19_").replace("P16_", "P13_")
    )
    (paths.raw / "comparateur_abime.csv").write_text("n'importe quoi\n")
    row = catalogue_status(paths.raw).set_index("cle").loc["comparateur"]
    assert row["plus_recent"] == ""
    assert "vieux_comparateur.csv (RP 2019, pas plus récent)" in row["remarques"]
    assert "comparateur_abime.csv (illisible" in row["remarques"]


def test_missing_file_is_reported(project):
    paths = project_paths(project)
    (paths.raw / "cj_septembre_2022.xls").unlink()
    row = catalogue_status(paths.raw).set_index("cle").loc["categories_juridiques"]
    assert row["empreinte"] == "fichier absent"
    assert row["millesime"] == "Catégories juridiques au 01/09/2022"  # from the manifest


def test_sirene_stock_vintage_is_read_from_its_dates(root, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "siret": ["10000000100011", "10000000200016", "10000000300011"],
            "dateDernierTraitementEtablissement": [
                "2025-11-30T10:12:00",
                "2026-02-27T23:01:05",
                "2024-01-02T08:00:00",
            ],
        }
    )
    pq.write_table(table, tmp_path / "StockEtablissement_utf8.parquet", row_group_size=2)
    status = catalogue_status(root / "data" / "raw", sirene_dir=tmp_path).set_index("cle")
    row = status.loc["sirene_etablissements"]
    assert row["fichier"] == str(tmp_path / "StockEtablissement_utf8.parquet")
    # Latest of the row-group maxima: 2026-02-27 (group 1: 2026-02-27, group 2: 2024-01-02).
    assert row["millesime"] == "Stock SIRENE au 27/02/2026"
    assert row["lecture_millesime"] == "plus récente valeur de dateDernierTraitementEtablissement"
    assert "Aucun fichier StockUniteLegale" in status.loc["sirene_unites_legales", "remarques"]


def test_sirene_stock_without_its_date_column_is_explained(root, tmp_path):
    shutil.copy(FIXTURES / "sirene" / "StockEtablissement_utf8.csv", tmp_path)
    status = catalogue_status(root / "data" / "raw", sirene_dir=tmp_path).set_index("cle")
    row = status.loc["sirene_etablissements"]
    assert row["millesime"] == ""
    assert "dateDernierTraitementEtablissement" in row["remarques"]


def test_header_of_no_known_edition_is_refused():
    with pytest.raises(RessolError, match="aucune édition connue"):
        detect_vintage("comparateur", FIXTURES / "economy" / "comparateur_inconnu.csv")


def test_unknown_source_lists_the_known_ones():
    with pytest.raises(RessolError, match="Source « rp_2099 » inconnue.*comparateur"):
        detect_vintage("rp_2099", Path("x.csv"))
