"""ESS indicators for many areas at once (every EPCI or département of France) in one scan.

The national stock (about 44 M establishments, 30 M legal units) is never loaded into pandas.
DuckDB reads the few needed columns, keeps the active establishments that may be employers
(employer flag ``O``, or a band present and not ``NN``), moves old commune codes and the
arrondissements of Paris, Lyon and Marseille with the passage table, applies the employer rule
of :class:`ressol_analysis.ess.EmployerRule`, joins the legal units, a commune → area table and
the band and family reference tables, and groups by area. The rules and indicator keys are those
of :mod:`ressol_analysis.ess` (``classify`` + ``ess_indicators``, legal perimeter); the result is
the same tidy table. The same scan keeps the establishments closed since 2013 and the dates, and
gives the dynamics keys of :mod:`ressol_analysis.dynamics` (creations, closures, active
establishments each 1 January, survival), computed in SQL with the same rules.

Differences with the one-territory path (:func:`ressol_analysis.sources.sirene.read_sirene`),
all about input checks, none about figures: split commune codes are checked on the candidate
employers of the areas only, and duplicated ``siren`` in the legal units are not looked for
(that would cost a second pass over 30 M rows). Unknown band codes and catégories juridiques
absent from the nomenclature are counted on the same rows as in the one-territory path and
reported with the same French messages.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import duckdb
import pandas as pd

from . import dynamics
from .contract import geography_note
from .employers import BAND_MAX_AGE, EmployerRule
from .errors import RessolError, list_codes
from .ess import tidy_indicators, with_shares
from .geography import (
    build_passage,
    last_update_passage,
    move_codes,
    split_passage,
    unplaced_codes_error,
)
from .sirene_text import input_notes, input_warnings
from .sources import cog
from .sources.manifest import raw_file
from .sources.reference import (
    FAMILIES,
    LEGAL_CATEGORY,
    bands_table,
    families_table,
    family_levels_table,
    malformed_legal_category_error,
)
from .sources.sirene import EMPLOYER_FLAG, ETAB_REQUIRED, UL_REQUIRED
from .sources.sirene_files import (
    BAND_YEAR,
    FileFacts,
    StockFile,
    check_same_stock,
    find_stock_file,
    relation,
    stock_columns,
)
from .sources.tables import require_columns

SIRENE_SOURCE = "Insee, Sirene (stock), estimation par tranche d'effectifs"
GROUP_COLUMNS = ("CODGEO", "territoire_code", "territoire")
DEFAULT_MEMORY_LIMIT = "1GB"
ETAB_NEEDED = (
    "siren",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
    "trancheEffectifsEtablissement",
    "dateCreationEtablissement",
    "dateDebut",
)
DYNAMICS_NOTE = "établissements actifs et fermés, dates de création et de fermeture"
UL_NEEDED = ("siren", "categorieJuridiqueUniteLegale", "economieSocialeSolidaireUniteLegale")


def _clean(column: str, present: list[str] | None = None) -> str:
    if present is not None and column not in present:
        return "CAST(NULL AS VARCHAR)"
    return f"NULLIF(TRIM(CAST(\"{column}\" AS VARCHAR)), '')"


def _check_groups(commune_groups: pd.DataFrame) -> pd.DataFrame:
    require_columns(Path("commune_groups"), list(commune_groups.columns), list(GROUP_COLUMNS))
    groups = commune_groups[list(GROUP_COLUMNS)].dropna().drop_duplicates()
    if groups.empty:
        raise RessolError(
            "La table des zones est vide : donnez au moins une commune avec sa zone "
            "(colonnes CODGEO, territoire_code, territoire)."
        )
    labels = groups.groupby("territoire_code")["territoire"].nunique()
    if (labels > 1).any():
        raise RessolError(
            "Dans la table des zones, des codes de zone portent plusieurs libellés : "
            f"{list_codes(labels[labels > 1].index)}. Donnez un seul libellé par zone."
        )
    return groups


def _register_references(con: duckdb.DuckDBPyConnection, groups, passage) -> None:
    bands = bands_table()[["tranche", "employeur", "effectif_bas", "effectif_central"]]
    bands = bands.assign(effectif_haut=bands_table()["effectif_haut"])
    levels = family_levels_table()
    moves, unplaced = split_passage(passage)
    communes = set(groups["CODGEO"].astype(str))
    # Codes worth reading: the areas' communes and every old code that lands in one of them.
    codes = communes | set(moves.loc[moves["code_actuel"].isin(communes), "code_ancien"])
    codes |= set(unplaced.loc[unplaced["code_actuel"].isin(communes), "code_ancien"])
    for name, frame in {
        "ref_codes": pd.DataFrame({"code": sorted(codes)}, dtype=str),
        "ref_bands": bands,
        "ref_families": families_table()[["categorie_juridique", "famille"]],
        "ref_families_ii": levels.loc[
            (levels["niveau"] == "II") & (levels["famille"] != ""), ["code", "famille"]
        ],
        "ref_families_i": levels.loc[levels["niveau"] == "I", ["code", "famille"]],
        "ref_groups": groups[["CODGEO", "territoire_code"]].astype(str),
        "ref_moves": moves,
        "ref_unplaced": unplaced,
    }.items():
        con.register(name, frame)


def _located(con: duckdb.DuckDBPyConnection, source: str, columns: list[str]) -> None:
    """Materialize every establishment of the areas that a figure may use, in current codes.

    Active establishments, and closed ones except those closed before the dynamics' first
    year with a known date. ``candidate`` marks the active establishments that may be employers
    (employer flag ``O``, or a band present and not ``NN``): the snapshot's rows. The filters
    compare the raw columns (cheap, pushed into the Parquet scan); values are cleaned only for
    the rows kept. The view ``candidates`` holds the candidate rows.
    """
    flag = f'CAST("{EMPLOYER_FLAG}" AS VARCHAR)' if EMPLOYER_FLAG in columns else "NULL"
    start = f"DATE '{dynamics.FIRST_YEAR - 1}-12-31'"
    con.execute(
        f"""
        CREATE TEMP TABLE located AS
        WITH kept AS (
            SELECT {_clean("siren")} AS siren,
                   {_clean("codeCommuneEtablissement")} AS code,
                   {_clean("trancheEffectifsEtablissement")} AS band,
                   {_clean(EMPLOYER_FLAG, columns)} AS flag,
                   TRY_CAST({_clean(BAND_YEAR, columns)} AS INTEGER) AS band_year,
                   {_clean("etatAdministratifEtablissement")} AS etat,
                   {_clean("dateCreationEtablissement")} AS creation,
                   {_clean("dateDebut")} AS debut,
                   COALESCE(CAST(etatAdministratifEtablissement AS VARCHAR) = 'A'
                            AND ({flag} = 'O'
                                 OR CAST(trancheEffectifsEtablissement AS VARCHAR)
                                    NOT IN ('', 'NN')), false) AS candidate
            FROM {source}
            WHERE CAST(codeCommuneEtablissement AS VARCHAR) IN (SELECT code FROM ref_codes)
              AND NOT COALESCE(CAST(etatAdministratifEtablissement AS VARCHAR) = 'F'
                  AND TRY_CAST(CAST(dateDebut AS VARCHAR) AS DATE)
                      BETWEEN DATE '1900-01-02' AND {start}, false)
        )
        SELECT kept.*, COALESCE(m.code_actuel, kept.code) AS CODGEO
        FROM kept LEFT JOIN ref_moves AS m ON kept.code = m.code_ancien
        """
    )
    con.execute("CREATE TEMP VIEW candidates AS SELECT * FROM located WHERE candidate")


def _join_units(con: duckdb.DuckDBPyConnection, units_source: str) -> None:
    """Join the legal units once (raw key in the join, cleaned after) into ``joined``."""
    con.execute(
        f"""
        CREATE TEMP TABLE joined AS
        SELECT l.rowid AS rid, l.*, {_clean("categorieJuridiqueUniteLegale")} AS cj,
               {_clean("economieSocialeSolidaireUniteLegale")} AS ess
        FROM located AS l JOIN {units_source} AS units ON l.siren = CAST(units.siren AS VARCHAR)
        """
    )


def _check_candidates(con: duckdb.DuckDBPyConnection, etab: StockFile) -> pd.DataFrame:
    """Refuse unplaceable split codes; count unknown band codes of the areas."""
    unplaced = [
        r[0]
        for r in con.execute(
            """
            SELECT DISTINCT e.code FROM candidates AS e
            JOIN ref_unplaced AS u ON e.code = u.code_ancien
            WHERE u.code_actuel IN (SELECT CODGEO FROM ref_groups)
            """
        ).fetchall()
    ]
    if unplaced:
        raise unplaced_codes_error(f"{etab.label}, codeCommuneEtablissement", unplaced)
    return con.execute(
        """
        SELECT band AS tranche, COUNT(*) AS etablissements FROM candidates
        WHERE CODGEO IN (SELECT CODGEO FROM ref_groups)
          AND band NOT IN (SELECT tranche FROM ref_bands)
        GROUP BY band ORDER BY band
        """
    ).fetch_df()


def _employer_sql(rule: EmployerRule, e: str = "e") -> str:
    """SQL of the employer test on ``candidates`` (as ``e``) joined to ``ref_bands`` as ``b``."""
    by_band = "COALESCE(b.employeur, false)"
    test = f"CASE WHEN {e}.flag IS NOT NULL THEN {e}.flag = 'O' ELSE {by_band} END"
    test = test if rule.flag else by_band
    fresh = "true"
    if rule.latest_year is not None:
        fresh = f"COALESCE({e}.band_year >= {rule.latest_year - rule.max_age}, true)"
    known = f"({e}.band IS NULL OR b.tranche IS NOT NULL)"
    return f"({test}) AND {fresh} AND {known}"


def _aggregate_sql(rule: EmployerRule) -> str:
    ess = "u.ess = 'O'"
    family = "COALESCE(f3.famille, f2.famille, f1.famille)"
    family_items = []
    for name in FAMILIES:
        condition = f"{ess} AND {family} = '{name}'"
        family_items.append(
            f'COUNT(*) FILTER (WHERE {condition}) AS "ess_etablissements_employeurs_{name}", '
            f"COALESCE(SUM(u.central) FILTER (WHERE {condition}), 0) "
            f'AS "ess_effectif_salarie_estime_{name}"'
        )
    return f"""
        WITH u AS (
            SELECT c.rid, c.siren, c.CODGEO, c.cj, c.ess,
                   COALESCE(b.effectif_bas, 0) AS low,
                   COALESCE(b.effectif_central, 0) AS central,
                   COALESCE(b.effectif_haut, 0) AS high
            FROM joined AS c LEFT JOIN ref_bands AS b ON c.band = b.tranche
            WHERE c.candidate AND {_employer_sql(rule, "c")}
        )
        SELECT g.territoire_code,
            COUNT(*) AS etablissements_employeurs,
            COUNT(*) FILTER (WHERE {ess}) AS ess_etablissements_employeurs,
            COALESCE(SUM(u.central), 0) AS effectif_salarie_estime,
            COALESCE(SUM(u.central) FILTER (WHERE {ess}), 0) AS ess_effectif_salarie_estime,
            COALESCE(SUM(u.low) FILTER (WHERE {ess}), 0) AS ess_effectif_salarie_estime_bas,
            COALESCE(SUM(u.high) FILTER (WHERE {ess}), 0) AS ess_effectif_salarie_estime_haut,
            {", ".join(family_items)},
            LIST({{'rid': u.rid, 'siren': u.siren, 'cj': u.cj,
                   'famille': {family}, 'ii': f2.famille}})
                FILTER (WHERE f3.famille IS NULL) AS fallback
        FROM u
        JOIN ref_groups AS g ON u.CODGEO = g.CODGEO
        LEFT JOIN ref_families AS f3 ON u.cj = f3.categorie_juridique
        LEFT JOIN ref_families_ii AS f2 ON left(u.cj, 2) = f2.code
        LEFT JOIN ref_families_i AS f1 ON left(u.cj, 1) = f1.code
        GROUP BY g.territoire_code
    """


def _known(column: str, stock: str) -> str:
    """SQL date of a text date column, NULL when unknown (dynamics rule 1)."""
    value = f"TRY_CAST(left({column}, 10) AS DATE)"
    return (
        f"CASE WHEN {value} <> DATE '{dynamics.UNKNOWN_DATE}' AND {value} <= {stock} "
        f"THEN {value} END"
    )


def _dynamics_sql(stock) -> str:
    """SQL of the dynamics counts per area (:func:`ressol_analysis.dynamics.dynamics_sums`)."""
    years = dynamics.period(stock, dynamics.FIRST_YEAR)
    day = f"DATE '{stock.isoformat()}'"
    family = (
        f"CASE WHEN regexp_full_match(j.cj, '{LEGAL_CATEGORY}') "
        "THEN COALESCE(f3.famille, f2.famille, f1.famille) END"
    )
    items = []
    for scope, condition in (("", "true"), ("ess_", "d.ess")):
        known = f"NOT d.unknown AND {condition}"
        for year in years["actifs"]:
            alive = (
                f"d.creation < DATE '{year}-01-01' AND "
                f"(d.etat = 'A' OR d.closure >= DATE '{year}-01-01')"
            )
            items.append((f"{scope}etablissements_actifs_01_01_{year}", f"{known} AND {alive}"))
        for year in years["flux"]:
            items.append(
                (f"{scope}etablissements_crees_{year}", f"{known} AND year(d.creation) = {year}")
            )
        for year in years["flux"]:
            items.append(
                (f"{scope}etablissements_fermes_{year}", f"{known} AND year(d.closure) = {year}")
            )
        items.append((f"{scope}etablissements_date_inconnue", f"d.unknown AND {condition}"))
        items.append((f"{scope}etablissements_cohortes_survie_3_ans", f"{known} AND d.cohort"))
        items.append((f"{scope}etablissements_survivants_3_ans", f"{known} AND d.survived"))
    for name in FAMILIES:
        member = f"NOT d.unknown AND d.ess AND d.famille = '{name}'"
        items.append((f"ess_etablissements_cohortes_survie_3_ans_{name}", f"{member} AND d.cohort"))
        items.append((f"ess_etablissements_survivants_3_ans_{name}", f"{member} AND d.survived"))
    counts = ",\n            ".join(f'COUNT(*) FILTER (WHERE {c}) AS "{k}"' for k, c in items)
    cohorts = years["cohortes"] or [0]
    in_cohort = (
        f"year(creation) BETWEEN {cohorts[0]} AND {cohorts[-1]}" if years["cohortes"] else "false"
    )
    return f"""
        WITH j AS (
            SELECT j.CODGEO, j.etat, COALESCE(j.ess = 'O', false) AS ess, {family} AS famille,
                   {_known("j.creation", day)} AS creation,
                   CASE WHEN j.etat = 'F' THEN {_known("j.debut", day)} END AS closure
            FROM joined AS j
            LEFT JOIN ref_families AS f3 ON j.cj = f3.categorie_juridique
            LEFT JOIN ref_families_ii AS f2 ON left(j.cj, 2) = f2.code
            LEFT JOIN ref_families_i AS f1 ON left(j.cj, 1) = f1.code
        ),
        d AS (
            SELECT *,
                   creation IS NULL OR (etat = 'F' AND closure IS NULL)
                       OR etat IS NULL OR etat NOT IN ('A', 'F') AS unknown,
                   COALESCE({in_cohort}, false) AS cohort,
                   COALESCE({in_cohort}
                            AND (etat = 'A' OR closure > creation + INTERVAL 3 YEAR), false)
                       AS survived
            FROM j
        )
        SELECT g.territoire_code,
            {counts}
        FROM d JOIN ref_groups AS g ON d.CODGEO = g.CODGEO
        GROUP BY g.territoire_code
    """


def _fallback_categories(lists: pd.Series, units_label: str) -> pd.DataFrame:
    """Catégories juridiques absent from the nomenclature, counted once per establishment."""
    rows = [item for items in lists.dropna() for item in items]
    table = pd.DataFrame(rows, columns=["rid", "siren", "cj", "famille", "ii"])
    table = table.drop_duplicates("rid")
    # Only the (rare) rows absent from the nomenclature reach here: check their shape.
    wellformed = table["cj"].astype("string").str.fullmatch(LEGAL_CATEGORY).fillna(False)
    table["famille"] = table["famille"].where(wellformed.astype(bool))
    malformed = table[table["famille"].isna()]
    if not malformed.empty:
        raise malformed_legal_category_error(
            malformed["cj"], f"{units_label}, categorieJuridiqueUniteLegale"
        )
    table["niveau_famille"] = table["ii"].notna().map({True: "II", False: "I"})
    return (
        table.groupby(["cj", "niveau_famille", "famille"], as_index=False)
        .agg(unites=("siren", "nunique"), etablissements=("rid", "size"))
        .rename(columns={"cj": "categorie_juridique"})
    )


def national_indicators(
    sirene_dir: str | Path,
    commune_groups: pd.DataFrame,
    passage: pd.DataFrame,
    *,
    source: str = SIRENE_SOURCE,
    vintage: str | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int | None = None,
) -> pd.DataFrame:
    """Tidy ESS indicators for many areas from the SIRENE stock, in one scan grouped by area.

    Parameters
    ----------
    sirene_dir : path
        Folder holding ``StockEtablissement*`` (or geolocated ``geo_siret_*`` files) and
        ``StockUniteLegale*`` (Parquet, CSV, ``.csv.gz`` or the official zip), national or
        partial.
    commune_groups : DataFrame
        Columns ``CODGEO`` (current commune code), ``territoire_code``, ``territoire``; one row
        per (area, commune). A commune may belong to several areas.
        See :func:`france_groups`.
    passage : DataFrame
        ``code_ancien``, ``code_actuel`` (old codes and arrondissements → current commune
        codes, :func:`sirene_passage`); a split code stays where it is when one of its current
        communes kept it, otherwise it is an error.
    source : str
        Source line written in every row.
    vintage : str, optional
        Vintage written in the rows of the ESS keys; by default the one of the territory
        reports, ``Stock Sirene, effectifs au 31/12/AAAA`` (latest headcount-band year of the
        establishment files), or ``Stock Sirene au JJ/MM/AAAA`` (stock date) when the files
        carry no band year. The dynamics keys always give the stock date.
    memory_limit : str
        DuckDB memory limit (the engine spills to disk beyond it).
    threads : int, optional
        DuckDB threads (default: the machine's cores).

    Returns
    -------
    DataFrame
        Columns ``territoire_code, territoire, indicateur, valeur, unite, source, millesime``,
        one row per area (in the order of ``commune_groups``) and key of
        :func:`ressol_analysis.ess.indicator_units` then of
        :func:`ressol_analysis.dynamics.indicator_units`; figures identical to
        :func:`ressol_analysis.ess.ess_indicators` and
        :func:`ressol_analysis.dynamics.dynamics_indicators` on the same establishments. An area
        without any employer has zero counts and missing shares. ``attrs``: ``fichiers``,
        ``sans_unite_legale`` (employer establishments of the areas whose ``siren`` is absent
        from the legal units, left out with a warning), ``regle_employeur`` (the
        :class:`~ressol_analysis.ess.EmployerRule` used), ``categories`` and ``tranches``
        (codes worked around, as :func:`ressol_analysis.ess.input_anomalies`) and ``notes``
        (French lines for the run messages).

    Raises
    ------
    RessolError
        If a stock file or a column is missing, a header or Parquet type is not INSEE's, the
        files come from stocks of different months, no employer establishment is found in the
        areas, establishments and legal units do not match, a catégorie juridique of an
        employer is not four digits, or a split commune code cannot be placed.
    """
    groups = _check_groups(commune_groups)
    require_columns(Path("passage"), list(passage.columns), ["code_ancien", "code_actuel"])
    directory = Path(sirene_dir)
    etab = find_stock_file(directory, "etablissements")
    units = find_stock_file(directory, "unites_legales")
    etab_columns = stock_columns(etab, ETAB_REQUIRED, "etablissements")
    stock_columns(units, UL_REQUIRED, "unites_legales")
    etab_read = [*ETAB_NEEDED, *[c for c in (EMPLOYER_FLAG, BAND_YEAR) if c in etab_columns]]
    facts: dict[Path, FileFacts] = {}

    con = duckdb.connect(
        config={
            "memory_limit": memory_limit,
            "threads": threads or os.cpu_count() or 1,
            "preserve_insertion_order": False,
        }
    )
    try:
        _register_references(con, groups, passage)
        etab_source = relation(con, etab, "etab_source", etab_read, facts, "etablissements")
        units_source = relation(
            con, units, "units_source", list(UL_NEEDED), facts, "unites_legales"
        )
        check_same_stock(list(facts.values()))
        _located(con, etab_source, etab_columns)
        bands = _check_candidates(con, etab)
        years = [facts[p].latest_band_year for p in etab.paths if p in facts]
        years = [y for y in years if y is not None]
        rule = EmployerRule(
            flag=EMPLOYER_FLAG in etab_columns,
            latest_year=max(years) if years else None,
            max_age=BAND_MAX_AGE,
        )
        in_areas = con.execute(
            f"""
            SELECT COUNT(*) FROM candidates AS e JOIN ref_groups AS g ON e.CODGEO = g.CODGEO
            LEFT JOIN ref_bands AS b ON e.band = b.tranche WHERE {_employer_sql(rule)}
            """
        ).fetchall()[0][0]
        if in_areas == 0:
            raise RessolError(
                f"Aucun établissement employeur actif dans {etab.label} pour les "
                f"{groups['CODGEO'].nunique()} communes des zones. Vérifiez que le fichier "
                "couvre ces communes (stock national ou extrait départemental) et que "
                "codeCommuneEtablissement contient des codes communes à 5 caractères."
            )
        _join_units(con, units_source)
        check_same_stock(list(facts.values()))
        sums = con.execute(_aggregate_sql(rule)).fetch_df()
        updates = [facts[p].latest_update for p in etab.paths if p in facts]
        updates = [u for u in updates if u]
        latest = None
        if not updates:  # no last-update column: the latest known date of the areas' rows
            latest = con.execute(
                """
                SELECT max(d) FROM (
                    SELECT TRY_CAST(left(creation, 10) AS DATE) AS d FROM joined
                    WHERE CODGEO IN (SELECT CODGEO FROM ref_groups)
                    UNION ALL
                    SELECT TRY_CAST(left(debut, 10) AS DATE) FROM joined
                    WHERE CODGEO IN (SELECT CODGEO FROM ref_groups)
                )
                """
            ).fetchall()[0][0]
        stock = dynamics.stock_date(max(updates)[:10] if updates else str(latest))
        flows = con.execute(_dynamics_sql(stock)).fetch_df()
    finally:
        con.close()

    categories = _fallback_categories(sums["fallback"], units.label)
    orphans = int(in_areas - sums["etablissements_employeurs"].sum())
    if orphans == in_areas:
        raise RessolError(
            f"Les fichiers {etab.label} et {units.label} ne se rattachent pas : aucun des "
            f"établissements employeurs actifs des zones n'a son siren dans les unités légales. "
            "Déposez deux stocks du même mois (StockEtablissement et StockUniteLegale)."
        )
    if orphans:
        warnings.warn(
            f"{orphans} établissement(s) employeur(s) actif(s) des zones n'ont pas d'unité "
            f"légale dans {units.label} ; ils sont écartés. Vérifiez que les deux stocks sont "
            "du même mois.",
            stacklevel=2,
        )
    for message in input_warnings(categories, bands, "des zones étudiées"):
        warnings.warn(message, stacklevel=2)
    areas = commune_groups[["territoire_code", "territoire"]].drop_duplicates("territoire_code")
    values = (
        sums.drop(columns=["fallback"])
        .set_index("territoire_code")
        .reindex(areas["territoire_code"].astype(str))
        .fillna(0.0)
        .astype(float)
    )
    values.index = pd.Index(areas["territoire_code"])
    if vintage is None:
        vintage = (
            f"Stock Sirene, effectifs au 31/12/{rule.latest_year}"
            if rule.latest_year
            else f"Stock Sirene au {stock:%d/%m/%Y}"
        )
    result = tidy_indicators(with_shares(values), areas, source, vintage)
    counts = (
        flows.set_index("territoire_code")
        .reindex(areas["territoire_code"].astype(str))
        .fillna(0.0)
        .astype(float)
    )
    counts.index = pd.Index(areas["territoire_code"])
    result = pd.concat(
        [
            result,
            dynamics.dynamics_tidy(
                counts[dynamics.count_columns(stock)],
                areas,
                stock,
                f"{source} ; {DYNAMICS_NOTE}",
                f"Stock Sirene au {stock:%d/%m/%Y}",
            ),
        ],
        ignore_index=True,
    )
    order = {code: i for i, code in enumerate(areas["territoire_code"])}
    result = result.assign(_a=result["territoire_code"].map(order))
    result = result.sort_values("_a", kind="stable").drop(columns="_a").reset_index(drop=True)
    result.attrs = {
        "fichiers": [str(p) for p in (*etab.paths, *units.paths)],
        "sans_unite_legale": orphans,
        "regle_employeur": rule,
        "categories": categories,
        "tranches": bands,
        "notes": input_notes(rule, categories, bands, None),
    }
    return result


def epci_groups(epci: pd.DataFrame, passage: pd.DataFrame, current: pd.Index) -> pd.DataFrame:
    """Commune → EPCI table for every EPCI of the DGCL composition file, in current codes.

    Parameters
    ----------
    epci : DataFrame
        Output of :func:`ressol_analysis.sources.cog.read_epci_composition`.
    passage : DataFrame
        ``code_ancien``, ``code_actuel`` for movements after the perimeters' date.
    current : Index of str
        Current COG communes.

    Returns
    -------
    DataFrame
        ``CODGEO``, ``territoire_code`` (``epci-<siren>``), ``territoire`` (EPCI name), sorted.
    """
    codes = move_codes(
        epci["CODGEO"], passage, current, what="composition des EPCI", split_rule="refuse"
    )
    table = pd.DataFrame(
        {
            "CODGEO": codes.to_numpy(),
            "territoire_code": ("epci-" + epci["EPCI"].astype(str)).to_numpy(),
            "territoire": epci["EPCI_NOM"].to_numpy(),
        }
    ).astype("string")
    table = table.drop_duplicates().sort_values(["territoire_code", "CODGEO"])
    return table.reset_index(drop=True)


def departement_groups(communes: pd.DataFrame, departements: pd.DataFrame) -> pd.DataFrame:
    """Commune → département table for every current commune.

    Parameters
    ----------
    communes : DataFrame
        Output of :func:`ressol_analysis.sources.cog.read_cog_communes`.
    departements : DataFrame
        Output of :func:`ressol_analysis.sources.cog.read_departements`.

    Returns
    -------
    DataFrame
        ``CODGEO``, ``territoire_code`` (``dep-<code>``), ``territoire`` (département name), sorted.
    """
    names = departements.set_index("DEP")["LIBELLE"]
    table = pd.DataFrame(
        {
            "CODGEO": communes["CODGEO"].to_numpy(),
            "territoire_code": ("dep-" + communes["DEP"].astype(str)).to_numpy(),
            "territoire": communes["DEP"].map(names).to_numpy(),
        }
    ).astype("string")
    missing = table.loc[table["territoire"].isna(), "territoire_code"]
    if not missing.empty:
        raise RessolError(
            f"Département(s) {list_codes(missing)} absent(s) de la liste des départements du "
            "COG. Restaurez les fichiers COG du même millésime."
        )
    return table.sort_values(["territoire_code", "CODGEO"]).reset_index(drop=True)


def _france_epci(raw: Path) -> pd.DataFrame:
    communes = cog.read_cog_communes(raw_file(raw, "cog_communes").path)
    movements = cog.read_movements(raw_file(raw, "cog_mouvements").path)
    epci, epci_date = cog.read_epci_composition(raw_file(raw, "epci").path)
    return epci_groups(epci, build_passage(movements, epci_date), pd.Index(communes["CODGEO"]))


def _france_departements(raw: Path) -> pd.DataFrame:
    communes = cog.read_cog_communes(raw_file(raw, "cog_communes").path)
    departements = cog.read_departements(raw_file(raw, "cog_departements").path)
    return departement_groups(communes, departements)


FRANCE_LEVELS = {"epci": _france_epci, "departement": _france_departements}


def france_groups(raw: str | Path, level: str) -> pd.DataFrame:
    """Commune → area table for all of France from the project's raw files.

    Parameters
    ----------
    raw : path
        The ``data/raw`` folder (files checked against the manifest).
    level : {"epci", "departement"}
        Every EPCI à fiscalité propre of the DGCL file, or every département of the COG.

    Returns
    -------
    DataFrame
        ``CODGEO``, ``territoire_code``, ``territoire`` (see :func:`epci_groups` and
        :func:`departement_groups`).

    Raises
    ------
    RessolError
        On an unknown ``level``.
    """
    if level not in FRANCE_LEVELS:
        raise RessolError(
            f"Niveau de zones inconnu : « {level} ». Niveaux possibles : "
            f"{', '.join(FRANCE_LEVELS)}."
        )
    return FRANCE_LEVELS[level](Path(raw))


def national_indicators_cli(paths, sirene_dir: str | None, level: str) -> pd.DataFrame:
    """ESS indicators of every EPCI or département of France, for ``ressol indicators``.

    Parameters
    ----------
    paths : ProjectPaths
        Project folders (raw files for the EPCI composition and the COG).
    sirene_dir : str
        Folder of the official national SIRENE stock files.
    level : {"epci", "departements"}
        Areas to compute.

    Returns
    -------
    DataFrame
        Tidy indicators (the contract of ``indicateurs.csv``); each source line ends with the
        geography of the COG in ``data/raw`` (`` — géographie au 01/01/AAAA``).

    Raises
    ------
    RessolError
        If no SIRENE folder is given: the national run needs the real national files.
    """
    if not sirene_dir:
        raise RessolError(
            "Le calcul pour toute la France lit les fichiers Sirene nationaux : indiquez leur "
            "dossier avec --sirene DOSSIER (StockEtablissement et StockUniteLegale, Parquet, "
            "CSV ou zip officiels)."
        )
    groups = france_groups(paths.raw, "epci" if level == "epci" else "departement")
    table = national_indicators(sirene_dir, groups, sirene_passage(paths.raw))
    # Every figure states its geography, as in the territory reports: the COG of data/raw.
    movements = cog.read_movements(raw_file(Path(paths.raw), "cog_mouvements").path)
    note = geography_note(cog.cog_year(movements))
    return table.assign(source=table["source"] + f" — {note}")


def sirene_passage(raw: str | Path) -> pd.DataFrame:
    """Old → current commune codes for SIRENE, as the territory reports use them.

    The rule is :func:`ressol_analysis.geography.last_update_passage`, the one of
    :attr:`ressol_analysis.context.Diagnostic.sirene_passage`.
    """
    raw = Path(raw)
    movements = cog.read_movements(raw_file(raw, "cog_mouvements").path)
    path = raw_file(raw, "cog_communes").path
    communes = cog.read_cog_communes(path)
    return last_update_passage(movements, communes["CODGEO"], cog.read_arrondissements(path))
