"""Charts of the scenarios chapter: heat map of mean notes, ranking with its robustness.

French labels and number format, a source line under each chart (as in the other chapters).
Inputs are the tables of :mod:`ressol_analysis.scenarios`.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from . import formatting
from .chart_style import PALETTE, add_source, percent_axis, style
from .scenarios import SPREAD

# Red (1, très défavorable) to green (5, très favorable); the value is written in every cell,
# so the colour is never the only carrier of the information.
NOTE_COLOURS = "RdYlGn"
UNSCORED_COLOUR = "#e6e6e6"


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width)


def _notes(count: int) -> str:
    return f"{count} note" if count == 1 else f"{count} notes"


def _weight(value: float) -> str:
    """A weight without useless decimals (``3``, ``0,5``)."""
    return formatting.number(value, 2).rstrip("0").rstrip(",")


def mean_notes_heatmap(
    means: pd.DataFrame, criteres: pd.DataFrame, scenarios: pd.DataFrame, source: str
) -> Figure:
    """Heat map of the mean note of each scenario on each criterion.

    Parameters
    ----------
    means : DataFrame
        Output of :func:`ressol_analysis.scenarios.mean_notes`.
    criteres : DataFrame
        ``critere, libelle, poids`` (column order and labels, weights shown under them).
    scenarios : DataFrame
        ``scenario, titre`` (row order and labels).
    source : str
        Source line.

    Returns
    -------
    Figure
        One cell per scenario × criterion coloured on the 1–5 scale, with the mean and the
        number of notes written in it; a pair nobody scored is grey, « non noté ».
    """
    grid = means.pivot(index="scenario", columns="critere", values="moyenne")
    grid = grid.reindex(index=list(scenarios["scenario"]), columns=list(criteres["critere"]))
    counts = means.pivot(index="scenario", columns="critere", values="nombre_notes")
    counts = counts.reindex(index=grid.index, columns=grid.columns)
    style()
    fig, ax = plt.subplots(figsize=(2.2 + 1.6 * grid.shape[1], 1.6 + 0.9 * grid.shape[0]))
    ax.set_facecolor(UNSCORED_COLOUR)
    image = ax.imshow(
        np.ma.masked_invalid(grid.to_numpy(dtype=float)),
        cmap=NOTE_COLOURS,
        vmin=1,
        vmax=5,
        aspect="auto",
    )
    for (i, j), value in np.ndenumerate(grid.to_numpy(dtype=float)):
        label = (
            "non noté"
            if np.isnan(value)
            else f"{formatting.number(value, 1)}\n({_notes(int(counts.iat[i, j]))})"
        )
        dark = not np.isnan(value) and (value < 1.7 or value > 4.3)
        ax.text(
            j,
            i,
            label,
            ha="center",
            va="center",
            fontsize=9,
            color="white" if dark else "#222222",
        )
    ax.set_xticks(
        range(grid.shape[1]),
        [
            f"{_wrap(label, 16)}\n(poids {_weight(weight)})"
            for label, weight in zip(criteres["libelle"], criteres["poids"], strict=True)
        ],
        fontsize=8.5,
    )
    ax.set_yticks(range(grid.shape[0]), [_wrap(t, 26) for t in scenarios["titre"]], fontsize=9)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = fig.colorbar(image, ax=ax, ticks=range(1, 6), fraction=0.04, pad=0.02)
    bar.ax.set_yticklabels(
        ["1 très défavorable", "2", "3 neutre", "4", "5 très favorable"], fontsize=8
    )
    ax.set_title("Note moyenne des membres, par scénario et par critère")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    add_source(fig, source + " — moyenne des notes données, abstentions exclues")
    return fig


def ranking_chart(table: pd.DataFrame, source: str, spread: float = SPREAD) -> Figure:
    """Weighted score of each scenario beside the share of weight draws in which it leads.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`ressol_analysis.scenarios.classement` (sorted by rank).
    source : str
        Source line.
    spread : float
        Half-width of the weight draws (quoted in the source line).

    Returns
    -------
    Figure
        Left, the weighted score on the 1–5 scale with the rank by each method; right, the
        share of random weightings in which the scenario ranks first.
    """
    rows = table.reset_index(drop=True)
    labels = [_wrap(t, 28) for t in rows["titre"]]
    y = np.arange(len(rows))
    style()
    fig, (left, right) = plt.subplots(
        1,
        2,
        figsize=(10.5, 1.8 + 0.8 * len(rows)),
        sharey=True,
        gridspec_kw={"width_ratios": (3, 2)},
    )
    left.barh(y, rows["score"] - 1, left=1, color=PALETTE[0], height=0.55)
    for i, row in rows.iterrows():
        second = "—" if pd.isna(row["rang_promethee"]) else str(row["rang_promethee"])
        rank = "—" if pd.isna(row["rang"]) else str(row["rang"])
        left.annotate(
            f"{formatting.number(row['score'], 2)}   rang {rank} (PROMETHEE II : {second})",
            (row["score"] if pd.notna(row["score"]) else 1, i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    left.set_xlim(1, 6.4)
    left.set_xticks(range(1, 6))
    left.xaxis.set_major_formatter(FuncFormatter(lambda v, _: formatting.number(v)))
    left.set_yticks(y, labels, fontsize=9)
    left.invert_yaxis()
    left.set_xlabel("Score pondéré (1 à 5)")
    left.set_title("Score pondéré et rang")
    right.barh(y, rows["part_tirages_en_tete"], color=PALETTE[1], height=0.55)
    for i, value in enumerate(rows["part_tirages_en_tete"]):
        right.annotate(
            formatting.percent(value, 0),
            (value, i),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    right.set_xlim(0, 118)
    right.set_xticks(range(0, 101, 25))
    percent_axis(right.xaxis)
    right.set_xlabel("Part des tirages de poids où il est en tête")
    right.set_title("Solidité de la première place")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    spread_text = formatting.percent(100 * spread, 0)
    add_source(fig, f"{source} — poids tirés au hasard à ±{spread_text} des poids fixés")
    return fig
