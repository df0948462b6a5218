"""Plain-French findings of the economy chapter, generated from the numbers.

Every figure in a sentence comes from the tables passed in; a missing value reads ``n.d.``
and the sentence says so rather than guessing. Medians (income) are described commune by
commune — their spread and how many are secret — never averaged into an area figure.
"""

from __future__ import annotations

import pandas as pd

from .economy import SECTORS
from .errors import RessolError
from .formatting import number, percent, points_gap, signed_percent, with_unit

SECTOR_NAMES = {
    "agriculture": "l'agriculture, la sylviculture et la pêche",
    "industrie": "l'industrie",
    "construction": "la construction",
    "commerce_transports_services": "le commerce, les transports et les services divers",
    "administration_enseignement_sante_action_sociale": (
        "l'administration, l'enseignement, la santé et l'action sociale"
    ),
}


def _rows(wide: pd.DataFrame, *codes: str) -> list[pd.Series]:
    table = wide.set_index("territoire_code")
    absent = [c for c in codes if c not in table.index]
    if absent:
        raise RessolError(
            f"Zone(s) {', '.join(absent)} absente(s) du tableau des indicateurs ; zones "
            f"disponibles : {', '.join(table.index)}."
        )
    return [table.loc[c] for c in codes]


def _epcis(wide: pd.DataFrame, column: str) -> pd.DataFrame:
    return wide[(wide["niveau"] == "epci") & wide[column].notna()]


def _round10(value: float) -> float:
    """Round a count to the nearest ten (census and estimated jobs are not exact)."""
    return value if pd.isna(value) else round(float(value), -1)


def _evolution_key(wide: pd.DataFrame) -> str:
    keys = sorted(c for c in wide.columns if str(c).startswith("evolution_emplois_"))
    if not keys:
        raise RessolError(
            "Le tableau des indicateurs n'a pas de colonne evolution_emplois_<début>_<fin>."
        )
    return keys[-1]


def jobs_findings(wide: pd.DataFrame, territory: str, department: str, region: str) -> list[str]:
    """Sentences on jobs at place of work, salaried jobs, their change and unemployment.

    Parameters
    ----------
    wide : DataFrame
        One row per area (``territoire_code``, ``territoire``, ``niveau``) with
        ``emplois_au_lieu_de_travail``, ``emplois_salaries_au_lieu_de_travail``,
        ``evolution_emplois_<début>_<fin>`` and ``taux_de_chomage_15_64_ans``.
    territory, department, region : str
        Codes of the territory and of two comparison areas.

    Returns
    -------
    list of str
        Sentences in French; a missing change reads ``n.d.`` with the reason given once.
    """
    t, d, r = _rows(wide, territory, department, region)
    key = _evolution_key(wide)
    start, end = key.rsplit("_", 2)[-2:]
    salaried = 100 * t["emplois_salaries_au_lieu_de_travail"] / t["emplois_au_lieu_de_travail"]
    salaried_d = 100 * d["emplois_salaries_au_lieu_de_travail"] / d["emplois_au_lieu_de_travail"]
    findings = [
        f"{t['territoire']} compte {number(_round10(t['emplois_au_lieu_de_travail']))} emplois au "
        f"lieu de travail en {end}, dont {percent(salaried, 0)} d'emplois salariés "
        f"({d['territoire']} : {percent(salaried_d, 0)}) ; les autres sont des indépendants, "
        "chefs d'exploitation agricole, artisans, commerçants et professions libérales."
    ]
    change = (
        f"Entre {start} et {end}, le nombre d'emplois a évolué de {signed_percent(t[key], 1)} "
        f"sur la période ({d['territoire']} : {signed_percent(d[key], 1)} ; "
        f"{r['territoire']} : {signed_percent(r[key], 1)})"
    )
    if pd.isna(r[key]):
        change += (
            f" — l'évolution de la {r['territoire']} n'est pas disponible, une de ses communes "
            f"n'ayant pas de chiffre d'emploi en {start}"
        )
    findings.append(change + ".")
    epcis = _epcis(wide, key)
    if len(epcis) > 1:
        high = epcis.loc[epcis[key].idxmax()]
        low = epcis.loc[epcis[key].idxmin()]
        findings.append(
            "L'évolution diffère selon les intercommunalités : de "
            f"{signed_percent(low[key], 1)} pour {low['territoire']} à "
            f"{signed_percent(high[key], 1)} pour {high['territoire']}."
        )
    rate = "taux_de_chomage_15_64_ans"
    findings.append(
        f"Le taux de chômage des 15-64 ans (au sens du recensement) est de "
        f"{percent(t[rate])}, contre {percent(d[rate])} dans la {d['territoire']} et "
        f"{percent(r[rate])} en {r['territoire']} : {points_gap(t[rate] - r[rate])} que la "
        "moyenne régionale."
    )
    return findings


