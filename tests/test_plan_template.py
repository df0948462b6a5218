"""The fiche-action template: labelled indicators, dependent lists, example row, colours."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from ressol_analysis import plan, plan_sheets, plan_template
from ressol_analysis.cli import main
from ressol_analysis.errors import RessolError
from ressol_analysis.indicator_labels import indicator_label

KEYS = {"population", "part_60_ans_plus", "part_15_29_ans", "part_ess_etablissements_employeurs"}
ACTION = {
    "titre": "Jeunes",
    "axe": "AXE 1 — Impulser et entretenir la dynamique",
    "orientation": "1.3 — L'ESS dans les parcours de formation des jeunes",
    "objectif": "L'ESS dans les lycées.",
    "pilote": "RESSOL",
    "debut": datetime(2026, 9, 1),
    "fin": datetime(2027, 6, 30),
    "budget_total": 3000,
    "financeurs": "Région",
    "impact": 4,
    "faisabilite": 4,
    "statut": "Proposée",
}


def validations(sheet) -> dict[str, str]:
    return {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}


def test_without_a_territory_the_indicators_are_listed_with_their_labels(tmp_path):
    book = openpyxl.load_workbook(plan_template.template(tmp_path / "modele.xlsx"))
    lists = book[plan_sheets.LISTS_SHEET]
    assert lists["D1"].value == "Indicateurs du diagnostic (libellé)"
    assert lists["E1"].value == "Clé de l'indicateur"
    rows = {r[4]: r[3] for r in lists.iter_rows(min_row=2, values_only=True) if r[4]}
    assert rows["population"] == "Population municipale"
    assert rows["ess_etablissements_employeurs_cooperatives"] == (
        "Établissements employeurs de l'ESS : coopératives"
    )
    assert len(rows) > 60
    indicators = validations(book[plan_sheets.INDICATORS_SHEET])
    assert indicators["B2:B201"] == f"'Listes'!$D$2:$D${len(rows) + 1}"


def test_titles_are_offered_in_the_budget_and_indicator_sheets_and_required_columns_coloured(
    tmp_path,
):
    book = openpyxl.load_workbook(
        plan_template.template(tmp_path / "modele.xlsx", indicator_keys=sorted(KEYS))
    )
    for name in (plan_sheets.BUDGET_SHEET, plan_sheets.INDICATORS_SHEET):
        assert validations(book[name])["A2:A201"] == "'Fiches actions'!$A$2:$A$201"
    actions = book[plan_sheets.ACTIONS_SHEET]
    colours = {c.value: c.fill.fgColor.rgb[-6:] for c in actions[1]}
    assert colours["Titre de l'action"] == plan_template.REQUIRED_FILL
    assert colours["Contributeur"] != plan_template.REQUIRED_FILL
    assert {
        f.label for f in plan_sheets.FIELDS if colours[f.label] == plan_template.REQUIRED_FILL
    } == {f.label for f in plan_sheets.FIELDS if f.required}
    framework = book[plan_sheets.FRAMEWORK_SHEET]
    owners = [framework.cell(row=r, column=7).value for r in range(2, 7)]
    assert (
        owners
        == [
            "AXE 1 — Impulser et entretenir la dynamique",
        ]
        * 3
        + ["AXE 2 — Accompagner les initiatives économiques et solidaires"] * 2
    )


def test_the_example_row_is_filled_and_a_template_with_only_the_example_has_no_action(tmp_path):
    path = plan_template.template(tmp_path / "modele.xlsx", indicator_keys=sorted(KEYS))
    book = openpyxl.load_workbook(path)
    for name in (plan_sheets.ACTIONS_SHEET, plan_sheets.BUDGET_SHEET, plan_sheets.INDICATORS_SHEET):
        assert book[name]["A2"].value == plan_sheets.EXAMPLE_TITLE
        assert book[name]["A2"].font.italic
    actions = {
        c.value: v.value
        for c, v in zip(
            book[plan_sheets.ACTIONS_SHEET][1], book[plan_sheets.ACTIONS_SHEET][2], strict=True
        )
    }
    assert actions["Statut"] == "Exemple"
    assert actions["Orientation"] == "1.1 — Pilotage et animation territoriale"
    assert book[plan_sheets.INDICATORS_SHEET]["B2"].value == indicator_label(
        "part_ess_etablissements_employeurs"
    )
    with pytest.raises(RessolError, match=r"aucune fiche action remplie : modele\.xlsx.*exemple"):
        plan_sheets.read_sheets(tmp_path)


def test_an_action_under_the_example_is_read_alone_with_its_indicator_chosen_by_label(
    tmp_path, capsys
):
    path = plan_template.template(tmp_path / "fiche.xlsx", indicator_keys=sorted(KEYS))
    book = openpyxl.load_workbook(path)
    keys = [f.key for f in plan_sheets.FIELDS]
    sheet = book[plan_sheets.ACTIONS_SHEET]
    for key, value in ACTION.items():
        sheet.cell(row=3, column=keys.index(key) + 1, value=value)
    for column, value in enumerate(("Jeunes", 2026, "Interventions", 3000, "Région"), start=1):
        book[plan_sheets.BUDGET_SHEET].cell(row=3, column=column, value=value)
    indicators = book[plan_sheets.INDICATORS_SHEET]
    indicators["A3"], indicators["B3"], indicators["C3"] = "Jeunes", "Part des 15-29 ans", 16
    book.save(path)
    consolidated = plan.build_plan(tmp_path, KEYS)
    assert list(consolidated.actions["titre"]) == ["Jeunes"]
    assert consolidated.budget["montant"].sum() == 3000  # the example's 3 000 € are not counted
    assert list(consolidated.indicators["indicateur"]) == ["part_15_29_ans"]
    assert list(consolidated.indicators["cible"]) == [16]


def test_plan_build_says_one_action_in_the_singular(built_project, tmp_path, capsys):
    folder = tmp_path / "fiches"
    folder.mkdir()
    path = plan_template.template(folder / "fiche.xlsx")
    book = openpyxl.load_workbook(path)
    keys = [f.key for f in plan_sheets.FIELDS]
    for key, value in {**ACTION, "budget_total": None, "financeurs": None}.items():
        if value is not None:
            book[plan_sheets.ACTIONS_SHEET].cell(row=3, column=keys.index(key) + 1, value=value)
    book.save(path)
    output = tmp_path / "plan.yaml"
    code = main(
        ["--racine", str(built_project), "plan", "build", str(folder), "--output", str(output)]
    )
    assert code == 0, capsys.readouterr().err
    assert f"Plan consolidé (1 action) écrit dans {output}." in capsys.readouterr().out
