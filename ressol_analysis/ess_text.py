"""French text and display tables of the ESS chapter, generated from the numbers.

Every figure in a sentence comes from the tables of :mod:`ressol_analysis.ess` (or the ITDD file
read by :func:`ressol_analysis.sources.sirene.read_itdd_ess`); nothing here is hard-coded but
the wording and the rules, which quote the constants of :mod:`ressol_analysis.ess`.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from .employers import BAND_MAX_AGE
from .errors import RessolError
from .ess_communes import SECRET_DOMINANCE, SECRET_MIN_COUNT
from .formatting import html_table, number, percent, points_gap, short_path
from .labels import FAMILY_LABELS, SYNTHETIC_MARK, sentence_case
from .sources.reference import FAMILIES

FAMILY_NOUNS = {
    "associations": "les associations",
    "cooperatives": "les coopératives",
    "mutuelles": "les mutuelles",
    "fondations": "les fondations",
    "organismes_non_lucratifs": "les autres organismes privés à but non lucratif",
    "autres": "les autres entreprises de l'ESS",
}
SOURCE_KEYS = ["itdd", "naf_table_passage", "categories_juridiques", "cog_communes", "epci"]
FAMILY_ALT = (
    "Barres horizontales empilées : répartition des emplois salariés estimés de l'ESS entre "
    "associations, coopératives, mutuelles, fondations et autres entreprises de l'ESS, pour le "
    "territoire, ses intercommunalités et les zones de comparaison."
)
METHOD_NOTE = (
    "Méthode détaillée, table des familles et limites des estimations : `docs/methode_ess.md`."
)
KEY_INDICATORS = [
    "etablissements_employeurs",
    "ess_etablissements_employeurs",
    "part_ess_etablissements_employeurs",
    "effectif_salarie_estime",
    "ess_effectif_salarie_estime",
    "ess_effectif_salarie_estime_bas",
    "ess_effectif_salarie_estime_haut",
    "part_ess_effectif_salarie_estime",
    "effectif_salarie_estime_bas",
    "effectif_salarie_estime_haut",
    "part_ess_effectif_salarie_estime_bas",
    "part_ess_effectif_salarie_estime_haut",
    "ess_etablissements_employeurs_perimetre_statistique",
    "part_ess_effectif_salarie_estime_perimetre_statistique",
]


def _compare(value: float, reference: float, name: str) -> str:
    """``« 1,7 point de plus qu'en Normandie (11,1 %) »``-style comparison of two shares."""
    if pd.isna(value) or pd.isna(reference):
        return f"comparaison avec {name} non disponible"
    return f"{points_gap(value - reference)} que la zone {name} ({percent(reference)})"


def data_banner(synthetic: bool, territory: str, yaml_path: str, vintage: str) -> str:
    """HTML banner saying which SIRENE data the chapter uses, and how to use the real files.

    Parameters
    ----------
    synthetic : bool
        Whether the chapter runs on the synthetic demonstration extract.
    territory : str
        Territory id, quoted in the command line.
    yaml_path : str
        The territory's YAML file, where the ``sirene:`` key can be set.
    vintage : str
        Vintage of the SIRENE stock (:attr:`Diagnostic.sirene_vintage`).

    Returns
    -------
    str
        A red framed warning when ``synthetic``, a discreet line naming the stock otherwise.
    """
    if not synthetic:
        return (
            '<p class="note"><strong>Données :</strong> '
            f"{escape(vintage)} — établissements réels du répertoire Sirene.</p>"
        )
    return (
        '<div style="border:3px solid #b00020;background:#fff4f4;padding:.8rem 1rem;'
        'margin:1rem 0;border-radius:4px">'
        f'<p style="margin:0 0 .4rem;color:#b00020;font-size:1.15rem;font-weight:bold">'
        f"⚠ {SYNTHETIC_MARK}</p>"
        '<p style="margin:0 0 .4rem">Ce chapitre est calculé sur un <strong>extrait fictif'
        "</strong> au format officiel de la base Sirene, produit pour montrer le rapport : les "
        "établissements, les chiffres, les cartes et les tableaux qui suivent <strong>ne "
        "décrivent pas la réalité</strong> du territoire et ne doivent pas être cités.</p>"
        '<p style="margin:0">Pour obtenir le vrai diagnostic, déposer dans un dossier les '
        "fichiers stock de l'Insee (<code>StockEtablissement</code> et "
        "<code>StockUniteLegale</code>, Parquet, CSV ou zip de data.gouv.fr) puis lancer "
        f"<code>ressol report --territory {escape(territory)} --sirene DOSSIER</code>, ou "
        f"indiquer ce dossier sous la clé <code>sirene:</code> du fichier "
        f"<code>{escape(short_path(yaml_path))}</code>.</p></div>"
    )


