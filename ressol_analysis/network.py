"""Coverage of the ESS of a territory by its network: indicators and tables.

Pure functions, DataFrame in, DataFrame out. The establishments of the members found by
:func:`ressol_analysis.network_matching.match_members` are flagged (:func:`flag_members`);
coverage compares the ESS employer establishments that belong to a member with all the ESS
employer establishments of the same area — counts, and salaried jobs estimated at the centre of
the headcount band, as the ESS chapter does (:mod:`ressol_analysis.ess`). Establishments to
check are never counted. Definitions: ``docs/reseau.md`` and ``docs/indicateurs.md``.
"""

from __future__ import annotations

import pandas as pd

from . import ess, ess_communes
from .contract import tidy
from .network_matching import FOUND

COMPUTED_LEVELS = ("territoire", "epci")
UNIT_MEMBERS = "adhérents"
COVERAGE_COLUMNS = [
    "ess_etablissements_employeurs",
    "reseau_ess_etablissements_employeurs_adherents",
    "part_reseau_ess_etablissements_employeurs",
    "ess_effectif_salarie_estime",
    "reseau_ess_effectif_salarie_estime",
    "part_reseau_ess_effectif_salarie_estime",
]


def flag_members(establishments: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """Mark the establishments that belong to a member found.

    Parameters
    ----------
    establishments : DataFrame
        Classified establishments of the territory.
    matches : DataFrame
        Output of :func:`match_members`.

    Returns
    -------
    DataFrame
        ``establishments`` with ``adherent`` (bool) and ``adherent_ligne`` (line of the
        member in the file, missing for non-members). Establishments to check are not members.
    """
    found = matches.loc[matches["statut"] == FOUND, ["siret", "ligne"]]
    flagged = establishments.merge(
        found.rename(columns={"ligne": "adherent_ligne"}), on="siret", how="left"
    )
    flagged["adherent_ligne"] = flagged["adherent_ligne"].astype("Int64")
    flagged["adherent"] = flagged["adherent_ligne"].notna()
    return flagged


def _sums(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Members, ESS employers and their estimated jobs, members and all, by ``by``."""
    ess_employers = frame[frame["employeur"] & frame["ess"]]
    of_members = ess_employers[ess_employers["adherent"]]
    sums = pd.DataFrame(
        {
            "ess_etablissements_employeurs": ess_employers.groupby(by).size(),
            "ess_effectif_salarie_estime": ess_employers.groupby(by)["effectif_central"].sum(),
            "reseau_ess_etablissements_employeurs_adherents": of_members.groupby(by).size(),
            "reseau_ess_effectif_salarie_estime": of_members.groupby(by)["effectif_central"].sum(),
        }
    )
    return sums.astype(float)


def _with_shares(sums: pd.DataFrame) -> pd.DataFrame:
    return sums.assign(
        part_reseau_ess_etablissements_employeurs=ess.share(
            sums["reseau_ess_etablissements_employeurs_adherents"],
            sums["ess_etablissements_employeurs"],
        ),
        part_reseau_ess_effectif_salarie_estime=ess.share(
            sums["reseau_ess_effectif_salarie_estime"], sums["ess_effectif_salarie_estime"]
        ),
    )


def _computed_areas(membership: pd.DataFrame) -> pd.DataFrame:
    if "niveau" in membership.columns:
        membership = membership[membership["niveau"].isin(COMPUTED_LEVELS)]
    return membership[["territoire_code", "territoire", "CODGEO"]]


def _area_table(flagged: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Every key of :func:`indicator_units` for the territory and its EPCIs (wide)."""
    computed = _computed_areas(membership)
    areas = computed["territoire_code"].drop_duplicates()
    by_area = computed[["territoire_code", "CODGEO"]].merge(flagged, on="CODGEO", how="inner")
    members = by_area[by_area["adherent"]]
    wide = _with_shares(_sums(by_area, "territoire_code").reindex(areas).fillna(0.0))
    wide["reseau_adherents"] = members.groupby("territoire_code")["adherent_ligne"].nunique()
    in_ess = members[members["ess"]]
    for family in ess.FAMILIES:
        of_family = by_area[by_area["famille"] == family]
        part = _with_shares(_sums(of_family, "territoire_code").reindex(areas).fillna(0.0))
        for column in part.columns:
            wide[f"{column}_{family}"] = part[column]
        wide[f"reseau_adherents_{family}"] = (
            in_ess[in_ess["famille"] == family].groupby("territoire_code")["adherent_ligne"]
        ).nunique()
    wide = wide.reindex(areas)
    counts = [c for c in wide.columns if c.startswith("reseau_adherents")]
    wide[counts] = wide[counts].fillna(0.0).astype(float)
    by_family = [f"reseau_adherents_{f}" for f in ess.FAMILIES]
    wide["reseau_adherents_hors_ess"] = wide["reseau_adherents"] - wide[by_family].sum(axis=1)
    return wide


def indicator_units() -> dict[str, str]:
    """Return the network's indicator keys, in order, with their unit.

    Returns
    -------
    dict of str to str
        Key → unit; the five base keys, ``reseau_adherents_hors_ess``, then the five base keys
        of each family with the family as suffix (``…_associations``).
    """
    ess_units = ess.indicator_units()
    establishments = ess_units["ess_etablissements_employeurs"]
    base = {
        "reseau_adherents": UNIT_MEMBERS,
        "reseau_ess_etablissements_employeurs_adherents": establishments,
        "reseau_ess_effectif_salarie_estime": ess_units["ess_effectif_salarie_estime"],
        "part_reseau_ess_etablissements_employeurs": "%",
        "part_reseau_ess_effectif_salarie_estime": "%",
    }
    units = {**base, "reseau_adherents_hors_ess": UNIT_MEMBERS}
    for family in ess.FAMILIES:
        units.update({f"{key}_{family}": unit for key, unit in base.items()})
    return units


def network_indicators(
    flagged: pd.DataFrame,
    membership: pd.DataFrame,
    source: str,
    millesime: str,
    synthetic: bool = False,
) -> pd.DataFrame:
    """Tidy network indicators for the territory and each of its EPCIs.

    Parameters
    ----------
    flagged : DataFrame
        Output of :func:`flag_members`.
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO`` and, when present, ``niveau``: areas
        of level ``territoire`` or ``epci`` are computed; the others (comparison areas, which
        the members file does not cover) get every key with an empty ``valeur``.
    source : str
        Source line (members file and SIRENE).
    millesime : str
        Vintage.
    synthetic : bool
        Whether the establishments are the synthetic demonstration extract (the contract's
        ``synthetique`` column, :func:`ressol_analysis.contract.is_synthetic`).

    Returns
    -------
    DataFrame
        Columns of the tidy contract; one row per area and key of :func:`indicator_units`.
        ``reseau_adherents`` counts member lines with at least one establishment in the area
        (a member present in two EPCIs counts in each); ``reseau_adherents_<famille>`` those
        with an ESS establishment of that family in the area, and
        ``reseau_adherents_hors_ess`` the others, so that they add up. Shares are in percent
        of the area's ESS employer establishments (or estimated ESS jobs); missing when the
        area has none.
    """
    units = indicator_units()
    areas = membership.drop_duplicates("territoire_code")
    if "ordre" in areas.columns:
        areas = areas.sort_values("ordre", kind="stable")
    wide = _area_table(flagged, membership).reindex(areas["territoire_code"])[list(units)]
    wide = wide.astype(float).rename_axis("territoire_code").reset_index()
    names = dict(zip(areas["territoire_code"], areas["territoire"], strict=True))
    return tidy(wide, names, units, source, millesime, synthetic)


def coverage_by_area(flagged: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Coverage of the ESS by the network for the territory and each EPCI.

    Parameters
    ----------
    flagged : DataFrame
        Output of :func:`flag_members`.
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO`` (and ``niveau``, see
        :func:`network_indicators`).

    Returns
    -------
    DataFrame
        ``territoire_code``, ``territoire``, ``reseau_adherents`` and
        :data:`COVERAGE_COLUMNS`, one row per computed area.
    """
    wide = _area_table(flagged, membership)
    names = _computed_areas(membership).drop_duplicates("territoire_code")
    names = names.set_index("territoire_code")["territoire"]
    table = wide[["reseau_adherents", *COVERAGE_COLUMNS]].rename_axis("territoire_code")
    table = table.reset_index()
    table.insert(1, "territoire", table["territoire_code"].map(names))
    return table


def coverage_by_family(flagged: pd.DataFrame) -> pd.DataFrame:
    """Coverage of the ESS by the network, by family, over the establishments given.

    Parameters
    ----------
    flagged : DataFrame
        Output of :func:`flag_members` (restricted to one area if wanted).

    Returns
    -------
    DataFrame
        ``famille`` and :data:`COVERAGE_COLUMNS`, one row per family (zero rows kept) and a
        last row ``ensemble``.
    """
    sums = _sums(flagged, "famille").reindex(list(ess.FAMILIES)).fillna(0.0)
    sums.loc["ensemble"] = sums.sum()
    table = _with_shares(sums)[COVERAGE_COLUMNS].rename_axis("famille").reset_index()
    return table


def coverage_by_sector(
    flagged: pd.DataFrame, naf: pd.DataFrame, level: str = "A21"
) -> pd.DataFrame:
    """Coverage of the ESS by the network, by sector (NAF ``level``), over the establishments given.

    Parameters
    ----------
    flagged : DataFrame
        Output of :func:`flag_members`.
    naf : DataFrame
        NAF reference table (see :func:`ressol_analysis.ess.ess_by_sector`).
    level : str
        ``A21`` or ``A38`` (as the ESS chapter).

    Returns
    -------
    DataFrame
        ``<level>``, ``libelle`` and :data:`COVERAGE_COLUMNS`, one row per sector with at least
        one ESS employer establishment, largest ESS employment first.
    """
    zone = pd.DataFrame({"CODGEO": flagged["CODGEO"].drop_duplicates()})
    zone = zone.assign(territoire_code="zone", territoire="zone")
    keys = [level, "libelle"]
    every = ess.ess_by_sector(flagged, zone, naf, level)
    members = ess.ess_by_sector(flagged[flagged["adherent"]], zone, naf, level)
    members = members[[*keys, "ess_etablissements_employeurs", "ess_effectif_salarie_estime"]]
    members.columns = [*keys, *COVERAGE_COLUMNS[1:2], COVERAGE_COLUMNS[4]]
    table = every[[*keys, "ess_etablissements_employeurs", "ess_effectif_salarie_estime"]]
    table = table.merge(members, on=keys, how="left").fillna(
        {COVERAGE_COLUMNS[1]: 0.0, COVERAGE_COLUMNS[4]: 0.0}
    )
    table = _with_shares(table[table["ess_etablissements_employeurs"] > 0])
    table = table.sort_values(
        ["ess_effectif_salarie_estime", level], ascending=[False, True], kind="stable"
    )
    return table[[*keys, *COVERAGE_COLUMNS]].reset_index(drop=True)


def coverage_by_commune(flagged: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """Coverage by commune, with the statistical secrecy of the ESS map.

    The ESS side is :func:`ressol_analysis.ess_communes.commune_table`. The members' estimated jobs
    of a commune are masked by the same rules (:func:`ressol_analysis.ess_communes.primary_secret`:
    1 or 2 establishments, or one above 85 %) applied to the members' cell **and** to its complement
    (the ESS employers that are not members, whose jobs the published ESS total minus the members'
    would reveal), then :func:`ressol_analysis.ess_communes.secondary_secret` within each ``groupe``
    (whose totals the indicators publish). The share of jobs is masked when the members' cell or the
    ESS cell is. Counts of establishments are not masked, as on the ESS map.

    Parameters
    ----------
    flagged : DataFrame
        Output of :func:`flag_members`.
    communes : DataFrame
        ``CODGEO`` and ``groupe`` (e.g. the EPCI) of each commune; other columns are kept.

    Returns
    -------
    DataFrame
        ``communes`` with :data:`COVERAGE_COLUMNS` (masked values missing), ``secret_ess``
        and ``secret_reseau`` (bool).
    """
    table = ess_communes.commune_table(flagged, communes)
    inside = flagged[
        flagged["employeur"] & flagged["ess"] & flagged["CODGEO"].isin(communes["CODGEO"])
    ]
    cells = {}
    for name, frame in (("m", inside[inside["adherent"]]), ("o", inside[~inside["adherent"]])):
        grouped = frame.groupby("CODGEO")["effectif_central"]
        stats = pd.DataFrame({"n": grouped.size(), "v": grouped.sum(), "top": grouped.max()})
        stats = stats.reindex(table["CODGEO"]).fillna(0.0)
        stats.index = table.index
        cells[name] = stats
    m, o = cells["m"], cells["o"]
    # The complement only matters where members contribute: with none, the members' cell is
    # zero and the ESS cell (masked by its own rule) is the complement.
    primary = ess_communes.primary_secret(m["n"], m["v"], m["top"]) | (
        ess_communes.primary_secret(o["n"], o["v"], o["top"]) & (m["n"] > 0)
    )
    secret = ess_communes.secondary_secret(primary, m["v"], m["n"], table["groupe"])
    table["reseau_ess_etablissements_employeurs_adherents"] = m["n"].astype(int)
    table["part_reseau_ess_etablissements_employeurs"] = ess.share(
        m["n"], table["ess_etablissements_employeurs"].astype(float)
    )
    table["reseau_ess_effectif_salarie_estime"] = m["v"].mask(secret)
    table["part_reseau_ess_effectif_salarie_estime"] = ess.share(
        table["reseau_ess_effectif_salarie_estime"], table["ess_effectif_salarie_estime"]
    ).mask(secret | table["secret_ess"])
    table["secret_reseau"] = secret.astype(bool)
    kept = [c for c in communes.columns]
    return table[[*kept, *COVERAGE_COLUMNS, "secret_ess", "secret_reseau"]]


__all__ = [
    "COVERAGE_COLUMNS",
    "coverage_by_area",
    "coverage_by_commune",
    "coverage_by_family",
    "coverage_by_sector",
    "flag_members",
    "indicator_units",
    "network_indicators",
]
