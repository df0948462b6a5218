"""French tables, findings and charts of the scenarios chapter, on the tiny fixture folder.

Fixture (tests/fixtures/scenarios, see test_scenarios_sheets.py): reseau scores 11/3 ≈ 3,67,
pole 4 (rank 1). Means: reseau pertinence 3 (4, 2), cost 5 (one note); pole pertinence 5
(5, 5), cost 2 (one note). PROMETHEE II: pole beats reseau on pertinence (weight 2/3),
reseau beats pole on cost (1/3): φ(pole) = 2/3 − 1/3 = 1/3, φ(reseau) = −1/3, same leader.
Swap: pertinence weight t: (3t + 5)/(t + 1) = (5t + 2)/(t + 1) ⇔ t = 1,5 (from 2, change −0,5);
cost weight t: (6 + 5t) = (10 + 2t) ⇔ t = 4/3 (from 1, change +1/3, the smallest).
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from support.facts import assert_states
from test_scenarios import AMBITIONS, indicators

from ressol_analysis import formatting
from ressol_analysis import scenarios as sc
from ressol_analysis import scenarios_ambition as sa
from ressol_analysis import scenarios_ambition_text as sat
from ressol_analysis import scenarios_charts as charts
from ressol_analysis import scenarios_sheets as ss
from ressol_analysis import scenarios_text as st
from ressol_analysis.labels import SYNTHETIC_MARK

FIXTURE = Path(__file__).parent / "fixtures" / "scenarios"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def folder() -> ss.ScenarioFolder:
    return ss.read_folder(FIXTURE)


def args(folder):
    return folder.notes, folder.criteres, folder.scenarios


def texts(fig) -> list[str]:
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    plt.close(fig)
    return found


def test_source_line_says_examples(folder):
    assert_states(
        st.source_line(folder),
        "2 membres de RESSOL",
        "(exemples)",
        "2 scénarios",
        "2 critères",
        "(dossier scenarios)",
    )


def test_scenarios_side_by_side(folder):
    table = st.scenarios_table(folder).set_index("Scénario")
    assert list(table.columns) == ["Réseau animé", "Pôle partagé"]
    assert table.loc["Budget annuel moyen", "Réseau animé"] == f"21{NBSP}000{NBSP}€"
    assert table.loc["Équipe (ETP, moyenne annuelle)", "Pôle partagé"] == "2,0"
    assert table.loc["Axes et orientations du plan mis en avant", "Réseau animé"] == (
        "1.1 — Pilotage et animation territoriale ; AXE 2 (tout l'axe) — Accompagner les "
        "initiatives économiques et solidaires"
    )
    assert table.loc["Part des emplois de l'ESS visée", "Réseau animé"] == f"13,0{NBSP}% en 2030"
    assert table.loc["Part des emplois de l'ESS visée", "Pôle partagé"] == "n.d."


def test_weights_table(folder):
    table = st.weights_table(folder.criteres)
    assert table["Part du poids"].tolist() == pytest.approx([200 / 3, 100 / 3])
    assert [st.weight(w) for w in (2.0, 0.5, 5 / 6, 10.0, 1200.0)] == [
        "2",
        "0,5",
        "0,83",
        "10",
        f"1{NBSP}200",
    ]


def test_swap_weights_on_the_fixture(folder):
    swaps = sc.swap_weights(*args(folder)).set_index("critere")
    assert swaps.loc["pertinence", "poids_de_bascule"] == pytest.approx(1.5)
    assert swaps.loc["cout", "poids_de_bascule"] == pytest.approx(4 / 3)
    assert swaps["plus_petite"].to_dict() == {"pertinence": False, "cout": True}


def test_ranking_findings(folder):
    table = sc.classement(*args(folder), draws=1000)
    swaps = sc.swap_weights(*args(folder))
    lines = st.ranking_findings(table, swaps, folder.criteres, draws=1000)
    # Scores 4 and 11/3 (module docstring): a lead of 1/3 point.
    assert_states(
        lines[0],
        "« Pôle partagé »",
        "en tête",
        "4,00 sur 5",
        "« Réseau animé » (3,67",
        "0,33 point",
    )
    assert_states(lines[1], "PROMETHEE II", "même scénario en tête")
    assert lines[2].startswith(
        f"En faisant varier chaque poids au hasard de ±50{NBSP}% (1{NBSP}000"
    )
    # The cost weight from 1 to 4/3 (module docstring), the smallest swap.
    assert_states(
        lines[3],
        "« Coût supportable » de 1 à 1,33",
        "« Réseau animé » passe devant « Pôle partagé »",
        "plus petit changement",
    )


def test_ranking_findings_name_the_retained_scenario_and_method_disagreement(folder):
    table = sc.classement(*args(folder), draws=100)
    table["rang_promethee"] = pd.array([2, 1], dtype="Int64")  # as if PROMETHEE disagreed
    decision = ss.Decision("reseau", pd.Timestamp("2026-03-12").date(), "bureau", "")
    lines = st.ranking_findings(table, sc.swap_weights(*args(folder)), folder.criteres, decision)
    assert_states(lines[0], "Scénario retenu", "bureau", "12/03/2026", "« Réseau animé »")
    assert "**le classement dépend de la méthode**" in lines[2]


def test_agreement_table_and_findings_never_name_members(folder):
    stats = sc.agreement(*args(folder))
    table = st.agreement_table(stats, folder.criteres, folder.scenarios)
    lines = st.agreement_findings(stats, folder.criteres, folder.scenarios)
    shown = table.to_string() + " ".join(lines)
    for member in folder.notes["membre"].unique():
        assert member not in shown
    assert table.columns.tolist() == [
        "Scénario",
        "Critère",
        "Notes",
        "Abstentions",
        "Moyenne",
        "Médiane",
        "Écart interquartile",
        "Part de 4 ou 5",
    ]
    assert table["Abstentions"].tolist() == [0, 1, 0, 1]
    # 2 members × 4 cases = 8, 2 abstentions; pole pertinence: both give 5.
    assert_states(
        lines[-1], "2 membres ont rendu une grille", "2 abstention(s) sur 8 cases", "(25 %)"
    )
    assert "« Pôle partagé » pour le critère « Pertinence pour le territoire »" in lines[0]
    # reseau pertinence: notes 2 and 4, IQR 1 → avis resserrés.
    assert lines[1].startswith("Les avis sont plutôt resserrés")


def test_ambition_text_states_every_assumption():
    scenarios = pd.DataFrame({"scenario": ["A", "B"], "titre": ["Alpha", "Bêta"]})
    table = sa.ambition(AMBITIONS, indicators(), "t", 2025)
    lines = sat.ambition_findings(table, scenarios)
    # 1 000 jobs growing 1 % a year: 1 000 × 1,01⁵ = 1 051 in 2030, 12 % of it = 126,1 ESS jobs
    # against 100: 26,1 more (≈ 30), 5,2 ≈ 5 a year; at 0 % a year 20 more (4 a year), at 2 %
    # 1 104 × 12 % = 132,5, 6,5 ≈ 6 a year; 126,1 / 100 = +26,1 %, 1,261^(1/5) − 1 = 4,8 % a year.
    assert len(lines) == 1
    assert_states(
        lines[0],
        "« Alpha » vise 12,0 % des emplois en 2030",
        "aujourd'hui 10,0 %",
        "environ 30 emplois de plus dans l'ESS",
        "5 par an",
        "de 4 à 6 selon la tendance de l'emploi total",
        "hausse de 26,1 % de l'emploi de l'ESS actuel",
        "100 emplois estimés",
        "4,8 % par an",
    )
    assumptions = sat.ambition_assumptions(table, sa.job_trends(indicators(), "t"))
    assert "synthétiques" not in " ".join(assumptions)  # said once, at the top of the chapter
    assert "rapportés à 2025" in assumptions[0]
    assert "fourchette 80 à 120" in assumptions[0]
    assert f"1,00{NBSP}% par an pour T" in assumptions[2]
    assert f"(0,00{NBSP}% par an, E1)" in assumptions[2]
    assert f"(2,00{NBSP}% par an, E2)" in assumptions[2]
    shown = sat.ambition_table(table, scenarios)
    assert shown["Tendance de l'emploi total"].tolist() == [
        f"basse (0,00{NBSP}% par an)",
        f"centrale (1,00{NBSP}% par an)",
        f"haute (2,00{NBSP}% par an)",
    ]


def test_heatmap_marks_unscored_pairs_and_carries_the_source(folder):
    notes = folder.notes.copy()
    notes.loc[(notes["scenario"] == "pole") & (notes["critere"] == "cout"), "note"] = float("nan")
    means = sc.mean_notes(notes, folder.criteres, folder.scenarios)
    found = texts(charts.mean_notes_heatmap(means, folder.criteres, folder.scenarios, "essai"))
    assert "non noté" in found
    assert "3,0\n(2 notes)" in found and "5,0\n(1 note)" in found
    assert "Pertinence pour\nle territoire\n(poids 2)" in found
    assert any(t.startswith("Source : essai — moyenne des notes données") for t in found)


def test_ranking_chart_shows_both_ranks_and_the_share_of_draws(folder):
    table = sc.classement(*args(folder), draws=200)
    found = texts(charts.ranking_chart(table, "essai"))
    assert "4,00   rang 1 (PROMETHEE II : 1)" in found
    assert "3,67   rang 2 (PROMETHEE II : 2)" in found
    shares = [formatting.percent(v, 0) for v in table["part_tirages_en_tete"]]
    assert all(s in found for s in shares)
    assert any("±50" in t and t.startswith("Source : essai") for t in found)


def test_heading_warns_before_any_finding(folder):
    text = st.heading(folder, "Centre Manche", synthetic=True)
    first, example, demo = text.split("\n\n")
    assert_states(first, "Territoire : Centre Manche", "2 scénarios", "2 membres", "2 critères")
    assert example.startswith("> **Attention : ces scénarios et ces grilles sont des exemples**")
    assert demo.startswith("> **Données synthétiques de démonstration.**")
    assert "L'ambition des scénarios face au diagnostic" in demo
    assert st.heading(folder, "Centre Manche", synthetic=False).count("\n\n") == 1
    none = st.heading(None, "Saint-Lô Agglo", synthetic=True)
    assert none.startswith("**Territoire : Saint-Lô Agglo** — aucun scénario n'a été soumis")
    assert "exemple" not in none and "synthétiques" not in none


def test_chapter_tables_carry_titles_sources_and_no_member(folder):
    table = sc.classement(*args(folder), draws=100)
    html = st.ranking_html(table, folder) + st.agreement_html(sc.agreement(*args(folder)), folder)
    assert "<figcaption>Classement des scénarios</figcaption>" in html
    assert html.count("Source : grilles d&#x27;évaluation de 2 membres de RESSOL (exemples)") == 2
    for member in folder.notes["membre"].unique():
        assert member not in html
    assert st.swap_html(sc.swap_weights(*args(folder)).iloc[0:0], folder) == ""
    empty = sa.ambition(AMBITIONS.iloc[0:0], indicators(), "t", 2025)
    assert sat.ambition_html(empty, folder, sa.job_trends(indicators(), "t"), "Sirene") == ""
    assert sat.ambition_assumptions(empty, sa.job_trends(indicators(), "t")) == []
    assert sat.ambition_findings(empty, folder.scenarios) == [
        "Aucun scénario ne chiffre de part des emplois de l'ESS à atteindre."
    ]


def test_synthesis_names_the_leading_scenario_and_how_robust_its_lead_is(folder):
    table = sc.classement(*args(folder), draws=4000)
    # Weights u·2 and v·1, u, v ~ U(0.5, 1.5): pole leads iff 5a + 2b > 3a + 5b ⇔ a > 1.5 b with
    # a = 2u ~ U(1, 3), b = v ~ U(0.5, 1.5): P = 1/6 + ∫_{2/3}^{1.5} (3 − 1.5 b)/2 db ≈ 73,96 %.
    assert table.loc[0, "part_tirages_en_tete"] == pytest.approx(73.96, abs=2)
    table.loc[0, "part_tirages_en_tete"] = 74.0  # the sentence is checked on a fixed share
    lines = st.synthesis_lines(folder, table, sc.swap_weights(*args(folder)), draws=4000)
    assert len(lines) == 4
    assert_states(
        lines[0],
        "Aucun scénario",
        "retenu",
        "2 membres",
        "« Pôle partagé »",
        "4,00 sur 5",
        "« Réseau animé » (3,67)",
    )
    assert_states(lines[1], "en tête dans 74 % de 4 000 tirages", "±50 %")
    assert_states(lines[2], "« Coût supportable » de 1 à 1,33", "« Réseau animé » passe devant")
    assert_states(lines[3], "PROMETHEE II", "même en tête")
    assert_states(
        st.example_warning(folder), "des exemples", "ni des propositions de RESSOL", "ni des avis"
    )
    table["rang_promethee"] = pd.array([2, 1], dtype="Int64")  # as if PROMETHEE disagreed
    other = st.synthesis_lines(folder, table, sc.swap_weights(*args(folder)))
    assert_states(other[-1], "PROMETHEE II", "« Réseau animé »", "dépend de la méthode")


def test_synthesis_names_the_retained_scenario_with_its_place_among_the_notes(folder):
    decision = ss.Decision(
        "reseau", pd.Timestamp("2026-03-12").date(), "conseil d'administration", ""
    )
    retained = ss.ScenarioFolder(folder.folder, folder.definition, folder.notes, decision)
    table = sc.classement(*args(folder), draws=100)
    lines = st.synthesis_lines(retained, table, sc.swap_weights(*args(folder)))
    assert len(lines) == 1
    assert_states(
        lines[0],
        "conseil d'administration a retenu",
        "« Réseau animé »",
        "12/03/2026",
        "2 membres",
        "2e sur 2",
        "3,67 sur 5",
    )


def test_synthesis_page_shows_the_scenarios_and_links_their_chapter():
    from test_synthesis import tidy_fixture

    from ressol_analysis.synthesis_page import synthesis_page

    def render(*scenarios) -> str:
        return synthesis_page(
            tidy_fixture(),
            "tc",
            "Terre du Centre",
            [("Scénarios", "05_scenarios.html")],
            False,
            {"donnees": {}},
            *scenarios,
        )

    html = render(["« A & B » arrive en tête.", "Solide."], "05_scenarios.html", "Exemples.")
    section = html[html.index('<section id="scenarios">') :]
    section = section[: section.index("</section>")]
    assert section.startswith(
        '<section id="scenarios"><h2>Les scénarios stratégiques</h2><p class="alerte">Exemples.'
        '</p><ul class="constats"><li>« A &amp; B » arrive en tête.</li><li>Solide.</li></ul>'
    )
    assert '<a href="05_scenarios.html">Le chapitre « Scénarios »' in section
    assert html.index("en-bref") < html.index('id="scenarios"') < html.index("chiffres-cles")
    assert 'id="scenarios"' not in render()
    assert 'class="alerte"' not in render(["Réel."], "05_scenarios.html")


def test_tables_group_rows_by_scenario_and_headers_sit_over_their_column(folder):
    table = pd.DataFrame({"Scénario": ["A", "A", "B", "A"], "Notes": [1, 2, 3, 4]})
    assert st.grouped(table)["Scénario"].tolist() == ["A", "", "B", "A"]
    assert table["Scénario"].tolist() == ["A", "A", "B", "A"]  # the input is left as it was
    html = st.agreement_html(sc.agreement(*args(folder)), folder)
    # Text column headers left, number column headers right, whatever the page's CSS says.
    assert re.search(r"th\.col_heading\.col0 \{\s*text-align: left;", html)
    assert re.search(r"th\.col_heading\.col2 \{\s*text-align: right;", html)
    swaps = st.swap_html(sc.swap_weights(*args(folder)), folder)
    assert ">+0,33</td>" in swaps and ">−0,50</td>" in swaps  # signed variations


def test_ess_dynamics_are_cited_beside_the_ambition_when_the_diagnostic_has_them():
    def row(key, value, synthetic="non"):
        return {"territoire_code": "t", "territoire": "T", "indicateur": key, "valeur": value,
                "unite": "établissements", "source": "Sirene", "millesime": "2026",
                "synthetique": synthetic}  # fmt: skip

    table = pd.DataFrame(
        [
            row("ess_etablissements_actifs_01_01_2013", 476.0),
            row("ess_etablissements_actifs_01_01_2020", 470.0),
            row("ess_etablissements_actifs_01_01_2026", 502.0),
            row("etablissements_actifs_01_01_2013", 9000.0),
        ]
    )
    (line,) = sat.ess_dynamics_comparison(table, "t")
    # (502 − 476) / 13 years = 2.0 a year.
    assert_states(
        line, "476", "1er janvier 2013", "502", "1er janvier 2026", "+2,0 par an",
        "employeurs ou non", "pas des emplois",
    )  # fmt: skip
    assert not line.startswith(SYNTHETIC_MARK)
    table["synthetique"] = "oui"
    (demo,) = sat.ess_dynamics_comparison(table, "t")
    assert demo.startswith(SYNTHETIC_MARK)
    falling = table.assign(valeur=[476.0, 470.0, 450.0, 9000.0])
    assert "−2,0 par an" in sat.ess_dynamics_comparison(falling, "t")[0]
    # Without the dynamics (an older table), nothing is said.
    assert sat.ess_dynamics_comparison(table.iloc[3:], "t") == []
