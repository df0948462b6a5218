"""Tables, captions and source bullets of the demography chapter, on figures written by hand."""

from __future__ import annotations

import re
from html import unescape

import pandas as pd
from support.facts import assert_states

from ressol_analysis import demography_text as text
from ressol_analysis.formatting import NBSP


def cells(html: str) -> tuple[str, list[str], list[list[str]], str]:
    """Caption, header, body rows and source line of an HTML table, as plain text."""

    def clean(fragment: str) -> str:
        return unescape(re.sub(r"<[^>]+>", "", fragment)).replace(NBSP, " ").strip()

    caption = clean(re.search(r"<figcaption>(.*?)</figcaption>", html, re.S).group(1))
    header = [clean(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", html.split("<tbody>")[0])]
    rows = [
        [clean(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.S)
    ]
    source = clean(re.search(r'<p class="source">(.*?)</p>', html, re.S).group(1))
    return caption, header, rows, source


def test_ages_table_shows_shares_in_percent_and_the_ageing_index():
    ages = pd.DataFrame(
        {
            "territoire": ["Terre", "Manche"],
            "part_moins_15_ans": [15.0, 16.04],
            "part_60_ans_plus": [30.0, 33.5],
            "part_75_ans_plus": [10.0, 12.0],
            # 60 and over per 100 under 15: 30 / 15 × 100 = 200; 33.5 / 16.04 × 100 = 208.9.
            "indice_de_vieillissement": [200.0, 208.9],
        }
    )
    caption, header, rows, source = cells(text.ages_table(ages, 2022, "Insee, RP 2022"))
    assert caption == "Jeunes et aînés en 2022"
    assert header == [
        "Territoire",
        "Moins de 15 ans",
        "60 ans ou plus",
        "75 ans ou plus",
        "Indice de vieillissement",
    ]
    assert rows == [
        ["Terre", "15,0 %", "30,0 %", "10,0 %", "200"],
        ["Manche", "16,0 %", "33,5 %", "12,0 %", "209"],
    ]
    assert source == "Source : Insee, RP 2022"


def test_estimates_table_leaves_out_the_areas_without_estimates():
    wide = pd.DataFrame(
        {
            "territoire": ["Terre", "Manche", "Normandie"],
            "part_moins_20_ans": [None, 21.5, 22.75],
            "part_60_ans_plus_estimations": [None, 33.0, 30.0],
            "part_65_ans_plus_estimations": [None, 26.0, 23.5],
        }
    )
    caption, header, rows, _ = cells(text.estimates_table(wide, 2025, "Insee, estimations"))
    assert caption == "Moins de 20 ans, 60 et 65 ans ou plus au 1er janvier 2025 (estimations)"
    assert header == ["Zone", "Moins de 20 ans", "60 ans ou plus", "65 ans ou plus"]
    assert rows == [
        ["Manche", "21,5 %", "33,0 %", "26,0 %"],
        ["Normandie", "22,8 %", "30,0 %", "23,5 %"],
    ]


def test_communes_table_keeps_the_largest_communes_and_says_out_of_how_many():
    communes = pd.DataFrame(
        {
            "LIBELLE": ["Saint-Lô", "Coutances", "Agneaux"],
            "EPCI_NOM": ["CA Saint-Lô Agglo", "CC Coutances Mer et Bocage", "CA Saint-Lô Agglo"],
            "population": [18_919.0, 8_471.0, 4_257.0],
            "densite_hab_km2": [814.25, 657.0, 467.8],
            "part_60_ans_plus": [32.4, 36.0, 30.15],
        }
    )
    lines = {
        "population": "Insee, RP 2022 (population)",
        "superficie_km2": "Insee, superficie",
        "part_60_ans_plus": "Insee, RP 2022 (âges)",
    }
    caption, header, rows, source = cells(text.communes_table(communes, 2022, lines.get, count=2))
    assert caption == "Les 2 communes les plus peuplées (sur 3)"
    assert header == [
        "Commune",
        "Intercommunalité",
        "Population 2022",
        "Densité (hab./km²)",
        "60 ans ou plus",
    ]
    assert rows == [
        ["Saint-Lô", "CA Saint-Lô Agglo", "18 919", "814,3", "32,4 %"],  # 814,25: half up
        ["Coutances", "CC Coutances Mer et Bocage", "8 471", "657,0", "36,0 %"],
    ]
    assert source == (
        "Source : Insee, RP 2022 (population) ; Insee, superficie ; Insee, RP 2022 (âges)"
    )


def test_estimates_caption_names_the_areas_in_order_and_the_years():
    series = pd.DataFrame(
        {
            "territoire_code": ["dep-50", "dep-50", "reg-28", "reg-28"],
            "annee": [1975, 2025, 1975, 2025],
            "population_estimee": [1.0, 2.0, 3.0, 4.0],
        }
    )
    names = {"dep-50": "Manche", "basse-normandie": "Basse-Normandie", "reg-28": "Normandie"}
    # Areas in the order of the series (Basse-Normandie has no series: not named).
    alt = text.estimates_alt(series, names)
    assert_states(
        alt,
        "Courbes",
        "population estimée de 1975 à 2025",
        "indice 100 en 1975",
        "Manche et Normandie",
    )
    assert "Basse-Normandie" not in alt
    one = series[series["territoire_code"] == "dep-50"]
    assert text.estimates_alt(one, names).endswith("pour Manche.")
    assert "depuis 1975" in text.estimates_note(1975)


def test_sources_bullets_state_the_geography_and_each_anomaly():
    lines = text.sources_lines(
        ["Insee, RP 2022", "Insee, COG 2026"], 2026, 3, ["commune 50999 absente du COG"]
    )
    assert len(lines) == 4
    assert lines[:2] == ["Insee, RP 2022", "Insee, COG 2026"]
    assert_states(
        lines[2],
        "Toutes les communes",
        "Code officiel géographique 2026",
        "3 code(s) commune ont été ramenés à la géographie en vigueur",
    )
    assert lines[3] == "Anomalie de source écartée : commune 50999 absente du COG"
