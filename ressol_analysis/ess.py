"""ESS indicators from SIRENE establishments: pure functions, DataFrame in, DataFrame out.

The rules (``docs/methode_ess.md``):

1. establishments in scope are active (``etatAdministratifEtablissement == 'A'``);
2. they are located in their current commune (old codes moved by the reader);
3. an establishment is an employer when the register says so
   (``caractereEmployeurEtablissement == 'O'``; the band decides when the flag is empty, and
   when the file has no such column: present and not ``NN``), unless its band is more than
   :data:`BAND_MAX_AGE` years older than the file's most recent band year (a long-inactive
   unit) or its band code is unknown (employer status and jobs unknown, counted apart);
4. it is ESS when its legal unit has ``economieSocialeSolidaireUniteLegale == 'O'`` (legal
   perimeter of the 2014 law, default), or — statistical perimeter, as an option — when its
   catégorie juridique belongs to one of INSEE's five families (the four historic ones and the
   « autres organismes privés à but non lucratif ») and its activity is not excluded;
5. its family comes from its catégorie juridique through ``reference/familles_ess.csv``, or,
   for a well-formed code absent from it, through its niveau II then niveau I group
   (``reference/familles_ess_niveaux.csv``);
6. its salaried jobs are estimated from its band (low, central, high) through
   ``reference/tranches_effectifs.csv``;
7. shares compare ESS employers with all employers of the same area.

Reference tables are applied with joins; an unknown code raises :class:`RessolError`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .contract import TIDY_COLUMNS, tidy
from .employers import BAND_MAX_AGE, EmployerRule, employer_rule, employer_status
from .errors import RessolError
from .sources.naf import UNKNOWN_SECTOR, UNKNOWN_SECTOR_LABEL
from .sources.reference import (
    FAMILIES,
    STATISTICAL_FAMILIES,
    bands_table,
    legal_category_families,
    malformed_legal_category_error,
    statistical_exclusions,
)
from .sources.tables import require_columns

PERIMETERS = ("loi", "statistique")
# Diffusion status of a unit or establishment whose data are public; anything else is not.
PUBLIC = "O"
# Catégories juridiques of natural persons: entrepreneurs individuels (1xxx) and groupements
# of natural persons such as indivisions (21xx).
NATURAL_PERSONS = ("1", "21")
UNCLASSIFIED_SECTOR = UNKNOWN_SECTOR
UNCLASSIFIED_LABEL = UNKNOWN_SECTOR_LABEL

CLASSIFIED_COLUMNS = (
    "employeur",
    "effectif_bas",
    "effectif_central",
    "effectif_haut",
    "tranche_inconnue",
    "tranche_ancienne",
    "famille",
    "niveau_famille",
    "ess",
)
INDICATOR_COLUMNS = TIDY_COLUMNS
UNIT_ESTABLISHMENTS = "établissements"
UNIT_JOBS = "emplois salariés (estimation par tranche)"
UNIT_PERCENT = "%"


def _ess_legal(table: pd.DataFrame) -> pd.Series:
    return table["economieSocialeSolidaireUniteLegale"].eq("O").fillna(False).astype(bool)


def _ess_statistical(table: pd.DataFrame) -> pd.Series:
    naf = table["activitePrincipaleEtablissement"].fillna("")
    excluded = pd.Series(False, index=table.index)
    for prefix in statistical_exclusions()["prefixe_naf"]:
        excluded |= naf.str.startswith(prefix)
    return table["famille"].isin(STATISTICAL_FAMILIES) & ~excluded


ESS_RULES = {"loi": _ess_legal, "statistique": _ess_statistical}


def _check_perimeter(perimeter: str) -> None:
    """Refuse a perimeter that is not one of :data:`PERIMETERS`, naming those that are."""
    if perimeter not in ESS_RULES:
        raise RessolError(
            f"Périmètre de l'ESS inconnu : « {perimeter} ». Périmètres possibles : "
            f"{', '.join(PERIMETERS)} (loi de 2014 ou périmètre statistique de l'Insee)."
        )


def classify(
    establishments: pd.DataFrame, perimeter: str = "loi", rule: EmployerRule | None = None
) -> pd.DataFrame:
    """Apply the rules: employer, estimated jobs, family and ESS membership.

    Parameters
    ----------
    establishments : DataFrame
        Output of :func:`ressol_analysis.sources.sirene.read_sirene` (or any table with its
        columns ``etatAdministratifEtablissement``, ``trancheEffectifsEtablissement``,
        ``categorieJuridiqueUniteLegale``, ``economieSocialeSolidaireUniteLegale``,
        ``activitePrincipaleEtablissement``, and optionally
        ``caractereEmployeurEtablissement``, ``anneeEffectifsEtablissement``).
    perimeter : {"loi", "statistique"}
        ``loi`` (default): ESS flag of the legal unit (law 2014-856). ``statistique``: INSEE's
        social economy — the five families by catégorie juridique (associations, coopératives,
        mutuelles, fondations, autres organismes privés à but non lucratif; commercial ESS
        companies are outside), minus the activities of
        ``reference/exclusions_perimetre_statistique.csv``.
    rule : EmployerRule, optional
        Employer rule of the file (:func:`employer_rule` of ``establishments`` by default).

    Returns
    -------
    DataFrame
        Active establishments only, with the columns of :func:`employer_status`, ``famille``
        (one of :data:`FAMILIES`), ``niveau_famille`` (``III``, ``II`` or ``I``: level of the
        catégorie juridique nomenclature that gave the family) and ``ess`` (bool).

    Raises
    ------
    RessolError
        On a missing column, an unknown ``perimeter``, or an employer whose catégorie
        juridique is not four digits.
    """
    _check_perimeter(perimeter)
    require_columns(
        Path("établissements SIRENE"),
        list(establishments.columns),
        [
            "etatAdministratifEtablissement",
            "trancheEffectifsEtablissement",
            "categorieJuridiqueUniteLegale",
            "economieSocialeSolidaireUniteLegale",
            "activitePrincipaleEtablissement",
        ],
    )
    table = establishments[establishments["etatAdministratifEtablissement"].eq("A").fillna(False)]
    rule = rule or employer_rule(table)
    result = table.join(employer_status(table, rule))
    families = legal_category_families(table["categorieJuridiqueUniteLegale"])
    malformed = result["employeur"] & families["famille"].isna()
    if malformed.any():
        # The legal-unit file when the table comes from read_sirene (its attrs name the files).
        files = [f for f in establishments.attrs.get("fichiers", []) if "UniteLegale" in str(f)]
        where = ", ".join(map(str, files)) or "les unités légales SIRENE"
        raise malformed_legal_category_error(
            table.loc[malformed, "categorieJuridiqueUniteLegale"],
            f"{where}, categorieJuridiqueUniteLegale",
        )
    result = result.join(families)
    result["ess"] = ESS_RULES[perimeter](result).astype(bool)
    return result.reset_index(drop=True)


def ess_membership(establishments: pd.DataFrame, perimeter: str = "loi") -> pd.DataFrame:
    """Family and ESS membership of establishments whatever their state (rules 4 and 5).

    Used for the dynamics since 2013, where closed establishments count too: the legal unit's
    current flag and catégorie juridique decide, as for the active ones.

    Parameters
    ----------
    establishments : DataFrame
        Columns ``categorieJuridiqueUniteLegale``, ``economieSocialeSolidaireUniteLegale``,
        ``activitePrincipaleEtablissement``.
    perimeter : {"loi", "statistique"}
        As in :func:`classify`.

    Returns
    -------
    DataFrame
        Same index; ``famille`` (missing for a malformed catégorie juridique, which a closed
        unit may carry) and ``ess`` (bool).
    """
    _check_perimeter(perimeter)
    require_columns(
        Path("établissements SIRENE"),
        list(establishments.columns),
        [
            "categorieJuridiqueUniteLegale",
            "economieSocialeSolidaireUniteLegale",
            "activitePrincipaleEtablissement",
        ],
    )
    families = legal_category_families(establishments["categorieJuridiqueUniteLegale"])
    table = establishments.join(families[["famille"]])
    return pd.DataFrame(
        {"famille": table["famille"], "ess": ESS_RULES[perimeter](table).astype(bool)},
        index=establishments.index,
    )


def input_anomalies(classified: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Codes of the register that the rules had to work around, counted (pure).

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify` (``siren`` and ``siret`` when present).

    Returns
    -------
    dict of str to DataFrame
        ``categories`` — employer establishments whose catégorie juridique is absent from the
        September 2022 nomenclature: ``categorie_juridique``, ``niveau_famille``, ``famille``,
        ``unites`` (legal units), ``etablissements``; ``tranches`` — active establishments
        with an unknown band code: ``tranche``, ``etablissements``; ``anciennes`` — number of
        active establishments whose band is stale (one row, ``etablissements``).
    """
    # One filter on the whole table (every SIRENE column) instead of two.
    fallback = classified[
        classified["employeur"] & classified["niveau_famille"].ne("III").fillna(False)
    ]
    units = fallback["siren"] if "siren" in fallback else fallback.index.to_series()
    categories = (
        fallback.assign(_unit=units.to_numpy())
        .groupby(["categorieJuridiqueUniteLegale", "niveau_famille", "famille"], as_index=False)
        .agg(unites=("_unit", "nunique"), etablissements=("_unit", "size"))
        .rename(columns={"categorieJuridiqueUniteLegale": "categorie_juridique"})
    )
    bands = (
        classified[classified["tranche_inconnue"]]
        .groupby("trancheEffectifsEtablissement")
        .size()
        .rename("etablissements")
        .rename_axis("tranche")
        .reset_index()
    )
    stale = pd.DataFrame({"etablissements": [int(classified["tranche_ancienne"].sum())]})
    return {"categories": categories, "tranches": bands, "anciennes": stale}


