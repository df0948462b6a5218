"""The look shared by every chart and map: palette, style, source line, French axes.

Every figure of the report calls :func:`style` first, writes ``Source : …`` under itself with
:func:`add_source` (and the red synthetic-data mark when its figures come from the demonstration
extract), and formats percentages the French way with :func:`percent_axis`.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from . import formatting  # noqa: E402
from .labels import SYNTHETIC_MARK  # noqa: E402

PALETTE = ["#1b6f8a", "#e07b39", "#7a9e3b", "#8c6bb1", "#c44e52", "#5a5a5a", "#b89b2f"]
SYNTHETIC_COLOUR = "#b00020"


def style() -> None:
    """Set matplotlib's parameters for the report's charts (call before drawing)."""
    plt.rcParams.update(
        {
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.formatter.use_locale": False,
        }
    )


def add_source(fig: Figure, source: str, synthetic: bool = False) -> None:
    """Write ``Source : …`` under a figure, and the synthetic-data mark when relevant.

    Parameters
    ----------
    fig : Figure
        The figure.
    source : str
        Source, vintage, geography and denominator.
    synthetic : bool
        Whether the figure is built from synthetic demonstration data.
    """
    text = f"Source : {source}"
    fig.text(0.01, 0.005, text, ha="left", va="bottom", fontsize=7.5, color="#444444", wrap=True)
    if synthetic:
        fig.text(
            0.99,
            0.99,
            SYNTHETIC_MARK,
            ha="right",
            va="top",
            fontsize=9,
            color=SYNTHETIC_COLOUR,
            fontweight="bold",
        )


def percent_axis(axis) -> None:
    """Format a matplotlib axis as French percentages (``12,5 %``)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _: formatting.percent(v, 0)))
