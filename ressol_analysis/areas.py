"""Areas and their communes: the membership table, and commune counts added up over areas.

A *membership* table lists the communes of every area of a diagnostic (the territory, its
EPCIs, its comparison areas): ``territoire_code``, ``territoire``, ``CODGEO`` and, from
:func:`ressol_analysis.territory.resolve`, ``niveau`` and ``ordre``. Every chapter adds up
commune counts over areas with :func:`aggregate_counts`, under one rule: a count summed over
the communes of an area is missing as soon as one commune's value is missing — never a
partial total.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .errors import RessolError, list_codes

AREA_COLUMNS = ["territoire_code", "territoire", "niveau", "ordre"]
MEMBERSHIP_COLUMNS = ["territoire_code", "territoire", "CODGEO"]
INCLUDED_SUFFIX = "_INCLUS_DANS"
ABSENT_RULES = ("raise", "missing")


def check_columns(table: pd.DataFrame, required: Sequence[str], what: str) -> None:
    """Raise a French error naming the columns a table built in code lacks.

    Parameters
    ----------
    table : DataFrame
        Table to check.
    required : sequence of str
        Columns it must have.
    what : str
        What the table is, after « Le tableau » (``des communes par territoire``).

    Raises
    ------
    RessolError
        Naming the missing and the present columns.
    """
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise RessolError(
            f"Le tableau {what} n'a pas la ou les colonne(s) {', '.join(missing)} "
            f"(colonnes présentes : {', '.join(map(str, table.columns))}). "
            "Construisez-le avec la fonction prévue du paquet (lecteur ou rattachement "
            "des communes) au lieu de le saisir à la main."
        )


def check_membership(membership: pd.DataFrame) -> None:
    """Raise if a membership table lacks ``territoire_code``, ``territoire`` or ``CODGEO``."""
    check_columns(membership, MEMBERSHIP_COLUMNS, "des communes par territoire")


def aggregate_counts(
    communes: pd.DataFrame,
    membership: pd.DataFrame,
    columns: Sequence[str],
    *,
    absent: str = "raise",
) -> pd.DataFrame:
    """Add up commune counts over each area; a missing commune value makes the sum missing.

    A commune restored after a census has no value for it; its value is counted in its former
    commune, given by ``<col>_INCLUS_DANS``: it is not missing when that commune is in the
    same area. The other way round, the former commune's value is missing in an area that
    does not hold the restored commune too (it would count the restored commune's people).

    Parameters
    ----------
    communes : DataFrame
        One row per commune: ``CODGEO``, the count ``columns`` and optionally, for a column
        ``X``, ``X_INCLUS_DANS`` giving the former commune that holds its value.
    membership : DataFrame
        Areas and their communes: ``territoire_code``, ``territoire``, ``CODGEO`` and, when
        present, ``niveau`` and ``ordre`` (kept in the result; areas are sorted by ``ordre``).
    columns : sequence of str
        Count columns to add up.
    absent : {"raise", "missing"}
        What a commune of an area without a row in ``communes`` means. ``"raise"``: the data
        must cover every commune (census tables cover whole regions, so a gap is a wrong
        territory or a missing file). ``"missing"``: the commune counts as a missing value,
        which makes the area's sums missing (a file that lists only some communes).

    Returns
    -------
    DataFrame
        One row per area: the area columns of ``membership``, ``n_communes``, then for each
        count column its sum and ``manquants_<col>``, the number of communes of the area whose
        value is missing and not explained. A sum with a missing commune is NaN.

    Raises
    ------
    RessolError
        On a missing column, an unknown ``absent`` rule, or — with ``absent="raise"`` —
        communes of an area that have no row in ``communes``.
    """
    if absent not in ABSENT_RULES:
        raise RessolError(
            f"Règle inconnue pour les communes absentes : « {absent} ». Règles possibles : "
            f"{', '.join(ABSENT_RULES)}."
        )
    check_membership(membership)
    check_columns(communes, ["CODGEO", *columns], "des communes")
    outside = membership.loc[~membership["CODGEO"].isin(communes["CODGEO"]), "CODGEO"]
    if absent == "raise" and not outside.empty:
        raise RessolError(
            f"Les données par commune ne couvrent pas {outside.nunique()} commune(s) des "
            f"zones demandées ({list_codes(outside)}). Les données embarquées couvrent la "
            "Normandie : choisissez un territoire normand ou ajoutez les fichiers Insee de "
            "votre région dans data/raw."
        )
    keys = [c for c in AREA_COLUMNS if c in membership.columns]
    extra = [c + INCLUDED_SUFFIX for c in columns if c + INCLUDED_SUFFIX in communes.columns]
    merged = membership[[*keys, "CODGEO"]].merge(
        communes[["CODGEO", *columns, *extra]], on="CODGEO", how="left"
    )
    # Python lists: iterating pandas' Arrow text element by element is slow.
    pairs = set(zip(merged["territoire_code"].tolist(), merged["CODGEO"].tolist(), strict=True))
    # One long table (area × commune × column), summed in one pass: pandas picks its summing
    # algorithm for the whole array, so the last digit of a sum may depend on the columns
    # asked together (see demography.area_totals, which asks one column at a time).
    long = merged.melt(
        id_vars=[*keys, "CODGEO"], value_vars=list(columns), var_name="variable", value_name="n"
    )
    long["manquant"] = long["n"].isna()
    if extra:
        parents = merged.melt(
            id_vars=["territoire_code", "CODGEO"],
            value_vars=extra,
            var_name="variable",
            value_name="parent",
        )
        explained = [
            pd.notna(p) and (area, p) in pairs
            for area, p in zip(
                parents["territoire_code"].tolist(), parents["parent"].tolist(), strict=True
            )
        ]
        parents = parents.assign(
            variable=parents["variable"].str.removesuffix(INCLUDED_SUFFIX), explique=explained
        )[["territoire_code", "CODGEO", "variable", "explique"]]
        long = long.merge(parents, on=["territoire_code", "CODGEO", "variable"], how="left")
        long["manquant"] &= ~long["explique"].fillna(False).astype(bool)
        # The other way round: a former commune whose value still holds a restored commune
        # that is outside the area would count someone else's people — missing, not summed.
        restored = {
            (c.removesuffix(INCLUDED_SUFFIX), child, parent)
            for c in extra
            for child, parent in zip(communes["CODGEO"].tolist(), communes[c].tolist(), strict=True)
            if pd.notna(parent)
        }
        inflated = {
            (area, parent, variable)
            for variable, child, parent in restored
            for area, code in pairs
            if code == parent and (area, child) not in pairs
        }
        long["manquant"] |= np.array(
            [
                (a, c, v) in inflated
                for a, c, v in zip(
                    long["territoire_code"].tolist(),
                    long["CODGEO"].tolist(),
                    long["variable"].tolist(),
                    strict=True,
                )
            ],
            dtype=bool,
        )
    grouped = long.groupby([*keys, "variable"], sort=False)
    sums = grouped["n"].sum().where(grouped["manquant"].sum() == 0)
    missing = grouped["manquant"].sum().astype("int64")
    result = merged.groupby(keys, sort=False).size().rename("n_communes").reset_index()
    for column in columns:
        result[column] = sums.xs(column, level="variable").to_numpy()
        result[f"manquants_{column}"] = missing.xs(column, level="variable").to_numpy()
    if "ordre" in result.columns:
        result = result.sort_values("ordre", kind="stable")
    return result.reset_index(drop=True)


def rows_of(wide: pd.DataFrame, *codes: str) -> list[pd.Series]:
    """Rows of some areas of a wide indicator table (one row per area), in the order asked.

    Parameters
    ----------
    wide : DataFrame
        One row per area, with ``territoire_code``.
    *codes : str
        Area codes.

    Returns
    -------
    list of Series
        One row per code.

    Raises
    ------
    RessolError
        Naming the codes absent from the table and the codes present.
    """
    table = wide.set_index("territoire_code")
    absent = [c for c in codes if c not in table.index]
    if absent:
        raise RessolError(
            f"Zone(s) {', '.join(absent)} absente(s) du tableau des indicateurs ; zones "
            f"disponibles : {', '.join(table.index)}."
        )
    return [table.loc[c] for c in codes]


def epci_rows(wide: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows of the EPCIs (``niveau == "epci"``) of a wide table that have a value in ``column``."""
    return wide[(wide["niveau"] == "epci") & wide[column].notna()]