def key_figures_table(wide: pd.DataFrame) -> pd.DataFrame:
    """Key ESS figures of each area, ready for :func:`ressol_analysis.formatting.html_table`.

    Parameters
    ----------
    wide : DataFrame
        ``Diagnostic.wide(KEY_INDICATORS)``: ``territoire`` and the keys of
        :data:`KEY_INDICATORS`, one row per area.

    Returns
    -------
    DataFrame
        French column names; the low–high ranges of ESS jobs and of the ESS job share as text
        (``4 491 à 8 983``, ``6,9 à 22,7 %``).
    """
    missing = [k for k in ["territoire", *KEY_INDICATORS] if k not in wide.columns]
    if missing:
        raise RessolError(
            f"Le tableau des chiffres clés de l'ESS n'a pas la ou les colonne(s) "
            f"{', '.join(missing)} : passez Diagnostic.wide(KEY_INDICATORS)."
        )
    low = wide["ess_effectif_salarie_estime_bas"].map(number)
    high = wide["ess_effectif_salarie_estime_haut"].map(number)
    share_range = (
        wide["part_ess_effectif_salarie_estime_bas"].map(lambda v: number(v, 1))
        + " à "
        + wide["part_ess_effectif_salarie_estime_haut"].map(percent)
    )
    return pd.DataFrame(
        {
            "Zone": wide["territoire"],
            "Établissements employeurs": wide["etablissements_employeurs"],
            "dont ESS": wide["ess_etablissements_employeurs"],
            "Part ESS (établissements)": wide["part_ess_etablissements_employeurs"],
            "Emplois salariés estimés": wide["effectif_salarie_estime"],
            "dont ESS (estimation centrale)": wide["ess_effectif_salarie_estime"],
            "Fourchette ESS (basse à haute)": low + " à " + high,
            "Part ESS (emplois)": wide["part_ess_effectif_salarie_estime"],
            "Fourchette de la part ESS (emplois)": share_range,
        }
    ).reset_index(drop=True)


