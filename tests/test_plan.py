"""Action sheets → consolidated plan, on a hand-drawn folder of two contributors.

Contributor A (tests/fixtures/plan/contributeur_a.yaml) writes « Pôle ESS » (impact 5 ×
feasibility 3 = 15, 10 000 €) and « Sensibilisation des élus » (3 × 2 = 6, 1 600 €).
Contributor B (an XLSX built from the template in each test) writes « Jeunes » (4 × 4 = 16,
3 000 €) and the same « Sensibilisation des élus » again (impact 4, other partner).
Worked out on paper:
- ranks: Jeunes (16, priority 1), Pôle ESS (15, priority 1), élus (6, priority 3: A's sheet
  wins, it comes first in file order);
- expenses 10 000 + 1 600 + 3 000 = 14 600 €; resources Région 4 000 + 4 000 + 1 500 = 9 500,
  Département 1 600 + 1 500 = 3 100, to be found 2 000: 14 600 €;
- by year 2026: 4 000 + 1 600 + 1 500 = 7 100; 2027: 4 000 + 2 000 + 1 500 = 7 500.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from html import escape
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal

from ressol_analysis import (
    formatting,
    inputs,
    plan,
    plan_charts,
    plan_sheets,
    plan_template,
    plan_text,
)
from ressol_analysis.errors import RessolError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "plan"
KEYS = {"population", "part_60_ans_plus", "part_15_29_ans", "densite_hab_km2"}

JEUNES = {
    "titre": "Jeunes",
    "contributeur": "Bruno",
    "axe": "AXE 1 — Impulser et entretenir la dynamique",
    "orientation": "1.3 — L'ESS dans les parcours de formation des jeunes",
    "objectif": "L'ESS dans les lycées.",
    "pilote": "RESSOL",
    "partenaires": "Lycées ; CFA",
    "publics": "jeunes",
    "territoire": "200066389 ; 200067023",
    "debut": datetime(2026, 9, 1),
    "fin": datetime(2027, 6, 30),
    "budget_total": 3000,
    "financeurs": "Région Normandie ; Département de la Manche",
    "impact": 4,
    "faisabilite": 4,
    "statut": "Validée",
}
ELUS_B = {
    "titre": "Sensibilisation  des élus",
    "contributeur": "Bruno",
    "axe": "AXE 1",
    "orientation": "1.2",
    "objectif": "Faire connaître l'ESS aux élus.",
    "pilote": "RESSOL",
    "partenaires": "Mission locale",
    "publics": "élus ; jeunes",
    "debut": datetime(2026, 3, 1),
    "fin": datetime(2026, 12, 31),
    "budget_total": 1600,
    "impact": 4,
    "faisabilite": 2,
    "statut": "Proposée",
}
BUDGET_B = [
    ("Jeunes", 2026, "Interventions", 1500, "Région Normandie"),
    ("Jeunes", 2027, "Interventions", 1500, "Département de la Manche"),
    ("Sensibilisation des élus", 2026, "Guide", 1600, "Département de la Manche"),
]
INDICATORS_B = [("Jeunes", "part_15_29_ans", 16, "Public visé.")]


def write_xlsx(
    path: Path,
    actions: list[dict],
    budget: list[tuple],
    indicators: list[tuple],
    drop_column: str | None = None,
) -> Path:
    plan_template.template(path, indicator_keys=sorted(KEYS))
    book = openpyxl.load_workbook(path)
    # The contributor replaces the template's example row by their own actions.
    for name in (plan_sheets.ACTIONS_SHEET, plan_sheets.BUDGET_SHEET, plan_sheets.INDICATORS_SHEET):
        for cell in book[name][2]:
            cell.value = None
    sheet = book[plan_sheets.ACTIONS_SHEET]
    keys = [f.key for f in plan_sheets.FIELDS]
    for row, action in enumerate(actions, start=2):
        for key, value in action.items():
            sheet.cell(row=row, column=keys.index(key) + 1, value=value)
    if drop_column:
        sheet.cell(row=1, column=keys.index(drop_column) + 1).value = "Axe stratégique"
    for name, rows in (
        (plan_sheets.BUDGET_SHEET, budget),
        (plan_sheets.INDICATORS_SHEET, indicators),
    ):
        for r, values in enumerate(rows, start=2):
            for c, value in enumerate(values, start=1):
                book[name].cell(row=r, column=c, value=value)
    book.save(path)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two contributors: A in YAML (fixture file), B in XLSX (from the template)."""
    target = tmp_path / "fiches"
    target.mkdir()
    shutil.copy(FIXTURES / "contributeur_a.yaml", target)
    write_xlsx(target / "contributeur_b.xlsx", [JEUNES, ELUS_B], BUDGET_B, INDICATORS_B)
    return target


