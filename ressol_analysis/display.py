"""Showing figures, tables and text in notebooks, as they will appear in the HTML report.

Figures are embedded as PNG with alternative text; tables are HTML with French formats and a
source line; text is Markdown. Nothing here computes an indicator.
"""

from __future__ import annotations

import base64
import io
from html import escape

import matplotlib.pyplot as plt
from IPython.display import HTML, Markdown
from matplotlib.figure import Figure

from .labels import demo_sentence


def figure(fig: Figure, alt: str) -> HTML:
    """Render a figure as an embedded PNG with alternative text, and close it.

    Parameters
    ----------
    fig : Figure
        The chart or map.
    alt : str
        Alternative text describing what the figure shows (read aloud by screen readers).

    Returns
    -------
    IPython.display.HTML
        An ``<img>`` element with the image inline (no external file).
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return HTML(
        f'<figure class="ressol-figure"><img src="data:image/png;base64,{data}" '
        f'alt="{escape(alt)}" style="max-width:100%;height:auto"></figure>'
    )


def markdown(text: str) -> Markdown:
    """Show French commentary generated from the numbers."""
    return Markdown(text)


def bullets(lines: list[str], synthetic: bool = False) -> Markdown:
    """Show a list of findings as Markdown bullets.

    Parameters
    ----------
    lines : list of str
        The findings.
    synthetic : bool
        Whether they are computed on the synthetic demonstration extract: then each sentence
        starts with « Données synthétiques de démonstration (chiffres fictifs) — ».

    Returns
    -------
    IPython.display.Markdown
    """
    shown = [demo_sentence(line) for line in lines] if synthetic else lines
    return Markdown("\n".join(f"- {line}" for line in shown))