def key_findings(wide: pd.DataFrame, territory: str, reference: str) -> list[str]:
    """Three or four sentences on the weight of the ESS in the territory and its EPCIs.

    Parameters
    ----------
    wide : DataFrame
        ``Diagnostic.wide(KEY_INDICATORS)`` with ``territoire_code``, ``territoire`` and
        ``niveau``.
    territory : str
        Code of the territory described.
    reference : str
        Code of the comparison area quoted (usually the region).

    Returns
    -------
    list of str
        Sentences in French, figures in French format.
    """
    rows = wide.set_index("territoire_code")
    t, r = rows.loc[territory], rows.loc[reference]
    findings = [
        f"{t['territoire']} compte {number(t['etablissements_employeurs'])} établissements "
        f"employeurs, dont {number(t['ess_etablissements_employeurs'])} relèvent de l'ESS, soit "
        f"{percent(t['part_ess_etablissements_employeurs'])} — "
        f"{_compare(t['part_ess_etablissements_employeurs'], r['part_ess_etablissements_employeurs'], r['territoire'])}.",  # noqa: E501
        f"Ces établissements de l'ESS emploieraient environ "
        f"{number(t['ess_effectif_salarie_estime'])} salariés (entre "
        f"{number(t['ess_effectif_salarie_estime_bas'])} et "
        f"{number(t['ess_effectif_salarie_estime_haut'])} selon le bas ou le haut des tranches "
        f"d'effectifs), soit {percent(t['part_ess_effectif_salarie_estime'])} de l'emploi "
        "salarié estimé du territoire — "
        f"{_compare(t['part_ess_effectif_salarie_estime'], r['part_ess_effectif_salarie_estime'], r['territoire'])}.",  # noqa: E501
    ]
    share_range = _share_range(t)
    if share_range:
        findings.append(share_range)
    t_jobs, t_est = t["part_ess_effectif_salarie_estime"], t["part_ess_etablissements_employeurs"]
    if pd.notna(t_jobs) and pd.notna(t_est) and abs(t_jobs - t_est) >= 0.5:
        bigger = t_jobs > t_est
        findings.append(
            "Le poids de l'ESS est plus fort dans l'emploi que dans le nombre d'établissements : "
            "ses établissements sont en moyenne plus grands que les autres."
            if bigger
            else "Le poids de l'ESS est plus faible dans l'emploi que dans le nombre "
            "d'établissements : ses établissements sont en moyenne plus petits que les autres."
        )
    epcis = wide[wide["niveau"] == "epci"].dropna(subset=["part_ess_effectif_salarie_estime"])
    if len(epcis) > 1:
        high = epcis.loc[epcis["part_ess_effectif_salarie_estime"].idxmax()]
        low = epcis.loc[epcis["part_ess_effectif_salarie_estime"].idxmin()]
        findings.append(
            "Entre intercommunalités, la part de l'ESS dans l'emploi salarié estimé va de "
            f"{percent(low['part_ess_effectif_salarie_estime'])} ({low['territoire']}) à "
            f"{percent(high['part_ess_effectif_salarie_estime'])} ({high['territoire']})."
        )
    return findings


def _share_range(t: pd.Series) -> str | None:
    """The bounds of the ESS job share, and the share when every employer sits alike."""
    low, high = (
        t["part_ess_effectif_salarie_estime_bas"],
        t["part_ess_effectif_salarie_estime_haut"],
    )
    if pd.isna(low) or pd.isna(high):
        return None
    alike = [
        100 * t[f"ess_effectif_salarie_estime_{end}"] / t[f"effectif_salarie_estime_{end}"]
        for end in ("bas", "haut")
        if t[f"effectif_salarie_estime_{end}"] > 0
    ]
    sentence = (
        f"Les tranches d'effectifs ne permettent de situer cette part qu'entre {percent(low)} et "
        f"{percent(high)} (l'ESS au bas de ses tranches et les autres employeurs au haut des "
        "leurs, ou l'inverse)"
    )
    if len(alike) == 2:
        sentence += (
            " ; si tous les établissements occupent la même place dans leur tranche (tous au "
            f"bas, ou tous au haut), elle reste entre {percent(min(alike))} et "
            f"{percent(max(alike))}"
        )
    return sentence + "."


def family_table(wide: pd.DataFrame, territory: str) -> pd.DataFrame:
    """ESS employer establishments and estimated jobs by family for one area.

    Parameters
    ----------
    wide : DataFrame
        ``Diagnostic.wide()`` with ``territoire_code`` and the keys
        ``ess_etablissements_employeurs_<famille>``, ``ess_effectif_salarie_estime_<famille>``
        and ``ess_effectif_salarie_estime``.
    territory : str
        Code of the area.

    Returns
    -------
    DataFrame
        ``Famille``, ``Établissements employeurs``, ``Emplois salariés estimés``, ``Part des
        emplois de l'ESS`` (%), one row per family in :data:`ressol_analysis.ess.FAMILIES`
        order, then a total row.
    """
    row = wide.set_index("territoire_code").loc[territory]
    total = row["ess_effectif_salarie_estime"]
    jobs = [row[f"ess_effectif_salarie_estime_{f}"] for f in FAMILIES]
    table = pd.DataFrame(
        {
            "Famille": [FAMILY_LABELS[f] for f in FAMILIES],
            "Établissements employeurs": [
                row[f"ess_etablissements_employeurs_{f}"] for f in FAMILIES
            ],
            "Emplois salariés estimés": jobs,
            "Part des emplois de l'ESS": [
                100 * j / total if total > 0 else float("nan") for j in jobs
            ],
        }
    )
    totals = pd.DataFrame(
        {
            "Famille": ["Ensemble de l'ESS"],
            "Établissements employeurs": [row["ess_etablissements_employeurs"]],
            "Emplois salariés estimés": [total],
            "Part des emplois de l'ESS": [100.0 if total > 0 else float("nan")],
        }
    )
    return pd.concat([table, totals], ignore_index=True)


