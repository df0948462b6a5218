"""Dynamics of establishments since the 2013 diagnostic: creations, closures, survival (pure).

The rules (``docs/methode_ess.md``, « Dynamique depuis 2013 »), on every establishment of the
SIRENE stock, active or closed, located in its current commune:

1. a date is known when it reads ``AAAA-MM-JJ``, is not ``1900-01-01`` (INSEE's « date non
   déterminée ») and is not after the stock's date;
2. created in year Y: the year of ``dateCreationEtablissement`` is Y;
3. closed in year Y: ``etatAdministratifEtablissement`` is ``F`` and the year of ``dateDebut``
   (start of its current, closed period) is Y;
4. active on 1 January of year Y: created before that day, and still active (``A``) or closed
   on or after that day;
5. survival at three years: among the establishments created in the cohort years (from the
   first year to the last year with three full years behind it), the share still active three
   years after their creation date (active, or closed strictly later than creation + 3 years);
6. years run from the first year (2013) to the last full year before the stock's date; an
   establishment whose creation date is unknown, closed without a known closure date, or with
   an unknown state is counted « date inconnue » and in no series;
7. ESS membership and family are the legal unit's current ones.

The counts are computed once per area (:func:`dynamics_sums`, or the national SQL scan with the
same column names), then turned into rates and tidy rows (:func:`dynamics_tidy`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import tidy
from .sources.reference import FAMILIES
from .sources.tables import require_columns

FIRST_YEAR = 2013
SURVIVAL_YEARS = 3
UNKNOWN_DATE = "1900-01-01"
SCOPES = ("", "ess_")
UNIT_ESTABLISHMENTS = "établissements"
UNIT_PERCENT = "%"
HISTORY_COLUMNS = (
    "CODGEO",
    "etatAdministratifEtablissement",
    "dateCreationEtablissement",
    "dateDebut",
    "ess",
    "famille",
)


def stock_date(value: str | None, history: pd.DataFrame | None = None) -> date:
    """The date of the stock: its latest update, else the latest known date of the rows.

    Parameters
    ----------
    value : str or None
        ``AAAA-MM-JJ`` (latest ``dateDernierTraitementEtablissement`` of the files).
    history : DataFrame, optional
        Rows with ``dateCreationEtablissement`` and ``dateDebut`` (used when ``value`` is None).

    Returns
    -------
    datetime.date
    """
    if value:
        return date.fromisoformat(str(value)[:10])
    dates = pd.concat([history["dateCreationEtablissement"], history["dateDebut"]])
    parsed = pd.to_datetime(dates.astype("string").str.slice(0, 10), errors="coerce")
    return parsed.max().date()


def period(stock: date, first_year: int = FIRST_YEAR) -> dict[str, list[int]]:
    """Years of the series for a stock of a given date.

    Parameters
    ----------
    stock : datetime.date
        Date of the stock.
    first_year : int
        First year (2013, the first diagnostic).

    Returns
    -------
    dict
        ``flux``: years of creations and closures (first year → last full year before the
        stock's date); ``actifs``: years whose 1 January is counted (first year → the 1 January
        that ends the last full year: a stock dated 31 December, as INSEE's stock of 1 January
        is, counts the next day); ``cohortes``: survival cohorts (first year →
        the last year with three full years behind it).
    """
    last_full = stock.year - 1 if stock < date(stock.year, 12, 31) else stock.year
    return {
        "flux": list(range(first_year, last_full + 1)),
        "actifs": list(range(first_year, last_full + 2)),
        "cohortes": list(range(first_year, last_full - SURVIVAL_YEARS + 1)),
    }


def known_dates(values: pd.Series, stock: date) -> pd.Series:
    """Dates of a SIRENE date column, missing when unknown (rule 1).

    Parameters
    ----------
    values : Series
        Text ``AAAA-MM-JJ`` (or dates).
    stock : datetime.date
        Date of the stock: a later date is an anomaly, treated as unknown.

    Returns
    -------
    Series of datetime64
        Missing for an empty, unreadable, ``1900-01-01`` or future date.
    """
    text = values.astype("string").str.strip().str.slice(0, 10)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    unknown = text.eq(UNKNOWN_DATE).fillna(False) | (parsed > pd.Timestamp(stock))
    return parsed.mask(unknown.astype(bool))


def dated(history: pd.DataFrame, stock: date) -> pd.DataFrame:
    """Creation date, closure date and « date inconnue » flag of each establishment.

    Parameters
    ----------
    history : DataFrame
        Columns :data:`HISTORY_COLUMNS` (``ess`` bool, ``famille`` possibly missing).
    stock : datetime.date
        Date of the stock.

    Returns
    -------
    DataFrame
        ``CODGEO``, ``ess``, ``famille``, ``creation``, ``fermeture`` (missing for an active
        establishment), ``actif`` (bool), ``inconnue`` (bool: rule 6).
    """
    require_columns(Path("établissements datés"), list(history.columns), list(HISTORY_COLUMNS))
    state = history["etatAdministratifEtablissement"].astype("string").str.strip()
    active = state.eq("A").fillna(False).astype(bool)
    closed = state.eq("F").fillna(False).astype(bool)
    creation = known_dates(history["dateCreationEtablissement"], stock)
    closure = known_dates(history["dateDebut"], stock).where(closed)
    unknown = creation.isna() | (closed & closure.isna()) | ~(active | closed)
    return pd.DataFrame(
        {
            "CODGEO": history["CODGEO"].astype("string"),
            "ess": history["ess"].astype(bool),
            "famille": history["famille"].astype("string"),
            "creation": creation,
            "fermeture": closure,
            "actif": active,
            "inconnue": unknown.astype(bool),
        },
        index=history.index,
    )


def count_columns(stock: date, first_year: int = FIRST_YEAR) -> list[str]:
    """Names of the count columns of :func:`dynamics_sums` (also the national scan's)."""
    years = period(stock, first_year)
    columns = []
    for scope in SCOPES:
        columns += [f"{scope}etablissements_actifs_01_01_{y}" for y in years["actifs"]]
        columns += [f"{scope}etablissements_crees_{y}" for y in years["flux"]]
        columns += [f"{scope}etablissements_fermes_{y}" for y in years["flux"]]
        columns += [f"{scope}etablissements_date_inconnue"]
        columns += [f"{scope}etablissements_cohortes_survie_3_ans"]
        columns += [f"{scope}etablissements_survivants_3_ans"]
    for family in FAMILIES:
        columns += [f"ess_etablissements_cohortes_survie_3_ans_{family}"]
        columns += [f"ess_etablissements_survivants_3_ans_{family}"]
    return columns


def dynamics_sums(
    history: pd.DataFrame, membership: pd.DataFrame, stock: date, first_year: int = FIRST_YEAR
) -> pd.DataFrame:
    """Counts of the dynamics per area (rules 2 to 6).

    Parameters
    ----------
    history : DataFrame
        Columns :data:`HISTORY_COLUMNS`: every establishment of the areas, active or closed
        (those closed before ``first_year`` may be left out), ``CODGEO`` in current codes.
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO``.
    stock : datetime.date
        Date of the stock.
    first_year : int
        First year of the series.

    Returns
    -------
    DataFrame
        Indexed by ``territoire_code`` (order of ``membership``), the columns of
        :func:`count_columns` as floats (zero where nothing is counted).
    """
    require_columns(Path("membership"), list(membership.columns), ["territoire_code", "CODGEO"])
    years = period(stock, first_year)
    rows = dated(history, stock)
    total = _area_counter(rows["CODGEO"], membership)
    known = ~rows["inconnue"].to_numpy(bool)
    active = rows["actif"].to_numpy(bool)
    ess = rows["ess"].to_numpy(bool)
    created, closed = rows["creation"], rows["fermeture"]
    created_year = created.dt.year
    closed_year = closed.dt.year
    cohorts = years["cohortes"] or [0]
    cohort = (
        known & created_year.between(cohorts[0], cohorts[-1]).to_numpy(bool)
        if years["cohortes"]
        else np.zeros(len(rows), dtype=bool)
    )
    horizon = created + pd.DateOffset(years=SURVIVAL_YEARS)
    survived = cohort & (active | (closed > horizon).to_numpy(bool))
    columns: dict[str, np.ndarray] = {}
    for scope in SCOPES:
        part = known & ess if scope else known
        for year in years["actifs"]:
            day = pd.Timestamp(year, 1, 1)
            alive = (created < day).to_numpy(bool) & (active | (closed >= day).to_numpy(bool))
            columns[f"{scope}etablissements_actifs_01_01_{year}"] = total(part & alive)
        for year in years["flux"]:
            created_in = created_year.eq(year).to_numpy(bool)
            columns[f"{scope}etablissements_crees_{year}"] = total(part & created_in)
        for year in years["flux"]:
            closed_in = closed_year.eq(year).to_numpy(bool)
            columns[f"{scope}etablissements_fermes_{year}"] = total(part & closed_in)
        unknown = ~known & ess if scope else ~known
        columns[f"{scope}etablissements_date_inconnue"] = total(unknown)
        columns[f"{scope}etablissements_cohortes_survie_3_ans"] = total(part & cohort)
        columns[f"{scope}etablissements_survivants_3_ans"] = total(part & survived)
    for family in FAMILIES:
        member = ess & rows["famille"].eq(family).fillna(False).to_numpy(bool)
        columns[f"ess_etablissements_cohortes_survie_3_ans_{family}"] = total(member & cohort)
        columns[f"ess_etablissements_survivants_3_ans_{family}"] = total(member & survived)
    areas = pd.Index(membership["territoire_code"].drop_duplicates(), name="territoire_code")
    sums = pd.DataFrame(columns, index=areas)
    return sums[count_columns(stock, first_year)]


def _area_counter(codes: pd.Series, membership: pd.DataFrame) -> Callable[[np.ndarray], np.ndarray]:
    """A function counting flagged establishments in each area of ``membership``.

    Flags are summed by commune, then by area through the areas × communes incidence matrix
    of the membership: joining the establishments to the many-to-many membership would copy
    each of them once per area, for every count. Counts are exact (integers in floats).
    """
    commune, communes = pd.factorize(codes)
    areas = pd.Index(membership["territoire_code"].drop_duplicates())
    # An establishment of a commune outside the areas (or without commune) goes to the last,
    # extra commune, which no area holds.
    commune = np.where(commune < 0, len(communes), commune)
    incidence = np.zeros((len(areas), len(communes) + 1))
    where = pd.Index(communes).get_indexer(membership["CODGEO"])
    held = where >= 0
    np.add.at(
        incidence,
        (areas.get_indexer(membership["territoire_code"])[held], where[held]),
        1.0,
    )

    def total(flags: np.ndarray) -> np.ndarray:
        return incidence @ np.bincount(commune, weights=flags, minlength=len(communes) + 1)

    return total


def _rate(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100 * part / whole.where(whole > 0)).astype(float)


def indicator_units(stock: date, first_year: int = FIRST_YEAR) -> dict[str, str]:
    """Indicator keys of the dynamics, in report order, with their unit.

    Parameters
    ----------
    stock : datetime.date
        Date of the stock (gives the years).
    first_year : int
        First year of the series.

    Returns
    -------
    dict of str to str
        Key → unit.
    """
    years = period(stock, first_year)
    units: dict[str, str] = {}
    for scope in SCOPES:
        for year in years["actifs"]:
            units[f"{scope}etablissements_actifs_01_01_{year}"] = UNIT_ESTABLISHMENTS
        for year in years["flux"]:
            units[f"{scope}etablissements_crees_{year}"] = UNIT_ESTABLISHMENTS
        for year in years["flux"]:
            units[f"{scope}etablissements_fermes_{year}"] = UNIT_ESTABLISHMENTS
        units[f"{scope}etablissements_date_inconnue"] = UNIT_ESTABLISHMENTS
        units[f"{scope}evolution_etablissements_actifs_depuis_{first_year}"] = UNIT_PERCENT
        units[f"{scope}etablissements_cohortes_survie_3_ans"] = UNIT_ESTABLISHMENTS
        units[f"{scope}taux_survie_3_ans"] = UNIT_PERCENT
    for family in FAMILIES:
        units[f"ess_etablissements_cohortes_survie_3_ans_{family}"] = UNIT_ESTABLISHMENTS
        units[f"ess_taux_survie_3_ans_{family}"] = UNIT_PERCENT
    return units


def dynamics_values(sums: pd.DataFrame, stock: date, first_year: int = FIRST_YEAR) -> pd.DataFrame:
    """Add the evolution since the first year and the survival rates to the counts.

    Parameters
    ----------
    sums : DataFrame
        Output of :func:`dynamics_sums` (or the national scan's same columns).
    stock : datetime.date
        Date of the stock.
    first_year : int
        First year of the series.

    Returns
    -------
    DataFrame
        Same index, one column per key of :func:`indicator_units`: the evolution is the
        percent change of the active establishments between 1 January of the first year and
        the last 1 January; rates are percentages, missing when their denominator is zero.
    """
    years = period(stock, first_year)
    values = sums.copy()
    first, last = years["actifs"][0], years["actifs"][-1]
    for scope in SCOPES:
        start = sums[f"{scope}etablissements_actifs_01_01_{first}"]
        end = sums[f"{scope}etablissements_actifs_01_01_{last}"]
        values[f"{scope}evolution_etablissements_actifs_depuis_{first_year}"] = (
            _rate(end, start) - 100
        )
        values[f"{scope}taux_survie_3_ans"] = _rate(
            sums[f"{scope}etablissements_survivants_3_ans"],
            sums[f"{scope}etablissements_cohortes_survie_3_ans"],
        )
    for family in FAMILIES:
        values[f"ess_taux_survie_3_ans_{family}"] = _rate(
            sums[f"ess_etablissements_survivants_3_ans_{family}"],
            sums[f"ess_etablissements_cohortes_survie_3_ans_{family}"],
        )
    return values[list(indicator_units(stock, first_year))]


def dynamics_tidy(
    sums: pd.DataFrame,
    areas: pd.DataFrame,
    stock: date,
    source: str,
    vintage: str,
    synthetic: bool = False,
    first_year: int = FIRST_YEAR,
) -> pd.DataFrame:
    """The dynamics as tidy indicator rows.

    Parameters
    ----------
    sums : DataFrame
        Counts per area (:func:`dynamics_sums`).
    areas : DataFrame
        ``territoire_code``, ``territoire`` in display order.
    stock : datetime.date
        Date of the stock.
    source, vintage : str
        Source line and vintage of every row.
    synthetic : bool
        Whether the establishments are the synthetic demonstration extract.
    first_year : int
        First year of the series.

    Returns
    -------
    DataFrame
        The contract's columns, keys of :func:`indicator_units` for every area.
    """
    values = dynamics_values(sums, stock, first_year)
    wide = values.reindex(areas["territoire_code"]).rename_axis("territoire_code").reset_index()
    names = dict(zip(areas["territoire_code"], areas["territoire"], strict=True))
    return tidy(wide, names, indicator_units(stock, first_year), source, vintage, synthetic)


def dynamics_indicators(
    history: pd.DataFrame,
    membership: pd.DataFrame,
    stock: date,
    source: str,
    vintage: str,
    synthetic: bool = False,
    first_year: int = FIRST_YEAR,
) -> pd.DataFrame:
    """Tidy dynamics indicators for every area of ``membership`` (rules of the module).

    Parameters
    ----------
    history : DataFrame
        Columns :data:`HISTORY_COLUMNS`.
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO``.
    stock : datetime.date
        Date of the stock.
    source, vintage : str
        Source line and vintage of every row.
    synthetic : bool
        Whether the establishments are the synthetic demonstration extract.
    first_year : int
        First year of the series.

    Returns
    -------
    DataFrame
        The contract's columns, one row per area and key of :func:`indicator_units`.
    """
    areas = membership[["territoire_code", "territoire"]].drop_duplicates("territoire_code")
    sums = dynamics_sums(history, membership, stock, first_year)
    return dynamics_tidy(sums, areas, stock, source, vintage, synthetic, first_year)


def available(indicators: pd.DataFrame) -> bool:
    """Whether a tidy indicator table holds the dynamics (the stock had its date columns).

    Without ``dateCreationEtablissement`` and ``dateDebut`` (optional columns of a stock) a
    run has no dynamics key; the section then says why instead of drawing.
    """
    return bool(
        indicators["indicateur"].eq(f"evolution_etablissements_actifs_depuis_{FIRST_YEAR}").any()
    )


def yearly_series(indicators: pd.DataFrame) -> pd.DataFrame:
    """The yearly series of tidy dynamics indicators, one row per area, scope and year.

    Parameters
    ----------
    indicators : DataFrame
        Tidy rows holding the keys of :func:`indicator_units` (other keys are ignored).

    Returns
    -------
    DataFrame
        ``territoire_code``, ``champ`` (``ensemble`` or ``ess``), ``annee`` (int),
        ``actifs_01_01``, ``crees``, ``fermes`` (missing where the year has no such key),
        ``indice`` (active establishments on 1 January, first year = 100),
        ``taux_creation`` and ``taux_fermeture`` (created or closed in the year per 100
        establishments active on its 1 January, INSEE's definition of the creation rate).
    """
    pattern = r"^(ess_)?etablissements_(actifs_01_01|crees|fermes)_(\d{4})$"
    parts = indicators["indicateur"].str.extract(pattern)
    rows = indicators[parts[2].notna()].assign(
        champ=parts[0].map({"ess_": "ess"}).fillna("ensemble"),
        mesure=parts[1],
        annee=pd.to_numeric(parts[2]),
    )
    table = rows.pivot_table(
        index=["territoire_code", "champ", "annee"],
        columns="mesure",
        values="valeur",
        aggfunc="first",
        dropna=False,
    ).reset_index()
    table.columns.name = None
    for column in ("actifs_01_01", "crees", "fermes"):
        if column not in table:
            table[column] = float("nan")
    table["annee"] = table["annee"].astype(int)
    first = table.groupby(["territoire_code", "champ"])["actifs_01_01"].transform("first")
    table["indice"] = _rate(table["actifs_01_01"], first)
    table["taux_creation"] = _rate(table["crees"], table["actifs_01_01"])
    table["taux_fermeture"] = _rate(table["fermes"], table["actifs_01_01"])
    order = {a: i for i, a in enumerate(indicators["territoire_code"].drop_duplicates())}
    table = table.assign(_a=table["territoire_code"].map(order))
    table = table.sort_values(["_a", "champ", "annee"]).drop(columns="_a")
    columns = ["territoire_code", "champ", "annee", "actifs_01_01", "crees", "fermes"]
    return table[[*columns, "indice", "taux_creation", "taux_fermeture"]].reset_index(drop=True)
