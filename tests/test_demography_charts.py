"""Charts of the demography chapter and the shared chart style, on tables written by hand."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from shapely.geometry import box

from ressol_analysis import chart_style, demography_charts
from ressol_analysis.formatting import NBSP
from ressol_analysis.labels import SYNTHETIC_MARK

SOURCE = "Insee, RP 2022 — géographie au 01/01/2026"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_source_line_and_synthetic_mark_are_written_under_and_over_the_figure():
    fig = plt.figure()
    chart_style.add_source(fig, SOURCE)
    assert [t.get_text() for t in fig.texts] == [f"Source : {SOURCE}"]
    fig = plt.figure()
    chart_style.add_source(fig, SOURCE, synthetic=True)
    source, mark = fig.texts
    assert mark.get_text() == SYNTHETIC_MARK
    assert to_hex(mark.get_color()) == chart_style.SYNTHETIC_COLOUR
    assert source.get_position()[1] < mark.get_position()[1]  # source below, mark above


def test_percent_axis_formats_ticks_the_french_way():
    fig, ax = plt.subplots()
    chart_style.percent_axis(ax.xaxis)
    formatter = ax.xaxis.get_major_formatter()
    assert plain(formatter(12.4, 0)) == "12 %" and plain(formatter(1250, 0)) == "1 250 %"


def test_age_structure_has_one_bar_per_band_and_area_with_its_share():
    bands = ["moins_15_ans", "15_29_ans", "30_44_ans", "45_59_ans", "60_74_ans", "75_89_ans"]
    ages = pd.DataFrame(
        {
            "territoire": ["Terre", "Manche"],
            **{f"part_{b}": [10.0 + i, 20.0 - i] for i, b in enumerate(bands)},
            "part_90_ans_plus": [1.5, 2.5],
        }
    )
    fig = demography_charts.age_structure(ages, SOURCE)
    (ax,) = fig.axes
    assert ax.get_title() == "Structure par âge de la population"
    assert ax.get_xlabel() == "Part de la population (%)"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["0-14 ans", "15-29 ans", "30-44 ans", "45-59 ans", "60-74 ans"] + [
        "75-89 ans",
        "90 ans ou plus",
    ]
    terre, manche = ax.containers
    assert [b.get_width() for b in terre] == [10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 1.5]
    assert [b.get_width() for b in manche] == [20.0, 19.0, 18.0, 17.0, 16.0, 15.0, 2.5]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Terre", "Manche"]
    assert f"Source : {SOURCE}" in [t.get_text() for t in fig.texts]


def test_growth_rates_bars_are_the_rates_with_signed_french_labels():
    population = pd.DataFrame(
        {
            "territoire": ["Terre", "Manche"],
            "taux_evolution_annuel_2011_2016": [0.5, -0.25],
            "taux_evolution_annuel_2016_2022": [-0.125, 0.0],
        }
    )
    fig = demography_charts.growth_rates(population, SOURCE)
    (ax,) = fig.axes
    assert ax.get_title() == "Évolution annuelle moyenne de la population"
    first, second = ax.containers
    assert [b.get_height() for b in first] == [0.5, -0.25]
    assert [b.get_height() for b in second] == [-0.125, 0.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2011-2016", "2016-2022"]
    assert ax.get_legend().get_title().get_text() == "Période"
    # One label per bar, period by period: signed, two decimals, French; zero has no sign
    # and −0.125 is printed −0,13 (half away from zero, as in the workbook).
    labels = [plain(t.get_text()) for t in ax.texts]
    assert labels == ["+0,50 %", "−0,25 %", "−0,13 %", "0,00 %"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Terre", "Manche"]


def test_estimated_population_is_an_index_of_the_first_year():
    series = pd.DataFrame(
        {
            "territoire_code": ["dep-50"] * 3 + ["reg-28"] * 3,
            "annee": [1975, 1990, 2024] * 2,
            "population_estimee": [400.0, 420.0, 500.0, 1000.0, 900.0, 1100.0],
        }
    )
    names = {"dep-50": "Manche", "reg-28": "Normandie"}
    fig = demography_charts.estimated_population(series, names, SOURCE)
    (ax,) = fig.axes
    assert ax.get_title() == "Population estimée au 1er janvier depuis 1975"
    assert ax.get_ylabel() == "Indice (population 1975 = 100)"
    manche, normandie = ax.get_lines()[:2]
    assert manche.get_xdata().tolist() == [1975, 1990, 2024]
    assert manche.get_ydata().tolist() == [100.0, 105.0, 125.0]
    assert normandie.get_ydata().tolist() == pytest.approx([100.0, 90.0, 110.0])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Manche", "Normandie"]


def test_density_map_states_its_year_unit_and_classes():
    shapes = gpd.GeoDataFrame(
        {"CODGEO": ["50001", "50002", "50003"], "EPCI": ["200000001"] * 3},
        geometry=[box(i, 49.0, i + 0.01, 49.01) for i in (-1.10, -1.09, -1.08)],
        crs="EPSG:4326",
    )
    communes = pd.DataFrame(
        {
            "CODGEO": ["50001", "50002", "50003"],
            "LIBELLE": ["Agneaux", "Baudre", "Saint-Lô"],
            "population": [4000, 500, 19000],
            "densite_hab_km2": [12.0, 48.0, 300.0],
        }
    )
    fig = demography_charts.density_map(shapes, communes, 2022, SOURCE)
    ax = fig.axes[0]
    assert ax.get_title() == "Densité de population par commune en 2022"
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "hab./km²"
    assert [plain(t.get_text()) for t in legend.get_texts()] == [
        "12 hab./km²",
        "de 12 à 48 hab./km²",
        "48 hab./km² ou plus",
    ]
    # The most populous communes are named on the map.
    assert "Saint-Lô" in {t.get_text() for t in ax.texts}
