"""Commune codes across COG vintages.

Commune codes change when communes merge (communes nouvelles, numerous in Manche since 2016),
split or change département. All data are expressed in one COG vintage; older codes are moved
to it with INSEE's table of commune movements.

Rules (also in ``docs/indicateurs.md``):

* Every movement effective *after* the data's geography date is applied, in date order, and
  chains are followed (a commune merged in 2016 whose commune nouvelle merged again in 2019
  lands in the 2019 commune).
* A merger moves the old code to the commune nouvelle: values add up.
* A split (rétablissement, ``MOD 21``) carves the restored commune out of its parent: a code
  that had merged into the parent earlier follows the parent, unless it is the restored
  commune's own code. Data coded with the parent's code from the time it included the restored
  commune are truly ambiguous: counts cannot be divided without other data, so by default such
  a code is refused with a clear message;
  the documented alternative (``split_rule="keep_code"``) keeps the old code when it is one of
  the current communes (the commune that kept the code), which is what INSEE does for
  establishments whose address was not re-coded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from itertools import groupby
from operator import itemgetter

import pandas as pd

from .errors import RessolError, list_codes

SPLIT_RULES = ("refuse", "keep_code")
# Registers (SIRENE, URSSAF) carry the code in force at each record's last update.
REGISTER_CODES_SINCE = date(2000, 1, 1)


def build_passage(movements: pd.DataFrame, since: date) -> pd.DataFrame:
    """Table of old → current commune codes for movements effective after ``since``.

    Parameters
    ----------
    movements : DataFrame
        INSEE movements of communes with string columns ``MOD``, ``DATE_EFF`` (ISO date),
        ``TYPECOM_AV``, ``COM_AV``, ``TYPECOM_AP`` and ``COM_AP``.
    since : date
        Geography date of the data: movements effective on or before it are already in the
        data's codes and are ignored.

    Returns
    -------
    DataFrame
        Columns ``code_ancien`` and ``code_actuel`` (strings), one row per pair, only for codes
        that change or split (a code mapped to itself alone is omitted). Sorted.
    """
    # Only rows describing a commune (COM → COM) say where its territory goes; rows of
    # communes déléguées or associées (COMD/COMA → COM) describe the fate of a former
    # commune's code already moved when it merged, and would fake splits if mixed in.
    after = movements.loc[
        (pd.to_datetime(movements["DATE_EFF"]) > pd.Timestamp(since))
        & (movements["TYPECOM_AV"] == "COM")
        & (movements["TYPECOM_AP"] == "COM")
    ]
    state: dict[str, set[str]] = {}
    # Which origins currently have a code among their targets: an event only changes the
    # origins holding one of the codes it moves, so only those are looked at.
    holders: dict[str, set[str]] = defaultdict(set)
    after = after.sort_values("DATE_EFF", kind="stable")
    dates, befores, afters = (after[c].tolist() for c in ("DATE_EFF", "COM_AV", "COM_AP"))
    for _, event in groupby(zip(dates, befores, afters, strict=True), key=itemgetter(0)):
        edges: dict[str, set[str]] = defaultdict(set)
        for _, before, after_code in event:
            edges[before].add(after_code)
        for code in edges:
            if code not in state:
                state[code] = {code}
                holders[code].add(code)
        for origin in set().union(*(holders[code] for code in edges)):
            moved: set[str] = set()
            for target in state[origin]:
                goes = edges.get(target, {target})
                if len(goes) > 1 and origin != target:
                    # A rétablissement carves the restored commune out of ``target``: a code
                    # merged earlier into ``target`` stays with it unless it is the restored one.
                    if origin in goes:
                        goes = {origin}
                    elif target in goes:
                        goes = {target}
                moved |= goes
            for target in state[origin]:
                holders[target].discard(origin)
            for target in moved:
                holders[target].add(origin)
            state[origin] = moved
    rows = [
        (origin, target)
        for origin, targets in state.items()
        if targets != {origin}
        for target in targets
    ]
    return (
        pd.DataFrame(rows, columns=["code_ancien", "code_actuel"], dtype="string")
        .sort_values(["code_ancien", "code_actuel"])
        .reset_index(drop=True)
    )


def split_passage(passage: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the rule for split codes to a passage table: what moves, what cannot be placed.

    A code with one current code moves there. A split code (several current codes) that one
    of its current communes kept stays as it is (the commune that kept the code); a split code
    that no current commune kept cannot be placed.

    Parameters
    ----------
    passage : DataFrame
        ``code_ancien``, ``code_actuel`` (output of :func:`build_passage`, possibly filtered).

    Returns
    -------
    moves : DataFrame
        ``code_ancien``, ``code_actuel``: codes with a single current code.
    unplaced : DataFrame
        ``code_ancien``, ``code_actuel``: split codes that no current commune kept, with each
        of their current communes.
    """
    pairs = passage[["code_ancien", "code_actuel"]].dropna().astype(str).drop_duplicates()
    size = pairs.groupby("code_ancien")["code_actuel"].transform("size")
    moves = pairs[size == 1]
    kept = pairs.loc[pairs["code_ancien"] == pairs["code_actuel"], "code_ancien"]
    unplaced = pairs[(size > 1) & ~pairs["code_ancien"].isin(kept)]
    return moves.reset_index(drop=True), unplaced.reset_index(drop=True)


