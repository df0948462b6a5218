"""Maps: ratios as choropleths with stated classes, counts as proportional symbols."""

from __future__ import annotations

import warnings

import geopandas as gpd
import mapclassify
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from . import formatting  # noqa: E402
from .chart_style import add_source  # noqa: E402
from .errors import RessolError  # noqa: E402

LAMBERT_93 = "EPSG:2154"
CHOROPLETH_COLOURS = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d", "#023858"]


def class_breaks(values: pd.Series, k: int = 5) -> list[float]:
    """Upper bounds of ``k`` Fisher-Jenks classes (deterministic), rounded for the legend.

    Parameters
    ----------
    values : Series
        Values to classify (missing values ignored).
    k : int
        Number of classes (fewer if there are fewer distinct values).

    Returns
    -------
    list of float
        Increasing upper bounds; the last one is the maximum.
    """
    clean = values.dropna().to_numpy(dtype=float)
    k = min(k, len(np.unique(clean)))
    with warnings.catch_warnings():
        # mapclassify suggests numba for speed; the pure-Python path gives the same classes.
        warnings.filterwarnings("ignore", message="Numba not installed")
        classifier = mapclassify.FisherJenks(clean, k=k)
    return [float(b) for b in classifier.bins]


def legend_labels(breaks: list[float], minimum: float, unit: str, decimals: int = 0) -> list[str]:
    """French legend labels ``de 12 à 45 hab./km²`` for consecutive classes."""
    lower = [minimum, *breaks[:-1]]
    return [
        f"{formatting.number(lo, decimals)} à {formatting.number(hi, decimals)} {unit}"
        for lo, hi in zip(lower, breaks, strict=True)
    ]


SECRET_LABEL = "Secret statistique"
MISSING_LABEL = "Donnée manquante"


def draw_borders(ax, frame: gpd.GeoDataFrame, groups: pd.Series | None = None) -> None:
    """Draw group (EPCI) borders and the outline of all communes, and hide the axes.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes of the map.
    frame : GeoDataFrame
        Commune outlines with ``CODGEO``, in the map's projection.
    groups : Series, optional
        Group of each commune indexed by ``CODGEO``; a thinner line separates groups.
    """
    if groups is not None:
        frame = frame.assign(groupe=frame["CODGEO"].map(groups))
        frame.dissolve("groupe").boundary.plot(ax=ax, color="#333333", linewidth=0.9)
    frame.dissolve().boundary.plot(ax=ax, color="black", linewidth=1.6)
    ax.set_axis_off()


def _communes(count: int) -> str:
    return f"{count} commune{'s' if count > 1 else ''}"


def choropleth(
    shapes: gpd.GeoDataFrame,
    values: pd.Series,
    *,
    title: str,
    unit: str,
    source: str,
    groups: pd.Series | None = None,
    decimals: int = 0,
    secret: pd.Series | None = None,
    synthetic: bool = False,
) -> Figure:
    """A choropleth of a ratio by commune, with stated classes, group borders and outline.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines with ``CODGEO``.
    values : Series
        Ratio indexed by ``CODGEO``.
    title : str
        Map title.
    unit : str
        Unit shown in the legend.
    source : str
        Source line.
    groups : Series, optional
        Group (EPCI) of each commune indexed by ``CODGEO``; borders are drawn between groups.
    decimals : int
        Decimals in the legend.
    secret : Series of bool, optional
        Communes whose value is withheld by statistical secrecy, indexed by ``CODGEO``: shown
        dotted as « Secret statistique », apart from missing values (hatched).
    synthetic : bool
        Whether the values come from synthetic demonstration data.

    Returns
    -------
    Figure
        The map; the legend states the Fisher-Jenks classes and counts secret and missing
        communes.

    Raises
    ------
    RessolError
        If no commune has a value to show.
    """
    frame = shapes.to_crs(LAMBERT_93).copy()
    frame["valeur"] = frame["CODGEO"].map(values).astype("float64")
    hidden = pd.Series(False, index=frame.index)
    if secret is not None:
        hidden = frame["CODGEO"].map(secret).fillna(False).astype(bool)
        frame["valeur"] = frame["valeur"].where(~hidden)
    known = frame["valeur"].notna()
    if not known.any():
        raise RessolError(f"Carte « {title} » : aucune valeur publiée à représenter.")
    breaks = class_breaks(frame["valeur"])
    classes = np.searchsorted(breaks, frame.loc[known, "valeur"].to_numpy(), side="left")
    fig, ax = plt.subplots(figsize=(8, 8.6))
    colours = CHOROPLETH_COLOURS[: len(breaks)]
    frame[known].plot(
        ax=ax,
        color=[colours[min(c, len(colours) - 1)] for c in classes],
        edgecolor="white",
        linewidth=0.3,
    )
    labels = legend_labels(breaks, float(frame["valeur"].min()), unit, decimals)
    handles = [
        Patch(facecolor=c, edgecolor="#999999", label=label)
        for c, label in zip(colours, labels, strict=True)
    ]
    for mask, style, label in (
        (hidden, {"color": "#b0b0b0", "hatch": "..", "edgecolor": "#555555"}, SECRET_LABEL),
        (
            ~known & ~hidden,
            {"color": "#dddddd", "hatch": "///", "edgecolor": "white"},
            MISSING_LABEL,
        ),
    ):
        if mask.any():
            frame[mask].plot(ax=ax, linewidth=0.3, **style)
            handles.append(
                Patch(
                    facecolor=style["color"],
                    hatch=style["hatch"],
                    edgecolor="#888888",
                    label=f"{label} ({_communes(int(mask.sum()))})",
                )
            )
    draw_borders(ax, frame, groups)
    ax.set_title(title)
    ax.legend(
        handles=handles,
        title=f"{unit} (classes de Fisher-Jenks)",
        loc="lower left",
        fontsize=8,
        title_fontsize=8,
        frameon=True,
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    add_source(fig, source, synthetic=synthetic)
    return fig
