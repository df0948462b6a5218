"""French messages about the SIRENE input of a run: the employer rule, the codes worked around.

The run's messages (terminal) and the report's method annex say which employer rule was used,
how many establishments carry a catégorie juridique absent from INSEE's nomenclature or an
unknown band code, and how many activities in an old nomenclature were converted to NAF rév. 2
or left without sector. Inputs are the tables of :func:`ressol_analysis.ess.input_anomalies`
and :func:`ressol_analysis.sources.naf.activity_origins`; nothing here computes a figure.
"""

from __future__ import annotations

import pandas as pd

from .employers import EmployerRule
from .formatting import count, number

LEVEL_WORDS = {
    "II": "son niveau II (deux premiers chiffres)",
    "I": "son niveau I (premier chiffre)",
}
FAMILY_WORDS = {
    "associations": "associations",
    "cooperatives": "coopératives",
    "mutuelles": "mutuelles",
    "fondations": "fondations",
    "organismes_non_lucratifs": "autres organismes privés à but non lucratif",
    "autres": "autres",
}
NOMENCLATURE_LABELS = {
    "NAFRev2": "NAF rév. 2",
    "NAFRev1": "NAF rév. 1",
    "NAF1993": "NAF 1993",
    "NAP": "NAP",
    "00.00Z": "code provisoire 00.00Z",
    "": "sans code d'activité",
}


def category_message(categories: pd.DataFrame, where: str) -> str | None:
    """Message on catégories juridiques absent from the nomenclature (None when there is none).

    Parameters
    ----------
    categories : DataFrame
        ``categorie_juridique``, ``niveau_famille``, ``famille``, ``unites``,
        ``etablissements``.
    where : str
        The areas, as a complement: ``des zones étudiées``.

    Returns
    -------
    str or None
        One French sentence naming each code, its counts and the family it was given.
    """
    if categories.empty:
        return None
    details = ", ".join(
        f"{row.categorie_juridique} ({count(int(row.unites), 'unité légale', 'unités légales')}"
        f", {count(int(row.etablissements), 'établissement', 'établissements')} ; famille "
        f"« {FAMILY_WORDS.get(row.famille, row.famille)} » par "
        f"{LEVEL_WORDS[row.niveau_famille]})"
        for row in categories.sort_values("categorie_juridique").itertuples()
    )
    total = int(categories["etablissements"].sum())
    return (
        f"Sirene : {count(total, 'établissement employeur', 'établissements employeurs')} "
        f"{where} {'relève' if total == 1 else 'relèvent'} de catégories juridiques absentes "
        f"de la nomenclature de l'Insee (septembre 2022) : {details}. "
        f"{'Il reste compté' if total == 1 else 'Ils restent comptés'}, dans la famille de "
        "leur groupe."
    )


def band_message(bands: pd.DataFrame, where: str) -> str | None:
    """Message on unknown band codes (None when there is none).

    Parameters
    ----------
    bands : DataFrame
        ``tranche``, ``etablissements``.
    where : str
        The areas.

    Returns
    -------
    str or None
        One French sentence naming each code and its count.
    """
    if bands.empty:
        return None
    details = ", ".join(
        f"« {row.tranche} » ({number(int(row.etablissements))})"
        for row in bands.sort_values("tranche").itertuples()
    )
    total = int(bands["etablissements"].sum())
    return (
        f"Sirene : {count(total, 'établissement actif', 'établissements actifs')} {where} "
        f"{'a' if total == 1 else 'ont'} un code de tranche d'effectifs inconnu : {details}. "
        "Leur caractère employeur et "
        "leurs emplois sont inconnus : ils ne sont comptés ni parmi les employeurs ni dans les "
        "emplois. Si le fichier a été ouvert dans un tableur (zéros initiaux perdus), restaurez "
        "le fichier officiel."
    )


