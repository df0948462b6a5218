"""Sector structure of the economy from SIRENE employer establishments.

Estimated salaried jobs by sector, location quotients and the Krugman specialisation index
against a reference area, the présentielle/productive spheres, and the weight of the
agri-food filière. Every function is pure (DataFrame in, DataFrame out); the establishments
have ``CODGEO``, ``activitePrincipaleEtablissement`` and ``effectif_central`` (estimated
salaried jobs), and indicators come out as tidy rows like those of
:mod:`ressol_analysis.economy`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .areas import MEMBERSHIP_COLUMNS, check_columns, check_membership
from .economy import ratio, tidy_rows
from .errors import RessolError, list_codes
from .sources.naf import NAF_COLUMNS, UNKNOWN_SECTOR, UNKNOWN_SECTOR_LABEL, naf_levels

# ---------------------------------------------------------------------------------------------
# SIRENE establishments: sectors, location quotients, specialisation

ESTABLISHMENT_COLUMNS = ["CODGEO", "activitePrincipaleEtablissement", "effectif_central"]
SIRENE_SOURCE = (
    "Insee, base Sirene des entreprises et de leurs établissements "
    "(établissements employeurs actifs, effectifs salariés estimés au centre des tranches)"
)


def _establishments_in_areas(
    establishments: pd.DataFrame,
    membership: pd.DataFrame,
    naf: pd.DataFrame,
    columns: list[str],
) -> pd.DataFrame:
    """Employer establishments joined to their areas and NAF levels (checked inputs).

    Only ``CODGEO``, ``effectif_central`` and ``columns`` (NAF levels or establishment
    columns) are kept: the membership is many-to-many, and carrying every SIRENE column through
    the join would copy each of them once per area.
    """
    check_membership(membership)
    check_columns(establishments, ESTABLISHMENT_COLUMNS, "des établissements")
    unknown_jobs = establishments["effectif_central"].isna()
    if unknown_jobs.any():
        raise RessolError(
            f"{int(unknown_jobs.sum())} établissement(s) sans effectif estimé "
            "(colonne effectif_central vide). Une somme d'emplois ne peut pas les compter pour "
            "zéro : écartez-les explicitement (établissements non employeurs, tranche "
            "inconnue) ou attribuez-leur un effectif avant le calcul."
        )
    wanted = [c for c in columns if c in NAF_COLUMNS]
    levels = _levels(establishments, naf, wanted)
    kept = ["CODGEO", "effectif_central", *(c for c in columns if c not in NAF_COLUMNS)]
    table = pd.concat([establishments[kept], levels], axis=1)
    return membership[MEMBERSHIP_COLUMNS].merge(table, on="CODGEO", how="inner")


def _levels(
    establishments: pd.DataFrame, naf: pd.DataFrame, columns: list[str] | None = None
) -> pd.DataFrame:
    """NAF levels of each establishment; « secteur inconnu » (``ZZ``) without a NAF rév. 2 code.

    With ``activiteNAFRev2`` (the activity converted to NAF rév. 2 by
    :func:`ressol_analysis.sources.naf.activity_rev2`), an establishment whose activity has no
    NAF rév. 2 code goes to the « secteur inconnu » line of every level; without it, every
    activity must be a NAF rév. 2 code. ``columns`` (a subset of :data:`NAF_COLUMNS`, all by
    default) are the levels returned.
    """
    rev2 = "activiteNAFRev2" in establishments
    column = "activiteNAFRev2" if rev2 else "activitePrincipaleEtablissement"
    codes = establishments[column].astype("string")
    # The levels are looked up once per distinct code (a few hundred), then spread to the
    # establishments by position; a missing code has position -1, the last row of `table`.
    position, distinct = pd.factorize(codes)
    distinct = pd.Series(distinct, dtype="string")
    if not rev2 and (position == -1).any():
        # Without a NAF rév. 2 column an empty activity is an unknown code.
        distinct = pd.concat([distinct, pd.Series([pd.NA], dtype="string")], ignore_index=True)
    where = f"le tableau des établissements, colonne {column}"
    try:
        table = naf_levels(distinct, naf, where)
    except RessolError:
        # The message counts establishments, not distinct codes: raise it on the full column.
        naf_levels(codes[position != -1] if rev2 else codes, naf, where)
        raise
    unknown = {
        c: UNKNOWN_SECTOR if not c.startswith("libelle_") else UNKNOWN_SECTOR_LABEL
        for c in NAF_COLUMNS[4:]
    }
    table = pd.concat(
        [table, pd.DataFrame([unknown], columns=NAF_COLUMNS, dtype="string")],
        ignore_index=True,
    )
    rows = table[NAF_COLUMNS if columns is None else columns].iloc[position]
    rows.index = establishments.index
    return rows


def sector_jobs(
    establishments: pd.DataFrame, membership: pd.DataFrame, naf: pd.DataFrame, level: str = "A38"
) -> pd.DataFrame:
    """Count establishments and estimated salaried jobs per area and sector.

    Parameters
    ----------
    establishments : DataFrame
        Employer establishments: ``CODGEO``, ``activitePrincipaleEtablissement`` (``88.10A``),
        ``effectif_central`` (estimated jobs, never missing).
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO``.
    naf : DataFrame
        Reference table of :func:`ressol_analysis.sources.naf.read_naf`.
    level : {"A38", "A88", "A21", "A17", "A10"}
        Sector level.

    Returns
    -------
    DataFrame
        ``territoire_code``, ``territoire``, ``secteur``, ``libelle``, ``etablissements``,
        ``emplois``; every sector seen in any area is listed for every area (0 when absent:
        a register count, not a secret).
    """
    table = _establishments_in_areas(establishments, membership, naf, [level, f"libelle_{level}"])
    keys = ["territoire_code", "territoire"]
    counts = (
        table.groupby([*keys, level, f"libelle_{level}"], sort=False)
        .agg(etablissements=("CODGEO", "size"), emplois=("effectif_central", "sum"))
        .reset_index()
        .rename(columns={level: "secteur", f"libelle_{level}": "libelle"})
    )
    areas = membership[keys].drop_duplicates()
    sectors = counts[["secteur", "libelle"]].drop_duplicates().sort_values("secteur")
    grid = areas.merge(sectors, how="cross")
    full = grid.merge(counts, on=[*keys, "secteur", "libelle"], how="left")
    full["etablissements"] = full["etablissements"].fillna(0).astype("int64")
    full["emplois"] = full["emplois"].fillna(0.0).astype("float64")
    return full.reset_index(drop=True)


def _reference_shares(sectors: pd.DataFrame, reference: str) -> pd.DataFrame:
    if reference not in set(sectors["territoire_code"]):
        raise RessolError(
            f"Zone de référence « {reference} » absente du tableau des secteurs. Zones "
            f"disponibles : {list_codes(sectors['territoire_code'])}. Choisissez l'une "
            "d'elles (par exemple la région) dans le fichier du territoire."
        )
    shares = sectors.assign(
        part=sectors["emplois"]
        / sectors.groupby("territoire_code")["emplois"].transform("sum").replace(0, np.nan)
    )
    ref = shares.loc[shares["territoire_code"] == reference, ["secteur", "part"]]
    return shares.merge(ref.rename(columns={"part": "part_reference"}), on="secteur", how="left")


def location_quotients(sectors: pd.DataFrame, reference: str) -> pd.DataFrame:
    """Location quotient of each sector's jobs against a reference area.

    ``QL = (emplois du secteur / emplois de la zone) / (idem dans la zone de référence)``;
    above 1 the sector weighs more in the area than in the reference.

    Parameters
    ----------
    sectors : DataFrame
        Output of :func:`sector_jobs`.
    reference : str
        ``territoire_code`` of the reference area (e.g. ``reg-28``).

    Returns
    -------
    DataFrame
        ``territoire_code``, ``territoire``, ``secteur``, ``libelle``, ``emplois``,
        ``part_emplois`` (%), ``part_reference`` (%), ``quotient_localisation`` (missing when
        the sector has no job in the reference area).
    """
    shares = _reference_shares(sectors[sectors["secteur"] != UNKNOWN_SECTOR], reference)
    shares["quotient_localisation"] = shares["part"] / shares["part_reference"].replace(0, np.nan)
    shares["part_emplois"] = 100 * shares["part"]
    shares["part_reference"] = 100 * shares["part_reference"]
    return shares[
        [
            "territoire_code",
            "territoire",
            "secteur",
            "libelle",
            "emplois",
            "part_emplois",
            "part_reference",
            "quotient_localisation",
        ]
    ]


def specialisation_index(sectors: pd.DataFrame, reference: str, vintage: str) -> pd.DataFrame:
    """Krugman dissimilarity index of each area's sector structure against a reference.

    ``K = 100 × ½ × Σ_s |part_s(zone) − part_s(référence)|``, in percent of jobs: the share of
    the area's jobs that would have to change sector for its structure to match the reference
    (0 = same structure, 100 = no sector in common). Krugman's original index is the sum
    without the ½ (range 0–2).

    Parameters
    ----------
    sectors : DataFrame
        Output of :func:`sector_jobs` (the level it was built at, usually A38).
    reference : str
        ``territoire_code`` of the reference area.
    vintage : str
        Vintage of the establishment data (e.g. ``"Sirene 01/2026"``).

    Returns
    -------
    DataFrame
        Tidy rows, indicator ``indice_specialisation_krugman``, unit ``%``.
    """
    # Shares of the jobs whose sector is known: « secteur inconnu » is not a sector.
    shares = _reference_shares(sectors[sectors["secteur"] != UNKNOWN_SECTOR], reference)
    shares["ecart"] = (shares["part"] - shares["part_reference"]).abs()
    index = (
        shares.groupby(["territoire_code", "territoire"], sort=False)["ecart"]
        .sum(min_count=1)
        .mul(50)
        .rename("valeur")
        .reset_index()
    )
    index["indicateur"] = "indice_specialisation_krugman"
    index["communes_manquantes"] = 0
    return tidy_rows(index, "%", f"{SIRENE_SOURCE} ; référence {reference}", vintage)


# ---------------------------------------------------------------------------------------------
# Présentielle / productive spheres


def sphere_table(
    naf: pd.DataFrame, divisions: pd.DataFrame, exceptions: pd.DataFrame
) -> pd.DataFrame:
    """Sphere (``presentielle``/``productive``) of every NAF sous-classe.

    Parameters
    ----------
    naf : DataFrame
        Reference table of :func:`ressol_analysis.sources.naf.read_naf`.
    divisions : DataFrame
        ``A88`` → ``sphere``, one row per division.
    exceptions : DataFrame
        ``sous_classe`` → ``sphere``, overriding the division's sphere.

    Returns
    -------
    DataFrame
        ``sous_classe``, ``sphere``.

    Raises
    ------
    RessolError
        If a division has no sphere, or a sphere value is neither of the two.
    """
    table = naf[["sous_classe", "A88"]].merge(divisions[["A88", "sphere"]], on="A88", how="left")
    unmapped = table.loc[table["sphere"].isna(), "A88"]
    if not unmapped.empty:
        raise RessolError(
            "Règle des sphères présentielle/productive : division(s) NAF sans sphère : "
            f"{list_codes(unmapped)}. Complétez reference/sphere_economique_divisions.csv."
        )
    override = exceptions.set_index("sous_classe")["sphere"]
    table["sphere"] = table["sous_classe"].map(override).fillna(table["sphere"])
    wrong = table.loc[~table["sphere"].isin(["presentielle", "productive"]), "sphere"]
    if not wrong.empty:
        raise RessolError(
            f"Règle des sphères : valeur(s) inconnue(s) {list_codes(wrong)} ; seules "
            "« presentielle » et « productive » sont admises."
        )
    return table[["sous_classe", "sphere"]]


def sphere_shares(
    establishments: pd.DataFrame,
    membership: pd.DataFrame,
    naf: pd.DataFrame,
    spheres: pd.DataFrame,
    vintage: str,
) -> pd.DataFrame:
    """Weight of the présentielle sphere in each area's employer establishments and jobs.

    Parameters
    ----------
    establishments : DataFrame
        ``CODGEO``, ``activitePrincipaleEtablissement``, ``effectif_central``.
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO``.
    naf : DataFrame
        Reference table of :func:`ressol_analysis.sources.naf.read_naf`.
    spheres : DataFrame
        Output of :func:`sphere_table`.
    vintage : str
        Vintage of the establishment data.

    Returns
    -------
    DataFrame
        Tidy rows: ``emplois_sphere_presentielle``, ``emplois_sphere_productive`` (estimated
        jobs), ``part_emplois_sphere_presentielle`` and
        ``part_etablissements_sphere_presentielle`` (%).
    """
    table = _establishments_in_areas(establishments, membership, naf, ["sous_classe"])
    # Establishments of unknown sector (old nomenclature, provisional code) have no sphere:
    # they are left out of both spheres and of the shares' denominators.
    table = table.merge(spheres, on="sous_classe", how="left")
    table = table[table["sphere"].notna()]
    table["presentielle"] = table["sphere"] == "presentielle"
    table["emplois_presentiels"] = table["effectif_central"].where(table["presentielle"], 0.0)
    keys = ["territoire_code", "territoire"]
    totals = (
        membership[keys]
        .drop_duplicates()
        .merge(
            table.groupby(keys, sort=False).agg(
                etablissements=("CODGEO", "size"),
                etablissements_presentiels=("presentielle", "sum"),
                emplois=("effectif_central", "sum"),
                emplois_presentiels=("emplois_presentiels", "sum"),
            ),
            on=keys,
            how="left",
        )
        .fillna(0)
    )
    indicators = {
        "emplois_sphere_presentielle": (totals["emplois_presentiels"], "emplois"),
        "emplois_sphere_productive": (
            totals["emplois"] - totals["emplois_presentiels"],
            "emplois",
        ),
        "part_emplois_sphere_presentielle": (
            ratio(totals["emplois_presentiels"], totals["emplois"]),
            "%",
        ),
        "part_etablissements_sphere_presentielle": (
            ratio(totals["etablissements_presentiels"], totals["etablissements"]),
            "%",
        ),
    }
    source = f"{SIRENE_SOURCE} ; sphères : règle du projet (voir docs)"
    return pd.concat(
        [
            tidy_rows(
                totals[keys].assign(
                    indicateur=key, valeur=value.astype("float64"), communes_manquantes=0
                ),
                unit,
                source,
                vintage,
            )
            for key, (value, unit) in indicators.items()
        ],
        ignore_index=True,
    )


# ---------------------------------------------------------------------------------------------
# Agriculture and agri-food


def agrifood_components(naf: pd.DataFrame, perimeter: pd.DataFrame) -> pd.DataFrame:
    """Agri-food component of each NAF sous-classe in the perimeter.

    Parameters
    ----------
    naf : DataFrame
        Reference table of :func:`ressol_analysis.sources.naf.read_naf`.
    perimeter : DataFrame
        ``niveau`` (a column of ``naf``: ``A21``, ``A88``, ``groupe``…), ``code``,
        ``composante``.

    Returns
    -------
    DataFrame
        ``sous_classe``, ``composante`` for the sous-classes of the perimeter.

    Raises
    ------
    RessolError
        If a level is not a NAF column, a code matches no sous-classe, or a sous-classe falls
        in two components.
    """
    parts = []
    for level, rows in perimeter.groupby("niveau", sort=False):
        if level not in naf.columns:
            raise RessolError(
                f"Périmètre agricole et agroalimentaire : niveau « {level} » inconnu ; "
                f"niveaux admis : {', '.join(naf.columns)}."
            )
        matched = naf[["sous_classe", level]].merge(
            rows[["code", "composante"]], left_on=level, right_on="code"
        )
        absent = set(rows["code"]) - set(matched["code"])
        if absent:
            raise RessolError(
                f"Périmètre agricole et agroalimentaire : code(s) {level} absent(s) de la NAF "
                f"rév. 2 : {list_codes(absent)}. Corrigez reference/filiere_agricole_naf.csv."
            )
        parts.append(matched[["sous_classe", "composante"]])
    table = pd.concat(parts, ignore_index=True)
    twice = table.loc[table["sous_classe"].duplicated(), "sous_classe"]
    if not twice.empty:
        raise RessolError(
            "Périmètre agricole et agroalimentaire : sous-classe(s) rangée(s) dans deux "
            f"composantes : {list_codes(twice)}. Corrigez reference/filiere_agricole_naf.csv."
        )
    return table


AGRIFOOD_COMPONENTS = ("agriculture", "industries_agroalimentaires", "commerce_gros_agricole")


def agrifood_weight(
    establishments: pd.DataFrame,
    membership: pd.DataFrame,
    naf: pd.DataFrame,
    components: pd.DataFrame,
    cooperative_cj: pd.DataFrame,
    vintage: str,
) -> pd.DataFrame:
    """Weight of agriculture, agri-food and agricultural cooperatives in salaried jobs.

    The *filière agricole et agroalimentaire* is the union of the NAF components (farming,
    forestry and fishing; food and drink industries; wholesale of agricultural raw materials
    and live animals) and of the establishments of agricultural cooperatives and CUMA (legal
    categories of ``cooperative_cj``), whatever their activity.

    Parameters
    ----------
    establishments : DataFrame
        ``CODGEO``, ``activitePrincipaleEtablissement``, ``effectif_central``,
        ``categorieJuridiqueUniteLegale`` (4 digits) and
        ``economieSocialeSolidaireUniteLegale`` (``O``/``N``/empty).
    membership : DataFrame
        ``territoire_code``, ``territoire``, ``CODGEO``.
    naf : DataFrame
        Reference table of :func:`ressol_analysis.sources.naf.read_naf`.
    components : DataFrame
        Output of :func:`agrifood_components`.
    cooperative_cj : DataFrame
        ``categorie_juridique`` of agricultural cooperatives and CUMA.
    vintage : str
        Vintage of the establishment data.

    Returns
    -------
    DataFrame
        Tidy rows per area: ``emplois_filiere_agricole`` (estimated jobs),
        ``part_emplois_<composante>`` for the three components,
        ``part_emplois_filiere_agricole``, ``part_emplois_cooperatives_agricoles`` (all in % of
        the area's estimated salaried jobs) and ``part_ess_emplois_filiere_agricole`` (% of the
        filière's jobs in units flagged ESS).
    """
    check_columns(
        establishments,
        [
            *ESTABLISHMENT_COLUMNS,
            "categorieJuridiqueUniteLegale",
            "economieSocialeSolidaireUniteLegale",
        ],
        "des établissements",
    )
    table = _establishments_in_areas(
        establishments,
        membership,
        naf,
        [
            "sous_classe",
            "categorieJuridiqueUniteLegale",
            "economieSocialeSolidaireUniteLegale",
        ],
    )
    table = table.merge(components, on="sous_classe", how="left")
    cooperative = (
        table["categorieJuridiqueUniteLegale"]
        .astype("string")
        .str.strip()
        .isin(cooperative_cj["categorie_juridique"])
        .fillna(False)
    )
    in_filiere = table["composante"].notna() | cooperative
    ess = table["economieSocialeSolidaireUniteLegale"].astype("string").eq("O").fillna(False)
    jobs = table["effectif_central"]
    columns = {
        "emplois": jobs,
        "emplois_filiere": jobs.where(in_filiere, 0.0),
        "emplois_cooperatives": jobs.where(cooperative, 0.0),
        "emplois_ess_filiere": jobs.where(in_filiere & ess, 0.0),
        **{
            f"emplois_{c}": jobs.where(table["composante"].eq(c).fillna(False), 0.0)
            for c in AGRIFOOD_COMPONENTS
        },
    }
    keys = ["territoire_code", "territoire"]
    sums = (
        pd.concat([table[keys], pd.DataFrame(columns)], axis=1)
        .groupby(keys, sort=False)
        .sum()
        .reset_index()
    )
    totals = membership[keys].drop_duplicates().merge(sums, on=keys, how="left").fillna(0)
    indicators = {
        "emplois_filiere_agricole": (totals["emplois_filiere"], "emplois"),
        **{
            f"part_emplois_{c}": (ratio(totals[f"emplois_{c}"], totals["emplois"]), "%")
            for c in AGRIFOOD_COMPONENTS
        },
        "part_emplois_filiere_agricole": (
            ratio(totals["emplois_filiere"], totals["emplois"]),
            "%",
        ),
        "part_emplois_cooperatives_agricoles": (
            ratio(totals["emplois_cooperatives"], totals["emplois"]),
            "%",
        ),
        "part_ess_emplois_filiere_agricole": (
            ratio(totals["emplois_ess_filiere"], totals["emplois_filiere"]),
            "%",
        ),
    }
    return pd.concat(
        [
            tidy_rows(
                totals[keys].assign(
                    indicateur=key, valeur=value.astype("float64"), communes_manquantes=0
                ),
                unit,
                SIRENE_SOURCE,
                vintage,
            )
            for key, (value, unit) in indicators.items()
        ],
        ignore_index=True,
    )
