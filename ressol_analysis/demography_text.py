"""Plain-French findings generated from the indicators (never hard-coded figures)."""

from __future__ import annotations

import pandas as pd

from .formatting import number, percent, points_gap, signed_percent


def _trend(rate: float) -> str:
    if pd.isna(rate):
        return "évolué (taux non disponible)"
    if abs(rate) < 0.05:
        return f"est restée quasi stable ({signed_percent(rate)} par an)"
    verb = "augmenté" if rate > 0 else "diminué"
    return f"a {verb} de {signed_percent(rate)} par an"


def _gap(value: float, reference: float) -> str:
    difference = value - reference
    gap = points_gap(difference)
    return gap if pd.isna(difference) else f"{gap} que dans"


def demography_findings(wide: pd.DataFrame, territory: str, reference: str) -> list[str]:
    """Five to seven sentences on population, density, growth and ageing.

    Parameters
    ----------
    wide : DataFrame
        Indicators, one row per area with ``territoire_code``, ``territoire``, ``niveau``
        and the demographic keys (``population``, ``densite_hab_km2``, the growth rates,
        ``part_60_ans_plus``, ``part_moins_15_ans``, ``indice_de_vieillissement``).
    territory : str
        Code of the territory described.
    reference : str
        Code of the comparison area used in the sentences (usually the region).

    Returns
    -------
    list of str
        Sentences in French, with figures in French format.
    """
    rows = wide.set_index("territoire_code")
    t, r = rows.loc[territory], rows.loc[reference]
    rates = sorted(c for c in wide.columns if c.startswith("taux_evolution_annuel_"))
    latest = rates[-1] if rates else None
    census = int(latest.rsplit("_", 1)[-1]) if latest else None
    findings = [
        f"{t['territoire']} compte {number(t['population'])} habitants au recensement de "
        f"{census} sur {number(t['superficie_km2'])} km², soit {number(t['densite_hab_km2'], 1)} "
        f"habitants par km² ({r['territoire']} : {number(r['densite_hab_km2'], 1)}) : un "
        f"territoire {'moins' if t['densite_hab_km2'] < r['densite_hab_km2'] else 'plus'} "
        "densément peuplé que la moyenne de comparaison.",
    ]
    if latest:
        start, end = latest.rsplit("_", 2)[-2:]
        findings.append(
            f"Entre {start} et {end}, sa population {_trend(t[latest])} "
            f"({r['territoire']} : {signed_percent(r[latest])} par an)."
        )
    findings.append(
        f"{percent(t['part_60_ans_plus'])} des habitants ont 60 ans ou plus, soit "
        f"{_gap(t['part_60_ans_plus'], r['part_60_ans_plus'])} la zone de comparaison "
        f"({r['territoire']} : {percent(r['part_60_ans_plus'])}) ; "
        f"{percent(t['part_75_ans_plus'])} ont 75 ans ou plus."
    )
    findings.append(
        f"Les moins de 15 ans représentent {percent(t['part_moins_15_ans'])} de la population "
        f"({r['territoire']} : {percent(r['part_moins_15_ans'])}) : on compte "
        f"{number(t['indice_de_vieillissement'])} personnes de 60 ans ou plus pour 100 jeunes "
        f"de moins de 15 ans, contre {number(r['indice_de_vieillissement'])}."
    )
    epcis = wide[wide["niveau"] == "epci"]
    if len(epcis) > 1:
        oldest = epcis.loc[epcis["part_60_ans_plus"].idxmax()]
        densest = epcis.loc[epcis["densite_hab_km2"].idxmax()]
        sparsest = epcis.loc[epcis["densite_hab_km2"].idxmin()]
        findings.append(
            f"Les intercommunalités diffèrent : {densest['territoire']} est la plus dense "
            f"({number(densest['densite_hab_km2'], 1)} hab./km²), {sparsest['territoire']} la "
            f"moins dense ({number(sparsest['densite_hab_km2'], 1)} hab./km²) ; la part des 60 "
            f"ans ou plus culmine dans {oldest['territoire']} "
            f"({percent(oldest['part_60_ans_plus'])})."
        )
    return findings
