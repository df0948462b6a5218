"""Maps: the scaffold every map shares, and ratios as choropleths with stated classes.

Every map is drawn in Lambert-93 on a figure from :func:`map_figure`, fills its ratios in
Fisher-Jenks classes with :func:`fill_classes`, draws the EPCI borders and the territory's
outline with :func:`draw_borders`, and ends with :func:`finish_map` (layout and source line).
Counts are drawn as proportional circles with :func:`proportional_circles`.
"""

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
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from . import formatting  # noqa: E402
from .chart_style import add_source, style  # noqa: E402
from .errors import RessolError  # noqa: E402

LAMBERT_93 = "EPSG:2154"
CHOROPLETH_COLOURS = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d", "#023858"]
MAP_SIZE = (8, 8.6)


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
    """Plain French legend labels: ``moins de 12 %``, ``de 12 à 45 %``, ``45 % ou plus``.

    The first class reads « moins de » its upper bound, the last « ou plus » from its lower
    bound, the others « de … à … »; a single class reads « de … à … » (``minimum`` to its
    bound).
    """
    if len(breaks) == 1:
        low, high = (formatting.number(v, decimals) for v in (minimum, breaks[0]))
        return [f"de {low} à {high} {unit}"]
    lower = [minimum, *breaks[:-1]]
    labels = []
    for index, (lo, hi) in enumerate(zip(lower, breaks, strict=True)):
        if index == 0 and formatting.number(hi, decimals) == formatting.number(lo, decimals):
            labels.append(f"{formatting.number(hi, decimals)} {unit}")
        elif index == 0:
            labels.append(f"moins de {formatting.number(hi, decimals)} {unit}")
        elif index == len(breaks) - 1:
            labels.append(f"{formatting.number(lo, decimals)} {unit} ou plus")
        else:
            labels.append(
                f"de {formatting.number(lo, decimals)} à {formatting.number(hi, decimals)} {unit}"
            )
    return labels


def label_communes(ax, frame: gpd.GeoDataFrame, names: pd.Series) -> None:
    """Write the names of some communes on a map, on a light box at their centre.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes of the map.
    frame : GeoDataFrame
        Commune outlines with ``CODGEO``, in the map's projection.
    names : Series
        Name of each commune to label, indexed by ``CODGEO`` (the main communes only: a map
        with every name is unreadable).
    """
    centres = frame.set_index("CODGEO").representative_point()
    for code, name in names.items():
        if code not in centres.index:
            continue
        ax.annotate(
            str(name),
            (centres[code].x, centres[code].y),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=7.5,
            zorder=6,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )


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


