"""Economy indicators by area: jobs, unemployment, establishments, income, private jobs.

Every function is pure (DataFrame in, DataFrame out). Indicators come out as tidy rows
``territoire_code, territoire, indicateur, valeur, unite, source, millesime`` plus
``communes_manquantes``, the number of communes of the area whose value is missing.

Two rules run through the module:

* a count summed over the communes of an area is missing as soon as one commune's value is
  missing (secret ``s``, empty cell, or commune absent from the file) — never a partial total;
* medians and rates published per commune (median income, poverty rate) are never aggregated:
  :func:`income_by_commune` lists them per commune with their secret markers.

The comparateur functions take the canonical table of
:func:`ressol_analysis.sources.comparateur.read_comparateur` and its ``vintages``; the URSSAF
functions the table of :func:`ressol_analysis.sources.urssaf.read_urssaf_commune_ape`. The
sector structure of employer establishments (SIRENE) is in :mod:`ressol_analysis.sectors`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .areas import MEMBERSHIP_COLUMNS, aggregate_counts, check_columns, check_membership
from .contract import SYNTHETIC_COLUMN, synthetic_flag
from .contract import TIDY_COLUMNS as CONTRACT

# The contract plus the number of communes missing from a sum (dropped by context.py).
TIDY_COLUMNS = [*CONTRACT, "communes_manquantes"]
SECTORS = (
    "agriculture",
    "industrie",
    "construction",
    "commerce_transports_services",
    "administration_enseignement_sante_action_sociale",
)


def tidy_rows(
    rows: pd.DataFrame, unit: str, source: str, vintage: str, synthetic: bool = False
) -> pd.DataFrame:
    """Give indicator rows their unit, source, vintage and marker, in :data:`TIDY_COLUMNS` order.

    ``rows`` has ``territoire_code``, ``territoire``, ``indicateur``, ``valeur`` and
    ``communes_manquantes``; ``synthetic`` says whether they come from synthetic data.
    """
    marker = {SYNTHETIC_COLUMN: synthetic_flag(synthetic)}
    return rows.assign(unite=unit, source=source, millesime=vintage, **marker)[TIDY_COLUMNS]


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """100 × numerator / denominator, missing when the denominator is 0 or missing."""
    return 100 * numerator / denominator.where(denominator != 0)


# ---------------------------------------------------------------------------------------------
# Comparateur de territoires (RP, Flores)


def evolution_key(vintages: dict[str, int]) -> str:
    """Return the indicator key of the job change between the two censuses of the file.

    ``evolution_emplois_2016_2022`` for the 2025 edition; ``evolution_emplois_2017_2023`` when
    the file carries ``P17_``/``P23_`` columns.
    """
    return f"evolution_emplois_{vintages['rp_precedent']}_{vintages['rp']}"


def comparateur_indicators(
    communes: pd.DataFrame, membership: pd.DataFrame, vintages: dict[str, int]
) -> pd.DataFrame:
    """Jobs, unemployment and establishments of each area, from the comparateur table.

    Parameters
    ----------
    communes : DataFrame
        ``Comparateur.table``: ``CODGEO``, ``emplois``, ``emplois_salaries``,
        ``emplois_precedent``, ``chomeurs_15_64``, ``actifs_15_64``, ``etablissements`` and
        ``etablissements_<secteur>`` for the five sectors of :data:`SECTORS`.
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO``.
    vintages : dict of str to int
        ``Comparateur.vintages`` (``rp``, ``rp_precedent``, ``flores``).

    Returns
    -------
    DataFrame
        Tidy rows (:data:`TIDY_COLUMNS`) for ``emplois_au_lieu_de_travail``,
        ``emplois_salaries_au_lieu_de_travail``, ``evolution_emplois_<rpp>_<rp>`` (%),
        ``taux_de_chomage_15_64_ans`` (%), ``etablissements_employeurs_flores`` (Flores
        ``ETTOT``: employer establishments, formerly ``etablissements_actifs``) and
        ``part_etablissements_<secteur>`` (% of those employer establishments). A ratio is
        missing when one of its sums is; ``communes_manquantes`` is the larger count of its
        two terms.
    """
    rp, rpp, flores = vintages["rp"], vintages["rp_precedent"], vintages["flores"]
    sector_columns = [f"etablissements_{s}" for s in SECTORS]
    columns = [
        "emplois",
        "emplois_salaries",
        "emplois_precedent",
        "chomeurs_15_64",
        "actifs_15_64",
        "etablissements",
        *sector_columns,
    ]
    # A commune absent from the comparateur is a missing value, not an error.
    sums = aggregate_counts(communes, membership, columns, absent="missing")
    index = pd.MultiIndex.from_frame(sums[["territoire_code", "territoire"]])
    values = sums[columns].set_axis(index)
    missing = sums[[f"manquants_{c}" for c in columns]].set_axis(columns, axis=1).set_axis(index)
    census = f"Insee, RP {rp}, exploitation principale"
    at_work = f"{census}, lieu de travail"
    flores_source = (
        f"Insee, Flores {flores} (établissements employeurs actifs au 31/12/{flores} : au moins "
        f"un salarié dans l'année)"
    )

    def rows(key: str, value: pd.Series, terms: Sequence[str]) -> pd.DataFrame:
        out = value.rename("valeur").reset_index()
        out["indicateur"] = key
        out["communes_manquantes"] = missing[list(terms)].max(axis=1).to_numpy()
        return out

    parts = [
        tidy_rows(
            rows("emplois_au_lieu_de_travail", values["emplois"], ["emplois"]),
            "emplois",
            at_work,
            str(rp),
        ),
        tidy_rows(
            rows(
                "emplois_salaries_au_lieu_de_travail",
                values["emplois_salaries"],
                ["emplois_salaries"],
            ),
            "emplois salariés",
            at_work,
            str(rp),
        ),
        tidy_rows(
            rows(
                evolution_key(vintages),
                ratio(values["emplois"] - values["emplois_precedent"], values["emplois_precedent"]),
                ["emplois", "emplois_precedent"],
            ),
            "%",
            f"Insee, RP {rpp} et RP {rp}, exploitations principales, lieu de travail",
            f"{rpp}-{rp}",
        ),
        tidy_rows(
            rows(
                "taux_de_chomage_15_64_ans",
                ratio(values["chomeurs_15_64"], values["actifs_15_64"]),
                ["chomeurs_15_64", "actifs_15_64"],
            ),
            "%",
            census,
            str(rp),
        ),
        tidy_rows(
            rows("etablissements_employeurs_flores", values["etablissements"], ["etablissements"]),
            "établissements",
            flores_source,
            str(flores),
        ),
    ]
    for sector, column in zip(SECTORS, sector_columns, strict=True):
        parts.append(
            tidy_rows(
                rows(
                    f"part_etablissements_{sector}",
                    ratio(values[column], values["etablissements"]),
                    [column, "etablissements"],
                ),
                "%",
                flores_source,
                str(flores),
            )
        )
    return pd.concat(parts, ignore_index=True)


def _display(value: float, secret: bool, unit: str, decimals: int) -> str:
    if secret:
        return "secret"
    if pd.isna(value):
        return "non disponible"
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0{unit}"


def income_by_commune(
    communes: pd.DataFrame, membership: pd.DataFrame, vintages: dict[str, int]
) -> pd.DataFrame:
    """Median income and poverty rate per commune, never aggregated, with secret markers.

    Parameters
    ----------
    communes : DataFrame
        ``Comparateur.table`` with ``revenu_median``, ``taux_pauvrete`` and their boolean
        ``*_secret`` columns.
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO``.
    vintages : dict of str to int
        ``Comparateur.vintages`` (``filosofi``).

    Returns
    -------
    DataFrame
        One row per (area, commune): ``territoire_code``, ``territoire``, ``CODGEO``,
        ``revenu_median`` (€ per consumption unit), ``revenu_median_affiche`` (``"secret"``,
        ``"non disponible"`` or French-formatted value), ``taux_pauvrete`` (%),
        ``taux_pauvrete_affiche``, ``source``, ``millesime``.
    """
    check_membership(membership)
    columns = ["revenu_median", "revenu_median_secret", "taux_pauvrete", "taux_pauvrete_secret"]
    check_columns(communes, ["CODGEO", *columns], "des communes")
    table = membership[MEMBERSHIP_COLUMNS].merge(
        communes[["CODGEO", *columns]], on="CODGEO", how="left"
    )
    for column in ("revenu_median_secret", "taux_pauvrete_secret"):
        table[column] = table[column].fillna(False).astype(bool)
    table["revenu_median_affiche"] = [
        _display(v, s, "€", 0)
        for v, s in zip(table["revenu_median"], table["revenu_median_secret"], strict=True)
    ]
    table["taux_pauvrete_affiche"] = [
        _display(v, s, "%", 1)
        for v, s in zip(table["taux_pauvrete"], table["taux_pauvrete_secret"], strict=True)
    ]
    filosofi = vintages["filosofi"]
    table["source"] = f"Insee-DGFiP-Cnaf-Cnav-CCMSA, Filosofi {filosofi}"
    table["millesime"] = str(filosofi)
    return table[
        [
            *MEMBERSHIP_COLUMNS,
            "revenu_median",
            "revenu_median_affiche",
            "taux_pauvrete",
            "taux_pauvrete_affiche",
            "source",
            "millesime",
        ]
    ]


URSSAF_MIN_COVERAGE = 0.5


def urssaf_by_year(
    urssaf: pd.DataFrame, membership: pd.DataFrame, groups: pd.DataFrame
) -> pd.DataFrame:
    """Private employers and salaried jobs of each area and year, from the URSSAF file.

    Parameters
    ----------
    urssaf : DataFrame
        Output of :func:`ressol_analysis.sources.urssaf.read_urssaf_commune_ape`, with
        ``CODGEO`` in the current COG.
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO``.
    groups : DataFrame
        ``CODGEO`` and ``groupe`` (the EPCI) of every commune, to judge the file's coverage.

    Returns
    -------
    DataFrame
        ``territoire_code``, ``territoire``, ``annee``, ``etablissements``,
        ``effectifs_salaries`` and ``cellules_secretes``. URSSAF lists only communes with at
        least one private employer, so a commune absent from the file counts as zero — but
        only in a group (EPCI) the file covers (at least half of its communes present): an
        area with a commune in an uncovered group is left out, so that a partial extract (a
        zone d'emploi, a département) never gives a partial total for a larger area. A
        headcount total that includes a secret cell is missing, never a partial sum.
    """
    check_membership(membership)
    present = set(urssaf["CODGEO"])
    group = groups.drop_duplicates("CODGEO").set_index("CODGEO")["groupe"]
    coverage = group.index.to_series().isin(present).groupby(group.to_numpy()).mean()
    covered = set(coverage[coverage >= URSSAF_MIN_COVERAGE].index)
    area_groups = membership.assign(groupe=membership["CODGEO"].map(group))
    complete = area_groups.groupby("territoire_code")["groupe"].agg(lambda g: set(g) <= covered)
    kept = membership[membership["territoire_code"].map(complete).fillna(False).astype(bool)]
    cells = urssaf.assign(secret=urssaf["effectifs_salaries"].isna())
    merged = kept[MEMBERSHIP_COLUMNS].merge(cells, on="CODGEO", how="inner")
    grouped = merged.groupby(["territoire_code", "territoire", "annee"], sort=False)
    result = pd.DataFrame(
        {
            "etablissements": grouped["etablissements"].sum(),
            "effectifs_salaries": grouped["effectifs_salaries"].sum(),
            "cellules_secretes": grouped["secret"].sum().astype(int),
        }
    ).reset_index()
    result["effectifs_salaries"] = result["effectifs_salaries"].where(
        result["cellules_secretes"] == 0
    )
    return result.sort_values(["territoire_code", "annee"], kind="stable").reset_index(drop=True)


def urssaf_indicators(by_year: pd.DataFrame, source: str) -> pd.DataFrame:
    """Tidy indicators of the latest URSSAF year: private employers and salaried jobs.

    Parameters
    ----------
    by_year : DataFrame
        Output of :func:`urssaf_by_year`.
    source : str
        Source line.

    Returns
    -------
    DataFrame
        Tidy rows ``etablissements_employeurs_prives_urssaf`` and
        ``emplois_salaries_prives_urssaf`` (value at 31 December of the latest year).
    """
    if by_year.empty:
        return pd.DataFrame(columns=CONTRACT)
    year = int(by_year["annee"].max())
    latest = by_year[by_year["annee"] == year]
    rows = []
    for key, column, unit in (
        ("etablissements_employeurs_prives_urssaf", "etablissements", "établissements"),
        ("emplois_salaries_prives_urssaf", "effectifs_salaries", "emplois salariés"),
    ):
        rows.append(
            latest[["territoire_code", "territoire"]].assign(
                indicateur=key,
                valeur=latest[column].to_numpy(),
                unite=unit,
                source=source,
                millesime=f"{year} (au 31/12)",
                **{SYNTHETIC_COLUMN: synthetic_flag(False)},
            )
        )
    return pd.concat(rows, ignore_index=True)[CONTRACT]
