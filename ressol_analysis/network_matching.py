"""Members of the network matched to the SIRENE establishments of its territory.

Pure functions, DataFrame in, DataFrame out. The rules (``docs/reseau.md``):

1. a member's ``siret`` designates that establishment, which must be an active establishment
   of the territory (otherwise the file is refused with the line to fix);
2. a ``siren`` (without ``siret``) designates every active establishment of the unit in the
   territory;
3. a name alone is compared, after normalisation (:func:`normalise_name`), with the names of
   the unit (denomination, sigle) and of the establishment (usual name, signs) of every
   diffusible establishment of a legal person (:func:`ressol_analysis.ess.listable`) in the
   member's commune — the whole territory when no commune is given — with RapidFuzz's
   ``token_sort_ratio``
   (0–100). The best unit is accepted when its score is at least :data:`MATCH_THRESHOLD`
   and no other unit comes within :data:`AMBIGUITY_MARGIN` points, or when its name is
   identical (100) and no other unit's is; scores from :data:`REVIEW_FLOOR` up, ambiguous
   ones included, go to the review list and are **not counted** until the file gives the
   SIRET; below, the member is "not found", with the reason;
4. an establishment belongs to at most one member line.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from .errors import RessolError
from .ess import listable
from .formatting import number

MATCH_THRESHOLD = 90.0
AMBIGUITY_MARGIN = 3.0
REVIEW_FLOOR = 60.0
MAX_CANDIDATES = 3

FOUND = "retrouvé"
REVIEW = "à vérifier"
NOT_FOUND = "non retrouvé"
RULE_SIRET = "siret"
RULE_SIREN = "siren"
RULE_NAME = "nom"

# Names carried by the SIRENE stock, used when the table has them (unit first).
NAME_COLUMNS = (
    "denominationUniteLegale",
    "sigleUniteLegale",
    "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale",
    "denominationUsuelle3UniteLegale",
    "denominationUsuelleEtablissement",
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
)
ABBREVIATIONS = {"ST": "SAINT", "STE": "SAINTE"}
LIGATURES = str.maketrans({"Œ": "OE", "œ": "oe", "Æ": "AE", "æ": "ae"})
COMMUNE_CODE = re.compile(r"\d[\dAB]\d{3}")

MATCH_COLUMNS = [
    "ligne",
    "nom",
    "siret_fichier",
    "siren_fichier",
    "commune_fichier",
    "CODGEO_fichier",
    "statut",
    "regle",
    "score",
    "siret",
    "siren",
    "motif",
]


def normalise_name(text: object) -> str:
    """Name as compared: capitals, no accents nor punctuation, ``ST`` → ``SAINT``.

    Parameters
    ----------
    text : str or missing
        A name (member, unit, establishment or commune).

    Returns
    -------
    str
        ``"Comité d'Aide & Soins – St-Lô"`` → ``"COMITE D AIDE ET SOINS SAINT LO"``; empty for a
        missing value.
    """
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text).translate(LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).upper()
    words = re.sub(r"[^0-9A-Z]+", " ", plain.replace("&", " ET ")).split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


def resolve_communes(
    members: pd.DataFrame, communes: pd.DataFrame, passage: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Current commune code of each member's ``commune`` (an INSEE code or a name).

    A value of five characters shaped like an INSEE code (``50502``, ``2A004``) is a code: it
    must be a commune of the territory, or a former code that ``passage`` moves to one. Any
    other value is a name, compared with the current names of the territory's communes after
    :func:`normalise_name` (``saint lo`` and ``Saint-Lô`` are the same; a postcode is not a
    commune code).

    Parameters
    ----------
    members : DataFrame
        Output of :func:`ressol_analysis.sources.members.read_members`.
    communes : DataFrame
        Communes of the territory: ``CODGEO``, ``LIBELLE``.
    passage : DataFrame, optional
        ``code_ancien``, ``code_actuel`` (former → current codes).

    Returns
    -------
    DataFrame
        ``members`` with ``CODGEO_fichier`` (missing when no commune is given or it is not
        found) and ``motif_commune`` (why a given commune was not found).
    """
    current = set(communes["CODGEO"])
    former: dict[str, str] = {}
    if passage is not None:
        moves = passage[passage["code_actuel"].isin(current)]
        single = moves.groupby("code_ancien")["code_actuel"].transform("nunique").eq(1)
        former = dict(
            zip(moves.loc[single, "code_ancien"], moves.loc[single, "code_actuel"], strict=True)
        )
    by_name: dict[str, list[str]] = {}
    for code, name in zip(communes["CODGEO"], communes["LIBELLE"], strict=True):
        by_name.setdefault(normalise_name(name), []).append(str(code))

    def resolve(value: object) -> tuple[object, object]:
        if value is None or value is pd.NA:
            return pd.NA, pd.NA
        text = str(value).strip()
        if COMMUNE_CODE.fullmatch(text.upper()):
            code = text.upper()
            if code in current:
                return code, pd.NA
            if code in former:
                return former[code], pd.NA
            return pd.NA, (
                f"le code commune {text} n'est pas une commune du territoire (un code "
                "postal ? indiquez le code Insee ou le nom de la commune)"
            )
        codes = by_name.get(normalise_name(text), [])
        if len(codes) == 1:
            return codes[0], pd.NA
        if codes:
            return pd.NA, (
                f"plusieurs communes du territoire s'appellent « {text} » : indiquez le code "
                "Insee de la commune"
            )
        return pd.NA, (
            f"commune « {text} » introuvable dans le territoire (nom actuel de la commune ou "
            "code Insee attendu)"
        )

    pairs = [resolve(v) for v in members["commune"]]
    return members.assign(
        CODGEO_fichier=pd.array([p[0] for p in pairs], dtype="string"),
        motif_commune=pd.array([p[1] for p in pairs], dtype="string"),
    )


