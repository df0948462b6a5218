"""The SIRENE stock files as INSEE and Etalab publish them: names, columns, types and checks.

* The official column lists in INSEE's order (``StockEtablissement`` format 3.11 with the NAF 2025
  column, ``StockUniteLegale``), the columns Etalab appends to its geolocated files, and the
  Parquet types the project writes (dates as dates).
* Finding the stock files of a folder: Parquet first, then CSV (plain or ``.csv.gz``), then the
  official zip; one file per stock, or many geolocated files (``geo_siret_50.csv.gz``, one per
  département); the historical and succession files are ignored.
* Checking a CSV header or a Parquet schema before reading (separator, INSEE's column names,
  codes kept as text), with a French message naming the file and the fix.
* Streaming CSV text (plain, gzip or zip member) by batches of the projected columns only, and
  reading on the way each file's latest update and latest headcount-band year, so that a folder
  mixing stocks of different months is refused without a second pass over the files.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import RessolError
from .tables import check_separator, require_columns

# StockEtablissement, format 3.11 (+ NAF 2025 column since December 2025), INSEE's order.
ETAB_COLUMNS = [
    "siren", "nic", "siret", "statutDiffusionEtablissement", "dateCreationEtablissement",
    "trancheEffectifsEtablissement", "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement", "dateDernierTraitementEtablissement",
    "etablissementSiege", "nombrePeriodesEtablissement", "complementAdresseEtablissement",
    "numeroVoieEtablissement", "indiceRepetitionEtablissement", "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement", "typeVoieEtablissement",
    "libelleVoieEtablissement", "codePostalEtablissement", "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement", "distributionSpecialeEtablissement",
    "codeCommuneEtablissement", "codeCedexEtablissement", "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement", "libellePaysEtrangerEtablissement",
    "identifiantAdresseEtablissement", "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement", "complementAdresse2Etablissement",
    "numeroVoie2Etablissement", "indiceRepetition2Etablissement", "typeVoie2Etablissement",
    "libelleVoie2Etablissement", "codePostal2Etablissement", "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement", "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement", "codeCedex2Etablissement", "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement", "libellePaysEtranger2Etablissement", "dateDebut",
    "etatAdministratifEtablissement", "enseigne1Etablissement", "enseigne2Etablissement",
    "enseigne3Etablissement", "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement", "activitePrincipaleNAF25Etablissement",
]  # fmt: skip
# StockUniteLegale (+ NAF 2025 column since December 2025), INSEE's order.
UL_COLUMNS = [
    "siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale", "dateCreationUniteLegale",
    "sigleUniteLegale", "sexeUniteLegale", "prenom1UniteLegale", "prenom2UniteLegale",
    "prenom3UniteLegale", "prenom4UniteLegale", "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale", "identifiantAssociationUniteLegale", "trancheEffectifsUniteLegale",
    "anneeEffectifsUniteLegale", "dateDernierTraitementUniteLegale", "nombrePeriodesUniteLegale",
    "categorieEntreprise", "anneeCategorieEntreprise", "dateDebut",
    "etatAdministratifUniteLegale", "nomUniteLegale", "nomUsageUniteLegale",
    "denominationUniteLegale", "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale", "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale", "activitePrincipaleUniteLegale",
    "nomenclatureActivitePrincipaleUniteLegale", "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale", "societeMissionUniteLegale",
    "caractereEmployeurUniteLegale", "activitePrincipaleNAF25UniteLegale",
]  # fmt: skip
# Appended by Etalab to the establishments of its geolocated files (SIRENE géolocalisée).
GEO_COLUMNS = [
    "longitude", "latitude", "geo_score", "geo_type", "geo_adresse", "geo_id", "geo_ligne",
    "geo_l4", "geo_l5",
]  # fmt: skip

# Parquet types the project writes; every other column is text. INSEE's own physical types
# are not documented: the reader accepts text or these types, but codes must be text.
DATE_COLUMNS = frozenset({"dateCreationEtablissement", "dateDebut", "dateCreationUniteLegale"})
TIMESTAMP_COLUMNS = frozenset(
    {"dateDernierTraitementEtablissement", "dateDernierTraitementUniteLegale"}
)
BOOLEAN_COLUMNS = frozenset({"etablissementSiege", "unitePurgeeUniteLegale"})
INTEGER_COLUMNS = frozenset({"nombrePeriodesEtablissement", "nombrePeriodesUniteLegale"})
# Columns holding codes: leading zeros matter, so they must be text in any Parquet file.
CODE_COLUMNS = frozenset(
    {
        "siren", "nic", "siret", "codeCommuneEtablissement", "codePostalEtablissement",
        "trancheEffectifsEtablissement", "trancheEffectifsUniteLegale",
        "activitePrincipaleEtablissement", "activitePrincipaleUniteLegale",
        "nomenclatureActivitePrincipaleEtablissement", "categorieJuridiqueUniteLegale",
        "codePaysEtrangerEtablissement", "nicSiegeUniteLegale", "statutDiffusionEtablissement",
        "statutDiffusionUniteLegale", "etatAdministratifEtablissement",
        "economieSocialeSolidaireUniteLegale", "caractereEmployeurEtablissement",
    }
)  # fmt: skip

STOCKS = {
    "etablissements": ("StockEtablissement", "dateDernierTraitementEtablissement"),
    "unites_legales": ("StockUniteLegale", "dateDernierTraitementUniteLegale"),
}
IGNORED_WORDS = ("Historique", "LiensSuccession")
GEO_PREFIX = "geo_siret_"
FORMATS = ("parquet", "csv", "zip")
SUFFIXES = ((".csv.gz", "csv"), (".parquet", "parquet"), (".csv", "csv"), (".zip", "zip"))
BAND_YEAR = "anneeEffectifsEtablissement"
CSV_BLOCK_SIZE = 1 << 24
DOWNLOAD = (
    "Téléchargez à nouveau le fichier officiel (Base Sirene des entreprises et de leurs "
    "établissements, data.gouv.fr) et déposez-le sans l'ouvrir dans un tableur."
)


def parquet_type(column: str) -> pa.DataType:
    """Arrow type of a SIRENE column in the Parquet files the project writes.

    Parameters
    ----------
    column : str
        Official column name.

    Returns
    -------
    pyarrow.DataType
        ``date32`` for dates, ``timestamp[ms]`` for the last-update dates, ``bool`` for
        ``etablissementSiege`` and ``unitePurgeeUniteLegale``, ``int32`` for the number of
        periods, ``string`` for every other column (codes keep their leading zeros).
    """
    if column in DATE_COLUMNS:
        return pa.date32()
    if column in TIMESTAMP_COLUMNS:
        return pa.timestamp("ms")
    if column in BOOLEAN_COLUMNS:
        return pa.bool_()
    if column in INTEGER_COLUMNS:
        return pa.int32()
    return pa.string()


def typed_table(frame: pd.DataFrame) -> pa.Table:
    """A table of SIRENE columns written as text, with the types of :func:`parquet_type`.

    Parameters
    ----------
    frame : DataFrame
        Official columns, every value a string or missing (``etablissementSiege`` as
        ``true``/``false``, dates as ``AAAA-MM-JJ``, last updates as
        ``AAAA-MM-JJTHH:MM:SS.mmm``).

    Returns
    -------
    pyarrow.Table
        Same columns, in the same order, typed (dates as dates).
    """
    arrays = []
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
            # Already Arrow text (pandas' default for strings): no round trip through Python.
            text = pa.chunked_array(pa.array(values.array)).cast(pa.string()).combine_chunks()
        else:
            text = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
        arrays.append(text.cast(parquet_type(column)))
    return pa.Table.from_arrays(arrays, names=list(frame.columns))


@dataclass(frozen=True)
class StockFile:
    """The file(s) of one SIRENE stock found in a folder, and their format."""

    paths: tuple[Path, ...]
    format: str

    @property
    def path(self) -> Path:
        """The first file (the only one, except for geolocated files by département)."""
        return self.paths[0]

    @property
    def label(self) -> str:
        """The file, or the folder and number of files, for messages."""
        if len(self.paths) == 1:
            return str(self.path)
        return f"{self.path.parent} ({len(self.paths)} fichiers {self.path.name} …)"

    @property
    def geolocated(self) -> bool:
        """Whether these are Etalab's geolocated files."""
        return any(p.name.startswith(GEO_PREFIX) or "_geo" in p.name for p in self.paths)


