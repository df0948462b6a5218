"""What changed between two runs: compare two indicator CSV files of the tidy contract.

Both files have the columns ``territoire_code, territoire, indicateur, valeur, unite, source,
millesime`` (one line per area and indicator) and, since the marker was added to the contract,
``synthetique``; a file written before it is read from its source lines
(:func:`ressol_analysis.contract.is_synthetic`). :func:`compare_runs` lists the indicators whose
value changed, with both values, both vintages, the difference and whether each side is
synthetic, plus the indicators present in only one run; :func:`format_comparison` writes it in
French for the board and says which figures are demonstration data.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from .contract import (
    CORE_COLUMNS,
    SYNTHETIC_COLUMN,
    SYNTHETIC_YES,
    TIDY_COLUMNS,
    is_synthetic,
    synthetic_flag,
)
from .errors import RessolError, list_codes
from .files import check_workbook_path, write_atomic
from .formatting import number, signed_percent
from .indicator_labels import label_or_key
from .sources.tables import check_separator, require_columns
from .workbook import PERCENT, fit_rows, unit_format, write_table

CONTRACT_COLUMNS = TIDY_COLUMNS
KEY = ["territoire_code", "indicateur"]
COMPARISON_COLUMNS = [
    "territoire_code",
    "territoire",
    "indicateur",
    "libelle",
    "unite",
    "statut",
    "valeur_a",
    "valeur_b",
    "difference",
    "evolution_pct",
    "millesime_a",
    "millesime_b",
    "synthetique_a",
    "synthetique_b",
]
STATUS_ORDER = {
    "zone ajoutée": 0,
    "zone retirée": 1,
    "modifié": 2,
    "millésime seul": 3,
    "ajouté": 4,
    "retiré": 5,
}
ZONE_STATUSES = ("zone ajoutée", "zone retirée")
# Units of shares in percent: their change is read in points, never as a percent of a percent.
SHARE_UNITS = ("%", "% par an")
# Values written by two runs of the same code differ only beyond this relative precision.
RELATIVE_TOLERANCE = 1e-9


def read_indicators(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read an indicator CSV of the tidy contract, checking columns, keys and values.

    Parameters
    ----------
    path : path
        ``indicateurs.csv`` of a run (UTF-8, comma-separated, point decimal).

    Returns
    -------
    DataFrame
        The contract columns, codes and texts as strings, ``valeur`` as floats (empty cells
        missing); ``synthetique`` (``oui``/``non``) is derived from the source lines when the
        file predates the marker column.

    Raises
    ------
    RessolError
        If the file is missing, lacks a contract column, repeats an area × indicator pair, or
        has a non-numeric value (the line is named).
    """
    path = Path(path)
    if not path.is_file():
        raise RessolError(
            f"Fichier d'indicateurs introuvable : {path}. Indiquez le fichier indicateurs.csv "
            "d'un rapport (dossier reports/…) ou celui écrit par « ressol indicators »."
        )
    resaved = (
        "Utilisez le fichier indicateurs.csv produit par ressol (UTF-8, séparé par des "
        "virgules, point décimal), pas une copie réenregistrée par un tableur."
    )
    with path.open(encoding="utf-8", errors="replace") as handle:
        check_separator(path, handle.readline(), ",", advice=resaved)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        raise RessolError(f"Le fichier {path} n'est pas encodé en UTF-8. {resaved}") from None
    except pd.errors.ParserError as exc:
        raise RessolError(
            f"Le fichier {path} n'est pas un CSV d'indicateurs lisible ({exc}). Utilisez le "
            "fichier indicateurs.csv produit par ressol, sans l'avoir réenregistré."
        ) from None
    require_columns(path, list(table.columns), CORE_COLUMNS)
    if SYNTHETIC_COLUMN not in table.columns:
        table[SYNTHETIC_COLUMN] = is_synthetic(table).map(synthetic_flag)
    table = table[CONTRACT_COLUMNS].copy()
    twice = table.duplicated(KEY, keep=False)
    if twice.any():
        pairs = table.loc[twice, KEY].astype(str).agg(" · ".join, axis=1)
        raise RessolError(
            f"Dans {path}, couple(s) zone · indicateur présent(s) plusieurs fois "
            f"({list_codes(pairs, limit=5)}). Chaque indicateur doit figurer une fois par "
            "zone : utilisez le fichier produit par ressol."
        )
    text = table["valeur"].str.strip().replace("", None)
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.notna()
    if bad.any():
        lines = (bad.to_numpy().nonzero()[0][:5] + 2).tolist()
        raise RessolError(
            f"Dans {path}, colonne valeur, ligne(s) {', '.join(map(str, lines))} : valeur(s) "
            f"non numérique(s) ({list_codes(table.loc[bad, 'valeur'].head(5))}). Le fichier "
            "doit garder le point décimal et aucune mise en forme."
        )
    return table.assign(valeur=values.astype("float64"))


