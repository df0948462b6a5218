"""The communication kit drawn with matplotlib: a one-page A4 and a square card.

Inputs are the tables of :mod:`ressol_analysis.kit` (figures already formatted from the run's
indicator table) and the commune outlines for the map; nothing here computes a number. Sizes are
chosen for reading: on the A4 page, key figures in 24 pt and text from 9 pt (sources 6.5 pt, as
footnotes); on the 1080 × 1080 card, seen on a phone at about a third of its size, no text under
15 pt (about 20 px) and the figures in 64 pt. Colours keep a contrast ratio above 4.5:1 with
their background (WCAG AA).
"""

from __future__ import annotations

import textwrap

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch, Patch, Rectangle  # noqa: E402

from .labels import SYNTHETIC_MARK  # noqa: E402
from .maps import LAMBERT_93  # noqa: E402

PRIMARY = "#1b6f8a"  # 5.6:1 on white
TERRITORY_FILL = "#9ccbdb"
CONTEXT_FILL = "#e4e8eb"
TILE_FILL = "#eef4f7"
RULE = "#c9d6de"
TEXT = "#1f2328"
MUTED = "#3d4650"  # 9.6:1 on white
ALERT = "#b00020"  # 7.6:1 with white text
A4_INCHES = (210 / 25.4, 297 / 25.4)
PAGE_DPI = 300
CARD_PIXELS = 1080
CARD_DPI = 100
DEMO_NOTE = "ces chiffres ne décrivent pas le territoire réel"


def _title_size(text: str, base: float, fits: int) -> float:
    """``base`` points, reduced for a title longer than ``fits`` characters."""
    return base if len(text) <= fits else max(base * 0.6, base * fits / len(text))


def _text(fig: Figure, x: float, y: float, text: str, **style) -> None:
    fig.text(x, y, text, color=style.pop("color", TEXT), **style)


def _banner(fig: Figure, y: float, height: float, text: str, size: float) -> None:
    fig.add_artist(Rectangle((0, y), 1, height, transform=fig.transFigure, color=ALERT))
    _text(fig, 0.5, y + height / 2, text, ha="center", va="center", fontsize=size,
          color="white", fontweight="bold")  # fmt: skip


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) if text else []


def _tile_blocks(row: pd.Series) -> list[tuple[list[str], float, dict]]:
    """Text blocks of a tile, top to bottom: lines, font size (pt) and style."""
    label = _lines(row["libelle"], 46) + _lines(
        f"({row['fourchette']})" if row["fourchette"] else "", 46
    )
    return [
        ([row["texte"]], 22, {"fontweight": "bold", "color": PRIMARY}),
        (label, 10, {}),
        (_lines(row["comparaison"], 54), 9, {"color": MUTED}),
    ]  # fmt: skip


def _block_height(blocks: list[tuple[list[str], float, dict]], fig_height: float) -> float:
    """Height of stacked blocks in figure fraction (1.2 line spacing, 3 pt between blocks)."""
    points = sum(len(lines) * size * 1.2 + 3 for lines, size, _ in blocks if lines)
    return points / 72 / fig_height


def _tile(fig: Figure, box: tuple[float, float, float, float], row: pd.Series) -> None:
    x, y, w, h = box
    fig.add_artist(
        FancyBboxPatch(
            (x, y), w, h, boxstyle="round,pad=0,rounding_size=0.012",
            transform=fig.transFigure, facecolor=TILE_FILL, edgecolor="none",
        )
    )  # fmt: skip
    height = fig.get_figheight()
    cursor = y + h - 0.012
    for lines, size, style in _tile_blocks(row):
        if not lines:
            continue
        _text(fig, x + 0.018, cursor, "\n".join(lines), ha="left", va="top", fontsize=size,
              linespacing=1.2, **style)  # fmt: skip
        cursor -= _block_height([(lines, size, style)], height)


