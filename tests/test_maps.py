"""Maps on communes drawn by hand: classes, colours, legends, circles and source line."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.legend import Legend
from shapely.geometry import box

from ressol_analysis import maps
from ressol_analysis.errors import RessolError
from ressol_analysis.formatting import NBSP
from ressol_analysis.labels import SYNTHETIC_MARK

# Six square communes of 1 km² in a row (Lambert-93), two EPCIs of three communes.
CODES = ["50001", "50002", "50003", "50004", "50005", "50006"]
SHAPES = gpd.GeoDataFrame(
    {"CODGEO": CODES, "EPCI": ["200000001"] * 3 + ["200000002"] * 3},
    geometry=[box(400_000 + 1000 * i, 6_900_000, 401_000 + 1000 * i, 6_901_000) for i in range(6)],
    crs=maps.LAMBERT_93,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def legend_texts(legend) -> list[str]:
    return [t.get_text().replace(NBSP, " ") for t in legend.get_texts()]


def test_class_breaks_are_the_natural_groups_of_the_values():
    # Three obvious groups: 1-3, 10-12 and 30; Fisher-Jenks puts each upper bound at its top.
    values = pd.Series([1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 30.0, None])
    assert maps.class_breaks(values, k=3) == [3.0, 12.0, 30.0]
    # Fewer distinct values than classes: one class per value.
    assert maps.class_breaks(pd.Series([4.0, 4.0, 9.0]), k=5) == [4.0, 9.0]


def test_legend_labels_run_from_the_minimum_through_each_upper_bound():
    assert maps.legend_labels([3.0, 12.0, 30.0], 1.0, "hab./km²") == [
        "moins de 3 hab./km²",
        "de 3 à 12 hab./km²",
        "12 hab./km² ou plus",
    ]
    labels = maps.legend_labels([2.5, 1250.0], 0.26, "%", decimals=1)
    assert [label.replace(NBSP, " ") for label in labels] == ["moins de 2,5 %", "2,5 % ou plus"]
    # A single class runs from the minimum to its bound.
    assert maps.legend_labels([8.0], 2.0, "%") == ["de 2 à 8 %"]


@pytest.mark.parametrize(
    ("maximum", "values"),
    [
        # 2 345 → top 2 000; 2 000 / 10 = 200; 2 000 / 3 = 666.7 → 500.
        (2345, [200.0, 500.0, 2000.0]),
        # 40 → top 20 (50 > 40); 20 / 10 = 2; 20 / 3 = 6.7 → 5.
        (40, [2.0, 5.0, 20.0]),
        # 7 → top 5; 0.5; 5 / 3 = 1.67 → 1.
        (7, [0.5, 1.0, 5.0]),
        (0, []),
    ],
)
def test_circle_legend_values_are_round_and_at_most_the_maximum(maximum, values):
    assert maps.circle_legend_values(maximum) == values


def test_proportional_circles_have_areas_proportional_to_the_counts():
    fig, ax = plt.subplots()
    x, y = np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 0.0, 0.0, 0.0])
    # A secret (missing) value and a zero draw no circle.
    entries = maps.proportional_circles(
        ax, x, y, pd.Series([10.0, 40.0, None, 0.0]), "#123456", "#000000", "emplois"
    )
    (circles,) = ax.collections
    # Largest first, so that small circles are drawn over it; 1 400 pt² for the maximum (40).
    assert circles.get_sizes().tolist() == [1400.0, 350.0, 0.0, 0.0]
    assert circles.get_offsets()[:, 0].tolist()[:2] == [1.0, 0.0]
    assert [e.get_label() for e in entries] == ["2 emplois", "5 emplois", "20 emplois"]
    # A legend circle of 20 has half the area of the largest one: sqrt(1 400 × 20 / 40) points.
    assert entries[-1].get_markersize() == pytest.approx(np.sqrt(700.0))
    assert to_hex(entries[0].get_markerfacecolor()) == "#123456"


def test_no_circle_and_no_legend_when_every_count_is_missing_or_zero():
    fig, ax = plt.subplots()
    assert maps.proportional_circles(ax, [0.0], [0.0], pd.Series([None]), "red", "k", "x") == []
    assert len(ax.collections) == 0


def test_choropleth_colours_each_commune_by_its_class_and_counts_secret_and_missing():
    values = pd.Series([5.0, 20.0, 80.0, 20.0, 7.0, None], index=CODES)
    secret = pd.Series([False, False, False, False, True, False], index=CODES)
    fig = maps.choropleth(
        SHAPES,
        values,
        title="Part des emplois de l'ESS",
        unit="%",
        source="Insee, essai",
        groups=SHAPES.set_index("CODGEO")["EPCI"],
        secret=secret,
        synthetic=True,
    )
    (ax,) = fig.axes
    assert ax.get_title() == "Part des emplois de l'ESS"
    # Three distinct published values (50005 is secret): three classes, 5, 20 and 80.
    legend = ax.get_legend()
    assert legend.get_title().get_text() == "%"
    assert legend_texts(legend) == [
        "5 %",
        "de 5 à 20 %",
        "20 % ou plus",
        "Secret statistique (1 commune)",
        "Donnée manquante (1 commune)",
    ]
    filled = ax.collections[0]  # the published communes, in the order of the frame
    colours = [to_hex(c) for c in filled.get_facecolors()]
    light, middle, dark = maps.CHOROPLETH_COLOURS[:3]
    assert colours == [light, middle, dark, middle]  # 50001 to 50004
    texts = [t.get_text() for t in fig.texts]
    assert "Source : Insee, essai" in texts and SYNTHETIC_MARK in texts


def test_choropleth_without_any_published_value_is_a_french_error():
    with pytest.raises(RessolError, match="Carte « Densité » : aucune valeur publiée"):
        maps.choropleth(
            SHAPES, pd.Series(dtype=float), title="Densité", unit="hab./km²", source="Insee"
        )


def test_head_and_legends_puts_colours_lower_left_and_circles_upper_right():
    fig, ax = plt.subplots()
    fills = [maps.Patch(facecolor="#f1eef6", label="0 à 10 %")]
    circles = maps.proportional_circles(
        ax, [0.0], [0.0], pd.Series([100.0]), "#e07b39", "#000000", "emplois"
    )
    maps.head_and_legends(
        ax, "Titre", "Ensemble : 12 %", fills, "Part (%)", circles, "Emplois de l'ESS"
    )
    assert ax.get_title() == "Titre"
    assert [t.get_text() for t in ax.texts] == ["Ensemble : 12 %"]
    first = next(a for a in ax.artists if isinstance(a, Legend))
    assert first.get_title().get_text() == "Part (%)" and legend_texts(first) == ["0 à 10 %"]
    assert ax.get_legend().get_title().get_text() == "Emplois de l'ESS"
    assert legend_texts(ax.get_legend()) == [
        "10 emplois",
        "20 emplois",
        "100 emplois",
    ]  # 100 / 3 → 20