def _by_area(
    classified: pd.DataFrame, membership: pd.DataFrame, columns: list[str]
) -> pd.DataFrame:
    # Only the columns used go through the many-to-many join (one copy per area).
    require_columns(
        Path("membership"),
        list(membership.columns),
        ["territoire_code", "territoire", "CODGEO"],
    )
    return membership[["territoire_code", "territoire", "CODGEO"]].merge(
        classified[["CODGEO", *columns]], on="CODGEO", how="inner"
    )


def area_names(membership: pd.DataFrame) -> pd.DataFrame:
    """The areas of a membership table, once each, in their order of appearance.

    Parameters
    ----------
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO``.

    Returns
    -------
    DataFrame
        ``territoire_code``, ``territoire``.
    """
    return membership[["territoire_code", "territoire"]].drop_duplicates("territoire_code")


def select_area(
    classified: pd.DataFrame, membership: pd.DataFrame, territoire_code: str
) -> pd.DataFrame:
    """Return the establishments located in one area of ``membership``.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify`.
    membership : DataFrame
        Columns ``territoire_code``, ``territoire``, ``CODGEO``.
    territoire_code : str
        The area, e.g. ``centre-manche``.

    Returns
    -------
    DataFrame
        The rows of ``classified`` whose ``CODGEO`` belongs to the area.
    """
    communes = membership.loc[membership["territoire_code"] == territoire_code, "CODGEO"]
    return classified[classified["CODGEO"].isin(set(communes))].reset_index(drop=True)


