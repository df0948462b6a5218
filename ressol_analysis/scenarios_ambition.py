"""What the scenarios' quantified ambitions imply, given the diagnostic's figures.

Pure functions on the scenarios' ``ambitions`` table (read by
:mod:`ressol_analysis.scenarios_definition`) and the diagnostic's tidy indicator table: the net
ESS jobs a target share of jobs at a horizon year requires, with the census trend of total
employment extrapolated (central hypothesis and the range of the territory's EPCIs), and the
order of size of the projects and member organisations targeted. Every assumption is stated in
the chapter (:mod:`ressol_analysis.scenarios_ambition_text`) and in ``docs/scenarios.md``.
"""

from __future__ import annotations

import re

import pandas as pd

from .errors import RessolError

ESS_JOBS = "ess_effectif_salarie_estime"
ESS_JOBS_LOW = "ess_effectif_salarie_estime_bas"
ESS_JOBS_HIGH = "ess_effectif_salarie_estime_haut"
TOTAL_JOBS = "effectif_salarie_estime"
ESS_SHARE = "part_ess_effectif_salarie_estime"
ESS_EMPLOYERS = "ess_etablissements_employeurs"
JOBS_TREND = re.compile(r"evolution_emplois_(\d{4})_(\d{4})")
HYPOTHESES = ("basse", "centrale", "haute")


def _value(indicators: pd.DataFrame, area: str, key: str) -> pd.Series:
    row = indicators[(indicators["territoire_code"] == area) & (indicators["indicateur"] == key)]
    if row.empty or pd.isna(row["valeur"].iloc[0]):
        raise RessolError(
            f"L'indicateur « {key} » de la zone « {area} » manque ou n'est pas disponible dans "
            "la table des indicateurs : il faut les chiffres d'emploi du diagnostic pour "
            "mesurer l'ambition des scénarios (clés décrites dans docs/indicateurs.md)."
        )
    return row.iloc[0]


def _trend_key(indicators: pd.DataFrame, area: str) -> tuple[str, int, int]:
    keys = indicators.loc[indicators["territoire_code"] == area, "indicateur"]
    found = sorted(m for m in map(JOBS_TREND.fullmatch, keys) if m)
    if not found:
        raise RessolError(
            f"La table des indicateurs n'a pas d'évolution de l'emploi total pour la zone "
            f"« {area} » (clé evolution_emplois_AAAA_AAAA, docs/indicateurs.md)."
        )
    last = max(found, key=lambda m: int(m.group(2)))
    return last.group(0), int(last.group(1)), int(last.group(2))


def job_trends(
    indicators: pd.DataFrame, territory: str, trend_areas: list[str] | None = None
) -> pd.DataFrame:
    """Annual trend of total employment: the territory's, and the range over its areas.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicators (``territoire_code, territoire, indicateur, valeur, unite, source,
        millesime``).
    territory : str
        Code of the territory (``centre-manche``).
    trend_areas : list of str, optional
        Areas whose trends bound the range, with the territory's own (default: every
        ``epci-`` area of the table).

    Returns
    -------
    DataFrame
        ``hypothese`` (``basse``, ``centrale``, ``haute``), ``taux_annuel`` (% per year,
        ``100 × ((1 + e/100)^(1/years) − 1)`` with ``e`` the change over the census period),
        ``territoire_code``, ``territoire``, ``periode``, ``source``: the territory's own
        trend is the central one, the lowest and highest trend of the areas bound it.
    """
    key, start, end = _trend_key(indicators, territory)
    if trend_areas is None:
        trend_areas = sorted(
            c for c in indicators["territoire_code"].unique() if str(c).startswith("epci-")
        )
    rows = []
    for area in dict.fromkeys([territory, *trend_areas]):
        row = _value(indicators, area, key)
        rate = 100 * ((1 + row["valeur"] / 100) ** (1 / (end - start)) - 1)
        rows.append((rate, area, row["territoire"], f"{start}-{end}", row["source"]))
    table = pd.DataFrame(
        rows, columns=["taux_annuel", "territoire_code", "territoire", "periode", "source"]
    )
    picks = {
        "basse": table["taux_annuel"].idxmin(),
        "centrale": 0,
        "haute": table["taux_annuel"].idxmax(),
    }
    chosen = table.loc[list(picks.values())].reset_index(drop=True)
    return chosen.assign(hypothese=list(picks)).loc[
        :, ["hypothese", "taux_annuel", "territoire_code", "territoire", "periode", "source"]
    ]


