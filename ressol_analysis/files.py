"""Writing output files and folders safely: never a half-written file over a good one.

Every file the package writes goes through :func:`stage`: the content is written to a
temporary file next to its destination, flushed to disk and given the usual permissions, then
moved into place in one step by :func:`write_atomic` (or by the caller, when several files must
be swapped together, as ``update`` does). Whole folders (``data/processed``, a report run) are
built aside and swapped in by :func:`replace_folder`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from .errors import RessolError
from .labels import SYNTHETIC_MARK

WARNING_COLUMN = "avertissement"

# File-system refusals caused by the place the user chose, not by the program.
USER_ERRNOS = {
    errno.EACCES: "vous n'avez pas le droit d'écrire à cet endroit",
    errno.EPERM: "l'écriture y est interdite (dossier ou fichier protégé)",
    errno.EROFS: "le disque est en lecture seule",
    errno.ENOSPC: "le disque est plein",
    errno.EDQUOT: "votre quota de disque est atteint",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "une partie du chemin est un fichier, pas un dossier",
}


def user_file_error(
    error: OSError, path: Path | None = None, action: str = "écrire"
) -> RessolError | None:
    """The French error for a file-system refusal due to the chosen place, else ``None``.

    Parameters
    ----------
    error : OSError
        The refusal (permission denied, read-only disk, disk full, folder instead of file…).
    path : Path, optional
        The path the user chose (named in the message); by default the one in ``error``.
    action : str
        What could not be done (``écrire``; ``lire ou écrire`` when it is not known).

    Returns
    -------
    RessolError or None
        The message names the path, the reason and what to do; ``None`` for other errors,
        which are defects of the program.
    """
    reason = USER_ERRNOS.get(error.errno)
    if reason is None:
        return None
    where = path or error.filename or "?"
    if error.errno == errno.EISDIR:
        advice = "indiquez un nom de fichier plutôt qu'un dossier"
    elif error.errno in (errno.ENOSPC, errno.EDQUOT):
        advice = "libérez de la place ou choisissez un autre disque, puis relancez"
    else:
        advice = (
            "choisissez un dossier où vous pouvez écrire (option --output / --sortie), ou "
            "faites rétablir vos droits sur ce dossier, puis relancez"
        )
    verb = f"d'{action}" if action[0] in "aeéiou" else f"de {action}"
    return RessolError(f"Impossible {verb} {where} : {reason}. {advice[0].upper()}{advice[1:]}.")


@contextlib.contextmanager
def explained(path: Path) -> Iterator[None]:
    """Turn a file-system refusal while writing ``path`` into a French :class:`RessolError`."""
    try:
        yield
    except OSError as error:
        friendly = user_file_error(error, path)
        if friendly is None:
            raise
        raise friendly from None


def check_workbook_path(path: str | Path, what: str) -> Path:
    """Check that ``path`` names an Excel workbook in an existing folder.

    Parameters
    ----------
    path : path
        File about to be written.
    what : str
        What the workbook is, in French, for the message (« La grille d'évaluation »).

    Returns
    -------
    Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    RessolError
        If the name does not end in ``.xlsx``, or as :func:`check_folder`.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise RessolError(
            f"{what} est un classeur Excel : donnez un nom de fichier en .xlsx "
            f"(reçu : {path.name})."
        )
    check_folder(path)
    return path


def check_folder(path: Path) -> None:
    """Raise a French error if ``path`` cannot be a file of an existing folder.

    Parameters
    ----------
    path : Path
        File about to be written.

    Raises
    ------
    RessolError
        Naming the path when it is a folder, or when its folder is missing or is a file, and
        what to do.
    """
    path = Path(path)
    if path.is_dir():
        raise RessolError(
            f"Le chemin de sortie {path} est un dossier, pas un fichier : indiquez le nom du "
            "fichier à écrire (dans ce dossier ou ailleurs)."
        )
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise RessolError(
            f"{parent} est un fichier, pas un dossier : le fichier {path.name} ne peut pas y "
            "être écrit. Choisissez un autre chemin de sortie."
        )
    if not parent.is_dir():
        raise RessolError(
            f"Le dossier {parent} n'existe pas : créez-le ou choisissez un autre fichier de sortie."
        )


def check_writable(path: Path) -> None:
    """Raise the French error now if the file ``path`` could not be written later.

    Called by commands before long work, so that a wrong output path is said at once.

    Parameters
    ----------
    path : Path
        File about to be written (it need not exist), or, with a trailing folder that does
        not exist yet, a folder to be created (its nearest existing parent is tried).

    Raises
    ------
    RessolError
        See :func:`check_folder` and :func:`user_file_error`.
    """
    check_folder(path)
    probe_folder(Path(path).parent)


def probe_folder(folder: Path) -> None:
    """Raise the French error if no file can be created in ``folder`` or its nearest parent.

    Parameters
    ----------
    folder : Path
        Folder to write into; when it does not exist yet, the nearest existing parent (where
        it would be created) is tried.

    Raises
    ------
    RessolError
        Naming the folder, when it is a file or when the file system refuses to write there.
    """
    folder = Path(folder)
    existing = next(p for p in (folder, *folder.parents) if p.exists() or p == p.parent)
    if not existing.is_dir():
        inside = "" if existing == folder else f" : {folder} ne peut pas y être créé"
        raise RessolError(
            f"{existing} est un fichier, pas un dossier{inside}. Choisissez un autre dossier "
            "de sortie."
        )
    try:
        with tempfile.TemporaryFile(dir=existing):
            return
    except OSError as error:
        friendly = user_file_error(error, existing, action="écrire dans")
        if friendly is None:
            raise
        raise friendly from None


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
        If the destination is a folder, its folder does not exist, or the file system refuses
        the write (no permission, read-only or full disk); the temporary file is then removed,
        as on any failure of ``write``.
    """
    path = Path(path)
    check_folder(path)
    with explained(path):
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        with explained(path):
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
        with explained(path):
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


EXCEL_SUFFIX = "_excel"


def excel_name(path: Path) -> Path:
    """``indicateurs.csv`` → ``indicateurs_excel.csv``: the French Excel variant beside it."""
    path = Path(path)
    return path.with_name(f"{path.stem}{EXCEL_SUFFIX}{path.suffix}")


def for_excel(table: pd.DataFrame, code_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """The table as French Excel should read it from a CSV opened by a double click.

    Codes made of digits only (``01001``, a SIRET) are written ``="01001"``: Excel would
    otherwise read them as numbers, drop the leading zero and show a SIRET as ``1,2E+13``.
    Other columns are left as they are (numbers are written with a decimal comma by
    :func:`write_excel_csv`).
    """
    table = table.copy()
    for column in code_columns:
        if column not in table.columns:
            continue
        text = table[column].astype("string")
        digits = text.str.fullmatch(r"\d+").fillna(False)
        table[column] = text.where(~digits, '="' + text + '"')
    return table


def write_excel_csv(table: pd.DataFrame, path: Path, code_columns: tuple[str, ...] = ()) -> Path:
    """Write the French Excel variant of a CSV: ``;`` separator, decimal comma, UTF-8 with BOM.

    French Excel opens such a file by a double click with accents, columns and numbers
    right; the comma-separated, point-decimal CSV beside it stays the file for programs.

    Parameters
    ----------
    table : DataFrame
        Table to write, without its index.
    path : Path
        Destination (by convention :func:`excel_name` of the program's CSV); replaced only
        when the new one is complete.
    code_columns : tuple of str
        Columns of codes kept as text in Excel (see :func:`for_excel`).

    Returns
    -------
    Path
        ``path``.
    """
    excel = for_excel(table, code_columns)
    return write_atomic(
        path,
        lambda temporary: excel.to_csv(
            temporary, index=False, sep=";", decimal=",", encoding="utf-8-sig"
        ),
    )


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


def take_lock(path: Path, wait: bool = True) -> int | None:
    """Hold an exclusive lock on the file ``path`` (created if needed), for this process.

    Parameters
    ----------
    path : Path
        Lock file (``.processed.verrou``, ``.<run>.verrou``).
    wait : bool
        Wait until another process releases it; otherwise return ``None`` at once when it is
        held.

    Returns
    -------
    int or None
        The open descriptor that holds the lock (give it to :func:`release_lock`), or
        ``None`` when ``wait`` is false and another process holds the lock.
    """
    while True:
        with explained(path):
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(handle)
            return None
        except BaseException:
            os.close(handle)
            raise
        # A holder removes the file when it releases the lock (release_lock): make sure the
        # file we locked is still the one at ``path``, else another process could lock a new
        # file there at the same time.
        try:
            same = os.fstat(handle).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return handle
        os.close(handle)


def release_lock(path: Path, handle: int) -> None:
    """Give back a lock taken by :func:`take_lock`, removing its file."""
    Path(path).unlink(missing_ok=True)  # while still held: see take_lock
    os.close(handle)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Run the block while holding the lock file ``path``, waiting for it if needed."""
    handle = take_lock(path)
    try:
        yield
    finally:
        release_lock(path, handle)
