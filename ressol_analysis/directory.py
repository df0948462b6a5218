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

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .context import load
from .errors import RessolError
from .files import marked, replace_folder, write_atomic, write_csv
from .labels import FAMILY_LABELS, sentence_case
from .paths import ProjectPaths
from .sources.sirene import street_addresses
from .workbook import write_table

WORK_FOLDER = "travail"
SHEET_NAME = "Annuaire ESS"


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


# Headers of the directory's spreadsheet: column of the table → what the reader sees.
SHEET_HEADERS = {
    "avertissement": "Avertissement",
    "siret": "SIRET",
    "nom": "Nom",
    "enseigne": "Enseigne",
    "adresse": "Adresse",
    "code_postal": "Code postal",
    "commune": "Commune",
    "CODGEO": "Code commune",
    "epci_nom": "Intercommunalité",
    "epci": "SIREN de l'intercommunalité",
    "famille_libelle": "Famille de l'ESS",
    "tranche_libelle": "Effectif salarié (tranche)",
    "activite": "Activité (NAF)",
    "secteur": "Secteur",
}


def readable_directory(
    directory: pd.DataFrame, establishments: pd.DataFrame, communes: pd.DataFrame
) -> pd.DataFrame:
    """The directory with what a reader needs: address, commune and EPCI names, labels.

    Parameters
    ----------
    directory : DataFrame
        ``Diagnostic.ess_directory`` (``siret``, ``nom``, ``enseigne``, ``CODGEO``,
        ``activite``, ``secteur``, ``famille``, ``tranche``, ``tranche_libelle``…).
    establishments : DataFrame
        SIRENE establishments with ``siret`` and, when the stock has them, the address
        columns (``numeroVoieEtablissement``, ``indiceRepetitionEtablissement``,
        ``typeVoieEtablissement``, ``libelleVoieEtablissement``, ``codePostalEtablissement``).
    communes : DataFrame
        ``CODGEO``, ``LIBELLE``, ``EPCI``, ``EPCI_NOM``.

    Returns
    -------
    DataFrame
        The directory's columns plus ``adresse`` (number, repetition index, type and name of
        the street, as SIRENE writes them; empty when the stock has none), ``code_postal``,
        ``commune``, ``epci``, ``epci_nom`` and ``famille_libelle``; the sector in sentence
        case; same rows, same order.
    """
    address = street_addresses(establishments)
    places = communes[["CODGEO", "LIBELLE", "EPCI", "EPCI_NOM"]].rename(
        columns={"LIBELLE": "commune", "EPCI": "epci", "EPCI_NOM": "epci_nom"}
    )
    table = directory.merge(address, on="siret", how="left").merge(places, on="CODGEO", how="left")
    table["famille_libelle"] = table["famille"].map(FAMILY_LABELS)
    table["secteur"] = table["secteur"].map(sentence_case, na_action="ignore")
    return table.astype("string")


def write_directory_xlsx(table: pd.DataFrame, path: Path) -> Path:
    """Write the directory's spreadsheet: French headers, codes as text, filters, frozen header.

    Parameters
    ----------
    table : DataFrame
        :func:`readable_directory`, possibly with the demonstration mark first.
    path : Path
        Destination ``.xlsx``, replaced only when complete.

    Returns
    -------
    Path
        ``path``.
    """
    columns = [c for c in SHEET_HEADERS if c in table.columns]
    sheet_table = table[columns].rename(columns=SHEET_HEADERS)
    book = Workbook()
    book.active.title = SHEET_NAME
    # SIRET and name stay in view when scrolling right (after the mark, if any).
    freeze = get_column_letter(columns.index("nom") + 2) + "2"
    write_table(book.active, sheet_table, freeze=freeze)
    return write_atomic(path, book.save, suffix=".xlsx")


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
        The folder, with ``annuaire_ess.csv`` and ``annuaire_ess.xlsx`` (see
        :func:`readable_directory`; every column as text: SIRET, commune and NAF codes keep
        their leading zeros; the spreadsheet has French headers, filters and a frozen
        header). Units partially diffusible and natural persons are never listed
        (``ess.ess_directory``).

    Raises
    ------
    RessolError
        On invalid inputs or a destination inside ``reports/``; an existing directory is
        replaced only when the new one is complete.
    """
    diag = load(territory, str(paths.root), sirene)
    folder = directory_folder(paths, diag.territory.id, output)
    readable = readable_directory(diag.ess_directory, diag.establishments, diag.data.communes)
    listed = marked(readable, diag.synthetic)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}.en-cours"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        write_csv(listed, staging / "annuaire_ess.csv")
        write_directory_xlsx(listed, staging / "annuaire_ess.xlsx")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replace_folder(staging, folder)
    return folder