def ambition(
    ambitions: pd.DataFrame,
    indicators: pd.DataFrame,
    territory: str,
    base_year: int,
    trend_areas: list[str] | None = None,
) -> pd.DataFrame:
    """What each scenario's target share of ESS jobs implies, given today's figures.

    Assumptions (stated in the chapter): the target is a share of the estimated salaried jobs
    counted like today's share (``part_ess_effectif_salarie_estime``: ESS estimated jobs over
    all estimated jobs, central estimate); today's figures are those of ``base_year``; total
    jobs grow from ``base_year`` to the horizon at the census trend of total employment
    (:func:`job_trends`: central, low and high hypotheses); the ESS jobs needed are the target
    share of the total at the horizon, the net ESS jobs to create the difference with today's,
    spread evenly over the years.

    Parameters
    ----------
    ambitions : DataFrame
        ``scenario, horizon, part_emplois_ess`` (target share in %; scenarios without a
        target are skipped).
    indicators : DataFrame
        Tidy indicators of the diagnostic.
    territory : str
        Code of the territory.
    base_year : int
        Year of today's ESS and total job figures.
    trend_areas : list of str, optional
        See :func:`job_trends`.

    Returns
    -------
    DataFrame
        One row per scenario × hypothesis: ``scenario, hypothese, annee_depart, horizon,
        annees, part_cible, part_actuelle, emplois_ess_actuels, emplois_ess_actuels_bas,
        emplois_ess_actuels_haut, emplois_total_actuels, taux_annuel_emploi,
        emplois_total_horizon, emplois_ess_cibles, solde_emplois_ess, solde_par_an,
        croissance_ess, taux_annuel_ess`` (shares and rates in %).

    Raises
    ------
    RessolError
        If a figure is missing, a horizon is not after ``base_year`` or a target share is not
        between 0 and 100.
    """
    targets = ambitions.dropna(subset=["part_emplois_ess"])
    columns = [
        "scenario",
        "hypothese",
        "annee_depart",
        "horizon",
        "annees",
        "part_cible",
        "part_actuelle",
        "emplois_ess_actuels",
        "emplois_ess_actuels_bas",
        "emplois_ess_actuels_haut",
        "emplois_total_actuels",
        "taux_annuel_emploi",
        "emplois_total_horizon",
        "emplois_ess_cibles",
        "solde_emplois_ess",
        "solde_par_an",
        "croissance_ess",
        "taux_annuel_ess",
    ]
    if targets.empty:
        return pd.DataFrame(columns=columns)
    ess_jobs = float(_value(indicators, territory, ESS_JOBS)["valeur"])
    total = float(_value(indicators, territory, TOTAL_JOBS)["valeur"])
    today = {
        "part_actuelle": float(_value(indicators, territory, ESS_SHARE)["valeur"]),
        "emplois_ess_actuels": ess_jobs,
        "emplois_ess_actuels_bas": float(_value(indicators, territory, ESS_JOBS_LOW)["valeur"]),
        "emplois_ess_actuels_haut": float(_value(indicators, territory, ESS_JOBS_HIGH)["valeur"]),
        "emplois_total_actuels": total,
    }
    trends = job_trends(indicators, territory, trend_areas).set_index("hypothese")["taux_annuel"]
    rows = []
    for item in targets.itertuples():
        years = int(item.horizon) - int(base_year)
        if years <= 0:
            raise RessolError(
                f"Scénario « {item.scenario} » : l'horizon {int(item.horizon)} doit être "
                f"postérieur à l'année des chiffres d'aujourd'hui ({base_year})."
            )
        if not 0 < item.part_emplois_ess <= 100:
            raise RessolError(
                f"Scénario « {item.scenario} » : la part d'emplois de l'ESS visée "
                f"({item.part_emplois_ess}) doit être un pourcentage entre 0 et 100."
            )
        for hypothesis in HYPOTHESES:
            rate = float(trends[hypothesis])
            total_then = total * (1 + rate / 100) ** years
            needed = item.part_emplois_ess / 100 * total_then
            net = needed - ess_jobs
            rows.append(
                {
                    "scenario": item.scenario,
                    "hypothese": hypothesis,
                    "annee_depart": int(base_year),
                    "horizon": int(item.horizon),
                    "annees": years,
                    "part_cible": float(item.part_emplois_ess),
                    **today,
                    "taux_annuel_emploi": rate,
                    "emplois_total_horizon": total_then,
                    "emplois_ess_cibles": needed,
                    "solde_emplois_ess": net,
                    "solde_par_an": net / years,
                    "croissance_ess": 100 * net / ess_jobs,
                    "taux_annuel_ess": 100 * ((needed / ess_jobs) ** (1 / years) - 1),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def other_targets(
    ambitions: pd.DataFrame, indicators: pd.DataFrame, territory: str, base_year: int
) -> pd.DataFrame:
    """Projects supported and member organisations targeted, set against the diagnostic.

    Parameters
    ----------
    ambitions : DataFrame
        ``scenario, horizon, projets_par_an, structures_membres`` (missing: no target).
    indicators : DataFrame
        Tidy indicators of the diagnostic (``ess_etablissements_employeurs`` is read).
    territory : str
        Code of the territory.
    base_year : int
        Year of today's figures.

    Returns
    -------
    DataFrame
        ``scenario, horizon, annees, projets_par_an, projets_cumules, structures_membres,
        etablissements_employeurs_ess, part_membres`` (``projets_cumules`` = projects per year
        × years to the horizon; ``part_membres`` = member organisations targeted / ESS employer
        establishments today, in %: an order of size, an organisation may have several
        establishments and members need not be employers).
    """
    employers = float(_value(indicators, territory, ESS_EMPLOYERS)["valeur"])
    table = ambitions[["scenario", "horizon", "projets_par_an", "structures_membres"]].copy()
    table["annees"] = table["horizon"].astype(float) - base_year
    table["projets_cumules"] = table["projets_par_an"] * table["annees"]
    table["etablissements_employeurs_ess"] = employers
    table["part_membres"] = 100 * table["structures_membres"] / employers
    return table[
        [
            "scenario",
            "horizon",
            "annees",
            "projets_par_an",
            "projets_cumules",
            "structures_membres",
            "etablissements_employeurs_ess",
            "part_membres",
        ]
    ].reset_index(drop=True)
