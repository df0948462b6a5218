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


def bullets(lines: list[str]) -> Markdown:
    """Show a list of findings as Markdown bullets."""
    return Markdown("\n".join(f"- {line}" for line in lines))
