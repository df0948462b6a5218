"""ESS indicators for many areas at once (every EPCI or département of France) in one scan.

The national stock (about 44 M establishments, 30 M legal units) is never loaded into pandas.
DuckDB reads the few needed columns, keeps the active establishments whose band is present and
not ``NN`` (only employers enter the figures), moves old commune codes with the passage table,
joins the legal units, a commune → area table and the band and family reference tables, and
groups by area. The rules and indicator keys are those of :mod:`ressol_analysis.ess`
(``classify`` + ``ess_indicators``, legal perimeter); the result is the same tidy table.

Differences with the one-territory path (:func:`ressol_analysis.sources.sirene.read_sirene`),
all about input checks, none about figures: bands, catégories juridiques and split commune codes
are checked on the employer establishments of the areas only (a bad code on a non-employer
cannot change a figure), and duplicated ``siren`` in the legal units are not looked for (that
would cost a second pass over 30 M rows).
"""

from __future__ import annotations

import os
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from .errors import RessolError, list_codes
from .ess import tidy_indicators, with_shares
from .geography import (
    build_passage,
    last_update_passage,
    move_codes,
    split_passage,
    unplaced_codes_error,
)
from .sources import cog
from .sources.manifest import raw_file
from .sources.reference import FAMILIES, bands_table, families_table
from .sources.sirene import (
    CSV_BLOCK_SIZE,
    ETAB_REQUIRED,
    UL_REQUIRED,
    StockFile,
    find_stock_file,
    stock_columns,
    stock_relation,
    zip_member,
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
)
UL_NEEDED = ("siren", "categorieJuridiqueUniteLegale", "economieSocialeSolidaireUniteLegale")


def _clean(column: str) -> str:
    return f"NULLIF(TRIM(CAST(\"{column}\" AS VARCHAR)), '')"


def _zip_batches(stock: StockFile, columns: tuple[str, ...]) -> pa.RecordBatchReader:
    """Stream the projected columns of the CSV inside an official zip, batch by batch."""
    schema = pa.schema([(c, pa.string()) for c in columns])

    def batches() -> Iterator[pa.RecordBatch]:
        member = zip_member(stock.path)
        with zipfile.ZipFile(stock.path) as archive, archive.open(member) as raw:
            reader = pacsv.open_csv(
                raw,
                read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_SIZE),
                convert_options=pacsv.ConvertOptions(
                    include_columns=list(columns),
                    column_types={c: pa.string() for c in columns},
                    strings_can_be_null=False,
                ),
            )
            yield from reader

    return pa.RecordBatchReader.from_batches(schema, batches())


def _source(con: duckdb.DuckDBPyConnection, stock: StockFile, name: str, columns) -> str:
    if stock.format == "zip":
        con.register(name, _zip_batches(stock, columns))
        return name
    return stock_relation(stock)


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
    families = families_table()[["categorie_juridique", "famille"]]
    moves, unplaced = split_passage(passage)
    communes = set(groups["CODGEO"].astype(str))
    # Codes worth reading: the areas' communes and every old code that lands in one of them.
    codes = communes | set(moves.loc[moves["code_actuel"].isin(communes), "code_ancien"])
    codes |= set(unplaced.loc[unplaced["code_actuel"].isin(communes), "code_ancien"])
    for name, frame in {
        "ref_codes": pd.DataFrame({"code": sorted(codes)}, dtype=str),
        "ref_bands": bands,
        "ref_families": families,
        "ref_groups": groups[["CODGEO", "territoire_code"]].astype(str),
        "ref_moves": moves,
        "ref_unplaced": unplaced,
    }.items():
        con.register(name, frame)


def _employers(con: duckdb.DuckDBPyConnection, etab: StockFile) -> None:
    """Materialize the active establishments with a band other than NN, in current codes."""
    source = _source(con, etab, "etab_source", ETAB_NEEDED)
    band = _clean("trancheEffectifsEtablissement")
    con.execute(
        f"""
        CREATE TEMP TABLE employers AS
        WITH active AS (
            SELECT {_clean("siren")} AS siren,
                   {_clean("codeCommuneEtablissement")} AS code,
                   {band} AS band
            FROM {source}
            WHERE CAST(etatAdministratifEtablissement AS VARCHAR) = 'A'
              AND {band} IS NOT NULL AND {band} <> 'NN'
              AND {_clean("codeCommuneEtablissement")} IN (SELECT code FROM ref_codes)
        )
        SELECT active.siren, active.code, active.band,
               COALESCE(m.code_actuel, active.code) AS CODGEO
        FROM active LEFT JOIN ref_moves AS m ON active.code = m.code_ancien
        """
    )