@pytest.fixture
def consolidated(folder: Path) -> plan.Plan:
    with pytest.warns(plan_sheets.PlanWarning, match="Fiches en double fusionnées"):
        return plan.build_plan(folder, KEYS)


# --------------------------------------------------------------------------- framework


def test_default_framework_is_the_2013_plan():
    framework = plan_sheets.load_framework()
    assert framework.axis_choices() == [
        "AXE 1 — Impulser et entretenir la dynamique",
        "AXE 2 — Accompagner les initiatives économiques et solidaires",
    ]
    assert list(framework.table["orientation"]) == [
        "Pilotage et animation territoriale",
        "Communication et sensibilisation, décloisonnement de l'ESS",
        "L'ESS dans les parcours de formation des jeunes",
        "Émergence et accompagnement de projets",
        "Développement et pérennité des entreprises",
    ]
    assert list(framework.table["axe_code"]) == ["AXE 1"] * 3 + ["AXE 2"] * 2


def test_framework_with_a_duplicate_orientation_is_refused(tmp_path):
    path = tmp_path / "cadre.yaml"
    path.write_text(
        "nom: Cadre\naxes:\n  - code: A\n    titre: Un\n    orientations:\n"
        "      - {code: a1, titre: Même}\n      - {code: a2, titre: même}\n",
        encoding="utf-8",
    )
    with pytest.raises(RessolError, match=r"cadre\.yaml.*« même » apparaît deux fois"):
        plan_sheets.load_framework(path)


# --------------------------------------------------------------------------- template


def test_template_has_sheets_and_dropdown_lists(tmp_path):
    path = plan_template.template(tmp_path / "modele.xlsx", indicator_keys=["population"])
    assert path.stat().st_mode & 0o044  # readable by others, like any file the user saves
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        plan_sheets.GUIDE_SHEET,
        plan_sheets.ACTIONS_SHEET,
        plan_sheets.FRAMEWORK_SHEET,
        plan_sheets.LISTS_SHEET,
        plan_sheets.BUDGET_SHEET,
        plan_sheets.INDICATORS_SHEET,
    ]
    header = [c.value for c in book[plan_sheets.ACTIONS_SHEET][1]]
    assert header == [f.label for f in plan_sheets.FIELDS]
    formulas = {v.formula1 for v in book[plan_sheets.ACTIONS_SHEET].data_validations.dataValidation}
    assert "'Cadre stratégique'!$A$2:$A$3" in formulas  # two axes
    # Orientations of the chosen axis (all five while no axis is chosen).
    assert (
        "IF($C2=\"\",'Cadre stratégique'!$B$2:$B$6,OFFSET('Cadre stratégique'!$B$1,"
        "MATCH($C2,'Cadre stratégique'!$G$2:$G$6,0),0,COUNTIF('Cadre stratégique'!$G$2:$G$6,"
        "$C2),1))"
    ) in formulas
    assert "'Listes'!$B$2:$B$6" in formulas  # scores 1 to 5
    framework = book[plan_sheets.FRAMEWORK_SHEET]
    assert framework["A3"].value == "AXE 2 — Accompagner les initiatives économiques et solidaires"
    assert framework["B4"].value == "1.3 — L'ESS dans les parcours de formation des jeunes"
    assert [c.value for c in book[plan_sheets.BUDGET_SHEET][1]] == [
        "Titre de l'action",
        "Année",
        "Poste de dépense",
        "Montant (€)",
        "Financeur",
    ]


def test_template_must_be_xlsx(tmp_path):
    with pytest.raises(RessolError, match=r"\.xlsx \(reçu : modele\.ods\)"):
        plan_template.template(tmp_path / "modele.ods")


def test_an_empty_template_is_not_a_plan(tmp_path):
    plan_template.template(tmp_path / "modele.xlsx")
    with pytest.raises(RessolError, match="ne contient aucune fiche action"):
        plan.build_plan(tmp_path, KEYS)


# --------------------------------------------------------------------------- consolidation