def _differs(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) != math.isnan(b)
    return abs(a - b) > RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b))


def compare_runs(csv_a: str | os.PathLike[str], csv_b: str | os.PathLike[str]) -> pd.DataFrame:
    """List the indicators that differ between two runs.

    Parameters
    ----------
    csv_a, csv_b : path
        Indicator CSV files of the earlier run (A) and of the later run (B).

    Returns
    -------
    DataFrame
        One row per area × indicator that changed, columns ``territoire_code``,
        ``territoire``, ``indicateur``, ``libelle`` (French label), ``unite``, ``statut``
        (``modifié``: the value changed; ``millésime seul``: same value, other vintage;
        ``ajouté``: only in B; ``retiré``: only in A; ``zone ajoutée`` / ``zone retirée``:
        the whole area is only in B / only in A), ``valeur_a``, ``valeur_b``,
        ``difference`` (B − A), ``evolution_pct`` (100 × (B − A) / |A|, empty for a share
        in percent, whose change is read in points, or when A is zero or missing),
        ``millesime_a``, ``millesime_b``, ``synthetique_a``, ``synthetique_b`` (``oui`` when
        that side is built from the synthetic demonstration extract). Sorted by area (the
        territory first, then the areas in B's order, then those only in A), status and
        indicator (in the files' order). Empty when the runs agree. ``attrs["avertissements"]``
        lists French warnings (runs of different territories).

    Raises
    ------
    RessolError
        If either file is not a valid indicator CSV (see :func:`read_indicators`).
    """
    return compare_tables(read_indicators(csv_a), read_indicators(csv_b))


def territory_of(table: pd.DataFrame) -> str:
    """The id of the territory of a run: its first area (the contract writes it first)."""
    return str(table["territoire_code"].iloc[0]) if len(table) else ""


def territory_warning(a: pd.DataFrame, b: pd.DataFrame) -> str | None:
    """A French warning when two indicator tables are not of the same territory."""
    first_a, first_b = territory_of(a), territory_of(b)
    if first_a == first_b or not first_a or not first_b:
        return None
    name = dict(zip(b["territoire_code"], b["territoire"], strict=False))
    name |= dict(zip(a["territoire_code"], a["territoire"], strict=False))
    return (
        f"Les deux rapports ne portent pas sur le même territoire (A : {name[first_a]}, "
        f"{first_a} ; B : {name[first_b]}, {first_b}). Seules les zones présentes dans les "
        "deux se comparent ; vérifiez que vous avez choisi les bons dossiers."
    )


