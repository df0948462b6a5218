"""URSSAF open data: employer establishments and salaried headcount by commune × APE.

Format of the national file ``etablissements-et-effectifs-salaries-au-niveau-commune-x-ape-last``
(open.urssaf.fr): ``;``-separated UTF-8 (with BOM), French headers, one line per commune × APE
code, then two columns per year, ``Nombre d'établissements YYYY`` and ``Effectifs salariés YYYY``
(values at 31 December). The years are read from the headers, never assumed.

Blank cells. A line exists as soon as the commune × APE pair had an establishment in one of the
years; in the other years both cells are blank — that means no establishment that year (the
sample shows one-establishment cells published with their headcount, so blank pairs are not a
secret rule). When the establishment count is given but the headcount is blank, the headcount
is secret: it is kept missing and counted in :class:`UrssafReport`, never read as zero.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import RessolError, list_codes
from .tables import check_complete_lines, require_columns

COMMUNE = "Code commune"
APE = "Code APE"
ESTABLISHMENTS = "Nombre d'établissements "
HEADCOUNT = "Effectifs salariés "
LONG_COLUMNS = ["CODGEO", "code_ape", "annee", "etablissements", "effectifs_salaries"]


@dataclass
class UrssafReport:
    """What the URSSAF reader noticed."""

    path: Path
    years: list[int] = field(default_factory=list)
    empty_years: int = 0
    secret_headcounts: dict[int, int] = field(default_factory=dict)

    @property
    def total_secret(self) -> int:
        """Number of secret headcount cells (establishments given, headcount blank)."""
        return sum(self.secret_headcounts.values())


def _text(path: Path) -> str:
    if not path.is_file():
        raise RessolError(
            f"Fichier Urssaf introuvable : {path}. Téléchargez le fichier « établissements et "
            "effectifs salariés au niveau commune x APE » sur open.urssaf.fr et indiquez son "
            "chemin."
        )
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise RessolError(
                f"Le fichier compressé {path} est incomplet ou endommagé ({exc}) : le "
                "téléchargement a sans doute été interrompu. Téléchargez-le à nouveau."
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RessolError(
            f"Le fichier {path} n'est pas encodé en UTF-8 comme le fichier publié par l'Urssaf. "
            "Il a sans doute été réenregistré (Excel…) : téléchargez-le à nouveau."
        ) from None


def detect_years(columns: list[str], path: Path) -> list[int]:
    """Return the years that have both an establishment and a headcount column.

    Parameters
    ----------
    columns : list of str
        Header of the file.
    path : Path
        File named in error messages.

    Returns
    -------
    list of int
        Sorted years.

    Raises
    ------
    RessolError
        If no year is found or a year has only one of its two columns.
    """
    by_prefix = {
        prefix: {c[len(prefix) :] for c in columns if c.startswith(prefix)}
        for prefix in (ESTABLISHMENTS, HEADCOUNT)
    }
    years = {y for found in by_prefix.values() for y in found if y.isdigit() and len(y) == 4}
    if not years:
        raise RessolError(
            f"Le fichier {path} n'a aucune colonne « {ESTABLISHMENTS}AAAA » / "
            f"« {HEADCOUNT}AAAA » : ce n'est pas le fichier Urssaf commune x APE attendu "
            "(séparateur « ; », en-têtes en français). Téléchargez-le à nouveau."
        )
    incomplete = [y for y in years if any(y not in found for found in by_prefix.values())]
    if incomplete:
        raise RessolError(
            f"Dans {path}, année(s) {list_codes(incomplete)} sans l'une des deux colonnes "
            f"« {ESTABLISHMENTS}AAAA » et « {HEADCOUNT}AAAA ». Le fichier est incomplet : "
            "téléchargez-le à nouveau."
        )
    return sorted(int(y) for y in years)


def _numbers(wide: pd.DataFrame, column: str, path: Path) -> pd.Series:
    values = wide[column]
    cleaned = values.str.strip().replace("", None).str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(cleaned, errors="coerce")
    bad = numbers.isna() & cleaned.notna()
    if bad.any():
        rows = (bad.to_numpy().nonzero()[0][:5] + 2).tolist()
        raise RessolError(
            f"Dans {path}, colonne « {column} », ligne(s) {', '.join(map(str, rows))} : "
            f"valeur(s) non numérique(s) ({list_codes(values[bad].head(5))}). Seuls les nombres "
            "et les cases vides sont attendus ; téléchargez à nouveau le fichier."
        )
    return numbers.astype("float64")


def read_urssaf_commune_ape(path: Path) -> tuple[pd.DataFrame, UrssafReport]:
    """Read the URSSAF commune × APE file into a long table.

    Parameters
    ----------
    path : Path
        The CSV file as published, plain or gzip-compressed.

    Returns
    -------
    DataFrame
        Columns ``CODGEO`` (commune code, string), ``code_ape`` (``8810A``, string), ``annee``
        (int), ``etablissements`` and ``effectifs_salaries`` (floats; headcount missing when
        secret). Years where the commune × APE pair had no establishment are not listed.
    UrssafReport
        Years found, number of empty (commune, APE, year) cells dropped, secret headcounts
        per year.

    Raises
    ------
    RessolError
        On a missing file, wrong encoding or separator, missing column, or a non-numeric cell.
    """
    text = _text(path)
    header = text.split("\n", 1)[0].rstrip("\r")
    if ";" not in header:
        raise RessolError(
            f"Le fichier {path} n'est pas séparé par « ; » comme le fichier publié par "
            "l'Urssaf. Téléchargez-le à nouveau sans le réenregistrer."
        )
    check_complete_lines(path, text, ";")
    wide = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    columns = list(wide.columns)
    require_columns(path, columns, [COMMUNE, APE])
    years = detect_years(columns, path)
    report = UrssafReport(path=path, years=years)
    parts = []
    for year in years:
        part = pd.DataFrame(
            {
                "CODGEO": wide[COMMUNE].str.strip(),
                "code_ape": wide[APE].str.strip(),
                "annee": year,
                "etablissements": _numbers(wide, f"{ESTABLISHMENTS}{year}", path),
                "effectifs_salaries": _numbers(wide, f"{HEADCOUNT}{year}", path),
            }
        )
        empty = part["etablissements"].isna() & part["effectifs_salaries"].isna()
        secret = part["etablissements"].notna() & part["effectifs_salaries"].isna()
        report.empty_years += int(empty.sum())
        if secret.any():
            report.secret_headcounts[year] = int(secret.sum())
        parts.append(part[~empty])
    table = pd.concat(parts, ignore_index=True)
    table["CODGEO"] = table["CODGEO"].astype("string")
    table["code_ape"] = table["code_ape"].astype("string")
    table["annee"] = table["annee"].astype("int64")
    return table[LONG_COLUMNS], report
