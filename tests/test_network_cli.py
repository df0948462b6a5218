"""``ressol reseau`` and ``ressol kit`` on the demonstration data, as the consultant runs them."""

from __future__ import annotations

import struct
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from pypdf import PdfReader
from test_cli import assert_clean_error, ressol

from ressol_analysis.context import SYNTHETIC_SOURCE
from ressol_analysis.contract import TIDY_COLUMNS
from ressol_analysis.labels import SYNTHETIC_MARK
from ressol_analysis.territory import load_territory

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "adherents" / "exemple_adherents.csv"
SHEETS = [
    "À lire",
    "Non adhérents",
    "À vérifier",
    "Non retrouvés",
    "Adhérents retrouvés",
    "Couverture EPCI",
    "Couverture familles",
    "Couverture secteurs",
]


@pytest.fixture(scope="module")
def network_run(built_project, tmp_path_factory):
    out = tmp_path_factory.mktemp("travail")
    result = ressol(
        built_project, "reseau", "--territory", "centre-manche", "--adherents", str(EXAMPLE),
        "--output", str(out),
    )  # fmt: skip
    return result, out / "reseau_centre-manche"


def test_example_file_on_the_demo(network_run):
    result, folder = network_run
    assert result.returncode == 0, result.stderr
    assert "Adhérents retrouvés : 10 ; à vérifier : 1 (non comptés) ; non retrouvés : 1." in (
        result.stdout
    )
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [
            "a_verifier.csv", "adherents_retrouves.csv", "couverture_epci.csv",
            "couverture_familles.csv", "couverture_secteurs.csv", "indicateurs_reseau.csv",
            "non_adherents.csv", "non_retrouves.csv", "reseau_centre-manche.xlsx",
        ]
    )  # fmt: skip
    found = pd.read_csv(folder / "adherents_retrouves.csv", dtype=str)
    assert found["ligne"].tolist() == [str(n) for n in range(2, 12)]
    assert found["regle"].value_counts().to_dict() == {"siret": 4, "siren": 3, "nom": 3}
    review = pd.read_csv(folder / "a_verifier.csv", dtype=str)
    assert review["ligne"].tolist()[0] == "12" and float(review["score"].iloc[0]) == 87.0
    missing = pd.read_csv(folder / "non_retrouves.csv", dtype=str)
    assert missing["ligne"].tolist() == ["13"]
    assert (missing["avertissement"] == SYNTHETIC_MARK).all()


def test_indicators_of_the_example(network_run):
    _, folder = network_run
    table = pd.read_csv(folder / "indicateurs_reseau.csv", dtype={"territoire_code": str})
    assert list(table.columns) == TIDY_COLUMNS
    wide = table.pivot(index="territoire_code", columns="indicateur", values="valeur")
    assert wide.at["centre-manche", "reseau_adherents"] == 10
    epcis = [c for c in wide.index if c.startswith("epci-")]
    assert sum(wide.loc[epcis, "reseau_adherents"]) == 10  # no member in two EPCIs
    assert wide.loc[["dep-50", "reg-28"]].isna().all().all()
    assert table["source"].str.contains("Données synthétiques de démonstration").all()
    coverage = pd.read_csv(folder / "couverture_epci.csv", dtype=str).set_index("territoire_code")
    share = float(coverage.at["centre-manche", "part_reseau_ess_etablissements_employeurs"])
    # The working file rounds shares to two decimals; the indicator file keeps six.
    expected = wide.at["centre-manche", "part_reseau_ess_etablissements_employeurs"]
    assert share == round(expected, 2) and share != expected


