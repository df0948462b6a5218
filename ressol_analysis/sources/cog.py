"""Readers of the official geography: COG communes, movements, départements, regions, EPCI."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from ..errors import RessolError
from .tables import check_unique, open_workbook, read_delimited, read_sheet, require_columns


def read_cog_communes(path: Path) -> pd.DataFrame:
    """Read INSEE's COG list of communes and keep current communes (``TYPECOM == 'COM'``).

    Parameters
    ----------
    path : Path
        ``cog_dgcl_communes.csv`` (comma-separated, UTF-8).

    Returns
    -------
    DataFrame
        Columns ``CODGEO``, ``LIBELLE``, ``DEP``, ``REG`` (strings), one row per commune.
    """
    table, _ = read_delimited(
        path, sep=",", code_columns=["TYPECOM", "COM", "REG", "DEP", "LIBELLE"]
    )
    communes = table.loc[table["TYPECOM"] == "COM", ["COM", "LIBELLE", "DEP", "REG"]]
    communes = communes.rename(columns={"COM": "CODGEO"}).reset_index(drop=True)
    check_unique(communes, "CODGEO", path)
    return communes


def read_arrondissements(path: Path) -> pd.DataFrame:
    """Read the municipal arrondissements of Paris, Lyon and Marseille from the COG list.

    Registers (SIRENE, URSSAF) code the establishments of these three cities by arrondissement
    (``75101``–``75120``, ``69381``–``69389``, ``13201``–``13216``); the COG lists them with
    ``TYPECOM == 'ARM'`` and the code of their commune in ``COMPARENT``.

    Parameters
    ----------
    path : Path
        ``cog_dgcl_communes.csv`` (comma-separated, UTF-8).

    Returns
    -------
    DataFrame
        Columns ``ARM`` (arrondissement code) and ``COMPARENT`` (its commune), strings.

    Raises
    ------
    RessolError
        If an arrondissement has no parent commune.
    """
    table, _ = read_delimited(path, sep=",", code_columns=["TYPECOM", "COM", "COMPARENT"])
    arm = table.loc[table["TYPECOM"] == "ARM", ["COM", "COMPARENT"]].rename(columns={"COM": "ARM"})
    orphans = arm.loc[arm["COMPARENT"].isna() | arm["COMPARENT"].eq(""), "ARM"]
    if not orphans.empty:
        raise RessolError(
            f"Dans {path}, arrondissement(s) municipal(aux) sans commune de rattachement "
            f"(colonne COMPARENT vide) : {', '.join(orphans.head(10))}. Restaurez le fichier "
            "officiel du COG."
        )
    check_unique(arm, "ARM", path)
    return arm.reset_index(drop=True)


def read_movements(path: Path) -> pd.DataFrame:
    """Read INSEE's table of commune movements.

    Parameters
    ----------
    path : Path
        ``cog_dgcl_mouvements-communes.csv`` (comma-separated, UTF-8).

    Returns
    -------
    DataFrame
        Columns ``MOD``, ``DATE_EFF``, ``TYPECOM_AV``, ``COM_AV``, ``LIBELLE_AV``,
        ``TYPECOM_AP``, ``COM_AP``, ``LIBELLE_AP`` (strings).
    """
    columns = ["MOD", "DATE_EFF", "TYPECOM_AV", "COM_AV", "LIBELLE_AV"]
    columns += ["TYPECOM_AP", "COM_AP", "LIBELLE_AP"]
    table, _ = read_delimited(path, sep=",", code_columns=columns)
    bad = ~table["DATE_EFF"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise RessolError(
            f"Dans {path}, colonne DATE_EFF, ligne {line} : date illisible "
            f"« {table.loc[bad, 'DATE_EFF'].iloc[0]} » (format attendu AAAA-MM-JJ). "
            "Restaurez le fichier officiel."
        )
    return table


def cog_year(movements: pd.DataFrame) -> int:
    """Vintage of a COG, read from its latest movement: COG N holds movements up to 1/1/N."""
    return int(movements["DATE_EFF"].max()[:4])


def read_departements(path: Path) -> pd.DataFrame:
    """Read the COG list of départements: ``DEP``, ``REG``, ``LIBELLE``."""
    table, _ = read_delimited(path, sep=",", code_columns=["DEP", "REG", "LIBELLE"])
    check_unique(table, "DEP", path)
    return table


def read_regions(path: Path) -> pd.DataFrame:
    """Read the COG list of regions: ``REG``, ``LIBELLE``."""
    table, _ = read_delimited(path, sep=",", code_columns=["REG", "LIBELLE"])
    check_unique(table, "REG", path)
    return table


EPCI_COLUMNS = ["siren", "raison_sociale", "nature_juridique", "insee", "nom_membre"]


def read_epci_composition(path: Path) -> tuple[pd.DataFrame, date]:
    """Read the DGCL composition of EPCI à fiscalité propre.

    Parameters
    ----------
    path : Path
        ``cog_dgcl_epcicom.xlsx`` with one sheet ``EpcicomYYYY``.

    Returns
    -------
    DataFrame
        Columns ``EPCI`` (SIREN, 9-character string), ``EPCI_NOM``, ``NATURE``,
        ``CODGEO``, ``NOM_MEMBRE``; one row per member commune.
    date
        Date of the perimeters (1 January of the sheet's year).

    Raises
    ------
    RessolError
        If the sheet or a column is missing, or a SIREN is not 9 digits.
    """
    book = open_workbook(path)
    sheets = [s for s in book.sheet_names if re.fullmatch(r"Epcicom\d{4}", s)]
    if not sheets:
        raise RessolError(
            f"Le classeur {path} n'a pas de feuille « EpcicomAAAA » (feuilles trouvées : "
            f"{', '.join(book.sheet_names)}). Fournissez le fichier de composition des EPCI "
            "publié par la DGCL."
        )
    sheet = sorted(sheets)[-1]
    table = read_sheet(book, sheet, "Restaurez le fichier officiel.")
    require_columns(path, list(table.columns), EPCI_COLUMNS)
    table = table[EPCI_COLUMNS].rename(
        columns={
            "siren": "EPCI",
            "raison_sociale": "EPCI_NOM",
            "nature_juridique": "NATURE",
            "insee": "CODGEO",
            "nom_membre": "NOM_MEMBRE",
        }
    )
    table = table.astype("string")
    bad = ~table["EPCI"].str.fullmatch(r"\d{9}").fillna(False)
    if bad.any():
        raise RessolError(
            f"Dans {path} (feuille {sheet}), colonne siren : valeur(s) qui ne sont pas des "
            f"SIREN à 9 chiffres ({', '.join(table.loc[bad, 'EPCI'].astype(str).head(5))}). "
            "Le fichier a peut-être été ouvert et réenregistré dans un tableur qui a supprimé "
            "des zéros : restaurez le fichier officiel."
        )
    return table, date(int(sheet[-4:]), 1, 1)
