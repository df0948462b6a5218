"""Reading official tables safely: delimited files and workbooks.

One generic reader that every official CSV goes through: it checks the encoding, the
separator and the columns, keeps codes as strings, turns INSEE's secret marker ``s`` into a
missing value that is counted, accepts decimal commas, and refuses anything else that does not
parse as a number — always with a message naming the file, the column and the line. Official
workbooks (``.xls``, ``.xlsx``) are opened by :func:`open_workbook` and their sheets read by
:func:`read_sheet`, with the same kind of messages.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import RessolError, list_codes

SECRET_MARKERS = frozenset({"s", "S", "nd", "ND", "[ND]"})


@dataclass
class ReadReport:
    """What a reader noticed: secret cells per column (counted, never summed as zero)."""

    path: Path
    secret_cells: dict[str, int] = field(default_factory=dict)

    @property
    def total_secret(self) -> int:
        """Number of secret cells in the file."""
        return sum(self.secret_cells.values())


def _decode(path: Path, encoding: str) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RessolError(
            f"Le fichier {path} n'est pas encodé en {encoding.upper()} (octet illisible "
            f"ligne {line}). Il a sans doute été réenregistré dans un autre encodage "
            f"(Excel, Windows-1252…). Réenregistrez-le en {encoding.upper()} ou restaurez "
            "le fichier officiel."
        ) from None


def check_separator(path: Path, header: str, sep: str, advice: str | None = None) -> None:
    """Raise a clear error if ``header`` is not split by ``sep`` (naming the one it uses).

    Parameters
    ----------
    path : Path
        File named in the message.
    header : str
        Its first line.
    sep : str
        Expected separator.
    advice : str, optional
        What to do, ending the message (by default: save it again with ``sep``, or restore
        the official file).

    Raises
    ------
    RessolError
        If ``sep`` is not in ``header``.
    """
    if sep in header:
        return
    found = [s for s in (";", ",", "\t", "|") if s != sep and s in header]
    other = f" Il semble séparé par « {found[0]} »." if found else ""
    advice = advice or (
        f"Réenregistrez-le avec le séparateur « {sep} » (format publié par l'éditeur) ou "
        "restaurez le fichier officiel."
    )
    raise RessolError(
        f"Le fichier {path} n'utilise pas le séparateur attendu « {sep} » sur sa ligne "
        f"d'en-tête.{other} {advice}"
    )


def check_complete_lines(path: Path, text: str, sep: str) -> None:
    """Raise a clear error if a delimited file was cut short or has incomplete lines.

    An official file ends with a line break, and every line has as many fields as its
    header. A download or a copy that stopped midway leaves a last line without its end
    (and often without its last fields), which pandas would read with empty cells, silently.

    Parameters
    ----------
    path : Path
        File named in the message.
    text : str
        Its decoded content.
    sep : str
        Field separator.

    Raises
    ------
    RessolError
        Naming the file and the line: the last line has no line break (the file was cut), or
        some lines have fewer or more fields than the header.
    """
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if text and not text.endswith("\n"):
        last = text.rsplit("\n", 1)[-1]
        shown = last if len(last) <= 60 else "…" + last[-60:]
        raise RessolError(
            f"Le fichier {path} s'arrête au milieu de sa ligne {lines} (« {shown} », sans fin de "
            "ligne) : il a été coupé, sans doute par un téléchargement ou une copie "
            "interrompus, et sa dernière ligne est incomplète. Téléchargez à nouveau le fichier "
            "officiel (ressol data fetch), ou restaurez-le."
        )
    rows = csv.reader(io.StringIO(text), delimiter=sep)
    width = len(next(rows, []))
    wrong = [(n, len(row)) for n, row in enumerate(rows, start=2) if row and len(row) != width]
    if wrong:
        where = ", ".join(f"ligne {n} : {count} champs" for n, count in wrong[:5])
        cut = " Le fichier semble coupé." if wrong[-1][0] == lines else ""
        raise RessolError(
            f"Dans {path}, {len(wrong)} ligne(s) n'ont pas le nombre de champs de l'en-tête "
            f"({width}) : {where}.{cut} Une ligne incomplète donnerait des cases vides sans "
            "le dire : restaurez ou téléchargez à nouveau le fichier officiel."
        )


def require_columns(
    path: Path, columns: Sequence[str], required: Sequence[str], what: str = "colonne"
) -> None:
    """Raise a clear error if required columns are absent.

    Parameters
    ----------
    path : Path
        File the columns come from (named in the message).
    columns : sequence of str
        Columns present.
    required : sequence of str
        Columns that must be present.
    what : str
        Word used in the message.

    Raises
    ------
    RessolError
        Naming each missing column and, when one exists, the closest present column.
    """
    missing = [c for c in required if c not in columns]
    if not missing:
        return
    hints = []
    for name in missing:
        close = difflib.get_close_matches(name, list(columns), n=1, cutoff=0.6)
        hints.append(f"{name} (colonne proche trouvée : {close[0]})" if close else name)
    raise RessolError(
        f"Dans le fichier {path}, {what}(s) manquante(s) : {', '.join(hints)}. "
        "La colonne a peut-être été renommée ou le fichier n'est pas celui attendu : "
        "vérifiez qu'il s'agit du fichier officiel au format publié, ou restaurez-le."
    )


def read_delimited(
    path: Path,
    *,
    sep: str,
    code_columns: Sequence[str],
    numeric_columns: Sequence[str] = (),
    encoding: str = "utf-8",
    allow_secret: bool = True,
) -> tuple[pd.DataFrame, ReadReport]:
    """Read a delimited official file with codes as strings and checked numbers.

    Parameters
    ----------
    path : Path
        File to read.
    sep : str
        Expected field separator.
    code_columns : sequence of str
        Columns kept as strings (commune, EPCI… codes); they must be present.
    numeric_columns : sequence of str
        Columns converted to floats; they must be present. Empty cells and secret markers
        (``s``) become missing values; decimal commas are accepted.
    encoding : str
        Expected encoding.
    allow_secret : bool
        Whether secret markers are allowed in numeric columns.

    Returns
    -------
    DataFrame
        The requested columns only, in the order given.
    ReadReport
        Number of secret cells per numeric column.

    Raises
    ------
    RessolError
        On a missing file, wrong encoding or separator, missing column, a file cut short or
        a line with another number of fields than the header (:func:`check_complete_lines`),
        or a cell that is neither a number, empty, nor a secret marker (the line and column
        are named).
    """
    if not path.is_file():
        raise RessolError(f"Fichier introuvable : {path}. Restaurez-le ou vérifiez le chemin.")
    text = _decode(path, encoding)
    header = text.split("\n", 1)[0]
    check_separator(path, header, sep)
    columns = next(csv.reader([header.rstrip("\r")], delimiter=sep))
    require_columns(path, columns, [*code_columns, *numeric_columns])
    check_complete_lines(path, text, sep)
    wanted = [*code_columns, *numeric_columns]
    table = pd.read_csv(
        io.StringIO(text),
        sep=sep,
        dtype=str,
        usecols=wanted,
        keep_default_na=False,
        na_values=[""],
    )[wanted]
    report = ReadReport(path)
    for column in numeric_columns:
        values = table[column].str.strip()
        secret = values.isin(SECRET_MARKERS)
        if secret.any():
            if not allow_secret:
                first = int(secret.to_numpy().nonzero()[0][0]) + 2
                raise RessolError(
                    f"Dans {path}, colonne {column}, ligne {first} : valeur secrète « s » "
                    "inattendue pour cette variable. Vérifiez le fichier."
                )
            report.secret_cells[column] = int(secret.sum())
        cleaned = values.mask(secret).str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(cleaned, errors="coerce")
        bad = numbers.isna() & cleaned.notna()
        if bad.any():
            rows = (bad.to_numpy().nonzero()[0][:5] + 2).tolist()
            samples = list_codes(table.loc[bad, column].head(5))
            raise RessolError(
                f"Dans {path}, colonne {column}, ligne(s) {', '.join(map(str, rows))} : "
                f"valeur(s) non numérique(s) ({samples}). Seuls les nombres (virgule ou point "
                "décimal), les cases vides et le secret statistique « s » sont acceptés. "
                "Corrigez ou restaurez le fichier officiel."
            )
        table[column] = numbers.astype("float64")
    for column in code_columns:
        table[column] = table[column].astype("string").str.strip()
    return table, report


def open_workbook(path: Path, advice: str = "Restaurez le fichier officiel.") -> pd.ExcelFile:
    """Open an official workbook (``.xls`` or ``.xlsx``) to read its sheets as text.

    Parameters
    ----------
    path : Path
        The workbook.
    advice : str
        What the consultant should do if it cannot be opened (end of the message).

    Returns
    -------
    pandas.ExcelFile
        The open workbook (``sheet_names``, and :func:`read_sheet`).

    Raises
    ------
    RessolError
        If the file is missing or is not a readable workbook.
    """
    path = Path(path)
    if not path.is_file():
        raise RessolError(f"Fichier introuvable : {path}. {advice}")
    try:
        return pd.ExcelFile(path, engine="calamine")
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise RessolError(f"Le classeur {path} est illisible ({exc}). {advice}") from None


def read_sheet(book: pd.ExcelFile, sheet: str, advice: str, **options) -> pd.DataFrame:
    """Read one sheet of an open workbook with every cell as text.

    Parameters
    ----------
    book : pandas.ExcelFile
        Output of :func:`open_workbook`.
    sheet : str
        Sheet name.
    advice : str
        What the consultant should do if the sheet is absent (end of the message).
    **options
        Passed to :func:`pandas.read_excel` (``header``, ``nrows``…).

    Returns
    -------
    DataFrame
        The sheet, cells as strings.

    Raises
    ------
    RessolError
        If the workbook has no such sheet.
    """
    if sheet not in book.sheet_names:
        raise RessolError(f"Le classeur {book.io} n'a pas de feuille « {sheet} ». {advice}")
    return pd.read_excel(book, sheet, dtype=str, **options)


def check_unique(table: pd.DataFrame, column: str, path: Path) -> None:
    """Raise if a code column has duplicates (each commune must appear once)."""
    duplicated = table.loc[table[column].duplicated(keep=False), column]
    if not duplicated.empty:
        raise RessolError(
            f"Dans {path}, colonne {column} : code(s) présent(s) plusieurs fois "
            f"({list_codes(duplicated)}). Chaque code doit apparaître sur une seule ligne ; "
            "restaurez le fichier officiel."
        )


def check_not_negative(table: pd.DataFrame, columns: Sequence[str], path: Path) -> None:
    """Raise if counts are negative."""
    for column in columns:
        negative = table[column] < 0
        if negative.any():
            rows = (negative.to_numpy().nonzero()[0][:5] + 2).tolist()
            raise RessolError(
                f"Dans {path}, colonne {column}, ligne(s) {', '.join(map(str, rows))} : "
                "valeur négative pour un effectif. Corrigez ou restaurez le fichier officiel."
            )
