import math

import pandas as pd
import pytest

from ressol_analysis import demography
from ressol_analysis.areas import aggregate_counts
from ressol_analysis.errors import RessolError


def membership(areas):
    rows = [
        (code, name, level, order, commune)
        for order, (code, name, level, communes) in enumerate(areas)
        for commune in communes
    ]
    return pd.DataFrame(
        rows, columns=["territoire_code", "territoire", "niveau", "ordre", "CODGEO"]
    ).astype({"territoire_code": "string", "CODGEO": "string"})


COMMUNES = pd.DataFrame(
    {
        "CODGEO": pd.array(["A", "B", "C", "D"], dtype="string"),
        "DEP": pd.array(["50", "50", "14", "14"], dtype="string"),
        "POP": [1000.0, 3000.0, 500.0, 1500.0],
        "POP_2016": [900.0, 2800.0, 500.0, float("nan")],
        "POP_2011": [800.0, float("nan"), 400.0, 1400.0],
        "POP_2011_INCLUS_DANS": pd.array([None, "A", None, None], dtype="string"),
        "SUPERF": [10.0, 20.0, 5.0, 15.0],
        "POP0014": [150.0, 600.0, 50.0, 300.0],
        "POP1529": [150.0, 450.0, 50.0, 200.0],
        "POP3044": [150.0, 450.0, 100.0, 200.0],
        "POP4559": [150.0, 450.0, 100.0, 300.0],
        "POP6074": [200.0, 600.0, 100.0, 300.0],
        "POP7589": [150.0, 400.0, 80.0, 180.0],
        "POP90P": [50.0, 50.0, 20.0, 20.0],
    }
)
AREAS = membership(
    [
        ("terr", "Territoire", "territoire", ["A", "B"]),
        ("seul-b", "B seule", "comparaison", ["B"]),
        ("tout", "Tout", "comparaison", ["A", "B", "C", "D"]),
    ]
)


def test_aggregate_counts_adds_up_and_never_counts_missing_as_zero():
    totals = aggregate_counts(COMMUNES, AREAS, ["POP", "POP_2016", "POP_2011"])
    assert totals["territoire_code"].tolist() == ["terr", "seul-b", "tout"]
    assert totals["POP"].tolist() == [4000.0, 3000.0, 6000.0]
    # D has no 2016 value: "tout" is missing, not 4200.
    assert totals["POP_2016"].iloc[0] == 3700.0
    assert math.isnan(totals["POP_2016"].iloc[2])
    assert totals["manquants_POP_2016"].tolist() == [0, 0, 1]
    # B's 2011 population is counted in A (restored commune): complete where A is in the area.
    assert totals["POP_2011"].iloc[0] == 800.0
    assert math.isnan(totals["POP_2011"].iloc[1])
    assert totals["POP_2011"].iloc[2] == 800.0 + 400.0 + 1400.0
    assert totals["manquants_POP_2011"].tolist() == [0, 1, 0]


def test_aggregate_counts_refuses_areas_outside_the_data():
    outside = membership([("x", "X", "territoire", ["A", "Z1", "Z2"])])
    with pytest.raises(RessolError, match=r"2 commune\(s\).*Z1, Z2.*Normandie"):
        aggregate_counts(COMMUNES, outside, ["POP"])


def test_population_indicators_by_hand():
    totals = aggregate_counts(COMMUNES, AREAS.iloc[:2], ["POP", "POP_2016", "POP_2011", "SUPERF"])
    out = demography.population_indicators(totals, [2022, 2016, 2011])
    row = out.iloc[0]
    assert row["population"] == 4000
    assert row["population_2016"] == 3700
    assert row["population_2011"] == 800
    # ln(4000 / 3700) = 0.077962; / 6 = 0.012994; exp − 1 = 0.013078 → 1.3078 % per year
    assert row["taux_evolution_annuel_2016_2022"] == pytest.approx(1.3078, abs=1e-4)
    # ln(3700 / 800) = 1.531476; / 5 = 0.306295; exp − 1 = 0.358383 → 35.838 % per year
    # (B restored after 2011: its 2011 population is in A's, so the total is complete)
    assert row["taux_evolution_annuel_2011_2016"] == pytest.approx(35.838, abs=1e-3)
    assert row["superficie_km2"] == 30
    assert row["densite_hab_km2"] == pytest.approx(4000 / 30)


def test_age_structure_by_hand():
    totals = aggregate_counts(COMMUNES, AREAS.iloc[:2], list(demography.AGE_BANDS))
    out = demography.age_structure(totals).iloc[0]
    # Territory = A + B: bands 750, 600, 600, 600, 800, 550, 100 → total 4000.
    assert out["part_moins_15_ans"] == pytest.approx(100 * 750 / 4000)
    assert out["part_60_74_ans"] == pytest.approx(20.0)
    assert out["part_60_ans_plus"] == pytest.approx(100 * 1450 / 4000)
    assert out["part_75_ans_plus"] == pytest.approx(100 * 650 / 4000)
    assert out["indice_de_vieillissement"] == pytest.approx(100 * 1450 / 750)
    shares = [out[f"part_{k}"] for k in demography.AGE_BANDS.values()]
    assert sum(shares) == pytest.approx(100.0)


