"""French findings, tables and captions of the sector structure (:mod:`ressol_analysis.sectors`).

Specialisation against the reference area (location quotients, Krugman index), the
présentielle and productive spheres, and the agri-food filière, from SIRENE employer
establishments. Every figure in a sentence comes from the tables passed in.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .areas import epci_rows, rows_of
from .formatting import html_table, number, percent, points_gap

SPHERE_KEYS = [
    "emplois_sphere_presentielle",
    "emplois_sphere_productive",
    "part_emplois_sphere_presentielle",
    "part_etablissements_sphere_presentielle",
]
AGRIFOOD_KEYS = [
    "emplois_filiere_agricole",
    "part_emplois_agriculture",
    "part_emplois_industries_agroalimentaires",
    "part_emplois_commerce_gros_agricole",
    "part_emplois_filiere_agricole",
    "part_emplois_cooperatives_agricoles",
    "part_ess_emplois_filiere_agricole",
]
SPHERES_ALT = (
    "Barres empilées : part des emplois salariés estimés dans la sphère présentielle et dans la "
    "sphère productive, pour le territoire, ses intercommunalités et les zones de comparaison."
)
AGRIFOOD_ALT = (
    "Barres empilées : part de l'agriculture, des industries alimentaires et du commerce de "
    "gros agricole dans les emplois salariés estimés, pour le territoire, ses intercommunalités "
    "et les zones de comparaison."
)


def specialisation_findings(
    quotients: pd.DataFrame,
    index: pd.DataFrame,
    territory: str,
    reference_name: str,
    count: int = 3,
) -> list[str]:
    """Sentences on the most over- and under-represented sectors and the Krugman index.

    Parameters
    ----------
    quotients : DataFrame
        Output of :func:`ressol_analysis.sectors.location_quotients`.
    index : DataFrame
        One row per area (``territoire_code``, ``territoire``, ``niveau``) with
        ``indice_specialisation_krugman`` (%).
    territory : str
        Code of the territory.
    reference_name : str
        Name of the reference area of the quotients.
    count : int
        Number of sectors named on each side.

    Returns
    -------
    list of str
        Sentences in French.
    """
    rows = quotients[quotients["territoire_code"] == territory].dropna(
        subset=["quotient_localisation"]
    )

    def listing(part: pd.DataFrame) -> str:
        return " ; ".join(
            f"{r.libelle} (quotient {number(r.quotient_localisation, 2)}, "
            f"{percent(r.part_emplois)} des emplois contre {percent(r.part_reference)})"
            for r in part.itertuples()
        )

    over = rows[rows["quotient_localisation"] > 1].nlargest(count, "quotient_localisation")
    under = rows[rows["quotient_localisation"] < 1].nsmallest(count, "quotient_localisation")
    findings = []
    if not over.empty:
        findings.append(f"Secteurs les plus surreprésentés : {listing(over)}.")
    if not under.empty:
        findings.append(f"Secteurs les plus sous-représentés : {listing(under)}.")
    (t,) = rows_of(index, territory)
    key = "indice_specialisation_krugman"
    sentence = (
        f"L'indice de spécialisation de {t['territoire']} vaut {percent(t[key])} : il faudrait "
        f"que {number(t[key], 0)} emplois salariés sur 100 changent de secteur pour que sa "
        f"structure soit celle de la {reference_name}"
    )
    epcis = epci_rows(index, key)
    if len(epcis) > 1:
        high = epcis.loc[epcis[key].idxmax()]
        sentence += (
            f". L'intercommunalité la plus spécialisée est {high['territoire']} "
            f"({percent(high[key])})"
        )
    findings.append(sentence + ".")
    return findings


def sphere_findings(wide: pd.DataFrame, territory: str, region: str) -> list[str]:
    """Sentences on the présentielle sphere's share of salaried jobs.

    Parameters
    ----------
    wide : DataFrame
        One row per area with ``part_emplois_sphere_presentielle`` (%).
    territory, region : str
        Codes of the territory and of the comparison area.

    Returns
    -------
    list of str
        Sentences in French.
    """
    key = "part_emplois_sphere_presentielle"
    t, r = rows_of(wide, territory, region)
    findings = [
        f"La sphère présentielle (activités qui répondent aux besoins des habitants et des "
        f"visiteurs) rassemble {percent(t[key])} des emplois salariés estimés de "
        f"{t['territoire']}, contre {percent(r[key])} en {r['territoire']} "
        f"({points_gap(t[key] - r[key])}) ; la sphère productive, tournée vers des marchés "
        f"extérieurs au territoire, en rassemble {percent(100 - t[key])}."
    ]
    epcis = epci_rows(wide, key)
    if len(epcis) > 1:
        low = epcis.loc[epcis[key].idxmin()]
        high = epcis.loc[epcis[key].idxmax()]
        findings.append(
            f"L'économie productive pèse le plus dans {low['territoire']} "
            f"({percent(100 - low[key])} des emplois salariés) ; l'économie présentielle "
            f"domine dans {high['territoire']} ({percent(high[key])})."
        )
    return findings


def agrifood_2013(reference: Mapping | None) -> str:
    """What the territory's 2013 diagnostic said of its economy, or nothing without one.

    Parameters
    ----------
    reference : mapping or None
        The territory's earlier diagnostic (``Diagnostic.reference_2013``); its ``economie``
        key quotes it.

    Returns
    -------
    str
        A Markdown sentence, or ``""``.
    """
    quote = (reference or {}).get("economie")
    if not quote:
        return ""
    return (
        f"Le diagnostic de 2013 décrivait une économie « {quote} » ; les chiffres ci-dessous "
        "disent ce qu'il en est aujourd'hui."
    )


def agrifood_findings(wide: pd.DataFrame, territory: str, region: str) -> list[str]:
    """Sentences on the weight of the agri-food filière and the ESS share inside it.

    Parameters
    ----------
    wide : DataFrame
        One row per area with the indicators of
        :func:`ressol_analysis.sectors.agrifood_weight`.
    territory, region : str
        Codes of the territory and of the comparison area.

    Returns
    -------
    list of str
        Sentences in French.
    """
    t, r = rows_of(wide, territory, region)
    filiere = "part_emplois_filiere_agricole"
    ratio = t[filiere] / r[filiere] if r[filiere] else float("nan")
    return [
        f"La filière agricole et agroalimentaire (exploitations, industries alimentaires, "
        f"commerce de gros agricole, coopératives agricoles et CUMA) compte environ "
        f"{number(t['emplois_filiere_agricole'])} emplois salariés, soit "
        f"{percent(t[filiere])} de l'emploi salarié estimé, contre {percent(r[filiere])} en "
        f"{r['territoire']} ({number(ratio, 1)} fois plus).",
        f"Dans le détail : agriculture {percent(t['part_emplois_agriculture'])}, industries "
        f"alimentaires {percent(t['part_emplois_industries_agroalimentaires'])}, commerce de gros "
        f"agricole {percent(t['part_emplois_commerce_gros_agricole'])} des emplois salariés.",
        "Les coopératives agricoles et CUMA emploient "
        f"{percent(t['part_emplois_cooperatives_agricoles'])} des salariés du territoire ; au "
        f"total, {percent(t['part_ess_emplois_filiere_agricole'])} "
        f"des emplois salariés de la filière relèvent de l'ESS ({r['territoire']} : "
        f"{percent(r['part_ess_emplois_filiere_agricole'])}).",
    ]


def specialisation_source(sirene_source: str, reference_name: str, geography: str) -> str:
    """Source line of the sector comparison (NAF A38, employer establishments)."""
    return (
        f"{sirene_source} ; établissements employeurs actifs, effectifs salariés estimés ; NAF "
        f"rév. 2 niveau A38 ; référence : {reference_name} — {geography}"
    )


def quotients_alt(territory_name: str, reference_name: str) -> str:
    """Alternative text of the location quotient chart."""
    return (
        "Barres horizontales : quotient de localisation de chaque secteur A38 dans l'emploi "
        f"salarié de {territory_name} par rapport à la {reference_name}, en rouge les secteurs "
        "surreprésentés (quotient supérieur à 1), en bleu les sous-représentés."
    )


def specialisation_table(
    index: pd.DataFrame, reference: str, reference_name: str, source: str, mark: str
) -> str:
    """Krugman specialisation index of every area but the reference, as HTML.

    Parameters
    ----------
    index : DataFrame
        ``Diagnostic.wide(["indice_specialisation_krugman"])``.
    reference, reference_name : str
        Code and name of the reference area.
    source : str
        Output of :func:`specialisation_source`.
    mark : str
        ``Diagnostic.title_mark`` (synthetic-data mark after the title).

    Returns
    -------
    str
        The HTML table.
    """
    key = "indice_specialisation_krugman"
    table = index.loc[index["territoire_code"] != reference, ["territoire", key]].rename(
        columns={"territoire": "Territoire", key: "Indice de spécialisation"}
    )
    return html_table(
        table,
        {"Indice de spécialisation": percent},
        title=f"Indice de spécialisation (Krugman) par rapport à la {reference_name}{mark}",
        source=source,
        note="Part des emplois salariés qui devraient changer de secteur (A38) pour que la zone "
        f"ait la même répartition que la {reference_name} : 0 % = même structure, 100 % = aucun "
        "secteur en commun. Un petit territoire est mécaniquement plus spécialisé qu'un grand.",
    )


def spheres_source(sirene_source: str, geography: str) -> str:
    """Source line of the présentielle/productive spheres."""
    return (
        f"{sirene_source} ; établissements employeurs actifs, effectifs salariés estimés ; "
        f"sphères : règle du projet (pas la liste officielle de l'Insee) — {geography}"
    )


def spheres_table(spheres: pd.DataFrame, source: str, mark: str) -> str:
    """Jobs of the présentielle and productive spheres of every area, as HTML.

    Parameters
    ----------
    spheres : DataFrame
        ``Diagnostic.wide(SPHERE_KEYS)``.
    source : str
        Output of :func:`spheres_source`.
    mark : str
        ``Diagnostic.title_mark``.

    Returns
    -------
    str
        The HTML table.
    """
    table = spheres[["territoire", *SPHERE_KEYS]].rename(
        columns={
            "territoire": "Territoire",
            "emplois_sphere_presentielle": "Emplois présentiels",
            "emplois_sphere_productive": "Emplois productifs",
            "part_emplois_sphere_presentielle": "Part présentielle des emplois",
            "part_etablissements_sphere_presentielle": "Part présentielle des établissements",
        }
    )
    return html_table(
        table,
        {
            "Emplois présentiels": number,
            "Emplois productifs": number,
            "Part présentielle des emplois": percent,
            "Part présentielle des établissements": percent,
        },
        title=f"Sphères présentielle et productive (établissements employeurs){mark}",
        source=source,
        note="Emplois salariés estimés au centre des tranches d'effectifs ; les non-salariés ne "
        "sont pas comptés.",
    )


def agrifood_source(sirene_source: str, geography: str) -> str:
    """Source line of the agri-food filière (its NAF and legal-category perimeter)."""
    return (
        f"{sirene_source} ; établissements employeurs actifs, effectifs salariés estimés ; "
        "filière : NAF section A, divisions 10-11, groupe 46.2, catégories juridiques 6316-6318 "
        f"— {geography}"
    )


def agrifood_table(agri: pd.DataFrame, source: str, mark: str) -> str:
    """Jobs of the agri-food filière, of agricultural cooperatives and of the ESS, as HTML.

    Parameters
    ----------
    agri : DataFrame
        ``Diagnostic.wide(AGRIFOOD_KEYS)``.
    source : str
        Output of :func:`agrifood_source`.
    mark : str
        ``Diagnostic.title_mark``.

    Returns
    -------
    str
        The HTML table.
    """
    labels = {
        "emplois_filiere_agricole": "Emplois salariés de la filière",
        "part_emplois_filiere_agricole": "Part de la filière dans l'emploi salarié",
        "part_emplois_cooperatives_agricoles": "dont coopératives agricoles et CUMA",
        "part_ess_emplois_filiere_agricole": "Part de l'ESS dans la filière",
    }
    table = agri[["territoire", *labels]].rename(columns={"territoire": "Territoire", **labels})
    formats = dict(zip(labels.values(), [number, percent, percent, percent], strict=True))
    return html_table(
        table,
        formats,
        title=f"Filière agricole et agroalimentaire, coopératives agricoles et ESS{mark}",
        source=source,
        note="Parts de la filière et des coopératives : en % des emplois salariés estimés de la "
        "zone. Part de l'ESS : en % des emplois salariés de la filière, dans les entreprises "
        "inscrites comme ESS dans Sirene (coopératives agricoles, CUMA, associations…). Les "
        "exploitants non salariés ne sont pas comptés.",
    )
