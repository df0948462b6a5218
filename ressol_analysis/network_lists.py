"""Lists of the network's working file: who is not a member yet, what to check, what failed.

Pure functions. The working file names establishments, so it is for the network only, never
published with the board report; only :func:`ressol_analysis.ess.listable` establishments are
named (diffusion ``O`` at unit and establishment level, legal persons).
"""

from __future__ import annotations

import pandas as pd

from . import ess
from .network_matching import FOUND, NOT_FOUND, REVIEW
from .sources.sirene import street_addresses


def non_member_employers(
    flagged: pd.DataFrame, naf: pd.DataFrame, communes: pd.DataFrame
) -> pd.DataFrame:
    """ESS employer establishments that are not members, largest first (working file).

    Only :func:`ressol_analysis.ess.listable` establishments are named (diffusion ``O`` at
    both levels, legal persons); the others are counted in ``attrs["non_listes"]``.

    Parameters
    ----------
    flagged : DataFrame
        Output of :func:`flag_members`.
    naf : DataFrame
        NAF reference table with ``sous_classe``, ``A21``, ``libelle_A21``.
    communes : DataFrame
        ``CODGEO``, ``LIBELLE``, ``EPCI``, ``EPCI_NOM``.

    Returns
    -------
    DataFrame
        ``siret``, ``nom``, ``enseigne``, ``famille``, ``A21``, ``secteur``, ``activite``,
        ``adresse``, ``code_postal`` (empty when the stock has no address), ``CODGEO``,
        ``commune``, ``EPCI``, ``EPCI_NOM``, ``tranche``, ``tranche_libelle``,
        ``effectif_salarie_estime`` (centre of the band); sorted by estimated jobs
        (descending), then name and SIRET.
    """
    candidates = flagged[flagged["employeur"] & flagged["ess"] & ~flagged["adherent"]]
    allowed = candidates[ess.listable(candidates)]
    directory = ess.ess_directory(allowed, naf)
    jobs = allowed.set_index("siret")["effectif_central"]
    places = communes[["CODGEO", "LIBELLE", "EPCI", "EPCI_NOM"]].rename(
        columns={"LIBELLE": "commune"}
    )
    table = directory.merge(street_addresses(allowed), on="siret", how="left").merge(
        places, on="CODGEO", how="left"
    )
    table["effectif_salarie_estime"] = table["siret"].map(jobs).astype(float)
    table = table.sort_values(
        ["effectif_salarie_estime", "nom", "siret"], ascending=[False, True, True], kind="stable"
    )
    columns = [
        "siret", "nom", "enseigne", "famille", "A21", "secteur", "activite", "adresse",
        "code_postal", "CODGEO", "commune", "EPCI", "EPCI_NOM", "tranche", "tranche_libelle",
        "effectif_salarie_estime",
    ]  # fmt: skip
    table = table[columns].reset_index(drop=True)
    table.attrs["non_listes"] = int(len(candidates) - len(allowed))
    return table


def review_list(
    matches: pd.DataFrame, establishments: pd.DataFrame, communes: pd.DataFrame
) -> pd.DataFrame:
    """Uncertain name matches, with each candidate and its score (working file).

    Parameters
    ----------
    matches : DataFrame
        Output of :func:`match_members`.
    establishments : DataFrame
        Classified establishments of the territory.
    communes : DataFrame
        ``CODGEO``, ``LIBELLE``.

    Returns
    -------
    DataFrame
        ``ligne``, ``nom``, ``commune_fichier``, ``score``, ``siret_candidat``,
        ``nom_candidat``, ``enseigne_candidat``, ``commune_candidat``, ``motif``; candidates
        are always :func:`ressol_analysis.ess.listable` establishments (name matching uses
        no other).
    """
    review = matches[matches["statut"] == REVIEW]
    found = establishments.set_index("siret")
    shown = ess.display_names(found)
    names = communes.set_index("CODGEO")["LIBELLE"]
    table = pd.DataFrame(
        {
            "ligne": review["ligne"],
            "nom": review["nom"],
            "commune_fichier": review["commune_fichier"],
            "score": review["score"],
            "siret_candidat": review["siret"],
            "nom_candidat": review["siret"].map(shown["nom"]),
            "enseigne_candidat": review["siret"].map(shown["enseigne"]),
            "commune_candidat": review["siret"].map(found["CODGEO"]).map(names),
            "motif": review["motif"],
        }
    )
    return table.reset_index(drop=True)


def unmatched_list(matches: pd.DataFrame) -> pd.DataFrame:
    """Members that matched nothing, with the reason (working file).

    Parameters
    ----------
    matches : DataFrame
        Output of :func:`match_members`.

    Returns
    -------
    DataFrame
        ``ligne``, ``nom``, ``siret``, ``siren``, ``commune``, ``motif``.
    """
    rows = matches[matches["statut"] == NOT_FOUND]
    table = rows[["ligne", "nom", "siret_fichier", "siren_fichier", "commune_fichier", "motif"]]
    table = table.rename(
        columns={"siret_fichier": "siret", "siren_fichier": "siren", "commune_fichier": "commune"}
    )
    return table.reset_index(drop=True)


def members_found(matches: pd.DataFrame, flagged: pd.DataFrame) -> pd.DataFrame:
    """One row per member found, with how and how many establishments (working file).

    Parameters
    ----------
    matches : DataFrame
        Output of :func:`match_members`.
    flagged : DataFrame
        Output of :func:`flag_members`.

    Returns
    -------
    DataFrame
        ``ligne``, ``nom``, ``regle``, ``score``, ``siren``, ``etablissements`` (counted),
        ``ess_etablissements_employeurs`` (of which ESS employers).
    """
    found = matches[matches["statut"] == FOUND]
    table = found.groupby("ligne", as_index=False, sort=True).agg(
        nom=("nom", "first"),
        regle=("regle", "first"),
        score=("score", "min"),
        siren=("siren", "first"),
        etablissements=("siret", "size"),
    )
    members = flagged[flagged["adherent"] & flagged["employeur"] & flagged["ess"]]
    counts = members.groupby("adherent_ligne").size()
    table["ess_etablissements_employeurs"] = table["ligne"].map(counts).fillna(0).astype(int)
    return table


__all__ = [
    "members_found",
    "non_member_employers",
    "review_list",
    "unmatched_list",
]
