"""Reading a scenarios folder: definition, grids (YAML and XLSX), decision, every bad input.

Fixture tests/fixtures/scenarios: scenarios « reseau » and « pole », criteria « pertinence »
(weight 2) and « cout » (weight 1). Association Alpha (YAML) gives reseau 4 / 5 and pole 5 / 2;
Coopérative Bêta (YAML) gives reseau 2 / abstains on cost, pole "5" / abstains on cost.
Worked out on paper: reseau (2 × 3 + 5) / 3 = 11/3, pole (2 × 5 + 2) / 3 = 4.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal

from ressol_analysis import plan_sheets
from ressol_analysis import scenarios as sc
from ressol_analysis import scenarios_definition as sd
from ressol_analysis import scenarios_sheets as ss
from ressol_analysis.errors import RessolError

FIXTURE = Path(__file__).parent / "fixtures" / "scenarios"
NAN = math.nan


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the fixture folder that a test may damage."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "scenarios"))


def edit_yaml(path: Path, change) -> None:
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")


def fill_grid(path: Path, member: str | None, notes: dict[str, list]) -> Path:
    """Fill a template written by ss.template, as a member would in a spreadsheet."""
    book = openpyxl.load_workbook(path)
    sheet = book[ss.GRID_SHEET]
    sheet["B1"] = member
    for row in range(4, sheet.max_row + 1):
        scenario = sheet.cell(row=row, column=1).value
        for i, value in enumerate(notes.get(scenario, [])):
            sheet.cell(row=row, column=3 + i, value=value)
    book.save(path)
    return path


# --------------------------------------------------------------------------- definition


def test_definition_tables():
    definition = sd.read_definition(FIXTURE)
    assert definition.example is True and definition.base_year == 2025
    assert definition.framework == "Plan d'actions RESSOL 2013"
    assert definition.scenarios["scenario"].tolist() == ["reseau", "pole"]
    assert definition.scenarios["description"].tolist() == ["Une animatrice à mi-temps.", ""]
    assert_frame_equal(
        definition.criteres,
        pd.DataFrame(
            {
                "critere": ["pertinence", "cout"],
                "libelle": ["Pertinence pour le territoire", "Coût supportable"],
                "poids": [2.0, 1.0],
            }
        ),
    )
    assert definition.cadre[["scenario", "axe_code", "orientation_code"]].values.tolist() == [
        ["reseau", "AXE 1", "1.1"],
        ["reseau", "AXE 2", ""],
        ["pole", "AXE 2", "2.1"],
    ]
    assert definition.moyens.values.tolist() == [
        ["reseau", 2026, 20000.0, 0.5],
        ["reseau", 2027, 22000.0, 0.5],
        ["pole", 2026, 90000.0, 2.0],
    ]
    ambitions = definition.ambitions.set_index("scenario")
    assert ambitions.loc["reseau", "horizon"] == 2030
    assert ambitions.loc["reseau", "part_emplois_ess"] == 13.0
    assert pd.isna(ambitions.loc["pole", "horizon"])


def test_the_same_definition_in_xlsx(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Scénarios"
    sheet.append(
        [
            "Identifiant",
            "Titre",
            "Description",
            "Axes et orientations",
            "Horizon",
            "Part des emplois de l'ESS visée (%)",
            "Projets accompagnés par an",
            "Structures membres visées",
        ]
    )
    sheet.append(
        ["reseau", "Réseau animé", "Une animatrice à mi-temps.", "1.1 ; AXE 2", 2030, 13, 2, 40]
    )
    sheet.append(["pole", "Pôle partagé", None, "Émergence et accompagnement de projets"])
    means = book.create_sheet("Moyens")
    for row in (
        ["Scénario", "Année", "Budget (€)", "ETP"],
        ["reseau", 2026, 20000, 0.5],
        ["reseau", 2027, "22 000", "0,5"],
        ["pole", 2026, 90000, 2],
    ):
        means.append(row)
    criteria = book.create_sheet("Critères")
    for row in (
        ["Identifiant", "Libellé", "Poids"],
        ["pertinence", "Pertinence pour le territoire", 2],
        ["cout", "Coût supportable", 1],
    ):
        criteria.append(row)
    settings = book.create_sheet("Paramètres")
    for row in (["Paramètre", "Valeur"], ["exemple", "oui"], ["Année de référence", 2025]):
        settings.append(row)
    book.save(tmp_path / "scenarios.xlsx")
    from_xlsx = sd.read_definition(tmp_path)
    from_yaml = sd.read_definition(FIXTURE)
    for name in ("scenarios", "cadre", "moyens", "ambitions", "criteres"):
        assert_frame_equal(getattr(from_xlsx, name), getattr(from_yaml, name), check_dtype=False)
    assert (from_xlsx.example, from_xlsx.base_year) == (True, 2025)


# --------------------------------------------------------------------------- grids


def test_folder_notes_and_scores():
    folder = ss.read_folder(FIXTURE)
    assert folder.members == 2 and folder.decision is None
    notes = folder.notes.set_index(["membre", "scenario", "critere"])["note"]
    assert notes.loc[("Coopérative Bêta", "pole", "pertinence")] == 5.0  # "5" as text
    assert math.isnan(notes.loc[("Coopérative Bêta", "pole", "cout")])  # empty: abstention
    assert math.isnan(notes.loc[("Coopérative Bêta", "reseau", "cout")])  # absent: abstention
    assert set(folder.notes["fichier"]) == {"alpha.yaml", "beta.yml"}  # LISEZMOI.txt ignored
    table = sc.ranking(folder.notes, folder.criteres, folder.scenarios)
    assert table["score"].tolist() == pytest.approx([11 / 3, 4.0])
    assert table["rang"].tolist() == [2, 1]


def test_template_round_trip(folder, tmp_path):
    definition = sd.read_definition(folder)
    path = ss.template(tmp_path / "grille.xlsx", definition)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [plan_sheets.GUIDE_SHEET, ss.GRID_SHEET]
    sheet = book[ss.GRID_SHEET]
    assert [c.value for c in sheet[3]] == [
        "Scénario",
        "Titre",
        "Pertinence pour le territoire",
        "Coût supportable",
    ]
    assert [sheet.cell(row=r, column=1).value for r in (4, 5)] == ["reseau", "pole"]
    (check,) = sheet.data_validations.dataValidation
    assert check.type == "list" and check.formula1 == '"1,2,3,4,5"'
    assert str(check.sqref) == "C4:D5"
    fill_grid(path, "Fondation Gamma", {"reseau": [1, None], "pole": [3, 4]})
    shutil.copy(path, folder / "grilles" / "gamma.xlsx")
    notes = ss.read_folder(folder).notes
    gamma = notes[notes["membre"] == "Fondation Gamma"].reset_index(drop=True)
    expected = pd.DataFrame(
        {
            "membre": ["Fondation Gamma"] * 4,
            "fichier": ["gamma.xlsx"] * 4,
            "scenario": ["reseau", "reseau", "pole", "pole"],
            "critere": ["pertinence", "cout"] * 2,
            "note": [1.0, NAN, 3.0, 4.0],
        }
    )
    assert_frame_equal(gamma, expected)


def test_template_refuses_other_formats_and_keeps_the_old_file_on_error(tmp_path):
    definition = sd.read_definition(FIXTURE)
    with pytest.raises(RessolError, match=r"\.xlsx"):
        ss.template(tmp_path / "grille.ods", definition)
    with pytest.raises(RessolError, match="n'existe pas"):
        ss.template(tmp_path / "absent" / "grille.xlsx", definition)


def test_decision(folder):
    (folder / "decision.yaml").write_text(
        "scenario: pole\ndate: 2026-03-12\ncommentaire: Vote à l'unanimité.\n", encoding="utf-8"
    )
    decision = ss.read_folder(folder).decision
    assert (decision.scenario, decision.date.isoformat()) == ("pole", "2026-03-12")
    assert decision.instance == "conseil d'administration"


# --------------------------------------------------------------------------- bad input


def set_note(scenario: str, critere: str, value):
    def change(content):
        content["notes"].setdefault(scenario, {})[critere] = value

    return change


@pytest.mark.parametrize(
    ("value", "shown"),
    [(6, "« 6 »"), (0, "« 0 »"), (3.5, "« 3.5 »"), ("quatre", "« quatre »"), (True, "« True »")],
)
def test_a_note_outside_1_5_or_not_an_integer(folder, value, shown):
    edit_yaml(folder / "grilles" / "alpha.yaml", set_note("pole", "cout", value))
    pattern = (
        r"alpha\.yaml, membre « Association Alpha », scénario « pole », critère « cout » : "
        rf"la note {shown} n'est pas un entier de 1 à 5"
    )
    with pytest.raises(RessolError, match=pattern):
        ss.read_folder(folder)


def test_a_bad_note_in_an_xlsx_grid_names_the_cell(folder, tmp_path):
    path = ss.template(tmp_path / "grille.xlsx", sd.read_definition(folder))
    fill_grid(path, "Fondation Gamma", {"pole": [4, 9]})
    shutil.copy(path, folder / "grilles" / "gamma.xlsx")
    pattern = (
        r"gamma\.xlsx, membre « Fondation Gamma », scénario « pole », "
        r"critère « Coût supportable », cellule D5 : la note « 9 »"
    )
    with pytest.raises(RessolError, match=pattern):
        ss.read_folder(folder)


def test_an_unknown_scenario_id(folder):
    edit_yaml(folder / "grilles" / "alpha.yaml", set_note("incubateur", "cout", 3))
    pattern = (
        r"alpha\.yaml, membre « Association Alpha », scénario « incubateur », critère « cout » "
        r": le scénario « incubateur » n'existe pas dans scenarios\.yaml\. Scénarios : reseau, pole"
    )
    with pytest.raises(RessolError, match=pattern):
        ss.read_folder(folder)


def test_an_unknown_criterion_id(folder):
    edit_yaml(folder / "grilles" / "alpha.yaml", set_note("pole", "impact", 3))
    pattern = (
        r"membre « Association Alpha », scénario « pole », critère « impact » : le critère "
        r"« impact » n'existe pas.*Critères : pertinence, cout"
    )
    with pytest.raises(RessolError, match=pattern):
        ss.read_folder(folder)


def test_an_unknown_criterion_column_in_an_xlsx_grid(folder, tmp_path):
    path = ss.template(tmp_path / "grille.xlsx", sd.read_definition(folder))
    book = openpyxl.load_workbook(path)
    book[ss.GRID_SHEET]["E3"] = "Urgence"
    book.save(path)
    fill_grid(path, "Fondation Gamma", {"pole": [4, 3, 5]})
    shutil.copy(path, folder / "grilles" / "gamma.xlsx")
    with pytest.raises(
        RessolError,
        match=(
            r"gamma\.xlsx, membre « Fondation Gamma », feuille « Grille », cellule E3, "
            r"critère « Urgence » : cette colonne n'est pas un critère"
        ),
    ):
        ss.read_folder(folder)


def test_a_member_appearing_twice(folder):
    edit_yaml(folder / "grilles" / "beta.yml", lambda c: c.update(membre="association alpha"))
    pattern = r"Le membre « association alpha » a deux grilles : .*alpha\.yaml et .*beta\.yml"
    with pytest.raises(RessolError, match=pattern):
        ss.read_folder(folder)


def test_a_criterion_written_twice_in_a_yaml_grid(folder):
    # PyYAML alone would keep pertinence: 1 and forget the 4 without a word.
    grid = folder / "grilles" / "alpha.yaml"
    grid.write_text(
        "membre: Association Alpha\n"
        "notes:\n"
        "  reseau: {pertinence: 4, cout: 5}\n"
        "  pole:\n"
        "    pertinence: 5\n"
        "    cout: 2\n"
        "    pertinence: 1\n",
        encoding="utf-8",
    )
    pattern = (
        r"Dans .*alpha\.yaml, ligne 7, membre « Association Alpha », scénario « pole », "
        r"critère « pertinence » : le critère est noté deux fois pour ce scénario"
    )
    with pytest.raises(RessolError, match=pattern):
        ss.read_folder(folder)


def test_a_scenario_or_a_member_key_written_twice_in_a_yaml_grid(folder):
    grid = folder / "grilles" / "alpha.yaml"
    text = "membre: Association Alpha\nnotes:\n  reseau: {pertinence: 4}\n  reseau: {cout: 5}\n"
    grid.write_text(text, encoding="utf-8")
    pattern = r"ligne 4, membre « Association Alpha », scénario « reseau » : le scénario est écrit"
    with pytest.raises(RessolError, match=pattern):
        ss.read_folder(folder)
    grid.write_text("membre: A\nmembre: B\nnotes: {pole: {cout: 2}}\n", encoding="utf-8")
    with pytest.raises(RessolError, match=r"ligne 2 : la clé « membre » est écrite deux fois"):
        ss.read_folder(folder)


def test_a_key_written_twice_in_the_scenarios_file(folder):
    path = folder / "scenarios.yaml"
    text = path.read_text(encoding="utf-8")
    old = "{id: cout, libelle: Coût supportable, poids: 1}"
    assert text.splitlines()[5] == f"  - {old}"
    path.write_text(text.replace(old, old[:-1] + ", poids: 3}"), encoding="utf-8")
    pattern = r"ligne 6 : la clé « poids » est écrite deux fois \(dans « criteres › 2 »\)"
    with pytest.raises(RessolError, match=pattern):
        ss.read_folder(folder)


def test_a_grid_with_no_note_at_all(folder):
    edit_yaml(
        folder / "grilles" / "beta.yml",
        lambda c: c.update(notes={"reseau": {"pertinence": None}, "pole": None}),
    )
    pattern = r"La grille .*beta\.yml \(membre « Coopérative Bêta »\) ne contient aucune note"
    with pytest.raises(RessolError, match=pattern):
        ss.read_folder(folder)


@pytest.mark.parametrize(
    ("weights", "pattern"),
    [
        (
            [2, -1],
            r"critère n° 2 \(critère « cout »\) : le poids doit être un nombre positif ou nul",
        ),
        ([0, 0], r"tous les poids des critères sont nuls \(pertinence, cout\)"),
        ([2, "beaucoup"], r"critère n° 2 \(critère « cout »\) : « beaucoup » n'est pas un nombre"),
    ],
)
def test_negative_or_all_zero_weights(folder, weights, pattern):
    def change(content):
        for item, weight in zip(content["criteres"], weights, strict=True):
            item["poids"] = weight

    edit_yaml(folder / "scenarios.yaml", change)
    with pytest.raises(RessolError, match=r"scenarios\.yaml, " + pattern):
        ss.read_folder(folder)


def test_a_retained_scenario_that_does_not_exist(folder):
    (folder / "decision.yaml").write_text("scenario: incubateur\ndate: 12/03/2026\n")
    pattern = r"decision\.yaml, scénario retenu « incubateur » : il n'existe pas.*reseau, pole"
    with pytest.raises(RessolError, match=pattern):
        ss.read_folder(folder)


def test_a_decision_with_an_unreadable_date(folder):
    (folder / "decision.yaml").write_text("scenario: pole\ndate: mars 2026\n")
    with pytest.raises(RessolError, match=r"champ « date » : « mars 2026 » n'est pas une date"):
        ss.read_folder(folder)


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        (
            lambda c: c["scenarios"][0].update(axes=["AXE 3"]),
            r"scénario n° 1 \(scénario « reseau »\), champ « axes » : « AXE 3 » n'est ni un axe",
        ),
        (
            lambda c: c["scenarios"][1].update(id="reseau"),
            r"l'identifiant de scénario « reseau » apparaît deux fois",
        ),
        (
            lambda c: c["scenarios"][1].update(id="Pôle partagé"),
            r"l'identifiant « Pôle partagé » du scénario doit être écrit en minuscules",
        ),
        (lambda c: c["criteres"][0].pop("libelle"), r"le libellé est obligatoire"),
        (lambda c: c["scenarios"][0].update(budget=3), r"champ\(s\) inconnu\(s\) budget"),
        (
            lambda c: c.pop("annee_de_reference"),
            r"« annee_de_reference » \(l'année des chiffres d'aujourd'hui",
        ),
        (
            lambda c: c["scenarios"][0]["ambitions"].update(part_emplois_ess=130),
            r"« part_emplois_ess » : 130 n'est pas une part en %",
        ),
        (
            lambda c: c["scenarios"][0]["ambitions"].update(horizon=2024),
            r"scénario « reseau », champ « horizon » : 2024 n'est pas après l'année de référence",
        ),
        (
            lambda c: c["scenarios"][1]["moyens"][0].update(budget=-5),
            r"moyens n° 1 \(scénario « pole »\) : le budget ne peut pas être inférieur à 0",
        ),
    ],
)
def test_bad_definitions(folder, change, pattern):
    edit_yaml(folder / "scenarios.yaml", change)
    with pytest.raises(RessolError, match=pattern):
        sd.read_definition(folder)


def test_folder_level_errors(folder, tmp_path):
    with pytest.raises(RessolError, match="n'existe pas"):
        ss.read_folder(tmp_path / "absent")
    shutil.copy(folder / "scenarios.yaml", folder / "scenarios.xlsx")
    with pytest.raises(RessolError, match="plusieurs fichier"):
        ss.read_folder(folder)
    (folder / "scenarios.xlsx").unlink()
    (folder / "grilles" / "delta.ods").write_bytes(b"")
    with pytest.raises(RessolError, match=r"format non lu : delta\.ods"):
        ss.read_folder(folder)
    (folder / "grilles" / "delta.ods").unlink()
    edit_yaml(folder / "grilles" / "alpha.yaml", lambda c: c.pop("membre"))
    with pytest.raises(RessolError, match=r"alpha\.yaml : le champ « membre » est obligatoire"):
        ss.read_folder(folder)


def test_an_xlsx_grid_without_member_name(folder, tmp_path):
    path = ss.template(tmp_path / "grille.xlsx", sd.read_definition(folder))
    fill_grid(path, None, {"pole": [4, 3]})
    shutil.copy(path, folder / "grilles" / "gamma.xlsx")
    with pytest.raises(RessolError, match=r"gamma\.xlsx, feuille « Grille », cellule B1 : le nom"):
        ss.read_folder(folder)


def test_an_xlsx_grid_whose_title_column_was_deleted_keeps_every_note(folder, tmp_path):
    path = ss.template(tmp_path / "grille.xlsx", sd.read_definition(folder))
    fill_grid(path, "Fondation Gamma", {"reseau": [1, 2], "pole": [3, 4]})
    book = openpyxl.load_workbook(path)
    sheet = book[ss.GRID_SHEET]
    sheet.move_range("C3:D5", cols=-1)  # « delete cells B3:B5, shift left » in a spreadsheet
    assert [c.value for c in sheet[3]][:3] == [
        "Scénario",
        "Pertinence pour le territoire",
        "Coût supportable",
    ]
    book.save(folder / "grilles" / "gamma.xlsx")
    notes = ss.read_folder(folder).notes
    gamma = notes[notes["membre"] == "Fondation Gamma"]
    assert gamma["note"].tolist() == [1.0, 2.0, 3.0, 4.0]
