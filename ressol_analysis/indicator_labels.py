"""French labels of the indicator keys: what a reader of a spreadsheet sees instead of the key.

The labels are data (``reference/libelles_indicateurs.csv``, columns ``cle, libelle``). A key
may hold placeholders, filled from the key itself: ``{annee}`` (a year), ``{debut}`` and
``{fin}`` (the years of a period, as in ``taux_evolution_annuel_2016_2022``), ``{famille}``
(an ESS family of :data:`ressol_analysis.labels.FAMILY_LABELS`, written in the label with
its French name). An exact key wins over a pattern.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from .labels import FAMILY_LABELS

LABELS_FILE = Path(__file__).parent / "reference" / "libelles_indicateurs.csv"
_PLACES = {
    "annee": r"(?P<annee>\d{4})",
    "debut": r"(?P<debut>\d{4})",
    "fin": r"(?P<fin>\d{4})",
    "famille": "(?P<famille>" + "|".join(map(re.escape, FAMILY_LABELS)) + ")",
}


def _family_name(key: str) -> str:
    label = FAMILY_LABELS[key]
    return label[:1].lower() + label[1:]


@cache
def _table(path: Path = LABELS_FILE) -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern, str]] = []
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            key, label = row["cle"].strip(), row["libelle"].strip()
            if "{" not in key:
                exact[key] = label
                continue
            regex = re.escape(key)
            for name, place in _PLACES.items():
                regex = regex.replace(re.escape("{" + name + "}"), place)
            patterns.append((re.compile(regex), label))
    return exact, patterns


def indicator_label(key: str) -> str | None:
    """The French label of an indicator key, or ``None`` when the table has none.

    Parameters
    ----------
    key : str
        Indicator key of the tidy table (``part_ess_effectif_salarie_estime``).

    Returns
    -------
    str or None
        ``Part de l'ESS dans les emplois salariés estimés``; for a key with a year or a
        family, the label with it (``population_2016`` → ``Population municipale en 2016``).

    Examples
    --------
    >>> indicator_label("ess_etablissements_employeurs_cooperatives")
    "Établissements employeurs de l'ESS : coopératives"
    """
    exact, patterns = _table()
    if key in exact:
        return exact[key]
    for pattern, label in patterns:
        found = pattern.fullmatch(key)
        if found:
            parts = found.groupdict()
            if "famille" in parts:
                parts["famille"] = _family_name(parts["famille"])
            return label.format(**parts)
    return None


def unlabelled(keys: Iterable[str]) -> list[str]:
    """The keys among ``keys`` that have no label, sorted (for tests and checks)."""
    return sorted({key for key in keys if indicator_label(key) is None})


def label_or_key(key: str) -> str:
    """The label of ``key``, or the key itself for a key added without a label."""
    return indicator_label(key) or key


def listed_keys() -> list[str]:
    """The keys a diagnostic can have, as far as the table knows them without a run.

    Exact keys and the keys of each ESS family are listed, in the table's order; keys that
    carry census years (``population_2016``) depend on the data and are left out.
    """
    keys: list[str] = []
    with LABELS_FILE.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            key = row["cle"].strip()
            if "{" not in key:
                keys.append(key)
            elif re.findall(r"\{(\w+)\}", key) == ["famille"]:
                keys += [key.replace("{famille}", family) for family in FAMILY_LABELS]
    return keys
