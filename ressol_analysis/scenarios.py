"""Strategy scenarios scored by the members: scores, ranks, agreement, robustness.

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
``pymcdm``) on the same mean notes and weights. What each scenario's targets imply against the
diagnostic is in :mod:`ressol_analysis.scenarios_ambition`. The French description is in
``docs/scenarios.md``.
"""

from __future__ import annotations

import math

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
