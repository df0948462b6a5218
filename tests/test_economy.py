"""Economy indicators on hand-built fixtures; every expected value is worked out in comments."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from ressol_analysis import economy, sectors
from ressol_analysis.areas import aggregate_counts
from ressol_analysis.errors import RessolError
from ressol_analysis.sources import reference
from ressol_analysis.sources.comparateur import read_comparateur
from ressol_analysis.sources.naf import UNKNOWN_SECTOR_LABEL, read_naf

ROOT = Path(__file__).resolve().parent
FIXTURES = ROOT / "fixtures" / "economy"
RAW = ROOT.parent / "data" / "raw"


def _membership(areas: dict[str, list[str]]) -> pd.DataFrame:
    rows = [
        (code, f"Zone {code}", commune) for code, communes in areas.items() for commune in communes
    ]
    return pd.DataFrame(rows, columns=["territoire_code", "territoire", "CODGEO"]).astype("string")


# Fixture comparateur_2025.csv (values per commune):
#            EMPLT  EMPLT_SAL P16_EMPLT CHOM ACT  ETTOT AZ BE FZ GU OQ
#   50001    200,5  150       180       30   400  40    10 5  5  15 5
#   50002    100    80        120       20   200  20    4  2  2  10 2
#   50003    s      500       600       100  1000 60    6  6  6  36 6
#   50999    former commune (empty population) → dropped
# Areas: a = {50001, 50002}; b = {50001, 50002, 50003}; c = {50001, 50404 (not in the file)}.
MEMBERSHIP = _membership(
    {"a": ["50001", "50002"], "b": ["50001", "50002", "50003"], "c": ["50001", "50404"]}
)


@pytest.fixture(scope="module")
def comparateur():
    return read_comparateur(FIXTURES / "comparateur_2025.csv")


def test_reader_detects_2025_edition(comparateur):
    assert comparateur.vintages == {
        "rp": 2022,
        "rp_precedent": 2016,
        "flores": 2024,
        "filosofi": 2021,
    }
    assert comparateur.former_communes == ["50999"]
    assert comparateur.table["CODGEO"].tolist() == ["50001", "50002", "50003"]
    # Decimal commas: 200,5 jobs and 10,5 km².
    assert comparateur.table["emplois"].tolist()[:2] == [200.5, 100.0]
    assert comparateur.table["superficie_km2"].tolist() == [10.5, 8.0, 12.0]
    # Secret cells: one in P22_EMPLT, one in MED21 (50002), two in TP6021 (the former commune's
    # row is read before being dropped: its TP6021 is empty, not secret).
    assert comparateur.report.secret_cells == {"revenu_median": 1, "taux_pauvrete": 2, "emplois": 1}
    assert comparateur.table["revenu_median_secret"].tolist() == [False, True, False]
    assert comparateur.table["taux_pauvrete_secret"].tolist() == [True, True, False]


def test_reader_detects_a_later_edition():
    later = read_comparateur(FIXTURES / "comparateur_2026_p23.csv")
    assert later.vintages == {"rp": 2023, "rp_precedent": 2017, "flores": 2025, "filosofi": 2022}
    assert later.columns["emplois"] == "P23_EMPLT"
    assert later.columns["etablissements"] == "ETTOT25"
    # Same values under other names: the table is identical to the 2025 one.
    same = read_comparateur(FIXTURES / "comparateur_2025.csv")
    pdt.assert_frame_equal(later.table, same.table)
    assert economy.evolution_key(later.vintages) == "evolution_emplois_2017_2023"


def test_unknown_header_is_refused():
    with pytest.raises(
        RessolError,
        match=r"comparateur_inconnu\.csv ne correspond à aucune édition connue.*P<aa>_",
    ):
        read_comparateur(FIXTURES / "comparateur_inconnu.csv")


def test_non_numeric_cell_is_refused():
    # « 1.200,5 » (thousands dot + decimal comma) is not a number INSEE publishes.
    with pytest.raises(RessolError, match="P22_EMPLT.*ligne\\(s\\) 2"):
        read_comparateur(FIXTURES / "comparateur_valeur_invalide.csv")


def test_aggregate_counts_missing_never_zero(comparateur):
    sums = aggregate_counts(
        comparateur.table, MEMBERSHIP, ["emplois", "etablissements"], absent="missing"
    )
    expected = pd.DataFrame(
        {
            "territoire_code": pd.array(["a", "b", "c"], dtype="string"),
            "territoire": pd.array(["Zone a", "Zone b", "Zone c"], dtype="string"),
            "n_communes": [2, 3, 2],
            # a: 200.5 + 100 = 300.5 jobs, 40 + 20 = 60 establishments;
            # b: jobs secret in 50003 → missing; 40 + 20 + 60 = 120 establishments;
            # c: 50404 absent from the file → both missing.
            "emplois": [300.5, np.nan, np.nan],
            "manquants_emplois": np.array([0, 1, 1], dtype="int64"),
            "etablissements": [60.0, 120.0, np.nan],
            "manquants_etablissements": np.array([0, 0, 1], dtype="int64"),
        }
    )
    pdt.assert_frame_equal(sums, expected, check_dtype=False)
    assert sums["manquants_emplois"].dtype == "int64"


def _values(result: pd.DataFrame, area: str) -> pd.Series:
    rows = result[result["territoire_code"] == area]
    return rows.set_index("indicateur")["valeur"]


def test_comparateur_indicators(comparateur):
    result = economy.comparateur_indicators(comparateur.table, MEMBERSHIP, comparateur.vintages)
    assert list(result.columns) == economy.TIDY_COLUMNS
    a = _values(result, "a")
    expected_a = pd.Series(
        {
            "emplois_au_lieu_de_travail": 300.5,  # 200.5 + 100
            "emplois_salaries_au_lieu_de_travail": 230.0,  # 150 + 80
            "evolution_emplois_2016_2022": 100 * (300.5 - 300) / 300,  # P16: 180 + 120 = 300
            "taux_de_chomage_15_64_ans": 100 * 50 / 600,  # (30 + 20) / (400 + 200)
            "etablissements_employeurs_flores": 60.0,
            "part_etablissements_agriculture": 100 * 14 / 60,  # 10 + 4
            "part_etablissements_industrie": 100 * 7 / 60,  # 5 + 2
            "part_etablissements_construction": 100 * 7 / 60,
            "part_etablissements_commerce_transports_services": 100 * 25 / 60,  # 15 + 10
            "part_etablissements_administration_enseignement_sante_action_sociale": 100 * 7 / 60,
        },
        name="valeur",
    )
    expected_a.index.name = "indicateur"
    pdt.assert_series_equal(a, expected_a)

    b = result[result["territoire_code"] == "b"].set_index("indicateur")
    # Jobs of 50003 are secret: total and change are missing, with one commune counted.
    assert np.isnan(b.loc["emplois_au_lieu_de_travail", "valeur"])
    assert np.isnan(b.loc["evolution_emplois_2016_2022", "valeur"])
    assert b.loc["evolution_emplois_2016_2022", "communes_manquantes"] == 1
    assert b.loc["emplois_salaries_au_lieu_de_travail", "valeur"] == 730.0  # 150 + 80 + 500
    assert b.loc["taux_de_chomage_15_64_ans", "valeur"] == pytest.approx(100 * 150 / 1600)
    assert b.loc["part_etablissements_commerce_transports_services", "valeur"] == pytest.approx(
        100 * 61 / 120  # 15 + 10 + 36 over 40 + 20 + 60
    )
    c = result[result["territoire_code"] == "c"]
    assert c["valeur"].isna().all()
    assert (c["communes_manquantes"] == 1).all()

    units = result.drop_duplicates("indicateur").set_index("indicateur")["unite"]
    assert units["evolution_emplois_2016_2022"] == "%"
    assert units["emplois_au_lieu_de_travail"] == "emplois"
    sources = result.drop_duplicates("indicateur").set_index("indicateur")
    assert sources.loc["evolution_emplois_2016_2022", "millesime"] == "2016-2022"
    assert sources.loc["etablissements_employeurs_flores", "source"].startswith(
        "Insee, Flores 2024"
    )


def test_income_by_commune_shows_secret(comparateur):
    result = economy.income_by_commune(comparateur.table, MEMBERSHIP, comparateur.vintages)
    a = result[result["territoire_code"] == "a"]
    assert a["revenu_median_affiche"].tolist() == ["21\u202f000\u00a0€", "secret"]
    assert a["taux_pauvrete_affiche"].tolist() == ["secret", "secret"]
    b3 = result[(result["territoire_code"] == "b") & (result["CODGEO"] == "50003")].iloc[0]
    assert (b3["revenu_median"], b3["taux_pauvrete_affiche"]) == (23000.0, "12,5\u00a0%")
    c = result[result["territoire_code"] == "c"]
    assert c["revenu_median_affiche"].tolist() == ["21\u202f000\u00a0€", "non disponible"]
    # One row per (area, commune): medians are never aggregated.
    assert len(result) == len(MEMBERSHIP)


# Establishments (SIRENE-like). Estimated jobs = centre of the size band.
#   id  commune APE     jobs   CJ    ESS  A38 sphere        agri-food component
#   e1  50001  01.41Z   1.5   5499  N    AZ  productive    agriculture
#   e2  50001  10.51A  74.5   6317  O    CA  productive    industries_agroalimentaires, coop
#   e3  50002  47.11F  14.5   5710  N    GZ  presentielle  -
#   e4  50002  01.61Z   4.0   6316  O    AZ  productive    agriculture, CUMA
#   e5  60001  86.10Z 149.5   7364  N    QA  presentielle  -
#   e6  50001  46.21Z   7.5   5710  N    GZ  productive    commerce_gros_agricole
#   e7  50002  10.71C   4.0   5499  N    CA  presentielle  industries_agroalimentaires
#   e8  50002  47.76Z  10.0   6317  O    GZ  presentielle  - (coop outside the NAF perimeter)
# zone = {50001, 50002}: 116 jobs; ref = zone + {60001}: 265.5 jobs.
ESTABLISHMENTS = pd.DataFrame(
    {
        "CODGEO": ["50001", "50001", "50002", "50002", "60001", "50001", "50002", "50002"],
        "activitePrincipaleEtablissement": [
            "01.41Z",
            "10.51A",
            "47.11F",
            "01.61Z",
            "86.10Z",
            "46.21Z",
            "10.71C",
            "47.76Z",
        ],
        "effectif_central": [1.5, 74.5, 14.5, 4.0, 149.5, 7.5, 4.0, 10.0],
        "categorieJuridiqueUniteLegale": [
            "5499",
            "6317",
            "5710",
            "6316",
            "7364",
            "5710",
            "5499",
            "6317",
        ],
        "economieSocialeSolidaireUniteLegale": ["N", "O", "N", "O", "N", "N", "N", "O"],
    }
).astype({"CODGEO": "string", "activitePrincipaleEtablissement": "string"})
ZONES = _membership({"zone": ["50001", "50002"], "ref": ["50001", "50002", "60001"]})


@pytest.fixture(scope="module")
def naf():
    return read_naf(RAW)


def test_sector_jobs_and_location_quotients(naf):
    by_sector = sectors.sector_jobs(ESTABLISHMENTS, ZONES, naf)
    zone = by_sector[by_sector["territoire_code"] == "zone"].set_index("secteur")
    # AZ 1.5 + 4; CA 74.5 + 4; GZ 14.5 + 7.5 + 10; QA none in the zone (listed with 0).
    assert zone["emplois"].to_dict() == {"AZ": 5.5, "CA": 78.5, "GZ": 32.0, "QA": 0.0}
    assert zone["etablissements"].to_dict() == {"AZ": 2, "CA": 2, "GZ": 3, "QA": 0}

    quotients = sectors.location_quotients(by_sector, "ref")
    zone_q = quotients[quotients["territoire_code"] == "zone"].set_index("secteur")
    # AZ, CA, GZ: same jobs in zone and ref, so QL = (x / 116) / (x / 265.5) = 265.5 / 116.
    expected = pd.Series(
        {"AZ": 265.5 / 116, "CA": 265.5 / 116, "GZ": 265.5 / 116, "QA": 0.0},
        name="quotient_localisation",
    )
    expected.index = expected.index.astype("string").rename("secteur")
    pdt.assert_series_equal(zone_q["quotient_localisation"], expected)
    assert zone_q.loc["CA", "part_emplois"] == pytest.approx(100 * 78.5 / 116)
    assert zone_q.loc["CA", "part_reference"] == pytest.approx(100 * 78.5 / 265.5)
    ref_q = quotients[quotients["territoire_code"] == "ref"]
    assert ref_q["quotient_localisation"].tolist() == pytest.approx([1.0] * 4)


def test_specialisation_index(naf):
    by_sector = sectors.sector_jobs(ESTABLISHMENTS, ZONES, naf)
    result = sectors.specialisation_index(by_sector, "ref", "démo")
    # zone: ½ Σ|s − r| = ½ [116 × (1/116 − 1/265.5) + 149.5/265.5] = 149.5 / 265.5.
    values = result.set_index("territoire_code")["valeur"]
    assert values["zone"] == pytest.approx(100 * 149.5 / 265.5)
    assert values["ref"] == pytest.approx(0.0)
    assert list(result.columns) == economy.TIDY_COLUMNS
    assert set(result["indicateur"]) == {"indice_specialisation_krugman"}


def test_unknown_reference_area(naf):
    by_sector = sectors.sector_jobs(ESTABLISHMENTS, ZONES, naf)
    with pytest.raises(RessolError, match="reg-28.*ref, zone"):
        sectors.location_quotients(by_sector, "reg-28")


def test_sphere_shares(naf):
    spheres = sectors.sphere_table(naf, *reference.load_sphere_rule())
    by_code = spheres.set_index("sous_classe")["sphere"]
    # Division rule with exceptions: bakeries (10.71C) and bank branches (64.19Z) présentielle.
    assert by_code[["10.51A", "10.71C", "47.11F", "46.21Z", "64.19Z", "64.20Z"]].tolist() == [
        "productive",
        "presentielle",
        "presentielle",
        "productive",
        "presentielle",
        "productive",
    ]
    result = sectors.sphere_shares(ESTABLISHMENTS, ZONES, naf, spheres, "démo")
    zone = _values(result, "zone")
    # présentielle jobs in the zone: e3 14.5 + e7 4 + e8 10 = 28.5 of 116; 3 of 7 establishments.
    assert zone["emplois_sphere_presentielle"] == 28.5
    assert zone["emplois_sphere_productive"] == 116 - 28.5
    assert zone["part_emplois_sphere_presentielle"] == pytest.approx(100 * 28.5 / 116)
    assert zone["part_etablissements_sphere_presentielle"] == pytest.approx(100 * 3 / 7)
    ref = _values(result, "ref")
    # + e5 (hospital) 149.5: 178 of 265.5 jobs; 4 of 8 establishments.
    assert ref["part_emplois_sphere_presentielle"] == pytest.approx(100 * 178 / 265.5)
    assert ref["part_etablissements_sphere_presentielle"] == pytest.approx(50.0)


def test_sphere_rule_must_cover_every_division(naf):
    divisions, exceptions = reference.load_sphere_rule()
    with pytest.raises(RessolError, match="division\\(s\\) NAF sans sphère : 99"):
        sectors.sphere_table(naf, divisions[divisions["A88"] != "99"], exceptions)


def test_agrifood_weight(naf):
    perimeter, cooperatives = reference.load_agrifood_rule()
    components = sectors.agrifood_components(naf, perimeter)
    result = sectors.agrifood_weight(ESTABLISHMENTS, ZONES, naf, components, cooperatives, "démo")
    zone = _values(result, "zone")
    # filière = agriculture 5.5 + agri-food industries 78.5 + agricultural wholesale 7.5
    #           + the cooperative outside the perimeter (e8) 10 = 101.5 of 116 jobs;
    # cooperatives and CUMA: e2 74.5 + e4 4 + e8 10 = 88.5; ESS in the filière: same 88.5.
    expected = pd.Series(
        {
            "emplois_filiere_agricole": 101.5,
            "part_emplois_agriculture": 100 * 5.5 / 116,
            "part_emplois_industries_agroalimentaires": 100 * 78.5 / 116,
            "part_emplois_commerce_gros_agricole": 100 * 7.5 / 116,
            "part_emplois_filiere_agricole": 100 * 101.5 / 116,
            "part_emplois_cooperatives_agricoles": 100 * 88.5 / 116,
            "part_ess_emplois_filiere_agricole": 100 * 88.5 / 101.5,
        },
        name="valeur",
    )
    expected.index.name = "indicateur"
    pdt.assert_series_equal(zone, expected)
    assert _values(result, "ref")["part_emplois_filiere_agricole"] == pytest.approx(
        100 * 101.5 / 265.5
    )


def test_agrifood_needs_legal_category(naf):
    perimeter, cooperatives = reference.load_agrifood_rule()
    components = sectors.agrifood_components(naf, perimeter)
    with pytest.raises(RessolError, match="categorieJuridiqueUniteLegale"):
        sectors.agrifood_weight(
            ESTABLISHMENTS.drop(columns="categorieJuridiqueUniteLegale"),
            ZONES,
            naf,
            components,
            cooperatives,
            "démo",
        )


def test_unknown_ape_code_is_listed(naf):
    bad = ESTABLISHMENTS.assign(
        activitePrincipaleEtablissement=[
            "01.41Z",
            "10.51A",
            "47.11F",
            "99.99Z",
            "86.10Z",
            "46.21Z",
            "10.71C",
            "47.76Z",
        ]
    )
    with pytest.raises(RessolError, match="99.99Z"):
        sectors.sector_jobs(bad, ZONES, naf)


def test_unknown_ape_codes_are_counted_by_establishment(naf):
    # The levels are looked up once per distinct code; the error still counts establishments:
    # 99.99Z twice and one empty activity make 3.
    codes = ["01.41Z", "99.99Z", "47.11F", "99.99Z", "86.10Z", None, "10.71C", "47.76Z"]
    bad = ESTABLISHMENTS.assign(activitePrincipaleEtablissement=pd.array(codes, dtype="string"))
    with pytest.raises(RessolError, match=r"3 code\(s\) APE absent\(s\).*: \(vide\), 99\.99Z"):
        sectors.sector_jobs(bad, ZONES, naf)


def test_activity_without_rev2_code_goes_to_unknown_sector(naf):
    # activiteNAFRev2 decides when present: e2 (10.51A, 74.5 jobs) and e6 (46.21Z, 7.5) have no
    # NAF rév. 2 code and count in « secteur inconnu » (ZZ); e3 is read as 10.71C (CA).
    rev2 = ["01.41Z", None, "10.71C", "01.61Z", "86.10Z", None, "10.71C", "47.76Z"]
    table = ESTABLISHMENTS.assign(activiteNAFRev2=pd.array(rev2, dtype="string"))
    by_sector = sectors.sector_jobs(table, ZONES, naf)
    zone = by_sector[by_sector["territoire_code"] == "zone"].set_index("secteur")
    assert zone["emplois"].to_dict() == {"AZ": 5.5, "CA": 18.5, "GZ": 10.0, "QA": 0.0, "ZZ": 82.0}
    assert zone.loc["ZZ", "libelle"] == UNKNOWN_SECTOR_LABEL
    bad = table.assign(activiteNAFRev2=pd.array(["99.99Z", *rev2[1:]], dtype="string"))
    with pytest.raises(RessolError, match=r"colonne activiteNAFRev2, 1 code\(s\) APE absent"):
        sectors.sector_jobs(bad, ZONES, naf)


def test_missing_job_estimate_is_not_zero(naf):
    bad = ESTABLISHMENTS.assign(effectif_central=[1.5, np.nan, 14.5, 4, 149.5, 7.5, 4, 10])
    with pytest.raises(RessolError, match="1 établissement\\(s\\) sans effectif estimé"):
        sectors.sector_jobs(bad, ZONES, naf)


def test_restored_commune_value_counted_in_its_former_commune():
    # "R" was restored after the previous census: its 2016 jobs are inside "P"'s figure.
    communes = pd.DataFrame(
        {
            "CODGEO": pd.array(["P", "R", "X"], dtype="string"),
            "emplois_precedent": [150.0, float("nan"), 40.0],
            "emplois_precedent_INCLUS_DANS": pd.array([None, "P", None], dtype="string"),
        }
    )
    membership = pd.DataFrame(
        {
            "territoire_code": ["avec-p", "avec-p", "sans-p", "sans-p"],
            "territoire": ["Avec P", "Avec P", "Sans P", "Sans P"],
            "CODGEO": ["P", "R", "R", "X"],
        },
        dtype="string",
    )
    sums = aggregate_counts(communes, membership, ["emplois_precedent"], absent="missing")
    # Area with P: 150 (R's jobs are in P's); area without P: unknown, 1 missing commune.
    assert sums["emplois_precedent"].iloc[0] == 150.0
    assert sums["manquants_emplois_precedent"].tolist() == [0, 1]
    assert pd.isna(sums["emplois_precedent"].iloc[1])


def test_former_commune_without_its_restored_commune_is_not_summed():
    # P's 150 previous-census jobs include R's (restored since): an area with P but not R
    # would count R's jobs as its own, so its total is missing (1 commune), not 150 + 40.
    communes = pd.DataFrame(
        {
            "CODGEO": pd.array(["P", "R", "X"], dtype="string"),
            "emplois_precedent": [150.0, float("nan"), 40.0],
            "emplois_precedent_INCLUS_DANS": pd.array([None, "P", None], dtype="string"),
        }
    )
    membership = pd.DataFrame(
        {
            "territoire_code": ["p-seule", "p-seule", "les-deux", "les-deux", "x-seule"],
            "territoire": ["P seule", "P seule", "Les deux", "Les deux", "X seule"],
            "CODGEO": ["P", "X", "P", "R", "X"],
        },
        dtype="string",
    )
    sums = aggregate_counts(communes, membership, ["emplois_precedent"], absent="missing")
    assert sums["manquants_emplois_precedent"].tolist() == [1, 0, 0]
    assert pd.isna(sums["emplois_precedent"].iloc[0])
    assert sums["emplois_precedent"].iloc[1:].tolist() == [150.0, 40.0]