def test_two_contributors_are_merged_and_ranked(consolidated):
    actions = consolidated.actions
    assert list(actions["titre"]) == ["Jeunes", "Pôle ESS", "Sensibilisation des élus"]
    assert list(actions["numero"]) == [1, 2, 3]
    assert list(actions["score_priorite"]) == [16, 15, 6]
    assert list(actions["priorite"]) == [1, 1, 3]
    elus = actions.iloc[2]
    assert elus["impact"] == 3  # A's sheet comes first in file order
    assert elus["partenaires"] == "CRESS Normandie ; Mission locale"
    assert elus["publics"] == "élus ; jeunes"
    assert elus["contributeurs"] == "Alice ; Bruno"
    assert elus["fichiers"] == "contributeur_a.yaml ; contributeur_b.xlsx"
    assert elus["axe_code"] == "AXE 1" and elus["orientation_code"] == "1.2"
    assert actions.iloc[0]["debut"] == datetime(2026, 9, 1).date()
    assert actions.iloc[0]["territoire"] == "200066389 ; 200067023"
    assert len(consolidated.warnings) == 1
    assert "impact" in consolidated.warnings[0]
    assert "contributeur_a.yaml" in consolidated.warnings[0]


def test_merged_indicators_keep_targets(consolidated):
    expected = pd.DataFrame(
        {
            "numero": [1, 2, 3],
            "titre": ["Jeunes", "Pôle ESS", "Sensibilisation des élus"],
            "indicateur": ["part_15_29_ans", "population", "part_60_ans_plus"],
            "cible": [16.0, 150000.0, float("nan")],
            "commentaire": ["Public visé.", "Population desservie.", ""],
        }
    )
    assert_frame_equal(consolidated.indicators, expected)


def test_budget_by_funder_and_year_balances(consolidated):
    expected = pd.DataFrame(
        {
            "Financeur": [
                "Région Normandie",
                "Département de la Manche",
                plan_sheets.UNFUNDED,
                "Total",
            ],
            "2026": [5500.0, 1600.0, 0.0, 7100.0],
            "2027": [4000.0, 1500.0, 2000.0, 7500.0],
            "Total": [9500.0, 3100.0, 2000.0, 14600.0],
        }
    )
    assert_frame_equal(plan_text.budget_by_funder(consolidated), expected)


def test_expenses_equal_resources(consolidated):
    balance = plan_text.budget_balance(consolidated)
    expected = pd.DataFrame(
        {
            "Dépenses": [
                "n° 1 — Jeunes",
                "n° 2 — Pôle ESS",
                "n° 3 — Sensibilisation des élus",
                "Total des dépenses",
            ],
            "Montant des dépenses": [3000.0, 10000.0, 1600.0, 14600.0],
            "Ressources": [
                "Région Normandie",
                "Département de la Manche",
                plan_sheets.UNFUNDED,
                "Total des ressources",
            ],
            "Montant des ressources": [9500.0, 3100.0, 2000.0, 14600.0],
        }
    )
    assert_frame_equal(balance, expected)
    assert formatting.euros(balance.iloc[-1]["Montant des dépenses"]) == "14\u00a0600\u00a0€"


def test_budget_by_action(consolidated):
    expected = pd.DataFrame(
        {
            "Action": [
                "n° 1 — Jeunes",
                "n° 2 — Pôle ESS",
                "n° 3 — Sensibilisation des élus",
                "Total",
            ],
            "2026": [1500.0, 4000.0, 1600.0, 7100.0],
            "2027": [1500.0, 6000.0, 0.0, 7500.0],
            "Total": [3000.0, 10000.0, 1600.0, 14600.0],
        }
    )
    assert_frame_equal(plan_text.budget_by_action(consolidated), expected)


def test_summary_by_axis_keeps_empty_axes(consolidated):
    expected = pd.DataFrame(
        {
            "Axe": [
                "AXE 1 — Impulser et entretenir la dynamique",
                "AXE 2 — Accompagner les initiatives économiques et solidaires",
                "Total",
            ],
            "Actions": [3, 0, 3],
            "dont priorité 1": [2, 0, 2],
            "Budget": [14600.0, 0.0, 14600.0],
            "Période": ["01/2026 – 12/2027", "", "01/2026 – 12/2027"],
        }
    )
    assert_frame_equal(plan_text.summary_by_axis(consolidated), expected)


