"""French number formats for tables, charts and text: ``12 345``, ``8,7 %``, ``61,2 hab./km²``."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from pathlib import PurePath

import pandas as pd

NBSP = "\u00a0"  # no-break space: thousands separator and before units
MISSING = "n.d."


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value: object, decimals: int = 0) -> str:
    """Format a number the French way (``12 345,6``); missing values read ``n.d.``.

    Parameters
    ----------
    value : number or None
        Value to format.
    decimals : int
        Digits after the decimal comma.

    Returns
    -------
    str
        The formatted number, with no-break spaces between thousands.
    """
    if _is_missing(value):
        return MISSING
    text = f"{_half_up(float(value), decimals):,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",").replace("-", "−")


def _half_up(value: float, decimals: int) -> float | Decimal:
    """Round half away from zero on the number as written, like Excel and INSEE's tables.

    Python's ``round`` rounds half to even (2 788,5 → 2 788) and on the binary value (8,95 →
    8,9), so a job estimate ending in ,5 read 2 788 in the report and 2 789 in the workbook.
    """
    if not math.isfinite(value):
        return value
    step = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded  # no « −0 »


def count(n: int, one: str, many: str) -> str:
    """``1 action``, ``2 actions``, ``0 action``: a number and its noun, agreed in French."""
    return f"{number(n)} {one if abs(n) < 2 else many}"


def percent(value: object, decimals: int = 1) -> str:
    """Format a percentage given in 0–100 (``16,3 %``)."""
    return MISSING if _is_missing(value) else f"{number(value, decimals)}{NBSP}%"


def signed_percent(value: object, decimals: int = 2) -> str:
    """Format a rate of change with its sign (``+0,05 %``, ``−0,12 %``)."""
    if _is_missing(value):
        return MISSING
    sign = "+" if float(value) > 0 else ""
    return f"{sign}{number(value, decimals)}{NBSP}%"


def short_path(path: str) -> str:
    """``territoires/centre-manche.yaml``: a file named by its folder, not the machine's path.

    A page of the report never shows where the consultant's machine keeps the project.
    """
    return "/".join(PurePath(path).parts[-2:])


def with_unit(value: object, unit: str, decimals: int = 0) -> str:
    """Format a number followed by its unit (``75,3 hab./km²``)."""
    return MISSING if _is_missing(value) else f"{number(value, decimals)}{NBSP}{unit}"


def euros(value: object) -> str:
    """Format an amount in euros (``14 600 €``, ``1 250,50 €``); blank when missing.

    Whole amounts have no decimals, others two.
    """
    if _is_missing(value):
        return ""
    decimals = 0 if float(value) == round(float(value)) else 2
    return with_unit(value, "€", decimals)


def points(difference: float, decimals: int = 1) -> str:
    """Size of a gap between two percentages, in points: ``0,8 point``, ``3,4 points``.

    Parameters
    ----------
    difference : float
        Gap in percentage points; its sign is ignored.
    decimals : int
        Digits after the decimal comma.

    Returns
    -------
    str
        The absolute gap with ``point`` (below 2) or ``points``.
    """
    value = abs(float(difference))
    return f"{number(value, decimals)}{NBSP}point{'s' if value >= 2 else ''}"


def points_gap(difference: float) -> str:
    """A gap in words: ``3,4 points de plus``, ``0,8 point de moins``, ``autant``.

    Parameters
    ----------
    difference : float
        Value minus reference, in percentage points.

    Returns
    -------
    str
        ``autant`` below 0,05 point, ``écart non disponible`` when missing.
    """
    if _is_missing(difference):
        return "écart non disponible"
    if abs(difference) < 0.05:
        return "autant"
    return f"{points(difference)} {'de plus' if difference > 0 else 'de moins'}"


def html_table(
    table: pd.DataFrame,
    formats: Mapping[str, Callable[[object], str]],
    title: str,
    source: str,
    note: str | None = None,
) -> str:
    """An HTML table with French formats, a title above and its source line below.

    Parameters
    ----------
    table : DataFrame
        Table to show; column names are displayed as they are.
    formats : mapping
        Column → formatting function (e.g. :func:`percent`); other columns are shown as text.
    title : str
        Title shown above the table.
    source : str
        Source line shown under the table (``Source : …``).
    note : str, optional
        A note shown under the source (definitions, missing values).

    Returns
    -------
    str
        An HTML fragment (``<figure class="ressol-table">``).
    """
    styler = table.style.format({c: f for c, f in formats.items() if c in table.columns})
    styler = styler.hide(axis="index")
    numeric = [c for c in formats if c in table.columns]
    text = [c for c in table.columns if c not in numeric]
    styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    if text:
        styler = styler.set_properties(subset=text, **{"text-align": "left"})
    # Each header sits over its column (the notebook export's CSS would right-align them all).
    styler = styler.set_table_styles(
        [
            {
                "selector": f"th.col_heading.col{i}",
                "props": [("text-align", "right" if c in numeric else "left")],
            }
            for i, c in enumerate(table.columns)
        ],
        overwrite=False,
    )
    uuid = hashlib.sha256(title.encode()).hexdigest()[:8]
    body = styler.to_html(table_uuid=uuid)
    note_html = f'<p class="note">{escape(note)}</p>' if note else ""
    return (
        f'<figure class="ressol-table"><figcaption>{escape(title)}</figcaption>{body}'
        f'<p class="source">Source : {escape(source)}</p>{note_html}</figure>'
    )