def activity_message(activities: pd.DataFrame, where: str) -> str | None:
    """Message on activities outside NAF rév. 2 (None when every activity is NAF rév. 2).

    Parameters
    ----------
    activities : DataFrame
        ``nomenclature``, ``convertis``, ``sans_secteur`` (active establishments), one row per
        nomenclature other than NAF rév. 2 (output of
        :func:`ressol_analysis.sources.naf.activity_origins`).
    where : str
        The areas.

    Returns
    -------
    str or None
        One French sentence per nomenclature, joined.
    """
    if activities.empty:
        return None
    parts = []
    for row in activities.itertuples():
        label = NOMENCLATURE_LABELS.get(row.nomenclature, row.nomenclature)
        total = int(row.convertis) + int(row.sans_secteur)
        text = f"{label} : {number(total)}"
        if row.convertis:
            text += f" (dont {number(int(row.convertis))} convertis en NAF rév. 2"
            text += f", {number(int(row.sans_secteur))} en « secteur inconnu »)"
        else:
            text += " en « secteur inconnu »"
        parts.append(text)
    return (
        f"Sirene : établissements actifs {where} dont l'activité n'est pas codée en NAF "
        f"rév. 2 — {' ; '.join(parts)}. Ils restent comptés dans tous les totaux qui "
        "n'utilisent pas le secteur (employeurs, ESS, familles, emplois) ; dans les tableaux par "
        "secteur, ceux qui ne sont pas convertis forment la ligne « secteur inconnu »."
    )


def input_warnings(
    categories: pd.DataFrame,
    bands: pd.DataFrame,
    where: str,
    activities: pd.DataFrame | None = None,
) -> list[str]:
    """The warnings of a run about the SIRENE input (empty when nothing was worked around).

    Parameters
    ----------
    categories, bands : DataFrame
        See :func:`category_message` and :func:`band_message`.
    where : str
        The areas.
    activities : DataFrame, optional
        See :func:`activity_message`.

    Returns
    -------
    list of str
    """
    messages = [category_message(categories, where), band_message(bands, where)]
    if activities is not None:
        messages.append(activity_message(activities, where))
    return [m for m in messages if m]


def input_notes(
    rule: EmployerRule,
    categories: pd.DataFrame,
    bands: pd.DataFrame,
    activities: pd.DataFrame | None,
    stale: int | None = None,
    correspondence: bool = False,
) -> list[str]:
    """Lines for the run messages and the method annex: the rule used, then what was counted.

    Parameters
    ----------
    rule : EmployerRule
        The employer rule of the run.
    categories, bands, activities : DataFrame
        See :func:`input_warnings`.
    stale : int, optional
        Active establishments whose band is too old to count as a current employer.
    correspondence : bool
        Whether INSEE's NAF rév. 1 → rév. 2 table was registered (``naf_rev1_rev2``).

    Returns
    -------
    list of str
        French sentences; the rule first, then one line per kind of code worked around.
    """
    notes = [rule.describe()]
    if stale:
        verb = (
            "n'est pas compté comme employeur actuel"
            if stale == 1
            else "ne sont pas comptés comme employeurs actuels"
        )
        notes.append(
            f"Sirene : {count(stale, 'établissement actif', 'établissements actifs')} dont la "
            f"tranche d'effectifs est trop ancienne {verb}."
        )
    where = "des zones étudiées"
    notes += input_warnings(categories, bands, where, activities)
    if activities is not None and activities.empty:
        notes.append("Toutes les activités des établissements actifs sont codées en NAF rév. 2.")
    if (
        activities is not None
        and not correspondence
        and activities["nomenclature"].eq("NAFRev1").any()
    ):
        notes.append(
            "La table de correspondance NAF rév. 1 → NAF rév. 2 de l'Insee n'est pas "
            "enregistrée (clé naf_rev1_rev2 de data/raw/manifest.yaml) : les activités en NAF "
            "rév. 1 sont en « secteur inconnu ». Déposez table_NAF2-NAF1.xls dans data/raw "
            "puis lancez « ressol data update » pour les convertir."
        )
    if categories.empty:
        notes.append(
            "Toutes les catégories juridiques des employeurs figurent dans la nomenclature de "
            "l'Insee (septembre 2022)."
        )
    if bands.empty:
        notes.append("Tous les codes de tranche d'effectifs sont connus.")
    return notes