def share(part: pd.Series, whole: pd.Series) -> pd.Series:
    """Percent ``part / whole`` on 0–100; missing where ``whole`` is zero or missing."""
    return (100 * part / whole.where(whole > 0)).astype(float)


def _area_sums(by_area: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    employers = by_area[by_area["employeur"]]
    ess = employers[employers["ess"]]
    sums = pd.DataFrame(
        {
            "etablissements_employeurs": employers.groupby("territoire_code").size(),
            "ess_etablissements_employeurs": ess.groupby("territoire_code").size(),
            "effectif_salarie_estime": employers.groupby("territoire_code")[
                "effectif_central"
            ].sum(),
            "ess_effectif_salarie_estime": ess.groupby("territoire_code")["effectif_central"].sum(),
            "ess_effectif_salarie_estime_bas": ess.groupby("territoire_code")["effectif_bas"].sum(),
            "ess_effectif_salarie_estime_haut": ess.groupby("territoire_code")[
                "effectif_haut"
            ].sum(),
        }
    )
    for family in FAMILIES:
        of_family = ess[ess["famille"] == family].groupby("territoire_code")
        sums[f"ess_etablissements_employeurs_{family}"] = of_family.size()
        sums[f"ess_effectif_salarie_estime_{family}"] = of_family["effectif_central"].sum()
    return sums.reindex(areas["territoire_code"]).fillna(0.0).astype(float)


def with_shares(sums: pd.DataFrame) -> pd.DataFrame:
    """Add the ESS shares of employer establishments and of estimated jobs (%) to area sums."""
    return sums.assign(
        part_ess_etablissements_employeurs=share(
            sums["ess_etablissements_employeurs"], sums["etablissements_employeurs"]
        ),
        part_ess_effectif_salarie_estime=share(
            sums["ess_effectif_salarie_estime"], sums["effectif_salarie_estime"]
        ),
    )


def indicator_units() -> dict[str, str]:
    """Return the indicator keys of the ESS chapter, in report order, with their unit.

    Returns
    -------
    dict of str to str
        Key → unit.
    """
    units = {
        "etablissements_employeurs": UNIT_ESTABLISHMENTS,
        "ess_etablissements_employeurs": UNIT_ESTABLISHMENTS,
        "part_ess_etablissements_employeurs": UNIT_PERCENT,
        "effectif_salarie_estime": UNIT_JOBS,
        "ess_effectif_salarie_estime": UNIT_JOBS,
        "ess_effectif_salarie_estime_bas": UNIT_JOBS,
        "ess_effectif_salarie_estime_haut": UNIT_JOBS,
        "part_ess_effectif_salarie_estime": UNIT_PERCENT,
    }
    for family in FAMILIES:
        units[f"ess_etablissements_employeurs_{family}"] = UNIT_ESTABLISHMENTS
    for family in FAMILIES:
        units[f"ess_effectif_salarie_estime_{family}"] = UNIT_JOBS
    return units


def tidy_indicators(
    values: pd.DataFrame, areas: pd.DataFrame, source: str, vintage: str, synthetic: bool = False
) -> pd.DataFrame:
    """ESS sums and shares by area as tidy rows, keys in the order of :func:`indicator_units`.

    Parameters
    ----------
    values : DataFrame
        Indexed by ``territoire_code`` (in display order), one column per key of
        :func:`indicator_units` (output of :func:`with_shares`).
    areas : DataFrame
        ``territoire_code``, ``territoire``.
    source, vintage : str
        Source line and vintage of every row.
    synthetic : bool
        Whether the establishments are the synthetic demonstration extract.

    Returns
    -------
    DataFrame
        Columns :data:`INDICATOR_COLUMNS`.
    """
    units = indicator_units()
    wide = values[list(units)].astype(float).rename_axis("territoire_code").reset_index()
    names = dict(zip(areas["territoire_code"], areas["territoire"], strict=True))
    return tidy(wide, names, units, source, vintage, synthetic)


def ess_indicators(
    classified: pd.DataFrame,
    membership: pd.DataFrame,
    source: str,
    vintage: str,
    synthetic: bool = False,
) -> pd.DataFrame:
    """Tidy ESS indicators for every area of ``membership``.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify`.
    membership : DataFrame
        Columns ``territoire_code``, ``territoire``, ``CODGEO``, one row per (area, commune).
    source : str
        Source line, e.g. ``Insee, Sirene (stock), estimation par tranche d'effectifs``.
    vintage : str
        Vintage, e.g. ``Stock Sirene au 31/03/2026``.
    synthetic : bool
        Whether ``classified`` is the synthetic demonstration extract (marker column).

    Returns
    -------
    DataFrame
        Columns :data:`INDICATOR_COLUMNS`, one row per area and key of
        :func:`indicator_units` (families with no establishment have a zero row). Shares are
        in percent and missing when the area has no employer.
    """
    areas = area_names(membership)
    used = ["employeur", "ess", "famille", "effectif_central", "effectif_bas", "effectif_haut"]
    sums = with_shares(_area_sums(_by_area(classified, membership, used), areas))
    return tidy_indicators(sums, areas, source, vintage, synthetic)


def _sector_codes(classified: pd.DataFrame, naf: pd.DataFrame, level: str) -> pd.DataFrame:
    lookup = naf[["sous_classe", level, f"libelle_{level}"]].drop_duplicates("sous_classe")
    if "activiteNAFRev2" in classified:  # converted by sources.naf.activity_rev2
        code = classified["activiteNAFRev2"]
    else:
        code = classified["activitePrincipaleEtablissement"].where(
            classified["nomenclatureActivitePrincipaleEtablissement"].eq("NAFRev2").fillna(False)
        )
    mapped = pd.DataFrame({"sous_classe": code}).merge(lookup, on="sous_classe", how="left")
    mapped.index = classified.index
    return pd.DataFrame(
        {
            level: mapped[level].fillna(UNCLASSIFIED_SECTOR).astype("string"),
            "libelle": mapped[f"libelle_{level}"].fillna(UNCLASSIFIED_LABEL).astype("string"),
        },
        index=classified.index,
    )


def ess_by_sector(
    classified: pd.DataFrame, membership: pd.DataFrame, naf: pd.DataFrame, level: str = "A21"
) -> pd.DataFrame:
    """Employer establishments and estimated jobs by sector, ESS and all, per area.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify`.
    membership : DataFrame
        Columns ``territoire_code``, ``territoire``, ``CODGEO``.
    naf : DataFrame
        NAF reference table (:func:`ressol_analysis.sources.naf.read_naf`): columns
        ``sous_classe``, ``<level>``, ``libelle_<level>``.
    level : {"A21", "A38", "A88", "A17", "A10"}
        Aggregation level. Establishments whose activity has no NAF rév. 2 code (old
        nomenclature not converted, provisional ``00.00Z``) go to sector ``ZZ``, « secteur
        inconnu »; they stay in every total.

    Returns
    -------
    DataFrame
        Columns ``territoire_code``, ``territoire``, ``<level>``, ``libelle``,
        ``etablissements_employeurs``, ``ess_etablissements_employeurs``,
        ``part_ess_etablissements_employeurs`` (ESS share within the sector, %),
        ``effectif_salarie_estime``, ``ess_effectif_salarie_estime``,
        ``part_ess_effectif_salarie_estime`` (%), ``part_secteur_dans_ess`` (share of the
        area's ESS jobs in this sector, %). One row per sector with at least one employer.
    """
    employers = classified[classified["employeur"]]
    employers = employers.join(_sector_codes(employers, naf, level))
    by_area = _by_area(
        employers, membership, ["siret", "ess", "effectif_central", level, "libelle"]
    )
    by_area = by_area.assign(
        ess_n=by_area["ess"].astype(int),
        ess_jobs=by_area["effectif_central"].where(by_area["ess"], 0.0),
    )
    keys = ["territoire_code", "territoire", level, "libelle"]
    table = by_area.groupby(keys, as_index=False, sort=True).agg(
        etablissements_employeurs=("siret", "size"),
        ess_etablissements_employeurs=("ess_n", "sum"),
        effectif_salarie_estime=("effectif_central", "sum"),
        ess_effectif_salarie_estime=("ess_jobs", "sum"),
    )
    ess_total = table.groupby("territoire_code")["ess_effectif_salarie_estime"].transform("sum")
    table = table.assign(
        part_ess_etablissements_employeurs=share(
            table["ess_etablissements_employeurs"], table["etablissements_employeurs"]
        ),
        part_ess_effectif_salarie_estime=share(
            table["ess_effectif_salarie_estime"], table["effectif_salarie_estime"]
        ),
        part_secteur_dans_ess=share(table["ess_effectif_salarie_estime"], ess_total),
    )
    order = {c: i for i, c in enumerate(area_names(membership)["territoire_code"])}
    table = table.sort_values([level], kind="stable").sort_values(
        "territoire_code", key=lambda s: s.map(order), kind="stable"
    )
    columns = [
        *keys,
        "etablissements_employeurs",
        "ess_etablissements_employeurs",
        "part_ess_etablissements_employeurs",
        "effectif_salarie_estime",
        "ess_effectif_salarie_estime",
        "part_ess_effectif_salarie_estime",
        "part_secteur_dans_ess",
    ]
    return table[columns].reset_index(drop=True)


def ess_by_band(classified: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Employer establishments by headcount band, ESS and all, per area.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify`.
    membership : DataFrame
        Columns ``territoire_code``, ``territoire``, ``CODGEO``.

    Returns
    -------
    DataFrame
        Columns ``territoire_code``, ``territoire``, ``tranche``, ``libelle``,
        ``etablissements_employeurs``, ``ess_etablissements_employeurs``,
        ``ess_effectif_salarie_estime``, ``part_ess_etablissements_employeurs`` (%); one row
        per area and employer band (zero rows included), in band order.
    """
    bands = bands_table()
    bands = bands[bands["employeur"]][["tranche", "libelle", "ordre"]]
    by_area = _by_area(
        classified[classified["employeur"]],
        membership,
        ["siret", "ess", "effectif_central", "trancheEffectifsEtablissement"],
    )
    by_area = by_area.assign(
        ess_n=by_area["ess"].astype(int),
        ess_jobs=by_area["effectif_central"].where(by_area["ess"], 0.0),
    )
    counts = by_area.groupby(
        ["territoire_code", "trancheEffectifsEtablissement"], as_index=False
    ).agg(
        etablissements_employeurs=("siret", "size"),
        ess_etablissements_employeurs=("ess_n", "sum"),
        ess_effectif_salarie_estime=("ess_jobs", "sum"),
    )
    counts = counts.rename(columns={"trancheEffectifsEtablissement": "tranche"})
    grid = area_names(membership).merge(bands, how="cross")
    table = grid.merge(counts, on=["territoire_code", "tranche"], how="left")
    for column in (
        "etablissements_employeurs",
        "ess_etablissements_employeurs",
        "ess_effectif_salarie_estime",
    ):
        table[column] = table[column].fillna(0).astype(float)
    table["part_ess_etablissements_employeurs"] = share(
        table["ess_etablissements_employeurs"], table["etablissements_employeurs"]
    )
    return table.drop(columns="ordre").reset_index(drop=True)


def listable(establishments: pd.DataFrame) -> pd.Series:
    """Allow-list of the establishments that may be named in a file (directory, working file).

    Only what is known to be public is listed: anything else — a status ``N``, ``P``, a
    lowercase ``p``, an empty or unknown value, a natural person — is left out.

    Parameters
    ----------
    establishments : DataFrame
        With ``statutDiffusionUniteLegale``, ``statutDiffusionEtablissement`` and
        ``categorieJuridiqueUniteLegale``.

    Returns
    -------
    Series of bool
        True only when both diffusion statuses are exactly ``O`` and the unit is a legal
        person: catégorie juridique of four digits, not ``1xxx`` (entrepreneurs individuels)
        nor ``21xx`` (indivisions and other groupements of natural persons, often named
        after a person).
    """
    category = establishments["categorieJuridiqueUniteLegale"].astype("string")
    allowed = (
        establishments["statutDiffusionUniteLegale"].astype("string").eq(PUBLIC)
        & establishments["statutDiffusionEtablissement"].astype("string").eq(PUBLIC)
        & category.str.fullmatch(r"\d{4}")
        & ~category.str.startswith(NATURAL_PERSONS)
    )
    return allowed.fillna(False).astype(bool)


def display_names(establishments: pd.DataFrame) -> pd.DataFrame:
    """The name and the sign under which an establishment is known, as files show them.

    Parameters
    ----------
    establishments : DataFrame
        SIRENE establishments with ``denominationUniteLegale`` and, when the stock has them,
        ``sigleUniteLegale``, ``denominationUsuelleEtablissement``, ``enseigne1Etablissement``.

    Returns
    -------
    DataFrame
        Same index: ``nom`` (the unit's denomination, else its sigle, else « (sans
        dénomination) ») and ``enseigne`` (the establishment's usual name, else its first
        sign; missing when it has neither).
    """
    missing = pd.Series(pd.NA, index=establishments.index, dtype="string")
    name = establishments["denominationUniteLegale"].astype("string")
    name = name.fillna(establishments.get("sigleUniteLegale", missing).astype("string"))
    usual = establishments.get("denominationUsuelleEtablissement", missing).astype("string")
    sign = establishments.get("enseigne1Etablissement", missing).astype("string")
    return pd.DataFrame({"nom": name.fillna("(sans dénomination)"), "enseigne": usual.fillna(sign)})


def ess_directory(classified: pd.DataFrame, naf: pd.DataFrame) -> pd.DataFrame:
    """Directory of ESS employer establishments, for the consultant.

    Only :func:`listable` establishments are listed (diffusion status exactly ``O`` for the
    unit and the establishment, legal persons); the others stay counted in every indicator.

    Parameters
    ----------
    classified : DataFrame
        Output of :func:`classify`, restricted to the territory (:func:`select_area`).
    naf : DataFrame
        NAF reference table with ``sous_classe``, ``A21``, ``libelle_A21``.

    Returns
    -------
    DataFrame
        Columns ``siret``, ``nom``, ``enseigne``, ``CODGEO``, ``activite``, ``A21``,
        ``secteur``, ``famille``, ``tranche``, ``tranche_libelle``; sorted by commune and
        name. ``attrs["non_listes"]`` counts the ESS employers left out.
    """
    ess = classified[classified["employeur"] & classified["ess"]]
    allowed = listable(ess)
    listed = ess[allowed]
    sectors = _sector_codes(listed, naf, "A21")
    labels = bands_table().set_index("tranche")["libelle"]
    names = display_names(listed)
    directory = pd.DataFrame(
        {
            "siret": listed["siret"],
            "nom": names["nom"],
            "enseigne": names["enseigne"],
            "CODGEO": listed["CODGEO"],
            "activite": listed["activitePrincipaleEtablissement"],
            "A21": sectors["A21"],
            "secteur": sectors["libelle"],
            "famille": listed["famille"],
            "tranche": listed["trancheEffectifsEtablissement"],
            "tranche_libelle": listed["trancheEffectifsEtablissement"].map(labels),
        }
    ).astype("string")
    directory = directory.sort_values(["CODGEO", "nom", "siret"]).reset_index(drop=True)
    directory.attrs["non_listes"] = int((~allowed).sum())
    return directory


def family_shares(indicators: pd.DataFrame) -> pd.DataFrame:
    """Share of each family in ESS estimated jobs, per area, from tidy indicators.

    Parameters
    ----------
    indicators : DataFrame
        Output of :func:`ess_indicators`.

    Returns
    -------
    DataFrame
        Columns ``territoire_code``, ``famille``, ``ess_effectif_salarie_estime``, ``part``
        (%), one row per area and family.
    """
    wide = indicators.pivot(index="territoire_code", columns="indicateur", values="valeur")
    areas = indicators["territoire_code"].drop_duplicates()
    rows = [
        {
            "territoire_code": area,
            "famille": family,
            "ess_effectif_salarie_estime": wide.at[area, f"ess_effectif_salarie_estime_{family}"],
        }
        for area in areas
        for family in FAMILIES
    ]
    table = pd.DataFrame(rows)
    total = table["territoire_code"].map(wide["ess_effectif_salarie_estime"])
    table["part"] = share(table["ess_effectif_salarie_estime"].astype(float), total)
    return table


__all__ = [
    "BAND_MAX_AGE",
    "EmployerRule",
    "area_names",
    "FAMILIES",
    "PERIMETERS",
    "classify",
    "employer_rule",
    "employer_status",
    "input_anomalies",
    "display_names",
    "ess_by_band",
    "ess_by_sector",
    "ess_directory",
    "ess_indicators",
    "ess_membership",
    "family_shares",
    "indicator_units",
    "listable",
    "select_area",
    "share",
]