def evolution_note(communes: pd.DataFrame, names: dict[str, str], wide: pd.DataFrame) -> str:
    """Note under the jobs table: period of the change, communes without a previous figure.

    Parameters
    ----------
    communes : DataFrame
        Comparateur table: ``CODGEO``, ``emplois_precedent`` and, when the build found it,
        ``emplois_precedent_INCLUS_DANS`` (the former commune that counted a restored
        commune's jobs).
    names : dict
        ``CODGEO`` → commune name.
    wide : DataFrame
        One row per area with ``territoire`` and ``evolution_emplois_<début>_<fin>``.

    Returns
    -------
    str
        French sentences: the change is over the whole period; how each commune without a
        figure for the first census is handled; which areas read ``n.d.`` and why.
    """
    key = _evolution_key(wide)
    start, end = key.rsplit("_", 2)[-2:]
    sentences = [f"Évolution sur l'ensemble de la période {start}-{end}, pas par an."]
    parent_column = "emplois_precedent_INCLUS_DANS"
    gaps = communes[communes["emplois_precedent"].isna()]
    for row in gaps.itertuples(index=False):
        code = row.CODGEO
        parent = getattr(row, parent_column, None) if parent_column in gaps else None
        commune = f"{names.get(code, code)} ({code})"
        if pd.notna(parent):
            sentences.append(
                f"{commune}, commune rétablie après {start}, n'a pas de chiffre d'emploi en "
                f"{start} : ses emplois de {start} sont comptés dans ceux de "
                f"{names.get(parent, parent)} ({parent}), dont elle faisait alors partie."
            )
        else:
            sentences.append(f"{commune} n'a pas de chiffre d'emploi en {start}.")
    missing = wide.loc[wide[key].isna(), "territoire"]
    if not missing.empty:
        sentences.append(
            f"n.d. : non disponible pour {', '.join(missing)} — une commune de la zone n'a pas "
            f"de chiffre d'emploi en {start} : l'évolution n'est pas calculée plutôt que "
            "d'être faussée."
        )
    return " ".join(sentences)