def test_working_file_is_sorted_and_names_only_listable_units(network_run, built_project):
    _, folder = network_run
    listed = pd.read_csv(folder / "non_adherents.csv", dtype=str)
    jobs = listed["effectif_salarie_estime"].astype(float)
    assert jobs.is_monotonic_decreasing and len(listed) > 100
    assert listed["siret"].str.fullmatch(r"\d{14}").all()
    assert listed["CODGEO"].str.fullmatch(r"50\d{3}").all()
    demo = built_project / "data" / "processed" / "sirene_demo"
    units = pd.read_parquet(demo / "StockUniteLegale_utf8.parquet").set_index("siren")
    etabs = pd.read_parquet(demo / "StockEtablissement_utf8.parquet").set_index("siret")
    of_listed = units.loc[listed["siret"].str[:9]]
    assert (of_listed["statutDiffusionUniteLegale"] == "O").all()
    assert (etabs.loc[listed["siret"], "statutDiffusionEtablissement"] == "O").all()
    assert not of_listed["categorieJuridiqueUniteLegale"].str.match(r"1|21").any()
    book = openpyxl.load_workbook(folder / "reseau_centre-manche.xlsx")
    assert book.sheetnames == SHEETS
    sheet = book["Non adhérents"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    assert sheet["A1"].value == "avertissement" and sheet["B2"].value == listed.loc[0, "siret"]
    assert sheet.column_dimensions["C"].width > 20
    assert "Données synthétiques" in book["À lire"]["A2"].value


def test_bad_members_file_leaves_the_previous_folder(network_run, built_project, tmp_path):
    _, folder = network_run
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    bad = tmp_path / "adherents.csv"
    bad.write_bytes("nom;commune\nAmicale;Saint-Lô\n".encode("cp1252"))
    result = ressol(
        built_project, "reseau", "--territory", "centre-manche", "--adherents", str(bad),
        "--output", str(folder.parent),
    )  # fmt: skip
    assert_clean_error(result, "n'est pas encodé en UTF-8", "ligne 2")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_siret_outside_the_territory_and_no_members_file(built_project, tmp_path):
    members = tmp_path / "adherents.csv"
    members.write_text("nom;siret\nLa Poste (siège);35600000000048\n", encoding="utf-8")
    result = ressol(
        built_project, "reseau", "--territory", "centre-manche", "--adherents", str(members),
        "--output", str(tmp_path),
    )  # fmt: skip
    assert_clean_error(result, "ligne 2 : SIRET 35600000000048", "retirez la ligne")
    assert not (tmp_path / "reseau_centre-manche").exists()
    result = ressol(built_project, "reseau", "--territory", "centre-manche")
    assert_clean_error(result, "Indiquez le fichier des adhérents", "--adherents")


def test_working_file_never_goes_into_reports(built_project):
    result = ressol(
        built_project, "reseau", "--territory", "centre-manche", "--adherents", str(EXAMPLE),
        "--output", str(built_project / "reports"),
    )  # fmt: skip
    assert_clean_error(result, "ne doit pas être écrit dans", "--output")
    assert not (built_project / "reports" / "reseau_centre-manche").exists()


def test_members_file_and_network_named_in_the_territory_file(built_project, tmp_path):
    spec = yaml.safe_load((built_project / "territoires" / "saint-lo-agglo.yaml").read_text())
    spec.update(adherents="adherents.csv", reseau="Réseau de la Vire")
    path = tmp_path / "saint-lo-agglo.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    (tmp_path / "adherents.csv").write_text(
        "nom;siret\nAssociation démo;10016746500010\n", encoding="utf-8"
    )
    territory = load_territory(path, built_project / "territoires")
    assert territory.members == (tmp_path / "adherents.csv").resolve()
    assert territory.network == "Réseau de la Vire"
    result = ressol(built_project, "reseau", "--territory", str(path), "--output", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Adhérents retrouvés : 1 ; à vérifier : 0 (non comptés) ; non retrouvés : 0." in (
        result.stdout
    )


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_kit_of_centre_manche_on_the_demo(built_project, tmp_path):
    result = ressol(built_project, "kit", "--territory", "centre-manche", "--output", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert png_size(tmp_path / "kit_centre-manche_carte_1080.png") == (1080, 1080)
    assert png_size(tmp_path / "kit_centre-manche_page_a4.png") == (2480, 3507)
    text = PdfReader(tmp_path / "kit_centre-manche_page_a4.pdf").pages[0].extract_text()
    assert SYNTHETIC_MARK in text and "Une publication RESSOL" in text
    assert "CA Saint-Lô Agglo" in text and "Manche" in text and "Normandie" in text


def test_kit_from_a_real_indicator_table_has_no_mark(built_project, tmp_path):
    csv = tmp_path / "indicateurs.csv"
    result = ressol(
        built_project, "indicators", "--territory", "saint-lo-agglo", "--output", str(csv)
    )
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(csv, dtype=str, keep_default_na=False)
    # As a run on the real SIRENE stock would write it: no synthetic source; a figure changed
    # to show that the kit prints the table's numbers.
    table["source"] = table["source"].str.replace(
        SYNTHETIC_SOURCE, "Insee, base Sirene (stock)", regex=False
    )
    assert not table["source"].str.contains("synthétique").any()
    mask = (table["territoire_code"] == "saint-lo-agglo") & (table["indicateur"] == "population")
    table.loc[mask, "valeur"] = "12345"
    table.to_csv(csv, index=False)
    result = ressol(
        built_project, "kit", "--territory", "saint-lo-agglo", "--indicateurs", str(csv),
        "--reseau", "Réseau d'essai", "--output", str(tmp_path / "kit"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = PdfReader(tmp_path / "kit" / "kit_saint-lo-agglo_page_a4.pdf").pages[0].extract_text()
    assert SYNTHETIC_MARK not in text
    assert "12\u00a0345" in text or "12 345" in text
    assert "Une publication Réseau d'essai" in text


def test_kit_errors(built_project, tmp_path):
    result = ressol(
        built_project, "kit", "--territory", "metropole-rouen", "--output", str(tmp_path)
    )
    assert_clean_error(result, "Indiquez le nom du réseau", "--reseau")
    broken = tmp_path / "indicateurs.csv"
    broken.write_text("territoire_code,indicateur\ncentre-manche,population\n", encoding="utf-8")
    result = ressol(
        built_project, "kit", "--territory", "centre-manche", "--indicateurs", str(broken),
        "--output", str(tmp_path),
    )  # fmt: skip
    assert_clean_error(result, "colonne(s) manquante(s)", "indicateurs.csv")
    assert list(tmp_path.iterdir()) == [broken]
