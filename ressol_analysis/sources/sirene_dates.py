"""Reader of the SIRENE stock for the dynamics: every establishment, active or closed, dated.

The snapshot reader (:func:`ressol_analysis.sources.sirene.read_sirene`) keeps the active
establishments only. The dynamics since a first year (2013, the first diagnostic) also need
the closed ones: this reader keeps, in the communes of interest (current codes, their old codes,
the arrondissements of Paris, Lyon and Marseille), every establishment except those closed
before the first year with a known closure date (they play no part in any figure), with its
creation date, the start of its current period (``dateDebut``: the closure date of a closed
establishment) and its legal unit's catégorie juridique and ESS flag. Dates are read as text
``AAAA-MM-JJ`` whatever the format (Parquet dates or CSV text); the rules on them are in
:mod:`ressol_analysis.dynamics`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from ..errors import RessolError
from ..geography import move_codes
from .sirene import ETAB_REQUIRED, UL_REQUIRED
from .sirene_files import (
    FileFacts,
    check_same_stock,
    find_stock_file,
    relation,
    stock_columns,
    string_frame,
)
from .tables import require_columns

CREATION = "dateCreationEtablissement"
PERIOD_START = "dateDebut"
DATES_ETAB = (
    "siren",
    "siret",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
    CREATION,
    PERIOD_START,
    "activitePrincipaleEtablissement",
)
DATES_UL = ("siren", "categorieJuridiqueUniteLegale", "economieSocialeSolidaireUniteLegale")
DATED_COLUMNS = [*DATES_ETAB, *DATES_UL[1:], "CODGEO"]


def _clean(column: str) -> str:
    return f"NULLIF(TRIM(CAST(\"{column}\" AS VARCHAR)), '')"


def has_dates(directory: Path) -> bool:
    """Whether the establishment stock of a SIRENE folder carries the two date columns.

    Only the ESS snapshot's columns are required of a stock (issue of the ESS diagnostic:
    everything else is optional); the dynamics since 2013 need ``dateCreationEtablissement``
    and ``dateDebut`` as well.

    Parameters
    ----------
    directory : Path
        Folder of the SIRENE stock files.

    Returns
    -------
    bool

    Raises
    ------
    RessolError
        If the establishment stock is missing or lacks a column the snapshot requires.
    """
    etab = find_stock_file(Path(directory), "etablissements")
    columns = stock_columns(etab, ETAB_REQUIRED, "etablissements")
    return CREATION in columns and PERIOD_START in columns


def read_sirene_dates(
    directory: str | Path, membership: pd.DataFrame, passage: pd.DataFrame, first_year: int
) -> pd.DataFrame:
    """Read the establishments of the areas, active or closed since ``first_year``, dated.

    Parameters
    ----------
    directory : path
        Folder of the stock files (as :func:`ressol_analysis.sources.sirene.read_sirene`).
    membership : DataFrame
        Column ``CODGEO`` (current commune codes of the areas).
    passage : DataFrame
        ``code_ancien``, ``code_actuel`` (old codes and arrondissements → current codes).
    first_year : int
        Establishments closed (``F``) with a ``dateDebut`` before 1 January of this year are
        left out; a missing or unreadable ``dateDebut`` keeps the row (it is counted « date
        inconnue » by the dynamics).

    Returns
    -------
    DataFrame
        Columns :data:`DATED_COLUMNS`, all strings (dates as ``AAAA-MM-JJ`` text, as written
        in the file), sorted by ``siret``; ``CODGEO`` is the current commune. Establishments
        whose ``siren`` is absent from the legal units are left out (the snapshot reader
        warns about them). ``attrs``: ``date_stock`` (``AAAA-MM-JJ``, latest
        ``dateDernierTraitementEtablissement`` of the files, or None when the files lack it)
        and ``sans_unite_legale``.

    Raises
    ------
    RessolError
        If a file or a required column (including ``dateCreationEtablissement`` and
        ``dateDebut``) is missing, or the files come from stocks of different months.
    """
    directory = Path(directory)
    require_columns(Path("membership"), list(membership.columns), ["CODGEO"])
    etab = find_stock_file(directory, "etablissements")
    units = find_stock_file(directory, "unites_legales")
    stock_columns(etab, (*ETAB_REQUIRED, CREATION, PERIOD_START), "etablissements")
    stock_columns(units, UL_REQUIRED, "unites_legales")
    current = set(membership["CODGEO"].dropna().astype(str))
    old = passage.loc[passage["code_actuel"].isin(current), "code_ancien"]
    codes = sorted(current | set(old.dropna().astype(str)))
    code_list = ", ".join("'" + c.replace("'", "''") + "'" for c in codes) or "NULL"
    facts: dict[Path, FileFacts] = {}
    con = duckdb.connect()
    try:
        etab_from = relation(con, etab, "etab_source", list(DATES_ETAB), facts, "etablissements")
        unit_from = relation(con, units, "unit_source", list(DATES_UL), facts, "unites_legales")
        check_same_stock(list(facts.values()))
        select = ", ".join(f'{_clean(c)} AS "{c}"' for c in DATES_ETAB)
        closed_before = (
            f"CAST(etatAdministratifEtablissement AS VARCHAR) = 'F' AND "
            f"TRY_CAST(CAST({PERIOD_START} AS VARCHAR) AS DATE) "
            f"BETWEEN DATE '1900-01-02' AND DATE '{first_year - 1}-12-31'"
        )
        table = con.sql(
            f"SELECT {select} FROM {etab_from} "
            f"WHERE CAST(codeCommuneEtablissement AS VARCHAR) IN ({code_list}) "
            f"AND NOT COALESCE({closed_before}, false)"
        ).to_arrow_table()
        con.register("etab", table)
        unit_select = ", ".join(f'{_clean(c)} AS "{c}"' for c in DATES_UL)
        con.execute(
            f"CREATE TEMP TABLE ul AS SELECT {unit_select} FROM {unit_from} "
            f"WHERE {_clean('siren')} IN (SELECT siren FROM etab)"
        )
        check_same_stock(list(facts.values()))
        n_etab, n_orphans = con.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE siren NOT IN (SELECT siren FROM ul)) FROM etab"
        ).fetchall()[0]  # fetched to the end: the connection is free again
        result = con.sql(
            "SELECT etab.*, ul.categorieJuridiqueUniteLegale, "
            "ul.economieSocialeSolidaireUniteLegale "
            "FROM etab JOIN (SELECT DISTINCT ON (siren) * FROM ul) AS ul USING (siren) "
            "ORDER BY siret"
        ).to_arrow_table()
    finally:
        con.close()
    if n_etab and n_orphans == n_etab:
        raise RessolError(
            f"Les fichiers {etab.label} et {units.label} ne se rattachent pas : aucun "
            "établissement étudié n'a son siren dans les unités légales. Déposez deux stocks "
            "du même mois (StockEtablissement et StockUniteLegale)."
        )
    result = string_frame(result)
    result["CODGEO"] = move_codes(
        result["codeCommuneEtablissement"],
        passage,
        None,
        what=f"{etab.label} × {units.label}",
        split_rule="keep_code",
    )
    result = result[result["CODGEO"].isin(current)][DATED_COLUMNS].reset_index(drop=True)
    updates = [facts[p].latest_update for p in etab.paths if p in facts]
    updates = [u for u in updates if u]
    result.attrs = {
        "date_stock": max(updates)[:10] if updates else None,
        "sans_unite_legale": int(n_orphans),
    }
    return result