def test_priority_classes():
    assert [plan.priority_class(s) for s in (25, 15, 14, 8, 7, 1)] == [1, 1, 2, 2, 3, 3]


def test_source_line_says_examples_and_contributors(consolidated):
    assert plan_text.source_line(consolidated).startswith(
        "fiches actions RESSOL (dont exemples), 3 actions de 2 contributeurs"
    )


def test_baselines_come_from_the_diagnostic(consolidated):
    indicators = pd.DataFrame(
        {
            "territoire_code": ["cm", "epci-200066389", "epci-200067023", "dep-50", "cm", "cm"],
            "territoire": [
                "Centre Manche",
                "Saint-Lô Agglo",
                "Coutances",
                "Manche",
                "Centre Manche",
                "Centre Manche",
            ],
            "indicateur": ["part_15_29_ans"] * 4 + ["population", "part_60_ans_plus"],
            "valeur": [14.46, 15.6, 13.1, 14.0, 146623.0, 33.03],
            "unite": ["%"] * 4 + ["habitants", "%"],
            "source": ["Insee"] * 6,
            "millesime": ["RP 2022"] * 6,
        }
    )
    baselines = plan_text.action_indicators(consolidated, indicators, "cm")
    assert list(
        zip(baselines["numero"], baselines["territoire_code"], baselines["valeur"], strict=True)
    ) == [
        (1, "cm", 14.46),
        (1, "epci-200066389", 15.6),
        (1, "epci-200067023", 13.1),
        (2, "cm", 146623.0),
        (3, "cm", 33.03),
    ]
    table = plan_text.baseline_table(baselines, 1)
    assert list(table.columns) == [
        "Indicateur",
        "Centre Manche",
        "Saint-Lô Agglo",
        "Coutances",
        "Millésime",
        "Cible",
        "Commentaire",
    ]
    assert list(table.iloc[0]) == [
        "Part des 15-29 ans",  # the French label, not the key
        "14,5\u00a0%",
        "15,6\u00a0%",
        "13,1\u00a0%",
        "RP 2022",
        "16,0\u00a0%",
        "Public visé.",
    ]
    assert "146\u00a0623" in plan_text.baseline_table(baselines, 2).iloc[0].tolist()


def test_action_card_names_places(consolidated):
    card = plan_text.action_card(consolidated, 1, {"200066389": "Saint-Lô Agglo"})
    assert card.startswith("### 1. Jeunes")
    assert "**Priorité 1** (impact 4 × faisabilité 4 = 16)" in card
    assert "- **Territoire** : Saint-Lô Agglo ; 200067023" in card
    assert "- **Budget** : 3\u00a0000\u00a0€" in card
    assert "du 01/09/2026 au 30/06/2027" in card


def test_charts_draw_one_point_per_action(consolidated):
    source = plan_text.source_line(consolidated)
    matrix = plan_charts.priority_matrix(consolidated.actions, source)
    points = matrix.axes[0].collections
    assert len(points) == 3
    assert [tuple(p.get_offsets()[0]) for p in points] == [(4.0, 4.0), (3.0, 5.0), (2.0, 3.0)]
    assert any(t.get_text().startswith("Source : fiches actions RESSOL") for t in matrix.texts)
    gantt = plan_charts.timeline(consolidated.actions, source)
    assert len(gantt.axes[0].patches) == 3
    bars = plan_charts.budget_by_funder(consolidated.budget, source)
    labels = [t.get_text() for t in bars.axes[0].texts]
    assert labels == ["7\u00a0100\u00a0€", "7\u00a0500\u00a0€"]


# --------------------------------------------------------------------------- writing