def _name_table(establishments: pd.DataFrame) -> pd.DataFrame:
    """One row per (listable establishment, normalised name)."""
    candidates = establishments[listable(establishments)]
    columns = [c for c in NAME_COLUMNS if c in candidates.columns]
    long = candidates.melt(
        id_vars=["siret", "siren", "CODGEO"], value_vars=columns, value_name="nom_sirene"
    )
    long["cle"] = long["nom_sirene"].map(normalise_name)
    long = long[long["cle"] != ""]
    return long.drop_duplicates(["siret", "cle"])[["siret", "siren", "CODGEO", "cle"]]


def _row(member, **values) -> dict:
    return {
        "ligne": member.ligne,
        "nom": member.nom,
        "siret_fichier": member.siret,
        "siren_fichier": member.siren,
        "commune_fichier": member.commune,
        "CODGEO_fichier": member.CODGEO_fichier,
        "score": np.nan,
        "siret": pd.NA,
        "siren": pd.NA,
        "motif": pd.NA,
        **values,
    }


def _by_name(member, names: pd.DataFrame) -> list[dict]:
    if member.commune is not pd.NA and member.CODGEO_fichier is pd.NA:
        return [_row(member, statut=NOT_FOUND, regle=RULE_NAME, motif=member.motif_commune)]
    pool = (
        names if member.CODGEO_fichier is pd.NA else names[names["CODGEO"] == member.CODGEO_fichier]
    )
    where = "le territoire" if member.CODGEO_fichier is pd.NA else "la commune"
    if pool.empty:
        motif = f"aucun établissement diffusible d'une personne morale dans {where}"
        return [_row(member, statut=NOT_FOUND, regle=RULE_NAME, motif=motif)]
    scores = process.cdist(
        [normalise_name(member.nom)], pool["cle"].tolist(), scorer=fuzz.token_sort_ratio
    )[0]
    scored = pool.assign(score=np.round(scores.astype(float), 1))
    per_siret = scored.groupby(["siren", "siret"], as_index=False)["score"].max()
    units = per_siret.groupby("siren")["score"].max().reset_index()
    units = units.sort_values(["score", "siren"], ascending=[False, True], kind="stable")
    best, s1 = str(units["siren"].iloc[0]), float(units["score"].iloc[0])
    s2 = float(units["score"].iloc[1]) if len(units) > 1 else -np.inf
    if s1 < REVIEW_FLOOR:
        motif = f"aucun nom proche dans {where} (meilleur score {number(s1, 1)} sur 100)"
        return [_row(member, statut=NOT_FOUND, regle=RULE_NAME, motif=motif)]
    clear = (s1 >= MATCH_THRESHOLD and s2 < s1 - AMBIGUITY_MARGIN) or (s1 == 100 and s2 < 100)
    if clear:
        kept = per_siret[(per_siret["siren"] == best) & (per_siret["score"] == s1)]
        return [
            _row(member, statut=FOUND, regle=RULE_NAME, score=s1, siret=r.siret, siren=r.siren)
            for r in kept.itertuples()
        ]
    close = set(units.loc[units["score"] >= max(REVIEW_FLOOR, s1 - AMBIGUITY_MARGIN), "siren"])
    shown = per_siret[per_siret["siren"].isin(close)].sort_values(
        ["score", "siret"], ascending=[False, True], kind="stable"
    )
    if s1 >= MATCH_THRESHOLD:
        motif = (
            f"plusieurs unités au nom proche (scores {number(s1, 1)} et {number(s2, 1)}) : "
            "indiquez le SIRET de l'adhérent"
        )
    else:
        motif = (
            f"nom proche mais score {number(s1, 1)} inférieur au seuil de "
            f"{number(MATCH_THRESHOLD)} : vérifiez et indiquez le SIRET de l'adhérent"
        )
    return [
        _row(member, statut=REVIEW, regle=RULE_NAME, score=r.score, siret=r.siret, siren=r.siren,
             motif=motif)
        for r in shown.head(MAX_CANDIDATES).itertuples()
    ]  # fmt: skip


