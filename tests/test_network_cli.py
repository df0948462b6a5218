"""``ressol reseau``, ``ressol indicators --adherents`` and ``ressol kit`` on the demo data.

The example members file (``adherents/exemple_adherents.csv``) is worked out by hand in
``adherents/README.md``: lines 2 to 11 are found, each with one ESS employer establishment —
lines 4, 5, 8, 9, 10 in Saint-Lô Agglo, 2, 11 in Coutances Mer et Bocage, 3, 6, 7 in Côte Ouest
Centre Manche; associations 2, 5, 6, 8, 9, 11, coopératives 3, 7, 10, fondation 4; estimated
jobs (centre of the band) 4, 0, 149.5, 34.5, 34.5, 4, 34.5, 1.5, 7.5, 7.5. Line 14 is found
too, a company outside the ESS in Saint-Lô Agglo; line 12 is to check, lines 13 and 15 (a
closed unit) are not found.
Commands run in this process (``cli.main``): the entry point is tested in tests/test_cli.py.
"""

from __future__ import annotations

import runpy
import struct
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from pypdf import PdfReader
from support.cli import ressol

from ressol_analysis import cli
from ressol_analysis.context import SYNTHETIC_SOURCE, load
from ressol_analysis.contract import TIDY_COLUMNS
from ressol_analysis.labels import SYNTHETIC_MARK

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


def ressol_here(capsys, root: Path, *args: str) -> tuple[int, str]:
    """Run ``ressol`` in this process; return its exit status and what it wrote to stderr."""
    capsys.readouterr()
    status = cli.main(["--racine", str(root), *args])
    return status, capsys.readouterr().err


def assert_refused(outcome: tuple[int, str], *fragments: str) -> None:
    status, err = outcome
    assert status == 2, err
    assert err.startswith("Erreur : ") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


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
    assert "Adhérents retrouvés : 11 ; à vérifier : 1 (non comptés) ; non retrouvés : 2." in (
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
    assert found["ligne"].tolist() == [str(n) for n in [*range(2, 12), 14]]
    assert found["regle"].value_counts().to_dict() == {"siret": 5, "siren": 3, "nom": 3}
    review = pd.read_csv(folder / "a_verifier.csv", dtype=str)
    # « Assoc. demo 100152496 » against « ASSOCIATION DEMO 100152496 »: token_sort_ratio of
    # « 100152496 ASSOC DEMO » and « 100152496 ASSOCIATION DEMO », 2 × 20 / (20 + 26) = 87.0 %.
    assert review["ligne"].tolist()[0] == "12" and float(review["score"].iloc[0]) == 87.0
    missing = pd.read_csv(folder / "non_retrouves.csv", dtype=str)
    assert missing["ligne"].tolist() == ["13", "15"]
    assert "aucun nom proche dans la commune" in missing.loc[0, "motif"]
    assert "aucun établissement actif de ce SIREN" in missing.loc[1, "motif"]
    assert (missing["avertissement"] == SYNTHETIC_MARK).all()


def test_example_file_is_the_one_its_script_draws_from_the_demo(built_project, tmp_path, capsys):
    # adherents/make_example.py draws the example from the demonstration extract with a fixed
    # seed and checks each line's status: the file in the repository is what it writes today.
    script = runpy.run_path(str(ROOT / "adherents" / "make_example.py"))
    target = tmp_path / "exemple.csv"
    assert script["main"](built_project, target) == 0, capsys.readouterr().out
    assert target.read_bytes() == EXAMPLE.read_bytes()


def test_indicators_of_the_example(network_run):
    _, folder = network_run
    table = pd.read_csv(folder / "indicateurs_reseau.csv", dtype={"territoire_code": str})
    assert list(table.columns) == TIDY_COLUMNS
    wide = table.pivot(index="territoire_code", columns="indicateur", values="valeur")
    assert wide.at["centre-manche", "reseau_adherents"] == 11
    epcis = [c for c in wide.index if c.startswith("epci-")]
    assert sum(wide.loc[epcis, "reseau_adherents"]) == 11  # no member in two EPCIs
    assert (table["synthetique"] == "oui").all()
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


def test_bad_members_file_leaves_the_previous_folder(network_run, built_project, tmp_path, capsys):
    _, folder = network_run
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    bad = tmp_path / "adherents.csv"
    bad.write_bytes("nom;commune\nAmicale;Saint-Lô\n".encode("cp1252"))
    outcome = ressol_here(
        capsys, built_project, "reseau", "--territory", "centre-manche", "--adherents", str(bad),
        "--output", str(folder.parent),
    )  # fmt: skip
    assert_refused(outcome, "n'est pas encodé en UTF-8", "ligne 2")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_siret_outside_the_territory_and_no_members_file(built_project, tmp_path, capsys):
    members = tmp_path / "adherents.csv"
    members.write_text("nom;siret\nLa Poste (siège);35600000000048\n", encoding="utf-8")
    outcome = ressol_here(
        capsys, built_project, "reseau", "--territory", "centre-manche", "--adherents",
        str(members), "--output", str(tmp_path),
    )  # fmt: skip
    assert_refused(outcome, "ligne 2 : SIRET 35600000000048", "retirez la ligne")
    assert not (tmp_path / "reseau_centre-manche").exists()
    outcome = ressol_here(capsys, built_project, "reseau", "--territory", "centre-manche")
    assert_refused(outcome, "Indiquez le fichier des adhérents", "--adherents")
    outcome = ressol_here(
        capsys, built_project, "indicators", "--territory", "centre-manche", "--adherents",
        str(tmp_path / "absent.csv"), "--output", str(tmp_path / "i.csv"),
    )  # fmt: skip
    assert_refused(outcome, "Fichier des adhérents introuvable", "absent.csv")
    assert not (tmp_path / "i.csv").exists()
    outcome = ressol_here(
        capsys, built_project, "report", "--each-epci", "dep-50", "--adherents", str(members)
    )
    assert_refused(outcome, "--adherents ne va pas avec --each-epci")


def test_working_file_never_goes_into_reports(built_project, capsys):
    outcome = ressol_here(
        capsys, built_project, "reseau", "--territory", "centre-manche", "--adherents",
        str(EXAMPLE), "--output", str(built_project / "reports"),
    )  # fmt: skip
    assert_refused(outcome, "ne doit pas être écrit dans", "--output")
    assert not (built_project / "reports" / "reseau_centre-manche").exists()


def test_members_file_and_network_named_in_the_territory_file(built_project, tmp_path):
    spec = yaml.safe_load((built_project / "territoires" / "saint-lo-agglo.yaml").read_text())
    spec.update(adherents="adherents.csv", reseau="Réseau de la Vire")
    path = tmp_path / "saint-lo-agglo.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    (tmp_path / "adherents.csv").write_text(
        "nom;siret\nAssociation démo;10016746500010\n", encoding="utf-8"
    )
    diag = load(str(path), str(built_project))
    assert diag.members_file == (tmp_path / "adherents.csv").resolve()
    assert diag.territory.network == "Réseau de la Vire"
    # --adherents wins over the territory's key.
    other = load(str(path), str(built_project), members=str(EXAMPLE))
    assert other.members_file == EXAMPLE.resolve()