def _map(ax, shapes: gpd.GeoDataFrame, zones: pd.DataFrame, context_name: str, name: str) -> None:
    frame = shapes.to_crs(LAMBERT_93)
    inside = frame[frame["zone"].notna()].dissolve("zone").reset_index()
    xmin, ymin, xmax, ymax = inside.total_bounds
    margin = 0.3 * max(xmax - xmin, ymax - ymin)
    frame.plot(ax=ax, color=CONTEXT_FILL, edgecolor="white", linewidth=0.3)
    frame.dissolve().boundary.plot(ax=ax, color="#8a949c", linewidth=0.8)
    inside.plot(ax=ax, color=TERRITORY_FILL, edgecolor="white", linewidth=2.0)
    inside.dissolve().boundary.plot(ax=ax, color=PRIMARY, linewidth=1.6)
    values = zones.set_index("zone")
    points = inside.representative_point()
    ax.scatter(points.x, points.y, s=28, color=PRIMARY, edgecolor="white", zorder=4)
    # Names and values stand to the right of the map, joined to their zone by a line, in the
    # north-to-south order of the zones, so that they never overlap whatever the shapes.
    order = sorted(range(len(inside)), key=lambda i: -points.iloc[i].y)
    for rank, i in enumerate(order):
        zone = inside["zone"].iloc[i]
        label = f"{textwrap.fill(values.at[zone, 'nom'], 26)}\n{values.at[zone, 'texte']}"
        ax.annotate(
            label, xy=(points.iloc[i].x, points.iloc[i].y), xycoords="data",
            xytext=(1.06, 0.92 - rank * min(0.24, 0.8 / max(len(order), 1))),
            textcoords="axes fraction", ha="left", va="top", fontsize=10, color=TEXT,
            linespacing=1.2, annotation_clip=False,
            arrowprops={"arrowstyle": "-", "color": MUTED, "linewidth": 0.8,
                        "shrinkA": 2, "shrinkB": 4},
        )  # fmt: skip
    ax.set_xlim(xmin - margin, xmax + margin)
    ax.set_ylim(ymin - margin / 2, ymax + margin / 2)
    ax.set_aspect("equal")
    # A framed window on the département: the context is cut by the frame, not by nothing.
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(RULE)
    ax.legend(
        handles=[
            Patch(facecolor=TERRITORY_FILL, edgecolor=PRIMARY, label=name),
            Patch(facecolor=CONTEXT_FILL, edgecolor="#8a949c", label=f"Reste de {context_name}"),
        ],
        loc="lower left", bbox_to_anchor=(1.04, 0.0), fontsize=9.5, frameon=False,
    )  # fmt: skip


