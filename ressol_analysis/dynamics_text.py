"""French tables and findings of the section « Dynamique de l'ESS depuis 2013» (ESS chapter).

Everything is read from the tidy indicator table (keys of :mod:`ressol_analysis.dynamics`), so
the section says the same thing as ``indicateurs.csv``, for a territory run as for the
national one.
"""

from __future__ import annotations

import pandas as pd

from .dynamics import FIRST_YEAR, SURVIVAL_YEARS, available, yearly_series
from .formatting import count, html_table, number, percent, signed_percent
from .labels import FAMILY_LABELS
from .sources.reference import FAMILIES

EVOLUTION = f"evolution_etablissements_actifs_depuis_{FIRST_YEAR}"
SURVIVAL = "taux_survie_3_ans"
COUNTED = (
    "Établissements comptés, employeurs ou non : Sirene ne garde que la tranche d'effectifs "
    "actuelle, pas celle des années passées. ESS et famille : celles de l'unité légale "
    "aujourd'hui."
)


UNAVAILABLE = (
    "Les fichiers Sirene utilisés n'ont pas les dates de création et de début de période "
    "(colonnes dateCreationEtablissement et dateDebut, présentes dans le stock complet de "
    "l'Insee) : la dynamique depuis 2013 ne peut pas être mesurée. Le reste du chapitre ne "
    "dépend pas de ces dates."
)


def _wide(indicators: pd.DataFrame) -> pd.DataFrame:
    return indicators.pivot(index="territoire_code", columns="indicateur", values="valeur")


def _names(indicators: pd.DataFrame) -> dict[str, str]:
    rows = indicators.drop_duplicates("territoire_code")
    return dict(zip(rows["territoire_code"], rows["territoire"], strict=True))


def _years(wide: pd.DataFrame, stem: str) -> list[int]:
    prefix = f"{stem}_"
    return sorted(int(c[len(prefix) :]) for c in wide.columns if c.startswith(prefix))


def source_line(indicators: pd.DataFrame) -> str:
    """Source line of the dynamics figures, with their vintage."""
    row = indicators[indicators["indicateur"] == f"ess_{SURVIVAL}"].iloc[0]
    return f"{row['source']} ({row['millesime']})"


