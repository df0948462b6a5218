"""Errors addressed to the consultant.

Every error the package raises on bad input is a :class:`RessolError` whose message is a
French paragraph naming the file, the column or code at fault, and what to do. The CLI prints
that message without a traceback and exits with a non-zero code.
"""

from __future__ import annotations

from collections.abc import Iterable


class RessolError(Exception):
    """An error caused by input data or configuration, explained in French."""


def list_codes(codes: Iterable[object], limit: int = 20) -> str:
    """Format codes for an error message, truncated after ``limit`` items.

    Parameters
    ----------
    codes : iterable
        Codes to list; they are deduplicated and sorted.
    limit : int
        Maximum number of codes shown before "… et N autres".

    Returns
    -------
    str
        The codes joined with commas.
    """
    uniques = sorted({str(c) for c in codes})
    shown = ", ".join(uniques[:limit])
    rest = len(uniques) - limit
    return f"{shown} … et {rest} autres" if rest > 0 else shown
