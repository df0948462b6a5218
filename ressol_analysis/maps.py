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
from .charts import add_source  # noqa: E402

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


def choropleth(
    shapes: gpd.GeoDataFrame,
    values: pd.Series,
    *,
    title: str,
    unit: str,
    source: str,
    groups: pd.Series | None = None,
    decimals: int = 0,
    classification: str = "Fisher-Jenks",
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
    classification : str
        Name of the classification, stated in the legend title.
    synthetic : bool
        Whether the values come from synthetic demonstration data.

    Returns
    -------
    Figure
        The map.
    """
    frame = shapes.to_crs(LAMBERT_93).copy()
    frame["valeur"] = frame["CODGEO"].map(values)
    breaks = class_breaks(frame["valeur"])
    classes = np.searchsorted(breaks, frame["valeur"].to_numpy(), side="left")
    fig, ax = plt.subplots(figsize=(8, 8.6))
    colours = CHOROPLETH_COLOURS[: len(breaks)]
    missing = frame["valeur"].isna()
    frame.loc[~missing].plot(
        ax=ax,
        color=[colours[min(c, len(colours) - 1)] for c in classes[~missing.to_numpy()]],
        edgecolor="white",
        linewidth=0.3,
    )
    handles = [
        Patch(facecolor=c, edgecolor="#999999", label=label)
        for c, label in zip(
            colours,
            legend_labels(breaks, float(frame["valeur"].min()), unit, decimals),
            strict=True,
        )
    ]
    if missing.any():
        frame.loc[missing].plot(ax=ax, color="#dddddd", hatch="///", edgecolor="white")
        handles.append(Patch(facecolor="#dddddd", hatch="///", label="Donnée manquante"))
    if groups is not None:
        frame["groupe"] = frame["CODGEO"].map(groups)
        frame.dissolve("groupe").boundary.plot(ax=ax, color="#333333", linewidth=0.9)
    frame.dissolve().boundary.plot(ax=ax, color="black", linewidth=1.6)
    ax.set_axis_off()
    ax.set_title(title)
    ax.legend(
        handles=handles,
        title=f"{unit} (classes {classification})",
        loc="lower left",
        fontsize=8,
        title_fontsize=8,
        frameon=True,
    )
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    add_source(fig, source, synthetic=synthetic)
    return fig
