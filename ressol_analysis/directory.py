"""The directory of the territory's ESS employers: a working file, never part of the report.

The directory names each ESS employer with its commune and headcount band. Published beside
the commune tables, it would let a reader add up the bands of a commune and rebuild the jobs
that statistical secrecy masks. It is therefore written by its own command
(``ressol annuaire``) into the project's working folder ``travail/annuaire_<territoire>/``,
which is never inside ``reports/``, for the consultant and the network (phase 1: identify and
mobilise the actors). On the demonstration extract every row says that it is fictitious.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .context import load
from .errors import RessolError
from .files import marked, replace_folder, write_csv
from .paths import ProjectPaths

WORK_FOLDER = "travail"


def directory_folder(paths: ProjectPaths, territory_id: str, output: str | Path | None) -> Path:
    """Folder of a territory's directory: ``<output or travail>/annuaire_<territoire>``.

    Raises
    ------
    RessolError
        If the folder would be inside the reports folder (the board's report).
    """
    root = Path(output) if output else paths.root / WORK_FOLDER
    folder = (root / f"annuaire_{territory_id}").resolve()
    reports = paths.reports.resolve()
    if folder == reports or reports in folder.parents:
        raise RessolError(
            f"L'annuaire des employeurs de l'ESS ne doit pas être écrit dans {reports} : avec "
            "les tableaux par commune du rapport, il permettrait de retrouver les chiffres "
            "couverts par le secret statistique. Choisissez un dossier de travail hors de "
            "reports/ (par défaut : travail/)."
        )
    return folder


def write_directory(
    paths: ProjectPaths,
    territory: str,
    output: str | Path | None = None,
    sirene: str | None = None,
) -> Path:
    """Write the directory of a territory's ESS employers as CSV and XLSX, in one step.

    Parameters
    ----------
    paths : ProjectPaths
        Project folders.
    territory : str
        Territory id or YAML path.
    output : path, optional
        Folder that receives ``annuaire_<territoire>/`` (default ``travail/``); never inside
        ``reports/``.
    sirene : str, optional
        Folder of the official SIRENE stock files (default: the territory's ``sirene`` key,
        then the synthetic demonstration extract).

    Returns
    -------
    Path
        The folder, with ``annuaire_ess.csv`` and ``annuaire_ess.xlsx`` (every column as
        text: SIRET, commune and NAF codes keep their leading zeros). Units partially
        diffusible and natural persons are never listed (``ess.ess_directory``).

    Raises
    ------
    RessolError
        On invalid inputs or a destination inside ``reports/``; an existing directory is
        replaced only when the new one is complete.
    """
    diag = load(territory, str(paths.root), sirene)
    folder = directory_folder(paths, diag.territory.id, output)
    listed = marked(diag.ess_directory, diag.synthetic)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}.en-cours"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        write_csv(listed, staging / "annuaire_ess.csv")
        listed.astype("string").to_excel(
            staging / "annuaire_ess.xlsx", sheet_name="Annuaire ESS", index=False
        )
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_folder(staging, folder)
    return folder
