"""INSEE's official ESS shares next to the SIRENE estimate: table, findings, what differs.

INSEE publishes the weight of the social economy in salaried jobs only for départements and
regions (ITDD file, 2008 and 2014, read by
:func:`ressol_analysis.sources.sirene.read_itdd_ess`); the chapter shows them beside the
estimate drawn from SIRENE, for the comparison areas they describe.
"""

from __future__ import annotations

import pandas as pd

from .errors import RessolError
from .formatting import html_table, number, percent, points
from .sources.manifest import RawFile
from .sources.reference import bands_table

EXAMPLE_BAND = "12"  # band quoted to explain the central estimate
# Area codes of the comparison areas → level of the ITDD file (``dep-50`` → département 50).
ITDD_LEVELS = {"dep": "departement", "reg": "region"}
ANCHOR_ALT = (
    "Diagramme en barres groupées : part de l'ESS dans l'emploi salarié selon l'Insee en 2008 "
    "et 2014, et selon l'estimation tirée de Sirene, pour le département et la région."
)
ANCHOR_DIFFERENCES = "**Ce qui diffère entre les deux chiffres :**"


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
    estimate = (
        "l'estimation tirée de l'extrait Sirene de démonstration (chiffres fictifs)"
        if synthetic
        else "l'estimation tirée de Sirene"
    )
    for _, row in anchor.iterrows():
        trend = row["part_ess_2014"] - row["part_ess_2008"]
        findings.append(
            f"{row['territoire']} : l'Insee mesurait un poids de l'économie sociale de "
            f"{percent(row['part_ess_2014'])} de l'emploi salarié en 2014 "
            f"({percent(row['part_ess_2008'])} en 2008, "
            f"{points(trend)} {'de plus' if trend >= 0 else 'de moins'}) ; {estimate} donne "
            f"{percent(row['part_ess_sirene'])}, "
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


def anchor_html(
    anchor: pd.DataFrame,
    itdd: RawFile,
    source: str,
    vintage: str,
    synthetic: bool,
    mark: str,
) -> str:
    """INSEE's official ESS shares next to the SIRENE estimate (:func:`official_anchor`), HTML.

    Parameters
    ----------
    anchor : DataFrame
        Output of :func:`official_anchor`.
    itdd : RawFile
        Manifest entry of the ITDD file (its citation and title are quoted).
    source : str
        Source line of the SIRENE estimate.
    vintage : str
        Vintage of the SIRENE stock, named when the stock is real.
    synthetic : bool
        Whether the estimate comes from the synthetic extract.
    mark : str
        ``Diagnostic.title_mark``.

    Returns
    -------
    str
        The HTML table.
    """
    table = anchor[["territoire", "part_ess_2008", "part_ess_2014", "part_ess_sirene", "ecart"]]
    table = table.rename(
        columns={
            "territoire": "Zone",
            "part_ess_2008": "Insee 2008",
            "part_ess_2014": "Insee 2014",
            "part_ess_sirene": "Estimation Sirene",
            "ecart": "Écart (points)",
        }
    )
    estimate = source if synthetic else f"{source} ({vintage})"
    official = f"{itdd.citation}, {itdd.title}"
    return html_table(
        table,
        {
            "Insee 2008": percent,
            "Insee 2014": percent,
            "Estimation Sirene": percent,
            "Écart (points)": lambda v: number(v, 1),
        },
        title="Part de l'ESS dans l'emploi salarié : chiffres officiels et estimation" + mark,
        source=f"Insee 2008 et 2014 : {official}. Estimation Sirene : {estimate}",
        note="Écart : estimation Sirene moins chiffre officiel 2014, en points de pourcentage.",
    )


def anchor_source(sirene_source: str) -> str:
    """Source line of the chart of official shares and estimate."""
    return f"Insee, Clap 2008 et 2014 (ITDD) ; estimation : {sirene_source}"