def test_write_yaml_keeps_sheets_and_ranks(consolidated, tmp_path):
    path = plan_text.write_plan(consolidated, tmp_path / "plan.yaml")
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert content["plan_consolide"] is True
    assert [f["titre"] for f in content["fiches"]] == [
        "Jeunes",
        "Pôle ESS",
        "Sensibilisation des élus",
    ]
    pole = content["fiches"][1]
    assert pole["numero"] == 2 and pole["priorite"] == 1 and pole["score_priorite"] == 15
    assert pole["lignes_budgetaires"][2] == {
        "annee": 2027,
        "poste": "Animation",
        "montant": 2000.0,
        "financeur": "",
    }
    # A consolidated plan left among the sheets is refused rather than counted twice.
    with pytest.raises(RessolError, match=r"plan\.yaml est un plan déjà consolidé"):
        plan.build_plan(tmp_path, KEYS)
    # Its sheets, taken out of the consolidated file, give the same plan again.
    fiches = tmp_path / "relu"
    fiches.mkdir()
    (fiches / "fiches.yaml").write_text(
        yaml.safe_dump({"fiches": content["fiches"]}, allow_unicode=True), encoding="utf-8"
    )
    again = plan.build_plan(fiches, KEYS)
    columns = ["titre", "score_priorite", "budget_total", "partenaires", "contributeurs"]
    assert_frame_equal(again.actions[columns], consolidated.actions[columns])
    assert_frame_equal(again.budget, consolidated.budget)


def test_write_xlsx_has_board_tables(consolidated, tmp_path):
    path = plan_text.write_plan(consolidated, tmp_path / "plan.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == plan_sheets.CONSOLIDATED_SHEET
    assert book[plan_sheets.CONSOLIDATED_SHEET]["B2"].value == "Jeunes"
    balance = book["Dépenses et ressources"]
    assert [balance.cell(row=5, column=c).value for c in range(1, 5)] == [
        "Total des dépenses",
        14600,
        "Total des ressources",
        14600,
    ]
    with pytest.raises(RessolError, match="plan déjà consolidé"):
        plan.build_plan(tmp_path, KEYS)


def test_write_plan_refuses_other_formats(consolidated, tmp_path):
    with pytest.raises(RessolError, match=r"plan\.csv.*\.xlsx.*\.yaml"):
        plan_text.write_plan(consolidated, tmp_path / "plan.csv")
    with pytest.raises(RessolError, match="n'existe pas"):
        plan_text.write_plan(consolidated, tmp_path / "absent" / "plan.xlsx")


# --------------------------------------------------------------------------- bad sheets


def broken_yaml(tmp_path: Path, change) -> Path:
    content = yaml.safe_load((FIXTURES / "contributeur_a.yaml").read_text(encoding="utf-8"))
    change(content["fiches"][0])
    folder = tmp_path / "fiches"
    folder.mkdir()
    (folder / "a.yaml").write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return folder


def _set(key, value):
    def change(sheet):
        sheet[key] = value

    return change


def _line(key, value):
    def change(sheet):
        sheet["lignes_budgetaires"][0][key] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda s: s.pop("titre"),
            r"a\.yaml, fiche n° 1, champ « titre » : ce champ est "
            "obligatoire",
        ),
        (
            _set("axe", "AXE 3"),
            r"fiche n° 1 \(« Pôle ESS »\), champ « axe » : l'axe « AXE 3 » "
            r"n'existe pas.*AXE 1 — Impulser",
        ),
        (
            _set("orientation", "2.1"),
            r"champ « orientation » : l'orientation « 2\.1 » "
            r"n'appartient pas à l'axe « AXE 1",
        ),
        (
            _set("fin", "2025-12-31"),
            r"champ « fin » : la date de fin \(31/12/2025\) précède la "
            r"date de début \(01/01/2026\)",
        ),
        (_set("fin", "fin 2027"), r"champ « fin » : « fin 2027 » n'est pas une date"),
        (
            _set("indicateurs", ["nombre_etablissements_ess"]),
            r"fiche n° 1 \(« Pôle ESS »\), "
            r"indicateurs n° 1, champ « indicateur » : l'indicateur « nombre_etablissements_ess » "
            "n'existe pas dans le diagnostic",
        ),
        (
            _set("budget_total", 12000),
            r"champ « budget_total » : le budget total \(12\u00a0000"
            r"\u00a0€\) n'est pas égal à la somme des lignes budgétaires \(10\u00a0000\u00a0€, 3 "
            r"ligne\(s\)\)",
        ),
        (_set("impact", 6), r"champ « impact » : la note 6 est hors de l'échelle"),
        (_set("faisabilite", 0), r"champ « faisabilite » : la note 0 est hors de l'échelle"),
        (_set("faisabilite", 2.5), r"champ « faisabilite » : la note 2\.5 est hors de l'échelle"),
        (_set("statut", "Terminée"), r"champ « statut » : statut « Terminée » inconnu"),
        (_set("territoire", ["5050"]), r"champ « territoire » : code\(s\) non reconnu\(s\) 5050"),
        (
            _set("territoire", [50502]),
            r"champ « territoire » : le code 50502 est écrit comme un "
            "nombre",
        ),
        (_set("pilote", None), r"champ « pilote » : ce champ est obligatoire"),
        (_set("couleur", "vert"), r"champ\(s\) inconnu\(s\) : couleur"),
        (
            _line("annee", 2030),
            r"lignes_budgetaires n° 1, champ « annee » : la dépense de 2030 "
            r"tombe hors de la période de l'action \(2026-2027\)",
        ),
        (
            _line("montant", -5),
            r"lignes_budgetaires n° 1, champ « montant » : le montant doit "
            "être un nombre positif",
        ),
        (
            _line("financeur", "Region"),
            r"champ « financeur » : « Region » n'est pas parmi les "
            "financeurs de la fiche",
        ),
        (_line("montants", 5), r"élément n° 1 \(champ\(s\) inconnu\(s\) : montants\)"),
    ],
)
def test_bad_yaml_sheet(tmp_path, change, message):
    folder = broken_yaml(tmp_path, change)
    with pytest.raises(RessolError, match=message):
        plan.build_plan(folder, KEYS)


