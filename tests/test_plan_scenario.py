"""The action plan set against the retained scenario, on hand-built fiches and the tiny folder.

Fiches (written below): A « Animation » (AXE 1, orientation 1.1; 3 000 € in 2026, 4 000 € in
2027), B « Guide » (AXE 1, 1.2; 1 000 € in 2026), C « Accueil » (AXE 2, 2.1; 5 000 € in 2027,
2 000 € in 2028). Scenario « reseau » of tests/fixtures/scenarios emphasises orientation 1.1 and
the whole AXE 2; its means: 2026 20 000 € and 0,5 FTE, 2027 22 000 € and 0,5 FTE.
Worked out on paper: A serves it (orientation 1.1), C serves it (whole AXE 2), B does not.
Per year, plan / actions serving / scenario / gap: 2026 4 000 / 3 000 / 20 000 / −17 000;
2027 9 000 / 9 000 / 22 000 / −13 000; 2028 2 000 / 2 000 / n.d. / n.d.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from support.facts import assert_states

from ressol_analysis import formatting, plan_scenario, plan_scenario_text
from ressol_analysis import scenarios_sheets as ss
from ressol_analysis.errors import RessolError
from ressol_analysis.plan import build_plan

FIXTURE = Path(__file__).parent / "fixtures" / "scenarios"
NBSP = "\u00a0"
FICHES = """
fiches:
  - titre: Animation
    axe: AXE 1
    orientation: "1.1"
    objectif: Animer le réseau.
    pilote: RESSOL
    debut: 2026-01-01
    fin: 2027-12-31
    impact: 5
    faisabilite: 4
    statut: Exemple
    lignes_budgetaires:
      - {annee: 2026, poste: Animation, montant: 3000}
      - {annee: 2027, poste: Animation, montant: 4000}
  - titre: Guide
    axe: AXE 1
    orientation: "1.2"
    objectif: Faire connaître l'ESS.
    pilote: RESSOL
    debut: 2026-01-01
    fin: 2026-12-31
    impact: 3
    faisabilite: 3
    statut: Exemple
    lignes_budgetaires:
      - {annee: 2026, poste: Impression, montant: 1000}
  - titre: Accueil
    axe: AXE 2
    orientation: "2.1"
    objectif: Accueillir les porteurs de projets.
    pilote: RESSOL
    debut: 2027-01-01
    fin: 2028-12-31
    impact: 4
    faisabilite: 2
    statut: Exemple
    lignes_budgetaires:
      - {annee: 2027, poste: Permanences, montant: 5000}
      - {annee: 2028, poste: Ateliers, montant: 2000}
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fiches")
    (folder / "fiches.yaml").write_text(FICHES, encoding="utf-8")
    return build_plan(folder, set(), warn=False)


@pytest.fixture(scope="module")
def retained() -> ss.ScenarioFolder:
    folder = ss.read_folder(FIXTURE)
    decision = ss.Decision("reseau", date(2026, 6, 15), "conseil d'administration", "")
    return ss.ScenarioFolder(folder.folder, folder.definition, folder.notes, decision)


def test_actions_serve_the_scenario_by_orientation_or_whole_axis(plan, retained):
    serving = plan_scenario.serving_actions(plan.actions, retained.definition.cadre, "reseau")
    by_title = serving.set_index("titre")
    assert by_title["sert"].to_dict() == {"Animation": True, "Accueil": True, "Guide": False}
    assert by_title["par"].to_dict() == {"Animation": "1.1", "Accueil": "AXE 2", "Guide": ""}
    assert list(serving["numero"]) == list(plan.actions["numero"])  # the plan's order is kept


def test_budget_per_year_against_the_scenario_means(plan, retained):
    definition = retained.definition
    serving = plan_scenario.serving_actions(plan.actions, definition.cadre, "reseau")
    table = plan_scenario.means_by_year(plan.budget, serving, definition.moyens, "reseau")
    expected = pd.DataFrame(
        {
            "annee": [2026, 2027, 2028],
            "budget_scenario": [20000.0, 22000.0, math.nan],
            "etp_scenario": [0.5, 0.5, math.nan],
            "budget_plan": [4000.0, 9000.0, 2000.0],
            "budget_plan_scenario": [3000.0, 9000.0, 2000.0],
            "ecart": [-17000.0, -13000.0, math.nan],
        }
    )
    assert_frame_equal(table, expected)


def test_the_plan_chapter_shows_the_link_in_french_tables(plan, retained):
    text, tables = plan_scenario_text.chapter_part(plan, retained)
    warning, text = text.split("\n\n", 2)[1:]
    assert warning.startswith("> **Attention : ce scénario est un exemple**")
    # A (7 000 €) and C (7 000 €) serve it: 14 000 of the plan's 7 000 + 1 000 + 7 000 = 15 000 €.
    # Years the scenario quantifies, 2026-2027: 3 000 + 9 000 = 12 000 € planned, 20 000 + 22 000
    # = 42 000 € needed: 12 000 / 42 000 = 28,6 ≈ 29 %.
    assert text.startswith("Le conseil d'administration a retenu")
    assert_states(
        text,
        "conseil d'administration a retenu le 15/06/2026",
        "scénario « Réseau animé »",
        "met en avant",
        "1.1 — Pilotage et animation territoriale",
        "tout l'axe 2 — Accompagner les initiatives économiques et solidaires",
        "**2 des 3 actions** du plan le servent",
        "14 000 € des 15 000 € du plan",
        "de 2026 à 2027",
        "prévoient 12 000 €",
        "42 000 € de moyens demandés par le scénario",
        "29 % de ces moyens",
    )
    actions, means = tables
    shown = plan_scenario_text.actions_table(
        plan_scenario.serving_actions(plan.actions, retained.definition.cadre, "reseau")
    ).set_index("Action")["Sert le scénario"]
    assert shown.to_dict() == {
        "Animation": "Oui, par l'orientation 1.1",
        "Accueil": "Oui, par tout l'axe 2",
        "Guide": "Non",
    }
    assert "<figcaption>Les actions du plan et le scénario retenu</figcaption>" in actions
    assert "Source : fiches actions RESSOL (exemples)" in actions
    assert "scénarios (exemples) : scenarios.yaml du dossier scenarios ; décision du " in actions
    for cell in (f"−17{NBSP}000{NBSP}€", f"22{NBSP}000{NBSP}€", "0,5", formatting.MISSING):
        assert f">{cell}</td>" in means, cell
    assert "les ETP sont ceux du scénario" in means


def test_without_a_decision_or_without_scenarios(plan, retained):
    undecided = ss.ScenarioFolder(retained.folder, retained.definition, retained.notes, None)
    text, tables = plan_scenario_text.chapter_part(plan, undecided)
    assert text.startswith("## Le plan et les scénarios\n\nLe conseil d'administration n'a pas")
    assert tables == []
    assert plan_scenario_text.chapter_part(plan, None) == ("", [])


def test_a_scenario_that_emphasises_nothing_is_refused(plan, retained):
    with pytest.raises(RessolError, match=r"« inconnu » ne met en avant aucun axe"):
        plan_scenario.serving_actions(plan.actions, retained.definition.cadre, "inconnu")
    with pytest.raises(RessolError, match=r"« budget » n'a pas la ou les colonnes"):
        plan_scenario.means_by_year(
            plan.budget.drop(columns="montant"), plan.actions, pd.DataFrame(), "x"
        )