def unplaced_codes_error(what: str, codes: Iterable[str]) -> RessolError:
    """The error for data carrying split codes that no current commune kept.

    Parameters
    ----------
    what : str
        File (and column) where the codes were found.
    codes : iterable of str
        The codes.

    Returns
    -------
    RessolError
        The message names the file, the codes and what to do.
    """
    return RessolError(
        f"Dans {what}, code(s) commune d'une commune scindée dont aucune commune actuelle ne "
        f"garde le code : {list_codes(codes)}. Ces lignes ne peuvent pas être rattachées à une "
        "commune actuelle : utilisez un fichier plus récent (dans la géographie en vigueur) ou "
        "retirez ces lignes."
    )


def move_codes(
    codes: pd.Series,
    passage: pd.DataFrame,
    current: pd.Index | None,
    *,
    what: str,
    split_rule: str = "refuse",
    keep_current: bool = False,
) -> pd.Series:
    """Express commune codes in the current COG.

    Parameters
    ----------
    codes : Series of str
        Commune codes of the data.
    passage : DataFrame
        Output of :func:`build_passage` (or of :func:`last_update_passage`).
    current : Index of str, or None
        Codes of the current COG's communes: a code that is neither current nor moved is
        refused. ``None`` for registers (SIRENE, URSSAF) whose rows outside the areas studied
        are dropped afterwards by a join on the current codes.
    what : str
        Description of the data (file name), used in error messages.
    split_rule : {"refuse", "keep_code"}
        What to do with a code split between several communes (see module docstring); with
        ``keep_code``, :func:`split_passage` decides.
    keep_current : bool
        Leave codes that are current communes unchanged, moving only the others. Used for
        codes of unknown vintage (typed by a user), with a passage over the whole history.

    Returns
    -------
    Series of str
        Current codes, aligned on ``codes``.

    Raises
    ------
    RessolError
        Listing codes that are unknown in the current COG and its movements, or split codes
        under ``split_rule="refuse"``, or split codes that no current commune kept.
    """
    if split_rule not in SPLIT_RULES:
        raise RessolError(
            f"Règle de passage des communes scindées inconnue : « {split_rule} ». Règles "
            f"possibles : {', '.join(SPLIT_RULES)}."
        )
    if keep_current and current is not None:
        passage = passage[~passage["code_ancien"].isin(current)]
    moves, unplaced = split_passage(passage)
    if split_rule == "refuse":
        targets = passage.groupby("code_ancien")["code_actuel"].agg(list)
        splits = targets[targets.map(len) > 1]
        present = sorted(set(codes[codes.isin(splits.index)]))
        if present:
            details = "; ".join(f"{c} → {', '.join(splits[c])}" for c in present[:10])
            raise RessolError(
                f"Dans {what}, code(s) commune d'une commune depuis scindée (rétablissement) : "
                f"{details}. Les effectifs ne peuvent pas être répartis sans autre donnée. "
                "Fournissez un fichier dans la géographie en vigueur, ou retirez ces lignes."
            )
    unresolved = codes[codes.isin(unplaced["code_ancien"])]
    if not unresolved.empty:
        raise unplaced_codes_error(what, unresolved)
    mapping = dict(zip(moves["code_ancien"], moves["code_actuel"], strict=True))
    # One look-up per distinct code; a missing code (position -1) takes the last, missing value.
    position, distinct = pd.factorize(codes)
    targets = pd.array([*(mapping.get(c, c) for c in distinct), pd.NA], dtype="string")
    moved = pd.Series(targets.take(position), index=codes.index, name=codes.name)
    if current is None:
        return moved
    # A hash look-up in ``current``: pandas' isin on Arrow text converts each of its values
    # (every commune of France) to Python, one by one.
    unknown = moved[moved.notna() & (pd.Index(current).unique().get_indexer(moved) < 0)]
    if not unknown.empty:
        raise RessolError(
            f"Dans {what}, code(s) commune inconnu(s) du COG en vigueur et de ses mouvements : "
            f"{list_codes(unknown)}. Vérifiez ces codes (5 caractères, entre guillemets dans "
            "un YAML, « 2A »/« 2B » pour la Corse) ou utilisez un COG plus récent."
        )
    return moved