def test_unknown_territory_code_against_known_areas(tmp_path):
    folder = broken_yaml(tmp_path, _set("territoire", ["200099999"]))
    with pytest.raises(RessolError, match=r"code\(s\) non reconnu\(s\) 200099999"):
        plan.build_plan(folder, KEYS, known_areas={"200066389", "50502"})


def test_funder_spelling_is_normalised(tmp_path):
    folder = broken_yaml(tmp_path, _line("financeur", "region normandie"))
    built = plan.build_plan(folder, KEYS)
    assert built.budget.loc[0, "financeur"] == "Région Normandie"


def test_bad_xlsx_names_file_sheet_row_and_column(tmp_path):
    bad = dict(JEUNES, fin=datetime(2026, 1, 1))
    write_xlsx(tmp_path / "b.xlsx", [ELUS_B, bad], BUDGET_B, [])
    with pytest.raises(
        RessolError,
        match=r"b\.xlsx, feuille « Fiches actions », ligne 3 "
        r"\(« Jeunes »\), champ « Date de fin » : la date de fin \(01/01/2026\) "
        r"précède",
    ):
        plan.build_plan(tmp_path, KEYS)


def test_xlsx_score_out_of_range(tmp_path):
    write_xlsx(tmp_path / "b.xlsx", [dict(JEUNES, impact=7)], BUDGET_B[:2], [])
    with pytest.raises(
        RessolError,
        match=r"ligne 2 \(« Jeunes »\), champ « Impact \(1-5\) » "
        ": la note 7",
    ):
        plan.build_plan(tmp_path, KEYS)


def test_xlsx_budget_line_for_an_unknown_action(tmp_path):
    write_xlsx(tmp_path / "b.xlsx", [JEUNES], BUDGET_B, [])
    with pytest.raises(
        RessolError,
        match=r"feuille « Lignes budgétaires », ligne 4, champ "
        r"« Titre de l'action » : « Sensibilisation des élus » ne correspond à "
        "aucune action",
    ):
        plan.build_plan(tmp_path, KEYS)


def test_xlsx_unknown_indicator(tmp_path):
    write_xlsx(tmp_path / "b.xlsx", [JEUNES], BUDGET_B[:2], [("Jeunes", "emploi_ess", None)])
    with pytest.raises(
        RessolError,
        match=r"feuille « Indicateurs », ligne 2, champ "
        r"« Indicateur \(clé du diagnostic\) » : l'indicateur « emploi_ess »",
    ):
        plan.build_plan(tmp_path, KEYS)


def test_xlsx_missing_title(tmp_path):
    write_xlsx(tmp_path / "b.xlsx", [dict(JEUNES, titre=None)], [], [])
    with pytest.raises(
        RessolError,
        match=r"feuille « Fiches actions », ligne 2, champ "
        r"« Titre de l'action » : ce champ est obligatoire",
    ):
        plan.build_plan(tmp_path, KEYS)


def test_xlsx_renamed_column(tmp_path):
    write_xlsx(tmp_path / "b.xlsx", [JEUNES], BUDGET_B[:2], [], drop_column="axe")
    with pytest.raises(
        RessolError,
        match=r"b\.xlsx, feuille « Fiches actions », colonne\(s\) "
        "absente\\(s\\) : Axe\\.",
    ):
        plan.build_plan(tmp_path, KEYS)