def kit_page(
    figures: pd.DataFrame,
    shapes: gpd.GeoDataFrame,
    zones: pd.DataFrame,
    *,
    title: str,
    network: str,
    sources: str,
    context_name: str,
    synthetic: bool,
) -> Figure:
    """The one-page A4 « L'ESS en <territoire> ».

    Parameters
    ----------
    figures : DataFrame
        Output of :func:`ressol_analysis.kit.key_figures` (six to eight rows).
    shapes : GeoDataFrame
        Commune outlines of the map's context (the département) with ``zone``: the zone code
        of the communes of the territory, missing elsewhere.
    zones : DataFrame
        Output of :func:`ressol_analysis.kit.zone_values` for the zones of ``shapes``.
    title : str
        Territory name (« L'ESS en <title> »).
    network : str
        Name of the network that publishes the page.
    sources : str
        Sources paragraph (:func:`ressol_analysis.kit.sources_text` and the outlines).
    context_name : str
        Name of the map's context area (« Reste de <context_name> »).
    synthetic : bool
        Whether any figure is synthetic: the demonstration mark is then printed under the
        title.

    Returns
    -------
    Figure
        A4 portrait (210 × 297 mm).
    """
    if not 6 <= len(figures) <= 8:
        raise ValueError(f"kit_page takes six to eight figures, not {len(figures)}")
    fig = plt.figure(figsize=A4_INCHES)
    fig.add_artist(Rectangle((0, 0.885), 1, 0.115, transform=fig.transFigure, color=PRIMARY))
    heading = f"L'ESS en {title}"
    _text(fig, 0.06, 0.948, heading, ha="left", va="center",
          fontsize=_title_size(heading, 26, 32), fontweight="bold", color="white")  # fmt: skip
    _text(fig, 0.06, 0.905, f"L'économie sociale et solidaire en chiffres clés · {network}",
          ha="left", va="center", fontsize=12.5, color="white")  # fmt: skip
    top = 0.87
    if synthetic:
        _banner(fig, 0.842, 0.032, f"{SYNTHETIC_MARK} — {DEMO_NOTE}", 11.5)
        top = 0.83
    rows = (len(figures) + 1) // 2
    gap = 0.012
    height = 0.018 + max(
        _block_height(_tile_blocks(row), A4_INCHES[1]) for _, row in figures.iterrows()
    )
    for i, (_, row) in enumerate(figures.iterrows()):
        x = 0.06 if i % 2 == 0 else 0.51
        y = top - (i // 2 + 1) * (height + gap) + gap
        _tile(fig, (x, y, 0.43, height), row)
    map_top = top - rows * (height + gap) - 0.012
    title_map = "Part de l'ESS dans l'emploi salarié estimé" + (
        ", par intercommunalité" if len(zones) > 1 else ""
    )
    _text(fig, 0.06, map_top, title_map, ha="left", va="top", fontsize=12,
          fontweight="bold")  # fmt: skip
    ax = fig.add_axes((0.06, 0.115, 0.5, map_top - 0.145))
    _map(ax, shapes, zones, context_name, title)
    _text(fig, 0.06, 0.098, textwrap.fill(sources, 150), ha="left", va="top", fontsize=6.5,
          color=MUTED, linespacing=1.25)  # fmt: skip
    _text(fig, 0.06, 0.018, f"Une publication {network}", ha="left", va="bottom", fontsize=9,
          fontweight="bold", color=PRIMARY)  # fmt: skip
    return fig


def kit_card(
    figures: pd.DataFrame, *, title: str, network: str, source: str, synthetic: bool
) -> Figure:
    """The square card (1080 × 1080 px) with three key figures, for social networks.

    Parameters
    ----------
    figures : DataFrame
        Three rows of :func:`ressol_analysis.kit.key_figures`.
    title : str
        Territory name.
    network : str
        Name of the network.
    source : str
        Sources paragraph (cut after four lines, which the sources of the three figures
        never exceed).
    synthetic : bool
        Whether any figure is synthetic: the demonstration mark is then printed on the card.

    Returns
    -------
    Figure
        10.8 × 10.8 in at :data:`CARD_DPI`.
    """
    if len(figures) != 3:
        raise ValueError(f"kit_card takes three figures, not {len(figures)}")
    size = CARD_PIXELS / CARD_DPI
    fig = plt.figure(figsize=(size, size), dpi=CARD_DPI)
    fig.add_artist(Rectangle((0, 0.82), 1, 0.18, transform=fig.transFigure, color=PRIMARY))
    heading = f"L'ESS en {title}"
    _text(fig, 0.06, 0.925, heading, ha="left", va="center",
          fontsize=_title_size(heading, 44, 24), fontweight="bold", color="white")  # fmt: skip
    _text(fig, 0.06, 0.855, f"Les chiffres clés · {network}", ha="left", va="center",
          fontsize=24, color="white")  # fmt: skip
    top = 0.80
    if synthetic:
        _banner(fig, 0.735, 0.065, SYNTHETIC_MARK, 26)
        top = 0.72
    step = (top - 0.14) / 3
    for i, (_, row) in enumerate(figures.iterrows()):
        y = top - i * step - 0.015
        _text(fig, 0.06, y, row["texte"], ha="left", va="top", fontsize=60,
              fontweight="bold", color=PRIMARY)  # fmt: skip
        _text(fig, 0.06, y - 0.092, textwrap.fill(row["libelle"], 44), ha="left", va="top",
              fontsize=24, linespacing=1.15)  # fmt: skip
        _text(fig, 0.06, y - 0.137, textwrap.fill(row["comparaison"], 62), ha="left",
              va="top", fontsize=18, color=MUTED)  # fmt: skip
        if i < 2:
            fig.add_artist(
                Rectangle((0.06, y - step + 0.012), 0.88, 0.002, transform=fig.transFigure,
                          color=RULE)
            )  # fmt: skip
    lines = textwrap.wrap(source, 84)
    if len(lines) > 4:
        lines = [*lines[:3], lines[3][:80] + " …"]
    _text(fig, 0.06, 0.025, "\n".join(lines), ha="left", va="bottom", fontsize=15,
          color=MUTED, linespacing=1.2)  # fmt: skip
    return fig


__all__ = ["CARD_DPI", "CARD_PIXELS", "PAGE_DPI", "kit_card", "kit_page"]
