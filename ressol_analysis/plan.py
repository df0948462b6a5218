"""Action sheets validated and consolidated into a prioritised action plan.

:func:`build_plan` reads every sheet of a folder (:func:`ressol_analysis.plan_sheets.read_sheets`),
validates each against the strategic framework and the diagnostic's indicator keys, merges
sheets that carry the same title, ranks the actions and returns a :class:`Plan`, whose tables
feed the plan chapter (:mod:`ressol_analysis.plan_text`, :mod:`ressol_analysis.plan_charts`).

Priority rule: ``score_priorite = impact × faisabilite`` (1 to 25). Priority 1 from 15 up,
priority 2 from 8 to 14, priority 3 up to 7. Actions are ranked by score, then impact, then
start date, then title; ``numero`` is the rank.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import RessolError, list_codes
from .formatting import euros
from .indicator_labels import label_or_key
from .inputs import is_blank, normalise
from .plan_sheets import (
    BUDGET_FIELDS,
    BUDGET_SHEET,
    COMMUNE_CODE,
    EPCI_CODE,
    INDICATOR_FIELDS,
    LIST_KEYS,
    STATUSES,
    UNFUNDED,
    Framework,
    PlanWarning,
    RawSheet,
    load_framework,
    read_sheets,
    where,
)

# --------------------------------------------------------------------------- validation


def _text(raw: RawSheet, place: str, key: str, value: object, required: bool) -> str:
    if is_blank(value):
        if required:
            raise RessolError(
                f"{where(raw, place, key)} : ce champ est obligatoire et il "
                "est vide. Complétez la fiche."
            )
        return ""
    if isinstance(value, datetime | date | list | dict):
        kind = (
            f"une date ({value:%d/%m/%Y})"
            if isinstance(value, date)
            else "une liste"
            if isinstance(value, list)
            else "un ensemble de champs « clé: valeur »"
        )
        raise RessolError(
            f"{where(raw, place, key)} : un texte est attendu, le fichier donne {kind}. "
            "Écrivez un texte ; s'il commence comme une date ou contient « : », « [ » ou "
            "« { », mettez-le entre guillemets."
        )
    return " ".join(str(value).split()) if key == "titre" else str(value).strip()


def _list(raw: RawSheet, place: str, key: str, value: object) -> tuple[str, ...]:
    if is_blank(value):
        return ()
    if isinstance(value, list):
        items = value
    elif isinstance(value, str):
        items = re.split(r"[;\n]", value)
    else:
        items = [value]
    numbers = [v for v in items if isinstance(v, int | float) and not isinstance(v, bool)]
    if numbers and key == "territoire":
        raise RessolError(
            f"{where(raw, place, key)} : le code {numbers[0]} est écrit comme "
            'un nombre. Écrivez les codes entre guillemets ("50502") ou dans une '
            "cellule au format texte, pour ne pas perdre de zéro."
        )
    return tuple(dict.fromkeys(str(v).strip() for v in items if not is_blank(v)))


# Action dates outside these years are typing slips (a year alone typed into a date cell
# becomes a day of 1905 in a spreadsheet), not plans.
PLAUSIBLE_YEARS = (2000, 2100)


def _date(raw: RawSheet, place: str, key: str, value: object) -> date:
    if is_blank(value):
        raise RessolError(f"{where(raw, place, key)} : la date est obligatoire (JJ/MM/AAAA).")
    if isinstance(value, datetime):
        found = value.date()
    elif isinstance(value, date):
        found = value
    else:
        text = str(value).strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                found = datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
        else:
            raise RessolError(
                f"{where(raw, place, key)} : « {text} » n'est pas une date. Écrivez-la "
                "JJ/MM/AAAA (01/09/2026) ou AAAA-MM-JJ."
            )
    low, high = PLAUSIBLE_YEARS
    if not low <= found.year <= high:
        slip = (
            " Une année seule (2026) tapée dans une cellule de date devient un jour de 1905."
            if found.year < low
            else ""
        )
        raise RessolError(
            f"{where(raw, place, key)} : la date lue est le {found:%d/%m/%Y}, hors des années "
            f"{low}-{high}.{slip} Écrivez la date complète, JJ/MM/AAAA (01/09/2026)."
        )
    return found


# What to write instead, per numeric field: a score is not an amount.
NUMBER_ADVICE = {
    "impact": "Donnez une note entière de 1 (faible) à 5 (fort), en chiffres.",
    "faisabilite": "Donnez une note entière de 1 (faible) à 5 (fort), en chiffres.",
    "annee": "Écrivez l'année de la dépense sur quatre chiffres (2026).",
    "cible": "Écrivez la valeur cible en chiffres (12 ou 12,5), sans unité.",
}
AMOUNT_ADVICE = "Écrivez un montant en chiffres (1500 ou 1 500,50)."


def _number(raw: RawSheet, place: str, key: str, value: object) -> float:
    advice = NUMBER_ADVICE.get(key, AMOUNT_ADVICE)
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f€]", "", str(value)).replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise RessolError(
                f"{where(raw, place, key)} : « {value} » n'est pas un nombre. {advice}"
            ) from None
    if not math.isfinite(number):
        typed = value if isinstance(value, str) else {True: ".inf", False: "-.inf"}[number > 0]
        raise RessolError(
            f"{where(raw, place, key)} : « {typed} » se lit comme l'infini, pas comme un "
            f"nombre (en YAML, « .inf » veut dire l'infini). {advice}"
        )
    return number


def _score(raw: RawSheet, place: str, key: str, value: object) -> int:
    if is_blank(value):
        raise RessolError(f"{where(raw, place, key)} : la note est obligatoire (entier de 1 à 5).")
    number = _number(raw, place, key, value)
    if number != int(number) or not 1 <= number <= 5:
        raise RessolError(
            f"{where(raw, place, key)} : la note {value} est hors de l'échelle. "
            "Donnez un entier de 1 (faible) à 5 (fort)."
        )
    return int(number)


def _year(raw: RawSheet, place: str, key: str, value: object) -> int:
    number = None if is_blank(value) else _number(raw, place, key, value)
    if number is None or number != int(number) or not 1900 < number < 2200:
        raise RessolError(
            f"{where(raw, place, key)} : « {value} » n'est pas une année. "
            "Écrivez l'année de la dépense sur quatre chiffres (2026)."
        )
    return int(number)


def _match(framework: Framework, text: str, level: str) -> pd.Series | None:
    code, title = f"{level}_code", level
    wanted = normalise(text)
    for _, row in framework.table.drop_duplicates(code).iterrows():
        options = {
            normalise(row[code]),
            normalise(row[title]),
            normalise(f"{row[code]} {row[title]}"),
        }
        if wanted in options:
            return row
    return None


def _axis(raw: RawSheet, framework: Framework) -> tuple[str, str, str, str]:
    axis_text = _text(raw, raw.place, "axe", raw.values.get("axe"), True)
    axis = _match(framework, axis_text, "axe")
    if axis is None:
        raise RessolError(
            f"{where(raw, raw.place, 'axe')} : l'axe « {axis_text} » n'existe pas dans le "
            f"cadre « {framework.name} ». Axes possibles : "
            f"{' ; '.join(framework.axis_choices())}."
        )
    text = _text(raw, raw.place, "orientation", raw.values.get("orientation"), True)
    own = Framework(
        framework.name,
        framework.source,
        framework.table[framework.table["axe_code"] == axis["axe_code"]],
    )
    orientation = _match(own, text, "orientation")
    if orientation is None:
        raise RessolError(
            f"{where(raw, raw.place, 'orientation')} : l'orientation « {text} » n'appartient "
            f"pas à l'axe « {axis['axe_code']} — {axis['axe']} ». Orientations de cet axe : "
            f"{' ; '.join(own.orientation_choices())}."
        )
    return (
        axis["axe_code"],
        axis["axe"],
        orientation["orientation_code"],
        orientation["orientation"],
    )


def _status(raw: RawSheet, value: object) -> str:
    text = _text(raw, raw.place, "statut", value, True)
    for status in STATUSES:
        if normalise(status) == normalise(text):
            return status
    raise RessolError(
        f"{where(raw, raw.place, 'statut')} : statut « {text} » inconnu. "
        f"Statuts possibles : {', '.join(STATUSES)}."
    )


def _territory(
    raw: RawSheet, value: object, known_areas: Collection[str] | None
) -> tuple[str, ...]:
    codes = _list(raw, raw.place, "territoire", value)
    wrong = [c for c in codes if not (COMMUNE_CODE.fullmatch(c) or EPCI_CODE.fullmatch(c))]
    unknown = [c for c in codes if known_areas is not None and c not in known_areas]
    if wrong or unknown:
        raise RessolError(
            f"{where(raw, raw.place, 'territoire')} : code(s) non reconnu(s) "
            f"{list_codes(wrong or unknown)}. Donnez les codes Insee des communes (5 caractères, "
            "par exemple 50502) ou le SIREN des EPCI (9 chiffres, par exemple 200066389), "
            "séparés par des points-virgules ; laissez vide pour tout le territoire."
        )
    return codes


def _budget(
    raw: RawSheet, start: date, end: date, funders: tuple[str, ...], stated: float | None
) -> list[dict[str, Any]]:
    labels = {f.key: f.label for f in BUDGET_FIELDS} if raw.path.suffix == ".xlsx" else {}
    lines = []
    for place, values in raw.budget:
        line_raw = RawSheet(raw.path, place, values, labels or {k: k for k in values})
        year = _year(line_raw, place, "annee", values.get("annee"))
        if not start.year <= year <= end.year:
            raise RessolError(
                f"{where(line_raw, place, 'annee')} : la dépense de {year} tombe hors de la "
                f"période de l'action ({start.year}-{end.year}). Corrigez l'année ou les dates "
                "de la fiche."
            )
        amount = (
            _number(line_raw, place, "montant", values.get("montant"))
            if not is_blank(values.get("montant"))
            else None
        )
        if amount is None or amount <= 0:
            raise RessolError(
                f"{where(line_raw, place, 'montant')} : le montant doit être un "
                "nombre positif, en euros."
            )
        funder = _text(line_raw, place, "financeur", values.get("financeur"), False)
        if funder and funders and normalise(funder) not in {normalise(f) for f in funders}:
            raise RessolError(
                f"{where(line_raw, place, 'financeur')} : « {funder} » n'est pas parmi les "
                f"financeurs de la fiche ({' ; '.join(funders)}). Corrigez l'orthographe ou "
                "ajoutez-le aux financeurs de la fiche."
            )
        if funder and funders:
            funder = next(f for f in funders if normalise(f) == normalise(funder))
        lines.append(
            {
                "annee": year,
                "poste": _text(line_raw, place, "poste", values.get("poste"), True),
                "montant": amount,
                "financeur": funder or UNFUNDED,
            }
        )
    total = sum(line["montant"] for line in lines)
    if stated is not None and not math.isclose(total, stated, abs_tol=0.005):
        raise RessolError(
            f"{where(raw, raw.place, 'budget_total')} : le budget total "
            f"({euros(stated)}) n'est pas égal à la somme des lignes budgétaires "
            f"({euros(total)}, {len(lines)} ligne(s)). Corrigez le total ou les lignes "
            f"(feuille « {BUDGET_SHEET} » ou « lignes_budgetaires »)."
        )
    return lines


def _indicators(raw: RawSheet, known: Collection[str]) -> list[dict[str, Any]]:
    labels = {f.key: f.label for f in INDICATOR_FIELDS} if raw.path.suffix == ".xlsx" else {}
    found = []
    # The template offers the indicators by their French label: read it back as its key.
    by_label = {normalise(label_or_key(k)): k for k in known}
    for place, values in raw.indicators:
        item_raw = RawSheet(raw.path, place, values, labels or {k: k for k in values})
        key = _text(item_raw, place, "indicateur", values.get("indicateur"), True)
        key = key if key in known else by_label.get(normalise(key), key)
        if key not in known:
            near = [k for k in sorted(known) if normalise(key)[:6] in normalise(k)][:8]
            hint = f" Clés proches : {', '.join(near)}." if near else ""
            raise RessolError(
                f"{where(item_raw, place, 'indicateur')} : l'indicateur « {key} » n'existe pas "
                f"dans le diagnostic.{hint} Prenez une clé du fichier indicateurs.csv du "
                "rapport (liste dans docs/indicateurs.md)."
            )
        target = values.get("cible")
        found.append(
            {
                "indicateur": key,
                "cible": None if is_blank(target) else _number(item_raw, place, "cible", target),
                "commentaire": _text(
                    item_raw, place, "commentaire", values.get("commentaire"), False
                ),
            }
        )
    return found


def _validate(
    raw: RawSheet,
    known_indicators: Collection[str],
    framework: Framework,
    known_areas: Collection[str] | None = None,
) -> dict[str, Any]:
    """Check one action sheet and return its fields in canonical form.

    Parameters
    ----------
    raw : RawSheet
        The sheet.
    known_indicators : collection of str
        Indicator keys of the diagnostic.
    framework : Framework
        Axes and orientations.
    known_areas : collection of str, optional
        Commune codes and EPCI SIRENs accepted in ``territoire`` (only the format is checked
        when omitted).

    Returns
    -------
    dict
        Canonical fields, plus ``lignes_budgetaires`` and ``indicateurs`` lists.

    Raises
    ------
    RessolError
        Naming file, sheet (or sheet number) and field: missing title or required field,
        unknown axis or orientation, end before start, unknown indicator key, budget lines
        that do not add up to the stated total, score outside 1–5, unknown status.
    """
    values = raw.values
    title = _text(raw, raw.place, "titre", values.get("titre"), True)
    named = f"{raw.place} (« {title} »)"
    raw.budget = [(p.replace(raw.place, named, 1), v) for p, v in raw.budget]
    raw.indicators = [(p.replace(raw.place, named, 1), v) for p, v in raw.indicators]
    raw.place = named
    axe_code, axe, orientation_code, orientation = _axis(raw, framework)
    start = _date(raw, raw.place, "debut", values.get("debut"))
    end = _date(raw, raw.place, "fin", values.get("fin"))
    if end < start:
        raise RessolError(
            f"{where(raw, raw.place, 'fin')} : la date de fin ({end:%d/%m/%Y}) précède la date "
            f"de début ({start:%d/%m/%Y}). Corrigez l'une des deux dates."
        )
    funders = _list(raw, raw.place, "financeurs", values.get("financeurs"))
    stated = values.get("budget_total")
    stated = None if is_blank(stated) else _number(raw, raw.place, "budget_total", stated)
    lines = _budget(raw, start, end, funders, stated)
    contributor = values.get("contributeur")
    sheet = {
        "titre": title,
        "contributeur": _list(raw, raw.place, "contributeur", contributor) or (raw.path.stem,),
        "axe_code": axe_code,
        "axe": axe,
        "orientation_code": orientation_code,
        "orientation": orientation,
        "objectif": _text(raw, raw.place, "objectif", values.get("objectif"), True),
        "description": _text(raw, raw.place, "description", values.get("description"), False),
        "pilote": _text(raw, raw.place, "pilote", values.get("pilote"), True),
        "partenaires": _list(raw, raw.place, "partenaires", values.get("partenaires")),
        "publics": _list(raw, raw.place, "publics", values.get("publics")),
        "territoire": _territory(raw, values.get("territoire"), known_areas),
        "debut": start,
        "fin": end,
        "budget_total": sum(line["montant"] for line in lines),
        "financeurs": funders
        or tuple(
            dict.fromkeys(line["financeur"] for line in lines if line["financeur"] != UNFUNDED)
        ),
        "resultats_attendus": _list(
            raw, raw.place, "resultats_attendus", values.get("resultats_attendus")
        ),
        "impact": _score(raw, raw.place, "impact", values.get("impact")),
        "faisabilite": _score(raw, raw.place, "faisabilite", values.get("faisabilite")),
        "statut": _status(raw, values.get("statut")),
        "lignes_budgetaires": lines,
        "indicateurs": _indicators(raw, known_indicators),
        "fichiers": (raw.path.name,),
    }
    return sheet


# --------------------------------------------------------------------------- consolidation


@dataclass(frozen=True)
class Plan:
    """A consolidated, ranked action plan.

    Attributes
    ----------
    actions : DataFrame
        One row per action in rank order: ``numero`` (rank), the sheet fields (lists joined
        with « ; »), ``score_priorite``, ``priorite`` (1, 2 or 3), ``contributeurs``,
        ``fichiers``.
    budget : DataFrame
        One row per budget line: ``numero``, ``titre``, ``annee``, ``poste``, ``montant``,
        ``financeur``.
    indicators : DataFrame
        One row per action × indicator key: ``numero``, ``titre``, ``indicateur``, ``cible``,
        ``commentaire``.
    framework : Framework
        The framework the sheets were checked against.
    warnings : tuple of str
        Points to check (merged duplicates, ignored columns), in French.
    """

    actions: pd.DataFrame
    budget: pd.DataFrame
    indicators: pd.DataFrame
    framework: Framework
    warnings: tuple[str, ...]


def priority_class(score: int) -> int:
    """Priority class of an ``impact × faisabilite`` score: 1 (≥ 15), 2 (8–14) or 3 (≤ 7)."""
    return 1 if score >= 15 else 2 if score >= 8 else 3


def _merge(group: list[dict[str, Any]]) -> tuple[dict[str, Any], str | None]:
    """Merge sheets with the same title: the first one wins, list fields are united."""
    first = dict(group[0])
    if len(group) == 1:
        return first, None
    differing = []
    for other in group[1:]:
        for key in (
            "axe_code",
            "orientation_code",
            "objectif",
            "description",
            "pilote",
            "debut",
            "fin",
            "impact",
            "faisabilite",
            "statut",
            "lignes_budgetaires",
        ):
            if other[key] != first[key] and key not in differing:
                differing.append(key)
        for key in (*LIST_KEYS, "contributeur", "fichiers"):
            first[key] = tuple(dict.fromkeys(first[key] + other[key]))
        keys = {i["indicateur"] for i in first["indicateurs"]}
        first["indicateurs"] = first["indicateurs"] + [
            i for i in other["indicateurs"] if i["indicateur"] not in keys
        ]
    if UNFUNDED in first["financeurs"]:
        first["financeurs"] = tuple(f for f in first["financeurs"] if f != UNFUNDED)
    names = {
        "axe_code": "axe",
        "orientation_code": "orientation",
        "debut": "date de début",
        "fin": "date de fin",
        "faisabilite": "faisabilité",
        "pilote": "structure pilote",
        "lignes_budgetaires": "lignes budgétaires",
    }
    kept = ", ".join(names.get(k, k) for k in differing)
    message = (
        f"Fiches en double fusionnées : « {first['titre']} » ({len(group)} fiches : "
        f"{', '.join(first['fichiers'])}). Les listes (partenaires, publics, territoire, "
        "financeurs, résultats, indicateurs) sont réunies"
        + (
            f" ; les champs qui diffèrent ({kept}) sont ceux de {group[0]['fichiers'][0]}, "
            "la première fiche par ordre des fichiers : vérifiez-les avec les contributeurs."
            if differing
            else " ; les autres champs étaient identiques."
        )
    )
    return first, message


def build_plan(
    folder: str | Path,
    known_indicators: Collection[str],
    framework: Framework | None = None,
    known_areas: Collection[str] | None = None,
    warn: bool = True,
) -> Plan:
    """Read, validate, merge and rank every action sheet of a folder.

    Parameters
    ----------
    folder : path
        Folder of sheets from one or several contributors (``.xlsx`` and ``.yaml``).
    known_indicators : collection of str
        Indicator keys of the diagnostic, e.g. ``context.load(...).indicators["indicateur"]``.
    framework : Framework, optional
        Strategic framework (default: the 2013 RESSOL plan, :func:`load_framework`).
    known_areas : collection of str, optional
        Commune codes and EPCI SIRENs accepted in the ``territoire`` field.
    warn : bool
        Also emit each point to check as a :class:`PlanWarning` (callers that show
        ``Plan.warnings`` themselves pass ``False``).

    Returns
    -------
    Plan
        The consolidated plan; duplicates by title are merged and reported in
        ``Plan.warnings`` (and as a :class:`PlanWarning` when ``warn``).

    Raises
    ------
    RessolError
        On the first invalid sheet, naming file, sheet and field (see :func:`_validate`).
    """
    framework = framework or load_framework()
    known = set(pd.Series(list(known_indicators), dtype="string").dropna())
    raws, notes = read_sheets(folder)
    groups: dict[str, list[dict[str, Any]]] = {}
    for raw in raws:
        sheet = _validate(raw, known, framework, known_areas)
        groups.setdefault(normalise(sheet["titre"]), []).append(sheet)
    messages = list(notes)
    merged = []
    for group in groups.values():
        sheet, message = _merge(group)
        merged.append(sheet)
        if message:
            messages.append(message)
    for message in messages if warn else ():
        warnings.warn(message, PlanWarning, stacklevel=2)
    for sheet in merged:
        sheet["score_priorite"] = sheet["impact"] * sheet["faisabilite"]
        sheet["priorite"] = priority_class(sheet["score_priorite"])
    merged.sort(
        key=lambda s: (-s["score_priorite"], -s["impact"], s["debut"], normalise(s["titre"]))
    )
    for number, sheet in enumerate(merged, start=1):
        sheet["numero"] = number
    return Plan(
        _actions_table(merged),
        _budget_table(merged),
        _indicators_table(merged),
        framework,
        tuple(messages),
    )


ACTION_COLUMNS = [
    "numero",
    "titre",
    "axe_code",
    "axe",
    "orientation_code",
    "orientation",
    "objectif",
    "description",
    "pilote",
    "partenaires",
    "publics",
    "territoire",
    "debut",
    "fin",
    "budget_total",
    "financeurs",
    "resultats_attendus",
    "impact",
    "faisabilite",
    "score_priorite",
    "priorite",
    "statut",
    "contributeurs",
    "fichiers",
]


def _actions_table(sheets: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for sheet in sheets:
        row = {k: sheet[k] for k in ACTION_COLUMNS if k in sheet}
        for key in (*LIST_KEYS, "fichiers"):
            row[key] = " ; ".join(sheet[key])
        row["contributeurs"] = " ; ".join(sheet["contributeur"])
        rows.append(row)
    table = pd.DataFrame(rows, columns=ACTION_COLUMNS)
    return table.astype(
        {
            "numero": "int64",
            "impact": "int64",
            "faisabilite": "int64",
            "score_priorite": "int64",
            "priorite": "int64",
            "budget_total": "float64",
        }
    )


def _budget_table(sheets: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [
        {"numero": s["numero"], "titre": s["titre"], **line}
        for s in sheets
        for line in s["lignes_budgetaires"]
    ]
    columns = ["numero", "titre", "annee", "poste", "montant", "financeur"]
    return pd.DataFrame(rows, columns=columns).astype(
        {"numero": "int64", "annee": "int64", "montant": "float64"}
    )


def _indicators_table(sheets: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [
        {"numero": s["numero"], "titre": s["titre"], **item}
        for s in sheets
        for item in s["indicateurs"]
    ]
    columns = ["numero", "titre", "indicateur", "cible", "commentaire"]
    return pd.DataFrame(rows, columns=columns).astype({"numero": "int64", "cible": "float64"})
