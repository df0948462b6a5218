"""Charts of the section « Dynamique de l'ESS depuis 2013 » (ESS chapter).

Three figures, each with its source line and, on the demonstration extract, the synthetic mark:
active ESS establishments each 1 January indexed to 2013 = 100 (territory and comparison
areas), creation and closure rates per year (ESS against all establishments), and survival at
three years by ESS family against all establishments.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import formatting
from .chart_style import PALETTE, add_source, percent_axis, style
from .dynamics import FIRST_YEAR, available, yearly_series
from .labels import FAMILY_LABELS
from .sources.reference import FAMILIES

ESS_COLOUR = PALETTE[0]
ALL_COLOUR = PALETTE[5]
DENOMINATOR = "établissements comptés employeurs ou non ; ESS selon l'unité légale actuelle"


def _source(indicators: pd.DataFrame) -> str:
    row = indicators[indicators["indicateur"] == "ess_taux_survie_3_ans"].iloc[0]
    return f"{row['source']} ({row['millesime']})"


def index_lines(
    series: pd.DataFrame, areas: pd.DataFrame, territory: str, source: str, synthetic: bool
) -> Figure:
    """Active ESS establishments each 1 January, first year = 100, territory and comparisons.

    Parameters
    ----------
    series : DataFrame
        Output of :func:`ressol_analysis.dynamics.yearly_series`.
    areas : DataFrame
        ``territoire_code``, ``territoire``, ``niveau`` in display order.
    territory : str
        Code of the territory (thick line; its all-establishment line is dashed).
    source : str
        Source line.
    synthetic : bool
        Whether the figures come from the synthetic demonstration extract.

    Returns
    -------
    Figure
    """
    style()
    fig, ax = plt.subplots(figsize=(9, 4.6))
    shown = areas[(areas["territoire_code"] == territory) | (areas["niveau"] == "comparaison")]
    for i, (code, name) in enumerate(
        zip(shown["territoire_code"], shown["territoire"], strict=True)
    ):
        rows = series[(series["territoire_code"] == code) & (series["champ"] == "ess")]
        main = code == territory
        ax.plot(
            rows["annee"],
            rows["indice"],
            color=PALETTE[i % len(PALETTE)],
            linewidth=2.6 if main else 1.4,
            marker="o" if main else None,
            markersize=3.5,
            label=f"{name} — ESS",
        )
    every = series[(series["territoire_code"] == territory) & (series["champ"] == "ensemble")]
    ax.plot(
        every["annee"],
        every["indice"],
        color=ALL_COLOUR,
        linestyle="--",
        linewidth=1.4,
        label=f"{shown.iloc[0]['territoire']} — tous les établissements",
    )
    ax.axhline(100, color="#999999", linewidth=0.8)
    ax.set_ylabel(f"Indice (1er janvier {FIRST_YEAR} = 100)")
    ax.set_xlabel("Établissements actifs au 1er janvier de l'année")
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: formatting.number(v)))
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    ax.set_title(f"Établissements de l'ESS actifs au 1er janvier, indice {FIRST_YEAR} = 100")
    fig.tight_layout(rect=(0, 0.08, 1, 0.95))
    add_source(fig, f"{source} ; {DENOMINATOR}", synthetic=synthetic)
    return fig


def flow_rates(series: pd.DataFrame, territory: str, source: str, synthetic: bool) -> Figure:
    """Creation and closure rates per year in one area, ESS against all establishments.

    Parameters
    ----------
    series : DataFrame
        Output of :func:`ressol_analysis.dynamics.yearly_series`.
    territory : str
        Area drawn.
    source : str
        Source line.
    synthetic : bool
        Whether the figures come from the synthetic demonstration extract.

    Returns
    -------
    Figure
        Two panels (creations, closures) per 100 establishments active on 1 January.
    """
    style()
    rows = series[(series["territoire_code"] == territory) & series["crees"].notna()]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    for ax, column, title in (
        (axes[0], "taux_creation", "Créations"),
        (axes[1], "taux_fermeture", "Fermetures"),
    ):
        for scope, colour, label in (
            ("ess", ESS_COLOUR, "ESS"),
            ("ensemble", ALL_COLOUR, "Tous les établissements"),
        ):
            part = rows[rows["champ"] == scope]
            ax.plot(
                part["annee"], part[column], color=colour, marker="o", markersize=3, label=label
            )
        ax.set_title(f"{title} pour 100 établissements actifs au 1er janvier", fontsize=9.5)
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
        percent_axis(ax.yaxis)
        ax.set_ylim(bottom=0)
    axes[0].legend(fontsize=8, frameon=False)
    fig.suptitle(
        "Créations et fermetures d'établissements chaque année",
        fontweight="bold",
        x=0.01,
        ha="left",
    )
    fig.tight_layout(rect=(0, 0.1, 1, 0.93))
    add_source(fig, f"{source} ; {DENOMINATOR}", synthetic=synthetic)
    return fig


def survival_bars(
    indicators: pd.DataFrame, territory: str, reference: str, source: str, synthetic: bool
) -> Figure:
    """Survival at three years by ESS family, against all establishments, with the reference.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table with the survival keys.
    territory, reference : str
        Area drawn as bars, and area drawn as markers (the region).
    source : str
        Source line.
    synthetic : bool
        Whether the figures come from the synthetic demonstration extract.

    Returns
    -------
    Figure
        Families without any creation in the cohorts are left out.
    """
    wide = indicators.pivot(index="territoire_code", columns="indicateur", values="valeur")
    names = indicators.drop_duplicates("territoire_code").set_index("territoire_code")["territoire"]
    keys = [
        ("Tous les établissements", "taux_survie_3_ans", "etablissements_cohortes_survie_3_ans")
    ]
    keys.append(
        ("Ensemble de l'ESS", "ess_taux_survie_3_ans", "ess_etablissements_cohortes_survie_3_ans")
    )
    keys += [
        (
            FAMILY_LABELS[f],
            f"ess_taux_survie_3_ans_{f}",
            f"ess_etablissements_cohortes_survie_3_ans_{f}",
        )
        for f in FAMILIES
    ]
    keys = [k for k in keys if wide.at[territory, k[2]] > 0]
    style()
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(keys) + 1.8))
    positions = np.arange(len(keys))
    values = np.array([wide.at[territory, k[1]] for k in keys], dtype=float)
    colours = [ALL_COLOUR] + [ESS_COLOUR] * (len(keys) - 1)
    ax.barh(positions, values, color=colours)
    marks = np.array([wide.at[reference, k[1]] for k in keys], dtype=float)
    ax.scatter(marks, positions, color="#111111", marker="|", s=160, zorder=3)
    for position, key, value, mark in zip(positions, keys, values, marks, strict=True):
        count = wide.at[territory, key[2]]
        word = "création" if count == 1 else "créations"
        ax.text(
            np.nanmax([value, mark, 0]) + 2,
            position,
            f"{formatting.percent(value, 0)} (sur {formatting.number(count)} {word})",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(positions, [k[0] for k in keys], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 140)
    ax.set_xticks(range(0, 101, 20))
    percent_axis(ax.xaxis)
    ax.set_xlabel("Part des établissements créés encore actifs trois ans après leur création")
    ax.set_title(f"Survie à trois ans — {names[territory]} (trait noir : {names[reference]})")
    fig.tight_layout(rect=(0, 0.1, 1, 0.95))
    add_source(fig, source, synthetic=synthetic)
    return fig


def figures(
    indicators: pd.DataFrame,
    areas: pd.DataFrame,
    territory: str,
    reference: str,
    synthetic: bool,
) -> list[tuple[Figure, str]]:
    """The section's three figures with their alternative texts, in reading order.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table (``Diagnostic.indicators``).
    areas : DataFrame
        ``Diagnostic.areas``.
    territory, reference : str
        Codes of the territory and of the reference area (the region).
    synthetic : bool
        Whether the figures come from the synthetic demonstration extract.

    Returns
    -------
    list of (Figure, str)
        Empty without dynamics (:func:`ressol_analysis.dynamics.available`).
    """
    if not available(indicators):
        return []
    source = _source(indicators)
    series = yearly_series(indicators)
    name = areas.set_index("territoire_code").at[territory, "territoire"]
    return [
        (
            index_lines(series, areas, territory, source, synthetic),
            f"Courbes : établissements de l'ESS actifs au 1er janvier de chaque année depuis "
            f"{FIRST_YEAR}, en indice, pour {name} et les zones de comparaison.",
        ),
        (
            flow_rates(series, territory, source, synthetic),
            f"Courbes : taux de création et de fermeture d'établissements chaque année, ESS et "
            f"ensemble, pour {name}.",
        ),
        (
            survival_bars(indicators, territory, reference, source, synthetic),
            f"Barres : part des établissements créés encore actifs trois ans après, par famille "
            f"de l'ESS et pour tous les établissements, pour {name}.",
        ),
    ]