def _format_of(name: str) -> str | None:
    lower = name.lower()
    return next((fmt for suffix, fmt in SUFFIXES if lower.endswith(suffix)), None)


def find_stock_file(directory: Path, stock: str) -> StockFile:
    """Find the file(s) of one SIRENE stock: Parquet first, then CSV (or ``.csv.gz``), then zip.

    Parameters
    ----------
    directory : Path
        Folder given by the user.
    stock : {"etablissements", "unites_legales"}
        ``StockEtablissement*`` (or Etalab's geolocated ``geo_siret_*`` files, one or many) or
        ``StockUniteLegale*``. Files whose name holds ``Historique`` or ``LiensSuccession``
        are ignored.

    Returns
    -------
    StockFile
        Paths and format of the files chosen.

    Raises
    ------
    RessolError
        If the folder does not exist, holds no such file, holds two stock files of the same
        format, or mixes the official stock with geolocated files.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise RessolError(
            f"Le dossier SIRENE {directory} n'existe pas. Indiquez le dossier où vous avez "
            "déposé les fichiers StockEtablissement_utf8 et StockUniteLegale_utf8 "
            "(Parquet, CSV ou zip de data.gouv.fr)."
        )
    prefix, _ = STOCKS[stock]
    files = [p for p in sorted(directory.iterdir()) if p.is_file() and _format_of(p.name)]
    official = [
        p
        for p in files
        if p.name.startswith(prefix) and not any(word in p.name for word in IGNORED_WORDS)
    ]
    geo = [p for p in files if stock == "etablissements" and p.name.startswith(GEO_PREFIX)]
    if official and geo:
        raise RessolError(
            f"Le dossier {directory} mélange le stock officiel ({official[0].name}) et des "
            f"fichiers géolocalisés ({geo[0].name} …). Gardez l'un ou l'autre (les fichiers "
            "géolocalisés d'Etalab contiennent déjà tout le stock, avec les coordonnées)."
        )
    if geo:
        formats = sorted({_format_of(p.name) for p in geo})
        if len(formats) > 1:
            raise RessolError(
                f"Le dossier {directory} contient des fichiers géolocalisés de formats "
                f"différents ({', '.join(formats)}) : gardez un seul format."
            )
        return StockFile(tuple(geo), formats[0])
    for fmt in FORMATS:
        found = [p for p in official if _format_of(p.name) == fmt]
        if len(found) > 1:
            raise RessolError(
                f"Le dossier {directory} contient plusieurs fichiers {prefix}*.{fmt} "
                f"({', '.join(p.name for p in found)}). Gardez-en un seul (le stock le plus "
                "récent) pour que le résultat ne dépende pas d'un choix implicite."
            )
        if found:
            return StockFile((found[0],), fmt)
    raise RessolError(
        f"Aucun fichier {prefix}*.parquet, .csv, .csv.gz ou .zip dans le dossier {directory}. "
        f"Téléchargez le stock {prefix}_utf8 (Base Sirene des entreprises et de leurs "
        "établissements, data.gouv.fr) et déposez-le dans ce dossier."
    )


def zip_member(path: Path) -> str:
    """Name of the one CSV inside an official SIRENE zip (error if there is not exactly one)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    except zipfile.BadZipFile:
        raise RessolError(f"L'archive {path} est endommagée. {DOWNLOAD}") from None
    if len(members) != 1:
        raise RessolError(
            f"L'archive {path} devrait contenir un seul fichier CSV (trouvé : "
            f"{', '.join(members) or 'aucun'}). Déposez l'archive officielle de data.gouv.fr."
        )
    return members[0]


