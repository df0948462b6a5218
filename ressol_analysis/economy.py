"""Economy indicators: jobs, unemployment, establishments, sectors, specialisation, spheres.

Every function is pure (DataFrame in, DataFrame out). Indicators come out as tidy rows
``territoire_code, territoire, indicateur, valeur, unite, source, millesime`` plus
``communes_manquantes``, the number of communes of the area whose value is missing.

Two rules run through the module:

* a count summed over the communes of an area is missing as soon as one commune's value is
  missing (secret ``s``, empty cell, or commune absent from the file) — never a partial total;
* medians and rates published per commune (median income, poverty rate) are never aggregated:
  :func:`income_by_commune` lists them per commune with their secret markers.

The comparateur functions take the canonical table of
:func:`ressol_analysis.sources.comparateur.read_comparateur` and its ``vintages``; the
SIRENE functions take employer establishments with ``CODGEO``,
``activitePrincipaleEtablissement`` and ``effectif_central`` (estimated salaried jobs).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .areas import MEMBERSHIP_COLUMNS, aggregate_counts, check_columns, check_membership
from .contract import TIDY_COLUMNS as CONTRACT
from .errors import RessolError, list_codes
from .sources.naf import naf_levels

# The contract plus the number of communes missing from a sum (dropped by context.py).
TIDY_COLUMNS = [*CONTRACT, "communes_manquantes"]
ESTABLISHMENT_COLUMNS = ["CODGEO", "activitePrincipaleEtablissement", "effectif_central"]
SECTORS = (
    "agriculture",
    "industrie",
    "construction",
    "commerce_transports_services",
    "administration_enseignement_sante_action_sociale",
)
SIRENE_SOURCE = (
    "Insee, base Sirene des entreprises et de leurs établissements "
    "(établissements employeurs actifs, effectifs salariés estimés au centre des tranches)"
)


def _tidy(rows: pd.DataFrame, unit: str, source: str, vintage: str) -> pd.DataFrame:
    return rows.assign(unite=unit, source=source, millesime=vintage)[TIDY_COLUMNS]


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
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
        ``taux_de_chomage_15_64_ans`` (%), ``etablissements_actifs`` and
        ``part_etablissements_<secteur>`` (%). A ratio is missing when one of its sums is;
        ``communes_manquantes`` is the larger count of its two terms.
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
    flores_source = f"Insee, Flores {flores} (établissements actifs au 31/12/{flores})"

    def rows(key: str, value: pd.Series, terms: Sequence[str]) -> pd.DataFrame:
        out = value.rename("valeur").reset_index()
        out["indicateur"] = key
        out["communes_manquantes"] = missing[list(terms)].max(axis=1).to_numpy()
        return out

    parts = [
        _tidy(
            rows("emplois_au_lieu_de_travail", values["emplois"], ["emplois"]),
            "emplois",
            at_work,
            str(rp),
        ),
        _tidy(
            rows(
                "emplois_salaries_au_lieu_de_travail",
                values["emplois_salaries"],
                ["emplois_salaries"],
            ),
            "emplois salariés",
            at_work,
            str(rp),
        ),
        _tidy(
            rows(
                evolution_key(vintages),
                _ratio(
                    values["emplois"] - values["emplois_precedent"], values["emplois_precedent"]
                ),
                ["emplois", "emplois_precedent"],
            ),
            "%",
            f"Insee, RP {rpp} et RP {rp}, exploitations principales, lieu de travail",
            f"{rpp}-{rp}",
        ),
        _tidy(
            rows(
                "taux_de_chomage_15_64_ans",
                _ratio(values["chomeurs_15_64"], values["actifs_15_64"]),
                ["chomeurs_15_64", "actifs_15_64"],
            ),
            "%",
            census,
            str(rp),
        ),
        _tidy(
            rows("etablissements_actifs", values["etablissements"], ["etablissements"]),
            "établissements",
            flores_source,
            str(flores),
        ),
    ]
    for sector, column in zip(SECTORS, sector_columns, strict=True):
        parts.append(
            _tidy(
                rows(
                    f"part_etablissements_{sector}",
                    _ratio(values[column], values["etablissements"]),
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


# ---------------------------------------------------------------------------------------------
# SIRENE establishments: sectors, location quotients, specialisation


def _establishments_in_areas(
    establishments: pd.DataFrame, membership: pd.DataFrame, naf: pd.DataFrame
) -> pd.DataFrame:
    """Employer establishments joined to their areas and NAF levels (checked inputs)."""
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
    levels = naf_levels(
        establishments["activitePrincipaleEtablissement"],
        naf,
        "le tableau des établissements, colonne activitePrincipaleEtablissement",
    )
    table = pd.concat(
        [establishments.drop(columns=[c for c in levels.columns if c in establishments]), levels],
        axis=1,
    )
    return membership[MEMBERSHIP_COLUMNS].merge(table, on="CODGEO", how="inner")


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
    table = _establishments_in_areas(establishments, membership, naf)
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
    shares = _reference_shares(sectors, reference)
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


def specialisation_index(sectors: pd.DataFrame, reference: str, millesime: str) -> pd.DataFrame:
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
    millesime : str
        Vintage of the establishment data (e.g. ``"Sirene 01/2026"``).

    Returns
    -------
    DataFrame
        Tidy rows, indicator ``indice_specialisation_krugman``, unit ``%``.
    """
    shares = _reference_shares(sectors, reference)
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
    return _tidy(index, "%", f"{SIRENE_SOURCE} ; référence {reference}", millesime)


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
    millesime: str,
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
    millesime : str
        Vintage of the establishment data.

    Returns
    -------
    DataFrame
        Tidy rows: ``emplois_sphere_presentielle``, ``emplois_sphere_productive`` (estimated
        jobs), ``part_emplois_sphere_presentielle`` and
        ``part_etablissements_sphere_presentielle`` (%).
    """
    table = _establishments_in_areas(establishments, membership, naf)
    table = table.merge(spheres, on="sous_classe", how="left")
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
            _ratio(totals["emplois_presentiels"], totals["emplois"]),
            "%",
        ),
        "part_etablissements_sphere_presentielle": (
            _ratio(totals["etablissements_presentiels"], totals["etablissements"]),
            "%",
        ),
    }
    source = f"{SIRENE_SOURCE} ; sphères : règle du projet (voir docs)"
    return pd.concat(
        [
            _tidy(
                totals[keys].assign(
                    indicateur=key, valeur=value.astype("float64"), communes_manquantes=0
                ),
                unit,
                source,
                millesime,
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
    millesime: str,
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
    millesime : str
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
    table = _establishments_in_areas(establishments, membership, naf)
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
            f"part_emplois_{c}": (_ratio(totals[f"emplois_{c}"], totals["emplois"]), "%")
            for c in AGRIFOOD_COMPONENTS
        },
        "part_emplois_filiere_agricole": (
            _ratio(totals["emplois_filiere"], totals["emplois"]),
            "%",
        ),
        "part_emplois_cooperatives_agricoles": (
            _ratio(totals["emplois_cooperatives"], totals["emplois"]),
            "%",
        ),
        "part_ess_emplois_filiere_agricole": (
            _ratio(totals["emplois_ess_filiere"], totals["emplois_filiere"]),
            "%",
        ),
    }
    return pd.concat(
        [
            _tidy(
                totals[keys].assign(
                    indicateur=key, valeur=value.astype("float64"), communes_manquantes=0
                ),
                unit,
                SIRENE_SOURCE,
                millesime,
            )
            for key, (value, unit) in indicators.items()
        ],
        ignore_index=True,
    )


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
            )
        )
    return pd.concat(rows, ignore_index=True)[CONTRACT]