def last_update_passage(
    movements: pd.DataFrame, current: Iterable[str], arrondissements: pd.DataFrame
) -> pd.DataFrame:
    """Old → current commune codes for registers coded at each record's last update.

    SIRENE (and the URSSAF files built from it) carry the commune code in force when the
    establishment was last updated: the movements since :data:`REGISTER_CODES_SINCE` are
    applied (communes nouvelles since 2015 and earlier mergers), and a code that is still a
    current commune never moves. They also code Paris, Lyon and Marseille by municipal
    arrondissement: each arrondissement moves to its commune (``75101`` → ``75056``). This is
    the one code rule of every register-based figure: one territory, every EPCI or every
    département of France, and the report.

    Parameters
    ----------
    movements : DataFrame
        INSEE movements of communes (see :func:`build_passage`).
    current : iterable of str
        Codes of the current COG's communes.
    arrondissements : DataFrame
        ``ARM`` (arrondissement code) and ``COMPARENT`` (its commune), from
        :func:`ressol_analysis.sources.cog.read_arrondissements`.

    Returns
    -------
    DataFrame
        ``code_ancien``, ``code_actuel``, without the current codes.
    """
    current = set(current)
    passage = build_passage(movements, REGISTER_CODES_SINCE)
    passage = passage[~passage["code_ancien"].isin(current)]
    arm = pd.DataFrame(
        {
            "code_ancien": arrondissements["ARM"].astype("string").to_numpy(),
            "code_actuel": arrondissements["COMPARENT"].astype("string").to_numpy(),
        },
        dtype="string",
    )
    arm = arm[~arm["code_ancien"].isin(current) & ~arm["code_ancien"].isin(passage["code_ancien"])]
    table = pd.concat([passage, arm], ignore_index=True)
    return table.sort_values(["code_ancien", "code_actuel"]).reset_index(drop=True)


def moved_codes(codes: pd.Series, passage: pd.DataFrame) -> pd.DataFrame:
    """List the codes of ``codes`` that the passage changes, for the report.

    Parameters
    ----------
    codes : Series of str
        Codes as found in the data.
    passage : DataFrame
        Output of :func:`build_passage`.

    Returns
    -------
    DataFrame
        Columns ``code_ancien``, ``code_actuel``, one row per moved pair found in ``codes``.
    """
    found = passage[passage["code_ancien"].isin(codes)]
    return found.reset_index(drop=True)


def communes_at(current: Iterable[str], movements: pd.DataFrame, when: date) -> pd.Series:
    """Codes of the communes in force on a past date, from today's COG and its movements.

    The movements effective after ``when`` are undone, the latest first: the communes each
    one created (``COM_AP``) are removed, the communes it ended (``COM_AV``) are put back.
    Only rows from a commune to a commune count (as in :func:`build_passage`): rows of
    communes déléguées or associées do not change the list of communes.

    Parameters
    ----------
    current : iterable of str
        Codes of the communes of the current COG.
    movements : DataFrame
        INSEE movements of communes (see :func:`build_passage`).
    when : date
        Geography date (``date(2025, 1, 1)`` for the COG 2025); movements effective on that
        day are part of it.

    Returns
    -------
    Series of str
        The codes in force on ``when``, sorted.
    """
    codes = set(current)
    undone = movements.loc[
        (pd.to_datetime(movements["DATE_EFF"]) > pd.Timestamp(when))
        & (movements["TYPECOM_AV"] == "COM")
        & (movements["TYPECOM_AP"] == "COM")
    ]
    for _, event in sorted(undone.groupby("DATE_EFF"), key=lambda item: item[0], reverse=True):
        codes = (codes - set(event["COM_AP"])) | set(event["COM_AV"])
    return pd.Series(sorted(codes), dtype="string")