@contextmanager
def open_binary(path: Path, fmt: str) -> Iterator[io.BufferedIOBase]:
    """Open the CSV bytes of a plain, gzip or zipped stock file."""
    if fmt == "zip":
        with zipfile.ZipFile(path) as archive, archive.open(zip_member(path)) as raw:
            yield raw
    elif path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as raw:
            yield raw
    else:
        with path.open("rb") as raw:
            yield raw


def _header_line(path: Path, fmt: str) -> str:
    try:
        with open_binary(path, fmt) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            try:
                line = text.readline()
            finally:
                text.detach()  # the binary file is closed by open_binary, not left to the GC
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        raise RessolError(
            f"La première ligne de {path} est illisible en UTF-8 ({exc}). {DOWNLOAD}"
        ) from None
    return line.lstrip("\ufeff").rstrip("\r\n")


def check_csv_header(path: Path, header: str, required: tuple[str, ...]) -> list[str]:
    """Check the header line of a SIRENE CSV and return its columns.

    Parameters
    ----------
    path : Path
        File named in messages.
    header : str
        Its first line.
    required : tuple of str
        Columns that must be present.

    Returns
    -------
    list of str
        Column names.

    Raises
    ------
    RessolError
        If the line is not separated by commas (the file was saved again by a spreadsheet,
        often with ``;``), if it holds none of INSEE's column names (no header, or another
        file), or if required columns are missing.
    """
    advice = (
        "Les stocks Sirene de l'Insee sont séparés par des virgules : le fichier a sans doute "
        f"été réenregistré avec un tableur. {DOWNLOAD}"
    )
    check_separator(path, header, ",", advice)
    columns = next(csv.reader([header]), [])
    official = set(ETAB_COLUMNS) | set(UL_COLUMNS) | set(GEO_COLUMNS)
    missing = [c for c in required if c not in columns]
    lowered = {c.lower(): c for c in columns}
    renamed = [lowered[m.lower()] for m in missing if m.lower() in lowered]
    if renamed or not official & set(columns):
        what = (
            f"ses noms de colonnes ont été modifiés (« {renamed[0]} » au lieu de « {missing[0]} »)"
            if renamed
            else f"sa première ligne ne porte aucun nom de colonne de l'Insee : « {header[:80]} »"
        )
        raise RessolError(
            f"Le fichier {path} n'a pas l'en-tête d'un stock Sirene de l'Insee : {what}. "
            f"Attendu : {', '.join(required[:4])}… {DOWNLOAD}"
        )
    require_columns(path, columns, required)
    return columns


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def check_parquet_schema(path: Path, required: tuple[str, ...], date_column: str) -> list[str]:
    """Check the schema of a SIRENE Parquet file and return its columns.

    Parameters
    ----------
    path : Path
        The file.
    required : tuple of str
        Columns that must be present.
    date_column : str
        Its last-update column (text, date or timestamp).

    Returns
    -------
    list of str
        Column names.

    Raises
    ------
    RessolError
        If the file is not readable Parquet, a required column is missing, a code column is
        not text (``siren`` as an integer loses its leading zeros) or the last-update column
        is neither text nor a date.
    """
    try:
        schema = pq.read_schema(path)
    except Exception as exc:  # pyarrow raises several error types on damaged files
        raise RessolError(f"Le fichier Parquet {path} est illisible ({exc}). {DOWNLOAD}") from None
    require_columns(path, schema.names, required)
    for field in schema:
        wrong_code = field.name in CODE_COLUMNS and not _is_text(field.type)
        kind = field.type
        dated = _is_text(kind) or pa.types.is_date(kind) or pa.types.is_timestamp(kind)
        wrong_date = field.name == date_column and not dated
        if wrong_code or wrong_date:
            lost = " : les zéros initiaux des codes sont perdus" if wrong_code else ""
            raise RessolError(
                f"Dans {path}, la colonne {field.name} est de type « {field.type} » au lieu "
                f"de texte{lost}. Le fichier a été réécrit par un autre outil : téléchargez le "
                "Parquet officiel de data.gouv.fr, ou convertissez le CSV officiel en gardant "
                "chaque code en texte."
            )
    return list(schema.names)