def test_folder_problems(tmp_path):
    with pytest.raises(RessolError, match="n'existe pas"):
        plan.build_plan(tmp_path / "absent", KEYS)
    (tmp_path / "fiche.xls").write_bytes(b"")
    with pytest.raises(RessolError, match=r"format non lu : fiche\.xls"):
        plan.build_plan(tmp_path, KEYS)
    (tmp_path / "fiche.xls").unlink()
    (tmp_path / "casse.xlsx").write_bytes(b"pas un classeur")
    with pytest.raises(RessolError, match=r"casse\.xlsx ne s'ouvre pas comme un classeur"):
        plan.build_plan(tmp_path, KEYS)


def test_lock_files_and_notes_are_skipped(folder):
    (folder / "~$contributeur_b.xlsx").write_bytes(b"verrou Excel")
    (folder / "LISEZMOI.md").write_text("notes", encoding="utf-8")
    with pytest.warns(plan_sheets.PlanWarning):
        assert len(plan.build_plan(folder, KEYS).actions) == 3


# --------------------------------------------------------------------------- advice that fits


def typed_yaml(tmp_path: Path, old: str, new: str) -> Path:
    """Contributor A's sheet with one line retyped by hand (YAML as a person writes it)."""
    text = (FIXTURES / "contributeur_a.yaml").read_text(encoding="utf-8")
    assert old in text
    folder = tmp_path / "fiches"
    folder.mkdir()
    (folder / "a.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "budget_total: 10000\n",
            "budget_total: .inf\n",
            r"champ « budget_total » : « \.inf » se lit comme l'infini.*Écrivez un montant",
        ),
        (
            "montant: 4000, financeur",
            "montant: .inf, financeur",
            r"lignes_budgetaires n° 1, champ « montant » : « \.inf » se lit comme l'infini",
        ),
        (
            "impact: 5\n",
            "impact: fort\n",
            r"champ « impact » : « fort » n'est pas un nombre\. Donnez une note entière de 1 "
            r"\(faible\) à 5 \(fort\)",
        ),
        (
            "impact: 5\n",
            "impact: .inf\n",
            r"champ « impact » : « \.inf » se lit comme l'infini.*Donnez une note entière",
        ),
        (
            "debut: 2026-01-01\n",
            "debut: 2026-13-01\n",
            r"champ « debut » : « 2026-13-01 » n'est pas une date",
        ),
        ("statut: Exemple\n", "statut: yes\n", r"champ « statut » : statut « yes » inconnu"),
        (
            "pilote: RESSOL\n",
            "pilote: 2026-09-01\n",
            r"champ « pilote » : un texte est attendu, le fichier donne une date \(01/09/2026\)"
            r".*entre guillemets",
        ),
        (
            'territoire: ["200066389"]\n',
            "territoire: [050502]\n",
            r"a\.yaml, ligne \d+, « fiches › 1 › territoire › 1 » : 050502 est un nombre écrit "
            r"avec un zéro en tête.*le nombre 20802 \(en octal\).*entre guillemets \(\"050502\"\)",
        ),
    ],
)
def test_advice_fits_the_field(tmp_path, old, new, message):
    with pytest.raises(RessolError, match=message):
        plan.build_plan(typed_yaml(tmp_path, old, new), KEYS)


def test_a_leading_zero_amount_is_refused_not_read_as_octal(tmp_path):
    # YAML 1.1 reads 04000 as octal 2048: the line would silently lose 1 952 €.
    folder = typed_yaml(tmp_path, "montant: 4000, financeur", "montant: 04000, financeur")
    line = 1 + (FIXTURES / "contributeur_a.yaml").read_text(encoding="utf-8").split(
        "montant: 4000, financeur"
    )[0].count("\n")
    with pytest.raises(
        inputs.AmbiguousNumberError,
        match=rf"a\.yaml, ligne {line}, « fiches › 1 › lignes_budgetaires › 1 › montant » : "
        r"04000 est un nombre écrit avec un zéro en tête, sans guillemets\. YAML le lit comme "
        r"le nombre 2048 \(en octal\), pas comme 04000\..*écrivez-le sans le zéro en tête \(4000\)",
    ):
        plan.build_plan(folder, KEYS)


