"""Runs of a territory's report: their folder names, who may write them, and their order.

A run is published as ``reports/<territory>/<date>_rp<census>_cog<year>/``. A second run of
the same territory with the same data on the same day never replaces the first silently: it
gets the next free name (``…_cog2026-2``, ``-3``…), unless the consultant asks for the
replacement (``ressol report --remplacer``), which then replaces the latest run of the day.

Concurrent runs: before any work, a run *reserves* its name by holding an exclusive lock
(``flock``) on ``.<name>.verrou`` in the territory's folder, and builds its files in its own
staging folder ``.<name>.en-cours``; it publishes by renaming that folder, while still holding
the lock. A second run that starts meanwhile takes the next name, so both publish complete
folders; a second run with ``--remplacer`` whose target is being written is refused at once
with a French message (it does not wait: the run being written is the newer one, and
replacing it the moment it appears is never what the consultant wants). A run that died
without cleaning up (power cut, ``kill -9``) leaves a lock that nobody holds: the next run of
that name removes its staging folder.

:func:`published_runs` lists the runs of a territory from the oldest to the newest (start
time recorded in ``run.json``), :func:`previous_run` finds the one before a given run (for
``ressol compare``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .errors import RessolError
from .files import explained, release_lock, take_lock

RUN_INFO = "run.json"
STAGING_SUFFIX = ".en-cours"
LOCK_SUFFIX = ".verrou"
SUFFIX = re.compile(r"^(?P<base>.+?)(?:-(?P<number>\d+))?$")


def base_name(info: dict, day: date | None = None) -> str:
    """Folder name of a run before any suffix: date and data vintages.

    Parameters
    ----------
    info : dict
        ``build.json`` of ``data/processed`` (``millesimes.rp`` and ``cog``).
    day : date, optional
        Day of the run (default: today).

    Returns
    -------
    str
        ``2026-11-26_rp2022_cog2026``.
    """
    day = day or date.today()
    return f"{day.isoformat()}_rp{info['millesimes']['rp']}_cog{info['cog']}"


def _numbered(base: str, number: int) -> str:
    return base if number == 1 else f"{base}-{number}"


def _holder(lock_file: Path) -> str:
    try:
        text = lock_file.read_text(encoding="utf-8").strip()
    except OSError:
        text = ""
    return f" ({text})" if text else ""


@dataclass
class Reservation:
    """The right to write one run folder: its final path, its staging folder, its lock."""

    final: Path
    staging: Path
    replace: bool
    handle: int | None

    @property
    def lock_file(self) -> Path:
        """The file whose lock this run holds."""
        return self.final.with_name(f".{self.final.name}{LOCK_SUFFIX}")

    def publish(self) -> Path:
        """Put the complete staging folder in place of the run folder, in one rename.

        Returns
        -------
        Path
            The published run folder.

        Raises
        ------
        RessolError
            If the run folder appeared meanwhile although this run did not ask to replace it
            (another program wrote it without reserving it).
        """
        previous = self.final.with_name(f".{self.final.name}.ancien")
        with explained(self.final):
            if self.replace and self.final.exists():
                shutil.rmtree(previous, ignore_errors=True)
                self.final.rename(previous)
            elif self.final.exists():
                raise RessolError(
                    f"Le dossier {self.final} est apparu pendant le rapport sans avoir été "
                    "réservé : le nouveau rapport n'est pas publié, pour ne pas le mélanger avec "
                    "ce dossier. Relancez la commande (elle choisira un autre nom)."
                )
            self.staging.rename(self.final)
        shutil.rmtree(previous, ignore_errors=True)
        return self.final

    def release(self) -> None:
        """Remove the staging folder if it is still there, and give the name back."""
        shutil.rmtree(self.staging, ignore_errors=True)
        if self.handle is not None:
            release_lock(self.lock_file, self.handle)
            self.handle = None


def _start(root: Path, name: str, replace: bool, handle: int) -> Reservation:
    final = root / name
    staging = root / f".{name}{STAGING_SUFFIX}"
    with explained(root):
        os.ftruncate(handle, 0)
        stamp = datetime.now().isoformat(timespec="seconds")
        os.write(handle, f"processus {os.getpid()}, lancé le {stamp}".encode())
        shutil.rmtree(staging, ignore_errors=True)  # left by a run that died: its lock was free
        staging.mkdir()
    return Reservation(final, staging, replace, handle)


def reserve(root: Path, base: str, replace: bool = False) -> Reservation:
    """Reserve the folder of a new run: the first free name, or the one it replaces.

    Parameters
    ----------
    root : Path
        Folder of the territory's runs (``reports/<territory>``); created if needed.
    base : str
        Name without suffix (:func:`base_name`).
    replace : bool
        Replace the latest run of that name (``base`` or its highest ``-N``) instead of
        taking the next free name.

    Returns
    -------
    Reservation
        Holding the lock; its staging folder exists and is empty.

    Raises
    ------
    RessolError
        If the folder cannot be written, or if ``replace`` and another run is writing the
        folder to replace.
    """
    with explained(root):
        root.mkdir(parents=True, exist_ok=True)
    if replace:
        existing = [p for p in published_runs(root) if SUFFIX.match(p.name)["base"] == base]
        name = existing[-1].name if existing else base
        handle = take_lock(root / f".{name}{LOCK_SUFFIX}", wait=False)
        if handle is None:
            raise RessolError(
                f"Un autre rapport est en cours d'écriture dans {root / name}"
                f"{_holder(root / f'.{name}{LOCK_SUFFIX}')}. --remplacer ne remplace pas un "
                "rapport en train d'être écrit : attendez la fin de l'autre commande puis "
                "relancez, ou relancez sans --remplacer pour obtenir un dossier distinct."
            )
        return _start(root, name, True, handle)
    number = 1
    while True:
        name = _numbered(base, number)
        number += 1
        if (root / name).exists():
            continue
        handle = take_lock(root / f".{name}{LOCK_SUFFIX}", wait=False)
        if handle is None:
            continue  # another run is writing this name: take the next one
        if (root / name).exists():  # published between our look and our lock
            release_lock(root / f".{name}{LOCK_SUFFIX}", handle)
            continue
        return _start(root, name, False, handle)


def _order(run: Path) -> tuple[str, int]:
    try:
        info = json.loads((run / RUN_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    number = SUFFIX.match(run.name)["number"]
    return str(info.get("lance_le") or info.get("date") or ""), int(number or 1)


def published_runs(root: Path) -> list[Path]:
    """Published runs of a territory, from the oldest to the newest.

    Parameters
    ----------
    root : Path
        Folder of the territory's runs (``reports/<territory>``).

    Returns
    -------
    list of Path
        Folders holding a ``run.json`` (staging and hidden folders excluded), ordered by the
        start time recorded in ``run.json`` (its date for runs made before it was recorded),
        then by suffix.
    """
    if not root.is_dir():
        return []
    runs = [
        p
        for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / RUN_INFO).is_file()
    ]
    return sorted(runs, key=lambda p: (*_order(p), p.name))


def previous_run(run: Path) -> Path:
    """The run of the same territory published just before ``run``.

    Parameters
    ----------
    run : Path
        A published run folder (or its ``indicateurs.csv``).

    Returns
    -------
    Path
        The previous run folder.

    Raises
    ------
    RessolError
        If ``run`` is not a run folder, or no earlier run of its territory exists.
    """
    run = Path(run)
    if run.is_file() and (run.parent / RUN_INFO).is_file():  # its indicateurs.csv
        run = run.parent
    if not (run / RUN_INFO).is_file():
        raise RessolError(
            f"{run} n'est pas le dossier d'un rapport (il n'a pas de {RUN_INFO}). Indiquez un "
            "dossier de reports/<territoire>/, ou deux fichiers indicateurs.csv."
        )
    runs = published_runs(run.parent)
    resolved = [p.resolve() for p in runs]
    if run.resolve() not in resolved:  # a staging folder, or a hidden copy
        raise RessolError(
            f"{run} n'est pas un rapport publié (dossier caché ou en cours d'écriture). "
            f"Indiquez un dossier de {run.parent} dont le nom ne commence pas par un point."
        )
    position = resolved.index(run.resolve())
    if position == 0:
        raise RessolError(
            f"Aucun rapport antérieur à {run.name} dans {run.parent} : produisez d'abord un "
            "autre rapport (ressol report), ou indiquez les deux rapports à comparer."
        )
    return runs[position - 1]


def latest_runs(root: Path, count: int = 2) -> list[Path]:
    """The ``count`` latest runs of a territory, oldest first.

    Parameters
    ----------
    root : Path
        Folder of the territory's runs (``reports/<territory>``).
    count : int
        How many runs are needed.

    Returns
    -------
    list of Path
        Exactly ``count`` folders.

    Raises
    ------
    RessolError
        If fewer runs were published.
    """
    runs = published_runs(root)
    if len(runs) < count:
        raise RessolError(
            f"{len(runs)} rapport(s) publié(s) dans {root}, il en faut {count} pour comparer : "
            "produisez-en un autre (ressol report), ou indiquez les rapports à comparer."
        )
    return runs[-count:]
