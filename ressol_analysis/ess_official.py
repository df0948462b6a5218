"""An official table of ESS jobs (a CRESS or ORESS order) in place of the SIRENE estimate.

Pure functions: which areas the table covers (:func:`official_table_areas`), and the
indicator table with the covered areas' ESS counts replaced (:func:`apply_official_table`);
the French text about it is in :mod:`ressol_analysis.ess_official_text`.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from .contract import SYNTHETIC_COLUMN, SYNTHETIC_NO
from .ess import area_names, tidy_indicators, with_shares
from .sources.reference import FAMILIES


def official_table_areas(
    official: pd.DataFrame,
    membership: pd.DataFrame,
    territory: Collection[str],
    groups: pd.DataFrame,
) -> list[str]:
    """Areas whose every commune an official table of ESS jobs covers.

    An order lists only the communes that have ESS employers, so an absent commune counts as
    zero — but only where the order looked: a commune is covered when it is a commune of the
    territory (the order's subject), when the table lists it, or when the table lists another
    commune of its group (EPCI) outside the territory. An order for the territory alone thus
    never gives the département or the region a partial total.

    Parameters
    ----------
    official : DataFrame
        Output of :func:`ressol_analysis.sources.sirene.read_official_ess_jobs` (``CODGEO``
        in the current COG).
    membership : DataFrame
        Columns ``territoire_code``, ``CODGEO``.
    territory : collection of str
        Commune codes of the territory.
    groups : DataFrame
        ``CODGEO`` and ``groupe`` (the EPCI) of the communes.

    Returns
    -------
    list of str
        ``territoire_code`` of the covered areas, in the order of ``membership``.
    """
    listed = set(official["CODGEO"])
    inside = set(territory)
    group = groups.drop_duplicates("CODGEO").set_index("CODGEO")["groupe"]
    outside_listed = listed - inside
    seen = set(group.reindex(list(outside_listed)).dropna())
    codes = membership["CODGEO"]
    covered = codes.isin(inside | listed) | codes.map(group).isin(seen).fillna(False).astype(bool)
    complete = covered.astype(bool).groupby(membership["territoire_code"], sort=False).all()
    return [str(code) for code in complete[complete].index]


def apply_official_table(
    indicators: pd.DataFrame,
    official: pd.DataFrame,
    membership: pd.DataFrame,
    source: str,
    vintage: str,
    covered: Collection[str] | None = None,
) -> pd.DataFrame:
    """Replace the band-based ESS figures by an official table of ESS jobs by commune × family.

    Parameters
    ----------
    indicators : DataFrame
        Output of :func:`ess_indicators`.
    official : DataFrame
        Output of :func:`ressol_analysis.sources.sirene.read_official_ess_jobs`, with current
        commune codes.
    membership : DataFrame
        Columns ``territoire_code``, ``territoire``, ``CODGEO``.
    source, vintage : str
        Source line and vintage of the official table, written on the replaced rows.
    covered : collection of str, optional
        Areas the table covers (:func:`official_table_areas`); by default every area. The
        other areas keep their SIRENE rows (estimate, source, vintage, marker) unchanged.

    Returns
    -------
    DataFrame
        ``indicators`` where, for each covered area, every ``ess_*`` row (establishments,
        jobs, low/high = the official count, families) comes from the official table, and
        both shares are recomputed with the SIRENE denominators. An area sum that involves a
        secret cell is missing.
    """
    merged = membership[["territoire_code", "CODGEO"]].merge(official, on="CODGEO")
    areas = area_names(membership)

    def total(frame: pd.DataFrame, column: str) -> pd.Series:
        grouped = frame.groupby("territoire_code")[column]
        sums = grouped.sum().where(grouped.count() == grouped.size())
        return sums.reindex(areas["territoire_code"], fill_value=0.0).astype(float)

    values = {
        "ess_etablissements_employeurs": total(merged, "etablissements"),
        "ess_effectif_salarie_estime": total(merged, "effectifs"),
    }
    values["ess_effectif_salarie_estime_bas"] = values["ess_effectif_salarie_estime"]
    values["ess_effectif_salarie_estime_haut"] = values["ess_effectif_salarie_estime"]
    for family in FAMILIES:
        of_family = merged[merged["famille"] == family]
        values[f"ess_etablissements_employeurs_{family}"] = total(of_family, "etablissements")
        values[f"ess_effectif_salarie_estime_{family}"] = total(of_family, "effectifs")
    wide = indicators.pivot(index="territoire_code", columns="indicateur", values="valeur")
    replaced = pd.DataFrame(values)
    for key, value in replaced.items():
        wide[key] = value
    wide = with_shares(wide.reindex(areas["territoire_code"]))
    result = tidy_indicators(wide, areas, "", "")
    original = indicators.set_index(["territoire_code", "indicateur"])
    key = list(zip(result["territoire_code"], result["indicateur"], strict=True))
    result["source"] = original.loc[key, "source"].to_numpy()
    result["millesime"] = original.loc[key, "millesime"].to_numpy()
    result[SYNTHETIC_COLUMN] = original.loc[key, SYNTHETIC_COLUMN].to_numpy()
    official_keys = [*replaced.columns, "part_ess_etablissements_employeurs"]
    official_keys.append("part_ess_effectif_salarie_estime")
    is_official = result["indicateur"].isin(official_keys)
    result.loc[is_official, "source"] = source
    result.loc[is_official, "millesime"] = vintage
    # Counts come from the official table; shares keep the SIRENE denominators' marker.
    result.loc[result["indicateur"].isin(replaced.columns), SYNTHETIC_COLUMN] = SYNTHETIC_NO
    if covered is not None:
        # An area the order does not cover keeps its estimate, never a partial official sum.
        kept = ~result["territoire_code"].isin(list(covered))
        for column in ("valeur", "source", "millesime", SYNTHETIC_COLUMN):
            result.loc[kept, column] = original.loc[key, column].to_numpy()[kept.to_numpy()]
    return result


def with_official_table(
    table: pd.DataFrame,
    more: pd.DataFrame,
    official: pd.DataFrame,
    membership: pd.DataFrame,
    territory: Collection[str],
    groups: pd.DataFrame,
    name: str,
) -> pd.DataFrame:
    """The ESS indicators with the official table's counts where it covers an area.

    Parameters
    ----------
    table : DataFrame
        Tidy ESS indicators from SIRENE (:func:`ressol_analysis.ess.ess_indicators`).
    more : DataFrame
        Tidy complementary indicators (job-share range, statistical perimeter).
    official : DataFrame
        The official table, commune codes already current.
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO``.
    territory : collection of str
        Communes of the territory (the order's subject).
    groups : DataFrame
        ``CODGEO``, ``groupe`` (EPCI of each commune).
    name : str
        File name of the official table, quoted in the sources.

    Returns
    -------
    DataFrame
        ``table`` then ``more``: covered areas get the official counts (shares with the
        SIRENE denominators) and no job-share range (the official counts have none).
    """
    covered = official_table_areas(official, membership, territory, groups)
    replaced = apply_official_table(
        table,
        official,
        membership,
        f"Tableau officiel des emplois de l'ESS par commune et famille ({name}) ; "
        "parts rapportées à l'emploi salarié estimé d'après Sirene",
        f"Tableau officiel ({name})",
        covered,
    )
    more = more.copy()
    ranges = more["indicateur"].str.startswith("part_ess_effectif_salarie_estime_")
    ranges &= ~more["indicateur"].str.endswith("statistique")
    more.loc[ranges & more["territoire_code"].isin(covered), "valeur"] = None
    return pd.concat([replaced, more], ignore_index=True)
