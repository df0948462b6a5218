"""Writing output files and folders safely: never a half-written file over a good one.

Every file the package writes goes through :func:`stage`: the content is written to a
temporary file next to its destination, flushed to disk and given the usual permissions, then
moved into place in one step by :func:`write_atomic` (or by the caller, when several files must
be swapped together, as ``update`` does). Whole folders (``data/processed``, a report run) are
built aside and swapped in by :func:`replace_folder`.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .contract import TIDY_COLUMNS
from .errors import RessolError
from .labels import SYNTHETIC_MARK

WARNING_COLUMN = "avertissement"


def check_folder(path: Path) -> None:
    """Raise a French error if the folder of ``path`` does not exist.

    Parameters
    ----------
    path : Path
        File about to be written.

    Raises
    ------
    RessolError
        Naming the missing folder and what to do.
    """
    if not Path(path).parent.is_dir():
        raise RessolError(
            f"Le dossier {Path(path).parent} n'existe pas : créez-le ou choisissez un autre "
            "fichier de sortie."
        )


def _default_mode(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def stage(
    path: Path, write: Callable[[Path], object], *, suffix: str = "", mode: int | None = None
) -> Path:
    """Write a file's future content next to it, and return the temporary file.

    Parameters
    ----------
    path : Path
        Destination (not touched here).
    write : callable
        Writes the content into the path it is given.
    suffix : str
        Ending of the temporary name (``.xlsx`` for libraries that look at it).
    mode : int, optional
        Permissions of the file; by default those of the file it will replace, or the
        usual ones (``0666`` less the umask) for a new file.

    Returns
    -------
    Path
        The complete temporary file, flushed to disk, in the destination's folder.

    Raises
    ------
    RessolError
        If the destination folder does not exist; the temporary file is then removed, as on
        any failure of ``write``.
    """
    path = Path(path)
    check_folder(path)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        with temporary.open("rb") as stream:
            os.fsync(stream.fileno())
        os.chmod(temporary, _default_mode(path) if mode is None else mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_atomic(path: Path, write: Callable[[Path], object], *, suffix: str = "") -> Path:
    """Write a file in one step: readers see the old content or the new one, never a part.

    Parameters
    ----------
    path : Path
        Destination; an existing file is replaced only when the new one is complete.
    write : callable
        Writes the content into the path it is given.
    suffix : str
        Ending of the temporary name (see :func:`stage`).

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    temporary = stage(path, write, suffix=suffix)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def write_text(path: Path, text: str) -> Path:
    """Write a UTF-8 text file in one step (see :func:`write_atomic`)."""
    return write_atomic(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    """Write a table as CSV (UTF-8, comma-separated, point decimal) in one step.

    Parameters
    ----------
    table : DataFrame
        Table to write, without its index.
    path : Path
        Destination; an existing file is replaced only when the new one is complete.

    Returns
    -------
    Path
        ``path``.
    """
    return write_atomic(path, lambda temporary: table.to_csv(temporary, index=False))


def marked(table: pd.DataFrame, synthetic: bool) -> pd.DataFrame:
    """The table with a first column ``avertissement`` saying on each row that it is synthetic.

    Every file built from the synthetic demonstration extract says so in the file itself: a
    reader of the CSV or of the spreadsheet alone cannot miss it. Real data are returned as
    they are.
    """
    if not synthetic:
        return table
    return table.assign(**{WARNING_COLUMN: SYNTHETIC_MARK})[[WARNING_COLUMN, *table.columns]]


def replace_folder(staging: Path, final: Path) -> None:
    """Put a folder built aside in place of ``final``, keeping the old one until the swap.

    Parameters
    ----------
    staging : Path
        Complete new folder, in the same parent as ``final``.
    final : Path
        Destination; an existing folder is replaced, never merged.
    """
    previous = final.with_name(f".{final.name}.ancien")
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        final.rename(previous)
    staging.rename(final)
    shutil.rmtree(previous, ignore_errors=True)


def write_xlsx(indicators: pd.DataFrame, path: Path) -> Path:
    """Write the indicator table to an Excel workbook, codes kept as text.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table (extra columns are kept after the contract's).
    path : Path
        Destination ``.xlsx``; an existing file is replaced only when the new one is
        complete.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    RessolError
        If the destination folder does not exist.
    """
    path = Path(path)
    check_folder(path)
    columns = [c for c in TIDY_COLUMNS if c in indicators.columns]
    columns += [c for c in indicators.columns if c not in columns]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "indicateurs"
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in indicators[columns].itertuples(index=False, name=None):
        row = []
        for column, value in zip(columns, record, strict=True):
            if column == "valeur" or (column == "communes_manquantes" and not _blank(value)):
                row.append(None if _blank(value) else float(value))
            else:
                row.append(None if _blank(value) else str(value))
        sheet.append(row)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column != "valeur":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "@"  # text: "01001", "2022" stay as typed
        width = (
            14
            if column == "valeur"
            else min(60, max(len(column), *(len(str(v)) for v in indicators[column].head(200))) + 2)
        )
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    return write_atomic(path, workbook.save, suffix=".xlsx")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA
