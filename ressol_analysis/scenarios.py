"""Strategy scenarios scored by the members: scores, ranks, agreement, robustness, ambition.

Pure functions on three tables read by :mod:`ressol_analysis.scenarios_sheets`:

- ``notes``: one row per member × scenario × criterion, columns ``membre, scenario, critere,
  note``; ``note`` is 1 to 5, or missing when the member abstained on that point;
- ``criteres``: ``critere, libelle, poids`` (weights ≥ 0, not all zero), in display order;
- ``scenarios``: ``scenario, titre``, in display order.

Weighted score of a scenario (1–5 scale)::

    score = Σ_c poids_c × moyenne_c / Σ_c poids_c

where ``moyenne_c`` is the mean note of criterion ``c`` over the members who scored it, and the
sums run over the criteria scored by at least one member for that scenario (a criterion nobody
scored is left out of that scenario's score and reported). Scenarios are ranked by score, ties
sharing the best rank. The second method is PROMETHEE II (usual preference function, from
``pymcdm``) on the same mean notes and weights. The French description is in
``docs/scenarios.md``.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
from pymcdm.methods import PROMETHEE_II

from .errors import RessolError, list_codes

NOTE_MIN, NOTE_MAX = 1, 5
FAVOURABLE = 4  # notes 4 and 5 count as favourable in the agreement table
SCORE_DECIMALS = 4  # rounding of the score in the ranking file
TIE_DECIMALS = 9  # scores equal to this many decimals are tied (float noise is not a lead)
DRAWS = 10_000
SPREAD = 0.5  # weights drawn uniformly within ±50 % of the set ones
SEED = 2026
PREFERENCE = "usual"  # PROMETHEE preference function: any strictly better mean wins the pair

ESS_JOBS = "ess_effectif_salarie_estime"
ESS_JOBS_LOW = "ess_effectif_salarie_estime_bas"
ESS_JOBS_HIGH = "ess_effectif_salarie_estime_haut"
TOTAL_JOBS = "effectif_salarie_estime"
ESS_SHARE = "part_ess_effectif_salarie_estime"
ESS_EMPLOYERS = "ess_etablissements_employeurs"
JOBS_TREND = re.compile(r"evolution_emplois_(\d{4})_(\d{4})")
HYPOTHESES = ("basse", "centrale", "haute")


# --------------------------------------------------------------------------- checks


def _check(notes: pd.DataFrame, criteres: pd.DataFrame, scenarios: pd.DataFrame) -> None:
    """Check the three input tables (columns, weights, ids) at the top of each function."""
    for name, table, columns in (
        ("notes", notes, ["membre", "scenario", "critere", "note"]),
        ("criteres", criteres, ["critere", "libelle", "poids"]),
        ("scenarios", scenarios, ["scenario", "titre"]),
    ):
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise RessolError(
                f"La table « {name} » n'a pas la ou les colonnes {', '.join(missing)} : lisez le "
                "dossier avec scenarios_sheets.read_folder, qui les fournit."
            )
    weights = criteres["poids"].astype(float)
    if (weights < 0).any() or not weights.sum() > 0:
        raise RessolError(
            "Les poids des critères doivent être positifs ou nuls, et l'un au moins doit être "
            f"strictement positif (reçu : {', '.join(map(str, weights))})."
        )
    for column, known in (
        ("scenario", set(scenarios["scenario"])),
        ("critere", set(criteres["critere"])),
    ):
        unknown = set(notes[column]) - known
        if unknown:
            raise RessolError(
                f"Les notes citent des identifiants de {column} inconnus : {list_codes(unknown)}."
            )
    given = notes["note"].dropna().astype(float)
    wrong = given[(given != given.round()) | (given < NOTE_MIN) | (given > NOTE_MAX)]
    if len(wrong):
        raise RessolError(
            f"Les notes doivent être des entiers de 1 à 5 (reçu : {list_codes(wrong)})."
        )


def _means(notes: pd.DataFrame, criteres: pd.DataFrame, scenarios: pd.DataFrame) -> pd.DataFrame:
    """Mean note, scenario × criterion (rows and columns in display order; NaN: unscored)."""
    given = notes.dropna(subset=["note"]).assign(note=lambda t: t["note"].astype(float))
    table = given.pivot_table(index="scenario", columns="critere", values="note", aggfunc="mean")
    return table.reindex(index=list(scenarios["scenario"]), columns=list(criteres["critere"]))


def _scores(means: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted scores for one or many weight vectors (``weights``: criteria, or draws × criteria).

    Unscored criteria (NaN means) are left out of both sums; a scenario whose scored criteria all
    weigh zero has no score (NaN).
    """
    scored = ~np.isnan(means)
    filled = np.where(scored, means, 0.0)
    numerator = weights @ filled.T
    denominator = weights @ scored.T.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )


def _ranks(scores: pd.Series) -> pd.Series:
    """Rank 1 for the best score, ties sharing the best rank; no score, no rank."""
    return scores.round(TIE_DECIMALS).rank(method="min", ascending=False).astype("Int64")


# --------------------------------------------------------------------------- scores


def mean_notes(
    notes: pd.DataFrame, criteres: pd.DataFrame, scenarios: pd.DataFrame
) -> pd.DataFrame:
    """Mean note of each scenario on each criterion, over the members who scored it.

    Parameters
    ----------
    notes : DataFrame
        ``membre, scenario, critere, note`` (missing note: abstention).
    criteres : DataFrame
        ``critere, libelle, poids``.
    scenarios : DataFrame
        ``scenario, titre``.

    Returns
    -------
    DataFrame
        ``scenario, critere, moyenne, nombre_notes``, one row per scenario × criterion in
        display order; ``moyenne`` is missing when nobody scored the pair.
    """
    _check(notes, criteres, scenarios)
    means = _means(notes, criteres, scenarios)
    counts = (
        notes.dropna(subset=["note"])
        .groupby(["scenario", "critere"])
        .size()
        .reindex(pd.MultiIndex.from_product([means.index, means.columns]), fill_value=0)
    )
    long = means.stack(future_stack=True).rename("moyenne")
    return pd.DataFrame(
        {
            "scenario": long.index.get_level_values(0),
            "critere": long.index.get_level_values(1),
            "moyenne": long.to_numpy(dtype=float),
            "nombre_notes": counts.to_numpy(dtype=int),
        }
    )


def ranking(notes: pd.DataFrame, criteres: pd.DataFrame, scenarios: pd.DataFrame) -> pd.DataFrame:
    """Weighted score and rank of each scenario.

    Parameters
    ----------
    notes, criteres, scenarios : DataFrame
        See :func:`mean_notes`.

    Returns
    -------
    DataFrame
        ``scenario, titre, score, rang, criteres_non_notes`` in display order: ``score`` on
        the 1–5 scale (not rounded), ``rang`` 1 for the best (ties share the best rank),
        ``criteres_non_notes`` the ids of the criteria nobody scored for that scenario
        (`` ; ``-separated, empty when all were scored).
    """
    _check(notes, criteres, scenarios)
    means = _means(notes, criteres, scenarios)
    scores = pd.Series(
        _scores(means.to_numpy(dtype=float), criteres["poids"].to_numpy(dtype=float)),
        index=means.index,
    )
    unscored = [" ; ".join(means.columns[row.isna()]) for _, row in means.iterrows()]
    return pd.DataFrame(
        {
            "scenario": list(scenarios["scenario"]),
            "titre": list(scenarios["titre"]),
            "score": scores.to_numpy(),
            "rang": _ranks(scores).to_numpy(),
            "criteres_non_notes": unscored,
        }
    )