def areas_table(indicators: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """One row per area (territory, EPCIs, comparisons): evolution, flows and survival.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table holding the dynamics keys.
    areas : DataFrame
        ``territoire_code``, ``territoire`` in display order.

    Returns
    -------
    DataFrame
        French column names; flows are yearly averages over the years of the series.
    """
    wide = _wide(indicators)
    actives = _years(wide, "ess_etablissements_actifs_01_01")
    flows = _years(wide, "ess_etablissements_crees")
    first, last = actives[0], actives[-1]
    rows = []
    for code, name in zip(areas["territoire_code"], areas["territoire"], strict=True):
        if code not in wide.index:
            continue
        w = wide.loc[code]
        created = sum(w[f"ess_etablissements_crees_{y}"] for y in flows) / len(flows)
        closed = sum(w[f"ess_etablissements_fermes_{y}"] for y in flows) / len(flows)
        rows.append(
            {
                "Zone": name,
                f"ESS actifs au 1er janv. {first}": w[f"ess_etablissements_actifs_01_01_{first}"],
                f"ESS actifs au 1er janv. {last}": w[f"ess_etablissements_actifs_01_01_{last}"],
                "Évolution ESS": w[f"ess_{EVOLUTION}"],
                "Évolution, tous établissements": w[EVOLUTION],
                "Créations ESS par an": created,
                "Fermetures ESS par an": closed,
                "Survie à 3 ans, ESS": w[f"ess_{SURVIVAL}"],
                "Survie à 3 ans, tous": w[SURVIVAL],
            }
        )
    return pd.DataFrame(rows)


def years_table(indicators: pd.DataFrame, territory: str) -> pd.DataFrame:
    """Year by year in one area: ESS active establishments, creations, closures, rates."""
    series = yearly_series(indicators[indicators["territoire_code"] == territory])
    ess = series[series["champ"] == "ess"].set_index("annee")
    every = series[series["champ"] == "ensemble"].set_index("annee")
    table = pd.DataFrame(
        {
            "Année": ess.index.astype(str),
            "ESS actifs au 1er janvier": ess["actifs_01_01"],
            "Créations ESS": ess["crees"],
            "Fermetures ESS": ess["fermes"],
            "Taux de création ESS": ess["taux_creation"],
            "Taux de création, tous": every["taux_creation"],
            "Taux de fermeture ESS": ess["taux_fermeture"],
            "Taux de fermeture, tous": every["taux_fermeture"],
        }
    )
    return table.reset_index(drop=True)


def family_survival_table(indicators: pd.DataFrame, territory: str, reference: str) -> pd.DataFrame:
    """Survival at three years by ESS family, in the territory and a reference area."""
    wide = _wide(indicators)
    names = _names(indicators)
    rows = []
    for family in (None, *FAMILIES):
        suffix = f"_{family}" if family else ""
        cohort = f"ess_etablissements_cohortes_survie_3_ans{suffix}"
        rate = f"ess_{SURVIVAL}{suffix}"
        rows.append(
            {
                "Famille": FAMILY_LABELS[family] if family else "Ensemble de l'ESS",
                "Créations des cohortes": wide.at[territory, cohort],
                f"Survie à 3 ans — {names[territory]}": wide.at[territory, rate],
                f"Survie à 3 ans — {names[reference]}": wide.at[reference, rate],
            }
        )
    rows.append(
        {
            "Famille": "Tous les établissements",
            "Créations des cohortes": wide.at[territory, "etablissements_cohortes_survie_3_ans"],
            f"Survie à 3 ans — {names[territory]}": wide.at[territory, SURVIVAL],
            f"Survie à 3 ans — {names[reference]}": wide.at[reference, SURVIVAL],
        }
    )
    return pd.DataFrame(rows)


def tables_html(
    indicators: pd.DataFrame, areas: pd.DataFrame, territory: str, reference: str, mark: str
) -> str:
    """The section's three tables (areas side by side, years, survival by family) as HTML.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table (``Diagnostic.indicators``).
    areas : DataFrame
        ``Diagnostic.areas``.
    territory, reference : str
        Codes of the territory and of the reference area (the region).
    mark : str
        ``Diagnostic.title_mark``.

    Returns
    -------
    str
        Three HTML tables; without dynamics (:func:`ressol_analysis.dynamics.available`), a
        paragraph saying why (:data:`UNAVAILABLE`).
    """
    if not available(indicators):
        return f"<p>{UNAVAILABLE}</p>"
    source = source_line(indicators)
    names = _names(indicators)
    cohorts = _cohort_words(indicators)
    by_area = html_table(
        areas_table(indicators, areas),
        {
            **{c: number for c in ("Créations ESS par an", "Fermetures ESS par an")},
            **{
                c: (lambda v: signed_percent(v, 1))
                for c in ("Évolution ESS", "Évolution, tous établissements")
            },
            **{
                c: (lambda v: percent(v, 1))
                for c in ("Survie à 3 ans, ESS", "Survie à 3 ans, tous")
            },
            **{c: number for c in areas_table(indicators, areas).columns if "actifs" in c},
        },
        title="L'ESS depuis 2013, zone par zone" + mark,
        source=source,
        note="Évolution : variation du nombre d'établissements actifs entre le 1er janvier "
        f"{FIRST_YEAR} et le dernier 1er janvier. Créations et fermetures : moyenne annuelle. "
        f"Survie à 3 ans : part des établissements créés {cohorts} encore actifs trois ans après "
        f"leur création. {COUNTED}",
    )
    rates = [c for c in years_table(indicators, territory).columns if c.startswith("Taux")]
    by_year = html_table(
        years_table(indicators, territory),
        {
            "ESS actifs au 1er janvier": number,
            "Créations ESS": number,
            "Fermetures ESS": number,
            **{c: (lambda v: percent(v, 1)) for c in rates},
        },
        title=f"Créations et fermetures, année par année — {names[territory]}" + mark,
        source=source,
        note="Taux : créations (ou fermetures) de l'année pour 100 établissements actifs au 1er "
        "janvier (définition du taux de création de l'Insee). La dernière ligne n'a que le "
        f"stock au 1er janvier : l'année n'est pas finie dans le stock. {COUNTED}",
    )
    survival = family_survival_table(indicators, territory, reference)
    by_family = html_table(
        survival,
        {
            "Créations des cohortes": number,
            **{c: (lambda v: percent(v, 0)) for c in survival.columns if c.startswith("Survie")},
        },
        title="Survie à trois ans par famille de l'ESS" + mark,
        source=source,
        note=f"Établissements créés {cohorts}. Sur quelques dizaines de créations, un taux "
        "varie beaucoup d'une cohorte à l'autre : lisez-le avec son effectif. n.d. : aucune "
        "création dans la famille.",
    )
    return by_area + by_year + by_family


def _cohort_words(indicators: pd.DataFrame) -> str:
    flows = _years(_wide(indicators), "ess_etablissements_crees")
    # The last cohort has three full years behind it (dynamics.period).
    return f"de {FIRST_YEAR} à {flows[-1] - SURVIVAL_YEARS}"


def findings(
    indicators: pd.DataFrame, areas: pd.DataFrame, territory: str, reference: str
) -> list[str]:
    """Plain-French findings of the section.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table.
    areas : DataFrame
        ``territoire_code``, ``territoire`` (``Diagnostic.areas``).
    territory, reference : str
        Codes of the territory and of the reference area (the region).

    Returns
    -------
    list of str
        Evolution since 2013 (ESS and all, against the reference), creations against closures,
        survival (ESS and all), and the establishments whose date is unknown; empty without
        dynamics (:func:`ressol_analysis.dynamics.available`).
    """
    if not available(indicators):
        return []
    wide = _wide(indicators)
    names = dict(zip(areas["territoire_code"], areas["territoire"], strict=True))
    w, r = wide.loc[territory], wide.loc[reference]
    name, ref = names[territory], names[reference]
    actives = _years(wide, "ess_etablissements_actifs_01_01")
    flows = _years(wide, "ess_etablissements_crees")
    first, last = actives[0], actives[-1]
    lines = []
    change = w[f"ess_{EVOLUTION}"]
    start = w[f"ess_etablissements_actifs_01_01_{first}"]
    end = number(w[f"ess_etablissements_actifs_01_01_{last}"])
    if pd.notna(change):
        active = "établissement de l'ESS actif" if start < 2 else "établissements de l'ESS actifs"
        lines.append(
            f"{name} : {number(start)} {active} au 1er janvier {first}, {end} "
            f"au 1er janvier {last} ({_signed(change)}), contre {_signed(w[EVOLUTION])} pour "
            f"l'ensemble des établissements ; {ref} : {_signed(r[f'ess_{EVOLUTION}'])} pour "
            "l'ESS."
        )
    created = sum(w[f"ess_etablissements_crees_{y}"] for y in flows)
    closed = sum(w[f"ess_etablissements_fermes_{y}"] for y in flows)
    created_verb = "a été créé" if created < 2 else "ont été créés"
    closed_verb = "a fermé" if closed < 2 else "ont fermé"
    lines.append(
        f"De {flows[0]} à {flows[-1]}, {count(created, 'établissement', 'établissements')} "
        f"de l'ESS {created_verb} et {number(closed)} {closed_verb}, soit "
        f"{_per_year(created / len(flows))} créations et "
        f"{_per_year(closed / len(flows))} fermetures par an en moyenne."
    )
    ess_rate, all_rate = w[f"ess_{SURVIVAL}"], w[SURVIVAL]
    if pd.notna(ess_rate) and pd.notna(all_rate):
        lines.append(
            f"Trois ans après leur création, {percent(ess_rate, 0)} des établissements de l'ESS "
            f"créés {_cohort_words(indicators)} sont encore actifs, contre "
            f"{percent(all_rate, 0)} de l'ensemble des établissements ({ref} : "
            f"{percent(r[f'ess_{SURVIVAL}'], 0)} pour l'ESS)."
        )
    unknown = w["etablissements_date_inconnue"]
    if unknown:
        of_ess = number(w["ess_etablissements_date_inconnue"])
        verb, counted = (
            ("n'a", "il n'est compté") if unknown < 2 else ("n'ont", "ils ne sont comptés")
        )
        lines.append(
            f"{count(unknown, 'établissement', 'établissements')} (dont {of_ess} de l'ESS) "
            f"{verb} pas de date de création ou de fermeture exploitable : {counted} "
            "dans aucune série."
        )
    return lines


def _per_year(value: float) -> str:
    """A yearly mean, with one decimal below ten so that small flows do not read as 0."""
    return number(value, 0 if value >= 10 else 1)


def _signed(value: float) -> str:
    if pd.isna(value):
        return "n.d."
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{percent(abs(value), 1)}"


RULES = [
    "Champ : tous les établissements du stock Sirene, actifs ou fermés, situés dans leur "
    "commune actuelle (anciens codes et arrondissements de Paris, Lyon et Marseille ramenés à "
    "la commune d'aujourd'hui).",
    "Créé l'année A : l'année de la date de création de l'établissement est A. Fermé l'année "
    "A : l'établissement est fermé et sa période fermée commence l'année A.",
    "Actif au 1er janvier de l'année A : créé avant ce jour, et encore actif ou fermé ce "
    "jour-là ou après.",
    "Survie à trois ans : parmi les établissements créés de 2013 à la dernière année qui a "
    "trois années pleines derrière elle, la part encore active trois ans après sa création "
    "(fermé exactement trois ans après : non survivant).",
    "Date de création, ou date de fermeture d'un établissement fermé, absente, illisible ou "
    "« non déterminée » (1900-01-01) : l'établissement est compté à part (« date inconnue »), "
    "dans aucune série.",
]