def stock_columns(stock: StockFile, required: tuple[str, ...], kind: str) -> list[str]:
    """Check every file of a stock and return the columns present in all of them.

    Parameters
    ----------
    stock : StockFile
        Output of :func:`find_stock_file`.
    required : tuple of str
        Columns that must be present in each file.
    kind : {"etablissements", "unites_legales"}
        Which stock (gives the last-update column).

    Returns
    -------
    list of str
        Columns present in every file, in the first file's order.
    """
    date_column = STOCKS[kind][1]
    found = []
    for path in stock.paths:
        if stock.format == "parquet":
            found.append(check_parquet_schema(path, required, date_column))
        else:
            found.append(check_csv_header(path, _header_line(path, stock.format), required))
    common = set.intersection(*(set(c) for c in found))
    return [c for c in found[0] if c in common]


@dataclass
class FileFacts:
    """What is known of one stock file: its latest update and latest headcount-band year."""

    path: Path
    latest_update: str | None = None
    latest_band_year: int | None = None

    def add(self, update: object, year: object) -> None:
        """Take into account the maxima of one more batch."""
        if update not in (None, ""):
            text = str(update)
            self.latest_update = max(self.latest_update or text, text)
        if year not in (None, ""):
            value = int(str(year)[:4])
            self.latest_band_year = max(self.latest_band_year or value, value)


