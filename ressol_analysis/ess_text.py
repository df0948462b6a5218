"""French text and display tables of the ESS chapter, generated from the numbers.

Every figure in a sentence comes from the tables of :mod:`ressol_analysis.ess` (or the ITDD file
read by :func:`ressol_analysis.sources.sirene.read_itdd_ess`); nothing here is hard-coded but
the wording and the rules, which quote the constants of :mod:`ressol_analysis.ess`.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from .errors import RessolError
from .ess import SECRET_DOMINANCE, SECRET_MIN_COUNT
from .formatting import number, percent, points, points_gap
from .labels import FAMILY_LABELS, SYNTHETIC_MARK, sentence_case
from .sources.reference import FAMILIES, bands_table

SECRET_LABEL = "secret"
FAMILY_NOUNS = {
    "associations": "les associations",
    "cooperatives": "les coopératives",
    "mutuelles": "les mutuelles",
    "fondations": "les fondations",
    "autres": "les autres entreprises de l'ESS",
}
EXAMPLE_BAND = "12"  # band quoted to explain the central estimate
# Area codes of the comparison areas → level of the ITDD file (``dep-50`` → département 50).
ITDD_LEVELS = {"dep": "departement", "reg": "region"}
KEY_INDICATORS = [
    "etablissements_employeurs",
    "ess_etablissements_employeurs",
    "part_ess_etablissements_employeurs",
    "effectif_salarie_estime",
    "ess_effectif_salarie_estime",
    "ess_effectif_salarie_estime_bas",
    "ess_effectif_salarie_estime_haut",
    "part_ess_effectif_salarie_estime",
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
        f"<code>{escape(yaml_path)}</code>.</p></div>"
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
        French column names; the low–high range of ESS jobs as text (``4 491 à 8 983``).
    """
    missing = [k for k in ["territoire", *KEY_INDICATORS] if k not in wide.columns]
    if missing:
        raise RessolError(
            f"Le tableau des chiffres clés de l'ESS n'a pas la ou les colonne(s) "
            f"{', '.join(missing)} : passez Diagnostic.wide(KEY_INDICATORS)."
        )
    low = wide["ess_effectif_salarie_estime_bas"].map(number)
    high = wide["ess_effectif_salarie_estime_haut"].map(number)
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
    others = list(ranked.index[2:])
    findings.append(
        "Viennent ensuite "
        + ", ".join(f"{FAMILY_NOUNS[f]} ({percent(own[f])})" for f in others[:-1])
        + f" et {FAMILY_NOUNS[others[-1]]} ({percent(own[others[-1]])})."
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


def itdd_key(area: str) -> tuple[str, str] | None:
    """ITDD level and code of an area code (``dep-50`` → ``("departement", "50")``).

    Parameters
    ----------
    area : str
        Area code of the territory file.

    Returns
    -------
    tuple of str, or None
        ``None`` for areas that the ITDD file does not describe (territory, EPCI, groups of
        départements).
    """
    prefix, _, code = area.partition("-")
    level = ITDD_LEVELS.get(prefix)
    return (level, code) if level and code else None


def official_anchor(itdd: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """INSEE's official ESS share (ITDD, 2008 and 2014) next to the SIRENE estimate.

    Parameters
    ----------
    itdd : DataFrame
        Output of :func:`ressol_analysis.sources.sirene.read_itdd_ess`.
    wide : DataFrame
        ``Diagnostic.wide(["part_ess_effectif_salarie_estime"])`` (``territoire_code``,
        ``territoire``).

    Returns
    -------
    DataFrame
        ``territoire_code``, ``territoire``, ``part_ess_2008``, ``part_ess_2014`` (official,
        % of salaried jobs), ``part_ess_sirene`` (estimate, %), ``ecart`` (estimate − 2014, in
        points); one row per area that the ITDD describes, in the order of ``wide``.

    Raises
    ------
    RessolError
        If an area described by a département or region code is absent from the ITDD file.
    """
    rows = []
    official = itdd.set_index(["niveau", "code"])
    for _, area in wide.iterrows():
        key = itdd_key(str(area["territoire_code"]))
        if key is None:
            continue
        if key not in official.index:
            raise RessolError(
                f"Zone {area['territoire_code']} ({key[0]} {key[1]}) absente du fichier ITDD de "
                "l'Insee : restaurez le fichier officiel ou retirez cette zone de comparaison."
            )
        found = official.loc[key]
        rows.append(
            {
                "territoire_code": area["territoire_code"],
                "territoire": area["territoire"],
                "part_ess_2008": float(found["part_ess_2008"]),
                "part_ess_2014": float(found["part_ess_2014"]),
                "part_ess_sirene": float(area["part_ess_effectif_salarie_estime"]),
            }
        )
    table = pd.DataFrame(
        rows,
        columns=[
            "territoire_code",
            "territoire",
            "part_ess_2008",
            "part_ess_2014",
            "part_ess_sirene",
        ],
    )
    return table.assign(ecart=table["part_ess_sirene"] - table["part_ess_2014"])


def anchor_findings(anchor: pd.DataFrame, synthetic: bool) -> list[str]:
    """Sentences comparing the SIRENE estimate with INSEE's official shares.

    Parameters
    ----------
    anchor : DataFrame
        Output of :func:`official_anchor`.
    synthetic : bool
        Whether the estimate comes from synthetic data (then calibrated on the ITDD, so that
        the agreement proves nothing).

    Returns
    -------
    list of str
    """
    findings = []
    for _, row in anchor.iterrows():
        trend = row["part_ess_2014"] - row["part_ess_2008"]
        findings.append(
            f"{row['territoire']} : l'Insee mesurait un poids de l'économie sociale de "
            f"{percent(row['part_ess_2014'])} de l'emploi salarié en 2014 "
            f"({percent(row['part_ess_2008'])} en 2008, "
            f"{points(trend)} {'de plus' if trend >= 0 else 'de moins'}) ; l'estimation tirée de "
            f"Sirene donne {percent(row['part_ess_sirene'])}, "
            f"{points(row['ecart'])} {'au-dessus' if row['ecart'] >= 0 else 'au-dessous'}."
        )
    if synthetic:
        findings.append(
            "Sur les données de démonstration, l'écart ne prouve rien : le générateur d'extrait "
            "fictif est calé sur ces chiffres de l'Insee."
        )
    return findings


def anchor_differences(area_name: str) -> list[str]:
    """What differs between INSEE's official ESS share (ITDD) and the SIRENE estimate.

    Parameters
    ----------
    area_name : str
        Name of the territory, which has no official figure.

    Returns
    -------
    list of str
        Plain-French bullets: perimeter, year, counting, denominator, geography.
    """
    band = bands_table().set_index("tranche").loc[EXAMPLE_BAND]
    return [
        "**Périmètre** : l'Insee compte l'« économie sociale » par forme juridique "
        "(associations, coopératives, mutuelles, fondations, hors administrations, syndicats, "
        "cultes et partis) ; l'estimation retient les unités qui portent l'indicateur ESS de "
        "Sirene (loi de 2014), entreprises commerciales de l'ESS comprises.",
        "**Année** : 2014 et 2008 pour l'Insee (Clap) ; pour Sirene, le stock le plus récent, "
        "dont les tranches d'effectifs datent souvent d'un à trois ans plus tôt.",
        "**Emplois comptés ou estimés** : l'Insee compte des postes salariés ; ici, chaque "
        "établissement reçoit le milieu de sa tranche d'effectifs (« "
        f"{band['libelle']} » vaut {number(band['effectif_central'], 1)}), "
        "d'où la fourchette basse–haute.",
        "**Dénominateur** : tous les emplois salariés pour l'Insee ; ici, les établissements "
        "employeurs de Sirene, secteur public compris, mais sans ceux dont la tranche est "
        "inconnue.",
        "**Géographie** : l'Insee publie ces parts pour les départements et les régions "
        f"seulement ; c'est pourquoi {area_name} et ses intercommunalités n'ont pas de "
        "chiffre officiel.",
    ]


def commune_display(
    table: pd.DataFrame, total: pd.Series | None = None, names: str = "LIBELLE"
) -> pd.DataFrame:
    """Commune table with secrecy shown as « secret », for :func:`formatting.html_table`.

    Parameters
    ----------
    table : DataFrame
        Rows of :func:`ressol_analysis.ess.commune_table`, with a commune name column.
    total : Series, optional
        The unmasked total of the group (a row of ``Diagnostic.wide(KEY_INDICATORS)``, with
        ``territoire``), appended as a last row « Ensemble : … ».
    names : str
        Name of the commune name column.

    Returns
    -------
    DataFrame
        Text columns (French format), masked cells reading ``secret``; same row order.
    """

    def masked(values: pd.Series, secret: pd.Series, fmt) -> pd.Series:
        return values.map(fmt).where(~secret, SECRET_LABEL)

    share_secret = table["secret_ess"] | table["secret_total"]
    shown = pd.DataFrame(
        {
            "Commune": table[names],
            "Établissements employeurs": table["etablissements_employeurs"].map(number),
            "dont ESS": table["ess_etablissements_employeurs"].map(number),
            "Emplois estimés": masked(
                table["effectif_salarie_estime"], table["secret_total"], number
            ),
            "Emplois ESS": masked(
                table["ess_effectif_salarie_estime"], table["secret_ess"], number
            ),
            "Part ESS (emplois)": masked(
                table["part_ess_effectif_salarie_estime"], share_secret, percent
            ),
        }
    ).reset_index(drop=True)
    if total is None:
        return shown
    last = {
        "Commune": f"Ensemble : {total['territoire']}",
        "Établissements employeurs": number(total["etablissements_employeurs"]),
        "dont ESS": number(total["ess_etablissements_employeurs"]),
        "Emplois estimés": number(total["effectif_salarie_estime"]),
        "Emplois ESS": number(total["ess_effectif_salarie_estime"]),
        "Part ESS (emplois)": percent(total["part_ess_effectif_salarie_estime"]),
    }
    return pd.concat([shown, pd.DataFrame([last])], ignore_index=True)


def rules() -> list[str]:
    """The counting rules of the chapter in plain French (``docs/methode_ess.md``).

    Returns
    -------
    list of str
        Markdown bullets; the thresholds of statistical secrecy come from
        :mod:`ressol_analysis.ess`.
    """
    return [
        "**Établissements retenus** : ceux qui sont actifs dans le répertoire Sirene ; une "
        "ancienne commune fusionnée compte dans sa commune nouvelle.",
        "**Employeur** : la tranche d'effectifs salariés est renseignée et n'est pas « non "
        "employeur » ; un établissement « 0 salarié » (employeur dans l'année, sans salarié au "
        "31 décembre) est compté, avec 0 emploi.",
        "**ESS** : l'unité légale porte l'indicateur « économie sociale et solidaire » de Sirene "
        "(loi du 31 juillet 2014).",
        "**Familles** : la catégorie juridique donne la famille — associations, coopératives "
        "(y compris banques coopératives et coopératives agricoles), mutuelles, fondations ; "
        "les autres entreprises de l'ESS (sociétés commerciales déclarées ESS) sont « autres ».",
        "**Emplois** : chaque établissement reçoit une estimation basse, centrale et haute "
        "tirée de sa tranche d'effectifs ; le texte cite l'estimation centrale.",
        "**Parts** : établissements (ou emplois) de l'ESS rapportés à tous les établissements "
        "employeurs (ou emplois) de la même zone, avec les mêmes règles.",
        f"**Secret statistique** : l'emploi d'une commune est masqué quand il repose sur moins "
        f"de {SECRET_MIN_COUNT} établissements ou qu'un seul établissement en fait plus de "
        f"{percent(100 * SECRET_DOMINANCE, 0)} ; une seconde commune de la même "
        "intercommunalité est masquée si nécessaire pour que le total ne révèle rien. Les "
        "totaux du territoire, des intercommunalités et des zones de comparaison sont publiés.",
    ]


def directory_note(listed: int, hidden: int, synthetic: bool) -> str:
    """Note on the directory of ESS employers, exported apart from the report.

    Parameters
    ----------
    listed : int
        ESS employer establishments listed in the directory.
    hidden : int
        ESS employers counted but never listed (partial diffusion, natural persons).
    synthetic : bool
        Whether the directory is built from synthetic data.

    Returns
    -------
    str
        Markdown paragraph; no name is quoted.
    """
    text = (
        "**Annuaire des employeurs de l'ESS.** Pour identifier et mobiliser les acteurs, "
        f"l'annuaire des {number(listed)} établissements employeurs de l'ESS du territoire "
        "(nom, commune, activité, famille, tranche d'effectifs) est fourni à part, aux formats "
        "CSV et Excel (`annuaire_ess.csv`, `annuaire_ess.xlsx`), à côté de ce rapport ; aucun "
        "nom n'est cité ici."
    )
    if hidden:
        text += (
            f" {number(hidden)} employeur{'s' if hidden > 1 else ''} de l'ESS "
            f"{'sont comptés' if hidden > 1 else 'est compté'} dans les chiffres mais "
            f"{'ne sont' if hidden > 1 else 'n’est'} pas listé{'s' if hidden > 1 else ''} : "
            "diffusion restreinte à leur demande ou personne physique."
        )
    if synthetic:
        text += (
            " Sur la démonstration, l'annuaire est fictif et porte la mention "
            f"« {SYNTHETIC_MARK} »."
        )
    return text


__all__ = [
    "KEY_INDICATORS",
    "anchor_differences",
    "anchor_findings",
    "band_findings",
    "commune_display",
    "data_banner",
    "directory_note",
    "family_findings",
    "family_table",
    "itdd_key",
    "key_figures_table",
    "key_findings",
    "official_anchor",
    "rules",
    "sector_findings",
    "sector_table",
]