def _check_employers(con: duckdb.DuckDBPyConnection, etab: StockFile) -> None:
    unplaced = [
        r[0]
        for r in con.execute(
            """
            SELECT DISTINCT e.code FROM employers AS e
            JOIN ref_unplaced AS u ON e.code = u.code_ancien
            WHERE u.code_actuel IN (SELECT CODGEO FROM ref_groups)
            """
        ).fetchall()
    ]
    if unplaced:
        raise unplaced_codes_error(f"{etab.path}, codeCommuneEtablissement", unplaced)
    unknown = [
        r[0]
        for r in con.execute(
            """
            SELECT DISTINCT band FROM employers
            WHERE CODGEO IN (SELECT CODGEO FROM ref_groups)
              AND band NOT IN (SELECT tranche FROM ref_bands)
            """
        ).fetchall()
    ]
    if unknown:
        raise RessolError(
            f"Dans {etab.path}, trancheEffectifsEtablissement, code(s) de tranche d'effectifs "
            f"inconnu(s) : {list_codes(unknown)}. Codes attendus : "
            f"{list_codes(bands_table()['tranche'])} (deux caractères, zéro initial compris). "
            "Le fichier a peut-être été ouvert dans un tableur qui a supprimé les zéros : "
            "restaurez le fichier officiel."
        )


def _aggregate_sql(units_source: str) -> str:
    ess = "u.ess = 'O' AND b.employeur"
    family_items = []
    for family in FAMILIES:
        condition = f"{ess} AND f.famille = '{family}'"
        family_items.append(
            f'COUNT(*) FILTER (WHERE {condition}) AS "ess_etablissements_employeurs_{family}", '
            f"COALESCE(SUM(b.effectif_central) FILTER (WHERE {condition}), 0) "
            f'AS "ess_effectif_salarie_estime_{family}"'
        )
    return f"""
        WITH units AS (
            -- The raw key lets DuckDB push the join filter into the scan of 30 M rows.
            SELECT CAST(siren AS VARCHAR) AS siren,
                   {_clean("categorieJuridiqueUniteLegale")} AS cj,
                   {_clean("economieSocialeSolidaireUniteLegale")} AS ess
            FROM {units_source}
        )
        SELECT g.territoire_code,
            COUNT(*) FILTER (WHERE b.employeur) AS etablissements_employeurs,
            COUNT(*) FILTER (WHERE {ess}) AS ess_etablissements_employeurs,
            COALESCE(SUM(b.effectif_central) FILTER (WHERE b.employeur), 0)
                AS effectif_salarie_estime,
            COALESCE(SUM(b.effectif_central) FILTER (WHERE {ess}), 0)
                AS ess_effectif_salarie_estime,
            COALESCE(SUM(b.effectif_bas) FILTER (WHERE {ess}), 0)
                AS ess_effectif_salarie_estime_bas,
            COALESCE(SUM(b.effectif_haut) FILTER (WHERE {ess}), 0)
                AS ess_effectif_salarie_estime_haut,
            {", ".join(family_items)},
            COUNT(*) AS joined,
            COUNT(*) FILTER (WHERE f.categorie_juridique IS NULL) AS unknown_cj
        FROM employers AS e
        JOIN units AS u ON e.siren = u.siren
        JOIN ref_groups AS g ON e.CODGEO = g.CODGEO
        LEFT JOIN ref_bands AS b ON e.band = b.tranche
        LEFT JOIN ref_families AS f ON u.cj = f.categorie_juridique
        GROUP BY g.territoire_code
    """


def _unknown_categories(con: duckdb.DuckDBPyConnection, units: StockFile) -> list[str]:
    """List the unknown catégories juridiques (error path only: scans the legal units again)."""
    source = _source(con, units, "units_again", UL_NEEDED)
    rows = con.execute(
        f"""
        SELECT DISTINCT COALESCE({_clean("categorieJuridiqueUniteLegale")}, '(vide)')
        FROM {source} AS u
        WHERE {_clean("siren")} IN (
            SELECT siren FROM employers WHERE CODGEO IN (SELECT CODGEO FROM ref_groups))
          AND COALESCE({_clean("categorieJuridiqueUniteLegale")}, '')
              NOT IN (SELECT categorie_juridique FROM ref_families)
        """
    ).fetchall()
    return [r[0] for r in rows]