def parquet_facts(path: Path, date_column: str, year_column: str | None) -> FileFacts:
    """Latest update and band year of a Parquet file, from its statistics when it has them."""
    facts = FileFacts(path)
    metadata = pq.ParquetFile(path).metadata
    names = metadata.schema.names
    for column, is_date in ((date_column, True), (year_column, False)):
        if column is None or column not in names:
            continue
        index = names.index(column)
        stats = [
            s.max
            for group in range(metadata.num_row_groups)
            if (s := metadata.row_group(group).column(index).statistics) is not None
            and s.has_min_max
        ]
        if len(stats) < metadata.num_row_groups:
            source = str(path).replace("'", "''")
            stats = duckdb.sql(
                f"SELECT max(NULLIF(TRIM(CAST(\"{column}\" AS VARCHAR)), '')) "
                f"FROM read_parquet('{source}')"
            ).fetchall()[0][:1]
        best = max((str(s) for s in stats if s is not None), default=None)
        facts.add(best if is_date else None, None if is_date else best)
    return facts


def stream_csv(
    stock: StockFile,
    columns: list[str],
    facts: dict[Path, FileFacts],
    date_column: str,
    year_column: str | None = None,
) -> pa.RecordBatchReader:
    """Stream the projected columns of a CSV stock (one or many files), batch by batch.

    Only ``columns`` are parsed (as text; a column absent from a file is null), so memory stays
    proportional to a batch. While the batches pass, the latest value of ``date_column`` and
    ``year_column`` of each file is recorded in ``facts`` (filled once the reader is consumed).

    Parameters
    ----------
    stock : StockFile
        CSV, ``.csv.gz`` or zip files.
    columns : list of str
        Columns to read.
    facts : dict of Path to FileFacts
        Filled with one entry per file.
    date_column, year_column : str
        Last-update and band-year columns (read along when present in a file).

    Returns
    -------
    pyarrow.RecordBatchReader
        Batches of ``columns``, all strings.
    """
    extra = [c for c in (date_column, year_column) if c and c not in columns]
    wanted = [*columns, *extra]
    schema = pa.schema([(c, pa.string()) for c in columns])

    def batches() -> Iterator[pa.RecordBatch]:
        for path in stock.paths:
            record = facts.setdefault(path, FileFacts(path))
            with open_binary(path, stock.format) as raw:
                reader = pacsv.open_csv(
                    raw,
                    read_options=pacsv.ReadOptions(block_size=CSV_BLOCK_SIZE),
                    convert_options=pacsv.ConvertOptions(
                        include_columns=wanted,
                        include_missing_columns=True,
                        column_types={c: pa.string() for c in wanted},
                        strings_can_be_null=False,
                    ),
                )
                for batch in reader:
                    update = pc.max(batch.column(date_column)).as_py()
                    year = pc.max(batch.column(year_column)).as_py() if year_column else None
                    record.add(update, year)
                    yield pa.RecordBatch.from_arrays(
                        [batch.column(c) for c in columns], schema=schema
                    )

    return pa.RecordBatchReader.from_batches(schema, batches())


