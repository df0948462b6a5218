"""Reader and validator of a network's members file (``adherents``), CSV or XLSX.

The file is kept by the network, by hand: one row per member, with at least a ``nom`` column
and, when known, ``siret``, ``siren`` and ``commune`` (column names are read without regard to
case or accents; other columns such as contacts are ignored and never copied). Every code is
kept as a string. All the problems of the file are reported at once, each with its line number
as a spreadsheet shows it (the header is line 1), so that the consultant can fix them in one go.

SIRET and SIREN numbers carry a check digit (Luhn formula); La Poste's establishments (SIREN
``356000000``) are numbered with another rule, the sum of the fourteen digits being a multiple
of 5.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd

from ..errors import RessolError

MEMBER_COLUMNS = ("nom", "siret", "siren", "commune")
LA_POSTE_SIREN = "356000000"
SEPARATORS = (";", ",", "\t", "|")
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
MAX_LISTED_PROBLEMS = 30
# Spaces (also the no-break ones a spreadsheet inserts), dots and dashes people write in numbers.
NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f.\-]")
# A field no CSV of members contains: a one-column file is read without splitting.
NO_SEPARATOR = "\x1f"


def luhn_is_valid(digits: str) -> bool:
    """Whether a string of digits satisfies the Luhn check (SIREN and SIRET check digit).

    Parameters
    ----------
    digits : str
        Digits only.

    Returns
    -------
    bool
        True when, doubling every second digit from the right (minus 9 above 9), the sum of
        the digits is a multiple of 10.
    """
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def siren_is_valid(siren: str) -> bool:
    """Whether ``siren`` is nine digits with a valid Luhn check digit."""
    return bool(re.fullmatch(r"\d{9}", siren)) and luhn_is_valid(siren)


def siret_is_valid(siret: str) -> bool:
    """Whether ``siret`` is fourteen digits with a valid check digit.

    La Poste's establishments (SIREN ``356000000``) are accepted when the sum of their digits
    is a multiple of 5, INSEE's rule for them, or when they satisfy the Luhn check.

    Parameters
    ----------
    siret : str
        The number, digits only.

    Returns
    -------
    bool
    """
    if not re.fullmatch(r"\d{14}", siret):
        return False
    if luhn_is_valid(siret):
        return True
    return siret.startswith(LA_POSTE_SIREN) and sum(int(c) for c in siret) % 5 == 0


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip().lower()


def _words(text: str) -> str:
    return re.sub(r"[\W_]+", " ", _plain(text)).strip()


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RessolError(
            f"Le fichier des adhérents {path} n'est pas encodé en UTF-8 (caractère illisible "
            f"ligne {line}, sans doute un accent enregistré en Windows-1252 par Excel). "
            "Réenregistrez-le en UTF-8 : dans Excel, « Enregistrer sous » puis « CSV UTF-8 "
            "(délimité par des virgules) » ; dans LibreOffice, cochez « Éditer les paramètres "
            "du filtre » et choisissez le jeu de caractères « Unicode (UTF-8) »."
        ) from None


def _csv_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = _decode(path)
    header_line = text.splitlines()[0] if text.strip() else ""
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    separator = max(SEPARATORS, key=lambda s: counts[s]) if any(counts.values()) else NO_SEPARATOR
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    header = next(reader, [])
    rows = []
    start = reader.line_num + 1
    for fields in reader:
        rows.append((start, fields))
        start = reader.line_num + 1
    if separator != NO_SEPARATOR:
        too_long = [(line, len(f)) for line, f in rows if len(f) > len(header)]
        if too_long:
            line, n = too_long[0]
            raise RessolError(
                f"Le fichier des adhérents {path}, ligne {line}, a {n} champs pour "
                f"{len(header)} colonnes (séparateur « {separator} »). Un nom contient sans "
                f'doute ce séparateur : mettez ce nom entre guillemets ("…") ou '
                "réenregistrez le fichier depuis le tableur."
            )
    return header, rows


def _cell(value: object) -> str:
    """Text of a spreadsheet cell; a number is written without decimals or exponent."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        sheet = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise RessolError(
            f"Le fichier des adhérents {path} ne se lit pas comme un classeur Excel (.xlsx) : "
            f"{exc}. Réenregistrez-le depuis le tableur au format .xlsx, ou en CSV UTF-8."
        ) from None
    if sheet.empty:
        return [], []
    header = [_cell(v) for v in sheet.iloc[0]]
    rows = [(i + 1, [_cell(v) for v in sheet.iloc[i]]) for i in range(1, len(sheet))]
    return header, rows


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        key = _plain(name)
        if key in MEMBER_COLUMNS:
            if key in positions:
                raise RessolError(
                    f"Le fichier des adhérents {path} a deux colonnes « {key} » : gardez-en une."
                )
            positions[key] = position
    if "nom" not in positions:
        found = ", ".join(f"« {h} »" for h in header if h.strip()) or "aucune"
        raise RessolError(
            f"Le fichier des adhérents {path} n'a pas de colonne « nom » sur sa première ligne "
            f"(colonnes trouvées : {found}). Ajoutez une colonne nom (le nom de chaque "
            "adhérent) ; les colonnes siret, siren et commune sont facultatives."
        )
    return positions


def _number_problem(kind: str, value: str, digits: int) -> str:
    hint = ""
    if re.fullmatch(r"\d+", value) and len(value) < digits:
        hint = (
            " Un tableur a peut-être supprimé des zéros initiaux : mettez la colonne au "
            "format Texte et recopiez le numéro."
        )
    elif re.search(r"[eE][+]", value) or "," in value:
        hint = (
            " Le tableur l'a converti en nombre : mettez la colonne au format Texte et "
            "recopiez le numéro."
        )
    return f"{kind} « {value} » : {digits} chiffres attendus.{hint}"