def family_findings(shares: pd.DataFrame, territory: str, reference: str, names: dict) -> list[str]:
    """Two sentences on the families of the ESS in the territory, against a reference area.

    Parameters
    ----------
    shares : DataFrame
        Output of :func:`ressol_analysis.ess.family_shares` (``territoire_code``, ``famille``,
        ``part``).
    territory, reference : str
        Codes of the territory and of the comparison area.
    names : dict
        Area code → name.

    Returns
    -------
    list of str
        The two first families against the reference, the others with their share, and
        the families without ESS job.
    """
    part = shares.set_index(["territoire_code", "famille"])["part"]
    own = part.loc[territory].reindex(list(FAMILIES))
    ranked = own.sort_values(ascending=False, kind="stable")
    first, second = ranked.index[0], ranked.index[1]
    lead = FAMILY_NOUNS[first]
    findings = [
        f"{lead[0].upper()}{lead[1:]} portent {percent(own[first])} des emplois estimés de "
        f"l'ESS de {names[territory]} ({names[reference]} : "
        f"{percent(part.loc[(reference, first)])}), devant {FAMILY_NOUNS[second]} "
        f"({percent(own[second])} ; {names[reference]} : "
        f"{percent(part.loc[(reference, second)])}).",
    ]
    others = [f for f in ranked.index[2:] if own[f] > 0]
    absent = [f for f in ranked.index[2:] if f not in others]
    if len(others) == 1:
        findings.append(f"Vient ensuite {FAMILY_NOUNS[others[0]]} ({percent(own[others[0]])}).")
    elif others:
        findings.append(
            "Viennent ensuite "
            + ", ".join(f"{FAMILY_NOUNS[f]} ({percent(own[f])})" for f in others[:-1])
            + f" et {FAMILY_NOUNS[others[-1]]} ({percent(own[others[-1]])})."
        )
    if absent:
        findings.append(
            f"Aucun emploi estimé de l'ESS dans {', '.join(FAMILY_NOUNS[f] for f in absent)}."
        )
    return findings


def sector_table(sectors: pd.DataFrame, level: str) -> pd.DataFrame:
    """ESS by sector for one area, ready for :func:`ressol_analysis.formatting.html_table`.

    Parameters
    ----------
    sectors : DataFrame
        Rows of one area from :func:`ressol_analysis.ess.ess_by_sector`.
    level : str
        Sector level (``A21``, ``A38``).

    Returns
    -------
    DataFrame
        ``Secteur`` (label in sentence case, then the code), employer establishments (all,
        ESS, ESS share), estimated jobs (all, ESS, ESS share) and the share of the sector in
        the ESS jobs, in code order.
    """
    table = sectors.sort_values(level, kind="stable")
    labels = table["libelle"].astype(str).map(sentence_case)
    return pd.DataFrame(
        {
            "Secteur": labels + " (" + table[level].astype(str) + ")",
            "Établissements employeurs": table["etablissements_employeurs"],
            "dont ESS": table["ess_etablissements_employeurs"],
            "Part ESS (établ.)": table["part_ess_etablissements_employeurs"],
            "Emplois estimés": table["effectif_salarie_estime"],
            "Emplois ESS": table["ess_effectif_salarie_estime"],
            "Part ESS (emplois)": table["part_ess_effectif_salarie_estime"],
            "Part du secteur dans l'ESS": table["part_secteur_dans_ess"],
        }
    ).reset_index(drop=True)


