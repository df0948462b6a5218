"""The ESS directory's spreadsheet: addresses, commune and EPCI names, labels, layout."""

from __future__ import annotations

import openpyxl
import pandas as pd

from ressol_analysis.directory import readable_directory, write_directory_xlsx
from ressol_analysis.files import marked
from ressol_analysis.labels import SYNTHETIC_MARK

DIRECTORY = pd.DataFrame(
    {
        "siret": ["00012345600011", "78945612300024"],
        "nom": ["ASSOCIATION DU BOCAGE", "COOP DES MARAIS"],
        "enseigne": [pd.NA, "La Coop"],
        "CODGEO": ["50502", "01001"],
        "activite": ["88.99B", "01.61Z"],
        "A21": ["Q", "A"],
        "secteur": ["SANTÉ HUMAINE ET ACTION SOCIALE", "AGRICULTURE, SYLVICULTURE ET PÊCHE"],
        "famille": ["associations", "cooperatives"],
        "tranche": ["11", "02"],
        "tranche_libelle": ["10 à 19 salariés", "3 à 5 salariés"],
    }
).astype("string")
ESTABLISHMENTS = pd.DataFrame(
    {
        "siret": ["78945612300024", "00012345600011", "99999999999999"],
        "numeroVoieEtablissement": ["12", "3", "1"],
        "indiceRepetitionEtablissement": [pd.NA, "B", pd.NA],
        "typeVoieEtablissement": ["RUE", "AV", "RTE"],
        "libelleVoieEtablissement": ["DES HALLES", "DE LA GARE", "DE PARIS"],
        "codePostalEtablissement": ["01400", "50000", "75001"],
    }
)
COMMUNES = pd.DataFrame(
    {
        "CODGEO": ["50502", "01001"],
        "LIBELLE": ["Saint-Lô", "L'Abergement-Clémenciat"],
        "EPCI": ["200066389", "200069193"],
        "EPCI_NOM": ["CA Saint-Lô Agglo", "CC de la Dombes"],
    }
)


def test_the_directory_gains_address_commune_epci_and_labels():
    table = readable_directory(DIRECTORY, ESTABLISHMENTS, COMMUNES)
    assert list(table["siret"]) == list(DIRECTORY["siret"])  # same rows, same order
    assert list(table["adresse"]) == ["3 B AV DE LA GARE", "12 RUE DES HALLES"]
    assert list(table["code_postal"]) == ["50000", "01400"]
    assert list(table["commune"]) == ["Saint-Lô", "L'Abergement-Clémenciat"]
    assert list(table["epci_nom"]) == ["CA Saint-Lô Agglo", "CC de la Dombes"]
    assert list(table["famille_libelle"]) == ["Associations", "Coopératives"]
    assert list(table["secteur"]) == [
        "Santé humaine et action sociale",
        "Agriculture, sylviculture et pêche",
    ]


def test_a_stock_without_addresses_leaves_them_empty():
    table = readable_directory(DIRECTORY, ESTABLISHMENTS[["siret"]], COMMUNES)
    assert table["adresse"].isna().all() and table["code_postal"].isna().all()


def test_the_spreadsheet_has_french_headers_text_codes_filters_and_frozen_header(tmp_path):
    table = marked(readable_directory(DIRECTORY, ESTABLISHMENTS, COMMUNES), synthetic=True)
    path = write_directory_xlsx(table, tmp_path / "annuaire_ess.xlsx")
    sheet = openpyxl.load_workbook(path)["Annuaire ESS"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == [
        "Avertissement",
        "SIRET",
        "Nom",
        "Enseigne",
        "Adresse",
        "Code postal",
        "Commune",
        "Code commune",
    ]
    assert "Effectif salarié (tranche)" in header and "Intercommunalité" in header
    row = dict(zip(header, (c.value for c in sheet[3]), strict=True))
    assert row["Avertissement"] == SYNTHETIC_MARK
    assert row["SIRET"] == "78945612300024" and row["Code commune"] == "01001"
    assert row["Code postal"] == "01400"
    assert row["Effectif salarié (tranche)"] == "3 à 5 salariés"
    assert all(c.number_format == "@" for c in sheet[2])
    assert sheet.freeze_panes == "D2"  # mark, SIRET and name stay in view
    assert sheet.auto_filter.ref == "A1:N3"
    assert sheet["A1"].font.bold
    widths = {c: sheet.column_dimensions[c].width for c in "BCE"}
    assert widths["B"] >= 16 and widths["C"] >= 23
