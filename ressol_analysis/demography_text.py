"""French findings, tables and captions of the demography chapter, from the indicators.

Every figure comes from the tables passed in (never a hard-coded number); tables come out as
HTML with their title, French formats, source line and note
(:func:`ressol_analysis.formatting.html_table`).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from .formatting import html_table, number, percent

KEY_FIGURES = [
    "population",
    "superficie_km2",
    "densite_hab_km2",
    "part_moins_15_ans",
    "part_60_ans_plus",
    "part_75_ans_plus",
]
AGE_KEYS = [
    "part_moins_15_ans",
    "part_15_29_ans",
    "part_30_44_ans",
    "part_45_59_ans",
    "part_60_74_ans",
    "part_75_89_ans",
    "part_90_ans_plus",
    "part_60_ans_plus",
    "part_75_ans_plus",
    "indice_de_vieillissement",
]
ESTIMATE_KEYS = [
    "part_moins_20_ans",
    "part_60_ans_plus_estimations",
    "part_65_ans_plus_estimations",
]
SOURCE_KEYS = [
    "rp_ages",
    "comparateur",
    "populations_legales",
    "estimations_quinquennales",
    "cog_communes",
    "cog_mouvements",
    "epci",
]
GROWTH_ALT = (
    "Diagramme en barres : évolution annuelle moyenne de la population de chaque zone, par "
    "période intercensitaire."
)
AGES_ALT = (
    "Diagramme en barres horizontales : part de chaque tranche d'âge (0-14 ans à 90 ans ou "
    "plus) dans la population du territoire, de ses intercommunalités et des zones de "
    "comparaison."
)
DENSITY_ALT = (
    "Carte des communes du territoire colorées selon leur densité de population en cinq "
    "classes, avec les limites des intercommunalités."
)


def _one_decimal(value: object) -> str:
    return number(value, 1)


def sources_of(source: Callable[[str], str], keys: list[str]) -> str:
    """The source lines of several indicator keys, each file once, in order (`` ; ``)."""
    return " ; ".join(dict.fromkeys(source(key) for key in keys))


def key_figures_table(wide: pd.DataFrame, year: int, source: Callable[[str], str]) -> str:
    """Population, area, density and age shares of every area, as an HTML table.

    Parameters
    ----------
    wide : DataFrame
        ``Diagnostic.wide(KEY_FIGURES)``: ``territoire`` and the keys of :data:`KEY_FIGURES`.
    year : int
        Census year of the populations.
    source : callable
        Source line of an indicator key (``Diagnostic.source``): the table cites the files
        of its columns (population and area, age bands).

    Returns
    -------
    str
        The table with its title, source and note.
    """
    population = f"Population {year}"
    table = wide[["territoire", *KEY_FIGURES]].rename(
        columns={
            "territoire": "Territoire",
            "population": population,
            "superficie_km2": "Superficie (km²)",
            "densite_hab_km2": "Densité (hab./km²)",
            "part_moins_15_ans": "Moins de 15 ans",
            "part_60_ans_plus": "60 ans ou plus",
            "part_75_ans_plus": "75 ans ou plus",
        }
    )
    formats = {
        population: number,
        "Superficie (km²)": number,
        "Densité (hab./km²)": _one_decimal,
        "Moins de 15 ans": percent,
        "60 ans ou plus": percent,
        "75 ans ou plus": percent,
    }
    return html_table(
        table,
        formats,
        title=f"Population, superficie, densité et âges en {year}",
        source=sources_of(source, KEY_FIGURES),
        note="Parts en pourcentage de la population municipale du recensement. Superficie : "
        "Insee (SUPERF).",
    )


def estimates_source(first: int, last: int) -> str:
    """Source line of the population estimates since ``first``."""
    return f"Insee, estimations de population au 1er janvier, {first}-{last} ; départements entiers"


def estimates_alt(series: pd.DataFrame, names: dict[str, str]) -> str:
    """Alternative text of the chart of population estimates (areas named, first year = 100).

    Parameters
    ----------
    series : DataFrame
        Output of :func:`ressol_analysis.demography.estimated_series`.
    names : dict
        Area code → name, in display order.

    Returns
    -------
    str
        One French sentence.
    """
    first, last = int(series["annee"].min()), int(series["annee"].max())
    shown = set(series["territoire_code"])
    areas = [name for code, name in names.items() if code in shown]
    listed = " et ".join([", ".join(areas[:-1]), areas[-1]]) if len(areas) > 1 else areas[0]
    return (
        f"Courbes : population estimée de {first} à {last}, indice 100 en {first}, pour {listed}."
    )


def estimates_note(first: int) -> str:
    """Why the territory itself has no population estimate."""
    return (
        "Les estimations annuelles de l'Insee n'existent que pour les départements et les "
        f"régions : le territoire lui-même n'y figure pas. Elles montrent la tendance longue "
        f"depuis {first}."
    )


def ages_table(ages: pd.DataFrame, year: int, source: str) -> str:
    """Young and old people of every area, and the ageing index, as an HTML table.

    Parameters
    ----------
    ages : DataFrame
        ``Diagnostic.wide(AGE_KEYS)``.
    year : int
        Census year of the age bands' populations.
    source : str
        Source line.

    Returns
    -------
    str
        The table with its title, source and the definition of the ageing index.
    """
    table = ages[
        [
            "territoire",
            "part_moins_15_ans",
            "part_60_ans_plus",
            "part_75_ans_plus",
            "indice_de_vieillissement",
        ]
    ].rename(
        columns={
            "territoire": "Territoire",
            "part_moins_15_ans": "Moins de 15 ans",
            "part_60_ans_plus": "60 ans ou plus",
            "part_75_ans_plus": "75 ans ou plus",
            "indice_de_vieillissement": "Indice de vieillissement",
        }
    )
    formats = {
        "Moins de 15 ans": percent,
        "60 ans ou plus": percent,
        "75 ans ou plus": percent,
        "Indice de vieillissement": number,
    }
    return html_table(
        table,
        formats,
        title=f"Jeunes et aînés en {year}",
        source=source,
        note="Indice de vieillissement : nombre de personnes de 60 ans ou plus pour 100 "
        "personnes de moins de 15 ans (l'indice usuel de l'Insee, 65 ans ou plus pour 100 moins "
        "de 20 ans, ne peut pas être calculé avec les tranches du recensement communal).",
    )


def estimates_table(wide: pd.DataFrame, year: int, source: str) -> str:
    """Under-20, 60+ and 65+ shares from the population estimates, for whole départements.

    Parameters
    ----------
    wide : DataFrame
        ``Diagnostic.wide(ESTIMATE_KEYS)``; areas without estimates are left out.
    year : int
        Year of the estimates (1 January).
    source : str
        Source line.

    Returns
    -------
    str
        The HTML table.
    """
    estimated = wide.dropna(subset=["part_moins_20_ans"])
    table = estimated[["territoire", *ESTIMATE_KEYS]].rename(
        columns={
            "territoire": "Zone",
            "part_moins_20_ans": "Moins de 20 ans",
            "part_60_ans_plus_estimations": "60 ans ou plus",
            "part_65_ans_plus_estimations": "65 ans ou plus",
        }
    )
    return html_table(
        table,
        {"Moins de 20 ans": percent, "60 ans ou plus": percent, "65 ans ou plus": percent},
        title=f"Moins de 20 ans, 60 et 65 ans ou plus au 1er janvier {year} (estimations)",
        source=source,
        note="Autre source, autre date : ces estimations existent seulement pour les "
        "départements et les régions. Les tranches d'âge du recensement par commune livrées ici "
        "(0-14, 15-29, 30-44, 45-59, 60-74, 75-89, 90 ans ou plus) ne coupent ni à 20 ni à 65 "
        "ans : les parts des moins de 20 ans et des 65 ans ou plus ne peuvent pas être "
        "calculées pour le territoire.",
    )


def communes_table(
    communes: pd.DataFrame, year: int, source: Callable[[str], str], count: int = 15
) -> str:
    """The most populated communes of the territory, as an HTML table.

    Parameters
    ----------
    communes : DataFrame
        Output of :func:`ressol_analysis.demography.commune_table` (largest first).
    year : int
        Census year.
    source : callable
        Source line of an indicator key (``Diagnostic.source``).
    count : int
        Number of communes shown.

    Returns
    -------
    str
        The HTML table.
    """
    population = f"Population {year}"
    columns = ["LIBELLE", "EPCI_NOM", "population", "densite_hab_km2", "part_60_ans_plus"]
    table = communes.head(count)[columns].rename(
        columns={
            "LIBELLE": "Commune",
            "EPCI_NOM": "Intercommunalité",
            "population": population,
            "densite_hab_km2": "Densité (hab./km²)",
            "part_60_ans_plus": "60 ans ou plus",
        }
    )
    return html_table(
        table,
        {population: number, "Densité (hab./km²)": _one_decimal, "60 ans ou plus": percent},
        title=f"Les {count} communes les plus peuplées (sur {len(communes)})",
        source=sources_of(source, ["population", "superficie_km2", "part_60_ans_plus"]),
        note="Les autres communes figurent sur la carte des densités ; le fichier "
        "indicateurs.csv joint au rapport décrit les zones (territoire, intercommunalités, "
        "comparaisons), pas les communes.",
    )


def sources_lines(sources: list[str], cog: int, moved: int, anomalies: list[str]) -> list[str]:
    """The « Sources et définitions » bullets of the chapter.

    Parameters
    ----------
    sources : list of str
        One line per raw file (``Diagnostic.source_list(SOURCE_KEYS)``).
    cog : int
        Year of the COG the communes are expressed in.
    moved : int
        Number of commune codes moved to the current COG.
    anomalies : list of str
        Anomalies of the source files that were left out (``Diagnostic.source_anomalies``).

    Returns
    -------
    list of str
        Markdown bullets.
    """
    return [
        *sources,
        f"Toutes les communes sont exprimées dans le Code officiel géographique {cog} ; "
        f"{moved} code(s) commune ont été ramenés à la géographie en vigueur.",
        *(f"Anomalie de source écartée : {a}" for a in anomalies),
    ]
