"""Completeness of the communal census files: every commune of their geography, no more.

INSEE's comparateur de territoires and dossier complet list the communes of the geography
they are published in. The census of year N is published in June N+3 on the geography of
1 January N+3 (RP 2022, comparateur and dossier complet 2025: géographie au 01/01/2025; this
is also what their manifest entries state). That geography is rebuilt from the COG of
``data/raw`` and its table of movements (:func:`ressol_analysis.geography.communes_at`).

Rule, checked by ``ressol data update`` before a new file is put in service and by
``ressol data build``: for every region the file covers (a national file covers them all; the
embedded extract covers Normandie), the communes of the file (lines with a census value) are
exactly the communes of that region on 1 January N+3. A file cut short, or an extract that
lost lines, misses communes: its regional totals would be wrong or empty, silently. A region
is the unit because the diagnostic compares every territory with its région: a file that
covers part of a region cannot give its figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import RessolError, list_codes
from .geography import communes_at

# Years between a census and the geography its communal files are published on.
CENSUS_GEOGRAPHY_LAG = 3


def census_geography(census_year: int) -> date:
    """Geography date of INSEE's communal files of a census (RP 2022 → 1 January 2025)."""
    return date(census_year + CENSUS_GEOGRAPHY_LAG, 1, 1)


def departement_of(codes: pd.Series) -> pd.Series:
    """Département of commune codes: two characters, three for overseas (``97…``)."""
    codes = codes.astype("string")
    return codes.str[:2].where(~codes.str.startswith("97"), codes.str[:3])


def check_census_coverage(
    path: Path,
    codes: Iterable[str],
    census_year: int,
    current: Iterable[str],
    movements: pd.DataFrame,
    departements: pd.DataFrame,
    cog_year: int,
) -> None:
    """Refuse a communal census file that lacks communes of a region it covers.

    Parameters
    ----------
    path : Path
        The file (named in the message).
    codes : iterable of str
        Its commune codes (lines with a census value; rows of former communes excluded).
    census_year : int
        Its census vintage (2022 for RP 2022).
    current : iterable of str
        Communes of the COG of ``data/raw``.
    movements : DataFrame
        Movements of that COG.
    departements : DataFrame
        ``DEP`` and ``REG`` of that COG.
    cog_year : int
        Vintage of that COG.

    Raises
    ------
    RessolError
        If the file's geography is more recent than the COG (the COG must be updated first),
        or if communes are missing or unknown at the file's geography date; the message
        names the file, the geography, the regions and the codes.
    """
    when = census_geography(census_year)
    if when.year > cog_year:
        raise RessolError(
            f"Le fichier {path} (RP {census_year}) est publié dans la géographie au "
            f"{when:%d/%m/%Y}, plus récente que le COG {cog_year} de data/raw : ses communes "
            "ne peuvent pas être vérifiées ni rattachées. Mettez d'abord à jour le COG (sources "
            "cog_communes et cog_mouvements, « ressol data update --source CLE FICHIER »), "
            "puis ce fichier."
        )
    found = pd.Series(sorted(set(codes)), dtype="string")
    expected_all = communes_at(current, movements, when)
    regions = departements.set_index("DEP")["REG"]
    covered = set(departement_of(found).map(regions).dropna())
    expected = expected_all[departement_of(expected_all).map(regions).isin(covered)]
    missing = sorted(set(expected) - set(found))
    unknown = sorted(set(found) - set(expected_all))
    if not missing and not unknown:
        return
    problems = []
    if missing:
        problems.append(
            f"{len(missing)} commune(s) de la/des région(s) {list_codes(covered)} manquent "
            f"({list_codes(missing, limit=10)})"
        )
    if unknown:
        problems.append(
            f"{len(unknown)} code(s) n'existent pas à cette date ({list_codes(unknown, limit=10)})"
        )
    advice = (
        "Le fichier a sans doute été coupé (téléchargement ou copie interrompus) ou filtré : "
        "téléchargez à nouveau le fichier officiel complet (la France entière, ou des régions "
        "entières)."
        if missing
        else "Le fichier n'est pas dans la géographie de son millésime : vérifiez qu'il s'agit "
        "bien de l'édition officielle annoncée par ses colonnes."
    )
    raise RessolError(
        f"Le fichier {path} ne couvre pas exactement les communes de la géographie de son "
        f"millésime (RP {census_year}, publié dans la géographie au {when:%d/%m/%Y}, "
        f"reconstituée avec le COG {cog_year} de data/raw) : {' ; '.join(problems)}. {advice}"
    )