def _check_row(row: dict[str, str]) -> list[str]:
    problems = []
    if not row["nom"]:
        problems.append("le nom est vide : indiquez le nom de l'adhérent (ou supprimez la ligne)")
    siret, siren = row["siret"], row["siren"]
    for kind, value, digits, valid in (
        ("SIRET", siret, 14, siret_is_valid),
        ("SIREN", siren, 9, siren_is_valid),
    ):
        if not value:
            continue
        if not re.fullmatch(rf"\d{{{digits}}}", value):
            problems.append(_number_problem(kind, value, digits))
        elif not valid(value):
            problems.append(
                f"{kind} « {value} » : la clé de contrôle (dernier chiffre) ne correspond pas, "
                "il y a sans doute une faute de frappe. Vérifiez le numéro sur "
                "annuaire-entreprises.data.gouv.fr."
            )
    if re.fullmatch(r"\d{14}", siret) and re.fullmatch(r"\d{9}", siren) and siret[:9] != siren:
        problems.append(
            f"le SIRET {siret} n'appartient pas au SIREN {siren} (ses 9 premiers chiffres "
            "diffèrent) : corrigez l'un des deux ou laissez le SIREN vide"
        )
    return problems


def _duplicates(table: pd.DataFrame) -> list[str]:
    """Lines that name the same member twice (same SIRET, same SIREN, same name and commune)."""
    problems = []
    no_siret = table["siret"].isna()
    no_id = no_siret & table["siren"].isna()
    keys = {
        "SIRET": table["siret"],
        "SIREN": table["siren"].where(no_siret),
        "nom et commune": (
            table["nom"].fillna("").map(_words) + " | " + table["commune"].fillna("").map(_words)
        ).where(no_id),
    }
    for label, key in keys.items():
        repeated = key[key.notna() & key.duplicated(keep=False)]
        for value, lines in table.loc[repeated.index, "ligne"].groupby(repeated, sort=True):
            shown = value.replace(" | ", ", ") if label == "nom et commune" else value
            listed = ", ".join(str(n) for n in lines)
            problems.append(
                f"lignes {listed} : même {label} ({shown}) — un adhérent ne doit figurer "
                "qu'une fois ; supprimez les doublons (plusieurs établissements d'un même "
                "adhérent : une ligne par SIRET, ou une seule ligne avec le SIREN)"
            )
    return problems


def read_members(path: str | Path) -> pd.DataFrame:
    """Read and validate a members file.

    Parameters
    ----------
    path : path
        CSV (UTF-8, separator ``;``, ``,``, tab or ``|`` detected from the header line) or
        XLSX (first sheet, header on the first row).

    Returns
    -------
    DataFrame
        Columns ``ligne`` (line number in the file, header = 1), ``nom``, ``siret``,
        ``siren``, ``commune`` (strings, missing when empty; numbers without spaces), one row
        per member; empty lines are skipped. ``attrs["fichier"]`` is the path as given.

    Raises
    ------
    RessolError
        On a missing file, an unsupported format, an encoding other than UTF-8, no ``nom``
        column, or — listed together with their line numbers — an empty name, a malformed
        SIRET or SIREN (length or check digit), a SIRET that does not belong to the SIREN of
        the same line, and members listed twice.
    """
    path = Path(path)
    if not path.is_file():
        raise RessolError(
            f"Fichier des adhérents introuvable : {path}. Indiquez le chemin d'un fichier CSV "
            "ou XLSX (voir adherents/exemple_adherents.csv et docs/reseau.md)."
        )
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        header, rows = _csv_rows(path)
    elif suffix in XLSX_SUFFIXES:
        header, rows = _xlsx_rows(path)
    else:
        raise RessolError(
            f"Le fichier des adhérents {path} n'est ni un CSV ni un classeur .xlsx. "
            "Enregistrez-le au format CSV UTF-8 ou .xlsx (Excel, LibreOffice)."
        )
    positions = _columns(path, header)
    records = []
    for line, fields in rows:
        if not any(f.strip() for f in fields):
            continue
        record = {"ligne": line}
        for column in MEMBER_COLUMNS:
            at = positions.get(column)
            value = fields[at].strip() if at is not None and at < len(fields) else ""
            if column in ("siret", "siren"):
                value = NUMBER_NOISE.sub("", value)
            record[column] = value
        records.append(record)
    problems = [f"ligne {r['ligne']} : {p}" for r in records for p in _check_row(r)]
    table = pd.DataFrame(records, columns=["ligne", *MEMBER_COLUMNS])
    table = table.astype({c: "string" for c in MEMBER_COLUMNS})
    table[list(MEMBER_COLUMNS)] = table[list(MEMBER_COLUMNS)].replace("", pd.NA)
    table["ligne"] = table["ligne"].astype(int)
    problems += _duplicates(table)
    if problems:
        shown = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(shown)
        tail = f"\n- … et {more} autre(s)" if more > 0 else ""
        raise RessolError(
            f"Le fichier des adhérents {path} a {len(problems)} problème(s) à corriger avant "
            "le rapprochement (rien n'a été écrit) :\n- " + "\n- ".join(shown) + tail
        )
    if table.empty:
        raise RessolError(
            f"Le fichier des adhérents {path} ne contient aucun adhérent (seulement la ligne "
            "d'en-tête). Ajoutez une ligne par adhérent."
        )
    table.attrs["fichier"] = str(path)
    return table.reset_index(drop=True)


__all__ = [
    "LA_POSTE_SIREN",
    "MEMBER_COLUMNS",
    "luhn_is_valid",
    "read_members",
    "siren_is_valid",
    "siret_is_valid",
]