def promethee(notes: pd.DataFrame, criteres: pd.DataFrame, scenarios: pd.DataFrame) -> pd.DataFrame:
    """Rank the scenarios with PROMETHEE II on the mean notes (second method).

    Each pair of scenarios is compared criterion by criterion: the scenario with the higher
    mean note is preferred on that criterion (usual preference function). The net flow
    ``φ(a) = Σ_b Σ_c w_c [P_c(a, b) − P_c(b, a)] / (n − 1)``, with weights summing to 1, goes
    from −1 to 1. Criteria that some scenario has no mean note for are left out, so that every
    pair is compared on the same criteria.

    Parameters
    ----------
    notes, criteres, scenarios : DataFrame
        See :func:`mean_notes`.

    Returns
    -------
    DataFrame
        ``scenario, flux_net, rang, criteres_retenus`` in display order; ``flux_net`` and
        ``rang`` are missing for every scenario when fewer than two scenarios or no weighted
        criterion are left.
    """
    _check(notes, criteres, scenarios)
    means = _means(notes, criteres, scenarios)
    weights = criteres.set_index("critere")["poids"].astype(float)
    kept = [c for c in means.columns if means[c].notna().all() and weights[c] > 0]
    flows = pd.Series(np.nan, index=means.index)
    if len(means) >= 2 and kept:
        matrix = means[kept].to_numpy(dtype=float)
        share = weights[kept].to_numpy() / weights[kept].sum()
        method = PROMETHEE_II(PREFERENCE)
        flows[:] = method(matrix, share, np.ones(len(kept)), validation=False)
    return pd.DataFrame(
        {
            "scenario": list(means.index),
            "flux_net": flows.to_numpy(),
            "rang": _ranks(flows).to_numpy(),
            "criteres_retenus": " ; ".join(kept),
        }
    )


# --------------------------------------------------------------------------- agreement


def agreement(notes: pd.DataFrame, criteres: pd.DataFrame, scenarios: pd.DataFrame) -> pd.DataFrame:
    """How much the members agree, for each scenario and criterion.

    Parameters
    ----------
    notes, criteres, scenarios : DataFrame
        See :func:`mean_notes`. Every member who sent a grid counts: a member with no note on a
        pair abstained on it.

    Returns
    -------
    DataFrame
        ``scenario, critere, membres, nombre_notes, abstentions, moyenne, mediane,
        ecart_interquartile, part_favorables`` in display order. ``ecart_interquartile`` is
        Q3 − Q1 of the notes (quartiles interpolated linearly between notes, pandas' default);
        ``part_favorables`` is the share of notes equal to 4 or 5, in % of the notes given.
        Statistics are missing when nobody scored the pair.
    """
    _check(notes, criteres, scenarios)
    members = notes["membre"].nunique()
    given = notes.dropna(subset=["note"]).assign(note=lambda t: t["note"].astype(float))
    grouped = given.groupby(["scenario", "critere"])["note"]
    stats = pd.DataFrame(
        {
            "nombre_notes": grouped.size(),
            "moyenne": grouped.mean(),
            "mediane": grouped.median(),
            "ecart_interquartile": grouped.quantile(0.75) - grouped.quantile(0.25),
            "part_favorables": 100 * grouped.apply(lambda n: (n >= FAVOURABLE).mean()),
        }
    )
    grid = pd.MultiIndex.from_product(
        [list(scenarios["scenario"]), list(criteres["critere"])], names=["scenario", "critere"]
    )
    stats = stats.reindex(grid)
    stats["nombre_notes"] = stats["nombre_notes"].fillna(0).astype(int)
    stats["membres"] = members
    stats["abstentions"] = members - stats["nombre_notes"]
    columns = [
        "membres",
        "nombre_notes",
        "abstentions",
        "moyenne",
        "mediane",
        "ecart_interquartile",
        "part_favorables",
    ]
    return stats[columns].reset_index()


# --------------------------------------------------------------------------- robustness


