"""The tidy indicator table, the project's stable contract.

One row per area × indicator with the columns ``territoire_code, territoire, indicateur,
valeur, unite, source, millesime``, in this order (keys are documented in
``docs/indicateurs.md``). Every chapter returns rows with these columns; the same table is
written by ``ressol indicators`` and next to every report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from .areas import AREA_COLUMNS

TIDY_COLUMNS = [
    "territoire_code",
    "territoire",
    "indicateur",
    "valeur",
    "unite",
    "source",
    "millesime",
]


def geography_note(cog_year: int) -> str:
    """``géographie au 01/01/2026``: the geography every figure is expressed in."""
    return f"géographie au 01/01/{cog_year}"


def tidy(
    wide: pd.DataFrame,
    names: Mapping[str, str],
    unit: Mapping[str, str] | Callable[[str], str],
    source: str,
    vintage: Mapping[str, str] | str,
) -> pd.DataFrame:
    """Turn one-row-per-area indicators into tidy rows.

    Parameters
    ----------
    wide : DataFrame
        ``territoire_code`` (and possibly the other area columns) plus one column per
        indicator key.
    names : mapping
        Area code → area name.
    unit : mapping or callable
        Unit of each indicator key.
    source : str
        Source line for every row.
    vintage : mapping or str
        Vintage for every key, or per key.

    Returns
    -------
    DataFrame
        Rows in the contract's columns, in the order of ``wide`` then of its columns.
    """
    keys = [c for c in wide.columns if c not in AREA_COLUMNS]
    long = wide.melt(
        id_vars=["territoire_code"], value_vars=keys, var_name="indicateur", value_name="valeur"
    )
    order = {k: i for i, k in enumerate(keys)}
    area_order = {a: i for i, a in enumerate(wide["territoire_code"])}
    long = long.assign(
        _a=long["territoire_code"].map(area_order), _k=long["indicateur"].map(order)
    ).sort_values(["_a", "_k"])
    long["territoire"] = long["territoire_code"].map(names)
    long["unite"] = long["indicateur"].map(unit)
    long["source"] = source
    long["millesime"] = long["indicateur"].map(vintage) if isinstance(vintage, Mapping) else vintage
    return long[TIDY_COLUMNS].reset_index(drop=True)