def match_members(
    members: pd.DataFrame,
    establishments: pd.DataFrame,
    communes: pd.DataFrame,
    passage: pd.DataFrame | None = None,
    territory_name: str = "étudié",
) -> pd.DataFrame:
    """Match each member to the SIRENE establishments of the territory.

    Parameters
    ----------
    members : DataFrame
        Output of :func:`ressol_analysis.sources.members.read_members` (``ligne``, ``nom``,
        ``siret``, ``siren``, ``commune``; ``attrs["fichier"]`` names the file in errors).
    establishments : DataFrame
        Active establishments of the territory, classified (:func:`ressol_analysis.ess.classify`
        then :func:`ressol_analysis.ess.select_area`).
    communes : DataFrame
        Communes of the territory: ``CODGEO``, ``LIBELLE``.
    passage : DataFrame, optional
        Former → current commune codes, for members who write a former code.
    territory_name : str
        Name of the territory, for the messages.

    Returns
    -------
    DataFrame
        Columns :data:`MATCH_COLUMNS`. A member found has one row per establishment counted
        (``statut`` :data:`FOUND`); a member to check has one row per candidate shown (at most
        :data:`MAX_CANDIDATES`, ``statut`` :data:`REVIEW`, never counted); a member not found
        has one row with the reason in ``motif``. ``score`` is 100 for a SIRET or SIREN.

    Raises
    ------
    RessolError
        Naming the file and lines: a SIRET that is not an active establishment of the
        territory, or two lines that designate the same establishment.
    """
    where = members.attrs.get("fichier", "le fichier des adhérents")
    resolved = resolve_communes(members, communes, passage)
    known = set(establishments["siret"])
    by_siren = establishments.groupby("siren")["siret"].apply(sorted)
    names = _name_table(establishments)
    rows: list[dict] = []
    outside = []
    for member in resolved.itertuples(index=False):
        if member.siret is not pd.NA:
            if member.siret in known:
                siren = member.siret[:9]
                rows.append(_row(member, statut=FOUND, regle=RULE_SIRET, score=100.0,
                                 siret=member.siret, siren=siren))  # fmt: skip
            else:
                outside.append(f"ligne {member.ligne} : SIRET {member.siret} ({member.nom})")
        elif member.siren is not pd.NA:
            if member.siren in by_siren.index:
                rows += [
                    _row(member, statut=FOUND, regle=RULE_SIREN, score=100.0, siret=s,
                         siren=member.siren)
                    for s in by_siren[member.siren]
                ]  # fmt: skip
            else:
                motif = (
                    "aucun établissement actif de ce SIREN dans le territoire (unité située "
                    "ailleurs ou fermée, ou numéro erroné)"
                )
                rows.append(_row(member, statut=NOT_FOUND, regle=RULE_SIREN, motif=motif))
        else:
            rows += _by_name(member, names)
    if outside:
        raise RessolError(
            f"Dans le fichier des adhérents {where}, SIRET qui ne désignent aucun "
            f"établissement actif du territoire {territory_name} ({len(outside)}) :\n- "
            + "\n- ".join(outside)
            + "\nVérifiez chaque numéro (annuaire-entreprises.data.gouv.fr) : si l'adhérent "
            "est situé hors du territoire, retirez la ligne ; si l'établissement a fermé ou "
            "déménagé, indiquez le SIRET de son établissement actuel, ou videz la case siret "
            "pour qu'il soit recherché par son nom."
        )
    table = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    found = table[table["statut"] == FOUND]
    shared = found.groupby("siret")["ligne"].nunique()
    shared = shared[shared > 1]
    if not shared.empty:
        lines = found.groupby("siret")["ligne"].agg(lambda s: ", ".join(map(str, sorted(set(s)))))
        details = [f"{siret} (lignes {lines[siret]})" for siret in shared.index]
        raise RessolError(
            f"Dans le fichier des adhérents {where}, plusieurs lignes désignent le même "
            f"établissement : {'; '.join(details)}. Un adhérent ne doit figurer qu'une fois : "
            "supprimez le doublon, ou donnez à chaque ligne le SIRET de son propre "
            "établissement."
        )
    table = table.astype(
        {c: "string" for c in MATCH_COLUMNS if c not in ("ligne", "score")}
    ).astype({"ligne": int, "score": float})
    return table.reset_index(drop=True)


__all__ = [
    "AMBIGUITY_MARGIN",
    "FOUND",
    "MATCH_THRESHOLD",
    "NOT_FOUND",
    "REVIEW",
    "REVIEW_FLOOR",
    "match_members",
    "normalise_name",
    "resolve_communes",
]