def test_a_year_typed_into_a_date_cell_is_not_a_date_of_1905(tmp_path):
    # The template formats the cell as a date: 2026 typed alone becomes 18/07/1905.
    write_xlsx(tmp_path / "b.xlsx", [dict(JEUNES, debut=2026)], BUDGET_B[:2], [])
    with pytest.raises(
        RessolError,
        match=r"champ « Date de début » : la date lue est le 18/07/1905, hors des années "
        r"2000-2100\. Une année seule \(2026\)",
    ):
        plan.build_plan(tmp_path, KEYS)


def test_two_actions_with_one_title_in_one_workbook(tmp_path):
    write_xlsx(tmp_path / "b.xlsx", [JEUNES, dict(JEUNES, impact=2)], BUDGET_B[:2], [])
    with pytest.raises(
        RessolError,
        match=r"b\.xlsx, feuille « Fiches actions », lignes 2 et 3 : deux actions portent le "
        r"même titre « Jeunes ».*Renommez l'une des deux actions",
    ) as caught:
        plan.build_plan(tmp_path, KEYS)
    assert "budget total" not in str(caught.value)


# --------------------------------------------------------------------------- examples


def test_examples_build_with_the_diagnostic_keys():
    keys = {
        "population",
        "densite_hab_km2",
        "part_15_29_ans",
        "part_30_44_ans",
        "part_moins_15_ans",
    }
    with pytest.warns(plan_sheets.PlanWarning, match="Campagne de sensibilisation des élus"):
        examples = plan.build_plan(ROOT / "plan" / "exemples", keys)
    assert set(examples.actions["statut"]) == {"Exemple"}
    assert examples.actions["titre"].str.endswith("(exemple)").all()
    assert set(examples.actions["fichiers"].str.split(" ; ").explode()) == {
        "bureau_ressol.yaml",
        "groupe_jeunesse.xlsx",
    }
    balance = plan_text.budget_balance(examples)
    assert balance.iloc[-1]["Montant des dépenses"] == balance.iloc[-1]["Montant des ressources"]
    assert plan_text.source_line(examples).startswith("fiches actions RESSOL (exemples), 4 actions")


@pytest.mark.slow
def test_notebook_runs(built_project, tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "06_plan_actions.ipynb"
    # The example scenarios with a decision: the chapter links the plan to the retained one.
    scenarios = shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    (scenarios / "decision.yaml").write_text("scenario: pole\ndate: 2026-06-15\n", "utf-8")
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "06_plan_actions.ipynb"),
        str(out),
        parameters={
            "territoire": "centre-manche",
            "racine": str(built_project),
            "fiches": str(ROOT / "plan" / "exemples"),
            "dossier_scenarios": str(scenarios),
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(ROOT / "notebooks"),
    )
    text = out.read_text(encoding="utf-8")
    # The three figures (priority matrix, timeline, budget) are embedded PNGs, in that order.
    alts = [escape(a) for a in (plan_text.MATRIX_ALT, plan_text.TIMELINE_ALT, plan_text.BUDGET_ALT)]
    html = "".join(
        "".join(o.get("data", {}).get("text/html", ""))
        for c in json.loads(text)["cells"]
        for o in c.get("outputs", [])
    )
    assert re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', html) == alts
    assert "1. Accompagnement des porteurs de projets (exemple)" in text
    assert "Indicateurs de suivi : situation de départ" in text
    assert "## Le plan et le scénario retenu" in text
    assert "Les actions du plan et le scénario retenu" in text
    assert "Budget du plan et moyens du scénario retenu, par année" in text


def test_an_amount_written_twice_in_a_yaml_sheet_is_refused(tmp_path):
    # PyYAML alone would keep 900 and lose 1200 without a word.
    (tmp_path / "fiche.yaml").write_text(
        "fiches:\n"
        "  - titre: Guide de l'ESS\n"
        "    lignes_budgetaires:\n"
        "      - {annee: 2026, poste: Impression, montant: 1200, montant: 900}\n",
        encoding="utf-8",
    )
    pattern = (
        r"fiche\.yaml, ligne 4 : la clé « montant » est écrite deux fois "
        r"\(dans « fiches › 1 › lignes_budgetaires › 1 »\)"
    )
    with pytest.raises(inputs.DuplicateKeyError, match=pattern):
        plan_sheets.read_sheets(tmp_path)
