"""French findings, tables and captions of the economy chapter, generated from the numbers.

Every figure in a sentence comes from the tables passed in; a missing value reads ``n.d.``
and the sentence says so rather than guessing. Medians (income) are described commune by
commune — their spread and how many are secret — never averaged into an area figure. Tables
come out as HTML with their title, French formats, source line and note.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from .areas import epci_rows, rows_of
from .economy import SECTORS, evolution_key
from .errors import RessolError
from .formatting import (
    html_table,
    number,
    percent,
    points_gap,
    signed_percent,
    with_unit,
)
from .labels import SECTOR_LABELS

ESTABLISHMENT_KEYS = [
    "etablissements_employeurs_flores",
    *[f"part_etablissements_{s}" for s in SECTORS],
]
SOURCE_KEYS = ["comparateur", "naf_table_passage", "naf_a38", "cog_communes", "epci"]
SYNTHETIC_WARNING = (
    "> **Attention — données synthétiques.** Les emplois, établissements et secteurs du "
    "recensement et du comparateur de territoires sont les chiffres réels de l'Insee. En "
    "revanche, l'analyse fine par secteur (spécialisation, sphères, filière agricole, place de "
    "l'ESS) repose sur un **extrait de démonstration** construit au format du répertoire "
    "Sirene : ces résultats illustrent la méthode, ils ne décrivent pas le territoire. Chaque "
    "graphique et tableau concerné porte la mention « Données synthétiques de démonstration »."
)
UNEMPLOYMENT_NOTE = (
    "Les seuils de couleur sont choisis pour regrouper les communes aux taux proches. Dans "
    "les petites communes, le taux repose sur quelques dizaines d'actifs et varie "
    "beaucoup d'un recensement à l'autre : il faut lire la carte par grandes zones plutôt que "
    "commune par commune."
)
NO_URSSAF = (
    "Aucun fichier Urssaf n'est indiqué pour ce territoire. Pour ajouter cette section, "
    "téléchargez le fichier national « Nombre d'établissements employeurs et effectifs "
    "salariés du secteur privé, par commune x APE » (open.urssaf.fr) et indiquez son chemin "
    "sous la clé `urssaf:` du fichier du territoire."
)

SECTOR_NAMES = {
    "agriculture": "l'agriculture, la sylviculture et la pêche",
    "industrie": "l'industrie",
    "construction": "la construction",
    "commerce_transports_services": "le commerce, les transports et les services divers",
    "administration_enseignement_sante_action_sociale": (
        "l'administration, l'enseignement, la santé et l'action sociale"
    ),
}


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
    t, d, r = rows_of(wide, territory, department, region)
    key = _evolution_key(wide)
    start, end = key.rsplit("_", 2)[-2:]
    salaried = 100 * t["emplois_salaries_au_lieu_de_travail"] / t["emplois_au_lieu_de_travail"]
    salaried_d = 100 * d["emplois_salaries_au_lieu_de_travail"] / d["emplois_au_lieu_de_travail"]
    findings = [
        f"{t['territoire']} compte {number(t['emplois_au_lieu_de_travail'])} "
        f"emplois au lieu de travail en {end}, dont {percent(salaried, 0)} d'emplois salariés "
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
    epcis = epci_rows(wide, key)
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
    """Sentences on the employer establishments (Flores) and their five-sector structure.

    Flores counts employer establishments only (at least one employee during the year): farms
    and businesses without employees are not in these figures, and the sentences say so.

    Parameters
    ----------
    wide : DataFrame
        One row per area with ``etablissements_employeurs_flores`` and
        ``part_etablissements_<secteur>``.
    territory, region : str
        Codes of the territory and of the comparison area.

    Returns
    -------
    list of str
        Sentences in French.
    """
    t, r = rows_of(wide, territory, region)
    shares = {s: f"part_etablissements_{s}" for s in SECTORS}
    gaps = {s: t[c] - r[c] for s, c in shares.items()}
    above = max(gaps, key=lambda s: gaps[s])
    below = min(gaps, key=lambda s: gaps[s])
    findings = [
        f"{number(t['etablissements_employeurs_flores'])} établissements employeurs (au moins un "
        "salarié dans l'année) sont actifs sur le territoire ; les exploitations et entreprises "
        "sans salarié n'en font pas partie. "
        f"{SECTOR_NAMES[above].capitalize()} y pèse {percent(t[shares[above]])} des "
        f"établissements employeurs, contre {percent(r[shares[above]])} en {r['territoire']} "
        f"({points_gap(gaps[above])}) ; c'est l'écart le plus marqué.",
        f"À l'inverse, {SECTOR_NAMES[below]} est moins présent "
        f"({percent(t[shares[below]])} contre {percent(r[shares[below]])}).",
    ]
    epcis = epci_rows(wide, shares["agriculture"])
    if len(epcis) > 1:
        top = epcis.loc[epcis[shares["agriculture"]].idxmax()]
        findings.append(
            f"Le poids des exploitations agricoles employeuses culmine dans {top['territoire']} : "
            f"{percent(top[shares['agriculture']])} des établissements employeurs."
        )
    return findings


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


# ---------------------------------------------------------------------------------------------
# Tables and captions of the chapter


def _signed_one(value: object) -> str:
    return signed_percent(value, 1)


def jobs_keys(vintages: Mapping[str, int]) -> list[str]:
    """Keys of the jobs and unemployment table (the change key depends on the censuses)."""
    return [
        "emplois_au_lieu_de_travail",
        "emplois_salaries_au_lieu_de_travail",
        evolution_key(dict(vintages)),
        "taux_de_chomage_15_64_ans",
    ]


def jobs_table(
    jobs: pd.DataFrame,
    vintages: Mapping[str, int],
    source: Callable[[str], str],
    communes: pd.DataFrame,
    names: dict[str, str],
) -> str:
    """Jobs at place of work, their change and the unemployment rate of every area, as HTML.

    Parameters
    ----------
    jobs : DataFrame
        ``Diagnostic.wide(jobs_keys(vintages))``.
    vintages : mapping
        Vintages of the comparateur (``rp``, ``rp_precedent``).
    source : callable
        Source line of an indicator key (``Diagnostic.source``).
    communes, names : DataFrame, dict
        Comparateur table and commune names, for :func:`evolution_note` (quoted in the note).

    Returns
    -------
    str
        The HTML table.
    """
    rp, rpp = vintages["rp"], vintages["rp_precedent"]
    keys = jobs_keys(vintages)
    evolution = evolution_note(communes, names, jobs)
    evolution_source = source(keys[2])
    unemployment_source = source("taux_de_chomage_15_64_ans")
    labels = [
        f"Emplois {rp}",
        f"dont salariés {rp}",
        f"Évolution des emplois {rpp}-{rp}",
        f"Taux de chômage des 15-64 ans {rp}",
    ]
    table = jobs[["territoire", *keys]].rename(
        columns={"territoire": "Territoire", **dict(zip(keys, labels, strict=True))}
    )
    return html_table(
        table,
        dict(zip(labels, [number, number, _signed_one, percent], strict=True)),
        title=f"Emplois au lieu de travail et chômage en {rp}",
        source=f"{evolution_source} ; chômage : {unemployment_source}",
        note="Emplois : salariés et non salariés, au lieu de travail, arrondis à l'unité "
        f"(estimations du recensement). {evolution} Taux de chômage : chômeurs de 15 à 64 ans / "
        "actifs de 15 à 64 ans, au lieu de résidence.",
    )


def establishments_table(establishments: pd.DataFrame, year: int, source: str) -> str:
    """Active establishments and the share of each of the five sectors, as HTML.

    Parameters
    ----------
    establishments : DataFrame
        ``Diagnostic.wide(ESTABLISHMENT_KEYS)``.
    year : int
        Flores year (establishments active on 31 December).
    source : str
        Source line.

    Returns
    -------
    str
        The HTML table.
    """
    labels = {f"part_etablissements_{s}": label for s, label in SECTOR_LABELS.items()}
    table = establishments[["territoire", *ESTABLISHMENT_KEYS]].rename(
        columns={
            "territoire": "Territoire",
            "etablissements_employeurs_flores": "Établissements employeurs",
            **labels,
        }
    )
    return html_table(
        table,
        {"Établissements employeurs": number, **{label: percent for label in labels.values()}},
        title=f"Établissements employeurs au 31 décembre {year} et part de chaque grand secteur",
        source=source,
        note="Établissements employeurs : au moins un salarié au cours de l'année (fichier "
        "Flores) ; les exploitations et entreprises sans salarié n'y sont pas. "
        "Parts en pourcentage des établissements employeurs de la zone (sections de la NAF : A "
        "agriculture ; B à E industrie ; F construction ; G à U hors O à Q commerce, transports "
        "et services divers ; O à Q administration, enseignement, santé, action sociale).",
    )


def establishments_alt(year: int) -> str:
    """Alternative text of the five-sector chart of establishments."""
    return (
        f"Barres empilées : répartition des établissements employeurs fin {year} entre cinq grands "
        "secteurs pour le territoire, ses intercommunalités et ses zones de comparaison."
    )


def jobs_map_alt(year: int) -> str:
    """Alternative text of the map of jobs by commune."""
    return (
        "Carte du territoire avec un cercle par commune, de surface proportionnelle au nombre "
        f"d'emplois au lieu de travail en {year} ; les plus gros cercles sont sur les "
        "villes-centres."
    )


def dominant_alt(year: int) -> str:
    """Alternative text of the map of the dominant sector."""
    return (
        "Carte de typologie des communes selon le grand secteur qui compte le plus "
        f"d'établissements employeurs fin {year} : agriculture dans la plupart des communes "
        "rurales, commerce, transports et services dans les bourgs et les villes."
    )


def dominant_note(communes: pd.DataFrame) -> str:
    """How to read the map of the dominant sector (median number of establishments)."""
    return (
        "Le secteur dominant est celui qui compte le plus d'établissements employeurs dans la "
        "commune, parmi les cinq grands secteurs. Une commune sur deux compte moins de "
        f"{number(communes['etablissements'].median())} établissements employeurs : dans les "
        "petites communes, quelques exploitations employeuses suffisent à faire de "
        "l'agriculture le secteur dominant."
    )


def unemployment_alt(year: int) -> str:
    """Alternative text of the map of unemployment."""
    return (
        "Carte des communes colorées selon le taux de chômage des 15-64 ans au sens du "
        f"recensement en {year}, en cinq classes de taux."
    )


def income_alt(year: int) -> str:
    """Alternative text of the map of median income."""
    return (
        "Carte des communes colorées selon leur revenu médian disponible par unité de "
        f"consommation en {year}, en cinq classes ; les communes soumises au secret statistique "
        "sont pointillées."
    )


def income_table(
    communes: pd.DataFrame, income: pd.DataFrame, vintages: Mapping[str, int], source: str
) -> str:
    """Median income and poverty rate of the 20 most populated communes, as HTML.

    Parameters
    ----------
    communes : DataFrame
        Commune table of ``data/processed`` (``CODGEO``, ``LIBELLE``, ``EPCI_NOM``, ``POP``).
    income : DataFrame
        Rows of :func:`ressol_analysis.economy.income_by_commune` for the territory: its
        communes are those of the table.
    vintages : mapping
        Vintages of the comparateur (``rp``, ``filosofi``).
    source : str
        Source line.

    Returns
    -------
    str
        The HTML table; secret and missing values read as such.
    """
    rp, filosofi = vintages["rp"], vintages["filosofi"]
    mine = communes[communes["CODGEO"].isin(income["CODGEO"])]
    largest = mine.nlargest(20, "POP")[["CODGEO", "LIBELLE", "EPCI_NOM", "POP"]]
    columns = ["LIBELLE", "EPCI_NOM", "POP", "revenu_median_affiche", "taux_pauvrete_affiche"]
    table = largest.merge(income, on="CODGEO")[columns].rename(
        columns={
            "LIBELLE": "Commune",
            "EPCI_NOM": "Intercommunalité",
            "POP": f"Population {rp}",
            "revenu_median_affiche": f"Revenu médian {filosofi} (€ par UC)",
            "taux_pauvrete_affiche": f"Taux de pauvreté {filosofi}",
        }
    )
    return html_table(
        table,
        {f"Population {rp}": number},
        title=(
            "Revenu médian et taux de pauvreté des 20 communes les plus peuplées "
            f"(sur {len(income)})"
        ),
        source=source,
        note="« secret » : chiffre non diffusé par l'Insee (secret statistique) ; « non "
        "disponible » : commune absente du fichier. Valeurs communales : elles ne se moyennent "
        "pas. Les autres communes figurent sur la carte ci-dessus (ces valeurs communales ne "
        "sont pas dans le fichier des indicateurs, qui décrit des zones).",
    )


def urssaf_table(by_year: pd.DataFrame, source: Callable[[str], str]) -> str:
    """Private salaried jobs of every covered area, first, last and every fifth year, as HTML.

    Parameters
    ----------
    by_year : DataFrame
        ``Diagnostic.urssaf_by_year`` (output of :func:`ressol_analysis.economy.urssaf_by_year`).
    source : callable
        Source line of an indicator key (``Diagnostic.source``).

    Returns
    -------
    str
        The HTML table; a total with a secret cell reads ``n.d.``.
    """
    years = sorted(by_year["annee"].unique())
    shown = [y for y in years if y in (years[0], years[-1]) or y % 5 == 0]
    table = (
        by_year[by_year["annee"].isin(shown)]
        .pivot_table(
            index="territoire",
            columns="annee",
            values="effectifs_salaries",
            aggfunc="first",
            sort=False,
        )
        .reset_index()
    )
    table.columns = ["Territoire", *[f"Salariés {y}" for y in table.columns[1:]]]
    return html_table(
        table,
        {c: number for c in table.columns[1:]},
        title="Effectifs salariés du secteur privé au 31 décembre",
        source=source("emplois_salaries_prives_urssaf"),
        note="n.d. : au moins une case couverte par le secret statistique dans la zone (le total "
        "n'est pas publié plutôt que d'être sous-estimé). Seules les zones entièrement couvertes "
        "par le fichier fourni figurent.",
    )


def sources_lines(sources: list[str], sirene_source: str) -> list[str]:
    """The « Sources » bullets of the chapter.

    Parameters
    ----------
    sources : list of str
        One line per raw file (``Diagnostic.source_list(SOURCE_KEYS)``).
    sirene_source : str
        ``Diagnostic.sirene_source`` (says when the establishments are synthetic).

    Returns
    -------
    list of str
        Markdown bullets.
    """
    return [
        *sources,
        f"**Établissements employeurs (Sirene)** — {sirene_source}.",
        "Quotient de localisation, indice de spécialisation, sphères présentielle et productive, "
        "filière agricole : définitions détaillées dans la documentation des indicateurs du "
        "projet (docs/indicateurs.md). Les sphères suivent la règle documentée du projet, pas la "
        "liste officielle de l'Insee.",
        "Les effectifs salariés de Sirene sont estimés au centre de la tranche d'effectifs "
        "déclarée : ce sont des ordres de grandeur, pas des emplois comptés.",
    ]