def sector_findings(sectors: pd.DataFrame, majority: float = 50.0) -> list[str]:
    """Sentences on where the ESS works: its main sectors and the sectors it dominates.

    Parameters
    ----------
    sectors : DataFrame
        Rows of one area from :func:`ressol_analysis.ess.ess_by_sector`.
    majority : float
        ESS share of a sector's jobs (%) from which the ESS is said to be majority.

    Returns
    -------
    list of str
    """
    ranked = sectors[sectors["ess_effectif_salarie_estime"] > 0].sort_values(
        "ess_effectif_salarie_estime", ascending=False, kind="stable"
    )
    if ranked.empty:
        return ["Aucun emploi salarié de l'ESS n'est estimé dans ce territoire."]
    top = ranked.iloc[0]
    findings = [
        f"Le premier secteur de l'ESS est « {sentence_case(str(top['libelle'])).lower()} » : "
        f"{percent(top['part_secteur_dans_ess'])} de ses emplois estimés "
        f"({number(top['ess_effectif_salarie_estime'])} emplois), et l'ESS y représente "
        f"{percent(top['part_ess_effectif_salarie_estime'])} de l'emploi du secteur."
    ]
    if len(ranked) >= 3:
        cumulated = ranked["part_secteur_dans_ess"].iloc[:3].sum()
        names = [f"« {sentence_case(str(x)).lower()} »" for x in ranked["libelle"].iloc[1:3]]
        findings.append(
            f"Avec {names[0]} et {names[1]}, les trois premiers secteurs réunissent "
            f"{percent(cumulated)} de l'emploi estimé de l'ESS."
        )
    dominated = sectors[sectors["part_ess_effectif_salarie_estime"] >= majority]
    if not dominated.empty:
        listed = ", ".join(
            f"« {sentence_case(str(x['libelle'])).lower()} » "
            f"({percent(x['part_ess_effectif_salarie_estime'], 0)})"
            for _, x in dominated.sort_values(
                "part_ess_effectif_salarie_estime", ascending=False, kind="stable"
            ).iterrows()
        )
        findings.append(
            f"L'ESS fait au moins {percent(majority, 0)} de l'emploi estimé de "
            f"{'ce secteur' if len(dominated) == 1 else 'ces secteurs'} : {listed}."
        )
    return findings


def band_findings(
    bands: pd.DataFrame, small: tuple[str, ...] = ("00", "01", "02", "03")
) -> list[str]:
    """Sentences on the size of ESS employers.

    Parameters
    ----------
    bands : DataFrame
        Rows of one area from :func:`ressol_analysis.ess.ess_by_band` (``tranche``,
        ``etablissements_employeurs``, ``ess_etablissements_employeurs``,
        ``ess_effectif_salarie_estime``).
    small : tuple of str
        Band codes of « small » establishments (default: fewer than 10 employees).

    Returns
    -------
    list of str
    """
    is_small = bands["tranche"].isin(small)
    ess_total = bands["ess_etablissements_employeurs"].sum()
    all_total = bands["etablissements_employeurs"].sum()
    jobs_total = bands["ess_effectif_salarie_estime"].sum()
    if ess_total == 0:
        return ["Aucun établissement employeur de l'ESS dans ce territoire."]
    small_ess = 100 * bands.loc[is_small, "ess_etablissements_employeurs"].sum() / ess_total
    small_all = 100 * bands.loc[is_small, "etablissements_employeurs"].sum() / all_total
    big_jobs = (
        100 * bands.loc[~is_small, "ess_effectif_salarie_estime"].sum() / jobs_total
        if jobs_total > 0
        else float("nan")
    )
    return [
        f"{percent(small_ess)} des établissements employeurs de l'ESS ont moins de 10 salariés "
        f"(tous employeurs confondus : {percent(small_all)}).",
        f"Les établissements de l'ESS de 10 salariés ou plus concentrent pourtant "
        f"{percent(big_jobs)} de ses emplois estimés.",
    ]