def robustness(
    notes: pd.DataFrame,
    criteres: pd.DataFrame,
    scenarios: pd.DataFrame,
    draws: int = DRAWS,
    spread: float = SPREAD,
    seed: int = SEED,
) -> pd.DataFrame:
    """Share of random weightings under which each scenario ranks first.

    Each draw multiplies every weight by an independent uniform factor in
    ``[1 − spread, 1 + spread]`` (a zero weight stays zero) and recomputes the weighted scores
    from the same mean notes. Scenarios tied for first in a draw are all counted first.

    Parameters
    ----------
    notes, criteres, scenarios : DataFrame
        See :func:`mean_notes`.
    draws : int
        Number of weightings drawn.
    spread : float
        Half-width of the factor's interval (0.5: ±50 %), between 0 and 1.
    seed : int
        Seed of numpy's default generator (same seed, same result).

    Returns
    -------
    DataFrame
        ``scenario, part_tirages_en_tete`` (in %), in display order.
    """
    _check(notes, criteres, scenarios)
    if draws < 1 or not 0 <= spread < 1:
        raise RessolError(
            f"Tirages de poids : donnez au moins un tirage (reçu {draws}) et un écart entre "
            f"0 et 1 exclu (reçu {spread})."
        )
    means = _means(notes, criteres, scenarios).to_numpy(dtype=float)
    weights = criteres["poids"].to_numpy(dtype=float)
    generator = np.random.default_rng(seed)
    factors = generator.uniform(1 - spread, 1 + spread, size=(draws, len(weights)))
    scores = np.round(_scores(means, factors * weights), TIE_DECIMALS)
    best = np.nanmax(np.where(np.isnan(scores), -np.inf, scores), axis=1, keepdims=True)
    first = (scores == best).sum(axis=0)
    return pd.DataFrame(
        {"scenario": list(scenarios["scenario"]), "part_tirages_en_tete": 100 * first / draws}
    )


def _fraction(means: np.ndarray, weights: np.ndarray, k: int) -> tuple[float, float, float, float]:
    """Score of one scenario as ``(p0 + p1 t) / (q0 + q1 t)`` when criterion ``k`` weighs t."""
    scored = ~np.isnan(means)
    others = scored.copy()
    others[k] = False
    p0 = float(np.sum(weights[others] * means[others]))
    q0 = float(np.sum(weights[others]))
    if scored[k]:
        return p0, float(means[k]), q0, 1.0
    return p0, 0.0, q0, 0.0


def _tie_weight(first: np.ndarray, second: np.ndarray, weights: np.ndarray, k: int) -> float:
    """The weight of criterion ``k`` nearest to its current one where the two scores cross.

    Both scores are linear-fractional in that weight ``t``; ``score_1(t) = score_2(t)`` is, once
    multiplied by the two positive denominators, ``c0 + c1 t + c2 t² = 0``. Only roots
    ``t ≥ 0`` where the difference changes sign (a swap, not a touch) count. NaN: none.
    """
    a0, a1, b0, b1 = _fraction(first, weights, k)
    c0_, c1_, d0, d1 = _fraction(second, weights, k)
    c0 = a0 * d0 - c0_ * b0
    c1 = a0 * d1 + a1 * d0 - c0_ * b1 - c1_ * b0
    c2 = a1 * d1 - c1_ * b1
    scale = max(abs(c0), abs(c1), abs(c2), 1e-300)
    c0, c1, c2 = c0 / scale, c1 / scale, c2 / scale
    if abs(c2) < 1e-12:
        roots = [-c0 / c1] if abs(c1) > 1e-12 else []
    else:
        discriminant = c1 * c1 - 4 * c2 * c0
        if discriminant <= 1e-15:  # no real root, or a double root (the scores touch)
            roots = []
        else:
            root = math.sqrt(discriminant)
            # Numerically stable quadratic formula.
            q = -0.5 * (c1 + math.copysign(root, c1))
            roots = [q / c2, c0 / q] if q != 0 else [0.0]
    valid = [t for t in roots if t >= 0 and b0 + b1 * t > 0 and d0 + d1 * t > 0]
    current = weights[k]
    return min(valid, key=lambda t: abs(t - current)) if valid else math.nan


