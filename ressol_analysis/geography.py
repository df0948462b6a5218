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
from datetime import date

import pandas as pd

from .errors import RessolError, list_codes

SPLIT_RULES = ("refuse", "keep_code")


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
    for _, event in after.sort_values("DATE_EFF").groupby("DATE_EFF", sort=True):
        edges: dict[str, set[str]] = defaultdict(set)
        for before, after_code in zip(event["COM_AV"], event["COM_AP"], strict=True):
            edges[before].add(after_code)
        for code in edges:
            state.setdefault(code, {code})
        for origin, targets in state.items():
            moved: set[str] = set()
            for target in targets:
                goes = edges.get(target, {target})
                if len(goes) > 1 and origin != target:
                    # A rétablissement carves the restored commune out of ``target``: a code
                    # merged earlier into ``target`` stays with it unless it is the restored one.
                    if origin in goes:
                        goes = {origin}
                    elif target in goes:
                        goes = {target}
                moved |= goes
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


def move_codes(
    codes: pd.Series,
    passage: pd.DataFrame,
    current: pd.Index,
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
        Output of :func:`build_passage`.
    current : Index of str
        Codes of the current COG's communes.
    what : str
        Description of the data (file name), used in error messages.
    split_rule : {"refuse", "keep_code"}
        What to do with a code split between several communes (see module docstring).
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
        under ``split_rule="refuse"``.
    """
    if split_rule not in SPLIT_RULES:
        raise ValueError(f"split_rule must be one of {SPLIT_RULES}, not {split_rule!r}")
    targets = passage.groupby("code_ancien")["code_actuel"].agg(list)
    if keep_current:
        targets = targets[~targets.index.isin(current)]
    splits = targets[targets.map(len) > 1]
    present_splits = codes[codes.isin(splits.index)]
    if not present_splits.empty:
        if split_rule == "refuse":
            details = "; ".join(
                f"{c} → {', '.join(splits[c])}" for c in sorted(set(present_splits))[:10]
            )
            raise RessolError(
                f"Dans {what}, code(s) commune d'une commune depuis scindée (rétablissement) : "
                f"{details}. Les effectifs ne peuvent pas être répartis sans autre donnée. "
                "Fournissez un fichier dans la géographie en vigueur, ou retirez ces lignes."
            )
        unresolved = [c for c in set(present_splits) if c not in splits[c]]
        if unresolved:
            raise RessolError(
                f"Dans {what}, code(s) commune scindé(s) dont aucune commune actuelle ne garde "
                f"le code : {list_codes(unresolved)}. Impossible de les rattacher ; retirez "
                "ces lignes ou fournissez un fichier dans la géographie en vigueur."
            )
    mapping = {old: new[0] for old, new in targets.items() if len(new) == 1}
    moved = pd.Series(
        [mapping.get(c, c) for c in codes], index=codes.index, dtype="string", name=codes.name
    )
    unknown = moved[~moved.isin(current) & moved.notna()]
    if not unknown.empty:
        raise RessolError(
            f"Dans {what}, code(s) commune inconnu(s) du COG en vigueur et de ses mouvements : "
            f"{list_codes(unknown)}. Vérifiez ces codes (5 caractères, entre guillemets dans "
            "un YAML, « 2A »/« 2B » pour la Corse) ou utilisez un COG plus récent."
        )
    return moved


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