def rules(notes: list[str] | None = None) -> list[str]:
    """The counting rules of the chapter in plain French (``docs/methode_ess.md``).

    Parameters
    ----------
    notes : list of str, optional
        The run's notes on the SIRENE input (employer rule used, codes worked around:
        ``Diagnostic.sirene_notes``), appended after the rules.

    Returns
    -------
    list of str
        Markdown bullets; the thresholds of statistical secrecy and of the band's age come
        from :mod:`ressol_analysis.ess`.
    """
    return [
        "**Établissements retenus** : ceux qui sont actifs dans le répertoire Sirene ; une "
        "ancienne commune fusionnée compte dans sa commune nouvelle, un arrondissement de "
        "Paris, Lyon ou Marseille dans sa commune ; les établissements à l'étranger sont "
        "ignorés.",
        "**Employeur** : le répertoire le déclare employeur (caractère employeur « O » ; à "
        "défaut, tranche d'effectifs renseignée et différente de « non employeur »), sauf si sa "
        f"tranche d'effectifs a plus de {BAND_MAX_AGE} ans de retard sur la plus récente du "
        "fichier (unité sans salarié déclaré depuis longtemps) ou porte un code inconnu ; un "
        "établissement « 0 salarié » est compté, avec 0 emploi.",
        "**ESS** : l'unité légale porte l'indicateur « économie sociale et solidaire » de Sirene "
        "(loi du 31 juillet 2014). Le périmètre statistique de l'Insee, montré à côté pour "
        "comparaison, retient les cinq familles par leur forme juridique, avec ou sans "
        "l'indicateur, sans les sociétés commerciales de l'ESS, et écarte l'administration "
        "publique et les organisations patronales, syndicales, politiques et religieuses.",
        "**Familles** : la catégorie juridique donne la famille — associations, coopératives "
        "(y compris banques coopératives et coopératives agricoles), mutuelles, fondations, "
        "autres organismes privés à but non lucratif (comités sociaux et économiques, "
        "groupements d'employeurs…) ; les autres entreprises de l'ESS (sociétés commerciales "
        "déclarées ESS) sont « autres » ; une catégorie absente de la nomenclature de l'Insee "
        "prend la famille de son groupe (deux premiers chiffres, sinon premier chiffre).",
        "**Emplois** : chaque établissement reçoit une estimation basse, centrale et haute "
        "tirée de sa tranche d'effectifs ; le texte cite l'estimation centrale. Le milieu de "
        "tranche surestime en général l'effectif réel (dans une tranche, les petits "
        "établissements sont plus nombreux que les grands) : les emplois estimés sont plutôt "
        "trop hauts, pour l'ESS comme pour les autres employeurs. La part de l'ESS n'en est "
        "faussée que si l'ESS et les autres employeurs se placent différemment dans leurs "
        "tranches ; sa fourchette donne les deux extrêmes.",
        "**Parts** : établissements (ou emplois) de l'ESS rapportés à tous les établissements "
        "employeurs (ou emplois) de la même zone, avec les mêmes règles.",
        f"**Secret statistique** : l'emploi d'une commune est masqué quand il repose sur moins "
        f"de {SECRET_MIN_COUNT} établissements ou qu'un seul établissement en fait plus de "
        f"{percent(100 * SECRET_DOMINANCE, 0)} ; une seconde commune de la même "
        "intercommunalité est masquée si nécessaire pour que le total ne révèle rien. Les "
        "totaux du territoire, des intercommunalités et des zones de comparaison sont publiés.",
    ] + ([f"**Dans ce calcul** : {' '.join(notes)}"] if notes else [])


def directory_note(directory: pd.DataFrame, territory: str, synthetic: bool) -> str:
    """Note on the directory of ESS employers, produced apart from the report.

    Parameters
    ----------
    directory : DataFrame
        ``Diagnostic.ess_directory`` (its ``attrs["non_listes"]`` counts the ESS employers
        counted but never listed: not public, natural persons).
    territory : str
        Territory id, quoted in the command line.
    synthetic : bool
        Whether the directory is built from synthetic data.

    Returns
    -------
    str
        Markdown paragraph; no name is quoted.
    """
    listed, hidden = len(directory), int(directory.attrs.get("non_listes", 0))
    text = (
        "**Annuaire des employeurs de l'ESS.** Pour identifier et mobiliser les acteurs, "
        f"l'annuaire des {number(listed)} établissements employeurs de l'ESS du territoire "
        "(nom, commune, activité, famille, tranche d'effectifs) se produit à part, pour le "
        f"travail du réseau : `ressol annuaire --territory {territory}` (fichiers CSV et Excel "
        "dans le dossier `travail/`). Il n'est pas joint à ce rapport : avec les tableaux par "
        "commune, il permettrait de retrouver les chiffres couverts par le secret statistique. "
        "Aucun nom n'est cité ici."
    )
    if hidden:
        text += (
            f" {number(hidden)} employeur{'s' if hidden > 1 else ''} de l'ESS "
            f"{'sont comptés' if hidden > 1 else 'est compté'} dans les chiffres mais "
            f"{'ne sont' if hidden > 1 else 'n’est'} pas listé{'s' if hidden > 1 else ''} : "
            "données non diffusées publiquement (statut de diffusion autre que « O ») ou "
            "personne physique (entrepreneur individuel, indivision)."
        )
    if synthetic:
        text += (
            " Sur la démonstration, l'annuaire est fictif et porte la mention "
            f"« {SYNTHETIC_MARK} »."
        )
    return text


