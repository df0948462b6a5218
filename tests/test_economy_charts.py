"""Charts and maps of the economy chapter, on tiny hand-built inputs."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal
from shapely.geometry import box

from ressol_analysis import economy_charts as ec
from ressol_analysis.errors import RessolError
from ressol_analysis.labels import SYNTHETIC_MARK

AREAS = pd.DataFrame(
    {
        "territoire_code": ["t", "e1", "reg"],
        "territoire": ["Territoire", "EPCI 1", "Région"],
        "niveau": ["territoire", "epci", "comparaison"],
        "ordre": [0, 1, 2],
    }
)


def texts(fig) -> list[str]:
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend is not None:
            found += [legend.get_title().get_text(), *(t.get_text() for t in legend.get_texts())]
    plt.close(fig)
    return found


@pytest.fixture
def shapes() -> gpd.GeoDataFrame:
    """Three 10 km squares side by side, in Lambert 93."""
    return gpd.GeoDataFrame(
        {"CODGEO": ["50001", "50002", "50003"]},
        geometry=[
            box(400_000 + 10_000 * i, 6_900_000, 410_000 + 10_000 * i, 6_910_000) for i in range(3)
        ],
        crs="EPSG:2154",
    )


def test_wide_table_orders_areas_and_leaves_missing_areas_empty():
    tidy = pd.DataFrame(
        {
            "territoire_code": ["reg", "t", "reg", "t"],
            "indicateur": ["a", "a", "b", "b"],
            "valeur": [1.0, 2.0, 3.0, 4.0],
        }
    )
    expected = pd.DataFrame(
        {
            "territoire_code": ["t", "e1", "reg"],
            "territoire": ["Territoire", "EPCI 1", "Région"],
            "niveau": ["territoire", "epci", "comparaison"],
            "a": [2.0, np.nan, 1.0],
            "b": [4.0, np.nan, 3.0],
        }
    )
    assert_frame_equal(ec.wide_table(tidy, AREAS), expected, check_names=False)


def communes_with_sectors() -> pd.DataFrame:
    # agriculture, industrie, construction, commerce…, administration…
    rows = {
        "50001": [6, 1, 1, 2, 0],  # agriculture 6 / 10 = 60 %
        "50002": [3, 0, 0, 3, 1],  # tie agriculture / commerce
        "50003": [np.nan, 0, 0, 1, 0],  # a secret count: unknown
        "50004": [0, 0, 0, 0, 0],  # no establishment
    }
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=[f"etablissements_{s}" for s in ec.SECTORS]
    )
    table["etablissements"] = [10, 7, np.nan, 0]
    return table.rename_axis("CODGEO").reset_index()


def test_dominant_sector_names_the_largest_sector_ties_and_unknowns():
    result = ec.dominant_sector(communes_with_sectors())
    expected = pd.DataFrame(
        {
            "CODGEO": ["50001", "50002", "50003", "50004"],
            "secteur_dominant": ["agriculture", ec.TIE, np.nan, np.nan],
            "part_dominant": [60.0, 100 * 3 / 7, np.nan, np.nan],
        }
    )
    assert_frame_equal(result, expected, check_dtype=False)


def test_dominant_sector_names_missing_columns():
    with pytest.raises(RessolError, match="etablissements_industrie"):
        ec.dominant_sector(communes_with_sectors().drop(columns="etablissements_industrie"))


def test_unemployment_by_commune_is_missing_without_active_people():
    communes = pd.DataFrame(
        {
            "CODGEO": ["a", "b", "c"],
            "chomeurs_15_64": [5.0, 0.0, np.nan],
            "actifs_15_64": [40.0, 0.0, 10.0],
        }
    )
    expected = pd.Series([12.5, np.nan, np.nan], index=["a", "b", "c"], name="taux_chomage")
    assert_series_equal(ec.unemployment_by_commune(communes), expected)


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [(18_228.0, [100.0, 1_000.0, 10_000.0]), (450.0, [2.0, 20.0, 200.0]), (5.0, [0.05, 0.5, 5.0])],
)
def test_reference_values_are_round_and_not_above_the_maximum(maximum, expected):
    assert ec.reference_values(maximum) == pytest.approx(expected)


def test_reference_values_need_a_positive_value():
    with pytest.raises(RessolError, match="aucune valeur positive"):
        ec.reference_values(0.0)


def quotients() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "territoire_code": ["t", "t", "t", "reg"],
            "territoire": ["T", "T", "T", "R"],
            "secteur": ["AZ", "CA", "QA", "AZ"],
            "libelle": ["Agriculture", "Industries alimentaires", "Santé", "Agriculture"],
            "emplois": [20.0, 5.0, 0.0, 10.0],
            "part_emplois": [40.0, 10.0, 0.0, 5.0],
            "part_reference": [20.0, 20.0, 10.0, 20.0],
            "quotient_localisation": [2.0, 0.5, 0.0, 1.0],
        }
    )


def test_location_quotient_chart_marks_synthetic_data_and_skips_zero_quotients():
    fig = ec.location_quotients(quotients(), "t", "Normandie", "Sirene (démo)", synthetic=True)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    found = texts(fig)
    assert labels == ["Industries alimentaires", "Agriculture"]
    assert SYNTHETIC_MARK in found
    assert "Source : Sirene (démo)" in found
    assert {"2,00", "0,50"} <= set(found)


def test_location_quotient_chart_refuses_an_area_without_quotient():
    with pytest.raises(RessolError, match="« x »"):
        ec.location_quotients(quotients(), "x", "Normandie", "s", synthetic=False)


def test_agrifood_bars_add_up_to_the_filiere_with_cooperatives_outside_components():
    wide = pd.DataFrame(
        {
            "territoire": ["T"],
            "part_emplois_agriculture": [8.0],
            "part_emplois_industries_agroalimentaires": [2.5],
            "part_emplois_commerce_gros_agricole": [0.5],
            "part_emplois_filiere_agricole": [12.0],
        }
    )
    fig = ec.agrifood(wide, "Sirene", synthetic=False)
    widths = [p.get_width() for p in fig.axes[0].patches]
    found = texts(fig)
    assert widths == pytest.approx([8.0, 2.5, 0.5, 1.0])  # 12 − (8 + 2,5 + 0,5) = 1
    assert "12,0\u00a0%" in found
    assert SYNTHETIC_MARK not in found


def test_proportional_circles_show_a_missing_value_as_such(shapes):
    jobs = pd.Series({"50001": 1_500.0, "50002": 40.0})
    fig = ec.proportional_circles(shapes, jobs, title="Emplois", unit="emplois", source="RP")
    found = texts(fig)
    assert "Donnée manquante" in found
    assert "1\u00a0000 emplois" in found  # reference circles 10, 100, 1 000


def test_typology_counts_communes_and_refuses_unknown_categories(shapes):
    categories = pd.Series({"50001": "a", "50002": "a", "50003": "b"})
    fig = ec.typology(
        shapes,
        categories,
        labels={"a": "Agriculture", "b": "Industrie"},
        colours={"a": "green", "b": "purple"},
        title="T",
        legend_title="Secteur",
        source="S",
    )
    assert {"Agriculture (2 communes)", "Industrie (1 commune)"} <= set(texts(fig))
    with pytest.raises(RessolError, match="sans libellé c"):
        ec.typology(
            shapes,
            categories.replace("b", "c"),
            labels={"a": "A"},
            colours={"a": "green"},
            title="T",
            legend_title="L",
            source="S",
        )


def test_choropleth_keeps_secret_and_missing_apart(shapes):
    values = pd.Series({"50001": 21_000.0, "50002": np.nan})
    secret = pd.Series({"50001": False, "50002": True})
    fig = ec.choropleth_with_secret(
        shapes, values, secret, title="Revenu", unit="€", source="Filosofi"
    )
    found = texts(fig)
    assert "Secret statistique (1 commune)" in found  # 50002
    assert "Donnée manquante (1 commune)" in found  # 50003, absent from the file
    assert "€" in found and "Fisher" not in " ".join(found)


def test_legends_in_plain_words():
    from ressol_analysis.maps import legend_labels

    assert legend_labels([2.0, 7.0, 12.0], 0.5, "%") == [
        "moins de 2 %",
        "de 2 à 7 %",
        "7 % ou plus",
    ]
    # A first class holding only the minimum reads as that value, not « moins de 0 % ».
    assert legend_labels([0.0, 7.0, 26.0], 0.0, "%")[0] == "0 %"
    assert legend_labels([45.0], 12.0, "hab./km²") == ["de 12 à 45 hab./km²"]