def national_indicators(
    sirene_dir: str | Path,
    commune_groups: pd.DataFrame,
    passage: pd.DataFrame,
    *,
    source: str = SIRENE_SOURCE,
    vintage: str = "Stock Sirene",
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int | None = None,
) -> pd.DataFrame:
    """Tidy ESS indicators for many areas from the SIRENE stock, in one scan grouped by area.

    Parameters
    ----------
    sirene_dir : path
        Folder holding ``StockEtablissement*`` and ``StockUniteLegale*`` (Parquet, CSV or the
        official zip), national or partial.
    commune_groups : DataFrame
        Columns ``CODGEO`` (current commune code), ``territoire_code``, ``territoire``; one row
        per (area, commune). A commune may belong to several areas.
        See :func:`france_groups`.
    passage : DataFrame
        ``code_ancien``, ``code_actuel`` (old → current commune codes); a split code stays
        where it is when one of its current communes kept it, otherwise it is an error.
    source, vintage : str
        Source line and vintage written in every row.
    memory_limit : str
        DuckDB memory limit (the engine spills to disk beyond it).
    threads : int, optional
        DuckDB threads (default: the machine's cores).

    Returns
    -------
    DataFrame
        Columns ``territoire_code, territoire, indicateur, valeur, unite, source, millesime``,
        one row per area (in the order of ``commune_groups``) and key of
        :func:`ressol_analysis.ess.indicator_units`; figures identical to
        :func:`ressol_analysis.ess.ess_indicators` on the same establishments. An area
        without any employer has zero counts and missing shares. ``attrs["sans_unite_legale"]``
        counts employer establishments of the areas whose ``siren`` is absent from the legal
        units (left out, with a warning).

    Raises
    ------
    RessolError
        If a stock file or a column is missing, if no employer establishment is found in the
        areas, if establishments and legal units do not match, or on an unknown band,
        catégorie juridique or unplaceable split commune code.
    """
    groups = _check_groups(commune_groups)
    require_columns(Path("passage"), list(passage.columns), ["code_ancien", "code_actuel"])
    directory = Path(sirene_dir)
    etab = find_stock_file(directory, "etablissements")
    units = find_stock_file(directory, "unites_legales")
    require_columns(etab.path, stock_columns(etab), ETAB_REQUIRED)
    require_columns(units.path, stock_columns(units), UL_REQUIRED)

    con = duckdb.connect(
        config={
            "memory_limit": memory_limit,
            "threads": threads or os.cpu_count() or 1,
            "preserve_insertion_order": False,
        }
    )
    try:
        _register_references(con, groups, passage)
        _employers(con, etab)
        _check_employers(con, etab)
        located = con.execute(
            "SELECT COUNT(*) FROM employers WHERE CODGEO IN (SELECT CODGEO FROM ref_groups)"
        ).fetchall()[0][0]
        if located == 0:
            raise RessolError(
                f"Aucun établissement employeur actif dans {etab.path} pour les "
                f"{groups['CODGEO'].nunique()} communes des zones. Vérifiez que le fichier "
                "couvre ces communes (stock national ou extrait départemental) et que "
                "codeCommuneEtablissement contient des codes communes à 5 caractères."
            )
        units_source = _source(con, units, "units_source", UL_NEEDED)
        sums = con.execute(_aggregate_sql(units_source)).fetch_df()
        if sums["unknown_cj"].sum() > 0:
            unknown = _unknown_categories(con, units)
            raise RessolError(
                f"Dans {units.path}, categorieJuridiqueUniteLegale, catégorie(s) juridique(s) "
                f"inconnue(s) de la nomenclature Insee (septembre 2022) : {list_codes(unknown)}. "
                "Vérifiez que ce sont des codes à 4 chiffres ; si l'Insee a créé une catégorie "
                "depuis, ajoutez-la avec sa famille et sa justification dans "
                "ressol_analysis/reference/familles_ess.csv."
            )
        in_areas = con.execute(
            """
            SELECT COUNT(*) FROM employers AS e JOIN ref_groups AS g ON e.CODGEO = g.CODGEO
            """
        ).fetchall()[0][0]
    finally:
        con.close()

    orphans = int(in_areas - sums["joined"].sum())
    if orphans == in_areas:
        raise RessolError(
            f"Les fichiers {etab.path} et {units.path} ne se rattachent pas : aucun des "
            f"établissements employeurs actifs des zones n'a son siren dans les unités légales. "
            "Déposez deux stocks du même mois (StockEtablissement et StockUniteLegale)."
        )
    if orphans:
        warnings.warn(
            f"{orphans} établissement(s) employeur(s) actif(s) des zones n'ont pas d'unité "
            f"légale dans {units.path} ; ils sont écartés. Vérifiez que les deux stocks sont du "
            "même mois.",
            stacklevel=2,
        )
    areas = commune_groups[["territoire_code", "territoire"]].drop_duplicates("territoire_code")
    values = (
        sums.drop(columns=["joined", "unknown_cj"])
        .set_index("territoire_code")
        .reindex(areas["territoire_code"].astype(str))
        .fillna(0.0)
        .astype(float)
    )
    values.index = pd.Index(areas["territoire_code"])
    result = tidy_indicators(with_shares(values), areas, source, vintage)
    result.attrs = {"fichiers": [str(etab.path), str(units.path)], "sans_unite_legale": orphans}
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
        Tidy indicators (the contract of ``indicateurs.csv``).

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
    return national_indicators(sirene_dir, groups, sirene_passage(paths.raw))


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
