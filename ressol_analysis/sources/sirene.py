"""Reader of INSEE's SIRENE stock files (establishments joined to legal units).

The national files weigh several GB (about 44 M establishments), so they are never loaded into
pandas: DuckDB reads only the needed columns and only the active establishments of the
communes of interest (current codes, their old codes and the arrondissements of Paris, Lyon and
Marseille), then joins the legal units on ``siren`` inside the engine. Parquet is read first,
then CSV (plain, ``.csv.gz`` or Etalab's geolocated files, one or many), then the official
CSV-in-zip (streamed by batches); the result is the same whatever the format. Every code is read
as a string. File discovery and format checks are in :mod:`.sirene_files`.

Also here: the reader of an optional official table of ESS jobs by commune × family (a custom
order from INSEE or a CRESS), which replaces the band-based estimate when supplied.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import duckdb
import pandas as pd

from ..errors import RessolError, list_codes
from ..geography import move_codes
from .reference import FAMILIES
from .sirene_files import (
    BAND_YEAR,
    FileFacts,
    check_same_stock,
    find_stock_file,
    relation,
    stock_columns,
    string_frame,
)
from .tables import (
    check_not_negative,
    open_workbook,
    read_delimited,
    read_sheet,
    require_columns,
)

ETAB_REQUIRED = (
    "siren",
    "siret",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
    "trancheEffectifsEtablissement",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "statutDiffusionEtablissement",
)
UL_REQUIRED = (
    "siren",
    "categorieJuridiqueUniteLegale",
    "economieSocialeSolidaireUniteLegale",
    "statutDiffusionUniteLegale",
    "denominationUniteLegale",
)
# Read when present, null otherwise: names for the directory, the employer test of the
# register (caractère employeur, year of the band), coordinates for the map (INSEE's Lambert-93
# since format 3.11, Etalab's WGS 84 in the geolocated files).
EMPLOYER_FLAG = "caractereEmployeurEtablissement"
# The establishment's address, for the directory of ESS employers (a working file).
ADDRESS_COLUMNS = (
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
)


def street_addresses(establishments: pd.DataFrame) -> pd.DataFrame:
    """Each establishment's address as SIRENE writes it: one line per ``siret``.

    Parameters
    ----------
    establishments : DataFrame
        SIRENE establishments with ``siret`` and, when the stock has them, the
        :data:`ADDRESS_COLUMNS`.

    Returns
    -------
    DataFrame
        ``siret``, ``adresse`` (number, repetition index, type and name of the street, joined
        by single spaces; missing when the stock has none) and ``code_postal``, as text.
    """
    missing = pd.Series(pd.NA, index=establishments.index, dtype="string")
    parts = [
        establishments.get(c, missing).astype("string").str.strip() for c in ADDRESS_COLUMNS[:4]
    ]
    street = parts[0].fillna("")
    for part in parts[1:]:
        street = street.str.cat(part.fillna(""), sep=" ")
    street = street.str.split().str.join(" ").replace("", pd.NA)
    return pd.DataFrame(
        {
            "siret": establishments["siret"].astype("string"),
            "adresse": street,
            "code_postal": establishments.get(ADDRESS_COLUMNS[4], missing).astype("string"),
        }
    ).drop_duplicates("siret")


ETAB_OPTIONAL = (
    "denominationUsuelleEtablissement",
    "enseigne1Etablissement",
    *ADDRESS_COLUMNS,
    EMPLOYER_FLAG,
    BAND_YEAR,
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "longitude",
    "latitude",
)
UL_OPTIONAL = ("sigleUniteLegale",)

SIRENE_COLUMNS = [
    *ETAB_REQUIRED,
    *ETAB_OPTIONAL,
    *[c for c in UL_REQUIRED if c != "siren"],
    *UL_OPTIONAL,
    "CODGEO",
]

OFFICIAL_COLUMNS = ("CODGEO", "famille", "etablissements", "effectifs")


def _clean(column: str) -> str:
    return f"NULLIF(TRIM(CAST(\"{column}\" AS VARCHAR)), '')"


def _projection(columns: list[str], wanted: tuple[str, ...], optional: tuple[str, ...]) -> str:
    items = [f'{_clean(c)} AS "{c}"' for c in wanted]
    items += [
        f'{_clean(c)} AS "{c}"' if c in columns else f'CAST(NULL AS VARCHAR) AS "{c}"'
        for c in optional
    ]
    return ", ".join(items)


def _communes_of_interest(membership: pd.DataFrame, passage: pd.DataFrame) -> list[str]:
    current = set(membership["CODGEO"].dropna().astype(str))
    old = passage.loc[passage["code_actuel"].isin(current), "code_ancien"]
    return sorted(current | set(old.dropna().astype(str)))


def read_sirene(
    directory: str | Path, membership: pd.DataFrame, passage: pd.DataFrame
) -> pd.DataFrame:
    """Read the active establishments of the areas of interest, joined to their legal units.

    Parameters
    ----------
    directory : path
        Folder holding ``StockEtablissement*`` (or Etalab's geolocated ``geo_siret_*`` files)
        and ``StockUniteLegale*``: Parquet, CSV, ``.csv.gz`` or the official zip.
    membership : DataFrame
        Columns ``territoire_code``, ``territoire``, ``CODGEO`` (current commune codes).
    passage : DataFrame
        Columns ``code_ancien``, ``code_actuel`` (old codes and arrondissements → current
        commune codes; :func:`ressol_analysis.geography.last_update_passage`).

    Returns
    -------
    DataFrame
        One row per active establishment (``etatAdministratifEtablissement == 'A'``) located
        in a commune of ``membership`` after moving codes with ``passage``; establishments
        abroad (no commune) are never in it. Columns :data:`SIRENE_COLUMNS` as strings
        (``CODGEO`` is the current commune code; optional columns absent from the file are
        null), sorted by ``siret``. ``attrs``: ``fichiers`` (files read),
        ``sans_unite_legale`` (establishments whose ``siren`` is absent from the legal units,
        left out with a warning), ``colonnes`` (columns of the establishment file),
        ``annee_tranche_recente`` (latest ``anneeEffectifsEtablissement`` of the whole file,
        or None) and ``geolocalise``.

    Raises
    ------
    RessolError
        If a stock file is missing, its header or Parquet types are not INSEE's, a required
        column is missing, the files come from stocks of different months, no establishment of
        the communes joins a legal unit, or no active establishment is found in the communes.
    """
    directory = Path(directory)
    require_columns(Path("membership"), list(membership.columns), ["CODGEO"])
    require_columns(Path("passage"), list(passage.columns), ["code_ancien", "code_actuel"])
    etab = find_stock_file(directory, "etablissements")
    units = find_stock_file(directory, "unites_legales")
    etab_columns = stock_columns(etab, ETAB_REQUIRED, "etablissements")
    unit_columns = stock_columns(units, UL_REQUIRED, "unites_legales")
    communes = _communes_of_interest(membership, passage)
    etab_read = [*ETAB_REQUIRED, *[c for c in ETAB_OPTIONAL if c in etab_columns]]
    unit_read = [*UL_REQUIRED, *[c for c in UL_OPTIONAL if c in unit_columns]]
    facts: dict[Path, FileFacts] = {}

    con = duckdb.connect()
    try:
        etab_from = relation(con, etab, "etab_source", etab_read, facts, "etablissements")
        unit_from = relation(con, units, "unit_source", unit_read, facts, "unites_legales")
        check_same_stock(list(facts.values()))  # Parquet files: known before any scan
        code_list = ", ".join("'" + c.replace("'", "''") + "'" for c in communes) or "NULL"
        # A literal IN list lets DuckDB push the filter into the Parquet scan.
        etab_sel = _projection(etab_columns, ETAB_REQUIRED, ETAB_OPTIONAL)
        etab_table = con.sql(
            f"SELECT {etab_sel} FROM {etab_from} "
            f"WHERE CAST(codeCommuneEtablissement AS VARCHAR) IN ({code_list}) "
            "AND CAST(etatAdministratifEtablissement AS VARCHAR) = 'A'"
        ).to_arrow_table()
        con.register("etab", etab_table)
        unit_sel = _projection(unit_columns, UL_REQUIRED, UL_OPTIONAL)
        con.execute(
            f"CREATE TEMP TABLE ul AS SELECT {unit_sel} FROM {unit_from} "
            f"WHERE {_clean('siren')} IN (SELECT siren FROM etab)"
        )
        check_same_stock(list(facts.values()))  # CSV files: known once streamed
        duplicated = con.execute(
            "SELECT siren FROM ul GROUP BY siren HAVING COUNT(*) > 1 ORDER BY siren LIMIT 20"
        ).fetchall()
        if duplicated:
            raise RessolError(
                f"Dans {units.label}, siren présent(s) plusieurs fois : "
                f"{list_codes(r[0] for r in duplicated)}. Le stock des unités légales a une "
                "ligne par siren : vérifiez que ce n'est pas le fichier historique."
            )
        twice = con.execute(
            "SELECT siret FROM etab GROUP BY siret HAVING COUNT(*) > 1 ORDER BY siret LIMIT 20"
        ).fetchall()
        if twice:
            raise RessolError(
                f"Dans {etab.label}, siret présent(s) plusieurs fois : "
                f"{list_codes(r[0] for r in twice)}. Un établissement figure dans deux "
                "fichiers : ne gardez qu'un fichier par département (ou le seul stock national)."
            )
        n_etab, n_orphans = con.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE siren NOT IN (SELECT siren FROM ul)) FROM etab"
        ).fetchall()[0]  # fetched to the end: the connection is free again
        ul_extra = ", ".join(f'ul."{c}"' for c in [*UL_REQUIRED, *UL_OPTIONAL] if c != "siren")
        result = con.sql(
            f"SELECT etab.*, {ul_extra} FROM etab JOIN ul USING (siren) ORDER BY siret"
        ).to_arrow_table()
    finally:
        con.close()

    where = f"{etab.label} × {units.label}"
    if n_etab == 0:
        raise RessolError(
            f"Aucun établissement actif dans {etab.label} pour les {len(communes)} communes "
            "étudiées. Vérifiez que le fichier couvre bien ces départements (stock national ou "
            "extrait départemental) et que codeCommuneEtablissement contient des codes "
            "communes à 5 caractères."
        )
    if n_orphans == n_etab:
        raise RessolError(
            f"Les fichiers {etab.label} et {units.label} ne se rattachent pas : aucun des "
            f"{n_etab} établissements actifs étudiés n'a son siren dans les unités légales. "
            "Déposez deux stocks du même mois (StockEtablissement et StockUniteLegale)."
        )
    if n_orphans:
        warnings.warn(
            f"{n_orphans} établissement(s) actif(s) sur {n_etab} n'ont pas d'unité légale "
            f"dans {units.label} ; ils sont écartés. Vérifiez que les deux stocks sont du même "
            "mois.",
            stacklevel=2,
        )
    result = string_frame(result)
    result["CODGEO"] = move_codes(
        result["codeCommuneEtablissement"], passage, None, what=where, split_rule="keep_code"
    )
    result = result[result["CODGEO"].isin(set(membership["CODGEO"]))]
    result = result[SIRENE_COLUMNS].reset_index(drop=True)
    years = [f.latest_band_year for p, f in facts.items() if p in etab.paths]
    years = [y for y in years if y is not None]
    result.attrs = {
        "fichiers": [str(p) for p in (*etab.paths, *units.paths)],
        "sans_unite_legale": int(n_orphans),
        "colonnes": list(etab_columns),
        "annee_tranche_recente": max(years) if years else None,
        "geolocalise": etab.geolocated,
    }
    return result


def read_official_ess_jobs(path: Path) -> pd.DataFrame:
    """Read an official table of ESS establishments and jobs by commune × family.

    The format of INSEE or CRESS custom orders: a CSV separated by ``;``, UTF-8, columns
    ``CODGEO`` (commune code), ``famille`` (``associations``, ``cooperatives``,
    ``mutuelles``, ``fondations``, ``organismes_non_lucratifs``, ``autres``: the keys of
    ``FAMILIES``), ``etablissements`` (employer establishments)
    and ``effectifs`` (salaried jobs); secret cells written ``s`` are read as missing values.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    DataFrame
        Columns :data:`OFFICIAL_COLUMNS`; counts as floats (missing where secret).

    Raises
    ------
    RessolError
        On a missing column, a non-numeric or negative count, or an unknown family.
    """
    table, _ = read_delimited(
        path,
        sep=";",
        code_columns=["CODGEO", "famille"],
        numeric_columns=["etablissements", "effectifs"],
    )
    check_not_negative(table, ["etablissements", "effectifs"], path)
    unknown = table.loc[~table["famille"].isin(FAMILIES), "famille"]
    if not unknown.empty:
        raise RessolError(
            f"Dans {path}, colonne famille : valeur(s) inconnue(s) {list_codes(unknown)}. "
            f"Valeurs permises : {', '.join(FAMILIES)}. Renommez les familles de la commande "
            "avec ces clés."
        )
    return table


ITDD_SHEET = "Economie"
ITDD_TITLE = "Poids de l'économie sociale dans les emplois salariés du territoire (%)"


def read_itdd_ess(path: Path) -> pd.DataFrame:
    """Read the ESS share of salaried jobs from INSEE's ITDD detailed file (sheet Economie).

    Parameters
    ----------
    path : Path
        ``insee_itdd_donnees_detaillees.xls``.

    Returns
    -------
    DataFrame
        Columns ``niveau`` (``region`` or ``departement``), ``code`` (string: ``28``, ``50``,
        ``F``…), ``libelle``, ``part_ess_2014``, ``part_ess_2008`` (percent of salaried jobs,
        source Insee Clap). Region and département codes overlap (``28`` is Normandie and
        Eure-et-Loir): always filter on ``niveau``.

    Raises
    ------
    RessolError
        If the sheet or the ESS column is not where INSEE put it.
    """
    advice = "Restaurez le fichier ITDD officiel de l'Insee."
    sheet = read_sheet(open_workbook(path, advice), ITDD_SHEET, advice, header=None)
    titles = sheet.apply(lambda c: c.astype("string").str.strip().eq(ITDD_TITLE).any())
    if not titles.any():
        raise RessolError(
            f"Dans {path}, feuille {ITDD_SHEET} : colonne « {ITDD_TITLE} » introuvable. "
            "Restaurez le fichier ITDD officiel de l'Insee."
        )
    column = int(titles.to_numpy().nonzero()[0][0])
    label = sheet[1].astype("string").str.strip()
    start = int(label.eq("DEPARTEMENTS").fillna(False).to_numpy().nonzero()[0][0])
    values = pd.DataFrame(
        {
            "niveau": ["region" if i < start else "departement" for i in range(len(sheet))],
            "code": sheet[0].astype("string").str.strip(),
            "libelle": label,
            "part_ess_2014": pd.to_numeric(sheet[column], errors="coerce"),
            "part_ess_2008": pd.to_numeric(sheet[column + 1], errors="coerce"),
        }
    )
    keep = (
        values["code"].str.fullmatch(r"[0-9A-Z]{1,3}").fillna(False)
        & values["libelle"].notna()
        & values["libelle"].ne("Année").fillna(False)
    ).astype(bool)
    return values[keep.to_numpy()].reset_index(drop=True)