# ---------------------------------------------------------------------------------------------
# The chapter's tables as HTML, and its captions


def key_figures_html(wide: pd.DataFrame, source: str, mark: str) -> str:
    """Key ESS figures of every area (:func:`key_figures_table`) as an HTML table.

    Parameters
    ----------
    wide : DataFrame
        ``Diagnostic.wide(KEY_INDICATORS)``.
    source : str
        Source line.
    mark : str
        ``Diagnostic.title_mark`` (synthetic-data mark after the title).

    Returns
    -------
    str
        The HTML table.
    """
    return html_table(
        key_figures_table(wide),
        {
            "Établissements employeurs": number,
            "dont ESS": number,
            "Part ESS (établissements)": percent,
            "Emplois salariés estimés": number,
            "dont ESS (estimation centrale)": number,
            "Part ESS (emplois)": percent,
        },
        title="Établissements employeurs et emplois salariés estimés de l'ESS" + mark,
        source=source,
        note="Emplois : estimation d'après la tranche d'effectifs de chaque établissement "
        "(valeur centrale ; fourchette basse à haute). Parts : ESS / ensemble des établissements "
        "employeurs (ou des emplois estimés) de la même zone. Fourchette de la part : l'ESS au "
        "bas de ses tranches et les autres employeurs au haut des leurs, puis l'inverse.",
    )