def establishment_findings(wide: pd.DataFrame, territory: str, region: str) -> list[str]:
    """Sentences on the number of active establishments and their five-sector structure.

    Parameters
    ----------
    wide : DataFrame
        One row per area with ``etablissements_actifs`` and ``part_etablissements_<secteur>``.
    territory, region : str
        Codes of the territory and of the comparison area.

    Returns
    -------
    list of str
        Sentences in French.
    """
    t, r = _rows(wide, territory, region)
    shares = {s: f"part_etablissements_{s}" for s in SECTORS}
    gaps = {s: t[c] - r[c] for s, c in shares.items()}
    above = max(gaps, key=lambda s: gaps[s])
    below = min(gaps, key=lambda s: gaps[s])
    findings = [
        f"{number(t['etablissements_actifs'])} établissements sont actifs sur le territoire. "
        f"{SECTOR_NAMES[above].capitalize()} y pèse {percent(t[shares[above]])} des "
        f"établissements, contre {percent(r[shares[above]])} en {r['territoire']} "
        f"({points_gap(gaps[above])}) ; c'est l'écart le plus marqué.",
        f"À l'inverse, {SECTOR_NAMES[below]} est moins présent "
        f"({percent(t[shares[below]])} contre {percent(r[shares[below]])}).",
    ]
    epcis = _epcis(wide, shares["agriculture"])
    if len(epcis) > 1:
        top = epcis.loc[epcis[shares["agriculture"]].idxmax()]
        findings.append(
            f"Le poids des exploitations agricoles culmine dans {top['territoire']} : "
            f"{percent(top[shares['agriculture']])} des établissements."
        )
    return findings


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
    (t,) = _rows(index, territory)
    key = "indice_specialisation_krugman"
    sentence = (
        f"L'indice de spécialisation de {t['territoire']} vaut {percent(t[key])} : il faudrait "
        f"que {number(t[key], 0)} emplois salariés sur 100 changent de secteur pour que sa "
        f"structure soit celle de la {reference_name}"
    )
    epcis = _epcis(index, key)
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
    t, r = _rows(wide, territory, region)
    findings = [
        f"La sphère présentielle (activités qui répondent aux besoins des habitants et des "
        f"visiteurs) rassemble {percent(t[key])} des emplois salariés estimés de "
        f"{t['territoire']}, contre {percent(r[key])} en {r['territoire']} "
        f"({points_gap(t[key] - r[key])}) ; la sphère productive, tournée vers des marchés "
        f"extérieurs au territoire, en rassemble {percent(100 - t[key])}."
    ]
    epcis = _epcis(wide, key)
    if len(epcis) > 1:
        low = epcis.loc[epcis[key].idxmin()]
        high = epcis.loc[epcis[key].idxmax()]
        findings.append(
            f"L'économie productive pèse le plus dans {low['territoire']} "
            f"({percent(100 - low[key])} des emplois salariés) ; l'économie présentielle "
            f"domine dans {high['territoire']} ({percent(high[key])})."
        )
    return findings


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
    t, r = _rows(wide, territory, region)
    filiere = "part_emplois_filiere_agricole"
    ratio = t[filiere] / r[filiere] if r[filiere] else float("nan")
    return [
        f"La filière agricole et agroalimentaire (exploitations, industries alimentaires, "
        f"commerce de gros agricole, coopératives agricoles et CUMA) compte environ "
        f"{number(_round10(t['emplois_filiere_agricole']))} emplois salariés, soit "
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


def income_findings(income: pd.DataFrame, names: dict[str, str]) -> list[str]:
    """Sentences on median income and poverty rate across communes, never averaged.

    Parameters
    ----------
    income : DataFrame
        Rows of :func:`ressol_analysis.economy.income_by_commune` for one area
        (``CODGEO``, ``revenu_median``, ``revenu_median_affiche``, ``taux_pauvrete``,
        ``taux_pauvrete_affiche``).
    names : dict
        ``CODGEO`` → commune name.

    Returns
    -------
    list of str
        Sentences in French: the range of published values with the communes at each end,
        and how many communes are secret or missing.
    """
    total = len(income)
    findings = []
    for column, what, unit, decimals in (
        ("revenu_median", "Le revenu médian disponible par unité de consommation", "€", 0),
        ("taux_pauvrete", "Le taux de pauvreté", "%", 1),
    ):
        published = income.dropna(subset=[column])
        secret = int((income[f"{column}_affiche"] == "secret").sum())
        missing = total - len(published) - secret
        plural = "s" if secret > 1 else ""
        hidden = f"{secret} commune{plural} sur {total} soumise{plural} au secret statistique"
        if missing:
            hidden += f", {missing} sans donnée"
        if published.empty:
            findings.append(f"{what} n'est publié pour aucune commune ({hidden}).")
            continue
        low = published.loc[published[column].idxmin()]
        high = published.loc[published[column].idxmax()]
        findings.append(
            f"{what} est publié pour {len(published)} communes sur {total} ({hidden}) ; il va "
            f"de {with_unit(low[column], unit, decimals)} "
            f"({names.get(low['CODGEO'], low['CODGEO'])}) à "
            f"{with_unit(high[column], unit, decimals)} "
            f"({names.get(high['CODGEO'], high['CODGEO'])})."
        )
    return findings