def check_same_stock(facts: list[FileFacts]) -> None:
    """Refuse files that come from stocks of different months.

    A monthly stock is the image of the register at the end of a month: its latest
    ``dateDernierTraitement…`` falls in that month. Files without that column are not checked.

    Parameters
    ----------
    facts : list of FileFacts
        Every file read (establishments and legal units).

    Raises
    ------
    RessolError
        Naming each file with its latest update when two months differ.
    """
    dated = [f for f in facts if f.latest_update]
    months = {f.latest_update[:7] for f in dated}
    if len(months) <= 1:
        return
    details = "; ".join(
        f"{f.path.name} : dernière mise à jour le {f.latest_update[:10]}" for f in dated
    )
    raise RessolError(
        f"Les fichiers Sirene du dossier {dated[0].path.parent} ne viennent pas du même stock "
        f"mensuel ({details}). Un stock est l'image du répertoire à la fin d'un mois : déposez "
        "des fichiers StockEtablissement et StockUniteLegale (et tous les fichiers "
        "géolocalisés) du même mois, téléchargés ensemble sur data.gouv.fr, et retirez les "
        "autres du dossier."
    )


def relation(
    con: duckdb.DuckDBPyConnection,
    stock: StockFile,
    name: str,
    columns: list[str],
    facts: dict[Path, FileFacts],
    kind: str,
) -> str:
    """SQL table expression reading a stock: ``read_parquet`` or a registered CSV stream.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Connection the CSV stream is registered on (as ``name``).
    stock : StockFile
        The files.
    columns : list of str
        Columns a CSV stream reads (Parquet files are projected by the query itself).
    facts : dict of Path to FileFacts
        Filled with each file's latest update and band year (at once for Parquet, as the
        stream is consumed for CSV).
    kind : {"etablissements", "unites_legales"}
        Which stock.

    Returns
    -------
    str
        The table expression.
    """
    date_column = STOCKS[kind][1]
    year_column = BAND_YEAR if kind == "etablissements" else None
    if stock.format == "parquet":
        for path in stock.paths:
            facts[path] = parquet_facts(path, date_column, year_column)
        paths = ", ".join("'" + str(p).replace("'", "''") + "'" for p in stock.paths)
        return f"read_parquet([{paths}], union_by_name = true)"
    con.register(name, stream_csv(stock, columns, facts, date_column, year_column))
    return name


def string_frame(table: pa.Table) -> pd.DataFrame:
    """A DuckDB result (Arrow table) as a DataFrame of pandas strings.

    Arrow text columns become pandas strings without going through Python objects (what
    ``fetch_df().astype("string")`` does, several times slower on a whole département); any
    other column is converted by ``astype("string")`` as before.

    Parameters
    ----------
    table : pyarrow.Table
        Result of ``con.sql(...).to_arrow_table()``.

    Returns
    -------
    DataFrame
        Same columns and rows, every column of dtype ``string``, index 0…n-1.
    """
    strings = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}
    return table.to_pandas(types_mapper=strings.get).astype("string")