@pytest.fixture(scope="module")
def example_indicators(built_project, tmp_path_factory) -> Path:
    """``ressol indicators --adherents`` with the example members file, on the demo."""
    csv = tmp_path_factory.mktemp("indicateurs") / "indicateurs.csv"
    status = cli.main(
        ["--racine", str(built_project), "indicators", "--territory", "centre-manche",
         "--adherents", str(EXAMPLE), "--output", str(csv)]
    )  # fmt: skip
    assert status == 0
    return csv


def test_indicators_with_the_example_members_file(example_indicators):
    csv = example_indicators
    table = pd.read_csv(csv, dtype={"territoire_code": str, "valeur": float})
    network = table[table["indicateur"].str.contains("reseau")]
    keys = network.groupby("territoire_code")["indicateur"].apply(frozenset)
    # 5 base keys, reseau_adherents_hors_ess, then the 5 base keys of each of the 6 families.
    assert keys.nunique() == 1 and len(keys.iloc[0]) == 5 + 1 + 5 * 6  # same keys for every zone
    assert set(keys.index) == set(table["territoire_code"])
    wide = table.pivot(index="territoire_code", columns="indicateur", values="valeur")
    saint_lo, coutances, cote_ouest = "epci-200066389", "epci-200067023", "epci-200067031"
    members = wide["reseau_adherents"]
    # Lines 4, 5, 8, 9, 10 and 14 (outside the ESS); 2, 11; 3, 6, 7.
    assert members[["centre-manche", saint_lo, coutances, cote_ouest]].tolist() == [11, 6, 2, 3]
    jobs = wide["reseau_ess_effectif_salarie_estime"]
    assert jobs[saint_lo] == 149.5 + 34.5 + 34.5 + 1.5 + 7.5 == 227.5
    assert jobs[coutances] == 4 + 7.5 == 11.5
    assert jobs[cote_ouest] == 0 + 34.5 + 4 == 38.5
    assert jobs["centre-manche"] == 227.5 + 11.5 + 38.5 == 277.5
    employers = wide["reseau_ess_etablissements_employeurs_adherents"]
    assert employers[["centre-manche", saint_lo, coutances, cote_ouest]].tolist() == [10, 5, 2, 3]
    share = wide["part_reseau_ess_etablissements_employeurs"]
    assert share["centre-manche"] == pytest.approx(
        100 * 10 / wide.at["centre-manche", "ess_etablissements_employeurs"], abs=1e-4
    )
    assert wide.at["centre-manche", "part_reseau_ess_effectif_salarie_estime"] == pytest.approx(
        100 * 277.5 / wide.at["centre-manche", "ess_effectif_salarie_estime"], abs=1e-4
    )
    families = wide.loc[
        "centre-manche",
        [
            f"reseau_adherents_{f}"
            for f in (
                "associations", "cooperatives", "mutuelles", "fondations",
                "organismes_non_lucratifs", "autres",
            )
        ],
    ]  # fmt: skip
    assert families.tolist() == [6, 3, 0, 1, 0, 0]
    assert wide.at["centre-manche", "reseau_adherents_hors_ess"] == 1  # line 14
    assert wide.at[saint_lo, "reseau_adherents_associations"] == 3  # lines 5, 8, 9
    assert wide.at[saint_lo, "reseau_adherents_hors_ess"] == 1
    assert (
        network[network["territoire_code"].isin(["dep-50", "basse-normandie", "reg-28"])]["valeur"]
        .isna()
        .all()
    )
    assert network["source"].str.contains("exemple_adherents.csv").all()
    assert network["source"].str.contains("Données synthétiques de démonstration").all()


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_kit_from_a_real_indicator_table_has_no_mark(
    example_indicators, built_project, tmp_path, capsys
):
    table = pd.read_csv(example_indicators, dtype=str, keep_default_na=False)
    # As a run on the real SIRENE stock would write it: no synthetic source nor marker; a figure
    # changed to show that the kit prints the table's numbers.
    assert (table["synthetique"] == "oui").any()
    table["source"] = table["source"].str.replace(
        SYNTHETIC_SOURCE, "Insee, base Sirene (stock)", regex=False
    )
    table["synthetique"] = "non"
    assert not table["source"].str.contains("synthétique").any()
    mask = (table["territoire_code"] == "centre-manche") & (table["indicateur"] == "population")
    table.loc[mask, "valeur"] = "12345"
    csv = tmp_path / "indicateurs.csv"
    table.to_csv(csv, index=False)
    status, err = ressol_here(
        capsys, built_project, "kit", "--territory", "centre-manche", "--indicateurs", str(csv),
        "--reseau", "Réseau d'essai", "--output", str(tmp_path / "kit"),
    )  # fmt: skip
    assert status == 0, err
    folder = tmp_path / "kit"
    assert png_size(folder / "kit_centre-manche_carte_1080.png") == (1080, 1080)
    assert png_size(folder / "kit_centre-manche_page_a4.png") == (2480, 3507)
    text = PdfReader(folder / "kit_centre-manche_page_a4.pdf").pages[0].extract_text()
    assert SYNTHETIC_MARK not in text
    assert "12 345" in text.replace("\u00a0", " ")
    assert "Une publication Réseau d'essai" in text
    assert "CA Saint-Lô Agglo" in text and "Manche" in text and "Normandie" in text


def test_kit_errors(built_project, tmp_path, capsys):
    outcome = ressol_here(
        capsys, built_project, "kit", "--territory", "metropole-rouen", "--output", str(tmp_path)
    )
    assert_refused(outcome, "Indiquez le nom du réseau", "--reseau")
    broken = tmp_path / "indicateurs.csv"
    broken.write_text("territoire_code,indicateur\ncentre-manche,population\n", encoding="utf-8")
    outcome = ressol_here(
        capsys, built_project, "kit", "--territory", "centre-manche", "--indicateurs",
        str(broken), "--output", str(tmp_path),
    )  # fmt: skip
    assert_refused(outcome, "colonne(s) manquante(s)", "indicateurs.csv")
    assert list(tmp_path.iterdir()) == [broken]
