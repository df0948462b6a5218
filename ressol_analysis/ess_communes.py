"""ESS figures by commune with statistical secrecy, and the communes a map may name.

Jobs of a commune are secret when 1 or 2 establishments contribute, or when one makes more
than 85 % of them (primary secrecy); a second commune of the same group is masked when a single
one would otherwise be deducible from the published group total (secondary secrecy).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .ess import share
from .sources.tables import require_columns

SECRET_MIN_COUNT = 3
SECRET_DOMINANCE = 0.85


def primary_secret(count: pd.Series, value: pd.Series, largest: pd.Series) -> pd.Series:
    """Cells under primary statistical secrecy.

    A cell is secret when it has 1 or 2 contributors, or when its largest contributor makes
    more than 85 % of its value. Empty cells (no contributor) are not secret.

    Parameters
    ----------
    count : Series
        Number of contributing establishments.
    value : Series
        Value of the cell.
    largest : Series
        Value of the largest contributor.

    Returns
    -------
    Series of bool
    """
    few = (count > 0) & (count < SECRET_MIN_COUNT)
    dominant = (value > 0) & (largest > SECRET_DOMINANCE * value)
    return (few | dominant).astype(bool)


def secondary_secret(
    masked: pd.Series, value: pd.Series, count: pd.Series, group: pd.Series
) -> pd.Series:
    """Add secondary secrecy so that published group totals do not reveal a secret cell.

    In each group holding exactly one secret cell, the unmasked cell with contributors and the
    smallest value (ties broken by position) is masked too. Cells without contributors are
    never chosen: their value is known to be zero.

    Parameters
    ----------
    masked : Series of bool
        Primary secrecy.
    value, count : Series
        Value and number of contributors of each cell.
    group : Series
        Group whose total is published (e.g. the EPCI of each commune).

    Returns
    -------
    Series of bool
        Primary and secondary secrecy.
    """
    result = masked.copy()
    for _, index in group.groupby(group, sort=True).groups.items():
        if int(result.loc[index].sum()) != 1:
            continue
        candidates = value.loc[index][~result.loc[index] & (count.loc[index] > 0)]
        if not candidates.empty:
            result.loc[candidates.sort_values(kind="stable").index[0]] = True
    return result


def commune_table(classified: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """ESS employers and estimated jobs by commune, with statistical secrecy.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`ressol_analysis.ess.classify`.
    communes : DataFrame
        The communes of the territory, one row each: ``CODGEO`` and ``groupe`` (the
        sub-area whose total is published, e.g. the EPCI); other columns (names) are kept.

    Returns
    -------
    DataFrame
        ``communes`` with ``etablissements_employeurs``, ``effectif_salarie_estime``,
        ``ess_etablissements_employeurs``, ``ess_effectif_salarie_estime``,
        ``part_ess_effectif_salarie_estime`` (%), and ``secret_ess``, ``secret_total``
        (bool). Secret values are missing: jobs are masked when the commune has 1 or 2
        contributing establishments or one makes more than 85 % of the jobs, with secondary
        masking within each ``groupe``; the share is masked when either of its terms is.
        Counts of establishments are not masked. Area totals come from
        :func:`ressol_analysis.ess.ess_indicators`, unmasked.
    """
    require_columns(Path("communes"), list(communes.columns), ["CODGEO", "groupe"])
    employers = classified[classified["employeur"] & classified["CODGEO"].isin(communes["CODGEO"])]
    ess = employers[employers["ess"]]

    def stats(frame: pd.DataFrame) -> pd.DataFrame:
        grouped = frame.groupby("CODGEO")["effectif_central"]
        return pd.DataFrame({"n": grouped.size(), "value": grouped.sum(), "top": grouped.max()})

    table = communes.reset_index(drop=True).copy()
    for prefix, frame in (("total", employers), ("ess", ess)):
        s = stats(frame).reindex(table["CODGEO"]).fillna(0.0)
        s.index = table.index
        primary = primary_secret(s["n"], s["value"], s["top"])
        table[f"secret_{prefix}"] = secondary_secret(primary, s["value"], s["n"], table["groupe"])
        table[f"_{prefix}_n"] = s["n"]
        table[f"_{prefix}_value"] = s["value"]
    table["etablissements_employeurs"] = table.pop("_total_n").astype(int)
    table["effectif_salarie_estime"] = table.pop("_total_value").mask(table["secret_total"])
    table["ess_etablissements_employeurs"] = table.pop("_ess_n").astype(int)
    table["ess_effectif_salarie_estime"] = table.pop("_ess_value").mask(table["secret_ess"])
    ratio = share(table["ess_effectif_salarie_estime"], table["effectif_salarie_estime"])
    table["part_ess_effectif_salarie_estime"] = ratio.mask(
        table["secret_ess"] | table["secret_total"]
    )
    ordered = [c for c in table.columns if not c.startswith("secret_")]
    return table[[*ordered, "secret_ess", "secret_total"]]


def main_communes(table: pd.DataFrame, count: int = 8) -> pd.Series:
    """Names of the communes with the most ESS jobs, unmasked cells only, to write on a map.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`commune_table` with ``LIBELLE``.
    count : int
        How many communes to name.

    Returns
    -------
    Series
        ``LIBELLE`` indexed by ``CODGEO``, largest first; a masked commune is never chosen
        (its rank would tell its figure).
    """
    shown = table[~table["secret_ess"].astype(bool) & (table["ess_effectif_salarie_estime"] > 0)]
    top = shown.sort_values("ess_effectif_salarie_estime", ascending=False, kind="stable")
    return top.head(count).set_index("CODGEO")["LIBELLE"]