def family_html(wide: pd.DataFrame, territory: str, name: str, source: str, mark: str) -> str:
    """The ESS by family in one area (:func:`family_table`) as an HTML table.

    Parameters
    ----------
    wide : DataFrame
        ``Diagnostic.wide()``.
    territory, name : str
        Code and name of the area.
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
        family_table(wide, territory),
        {
            "Établissements employeurs": number,
            "Emplois salariés estimés": number,
            "Part des emplois de l'ESS": percent,
        },
        title=f"L'ESS par famille — {name}" + mark,
        source=source,
    )


def sectors_alt(name: str) -> str:
    """Alternative text of the two-panel chart of the ESS by sector (NAF A21)."""
    return (
        "Deux diagrammes en barres par secteur d'activité (NAF A21) pour "
        f"{name} : emplois salariés estimés de l'ESS, et part de l'ESS dans l'emploi estimé de "
        "chaque secteur."
    )


SECTORS_SHOWN = 10
SECTORS_FILE = "ess_par_secteur.csv"


def top_sectors(table: pd.DataFrame, count: int = SECTORS_SHOWN) -> pd.DataFrame:
    """The sectors with the most ESS jobs, the others summed into one last row.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`sector_table`.
    count : int
        Sectors kept, by decreasing ESS jobs (then decreasing jobs).

    Returns
    -------
    DataFrame
        Same columns; ``count`` rows and « Autres secteurs (n) » whose counts are the sums of
        the others and whose shares are recomputed from those sums. Unchanged when the table
        has no more than ``count + 1`` rows.
    """
    if len(table) <= count + 1:
        return table
    ranked = table.sort_values(["Emplois ESS", "Emplois estimés"], ascending=False, kind="stable")
    kept, rest = ranked.head(count), ranked.iloc[count:]
    sums = rest[["Établissements employeurs", "dont ESS", "Emplois estimés", "Emplois ESS"]].sum()
    ess_jobs = table["Emplois ESS"].sum()

    def share(part: float, whole: float) -> float:
        return 100 * part / whole if whole else float("nan")

    other = {
        "Secteur": f"Autres secteurs ({len(rest)})",
        **sums.to_dict(),
        "Part ESS (établ.)": share(sums["dont ESS"], sums["Établissements employeurs"]),
        "Part ESS (emplois)": share(sums["Emplois ESS"], sums["Emplois estimés"]),
        "Part du secteur dans l'ESS": share(sums["Emplois ESS"], ess_jobs),
    }
    return pd.concat([kept, pd.DataFrame([other])], ignore_index=True)[list(table.columns)]


def sector_html(sectors: pd.DataFrame, level: str, name: str, source: str, mark: str) -> str:
    """The sectors with the most ESS jobs in one area (:func:`top_sectors`) as an HTML table.

    The full table is written beside the report (:data:`SECTORS_FILE`).

    Parameters
    ----------
    sectors : DataFrame
        Rows of one area from :func:`ressol_analysis.ess.ess_by_sector`.
    level : str
        Sector level (``A38``).
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
    full = sector_table(sectors, level)
    shown = top_sectors(full)
    cut = len(shown) < len(full)
    return html_table(
        shown,
        {
            "Établissements employeurs": number,
            "dont ESS": number,
            "Part ESS (établ.)": percent,
            "Emplois estimés": number,
            "Emplois ESS": number,
            "Part ESS (emplois)": percent,
            "Part du secteur dans l'ESS": percent,
        },
        title=(
            f"L'ESS par secteur d'activité (NAF {level}) — {name} : les {SECTORS_SHOWN} secteurs "
            "qui comptent le plus d'emplois de l'ESS"
            if cut
            else f"L'ESS par secteur d'activité (NAF {level}) — {name}"
        )
        + mark,
        source=source,
        note="Secteurs ayant au moins un établissement employeur. « Part ESS » : poids de l'ESS "
        "dans le secteur ; « Part du secteur dans l'ESS » : part des emplois estimés de l'ESS du "
        "territoire dans ce secteur."
        + (
            f" Le tableau complet ({len(full)} secteurs) est dans le fichier {SECTORS_FILE} "
            "livré avec le rapport."
            if cut
            else ""
        ),
    )


def bands_alt(name: str) -> str:
    """Alternative text of the two-panel chart of the ESS by headcount band."""
    return (
        "Deux diagrammes en barres par tranche d'effectifs salariés pour "
        f"{name} : nombre d'établissements employeurs de l'ESS, et part de l'ESS parmi les "
        "employeurs de chaque tranche."
    )


def sources_lines(
    sirene_source: str,
    vintage: str,
    synthetic: bool,
    sources: list[str],
    moved: pd.DataFrame,
    cog: int,
) -> list[str]:
    """The « Sources » bullets of the chapter, with the old commune codes moved.

    Parameters
    ----------
    sirene_source, vintage : str
        Source line and vintage of the SIRENE stock.
    synthetic : bool
        Whether the stock is the synthetic extract (its vintage is then not repeated).
    sources : list of str
        One line per raw file (``Diagnostic.source_list(SOURCE_KEYS)``).
    moved : DataFrame
        ``code_ancien``, ``code_actuel``, ``etablissements`` of the territory's establishments
        whose commune code was moved to the current COG.
    cog : int
        Year of the current COG.

    Returns
    -------
    list of str
        Markdown bullets.
    """
    lines = [f"**Répertoire Sirene** — {sirene_source}" + ("." if synthetic else f" ({vintage}).")]
    lines += sources
    if moved.empty:
        lines.append(
            "Géographie : toutes les communes des établissements du territoire sont dans le "
            f"Code officiel géographique {cog}."
        )
    else:
        pairs = ", ".join(f"{a} → {b} ({n})" for a, b, n in moved.itertuples(index=False))
        lines.append(
            f"Géographie : {int(moved['etablissements'].sum())} établissement(s) du territoire "
            "portaient un ancien code commune, ramené au Code officiel géographique "
            f"{cog} (ancien → actuel, nombre d'établissements) : {pairs}."
        )
    return lines
