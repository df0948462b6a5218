"""The tidy indicator table, the project's stable contract.

One row per area × indicator with the columns ``territoire_code, territoire, indicateur,
valeur, unite, source, millesime, synthetique``, in this order (keys are documented in
``docs/indicateurs.md``). Every chapter returns rows with these columns; the same table is
written by ``ressol indicators`` and next to every report. Three rules hold for a whole run
(:func:`conform`):

- every area carries the same set of keys: a figure that does not apply to an area or is not
  available there is a row with an empty ``valeur``, never a missing row;
- ``valeur`` is rounded to :data:`DECIMALS` decimal places (no ``75085.00000000003``);
- ``synthetique`` is ``oui`` on the rows computed from the synthetic demonstration extract
  and ``non`` elsewhere; ``millesime`` keeps the vintage of the data either way.

This module is the one place that says whether a row is synthetic (:func:`is_synthetic`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from .areas import AREA_COLUMNS

SYNTHETIC_COLUMN = "synthetique"
SYNTHETIC_YES = "oui"
SYNTHETIC_NO = "non"
# The first seven columns: every version of indicateurs.csv has them (the marker came later).
CORE_COLUMNS = [
    "territoire_code",
    "territoire",
    "indicateur",
    "valeur",
    "unite",
    "source",
    "millesime",
]
TIDY_COLUMNS = [*CORE_COLUMNS, SYNTHETIC_COLUMN]
DECIMALS = 4
# How the source line of a synthetic row reads (tables written before the marker column).
SYNTHETIC_SOURCE_WORDS = "données synthétiques"


def geography_note(cog_year: int) -> str:
    """``géographie au 01/01/2026``: the geography every figure is expressed in."""
    return f"géographie au 01/01/{cog_year}"


def synthetic_flag(synthetic: bool) -> str:
    """The marker's value: ``oui`` for a figure built from synthetic data, else ``non``."""
    return SYNTHETIC_YES if synthetic else SYNTHETIC_NO


def mark_synthetic(rows: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """Return tidy rows with the marker column set for all of them."""
    return rows.assign(**{SYNTHETIC_COLUMN: synthetic_flag(synthetic)})


def is_synthetic(table: pd.DataFrame) -> pd.Series:
    """Which rows of a tidy table are built from the synthetic demonstration extract.

    Parameters
    ----------
    table : DataFrame
        Tidy indicator rows. The ``synthetique`` column decides; a table written before the
        column existed is read from its ``source`` line, which then says « Données
        synthétiques ».

    Returns
    -------
    Series of bool
        Aligned on ``table``.
    """
    if SYNTHETIC_COLUMN in table.columns:
        return table[SYNTHETIC_COLUMN].astype("string").str.strip().eq(SYNTHETIC_YES).fillna(False)
    words = table["source"].astype("string").str.lower().str.contains(SYNTHETIC_SOURCE_WORDS)
    return words.fillna(False).astype(bool)


def row_is_synthetic(row: Mapping) -> bool:
    """Whether one tidy row (a Series or a mapping) is built from the synthetic extract."""
    if SYNTHETIC_COLUMN in row:
        return str(row[SYNTHETIC_COLUMN]).strip() == SYNTHETIC_YES
    return SYNTHETIC_SOURCE_WORDS in str(row["source"]).lower()


def key_is_synthetic(table: pd.DataFrame, key: str) -> bool:
    """Whether any row of an indicator key is built from the synthetic extract."""
    return bool(is_synthetic(table[table["indicateur"] == key]).any())


def round_values(values: pd.Series) -> pd.Series:
    """Values rounded to :data:`DECIMALS` places, as floats (``-0.0`` written ``0.0``)."""
    return pd.to_numeric(values, errors="coerce").astype("float64").round(DECIMALS) + 0.0


def tidy(
    wide: pd.DataFrame,
    names: Mapping[str, str],
    unit: Mapping[str, str] | Callable[[str], str],
    source: str,
    vintage: Mapping[str, str] | str,
    synthetic: bool = False,
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
    synthetic : bool
        Whether the figures are built from the synthetic demonstration extract.

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
    long[SYNTHETIC_COLUMN] = synthetic_flag(synthetic)
    return long[TIDY_COLUMNS].reset_index(drop=True)


def conform(table: pd.DataFrame) -> pd.DataFrame:
    """Apply the contract's rules to the indicator table of a whole run.

    Parameters
    ----------
    table : DataFrame
        Tidy rows of every chapter (:data:`TIDY_COLUMNS`), areas in display order.

    Returns
    -------
    DataFrame
        The same rows with ``valeur`` rounded to :data:`DECIMALS` places, completed so that
        every area has every key: a key an area lacks gets a row with an empty ``valeur`` and
        the unit, source, vintage and marker of that key's other rows. Areas keep their
        order; within an area, keys follow the order in which they first appear.
    """
    rows = table[TIDY_COLUMNS].reset_index(drop=True).assign(_present=True)
    areas = rows[["territoire_code", "territoire"]].drop_duplicates("territoire_code")
    keys = list(dict.fromkeys(rows["indicateur"]))
    described = rows.drop_duplicates("indicateur").set_index("indicateur")
    grid = pd.MultiIndex.from_product(
        [areas["territoire_code"], keys], names=["territoire_code", "indicateur"]
    )
    full = rows.set_index(["territoire_code", "indicateur"]).reindex(grid).reset_index()
    absent = full.pop("_present").isna()
    for column in ("unite", "source", "millesime", SYNTHETIC_COLUMN):
        full.loc[absent, column] = full.loc[absent, "indicateur"].map(described[column])
    full["territoire"] = full["territoire_code"].map(
        dict(zip(areas["territoire_code"], areas["territoire"], strict=True))
    )
    full["valeur"] = round_values(full["valeur"])
    return full[TIDY_COLUMNS]
