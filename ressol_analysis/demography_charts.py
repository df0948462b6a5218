"""Charts of the demography chapter: age structure, growth, population since 1975, density."""

from __future__ import annotations

import textwrap

import geopandas as gpd
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from . import formatting
from .chart_style import PALETTE, add_source, percent_axis, style
from .demography import AGE_BANDS, AGE_LABELS
from .maps import choropleth

MAP_NAMES = 8  # communes named on the density map, the most populous


def age_structure(ages: pd.DataFrame, source: str) -> Figure:
    """Grouped horizontal bars of the census age bands, one colour per area.

    Parameters
    ----------
    ages : DataFrame
        Output of :func:`ressol_analysis.demography.age_structure` (one row per area).
    source : str
        Source line.

    Returns
    -------
    Figure
        The chart.
    """
    style()
    keys = [f"part_{k}" for k in AGE_BANDS.values()]
    labels = list(AGE_LABELS.values())
    n = len(ages)
    fig, ax = plt.subplots(figsize=(9, 5.8))
    height = 0.8 / n
    for i, (_, row) in enumerate(ages.iterrows()):
        positions = [b + (n - 1 - i) * height - 0.4 + height / 2 for b in range(len(keys))]
        ax.barh(
            positions,
            [row[k] for k in keys],
            height=height,
            color=PALETTE[i % 7],
            label=row["territoire"],
        )
    ax.set_yticks(range(len(keys)), labels)
    ax.invert_yaxis()
    percent_axis(ax.xaxis)
    ax.set_xlabel("Part de la population (%)")
    ax.set_title("Structure par âge de la population")
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    add_source(fig, source)
    return fig


def growth_rates(population: pd.DataFrame, source: str) -> Figure:
    """Bars of the annual growth rate of population for each period, one group per area.

    Parameters
    ----------
    population : DataFrame
        Output of :func:`ressol_analysis.demography.population_indicators`.
    source : str
        Source line.

    Returns
    -------
    Figure
        The chart.
    """
    style()
    periods = [c for c in population.columns if c.startswith("taux_evolution_annuel_")]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    n = len(periods)
    width = 0.8 / n
    x = range(len(population))
    for j, period in enumerate(periods):
        start, end = period.rsplit("_", 2)[-2:]
        values = population[period]
        bars = ax.bar(
            [i - 0.4 + width * (j + 0.5) for i in x],
            values,
            width=width,
            color=PALETTE[j],
            label=f"{start}-{end}",
        )
        for bar, value in zip(bars, values, strict=True):
            ax.annotate(
                formatting.signed_percent(value, 2),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom" if value >= 0 else "top",
                fontsize=7,
            )
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_xticks(list(x), [textwrap.fill(t, 16) for t in population["territoire"]], fontsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: formatting.signed_percent(v, 2)))
    ax.set_ylabel("Évolution annuelle moyenne")
    ax.set_title("Évolution annuelle moyenne de la population")
    ax.legend(frameon=False, title="Période")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    add_source(fig, source)
    return fig


def estimated_population(series: pd.DataFrame, names: dict[str, str], source: str) -> Figure:
    """Population since 1975 as an index (first year = 100), one line per area.

    Parameters
    ----------
    series : DataFrame
        Output of :func:`ressol_analysis.demography.estimated_series`.
    names : dict
        Area code → name.
    source : str
        Source line.

    Returns
    -------
    Figure
        The chart.
    """
    style()
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for i, (code, group) in enumerate(series.groupby("territoire_code", sort=False)):
        group = group.sort_values("annee")
        base = group["population_estimee"].iloc[0]
        ax.plot(
            group["annee"],
            100 * group["population_estimee"] / base,
            color=PALETTE[i + 4],
            label=names.get(code, code),
            linewidth=2,
        )
    first = int(series["annee"].min())
    ax.axhline(100, color="#999999", linewidth=0.8, linestyle="--")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: formatting.number(v, 0)))
    ax.set_ylabel(f"Indice (population {first} = 100)")
    ax.set_title(f"Population estimée au 1er janvier depuis {first}")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    add_source(fig, source)
    return fig


def density_map(shapes: gpd.GeoDataFrame, communes: pd.DataFrame, year: int, source: str) -> Figure:
    """Choropleth of the population density of the communes, EPCI borders drawn.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO`` and ``EPCI`` (``Diagnostic.geometry()``).
    communes : DataFrame
        Output of :func:`ressol_analysis.demography.commune_table`.
    year : int
        Census year.
    source : str
        Source line (with the outlines' source).

    Returns
    -------
    Figure
        The map (classes in plain words), the most populous communes named.
    """
    return choropleth(
        shapes,
        communes.set_index("CODGEO")["densite_hab_km2"],
        title=f"Densité de population par commune en {year}",
        unit="hab./km²",
        source=source,
        groups=shapes.set_index("CODGEO")["EPCI"],
        names=communes.nlargest(MAP_NAMES, "population").set_index("CODGEO")["LIBELLE"],
    )