def test_estimates_only_for_areas_of_whole_departements():
    whole = demography.whole_departement_areas(AREAS, COMMUNES)
    # "terr" = A + B = all of département 50; "seul-b" is part of it; "tout" = 50 + 14.
    assert sorted(map(tuple, whole.to_numpy().tolist())) == [
        ("terr", "50"),
        ("tout", "14"),
        ("tout", "50"),
    ]
    estimates = pd.DataFrame(
        {
            "annee": [2021, 2021, 2020],
            "DEP": pd.array(["50", "14", "50"], dtype="string"),
            "pop_0_19": [200.0, 100.0, 1.0],
            "pop_60_plus": [300.0, 150.0, 1.0],
            "pop_65_plus": [240.0, 90.0, 1.0],
            "pop_75_plus": [100.0, 50.0, 1.0],
            "pop_totale": [1000.0, 500.0, 1.0],
        }
    )
    shares = demography.estimated_age_shares(estimates, whole, 2021).set_index("territoire_code")
    assert shares.loc["terr", "part_moins_20_ans"] == pytest.approx(20.0)
    assert shares.loc["tout", "part_moins_20_ans"] == pytest.approx(100 * 300 / 1500)
    assert shares.loc["tout", "part_60_ans_plus_estimations"] == pytest.approx(30.0)
    assert shares.loc["terr", "part_65_ans_plus_estimations"] == pytest.approx(24.0)
    assert shares.loc["tout", "part_65_ans_plus_estimations"] == pytest.approx(100 * 330 / 1500)
    assert shares.loc["tout", "population_estimee"] == 1500.0


def test_estimates_missing_for_a_departement_make_the_area_missing():
    whole = pd.DataFrame({"territoire_code": ["z", "z"], "DEP": ["14", "50"]}, dtype="string")
    estimates = pd.DataFrame(
        {
            "annee": [2021, 2021],
            "DEP": pd.array(["50", "14"], dtype="string"),
            "pop_0_19": [200.0, float("nan")],
            "pop_60_plus": [300.0, float("nan")],
            "pop_65_plus": [240.0, float("nan")],
            "pop_75_plus": [100.0, float("nan")],
            "pop_totale": [1000.0, float("nan")],
        }
    )
    shares = demography.estimated_age_shares(estimates, whole, 2021)
    assert math.isnan(shares["part_moins_20_ans"].iloc[0])


def test_each_population_figure_cites_its_own_file():
    sources = {
        "population": "Comparateur (RP 2022, RP 2016)",
        "population_2016": "Comparateur (RP 2022, RP 2016)",
        "population_2011": "Dossier complet (RP 2011)",
        "superficie": "Insee, superficie (SUPERF)",
    }
    lines = demography.population_sources(sources, [2022, 2016, 2011])
    assert lines["superficie_km2"] == "Insee, superficie (SUPERF)"  # not a census
    assert lines["population_2011"] == "Dossier complet (RP 2011)"
    assert lines["taux_evolution_annuel_2016_2022"] == "Comparateur (RP 2022, RP 2016)"
    assert lines["taux_evolution_annuel_2011_2016"] == (
        "Dossier complet (RP 2011) ; Comparateur (RP 2022, RP 2016)"
    )
    assert lines["densite_hab_km2"] == (
        "Comparateur (RP 2022, RP 2016) (population) ; Insee, superficie (SUPERF) (superficie)"
    )


def test_demography_tables_cite_the_file_of_each_column():
    from ressol_analysis import demography_text

    lines = {
        "population": "Comparateur (RP)",
        "superficie_km2": "Comparateur (SUPERF)",
        "densite_hab_km2": "Comparateur (RP)",
        "part_moins_15_ans": "Dossier complet (RP)",
        "part_60_ans_plus": "Dossier complet (RP)",
        "part_75_ans_plus": "Dossier complet (RP)",
    }
    assert demography_text.sources_of(lines.get, demography_text.KEY_FIGURES) == (
        "Comparateur (RP) ; Comparateur (SUPERF) ; Dossier complet (RP)"
    )
    wide = pd.DataFrame(
        {"territoire": ["Terre"], **{k: [1.0] for k in demography_text.KEY_FIGURES}}
    )
    html = demography_text.key_figures_table(wide, 2022, lines.get)
    assert "Comparateur (SUPERF)" in html and "Dossier complet (RP)" in html
