"""Reader of INSEE's SIRENE stock files (establishments joined to legal units).

The national files weigh several GB (about 44 M establishments), so they are never loaded into
pandas: DuckDB reads only the needed columns and only the active establishments of the
communes of interest (current codes and their old codes), then joins the legal units on
``siren`` inside the engine. Parquet is read first, then CSV, then the official CSV-in-zip
(streamed with pyarrow and filtered batch by batch); the result is the same whatever the
format. Every code is read as a string.

Also here: the reader of an optional official table of ESS jobs by commune × family (a custom
order from INSEE or a CRESS), which replaces the band-based estimate when supplied.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import RessolError, list_codes
from ..geography import move_codes
from .reference import FAMILIES, check_bands, check_legal_categories
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
# Read when present (names for the directory of ESS employers), null otherwise.
ETAB_OPTIONAL = ("denominationUsuelleEtablissement", "enseigne1Etablissement")
UL_OPTIONAL = ("sigleUniteLegale",)

SIRENE_COLUMNS = [
    *ETAB_REQUIRED,
    *ETAB_OPTIONAL,
    *[c for c in UL_REQUIRED if c != "siren"],
    *UL_OPTIONAL,
    "CODGEO",
]

STOCKS = {
    "etablissements": ("StockEtablissement", ("Historique", "LiensSuccession")),
    "unites_legales": ("StockUniteLegale", ("Historique",)),
}
FORMATS = ("parquet", "csv", "zip")

OFFICIAL_COLUMNS = ("CODGEO", "famille", "etablissements", "effectifs")
CSV_BLOCK_SIZE = 1 << 24


@dataclass(frozen=True)
class StockFile:
    """One SIRENE stock file found in a directory."""

    path: Path
    format: str


def find_stock_file(directory: Path, stock: str) -> StockFile:
    """Find one SIRENE stock file, Parquet first, then CSV, then the official zip.

    Parameters
    ----------
    directory : Path
        Folder given by the user.
    stock : {"etablissements", "unites_legales"}
        Which stock file to look for (``StockEtablissement*`` or ``StockUniteLegale*``;
        the ``Historique`` and ``LiensSuccession`` files are ignored).

    Returns
    -------
    StockFile
        Path and format of the file chosen.

    Raises
    ------
    RessolError
        If the folder does not exist, holds no such file, or holds two files of the same
        format.
    """
    if not directory.is_dir():
        raise RessolError(
            f"Le dossier SIRENE {directory} n'existe pas. Indiquez le dossier où vous avez "
            "déposé les fichiers StockEtablissement_utf8 et StockUniteLegale_utf8 "
            "(Parquet, CSV ou zip de data.gouv.fr)."
        )
    prefix, excluded = STOCKS[stock]
    candidates = [
        p
        for p in sorted(directory.iterdir())
        if p.is_file()
        and p.name.startswith(prefix)
        and not any(p.name.startswith(prefix + word) for word in excluded)
    ]
    for fmt in FORMATS:
        found = [p for p in candidates if p.suffix.lower() == f".{fmt}"]
        if len(found) > 1:
            raise RessolError(
                f"Le dossier {directory} contient plusieurs fichiers {prefix}*.{fmt} "
                f"({', '.join(p.name for p in found)}). Gardez-en un seul (le stock le plus "
                "récent) pour que le résultat ne dépende pas d'un choix implicite."
            )
        if found:
            return StockFile(found[0], fmt)
    raise RessolError(
        f"Aucun fichier {prefix}*.parquet, .csv ou .zip dans le dossier {directory}. "
        f"Téléchargez le stock {prefix}_utf8 (Base Sirene des entreprises et de leurs "
        "établissements, data.gouv.fr) et déposez-le dans ce dossier."
    )


def zip_member(path: Path) -> str:
    """Name of the one CSV inside an official SIRENE zip (error if there is not exactly one)."""
    with zipfile.ZipFile(path) as archive:
        members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    if len(members) != 1:
        raise RessolError(
            f"L'archive {path} devrait contenir un seul fichier CSV (trouvé : "
            f"{', '.join(members) or 'aucun'}). Déposez l'archive officielle de data.gouv.fr."
        )
    return members[0]


def stock_columns(stock: StockFile) -> list[str]:
    """Column names of a stock file, read from its schema or header line only."""
    if stock.format == "parquet":
        return list(pq.read_schema(stock.path).names)
    if stock.format == "csv":
        with stock.path.open(encoding="utf-8", newline="") as handle:
            header = handle.readline()
    else:
        with zipfile.ZipFile(stock.path) as archive:
            with archive.open(zip_member(stock.path)) as raw:
                header = io.TextIOWrapper(raw, encoding="utf-8").readline()
    return next(csv.reader([header.lstrip("\ufeff")]), [])


def stock_relation(stock: StockFile) -> str:
    """Return the SQL table expression reading a Parquet or CSV stock file."""
    path = str(stock.path).replace("'", "''")
    if stock.format == "parquet":
        return f"read_parquet('{path}')"
    return f"read_csv('{path}', header=true, delim=',', quote='\"', all_varchar=true)"


def _projection(columns: list[str], wanted: tuple[str, ...], optional: tuple[str, ...]) -> str:
    items = [f'NULLIF(TRIM(CAST("{c}" AS VARCHAR)), \'\') AS "{c}"' for c in wanted]
    items += [
        f'NULLIF(TRIM(CAST("{c}" AS VARCHAR)), \'\') AS "{c}"'
        if c in columns
        else f'CAST(NULL AS VARCHAR) AS "{c}"'
        for c in optional
    ]
    return ", ".join(items)


def _stream_zip(
    stock: StockFile, columns: list[str], keep: pa.Array, key: str, extra: dict[str, str]
) -> pa.Table:
    """Read the CSV inside an official zip by batches, keeping rows whose ``key`` is in ``keep``.

    Only the projected columns are parsed, and each batch is filtered before the next is read,
    so memory stays proportional to the rows kept.
    """
    batches = []
    with zipfile.ZipFile(stock.path) as archive, archive.open(zip_member(stock.path)) as raw:
        reader = pacsv.open_csv(
            raw,
            read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_SIZE),
            convert_options=pacsv.ConvertOptions(
                include_columns=columns,
                column_types={c: pa.string() for c in columns},
                strings_can_be_null=False,
            ),
        )
        for batch in reader:
            mask = pc.is_in(pc.utf8_trim_whitespace(batch.column(key)), value_set=keep)
            for column, value in extra.items():
                mask = pc.and_(mask, pc.equal(batch.column(column), value))
            batches.append(batch.filter(mask))
    schema = pa.schema([(c, pa.string()) for c in columns])
    return pa.Table.from_batches(batches, schema=schema)


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
        Folder holding ``StockEtablissement*`` and ``StockUniteLegale*`` (Parquet, CSV or the
        official zip).
    membership : DataFrame
        Columns ``territoire_code``, ``territoire``, ``CODGEO`` (current commune codes).
    passage : DataFrame
        Columns ``code_ancien``, ``code_actuel`` (old → current commune codes).

    Returns
    -------
    DataFrame
        One row per active establishment (``etatAdministratifEtablissement == 'A'``) located
        in a commune of ``membership`` after moving old codes with ``passage``; columns
        :data:`SIRENE_COLUMNS` as strings (``CODGEO`` is the current commune code), sorted by
        ``siret``. ``attrs["fichiers"]`` names the files read and
        ``attrs["sans_unite_legale"]`` counts establishments whose ``siren`` is absent from
        the legal units (they are left out, with a warning).

    Raises
    ------
    RessolError
        If a stock file is missing or lacks a required column, if no establishment of the
        communes joins a legal unit, if no active establishment is found in the communes, or
        if a headcount band or a catégorie juridique is unknown.
    """
    directory = Path(directory)
    require_columns(Path("membership"), list(membership.columns), ["CODGEO"])
    require_columns(Path("passage"), list(passage.columns), ["code_ancien", "code_actuel"])
    etab = find_stock_file(directory, "etablissements")
    units = find_stock_file(directory, "unites_legales")
    etab_columns, unit_columns = stock_columns(etab), stock_columns(units)
    require_columns(etab.path, etab_columns, ETAB_REQUIRED)
    require_columns(units.path, unit_columns, UL_REQUIRED)
    communes = _communes_of_interest(membership, passage)

    con = duckdb.connect()
    try:
        etab_sel = _projection(etab_columns, ETAB_REQUIRED, ETAB_OPTIONAL)
        if etab.format == "zip":
            needed = [*ETAB_REQUIRED, *[c for c in ETAB_OPTIONAL if c in etab_columns]]
            stream = _stream_zip(
                etab,
                needed,
                pa.array(communes, pa.string()),
                "codeCommuneEtablissement",
                {"etatAdministratifEtablissement": "A"},
            )
            con.register("etab_source", stream)
            etab_from = "etab_source"
        else:
            etab_from = stock_relation(etab)
        code_list = ", ".join("'" + c.replace("'", "''") + "'" for c in communes) or "NULL"
        # A literal IN list lets DuckDB push the filter into the Parquet scan.
        etab_table = con.sql(
            f"SELECT {etab_sel} FROM {etab_from} "
            f"WHERE CAST(codeCommuneEtablissement AS VARCHAR) IN ({code_list}) "
            "AND CAST(etatAdministratifEtablissement AS VARCHAR) = 'A'"
        ).to_arrow_table()
        con.register("etab", etab_table)
        unit_sel = _projection(unit_columns, UL_REQUIRED, UL_OPTIONAL)
        if units.format == "zip":
            needed = [*UL_REQUIRED, *[c for c in UL_OPTIONAL if c in unit_columns]]
            sirens = con.sql("SELECT DISTINCT siren FROM etab").to_arrow_table()
            con.register(
                "unit_source",
                _stream_zip(units, needed, sirens.column("siren").combine_chunks(), "siren", {}),
            )
            unit_from = "unit_source"
        else:
            unit_from = stock_relation(units)
        con.execute(
            f"CREATE TEMP TABLE ul AS SELECT {unit_sel} FROM {unit_from} "
            "WHERE NULLIF(TRIM(CAST(siren AS VARCHAR)), '') IN (SELECT siren FROM etab)"
        )
        duplicated = con.execute(
            "SELECT siren FROM ul GROUP BY siren HAVING COUNT(*) > 1 ORDER BY siren LIMIT 20"
        ).fetchall()
        if duplicated:
            raise RessolError(
                f"Dans {units.path}, siren présent(s) plusieurs fois : "
                f"{list_codes(r[0] for r in duplicated)}. Le stock des unités légales a une "
                "ligne par siren : vérifiez que ce n'est pas le fichier historique."
            )
        n_etab, n_orphans = con.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE siren NOT IN (SELECT siren FROM ul)) FROM etab"
        ).fetchone()
        ul_extra = ", ".join(f'ul."{c}"' for c in [*UL_REQUIRED, *UL_OPTIONAL] if c != "siren")
        result = con.execute(
            f"SELECT etab.*, {ul_extra} FROM etab JOIN ul USING (siren) ORDER BY siret"
        ).fetch_df()
    finally:
        con.close()

    where = f"{etab.path} × {units.path}"
    if n_etab == 0:
        raise RessolError(
            f"Aucun établissement actif dans {etab.path} pour les {len(communes)} communes "
            "étudiées. Vérifiez que le fichier couvre bien ces départements (stock national ou "
            "extrait départemental) et que codeCommuneEtablissement contient des codes "
            "communes à 5 caractères."
        )
    if n_orphans == n_etab:
        raise RessolError(
            f"Les fichiers {etab.path} et {units.path} ne se rattachent pas : aucun des "
            f"{n_etab} établissements actifs étudiés n'a son siren dans les unités légales. "
            "Déposez deux stocks du même mois (StockEtablissement et StockUniteLegale)."
        )
    if n_orphans:
        warnings.warn(
            f"{n_orphans} établissement(s) actif(s) sur {n_etab} n'ont pas d'unité légale "
            f"dans {units.path} ; ils sont écartés. Vérifiez que les deux stocks sont du même "
            "mois.",
            stacklevel=2,
        )
    result = result.astype("string")
    check_bands(
        result["trancheEffectifsEtablissement"], f"{etab.path}, trancheEffectifsEtablissement"
    )
    check_legal_categories(
        result["categorieJuridiqueUniteLegale"], f"{units.path}, categorieJuridiqueUniteLegale"
    )
    result["CODGEO"] = move_codes(
        result["codeCommuneEtablissement"], passage, None, what=where, split_rule="keep_code"
    )
    result = result[result["CODGEO"].isin(set(membership["CODGEO"]))]
    result = result[SIRENE_COLUMNS].reset_index(drop=True)
    result.attrs = {
        "fichiers": [str(etab.path), str(units.path)],
        "sans_unite_legale": int(n_orphans),
    }
    return result


def read_official_ess_jobs(path: Path) -> pd.DataFrame:
    """Read an official table of ESS establishments and jobs by commune × family.

    The format of INSEE or CRESS custom orders: a CSV separated by ``;``, UTF-8, columns
    ``CODGEO`` (commune code), ``famille`` (``associations``, ``cooperatives``,
    ``mutuelles``, ``fondations``, ``autres``), ``etablissements`` (employer establishments)
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