def _nice(value: float) -> float:
    """Round a legend value down to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 0.0
    power = 10 ** np.floor(np.log10(value))
    return float(max(m for m in (1, 2, 5, 10) if m * power <= value) * power)


def circle_legend_values(maximum: float) -> list[float]:
    """Three round values for the legend of proportional circles, the largest ≤ ``maximum``.

    Parameters
    ----------
    maximum : float
        Largest value drawn.

    Returns
    -------
    list of float
        Distinct increasing values (``[200, 500, 2000]`` for 2 345); empty for 0.
    """
    top = _nice(maximum)
    values = sorted({_nice(top / 10), _nice(top / 3), top} - {0.0})
    return values


def proportional_circles(
    ax,
    x: np.ndarray,
    y: np.ndarray,
    values: pd.Series,
    colour: str,
    edge: str,
    unit: str,
    *,
    max_area: float = 1400.0,
) -> list[Line2D]:
    """Draw counts as circles whose area is proportional to them; return the legend entries.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes of the map.
    x, y : array
        Position of each circle, in the map's projection.
    values : Series
        Count at each position (same order); a missing (secret) or zero value draws no circle.
    colour, edge : str
        Fill and outline colours of the circles.
    unit : str
        Unit written in the legend (``emplois``).
    max_area : float
        Area of the largest circle, in points².

    Returns
    -------
    list of Line2D
        Legend entries for :func:`circle_legend_values` of the largest value; empty when no
        circle is drawn.
    """
    values = pd.Series(values, dtype=float).reset_index(drop=True)
    values = values.where(values > 0)
    maximum = float(values.max()) if values.notna().any() else 0.0
    if maximum <= 0:
        return []
    sizes = (max_area * values / maximum).fillna(0.0)
    order = np.argsort(-sizes.to_numpy())  # small circles drawn over large ones
    ax.scatter(
        np.asarray(x)[order],
        np.asarray(y)[order],
        s=sizes.to_numpy()[order],
        color=colour,
        alpha=0.75,
        edgecolor=edge,
        linewidth=0.6,
        zorder=3,
    )
    return [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=np.sqrt(max_area * v / maximum),
            markerfacecolor=colour,
            markeredgecolor=edge,
            alpha=0.75,
            label=f"{formatting.number(v)} {unit}",
        )
        for v in circle_legend_values(maximum)
    ]


def map_figure(
    shapes: gpd.GeoDataFrame, size: tuple[float, float] = MAP_SIZE
) -> tuple[gpd.GeoDataFrame, Figure, plt.Axes]:
    """Start a map: the report's style, the communes in Lambert-93, an empty figure.

    Parameters
    ----------
    shapes : GeoDataFrame
        Commune outlines (any projection).
    size : tuple of float
        Figure size in inches.

    Returns
    -------
    tuple
        The communes projected (a copy), the figure and its axes.
    """
    style()
    frame = shapes.to_crs(LAMBERT_93).copy()
    fig, ax = plt.subplots(figsize=size)
    return frame, fig, ax


def fill_classes(
    ax, frame: gpd.GeoDataFrame, values: pd.Series, unit: str, decimals: int = 0
) -> list[Patch]:
    """Colour communes by Fisher-Jenks classes of a ratio, and return the legend entries.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes of the map.
    frame : GeoDataFrame
        Communes of the map (projected).
    values : Series
        Ratio of the communes to colour, indexed like ``frame``, without missing values.
    unit : str
        Unit shown in the legend.
    decimals : int
        Decimals in the legend.

    Returns
    -------
    list of Patch
        One legend entry per class (``12 à 45 hab./km²``).
    """
    breaks = class_breaks(values)
    colours = CHOROPLETH_COLOURS[: len(breaks)]
    classes = np.searchsorted(breaks, values.to_numpy(), side="left")
    frame.loc[values.index].plot(
        ax=ax,
        color=[colours[min(c, len(colours) - 1)] for c in classes],
        edgecolor="white",
        linewidth=0.3,
    )
    labels = legend_labels(breaks, float(values.min()), unit, decimals)
    return [
        Patch(facecolor=c, edgecolor="#999999", label=label)
        for c, label in zip(colours, labels, strict=True)
    ]


def head_and_legends(
    ax,
    title: str,
    subtitle: str,
    fills: list[Patch],
    fill_title: str,
    circles: list[Line2D],
    circle_title: str,
) -> None:
    """Title and subtitle of a map of circles over a choropleth, and its two legends.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes of the map.
    title, subtitle : str
        Map title, and the line under it (the whole area's figure).
    fills, fill_title : list of Patch, str
        Legend of the colours (lower left) and its title.
    circles, circle_title : list of Line2D, str
        Legend of the circles (upper right), left out when there is no circle.
    """
    ax.set_axis_off()
    ax.set_title(title, pad=22)
    ax.text(0.5, 1.005, subtitle, transform=ax.transAxes, ha="center", va="bottom", fontsize=9)
    first = ax.legend(
        handles=fills,
        title=fill_title,
        loc="lower left",
        fontsize=8,
        title_fontsize=8,
        frameon=True,
    )
    if circles:
        ax.add_artist(first)
        ax.legend(
            handles=circles,
            title=circle_title,
            loc="upper right",
            fontsize=8,
            title_fontsize=8,
            frameon=True,
            labelspacing=2.2,
            borderpad=1.2,
            handletextpad=1.5,
        )


def finish_map(
    fig: Figure, source: str, *, synthetic: bool = False, bottom: float = 0.04, top: float = 1.0
) -> Figure:
    """Lay the map out, leaving room for its source line, and write the source.

    Parameters
    ----------
    fig : Figure
        The map.
    source : str
        Source line (with the outlines' source).
    synthetic : bool
        Whether the values come from synthetic demonstration data (red mark).
    bottom, top : float
        Part of the figure left free below (source, legend) and used above.

    Returns
    -------
    Figure
        ``fig``.
    """
    fig.tight_layout(rect=(0, bottom, 1, top))
    add_source(fig, source, synthetic=synthetic)
    return fig


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
    names: pd.Series | None = None,
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
    names : Series, optional
        Names of the main communes, indexed by ``CODGEO``, written on the map.

    Returns
    -------
    Figure
        The map; the legend states the classes in plain words (« moins de 2 % ») and counts
        secret and missing communes.

    Raises
    ------
    RessolError
        If no commune has a value to show.
    """
    frame, fig, ax = map_figure(shapes)
    frame["valeur"] = frame["CODGEO"].map(values).astype("float64")
    hidden = pd.Series(False, index=frame.index)
    if secret is not None:
        hidden = frame["CODGEO"].map(secret).fillna(False).astype(bool)
        frame["valeur"] = frame["valeur"].where(~hidden)
    known = frame["valeur"].notna()
    if not known.any():
        raise RessolError(f"Carte « {title} » : aucune valeur publiée à représenter.")
    handles = fill_classes(ax, frame, frame.loc[known, "valeur"], unit, decimals)
    for mask, look, label in (
        (hidden, {"color": "#b0b0b0", "hatch": "..", "edgecolor": "#555555"}, SECRET_LABEL),
        (
            ~known & ~hidden,
            {"color": "#dddddd", "hatch": "///", "edgecolor": "white"},
            MISSING_LABEL,
        ),
    ):
        if mask.any():
            frame[mask].plot(ax=ax, linewidth=0.3, **look)
            handles.append(
                Patch(
                    facecolor=look["color"],
                    hatch=look["hatch"],
                    edgecolor="#888888",
                    label=f"{label} ({_communes(int(mask.sum()))})",
                )
            )
    draw_borders(ax, frame, groups)
    if names is not None:
        label_communes(ax, frame, names)
    ax.set_title(title)
    ax.legend(
        handles=handles,
        title=unit,
        loc="lower left",
        fontsize=8,
        title_fontsize=8,
        frameon=True,
    )
    return finish_map(fig, source, synthetic=synthetic)
