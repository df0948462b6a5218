"""What the choice of ESS perimeter changes, and how uncertain the job share is.

Pure functions, DataFrame in, DataFrame out, on the establishments classified by
:func:`ressol_analysis.ess.classify`:

- :func:`complementary_indicators`: the low–high range of the ESS job share (band bounds), and
  the ESS on INSEE's statistical perimeter whatever the perimeter of the run (to set beside
  INSEE's published figures);
- :func:`flag_by_family`: for each legal-form family, the employer establishments with and
  without SIRENE's ESS flag — associations without the flag, flagged commercial companies.
"""

from __future__ import annotations

import pandas as pd

from .contract import tidy
from .ess import ESS_RULES, FAMILIES, UNIT_ESTABLISHMENTS, UNIT_JOBS, UNIT_PERCENT, share


def complementary_units() -> dict[str, str]:
    """Return the keys of :func:`complementary_indicators`, in report order, with their unit.

    Returns
    -------
    dict of str to str
        Key → unit.
    """
    return {
        "effectif_salarie_estime_bas": UNIT_JOBS,
        "effectif_salarie_estime_haut": UNIT_JOBS,
        "part_ess_effectif_salarie_estime_bas": UNIT_PERCENT,
        "part_ess_effectif_salarie_estime_haut": UNIT_PERCENT,
        "ess_etablissements_employeurs_perimetre_statistique": UNIT_ESTABLISHMENTS,
        "part_ess_etablissements_employeurs_perimetre_statistique": UNIT_PERCENT,
        "ess_effectif_salarie_estime_perimetre_statistique": UNIT_JOBS,
        "part_ess_effectif_salarie_estime_perimetre_statistique": UNIT_PERCENT,
    }


def complementary_indicators(
    classified: pd.DataFrame,
    membership: pd.DataFrame,
    source: str,
    vintage: str,
    synthetic: bool = False,
) -> pd.DataFrame:
    """The range of the ESS job share, and the ESS on INSEE's statistical perimeter.

    The ESS share of estimated jobs has a low and a high bound: the ESS at the bottom of its
    bands against the other employers at the top of theirs, and the reverse::

        low  = ESS_low  / (ESS_low  + others_high)
        high = ESS_high / (ESS_high + others_low)

    The statistical perimeter (families by legal form, activity exclusions) is computed
    whatever the perimeter of the run, so that a run on the law's perimeter can still be set
    beside INSEE's published figures.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify` (``ess`` is the run's perimeter).
    membership : DataFrame
        Columns ``territoire_code``, ``territoire``, ``CODGEO``.
    source, vintage : str
        Source line and vintage of every row.
    synthetic : bool
        Whether ``classified`` is the synthetic demonstration extract.

    Returns
    -------
    DataFrame
        Tidy rows, one per area and key of :func:`complementary_units`; shares in percent,
        missing when the area has no employer.
    """
    areas = membership[["territoire_code", "territoire"]].drop_duplicates("territoire_code")
    # The statistical perimeter is decided once per establishment, and only the columns used
    # go through the many-to-many join with the areas (one copy per area).
    used = ["CODGEO", "employeur", "ess", "effectif_bas", "effectif_haut", "effectif_central"]
    flagged = classified[used].assign(
        statistique=ESS_RULES["statistique"](classified).to_numpy(dtype=bool)
    )
    located = membership[["territoire_code", "CODGEO"]].merge(flagged, on="CODGEO")
    employers = located[located["employeur"]]
    statistical = employers[employers["statistique"]]
    ess = employers[employers["ess"]]

    def total(frame: pd.DataFrame, column: str) -> pd.Series:
        return frame.groupby("territoire_code")[column].sum()

    sums = pd.DataFrame(
        {
            "effectif_salarie_estime_bas": total(employers, "effectif_bas"),
            "effectif_salarie_estime_haut": total(employers, "effectif_haut"),
            "ess_bas": total(ess, "effectif_bas"),
            "ess_haut": total(ess, "effectif_haut"),
            "etablissements": employers.groupby("territoire_code").size(),
            "emplois": total(employers, "effectif_central"),
            "ess_etablissements_employeurs_perimetre_statistique": statistical.groupby(
                "territoire_code"
            ).size(),
            "ess_effectif_salarie_estime_perimetre_statistique": total(
                statistical, "effectif_central"
            ),
        }
    )
    sums = sums.reindex(areas["territoire_code"]).fillna(0.0).astype(float)
    others_low = sums["effectif_salarie_estime_bas"] - sums["ess_bas"]
    others_high = sums["effectif_salarie_estime_haut"] - sums["ess_haut"]
    sums["part_ess_effectif_salarie_estime_bas"] = share(
        sums["ess_bas"], sums["ess_bas"] + others_high
    )
    sums["part_ess_effectif_salarie_estime_haut"] = share(
        sums["ess_haut"], sums["ess_haut"] + others_low
    )
    sums["part_ess_etablissements_employeurs_perimetre_statistique"] = share(
        sums["ess_etablissements_employeurs_perimetre_statistique"], sums["etablissements"]
    )
    sums["part_ess_effectif_salarie_estime_perimetre_statistique"] = share(
        sums["ess_effectif_salarie_estime_perimetre_statistique"], sums["emplois"]
    )
    units = complementary_units()
    wide = sums[list(units)].rename_axis("territoire_code").reset_index()
    names = dict(zip(areas["territoire_code"], areas["territoire"], strict=True))
    return tidy(wide, names, units, source, vintage, synthetic)


def flag_by_family(classified: pd.DataFrame) -> pd.DataFrame:
    """Employer establishments of each legal-form family, with and without SIRENE's ESS flag.

    Shows what the choice of perimeter changes: associations, coopératives, mutuelles,
    fondations and other non-profit bodies without the flag are in INSEE's statistical
    perimeter but not in the law's (as read from the flag); flagged units of another legal form
    (commercial ESS companies) are in the law's perimeter only.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify`, for one area (:func:`select_area`).

    Returns
    -------
    DataFrame
        One row per family of :data:`FAMILIES`: ``famille``, ``etablissements_employeurs``,
        ``avec_indicateur_ess``, ``sans_indicateur_ess`` (employer establishments whose legal
        unit has, or has not, ``economieSocialeSolidaireUniteLegale == 'O'``),
        ``effectif_salarie_estime``, ``effectif_avec_indicateur_ess``,
        ``effectif_sans_indicateur_ess`` (central estimates).
    """
    employers = classified[classified["employeur"]]
    flagged = ESS_RULES["loi"](employers)
    table = pd.DataFrame(
        {
            "famille": employers["famille"].astype(str),
            "flag": flagged,
            "jobs": employers["effectif_central"],
        }
    )
    rows = []
    for family in FAMILIES:
        of_family = table[table["famille"] == family]
        with_flag = of_family[of_family["flag"]]
        without = of_family[~of_family["flag"]]
        rows.append(
            {
                "famille": family,
                "etablissements_employeurs": len(of_family),
                "avec_indicateur_ess": len(with_flag),
                "sans_indicateur_ess": len(without),
                "effectif_salarie_estime": float(of_family["jobs"].sum()),
                "effectif_avec_indicateur_ess": float(with_flag["jobs"].sum()),
                "effectif_sans_indicateur_ess": float(without["jobs"].sum()),
            }
        )
    return pd.DataFrame(rows)
