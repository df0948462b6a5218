"""Scenario scores, ranks, agreement, robustness and ambition, against hand computations.

Fixture NOTES (three members m1-m3, criteria c1 weight 2, c2 and c3 weight 1):

- A: c1 = 5, 3, 4 (mean 4); c2 = 2, —, 4 (mean 3, one abstention); c3 nobody (left out).
  score A = (2×4 + 1×3) / (2 + 1) = 11/3.
- B: c1 = 4, 4, 4 (4); c2 = 3, 3, 3 (3); c3 = 1, 2, 3 (2). score B = (8 + 3 + 2) / 4 = 13/4.
- C: c1 = 3, 4, 5 (4); c2 = 3, —, — (3); c3 = 3, 4, 4 (11/3).
  score C = (8 + 3 + 11/3) / 4 = 11/3: tied with A.
Ranks: A 1, C 1 (ties share the best rank), B 3.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from ressol_analysis import scenarios as sc
from ressol_analysis import scenarios_ambition as sa
from ressol_analysis.errors import RessolError

NAN = math.nan


def build(table: dict[str, dict[str, list[float]]], weights: dict[str, float]):
    """Notes, criteria and scenarios tables from {scenario: {criterion: [note per member]}}."""
    rows = []
    for scenario, by_criterion in table.items():
        for criterion, notes in by_criterion.items():
            for i, note in enumerate(notes, start=1):
                rows.append((f"m{i}", scenario, criterion, note))
    notes = pd.DataFrame(rows, columns=["membre", "scenario", "critere", "note"])
    criteres = pd.DataFrame(
        {
            "critere": list(weights),
            "libelle": [f"Critère {c}" for c in weights],
            "poids": list(weights.values()),
        }
    )
    scenarios = pd.DataFrame({"scenario": list(table), "titre": [f"Scénario {s}" for s in table]})
    return notes, criteres, scenarios


NOTES = build(
    {
        "A": {"c1": [5, 3, 4], "c2": [2, NAN, 4], "c3": [NAN, NAN, NAN]},
        "B": {"c1": [4, 4, 4], "c2": [3, 3, 3], "c3": [1, 2, 3]},
        "C": {"c1": [3, 4, 5], "c2": [3, NAN, NAN], "c3": [3, 4, 4]},
    },
    {"c1": 2.0, "c2": 1.0, "c3": 1.0},
)


def test_mean_notes_are_over_the_members_who_scored():
    means = sc.mean_notes(*NOTES)
    expected = pd.DataFrame(
        {
            "scenario": ["A"] * 3 + ["B"] * 3 + ["C"] * 3,
            "critere": ["c1", "c2", "c3"] * 3,
            "moyenne": [4.0, 3.0, NAN, 4.0, 3.0, 2.0, 4.0, 3.0, 11 / 3],
            "nombre_notes": [3, 2, 0, 3, 3, 3, 3, 1, 3],
        }
    )
    assert_frame_equal(means, expected)


def test_scores_leave_unscored_criteria_out_and_ties_share_the_best_rank():
    table = sc.ranking(*NOTES)
    assert list(table["scenario"]) == ["A", "B", "C"]
    assert table["score"].tolist() == pytest.approx([11 / 3, 13 / 4, 11 / 3])
    assert table["rang"].tolist() == [1, 3, 1]
    assert table["criteres_non_notes"].tolist() == ["c3", "", ""]


def test_classement_rounds_the_score_and_sorts_by_rank():
    table = sc.classement(*NOTES, draws=200)
    assert list(table.columns) == [
        "scenario",
        "titre",
        "score",
        "rang",
        "flux_net_promethee",
        "rang_promethee",
        "part_tirages_en_tete",
        "criteres_non_notes",
    ]
    assert list(table["scenario"]) == ["A", "C", "B"]
    assert table["score"].tolist() == [3.6667, 3.6667, 3.25]
    assert table["rang"].tolist() == [1, 1, 3]


def test_a_scenario_nobody_scored_on_its_weighted_criteria_has_no_score_nor_rank():
    notes, criteres, scenarios = build(
        {"A": {"c1": [4], "c2": [NAN]}, "B": {"c1": [NAN], "c2": [5]}},
        {"c1": 1.0, "c2": 0.0},
    )
    table = sc.ranking(notes, criteres, scenarios)
    assert table["score"].iloc[0] == 4.0
    assert math.isnan(table["score"].iloc[1])
    assert table["rang"].iloc[0] == 1 and pd.isna(table["rang"].iloc[1])


def test_promethee_net_flows_computed_by_hand():
    # One member; means A (4, 5, 3), B (5, 2, 3), C (3, 3, 3); weights 2, 1, 1 → 0.5, 0.25, 0.25.
    # π(A,B) = 0.25 (c2), π(B,A) = 0.5 (c1); π(A,C) = 0.75, π(C,A) = 0;
    # π(B,C) = 0.5, π(C,B) = 0.25. φ(A) = (0.25 + 0.75)/2 − (0.5 + 0)/2 = 0.25,
    # φ(B) = (0.5 + 0.5)/2 − (0.25 + 0.25)/2 = 0.25, φ(C) = (0 + 0.25)/2 − (0.75 + 0.5)/2 = −0.5.
    notes, criteres, scenarios = build(
        {
            "A": {"c1": [4], "c2": [5], "c3": [3]},
            "B": {"c1": [5], "c2": [2], "c3": [3]},
            "C": {"c1": [3], "c2": [3], "c3": [3]},
        },
        {"c1": 2.0, "c2": 1.0, "c3": 1.0},
    )
    table = sc.promethee(notes, criteres, scenarios)
    assert table["flux_net"].tolist() == pytest.approx([0.25, 0.25, -0.5])
    assert table["rang"].tolist() == [1, 1, 3]
    assert table["criteres_retenus"].iloc[0] == "c1 ; c2 ; c3"


def test_promethee_leaves_out_criteria_some_scenario_was_not_scored_on():
    table = sc.promethee(*NOTES)
    # c3 is unscored for A: only c1 (all means 4) and c2 (all means 3) remain, all equal.
    assert table["criteres_retenus"].iloc[0] == "c1 ; c2"
    assert table["flux_net"].tolist() == [0.0, 0.0, 0.0]
    assert table["rang"].tolist() == [1, 1, 1]


def test_agreement_statistics_by_hand():
    stats = sc.agreement(*NOTES).set_index(["scenario", "critere"])
    a1 = stats.loc[("A", "c1")]  # 3, 4, 5: median 4, Q1 3.5, Q3 4.5, two of three ≥ 4
    assert (a1["nombre_notes"], a1["abstentions"], a1["membres"]) == (3, 0, 3)
    assert (a1["mediane"], a1["ecart_interquartile"]) == (4.0, 1.0)
    assert a1["part_favorables"] == pytest.approx(200 / 3)
    a2 = stats.loc[("A", "c2")]  # 2, 4: median 3, Q1 2.5, Q3 3.5, one of two ≥ 4
    assert (a2["nombre_notes"], a2["abstentions"]) == (2, 1)
    assert (a2["mediane"], a2["ecart_interquartile"], a2["part_favorables"]) == (3.0, 1.0, 50.0)
    a3 = stats.loc[("A", "c3")]
    assert (a3["nombre_notes"], a3["abstentions"]) == (0, 3)
    assert math.isnan(a3["mediane"]) and math.isnan(a3["part_favorables"])
    b3 = stats.loc[("B", "c3")]  # 1, 2, 3: IQR 2.5 − 1.5 = 1, none ≥ 4
    assert (b3["mediane"], b3["ecart_interquartile"], b3["part_favorables"]) == (2.0, 1.0, 0.0)


def test_robustness_share_matches_the_probability_worked_out_on_paper():
    # Weights 2 and 1, A (5, 1) and B (1, 5): A leads iff 2·u1 > u2 with u1, u2 ~ U(0.5, 1.5).
    # P = P(u1 ≥ 0.75) + ∫_{0.5}^{0.75} (2u − 0.5) du = 0.75 + 0.1875 = 93.75 %.
    notes, criteres, scenarios = build(
        {"A": {"c1": [5], "c2": [1]}, "B": {"c1": [1], "c2": [5]}}, {"c1": 2.0, "c2": 1.0}
    )
    table = sc.robustness(notes, criteres, scenarios, draws=20_000, seed=7)
    assert table["part_tirages_en_tete"].iloc[0] == pytest.approx(93.75, abs=0.6)
    assert table["part_tirages_en_tete"].sum() == pytest.approx(100.0)


def test_robustness_is_seeded_and_a_dominant_scenario_always_leads():
    first = sc.robustness(*NOTES, draws=500, seed=3)
    assert_frame_equal(first, sc.robustness(*NOTES, draws=500, seed=3))
    notes, criteres, scenarios = build(
        {"A": {"c1": [5], "c2": [4]}, "B": {"c1": [2], "c2": [3]}}, {"c1": 1.0, "c2": 1.0}
    )
    table = sc.robustness(notes, criteres, scenarios, draws=300)
    assert table["part_tirages_en_tete"].tolist() == [100.0, 0.0]


def test_robustness_counts_every_tied_leader_first():
    # A and C have the same means, so they tie under every weighting; B never leads.
    notes, criteres, scenarios = build(
        {"A": {"c1": [4], "c2": [3]}, "B": {"c1": [2], "c2": [2]}, "C": {"c1": [4], "c2": [3]}},
        {"c1": 2.0, "c2": 1.0},
    )
    table = sc.robustness(notes, criteres, scenarios, draws=100)
    assert table.set_index("scenario")["part_tirages_en_tete"].to_dict() == {
        "A": 100.0,
        "B": 0.0,
        "C": 100.0,
    }


def test_swap_weight_linear_case_by_hand():
    # Weights 1, 1. A (5, 1) → 3, B (2, 3) → 2.5.
    # c1 = t: (5t + 1) = (2t + 3) → t = 2/3 (change −1/3); c2 = t: 5 + t = 2 + 3t → t = 1.5.
    notes, criteres, scenarios = build(
        {"A": {"c1": [5], "c2": [1]}, "B": {"c1": [2], "c2": [3]}}, {"c1": 1.0, "c2": 1.0}
    )
    table = sc.swap_weights(notes, criteres, scenarios)
    assert table["poids_de_bascule"].tolist() == pytest.approx([2 / 3, 1.5])
    assert table["variation"].tolist() == pytest.approx([-1 / 3, 0.5])
    assert table["plus_petite"].tolist() == [True, False]
    assert set(table["premier"]) == {"A"} and set(table["second"]) == {"B"}


def test_swap_weight_quadratic_touch_and_unscored_cases_by_hand():
    # Weights 1, 1, 1. A (5, 5, 1) → 11/3; B (4, —, 3) → 7/2.
    # c3 = t: (10 + t)/(2 + t) = (4 + 3t)/(1 + t) ⇔ 2t² − t − 2 = 0 ⇔ t = (1 + √17)/4.
    # c1 = t: (5t + 6)/(t + 2) = (4t + 3)/(t + 1) ⇔ t² = 0: the scores touch at t = 0, no swap.
    # c2 = t (B has no c2 note, it stays 7/2): (6 + 5t)/(2 + t) = 7/2 ⇔ t = 2/3.
    notes, criteres, scenarios = build(
        {"A": {"c1": [5], "c2": [5], "c3": [1]}, "B": {"c1": [4], "c2": [NAN], "c3": [3]}},
        {"c1": 1.0, "c2": 1.0, "c3": 1.0},
    )
    table = sc.swap_weights(notes, criteres, scenarios).set_index("critere")
    assert math.isnan(table.loc["c1", "poids_de_bascule"])
    assert table.loc["c2", "poids_de_bascule"] == pytest.approx(2 / 3)
    assert table.loc["c3", "poids_de_bascule"] == pytest.approx((1 + math.sqrt(17)) / 4)
    assert table["plus_petite"].to_dict() == {"c1": False, "c2": False, "c3": True}
    # Check the swap really happens beyond the tie weight, and not before.
    for weight, leader in ((1.25, "A"), (1.32, "B")):
        moved = criteres.assign(poids=[1.0, 1.0, weight])
        ranked = sc.ranking(notes, moved, scenarios)
        assert ranked.loc[ranked["rang"] == 1, "scenario"].tolist() == [leader]


def test_swap_weights_is_empty_when_the_leaders_are_tied():
    assert sc.swap_weights(*NOTES).empty


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([2.0, -1.0, 1.0], "positifs ou nuls"),
        ([0.0, 0.0, 0.0], "strictement positif"),
    ],
)
def test_bad_weights_are_refused(weights, message):
    notes, criteres, scenarios = NOTES
    with pytest.raises(RessolError, match=message):
        sc.ranking(notes, criteres.assign(poids=weights), scenarios)


def test_a_note_outside_the_scale_is_refused():
    notes, criteres, scenarios = NOTES
    bad = notes.copy()
    bad.loc[0, "note"] = 6
    with pytest.raises(RessolError, match="entiers de 1 à 5"):
        sc.ranking(bad, criteres, scenarios)


# --------------------------------------------------------------------------- ambition


def indicators() -> pd.DataFrame:
    """Tidy indicators of territory « t » and two EPCIs, with round trends (0, 1, 2 % a year)."""
    source = "Source de test"
    rows = [
        ("t", "T", "ess_effectif_salarie_estime", 100.0),
        ("t", "T", "ess_effectif_salarie_estime_bas", 80.0),
        ("t", "T", "ess_effectif_salarie_estime_haut", 120.0),
        ("t", "T", "effectif_salarie_estime", 1000.0),
        ("t", "T", "part_ess_effectif_salarie_estime", 10.0),
        ("t", "T", "ess_etablissements_employeurs", 50.0),
        ("t", "T", "evolution_emplois_2016_2022", 100 * (1.01**6 - 1)),
        ("epci-1", "E1", "evolution_emplois_2016_2022", 0.0),
        ("epci-2", "E2", "evolution_emplois_2016_2022", 100 * (1.02**6 - 1)),
    ]
    table = pd.DataFrame(rows, columns=["territoire_code", "territoire", "indicateur", "valeur"])
    return table.assign(unite="u", source=source, millesime="2022")


AMBITIONS = pd.DataFrame(
    {
        "scenario": ["A", "B"],
        "horizon": pd.array([2030, pd.NA], dtype="Int64"),
        "part_emplois_ess": [12.0, NAN],
        "projets_par_an": [3.0, NAN],
        "structures_membres": [10.0, 40.0],
    }
)


def test_job_trends_are_annual_rates_of_the_census_change():
    trends = sa.job_trends(indicators(), "t")
    assert trends["hypothese"].tolist() == ["basse", "centrale", "haute"]
    assert trends["taux_annuel"].tolist() == pytest.approx([0.0, 1.0, 2.0])
    assert trends["territoire_code"].tolist() == ["epci-1", "t", "epci-2"]
    assert set(trends["periode"]) == {"2016-2022"}


def test_ambition_arithmetic_by_hand():
    # 2025 → 2030, 5 years, target 12 %. Total 1 000 jobs; ESS 100.
    # low (0 %/yr): total 1 000, ESS needed 120, net 20, 4 a year, +20 %;
    # central (1 %/yr): total 1 000 × 1.01^5 = 1 051.0100501, needed 126.12120601, net 26.121…;
    # high (2 %/yr): total 1 104.0808032, needed 132.48969638, net 32.48969638.
    table = sa.ambition(AMBITIONS, indicators(), "t", 2025).set_index("hypothese")
    assert list(table.index) == ["basse", "centrale", "haute"]
    assert set(table["scenario"]) == {"A"}  # B has no target share
    assert table["annees"].tolist() == [5, 5, 5]
    assert table["emplois_total_horizon"].tolist() == pytest.approx(
        [1000.0, 1051.0100501, 1104.0808032]
    )
    assert table["emplois_ess_cibles"].tolist() == pytest.approx(
        [120.0, 126.12120601, 132.48969638]
    )
    assert table["solde_emplois_ess"].tolist() == pytest.approx([20.0, 26.12120601, 32.48969638])
    assert table["solde_par_an"].tolist() == pytest.approx([4.0, 5.224241202, 6.497939276])
    assert table["croissance_ess"].tolist() == pytest.approx([20.0, 26.12120601, 32.48969638])
    assert table.loc["basse", "taux_annuel_ess"] == pytest.approx(100 * (1.2 ** (1 / 5) - 1))
    assert table.loc["centrale", "part_actuelle"] == 10.0
    assert table.loc["centrale", "emplois_ess_actuels_bas"] == 80.0


def test_other_targets_by_hand():
    table = sa.other_targets(AMBITIONS, indicators(), "t", 2025).set_index("scenario")
    assert table.loc["A", "projets_cumules"] == 15.0  # 3 a year × 5 years
    assert table.loc["A", "part_membres"] == 20.0  # 10 members / 50 ESS employers
    assert table.loc["B", "part_membres"] == 80.0
    assert math.isnan(table.loc["B", "projets_cumules"])


def test_ambition_errors_name_what_is_missing():
    with pytest.raises(RessolError, match="postérieur"):
        sa.ambition(AMBITIONS, indicators(), "t", 2030)
    missing = indicators().query("indicateur != 'effectif_salarie_estime'")
    with pytest.raises(RessolError, match="« effectif_salarie_estime »"):
        sa.ambition(AMBITIONS, missing, "t", 2025)
    no_trend = indicators().query("~indicateur.str.startswith('evolution')")
    with pytest.raises(RessolError, match="evolution_emplois_AAAA_AAAA"):
        sa.ambition(AMBITIONS, no_trend, "t", 2025)


def test_ambition_without_any_target_is_empty():
    table = sa.ambition(AMBITIONS.assign(part_emplois_ess=np.nan), indicators(), "t", 2025)
    assert table.empty and "solde_par_an" in table.columns
