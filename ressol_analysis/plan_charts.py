"""Charts of the action plan: priority matrix, timeline by axis, budget by funder and year.

Same look as :mod:`ressol_analysis.charts`: French labels and number format, a source line
under each chart. Inputs are the tables of :class:`ressol_analysis.plan.Plan`.
"""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter

from . import formatting
from .chart_style import PALETTE, add_source, style
from .plan import priority_class
from .plan_sheets import PRIORITY_LABELS, UNFUNDED

MONTHS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
PRIORITY_COLOURS = {1: "#d9ead3", 2: "#fff2cc", 3: "#f4f4f4"}
UNFUNDED_COLOUR = "#bbbbbb"
# Offsets (in score units) of up to six actions sharing the same impact and feasibility.
CELL_OFFSETS = ((0, 0), (0.22, 0.22), (-0.22, -0.22), (0.22, -0.22), (-0.22, 0.22), (0, 0.3))


def _short(text: str, width: int = 28) -> str:
    return textwrap.shorten(text, width=width, placeholder="…")


def priority_matrix(actions: pd.DataFrame, source: str) -> Figure:
    """Impact × feasibility matrix, one numbered point per action, titles listed beside it.

    Parameters
    ----------
    actions : DataFrame
        ``Plan.actions`` (``numero``, ``titre``, ``impact``, ``faisabilite``).
    source : str
        Source line (e.g. :func:`ressol_analysis.plan.source_line`).

    Returns
    -------
    Figure
        Cells are shaded by priority class (impact × feasibility ≥ 15, 8–14, ≤ 7).
    """
    style()
    fig, ax = plt.subplots(figsize=(10, 6.2))
    for impact in range(1, 6):
        for feasibility in range(1, 6):
            colour = PRIORITY_COLOURS[priority_class(impact * feasibility)]
            ax.add_patch(
                Rectangle(
                    (feasibility - 0.5, impact - 0.5),
                    1,
                    1,
                    linewidth=0.5,
                    edgecolor="white",
                    facecolor=colour,
                )
            )
    seen: dict[tuple[int, int], int] = {}
    for row in actions.itertuples():
        cell = (int(row.faisabilite), int(row.impact))
        dx, dy = CELL_OFFSETS[seen.get(cell, 0) % len(CELL_OFFSETS)]
        seen[cell] = seen.get(cell, 0) + 1
        x, y = cell[0] + dx, cell[1] + dy
        ax.scatter([x], [y], s=260, color=PALETTE[0], zorder=3, edgecolor="white")
        ax.annotate(
            str(row.numero),
            (x, y),
            ha="center",
            va="center",
            color="white",
            fontsize=8,
            fontweight="bold",
            zorder=4,
        )
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6), ["1\ntrès difficile", "2", "3", "4", "5\nfacile"])
    ax.set_yticks(range(1, 6), ["1 faible", "2", "3", "4", "5 très fort"])
    ax.set_xlabel("Faisabilité")
    ax.set_ylabel("Impact attendu")
    ax.set_title("Matrice de priorité des actions (impact × faisabilité)")
    ax.legend(
        handles=[
            Patch(facecolor=PRIORITY_COLOURS[k], edgecolor="#cccccc", label=label)
            for k, label in zip(
                (1, 2, 3),
                (
                    f"{PRIORITY_LABELS[1]} (score ≥ 15)",
                    f"{PRIORITY_LABELS[2]} (score 8 à 14)",
                    f"{PRIORITY_LABELS[3]} (score ≤ 7)",
                ),
                strict=True,
            )
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        frameon=False,
        fontsize=8,
    )
    listing = "\n".join(
        textwrap.fill(f"{row.numero}. {row.titre}", 42, subsequent_indent="    ")
        for row in actions.sort_values("numero").itertuples()
    )
    ax.text(
        1.03,
        0.74,
        "Actions\n" + listing,
        transform=ax.transAxes,
        va="top",
        ha="left",
        fontsize=8,
        linespacing=1.4,
    )
    ax.set_aspect("equal")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    add_source(fig, source)
    return fig


def _french_month(value: float, _position: int) -> str:
    day = mdates.num2date(value)
    return f"{MONTHS[day.month - 1]} {day.year}"


def timeline(actions: pd.DataFrame, source: str) -> Figure:
    """Gantt chart of the actions, grouped by axis, one colour per axis.

    Parameters
    ----------
    actions : DataFrame
        ``Plan.actions`` (``numero``, ``titre``, ``axe_code``, ``axe``, ``debut``, ``fin``).
    source : str
        Source line.

    Returns
    -------
    Figure
        One bar per action from its start to its end date, axes in framework order.
    """
    style()
    ordered = actions.sort_values(["axe_code", "debut", "numero"])
    axes = list(dict.fromkeys(ordered["axe_code"]))
    labels, positions, rows = [], [], []
    position = 0
    for code in axes:
        part = ordered[ordered["axe_code"] == code]
        labels.append(_short(f"{code} — {part['axe'].iloc[0]}", 46))
        positions.append(position)
        rows.append(None)
        position += 1
        for row in part.itertuples():
            labels.append(f"{row.numero}. {_short(row.titre, 40)}")
            positions.append(position)
            rows.append(row)
            position += 1
    fig, ax = plt.subplots(figsize=(10, 1.2 + 0.42 * len(labels)))
    colours = {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(axes)}
    for y, row in zip(positions, rows, strict=True):
        if row is None:
            continue
        start = mdates.date2num(pd.Timestamp(row.debut))
        end = mdates.date2num(pd.Timestamp(row.fin) + pd.Timedelta(days=1))
        ax.barh(y, end - start, left=start, height=0.6, color=colours[row.axe_code])
    ax.set_yticks(positions, labels, fontsize=8)
    for tick, row in zip(ax.get_yticklabels(), rows, strict=True):
        if row is None:
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_minor_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(FuncFormatter(_french_month))
    ax.grid(axis="x", which="major", color="#dddddd")
    ax.set_title("Calendrier des actions, par axe")
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    add_source(fig, source)
    return fig


def budget_by_funder(budget: pd.DataFrame, source: str) -> Figure:
    """Stacked bars of the plan's budget by year, one colour per funder, totals on top.

    Parameters
    ----------
    budget : DataFrame
        ``Plan.budget`` (``annee``, ``montant``, ``financeur``).
    source : str
        Source line.

    Returns
    -------
    Figure
        Funders ordered by decreasing total; « Financement à trouver » in grey, last.
    """
    style()
    table = budget.pivot_table(
        index="annee", columns="financeur", values="montant", aggfunc="sum", fill_value=0.0
    )
    order = sorted(table.columns, key=lambda f: (f == UNFUNDED, -table[f].sum(), f))
    table = table[order]
    fig, ax = plt.subplots(figsize=(9, 5.2))
    bottom = pd.Series(0.0, index=table.index)
    years = [str(y) for y in table.index]
    for i, funder in enumerate(order):
        colour = UNFUNDED_COLOUR if funder == UNFUNDED else PALETTE[i % len(PALETTE)]
        ax.bar(
            years,
            table[funder],
            bottom=bottom,
            color=colour,
            label=funder,
            width=0.55,
            hatch="//" if funder == UNFUNDED else None,
            edgecolor="white",
        )
        bottom += table[funder]
    for x, total in zip(years, bottom, strict=True):
        ax.annotate(
            formatting.euros(total),
            (x, total),
            ha="center",
            va="bottom",
            fontsize=9,
            fontweight="bold",
            xytext=(0, 3),
            textcoords="offset points",
        )
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: formatting.euros(v)))
    ax.set_ylim(0, bottom.max() * 1.12 if len(bottom) else 1)
    ax.set_ylabel("Montant (€)")
    ax.set_title("Budget du plan par année et par financeur")
    ax.legend(
        loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8, title="Financeur"
    )
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    add_source(fig, source)
    return fig