def compare_tables(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """:func:`compare_runs` on two tables already read by :func:`read_indicators`."""
    both = a.merge(b, on=KEY, how="outer", suffixes=("_a", "_b"), indicator=True)
    status = pd.Series("", index=both.index, dtype="string")
    status[both["_merge"] == "right_only"] = "ajouté"
    status[both["_merge"] == "left_only"] = "retiré"
    status[~both["territoire_code"].isin(a["territoire_code"])] = "zone ajoutée"
    status[~both["territoire_code"].isin(b["territoire_code"])] = "zone retirée"
    matched = both["_merge"] == "both"
    value_changed = [
        _differs(x, y) for x, y in zip(both["valeur_a"], both["valeur_b"], strict=True)
    ]
    value_changed = pd.Series(value_changed, index=both.index) & matched
    vintage_changed = matched & (both["millesime_a"] != both["millesime_b"])
    status[vintage_changed & ~value_changed] = "millésime seul"
    status[value_changed] = "modifié"
    unit = both["unite_b"].fillna(both["unite_a"])
    difference = both["valeur_b"] - both["valeur_a"]
    base = both["valeur_a"].abs()
    relative = (100 * difference / base).where((base > 0) & ~unit.isin(SHARE_UNITS))
    result = pd.DataFrame(
        {
            "territoire_code": both["territoire_code"],
            "territoire": both["territoire_b"].fillna(both["territoire_a"]),
            "indicateur": both["indicateur"],
            "libelle": both["indicateur"].map(label_or_key),
            "unite": unit,
            "statut": status,
            "valeur_a": both["valeur_a"],
            "valeur_b": both["valeur_b"],
            "difference": difference,
            "evolution_pct": relative,
            "millesime_a": both["millesime_a"],
            "millesime_b": both["millesime_b"],
            "synthetique_a": both["synthetique_a"],
            "synthetique_b": both["synthetique_b"],
        }
    )
    result = result[result["statut"] != ""]
    zones = _order(b["territoire_code"], a["territoire_code"], first=territory_of(b))
    keys = _order(b["indicateur"], a["indicateur"])
    result = result.assign(
        _zone=result["territoire_code"].map(zones),
        _statut=result["statut"].map(STATUS_ORDER),
        _cle=result["indicateur"].map(keys),
    ).sort_values(["_zone", "_statut", "_cle"], kind="stable")
    result = result.drop(columns=["_zone", "_statut", "_cle"]).reset_index(drop=True)
    result = result[COMPARISON_COLUMNS]
    warning = territory_warning(a, b)
    result.attrs["avertissements"] = [warning] if warning else []
    return result


def _order(later: pd.Series, earlier: pd.Series, first: str | None = None) -> dict[str, int]:
    """Position of each value: ``first``, then ``later``'s order, then ``earlier``'s."""
    values = [first] if first else []
    values += [*dict.fromkeys(later.astype(str)), *dict.fromkeys(earlier.astype(str))]
    return {value: index for index, value in enumerate(dict.fromkeys(values))}


def _value(value: float, unit: str) -> str:
    decimals = 0 if not math.isnan(value) and float(value).is_integer() else 1
    text = number(value, decimals)
    return f"{text} {unit}" if unit and unit != "nan" and text != "n.d." else text


def _demo(row: dict, side: str) -> str:
    return " [démonstration]" if row[f"synthetique_{side}"] == SYNTHETIC_YES else ""


def _gap(row: dict) -> str:
    """``écart +450 (+0,5 %)``, or ``écart −0,3 point`` for a share in percent."""
    difference = float(row["difference"])
    sign = "+" if difference > 0 else ""
    if math.isnan(difference):
        return "écart non calculable"
    if row["unite"] in SHARE_UNITS:
        points = number(difference, 1 if abs(difference) >= 0.05 else 2)
        return f"écart {sign}{points} point{'s' if abs(difference) >= 2 else ''}"
    gap = number(difference, 0 if difference.is_integer() else 1)
    relative = row["evolution_pct"]
    if relative is None or math.isnan(relative):
        return f"écart {sign}{gap}"
    return f"écart {sign}{gap} ({signed_percent(relative, 1)})"


def zone_rows(comparison: pd.DataFrame) -> pd.DataFrame:
    """One row per area present in one run only, with its number of indicators.

    Returns
    -------
    DataFrame
        ``territoire_code``, ``territoire``, ``statut`` (``zone ajoutée``, ``zone
        retirée``), ``indicateurs`` (count), in the comparison's order.
    """
    zones = comparison[comparison["statut"].isin(ZONE_STATUSES)]
    return (
        zones.groupby(["territoire_code", "territoire", "statut"], sort=False)
        .size()
        .rename("indicateurs")
        .reset_index()
    )


def format_comparison(comparison: pd.DataFrame, name_a: str = "A", name_b: str = "B") -> str:
    """French text of :func:`compare_runs` for the terminal or a report page.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`compare_runs`.
    name_a, name_b : str
        How to call the two runs (folder or file names).

    Returns
    -------
    str
        The warnings, a summary line, then one line per changed, added or removed indicator
        (French label; the change in value and in percent, or in points for a share) and one
        line per area present in one run only; a value built from the synthetic
        demonstration extract is followed by « [démonstration] ».
    """
    warnings = [f"Attention : {w}" for w in comparison.attrs.get("avertissements", [])]
    if comparison.empty:
        return (
            "\n".join([*warnings, f"Aucun indicateur ne change entre {name_a} et {name_b}."]) + "\n"
        )
    counts = comparison["statut"].value_counts()
    zones = zone_rows(comparison)
    added_zones = int((zones["statut"] == "zone ajoutée").sum())
    removed_zones = int((zones["statut"] == "zone retirée").sum())
    summary = (
        f"Entre {name_a} et {name_b} : {counts.get('modifié', 0)} valeur(s) modifiée(s), "
        f"{counts.get('millésime seul', 0)} changement(s) de millésime sans changement de "
        f"valeur, {counts.get('ajouté', 0)} indicateur(s) ajouté(s), "
        f"{counts.get('retiré', 0)} retiré(s)"
    )
    if added_zones or removed_zones:
        summary += f", {added_zones} zone(s) ajoutée(s), {removed_zones} zone(s) retirée(s)"
    lines = [*warnings, summary + "."]
    for zone in zones.to_dict("records"):
        sign, what = ("+", f"nouvelle dans {name_b}")
        if zone["statut"] == "zone retirée":
            sign, what = ("−", f"absente de {name_b}")
        lines.append(
            f"{sign} Zone {zone['territoire']} ({zone['territoire_code']}) : {what} "
            f"({zone['indicateurs']} indicateurs)"
        )
    rows = comparison[~comparison["statut"].isin(ZONE_STATUSES)]
    for row in rows.fillna({"unite": ""}).to_dict("records"):
        unit = str(row["unite"])
        where = f"{row['territoire']} ({row['territoire_code']}) · {row['libelle']}"
        before = f"{_value(row['valeur_a'], unit)} ({row['millesime_a']}){_demo(row, 'a')}"
        after = f"{_value(row['valeur_b'], unit)} ({row['millesime_b']}){_demo(row, 'b')}"
        if row["statut"] == "ajouté":
            lines.append(f"+ {where} : {after} — nouveau dans {name_b}")
        elif row["statut"] == "retiré":
            lines.append(f"− {where} : {before} — absent de {name_b}")
        elif row["statut"] == "millésime seul":
            lines.append(f"~ {where} : {before} → {after}, même valeur")
        else:
            lines.append(f"~ {where} : {before} → {after}, {_gap(row)}")
    return "\n".join(lines) + "\n"


# Columns of the comparison workbook: column of compare_runs → header read in Excel.
SHEET_COLUMNS = {
    "territoire": "Zone",
    "territoire_code": "Code de la zone",
    "libelle": "Indicateur",
    "unite": "Unité",
    "statut": "Changement",
    "valeur_a": "Valeur A",
    "valeur_b": "Valeur B",
    "difference": "Écart (B − A)",
    "evolution_pct": "Évolution (%)",
    "millesime_a": "Millésime A",
    "millesime_b": "Millésime B",
    "synthetique_a": "Démonstration A",
    "synthetique_b": "Démonstration B",
    "indicateur": "Clé",
}


def comparison_sheet(comparison: pd.DataFrame) -> pd.DataFrame:
    """The comparison as the workbook shows it: one row per area only in one run, French headers.

    Returns
    -------
    DataFrame
        Columns of :data:`SHEET_COLUMNS`; an area present in one run only is one row whose
        indicator reads « N indicateurs ».
    """
    zones = zone_rows(comparison).assign(
        libelle=lambda z: z["indicateurs"].map(lambda n: f"{n} indicateurs"),
    )
    rows = comparison[~comparison["statut"].isin(ZONE_STATUSES)]
    table = pd.concat([zones.drop(columns="indicateurs"), rows], ignore_index=True)
    table = table.reindex(columns=list(SHEET_COLUMNS))
    for column in ("valeur_a", "valeur_b", "difference", "evolution_pct"):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    return table.rename(columns=SHEET_COLUMNS)


def write_comparison_xlsx(
    comparison: pd.DataFrame, path: str | os.PathLike[str], name_a: str, name_b: str
) -> Path:
    """Write :func:`compare_runs` to an Excel workbook (sheet « Comparaison », then « Rapports »).

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`compare_runs`.
    path : path
        ``.xlsx`` file to write; replaced only when the new one is complete.
    name_a, name_b : str
        The two runs (folders or files), written on the sheet « Rapports ».

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    RessolError
        If the name does not end in ``.xlsx`` or its folder does not exist.
    """
    path = check_workbook_path(path, "La comparaison")
    table = comparison_sheet(comparison)
    book = Workbook()
    sheet = book.active
    sheet.title = "Comparaison"
    write_table(sheet, table, {"Évolution (%)": PERCENT}, wrap=["Indicateur"], freeze="C2")
    for row, unit in enumerate(table["Unité"], start=2):
        for column in (6, 7, 8):
            sheet.cell(row=row, column=column).number_format = unit_format(unit)
    sheet.column_dimensions["C"].width = 50
    fit_rows(sheet, table, ["Indicateur"])
    about = pd.DataFrame(
        {
            "Rapport": ["A (avant)", "B (après)"],
            "Dossier ou fichier": [name_a, name_b],
        }
    )
    notes = book.create_sheet("Rapports")
    write_table(notes, about)
    for offset, warning in enumerate(comparison.attrs.get("avertissements", []), start=4):
        notes.cell(row=offset, column=1, value=f"Attention : {warning}")
    return write_atomic(path, book.save, suffix=".xlsx")
