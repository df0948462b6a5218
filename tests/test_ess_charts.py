"""Charts and map of the ESS chapter, on tiny tables and a four-square map drawn by hand."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.text import Text
from shapely.geometry import box

from ressol_analysis import ess_charts
from ressol_analysis.errors import RessolError
from ressol_analysis.formatting import NBSP
from ressol_analysis.labels import SYNTHETIC_MARK, sentence_case

SOURCE = "Source de test"


def _texts(fig) -> list[str]:
    texts = [t.get_text() for t in fig.findobj(Text)]
    plt.close(fig)
    return texts


def test_sentence_case():
    assert sentence_case("ACTIVITÉS FINANCIÈRES ET D'ASSURANCE") == (
        "Activités financières et d'assurance"
    )
    assert sentence_case("Hébergement médico-social") == "Hébergement médico-social"


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [(2345.0, [200.0, 500.0, 2000.0]), (90.0, [5.0, 10.0, 50.0]), (1.0, [0.1, 0.2, 1.0])],
)
def test_circle_legend_values(maximum, expected):
    # 2 345 → top 2 000, 2 000 / 3 = 667 → 500, 2 000 / 10 → 200; 90 → 50, 16,7 → 10, 5.
    assert ess_charts.circle_legend_values(maximum) == pytest.approx(expected)


def test_circle_legend_values_empty():
    assert ess_charts.circle_legend_values(0.0) == []


def _shares() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "territoire_code": ["T"] * 5 + ["R"] * 5,
            "famille": ["associations", "cooperatives", "mutuelles", "fondations", "autres"] * 2,
            "part": [60.0, 25.0, 10.0, 5.0, 0.0, 70.0, 20.0, 3.0, 5.0, 2.0],
        }
    )


def test_family_bars_label_segments_and_marks():
    fig = ess_charts.family_bars(_shares(), {"T": "Terre", "R": "Région"}, SOURCE, synthetic=True)
    ax = fig.axes[0]
    bars = list(ax.patches)
    # Six families × two areas (the fifth, absent from the table, is zero); the segments of
    # T start at 0, 60, 85, 95, 100, 100.
    assert len(bars) == 12
    assert [round(b.get_x(), 6) for b in bars[::2]] == [0, 60, 85, 95, 100, 100]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Autres organismes privés à but non lucratif" in legend
    # Segments of 4 % or more are labelled: 60, 25, 10, 5 (T) and 70, 20, 5 (R).
    labels = [t.get_text() for t in ax.texts]
    assert labels == [f"{v}{NBSP}%" for v in ["60", "70", "25", "20", "10", "5", "5"]]
    texts = _texts(fig)
    assert SYNTHETIC_MARK in texts
    assert f"Source : {SOURCE}" in texts


def test_family_bars_without_mark_on_real_data():
    texts = _texts(ess_charts.family_bars(_shares(), {"T": "Terre", "R": "Région"}, SOURCE))
    assert SYNTHETIC_MARK not in texts


def _sectors() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "A21": ["G", "H", "Q", "R"],
            "libelle": ["COMMERCE", "TRANSPORTS", "SANTÉ HUMAINE", "ARTS"],
            "ess_effectif_salarie_estime": [30.0, 0.0, 60.0, 10.0],
            "part_ess_effectif_salarie_estime": [10.0, 0.0, 75.0, 0.5],
        }
    )
    frame.attrs["part_ensemble"] = 12.5
    return frame


def test_sector_bars_sorted_without_empty_sectors():
    fig = ess_charts.sector_bars(_sectors(), "A21", SOURCE)
    left, right = fig.axes
    assert [t.get_text() for t in left.get_yticklabels()] == ["Santé humaine", "Commerce", "Arts"]
    assert [b.get_width() for b in left.patches] == [60.0, 30.0, 10.0]
    assert [b.get_width() for b in right.patches] == [75.0, 10.0, 0.5]
    texts = _texts(fig)
    # A share under 1 % keeps one decimal rather than reading 0 %.
    assert f"0,5{NBSP}%" in texts
    assert f"tous secteurs : 12,5{NBSP}%" in texts
    assert SYNTHETIC_MARK not in texts


def test_sector_bars_rejects_missing_column():
    with pytest.raises(RessolError, match="libelle"):
        ess_charts.sector_bars(_sectors().drop(columns="libelle"), "A21", SOURCE)


def test_band_bars_leave_out_empty_bands():
    bands = pd.DataFrame(
        {
            "libelle": ["1 ou 2 salariés", "3 à 5 salariés", "500 à 999 salariés"],
            "etablissements_employeurs": [40.0, 10.0, 0.0],
            "ess_etablissements_employeurs": [4.0, 2.0, 0.0],
            "part_ess_etablissements_employeurs": [10.0, 20.0, np.nan],
        }
    )
    fig = ess_charts.band_bars(bands, SOURCE, synthetic=True)
    left, right = fig.axes
    assert [t.get_text() for t in left.get_yticklabels()] == ["1 ou 2 salariés", "3 à 5 salariés"]
    assert [b.get_width() for b in right.patches] == [10.0, 20.0]
    assert SYNTHETIC_MARK in _texts(fig)


def test_anchor_bars_heights():
    anchor = pd.DataFrame(
        {
            "territoire": ["Manche", "Normandie"],
            "part_ess_2008": [12.7, 10.2],
            "part_ess_2014": [13.5, 11.0],
            "part_ess_sirene": [12.2, 11.1],
        }
    )
    fig = ess_charts.anchor_bars(anchor, SOURCE)
    heights = [round(b.get_height(), 6) for b in fig.axes[0].patches]
    assert heights == [12.7, 10.2, 13.5, 11.0, 12.2, 11.1]
    assert f"13,5{NBSP}%" in _texts(fig)


def _map_inputs():
    # Four 10 km squares in two EPCIs. C is secret (ESS jobs masked, so no circle); D has no
    # ESS job (no circle); A and B have circles whose areas are in the ratio 100 : 25.
    shapes = gpd.GeoDataFrame(
        {
            "CODGEO": ["50001", "50002", "50003", "50004"],
            "EPCI": ["E1", "E1", "E2", "E2"],
        },
        geometry=[box(x, 0, x + 10_000, 10_000) for x in (0, 10_000, 20_000, 30_000)],
        crs="EPSG:2154",
    )
    communes = pd.DataFrame(
        {
            "CODGEO": ["50001", "50002", "50003", "50004"],
            "etablissements_employeurs": [20, 10, 5, 8],
            "ess_effectif_salarie_estime": [100.0, 25.0, np.nan, 0.0],
            "part_ess_effectif_salarie_estime": [20.0, 10.0, np.nan, 0.0],
            "secret_ess": [False, False, True, False],
            "secret_total": [False, False, False, False],
        }
    )
    return shapes, communes


def test_ess_map_circles_secret_and_total():
    shapes, communes = _map_inputs()
    fig = ess_charts.ess_map(
        shapes,
        communes,
        total_jobs=1234.0,
        total_share=12.34,
        area_name="Terre",
        source=SOURCE,
        synthetic=True,
    )
    ax = fig.axes[0]
    circles = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(circles) == 1
    sizes = sorted(circles[0].get_sizes())
    assert sizes == pytest.approx([ess_charts.CIRCLE_MAX_AREA / 4, ess_charts.CIRCLE_MAX_AREA])
    texts = _texts(fig)
    assert "Secret statistique" in texts
    assert any(
        f"1{NBSP}234 emplois salariés estimés dans l'ESS, soit 12,3{NBSP}%" in t for t in texts
    )
    assert SYNTHETIC_MARK in texts
    assert f"Source : {SOURCE}" in texts


def test_ess_map_rejects_missing_secrecy_columns():
    shapes, communes = _map_inputs()
    with pytest.raises(RessolError, match="secret_ess"):
        ess_charts.ess_map(
            shapes,
            communes.drop(columns="secret_ess"),
            total_jobs=1.0,
            total_share=1.0,
            area_name="Terre",
            source=SOURCE,
        )


def _placed_employers() -> pd.DataFrame:
    # Commune 50001 (the square 0–10 km): cell (0, 0) 10 + 10 + 10 jobs → drawn; cell (1, 0)
    # 1.5 + 1.5 + 40 → 40/43 > 85 %: not drawn; cell (2, 0) 5 + 5 + 5 → drawn at first; one
    # establishment without coordinates (4 jobs). The rest (cell (1, 0) and the one without
    # coordinates: 47 jobs, 40/47 = 85.1 % > 85 %) would reveal the large one, so the smallest
    # drawn cell (2, 0) joins it: rest = 62 jobs, 7 establishments, largest 40/62 = 64.5 %.
    # Commune 50003 is secret: nothing drawn there, coordinates or not.
    rows = [(500, 500, 10.0), (600, 700, 10.0), (1500, 1900, 10.0)]
    rows += [(2100, 100, 1.5), (2500, 900, 1.5), (3900, 1999, 40.0)]
    rows += [(4100, 100, 5.0), (4200, 300, 5.0), (5900, 1500, 5.0), (None, None, 4.0)]
    table = pd.DataFrame(rows, columns=["x", "y", "effectif_central"])
    table["CODGEO"] = "50001"
    secret = pd.DataFrame({"x": [25_000], "y": [5_000], "effectif_central": [3.0]})
    table = pd.concat([table, secret.assign(CODGEO="50003")], ignore_index=True)
    return table.assign(employeur=True, ess=True).rename(
        columns={
            "x": "coordonneeLambertAbscisseEtablissement",
            "y": "coordonneeLambertOrdonneeEtablissement",
        }
    )


def test_point_groups_respect_the_secrecy_rule():
    from ressol_analysis.ess_points import point_groups

    communes = pd.DataFrame({"CODGEO": ["50001", "50003"], "secret_ess": [False, True]})
    groups = point_groups(_placed_employers(), communes)
    assert groups.to_dict("list") == {
        "CODGEO": ["50001", "50001"],
        "x": [1000.0, pytest.approx(np.nan, nan_ok=True)],
        "y": [1000.0, pytest.approx(np.nan, nan_ok=True)],
        "etablissements": [3, 7],
        "emplois": [30.0, 62.0],
        "groupe": ["carreau", "reste"],
    }
    assert groups["emplois"].sum() == 92.0  # the commune's published ESS jobs


def test_wgs84_coordinates_are_projected_to_lambert_93():
    from ressol_analysis.ess_points import lambert_coordinates

    table = pd.DataFrame(
        {"CODGEO": ["50502", "97411"], "longitude": ["3.0", "55.45"], "latitude": ["46.5", "-20.9"]}
    )
    xy = lambert_coordinates(table)
    # (3° E, 46.5° N) is the origin of Lambert-93: x = 700 000 m, y = 6 600 000 m.
    assert xy.loc[0, "x"] == pytest.approx(700_000, abs=1)
    assert xy.loc[0, "y"] == pytest.approx(6_600_000, abs=1)


def test_ess_map_places_groups_and_says_so():
    from ressol_analysis.ess_points import point_groups

    shapes, communes = _map_inputs()
    groups = point_groups(_placed_employers(), communes)
    fig = ess_charts.ess_map(
        shapes, communes, 1234.0, 12.34, "Terre", SOURCE, synthetic=False, points=groups
    )
    circles = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    assert len(circles) == 1
    offsets = sorted(map(tuple, circles[0].get_offsets().tolist()))
    assert (1000.0, 1000.0) in offsets and len(offsets) == 2
    texts = _texts(fig)
    assert any("par carreau de 2 km (au moins 3 établissements)" in t for t in texts)
    assert any(t.startswith("L'ESS sur le territoire") for t in texts)
