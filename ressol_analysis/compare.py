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

from .contract import (
    CORE_COLUMNS,
    SYNTHETIC_COLUMN,
    SYNTHETIC_YES,
    TIDY_COLUMNS,
    is_synthetic,
    synthetic_flag,
)
from .errors import RessolError, list_codes
from .formatting import number
from .sources.tables import check_separator, require_columns

CONTRACT_COLUMNS = TIDY_COLUMNS
KEY = ["territoire_code", "indicateur"]
COMPARISON_COLUMNS = [
    "territoire_code",
    "territoire",
    "indicateur",
    "unite",
    "statut",
    "valeur_a",
    "valeur_b",
    "difference",
    "millesime_a",
    "millesime_b",
    "synthetique_a",
    "synthetique_b",
]
STATUS_ORDER = {"modifié": 0, "millésime seul": 1, "ajouté": 2, "retiré": 3}
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
        ``territoire``, ``indicateur``, ``unite``, ``statut`` (``modifié``: the value
        changed; ``millésime seul``: same value, other vintage; ``ajouté``: only in B;
        ``retiré``: only in A), ``valeur_a``, ``valeur_b``, ``difference`` (B − A),
        ``millesime_a``, ``millesime_b``, ``synthetique_a``, ``synthetique_b`` (``oui`` when
        that side is built from the synthetic demonstration extract). Sorted by status, area
        and indicator. Empty when the runs agree.

    Raises
    ------
    RessolError
        If either file is not a valid indicator CSV (see :func:`read_indicators`).
    """
    a, b = read_indicators(csv_a), read_indicators(csv_b)
    both = a.merge(b, on=KEY, how="outer", suffixes=("_a", "_b"), indicator=True)
    status = pd.Series("", index=both.index, dtype="string")
    status[both["_merge"] == "right_only"] = "ajouté"
    status[both["_merge"] == "left_only"] = "retiré"
    matched = both["_merge"] == "both"
    value_changed = [
        _differs(x, y) for x, y in zip(both["valeur_a"], both["valeur_b"], strict=True)
    ]
    value_changed = pd.Series(value_changed, index=both.index) & matched
    vintage_changed = matched & (both["millesime_a"] != both["millesime_b"])
    status[vintage_changed & ~value_changed] = "millésime seul"
    status[value_changed] = "modifié"
    result = pd.DataFrame(
        {
            "territoire_code": both["territoire_code"],
            "territoire": both["territoire_b"].fillna(both["territoire_a"]),
            "indicateur": both["indicateur"],
            "unite": both["unite_b"].fillna(both["unite_a"]),
            "statut": status,
            "valeur_a": both["valeur_a"],
            "valeur_b": both["valeur_b"],
            "difference": both["valeur_b"] - both["valeur_a"],
            "millesime_a": both["millesime_a"],
            "millesime_b": both["millesime_b"],
            "synthetique_a": both["synthetique_a"],
            "synthetique_b": both["synthetique_b"],
        }
    )
    result = result[result["statut"] != ""]
    order = result["statut"].map(STATUS_ORDER)
    result = result.assign(_ordre=order).sort_values(["_ordre", "territoire_code", "indicateur"])
    return result.drop(columns="_ordre").reset_index(drop=True)[COMPARISON_COLUMNS]


def _value(value: float, unit: str) -> str:
    decimals = 0 if not math.isnan(value) and float(value).is_integer() else 1
    text = number(value, decimals)
    return f"{text} {unit}" if unit and unit != "nan" and text != "n.d." else text


def _demo(row: dict, side: str) -> str:
    return " [démonstration]" if row[f"synthetique_{side}"] == SYNTHETIC_YES else ""


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
        A summary line, then one line per changed, added or removed indicator; a value built
        from the synthetic demonstration extract is followed by « [démonstration] ».
    """
    counts = comparison["statut"].value_counts()
    if comparison.empty:
        return f"Aucun indicateur ne change entre {name_a} et {name_b}.\n"
    summary = (
        f"Entre {name_a} et {name_b} : {counts.get('modifié', 0)} valeur(s) modifiée(s), "
        f"{counts.get('millésime seul', 0)} changement(s) de millésime sans changement de "
        f"valeur, {counts.get('ajouté', 0)} indicateur(s) ajouté(s), "
        f"{counts.get('retiré', 0)} retiré(s)."
    )
    lines = [summary]
    for row in comparison.fillna({"unite": ""}).to_dict("records"):
        unit = str(row["unite"])
        where = f"{row['territoire']} ({row['territoire_code']}) · {row['indicateur']}"
        before = f"{_value(row['valeur_a'], unit)} ({row['millesime_a']}){_demo(row, 'a')}"
        after = f"{_value(row['valeur_b'], unit)} ({row['millesime_b']}){_demo(row, 'b')}"
        if row["statut"] == "ajouté":
            lines.append(f"+ {where} : {after} — nouveau dans {name_b}")
        elif row["statut"] == "retiré":
            lines.append(f"− {where} : {before} — absent de {name_b}")
        elif row["statut"] == "millésime seul":
            lines.append(f"~ {where} : {before} → {after}, même valeur")
        else:
            gap = number(row["difference"], 0 if float(row["difference"]).is_integer() else 1)
            sign = "+" if row["difference"] > 0 else ""
            lines.append(f"~ {where} : {before} → {after}, écart {sign}{gap}")
    return "\n".join(lines) + "\n"
