"""ESS employers placed by their coordinates, grouped enough to respect statistical secrecy.

When the SIRENE stock carries coordinates (Etalab's geolocated files: ``longitude``,
``latitude`` in WGS 84; INSEE's stock 3.11: Lambert-93 ``coordonneeLambert…``), the ESS map can
show where the jobs are inside each commune instead of one circle per commune. No symbol may
reveal an establishment: within each commune whose ESS jobs are published (not masked by
:func:`ressol_analysis.ess_communes.commune_table`), establishments are grouped by square cells of
:data:`GRID_METRES`; a cell is drawn only if it passes the primary secrecy rule (at least 3
establishments, none above 85 % of its jobs), and the rest of the commune (cells that do not pass,
establishments without coordinates) is one more symbol at the commune's centre. If that rest
would not pass the rule, the smallest drawn cells join it until it does (or the commune is one
symbol). The groups of a commune are disjoint and add up to its published figure, so comparing
them with each other or with the commune reveals nothing about any establishment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyproj import Transformer

from .ess_communes import primary_secret

GRID_METRES = 2000
LAMBERT = ("coordonneeLambertAbscisseEtablissement", "coordonneeLambertOrdonneeEtablissement")
WGS84 = ("longitude", "latitude")
POINT_COLUMNS = ["CODGEO", "x", "y", "etablissements", "emplois", "groupe"]


def _numbers(table: pd.DataFrame, column: str) -> pd.Series:
    if column not in table:
        return pd.Series(np.nan, index=table.index)
    return pd.to_numeric(table[column], errors="coerce").astype(float)


def lambert_coordinates(establishments: pd.DataFrame) -> pd.DataFrame:
    """Lambert-93 coordinates (metres, EPSG:2154) of establishments, where the file has them.

    INSEE's Lambert-93 columns are used in metropolitan France (overseas they are in local
    projections); otherwise Etalab's longitude and latitude are projected. Masked values
    (``[ND]``) and empty cells give missing coordinates.

    Parameters
    ----------
    establishments : DataFrame
        ``CODGEO`` and any of the coordinate columns.

    Returns
    -------
    DataFrame
        Same index; ``x``, ``y`` (floats, missing when unknown).
    """
    overseas = establishments["CODGEO"].astype("string").str.startswith("97").fillna(False)
    x = _numbers(establishments, LAMBERT[0]).where(~overseas)
    y = _numbers(establishments, LAMBERT[1]).where(~overseas)
    lon, lat = _numbers(establishments, WGS84[0]), _numbers(establishments, WGS84[1])
    use = x.isna() & lon.notna() & lat.notna()
    if use.any():
        transformer = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
        px, py = transformer.transform(lon[use].to_numpy(), lat[use].to_numpy())
        x.loc[use], y.loc[use] = px, py
    return pd.DataFrame({"x": x, "y": y}, index=establishments.index)


def _passes(jobs: pd.Series) -> bool:
    """Whether a group of establishments may be published (primary secrecy rule)."""
    secret = primary_secret(
        pd.Series([len(jobs)]), pd.Series([jobs.sum()]), pd.Series([jobs.max()])
    )
    return not bool(secret.iloc[0])


def point_groups(
    classified: pd.DataFrame, communes: pd.DataFrame, grid: float = GRID_METRES
) -> pd.DataFrame:
    """Groups of ESS employers to draw as proportional symbols, respecting secrecy.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`ressol_analysis.ess.classify` for the territory, with coordinate
        columns (see :func:`lambert_coordinates`).
    communes : DataFrame
        Output of :func:`ressol_analysis.ess_communes.commune_table`: ``CODGEO``, ``secret_ess``.
    grid : float
        Side of the square cells, in metres.

    Returns
    -------
    DataFrame
        Columns :data:`POINT_COLUMNS`: one row per symbol; ``x``, ``y`` the centre of the cell
        in Lambert-93 (missing for the rest of a commune, drawn at the commune's centre);
        ``groupe`` is ``carreau`` or ``reste``. Communes whose ESS jobs are masked have no
        symbol. The jobs of a commune's symbols add up to its ESS estimated jobs.
    """
    published = set(communes.loc[~communes["secret_ess"].astype(bool), "CODGEO"])
    ess = classified[classified["employeur"] & classified["ess"]]
    ess = ess[ess["CODGEO"].isin(published)]
    xy = lambert_coordinates(ess)
    cell = (np.floor(xy["x"] / grid).astype("Int64").astype("string") + "/") + np.floor(
        xy["y"] / grid
    ).astype("Int64").astype("string")
    rows = []
    for code, members in ess.assign(_cell=cell).groupby("CODGEO", sort=True):
        jobs = members["effectif_central"]
        cells = [
            (key, part.index)
            for key, part in members.dropna(subset=["_cell"]).groupby("_cell", sort=True)
            if _passes(jobs.loc[part.index])
        ]
        kept = {i for _, index in cells for i in index}
        rest = members.index.difference(pd.Index(sorted(kept)))
        cells.sort(key=lambda item: (jobs.loc[item[1]].sum(), item[0]))
        while len(rest) and not _passes(jobs.loc[rest]) and cells:
            _, index = cells.pop(0)
            rest = rest.union(index)
        for key, index in cells:
            cx, cy = (float(v) for v in key.split("/"))
            rows.append(
                (code, (cx + 0.5) * grid, (cy + 0.5) * grid, len(index), jobs.loc[index].sum(),
                 "carreau")
            )  # fmt: skip
        if len(rest):
            rows.append((code, np.nan, np.nan, len(rest), jobs.loc[rest].sum(), "reste"))
    return pd.DataFrame(rows, columns=POINT_COLUMNS)
