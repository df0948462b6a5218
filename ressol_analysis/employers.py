"""The employer test of SIRENE establishments: the register's flag, the band and its age.

An establishment is an employer when the register says so (``caractereEmployeurEtablissement
== 'O'``; the band decides where the flag is empty, and for files without the column: present
and not ``NN``), unless its band is more than :data:`BAND_MAX_AGE` years older than the most
recent band year of the file (a long-inactive unit) or its band code is unknown (employer status
and jobs unknown). The reasons for the threshold are in ``docs/methode_ess.md``. Pure functions;
:func:`ressol_analysis.ess.classify` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .sources.reference import bands_table

# A band more than this many years older than the file's most recent band year is stale.
BAND_MAX_AGE = 2
EMPLOYER_FLAG = "caractereEmployeurEtablissement"
BAND_YEAR = "anneeEffectifsEtablissement"


@dataclass(frozen=True)
class EmployerRule:
    """How the employer test reads one SIRENE file.

    Attributes
    ----------
    flag : bool
        The file has ``caractereEmployeurEtablissement``: it decides (``O`` = employer), the
        band deciding only where the flag is empty. Without the column, the band decides
        (present and not ``NN``).
    latest_year : int or None
        Most recent ``anneeEffectifsEtablissement`` of the whole file; ``None`` when the file
        has no band year (no band is then stale).
    max_age : int
        A band whose year is more than ``max_age`` years older than ``latest_year`` is stale:
        the establishment is not a current employer, whatever its flag.
    """

    flag: bool
    latest_year: int | None
    max_age: int = BAND_MAX_AGE

    @property
    def name(self) -> str:
        """``caractere_employeur`` or ``tranche`` (the rule used)."""
        return "caractere_employeur" if self.flag else "tranche"

    def describe(self) -> str:
        """The rule in one French sentence, for run messages and the method annex."""
        test = (
            "caractère employeur du répertoire (caractereEmployeurEtablissement = O ; la "
            "tranche d'effectifs décide quand il est vide)"
            if self.flag
            else "tranche d'effectifs renseignée et différente de NN (le fichier n'a pas de "
            "colonne caractereEmployeurEtablissement)"
        )
        if self.latest_year is None:
            age = "le fichier ne donne pas l'année des tranches"
        else:
            age = (
                f"une tranche de {self.latest_year - self.max_age - 1} ou avant (plus de "
                f"{self.max_age} ans avant {self.latest_year}, année de tranche la plus récente "
                "du fichier) ne compte pas comme employeur actuel"
            )
        return f"Règle employeur : {test} ; {age}."


def employer_rule(
    table: pd.DataFrame, latest_year: int | None = None, columns: list[str] | None = None
) -> EmployerRule:
    """The employer rule of a table of establishments (or of the file it was read from).

    Parameters
    ----------
    table : DataFrame
        Establishments.
    latest_year : int, optional
        Most recent band year of the whole file (``read_sirene(...).attrs
        ["annee_tranche_recente"]``); by default the latest year of ``table`` itself.
    columns : list of str, optional
        Columns of the file (``read_sirene(...).attrs["colonnes"]``); by default those of
        ``table``.

    Returns
    -------
    EmployerRule
        ``flag`` when the file has ``caractereEmployeurEtablissement``.
    """
    columns = list(table.columns) if columns is None else columns
    if latest_year is None and BAND_YEAR in table:
        years = pd.to_numeric(table[BAND_YEAR], errors="coerce")
        latest_year = None if years.isna().all() else int(years.max())
    return EmployerRule(flag=EMPLOYER_FLAG in columns, latest_year=latest_year)


def employer_status(table: pd.DataFrame, rule: EmployerRule) -> pd.DataFrame:
    """Employer test and job estimates of active establishments (pure).

    Parameters
    ----------
    table : DataFrame
        Active establishments: ``trancheEffectifsEtablissement`` and, when present,
        ``caractereEmployeurEtablissement`` and ``anneeEffectifsEtablissement``.
    rule : EmployerRule
        See :func:`employer_rule`.

    Returns
    -------
    DataFrame
        Same index; ``employeur`` (bool), ``effectif_bas``, ``effectif_central``,
        ``effectif_haut`` (floats; 0 for non-employers and for employers whose band is
        ``NN`` or empty), ``tranche_inconnue`` (band code absent from the band table: employer
        status and jobs unknown, never counted as employer) and ``tranche_ancienne`` (band
        year more than ``rule.max_age`` years before ``rule.latest_year``).
    """
    bands = bands_table().set_index("tranche")
    band = table["trancheEffectifsEtablissement"].astype("string")
    known = band.isin(bands.index).fillna(False).astype(bool)
    unknown = band.notna() & ~known
    by_band = band.map(bands["employeur"]).fillna(False).astype(bool)
    stale = pd.Series(False, index=table.index)
    if rule.latest_year is not None and BAND_YEAR in table:
        year = pd.to_numeric(table[BAND_YEAR], errors="coerce")
        stale = (year < rule.latest_year - rule.max_age).fillna(False).astype(bool)
    employer = by_band
    if rule.flag and EMPLOYER_FLAG in table:
        flag = table[EMPLOYER_FLAG].astype("string")
        employer = flag.eq("O").fillna(False).astype(bool).where(flag.notna(), by_band)
    employer = (employer & ~stale & ~unknown).astype(bool)
    result = pd.DataFrame({"employeur": employer}, index=table.index)
    for column in ("effectif_bas", "effectif_central", "effectif_haut"):
        jobs = band.map(bands[column]).astype("Float64").fillna(0.0).astype(float)
        result[column] = jobs.where(employer, 0.0)
    result["tranche_inconnue"] = unknown.astype(bool)
    result["tranche_ancienne"] = stale
    return result
