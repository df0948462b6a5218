"""What the choice of ESS perimeter changes, in the ESS chapter: the flag against the form.

For the territory, the employer establishments of each legal-form family with and without
SIRENE's ESS flag (:func:`ressol_analysis.ess_perimeter.flag_by_family`), as a table and as
plain sentences: associations and other non-profit bodies without the flag, flagged
commercial companies, and the count on each perimeter.
"""

from __future__ import annotations

import pandas as pd

from .formatting import html_table, number
from .labels import FAMILY_LABELS

# Families of INSEE's statistical perimeter, as counted in a sentence (« 12 associations »).
FAMILY_COUNT_NOUNS = {
    "associations": "associations",
    "cooperatives": "coopératives",
    "mutuelles": "mutuelles",
    "fondations": "fondations",
    "organismes_non_lucratifs": "autres organismes à but non lucratif",
}


def flag_table(flags: pd.DataFrame) -> pd.DataFrame:
    """Employer establishments by legal-form family, with and without SIRENE's ESS flag.

    Parameters
    ----------
    flags : DataFrame
        Output of :func:`ressol_analysis.ess_perimeter.flag_by_family` for one area.

    Returns
    -------
    DataFrame
        French column names, one row per family (« Autres formes juridiques » for ``autres``)
        and a total row.
    """
    labels = {**FAMILY_LABELS, "autres": "Autres formes juridiques (sociétés, secteur public…)"}
    table = pd.DataFrame(
        {
            "Forme juridique": flags["famille"].map(labels),
            "Établissements employeurs": flags["etablissements_employeurs"],
            "avec l'indicateur ESS": flags["avec_indicateur_ess"],
            "sans l'indicateur ESS": flags["sans_indicateur_ess"],
            "Emplois estimés sans l'indicateur": flags["effectif_sans_indicateur_ess"],
        }
    )
    total = table.drop(columns="Forme juridique").sum().to_frame().T
    total.insert(0, "Forme juridique", "Ensemble des employeurs")
    return pd.concat([table, total], ignore_index=True)


def flag_findings(flags: pd.DataFrame, wide: pd.DataFrame, territory: str) -> list[str]:
    """What the choice of perimeter changes in the territory, in plain sentences.

    Parameters
    ----------
    flags : DataFrame
        Output of :func:`ressol_analysis.ess_perimeter.flag_by_family` for the territory.
    wide : DataFrame
        Indicators, one row per area (``territoire_code``) with
        ``ess_etablissements_employeurs_perimetre_statistique`` (``Diagnostic.wide``).
    territory : str
        Code of the territory.

    Returns
    -------
    list of str
        Unflagged establishments of each family of the statistical perimeter; flagged
        establishments of another legal form; the count on each perimeter.
    """
    rows = flags.set_index("famille")
    statistical = wide.set_index("territoire_code").at[
        territory, "ess_etablissements_employeurs_perimetre_statistique"
    ]
    families = [f for f in FAMILY_COUNT_NOUNS if f in rows.index]
    unflagged = {f: int(rows.at[f, "sans_indicateur_ess"]) for f in families}
    missing = sum(unflagged.values())
    listed = [f"{number(n)} {FAMILY_COUNT_NOUNS[f]}" for f, n in unflagged.items() if n]
    if missing:
        first = (
            f"{number(missing)} établissement(s) employeur(s) d'associations, de coopératives, de "
            "mutuelles, de fondations ou d'autres organismes à but non lucratif n'ont pas "
            f"l'indicateur ESS de Sirene ({', '.join(listed)}, soit "
            f"{number(sum(rows.at[f, 'effectif_sans_indicateur_ess'] for f in families))} emplois "
            "estimés) : ils sont dans l'ESS au sens statistique de l'Insee, pas au sens de "
            "l'indicateur."
        )
    else:
        first = (
            "Toutes les associations, coopératives, mutuelles, fondations et autres organismes "
            "à but non lucratif employeurs du territoire portent l'indicateur ESS de Sirene."
        )
    others = int(rows.at["autres", "avec_indicateur_ess"]) if "autres" in rows.index else 0
    second = (
        f"À l'inverse, {number(others)} établissement(s) déclaré(s) ESS ont une autre forme "
        "juridique (sociétés commerciales de l'ESS) : ils comptent au sens de la loi de 2014, "
        "pas dans le périmètre statistique de l'Insee."
        if others
        else "Aucun établissement déclaré ESS n'a une autre forme juridique (société "
        "commerciale de l'ESS)."
    )
    in_families = int(sum(rows.at[f, "etablissements_employeurs"] for f in families))
    excluded = in_families - int(statistical)
    third = (
        f"Au total : {number(flags['avec_indicateur_ess'].sum())} établissements employeurs de "
        f"l'ESS selon l'indicateur de Sirene (loi de 2014), {number(statistical)} selon le "
        "périmètre statistique de l'Insee"
    )
    if excluded > 0:
        third += (
            f", qui écarte {number(excluded)} établissement(s) de ces familles pour leur "
            "activité (administration publique, organisations patronales, syndicales, "
            "politiques ou religieuses)"
        )
    return [first, second, third + "."]


def flag_html(flags: pd.DataFrame, name: str, source: str, mark: str) -> str:
    """The ESS flag against the legal form in one area (:func:`flag_table`), as HTML.

    Parameters
    ----------
    flags : DataFrame
        Output of :func:`ressol_analysis.ess_perimeter.flag_by_family`.
    name : str
        Name of the area.
    source : str
        Source line.
    mark : str
        ``Diagnostic.title_mark``.

    Returns
    -------
    str
        The HTML table.
    """
    return html_table(
        flag_table(flags),
        {
            "Établissements employeurs": number,
            "avec l'indicateur ESS": number,
            "sans l'indicateur ESS": number,
            "Emplois estimés sans l'indicateur": number,
        },
        title=f"Indicateur ESS de Sirene et forme juridique des employeurs — {name}" + mark,
        source=source,
        note="Indicateur ESS : economieSocialeSolidaireUniteLegale = O (loi de 2014). La forme "
        "juridique vient de la catégorie juridique de l'unité légale (table des familles du "
        "projet).",
    )