def swap_weights(
    notes: pd.DataFrame, criteres: pd.DataFrame, scenarios: pd.DataFrame
) -> pd.DataFrame:
    """For the two leading scenarios, the weight of each criterion at which they swap.

    Only one criterion's weight changes at a time, the others keep their set value. The two
    scores are linear-fractional in that weight, so the weight at which they are equal is
    found exactly (a root of a polynomial of degree two at most). Beyond it, the second
    scenario passes the first. A third scenario is not considered.

    Parameters
    ----------
    notes, criteres, scenarios : DataFrame
        See :func:`mean_notes`.

    Returns
    -------
    DataFrame
        ``premier, second, critere, libelle, poids, poids_de_bascule, variation,
        plus_petite`` (one row per criterion; ``poids_de_bascule`` is missing when no weight
        ≥ 0 swaps them; ``variation`` = ``poids_de_bascule − poids``; ``plus_petite`` marks the
        smallest change in absolute value). Empty when fewer than two scenarios have a score
        or the two leaders are already tied.
    """
    _check(notes, criteres, scenarios)
    columns = [
        "premier",
        "second",
        "critere",
        "libelle",
        "poids",
        "poids_de_bascule",
        "variation",
        "plus_petite",
    ]
    ranked = ranking(notes, criteres, scenarios).dropna(subset=["score"])
    ranked = ranked.sort_values(["rang", "score"], ascending=[True, False], kind="stable")
    if len(ranked) < 2 or ranked["rang"].iloc[1] == 1:
        return pd.DataFrame(columns=columns)
    means = _means(notes, criteres, scenarios)
    first_id, second_id = ranked["scenario"].iloc[0], ranked["scenario"].iloc[1]
    first = means.loc[first_id].to_numpy(dtype=float)
    second = means.loc[second_id].to_numpy(dtype=float)
    weights = criteres["poids"].to_numpy(dtype=float)
    tie = [_tie_weight(first, second, weights, k) for k in range(len(weights))]
    table = pd.DataFrame(
        {
            "premier": first_id,
            "second": second_id,
            "critere": list(criteres["critere"]),
            "libelle": list(criteres["libelle"]),
            "poids": weights,
            "poids_de_bascule": tie,
        }
    )
    table["variation"] = table["poids_de_bascule"] - table["poids"]
    size = table["variation"].abs()
    table["plus_petite"] = size.eq(size.min()) & size.notna()
    return table[columns]


def classement(
    notes: pd.DataFrame,
    criteres: pd.DataFrame,
    scenarios: pd.DataFrame,
    draws: int = DRAWS,
    spread: float = SPREAD,
    seed: int = SEED,
) -> pd.DataFrame:
    """The ranking file: score and rank, second method, share of draws ranked first.

    Parameters
    ----------
    notes, criteres, scenarios : DataFrame
        See :func:`mean_notes`.
    draws, spread, seed
        See :func:`robustness`.

    Returns
    -------
    DataFrame
        ``scenario, titre, score, rang, flux_net_promethee, rang_promethee,
        part_tirages_en_tete, criteres_non_notes``, sorted by rank (then display order);
        ``score`` and ``flux_net_promethee`` rounded to 4 decimals, the share to 1 decimal.
    """
    table = ranking(notes, criteres, scenarios)
    second = promethee(notes, criteres, scenarios).set_index("scenario")
    draws_first = robustness(notes, criteres, scenarios, draws, spread, seed)
    table["flux_net_promethee"] = table["scenario"].map(second["flux_net"]).round(SCORE_DECIMALS)
    table["rang_promethee"] = table["scenario"].map(second["rang"]).astype("Int64")
    share = draws_first.set_index("scenario")["part_tirages_en_tete"]
    table["part_tirages_en_tete"] = table["scenario"].map(share).round(1)
    table["score"] = table["score"].round(SCORE_DECIMALS)
    columns = [
        "scenario",
        "titre",
        "score",
        "rang",
        "flux_net_promethee",
        "rang_promethee",
        "part_tirages_en_tete",
        "criteres_non_notes",
    ]
    order = table.assign(_o=range(len(table))).sort_values(["rang", "_o"], na_position="last")
    return order[columns].reset_index(drop=True)


# --------------------------------------------------------------------------- ambition


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
