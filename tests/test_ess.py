"""ESS rules and indicators on the hand-built SIRENE fixture.

Fixture establishments in Centre Manche (50502 Saint-Lô and 50431 Remilly Les Marais in
EPCI A, 50147 Coutances in EPCI B), after the reader (closed ones and Caen dropped):

siret suffix | commune | band | central | CJ   | ESS flag | family       | note
…100011      | 50502   | 12   | 34.5    | 9220 | O        | associations |
…200012      | 50502   | 01   | 1.5     | 9220 | O        | associations |
…400013      | 50502   | 03   | 7.5     | 8210 | O        | mutuelles    |
…700014      | 50502   | 11   | 14.5    | 5710 | N        | -            |
…1000015     | 50502   | 32   | 374.5   | 7210 | N        | -            | public
…800016      | 50502   | NN   | 0       | 1000 | N        | -            | non-employer, P
…900017      | 50502   | 02   | 4       | 9220 | O        | associations | unit P
…1400018     | 50502   | 02   | 4       | 6596 | O        | cooperatives |
…1100020     | 50502   | (vide)| 0      | 5499 | (vide)   | -            | non-employer
…300021      | 50119→50431 | 21 | 74.5 | 6317 | O        | cooperatives | old code
…1200022     | 50431   | 01   | 1.5     | 1000 | O        | autres       | natural person
…1100023     | 50431   | 00   | 0       | 5499 | (vide)   | -            |
…500024      | 50147   | 11   | 14.5    | 9300 | O        | fondations   |
…600025      | 50147   | 01   | 1.5     | 5710 | O        | autres       |
…1400026     | 50147   | 02   | 4       | 6596 | O        | cooperatives | establishment P
…200027      | 50147   | 00   | 0       | 9220 | O        | associations |
…700028      | 50147   | 12   | 34.5    | 5710 | N        | -            |
…200032      | 50147   | 01   | 1.5     | 9220 | O        | associations | NAF rév. 1
…1300033     | 50147   | 01   | 1.5     | 9220 | O        | associations | NAF 94.91Z
Manche adds 50129: …100029 band 22 (149.5, 9220, O) and …1100030 band 03 (7.5, 5499).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_sirene import FIXTURE, make_membership, make_passage

from ressol_analysis import ess, ess_communes, ess_official
from ressol_analysis.errors import RessolError
from ressol_analysis.sources import reference
from ressol_analysis.sources.sirene import read_sirene

NAF = pd.DataFrame(
    [
        ("88.10A", "Q", "Santé humaine et action sociale"),
        ("88.91A", "Q", "Santé humaine et action sociale"),
        ("87.10A", "Q", "Santé humaine et action sociale"),
        ("93.12Z", "R", "Arts, spectacles et activités récréatives"),
        ("65.12Z", "K", "Activités financières et d'assurance"),
        ("64.19Z", "K", "Activités financières et d'assurance"),
        ("45.20A", "G", "Commerce ; réparation d'automobiles et de motocycles"),
        ("45.11Z", "G", "Commerce ; réparation d'automobiles et de motocycles"),
        ("47.24Z", "G", "Commerce ; réparation d'automobiles et de motocycles"),
        ("47.11B", "G", "Commerce ; réparation d'automobiles et de motocycles"),
        ("84.11Z", "O", "Administration publique"),
        ("10.51A", "C", "Industrie manufacturière"),
        ("10.71C", "C", "Industrie manufacturière"),
        ("96.02A", "S", "Autres activités de services"),
        ("94.91Z", "S", "Autres activités de services"),
        ("02.20Z", "A", "Agriculture, sylviculture et pêche"),
    ],
    columns=["sous_classe", "A21", "libelle_A21"],
    dtype="string",
)


@pytest.fixture(scope="module")
def establishments() -> pd.DataFrame:
    return read_sirene(FIXTURE, make_membership(), make_passage())


@pytest.fixture(scope="module")
def classified(establishments) -> pd.DataFrame:
    return ess.classify(establishments)


def wide(indicators: pd.DataFrame) -> pd.DataFrame:
    return indicators.pivot(index="indicateur", columns="territoire_code", values="valeur")


def test_employer_rule(classified):
    by_siret = classified.set_index("siret")
    assert not by_siret.loc["10000000800016", "employeur"]  # NN
    assert not by_siret.loc["10000001100020", "employeur"]  # empty band
    assert by_siret.loc["10000001100023", "employeur"]  # 00: employer with 0 jobs
    assert by_siret.loc["10000001100023", "effectif_central"] == 0.0


def test_indicators_of_the_territory(classified):
    values = wide(ess.ess_indicators(classified, make_membership(), "src", "2026"))
    centre = values["centre-manche"]
    # Employers: 19 active rows in the 3 communes minus NN (…16) and empty band (…20) = 17.
    assert centre["etablissements_employeurs"] == 17
    # ESS (flag O) employers: …11, 12, 13, 17, 18, 21, 22, 24, 25, 26, 27, 32, 33 = 13.
    assert centre["ess_etablissements_employeurs"] == 13
    assert centre["part_ess_etablissements_employeurs"] == pytest.approx(100 * 13 / 17)
    # All central jobs: 34.5+1.5+7.5+14.5+374.5+4+4+74.5+1.5+0+14.5+1.5+4+0+34.5+1.5+1.5 = 574
    assert centre["effectif_salarie_estime"] == 574
    # ESS central: 34.5+1.5+7.5+4+4+74.5+1.5+14.5+1.5+4+0+1.5+1.5 = 150.5
    assert centre["ess_effectif_salarie_estime"] == 150.5
    # ESS low: 20+1+6+3+3+50+1+10+1+3+0+1+1 = 100 ; high: 49+2+9+5+5+99+2+19+2+5+0+2+2 = 201
    assert centre["ess_effectif_salarie_estime_bas"] == 100
    assert centre["ess_effectif_salarie_estime_haut"] == 201
    assert centre["part_ess_effectif_salarie_estime"] == pytest.approx(100 * 150.5 / 574)


def test_indicators_by_family(classified):
    centre = wide(ess.ess_indicators(classified, make_membership(), "src", "2026"))["centre-manche"]
    # associations …11, 12, 17, 27, 32, 33: 34.5+1.5+4+0+1.5+1.5 = 43
    # cooperatives …18, 21, 26: 4+74.5+4 = 82.5 ; mutuelles …13: 7.5 ; fondations …24: 14.5
    # autres …22 (CJ 1000 flagged O), …25 (SAS flagged O): 1.5+1.5 = 3
    expected = {
        "associations": (6, 43.0),
        "cooperatives": (3, 82.5),
        "mutuelles": (1, 7.5),
        "fondations": (1, 14.5),
        "autres": (2, 3.0),
    }
    for family, (count, jobs) in expected.items():
        assert centre[f"ess_etablissements_employeurs_{family}"] == count
        assert centre[f"ess_effectif_salarie_estime_{family}"] == jobs


def test_zero_rows_are_present(classified):
    indicators = ess.ess_indicators(classified, make_membership(), "src", "2026")
    epci_a = indicators[indicators["territoire_code"] == "epci-a"].set_index("indicateur")
    # EPCI A has no fondation: the row is there, with 0.
    assert epci_a.loc["ess_etablissements_employeurs_fondations", "valeur"] == 0
    assert epci_a.loc["ess_effectif_salarie_estime_fondations", "valeur"] == 0
    assert len(indicators) == 4 * 20  # 8 keys and 2 per family (6 families)
    assert list(indicators.columns) == ess.INDICATOR_COLUMNS
    assert set(indicators["source"]) == {"src"}
    assert indicators.loc[indicators["indicateur"].str.startswith("part_"), "unite"].eq("%").all()


def test_comparison_area_and_epci(classified):
    values = wide(ess.ess_indicators(classified, make_membership(), "src", "2026"))
    # Manche adds 50129: employers 17+2 = 19, ESS 13+1 = 14, central 574+149.5+7.5 = 731.
    assert values.loc["etablissements_employeurs", "dep-50"] == 19
    assert values.loc["ess_etablissements_employeurs", "dep-50"] == 14
    assert values.loc["effectif_salarie_estime", "dep-50"] == 731
    assert values.loc["ess_effectif_salarie_estime", "dep-50"] == 300
    # EPCI A = 50502 + 50431: ESS central 34.5+1.5+7.5+4+4+74.5+1.5 = 127.5
    assert values.loc["ess_effectif_salarie_estime", "epci-a"] == 127.5
    assert values.loc["ess_effectif_salarie_estime", "epci-b"] == 23


def test_area_without_employer_has_missing_shares(classified):
    membership = pd.DataFrame(
        {"territoire_code": ["vide"], "territoire": ["Vide"], "CODGEO": ["61001"]}
    )
    values = wide(ess.ess_indicators(classified, membership, "src", "2026"))["vide"]
    assert values["etablissements_employeurs"] == 0
    assert np.isnan(values["part_ess_etablissements_employeurs"])


def test_statistical_perimeter(establishments):
    stat = ess.classify(establishments, perimeter="statistique")
    centre = wide(ess.ess_indicators(stat, make_membership(), "src", "2026"))["centre-manche"]
    # Legal perimeter minus CJ 1000 (…22), SAS (…25) and the religious association in
    # NAF 94.91Z (…33): 13-3 = 10 employers, 150.5-1.5-1.5-1.5 = 146 jobs.
    assert centre["ess_etablissements_employeurs"] == 10
    assert centre["ess_effectif_salarie_estime"] == 146
    assert centre["ess_etablissements_employeurs_autres"] == 0


def test_unknown_perimeter(establishments):
    with pytest.raises(RessolError, match="Périmètre.*large"):
        ess.classify(establishments, perimeter="large")


def test_unknown_legal_categories_fall_back_to_their_group(establishments):
    bad = establishments.copy().set_index("siret")
    # …100011 (9220 → 1234: no niveau II 12 → niveau I 1, autres), …700014 (5710 → 5720, the
    # former SAS unipersonnelle: niveau II 57, autres), …200012 (9220 → 9299: niveau II 92,
    # associations), …1400018 (6596 → 6588: niveau II 65 mixed → niveau I 6, autres).
    changes = {"10000000100011": "1234", "10000000700014": "5720"}
    changes |= {"10000000200012": "9299", "10000001400018": "6588"}
    for siret, code in changes.items():
        bad.loc[siret, "categorieJuridiqueUniteLegale"] = code
    classified = ess.classify(bad.reset_index()).set_index("siret")
    assert classified.loc["10000000100011", ["famille", "niveau_famille"]].tolist() == [
        "autres",
        "I",
    ]
    assert classified.loc["10000000700014", ["famille", "niveau_famille"]].tolist() == [
        "autres",
        "II",
    ]
    assert classified.loc["10000000200012", "famille"] == "associations"
    assert classified.loc["10000001400018", ["famille", "niveau_famille"]].tolist() == [
        "autres",
        "I",
    ]
    anomalies = ess.input_anomalies(classified.reset_index())["categories"]
    assert anomalies.to_dict("list") == {
        "categorie_juridique": ["1234", "5720", "6588", "9299"],
        "niveau_famille": ["I", "II", "I", "II"],
        "famille": ["autres", "autres", "autres", "associations"],
        "unites": [1, 1, 1, 1],
        "etablissements": [1, 1, 1, 1],
    }
    # Every unit still counts: 17 employers in the territory, 13 ESS.
    values = wide(ess.ess_indicators(classified.reset_index(), make_membership(), "s", "m"))
    centre = values["centre-manche"]
    assert centre["etablissements_employeurs"] == 17
    assert centre["ess_etablissements_employeurs"] == 13
    # associations lose …11 (34.5), cooperatives lose …18 (4), autres gain both: 3 + 38.5.
    assert centre["ess_effectif_salarie_estime_associations"] == 43 - 34.5
    assert centre["ess_effectif_salarie_estime_autres"] == 3 + 34.5 + 4


def test_malformed_legal_category_is_an_error_on_an_employer_only(establishments):
    bad = establishments.copy().set_index("siret")
    bad.loc["10000000800016", "categorieJuridiqueUniteLegale"] = "100"  # NN: not an employer
    classified = ess.classify(bad.reset_index()).set_index("siret")
    assert pd.isna(classified.loc["10000000800016", "famille"])
    bad.loc["10000000100011", "categorieJuridiqueUniteLegale"] = "922"
    with pytest.raises(RessolError, match=r"mal formée.*922\b.*4 chiffres"):
        ess.classify(bad.reset_index())


def test_unknown_band_is_counted_apart_not_an_error(establishments):
    bad = establishments.copy().set_index("siret")
    bad.loc["10000000100011", "trancheEffectifsEtablissement"] = "99"  # was 12 (34.5), ESS
    bad.loc["10000000700014", "trancheEffectifsEtablissement"] = "1"  # was 11 (14.5), not ESS
    classified = ess.classify(bad.reset_index())
    by_siret = classified.set_index("siret")
    assert by_siret.loc["10000000100011", "tranche_inconnue"]
    assert not by_siret.loc["10000000100011", "employeur"]
    assert by_siret.loc["10000000100011", "effectif_central"] == 0
    tranches = ess.input_anomalies(classified)["tranches"]
    assert tranches.to_dict("list") == {"tranche": ["1", "99"], "etablissements": [1, 1]}
    centre = wide(ess.ess_indicators(classified, make_membership(), "s", "m"))["centre-manche"]
    assert centre["etablissements_employeurs"] == 17 - 2
    assert centre["effectif_salarie_estime"] == 574 - 34.5 - 14.5
    assert centre["ess_effectif_salarie_estime"] == 150.5 - 34.5


EMPLOYER_CASES = pd.DataFrame(
    [
        # band, flag, year, employer?, central jobs — latest band year 2023, stale before 2021
        ("11", "O", "2023", True, 14.5),
        ("11", "N", "2023", False, 0.0),  # the flag says no longer employer
        ("NN", "O", "2023", True, 0.0),  # the flag says employer; the band gives no job
        (None, "O", None, True, 0.0),  # created since the band year: employer, jobs unknown
        ("12", "O", "2021", True, 34.5),  # two years old: still current
        ("12", "O", "2020", False, 0.0),  # three years old: long inactive
        ("02", None, "2023", True, 4.0),  # empty flag: the band decides
        ("NN", None, "2023", False, 0.0),
        ("03", None, "2019", False, 0.0),  # empty flag, stale band
        ("7", "O", "2023", False, 0.0),  # unknown band code: status unknown
    ],
    columns=["trancheEffectifsEtablissement", "caractereEmployeurEtablissement",
             "anneeEffectifsEtablissement", "attendu", "emplois"],
)  # fmt: skip


def test_employer_rule_with_the_register_flag_and_band_year():
    table = EMPLOYER_CASES.drop(columns=["attendu", "emplois"]).astype("string")
    rule = ess.employer_rule(table)
    assert (rule.name, rule.latest_year, rule.max_age) == ("caractere_employeur", 2023, 2)
    assert "2020 ou avant" in rule.describe()
    status = ess.employer_status(table, rule)
    assert status["employeur"].tolist() == EMPLOYER_CASES["attendu"].tolist()
    assert status["effectif_central"].tolist() == EMPLOYER_CASES["emplois"].tolist()
    assert status["tranche_ancienne"].tolist() == [False] * 5 + [True, False, False, True, False]
    # The file's latest year may come from rows outside the table.
    later = ess.employer_status(table, ess.EmployerRule(flag=True, latest_year=2024))
    assert later["employeur"].tolist()[4] is False


def test_employer_rule_falls_back_to_the_band_without_the_flag_column():
    table = EMPLOYER_CASES.drop(columns=["attendu", "emplois", "caractereEmployeurEtablissement"])
    table = table.astype("string")
    rule = ess.employer_rule(table)
    assert rule.name == "tranche"
    assert "caractereEmployeurEtablissement" in rule.describe()
    status = ess.employer_status(table, rule)
    # band present, not NN, not stale, known
    assert status["employeur"].tolist() == [
        True, True, False, False, True, False, True, False, False, False,
    ]  # fmt: skip


def test_by_sector(classified):
    table = ess.ess_by_sector(classified, make_membership(), NAF, "A21")
    centre = table[table["territoire_code"] == "centre-manche"].set_index("A21")
    # Q: …11 (34.5), …17 (4), …24 (14.5): all ESS, 53 jobs.
    assert centre.loc["Q", "etablissements_employeurs"] == 3
    assert centre.loc["Q", "ess_effectif_salarie_estime"] == 53
    assert centre.loc["Q", "part_ess_effectif_salarie_estime"] == 100
    # G: …14 (14.5), …23 (0), …28 (34.5): no ESS.
    assert centre.loc["G", "effectif_salarie_estime"] == 49
    assert centre.loc["G", "part_ess_etablissements_employeurs"] == 0
    # NAF rév. 1 code of …32 goes to ZZ.
    assert centre.loc["ZZ", "ess_effectif_salarie_estime"] == 1.5
    # C: coop dairy 74.5 of 150.5 ESS jobs.
    assert centre.loc["C", "part_secteur_dans_ess"] == pytest.approx(100 * 74.5 / 150.5)
    assert centre["ess_effectif_salarie_estime"].sum() == 150.5
    assert centre["effectif_salarie_estime"].sum() == 574


def test_by_band(classified):
    table = ess.ess_by_band(classified, make_membership())
    centre = table[table["territoire_code"] == "centre-manche"].set_index("tranche")
    assert len(centre) == 15  # every employer band, zeros included
    # band 01: …12, …22, …25, …32, …33, all ESS: 5 × 1.5 = 7.5 jobs
    assert centre.loc["01", "etablissements_employeurs"] == 5
    assert centre.loc["01", "ess_effectif_salarie_estime"] == 7.5
    assert centre.loc["32", "ess_etablissements_employeurs"] == 0
    assert centre.loc["53", "etablissements_employeurs"] == 0


def test_directory_never_lists_partial_diffusion_nor_natural_persons(classified):
    centre = ess.select_area(classified, make_membership(), "centre-manche")
    directory = ess.ess_directory(centre, NAF)
    listed = set(directory["siret"])
    # 13 ESS employers minus …17 (unit P), …26 (establishment P), …22 (CJ 1000) = 10.
    assert len(directory) == 10
    assert directory.attrs["non_listes"] == 3
    assert not listed & {"10000000900017", "10000001400026", "10000001200022"}
    flagged = classified.set_index("siret").loc[list(listed)]
    assert not flagged["statutDiffusionEtablissement"].eq("P").any()
    assert not flagged["statutDiffusionUniteLegale"].eq("P").any()
    assert not flagged["categorieJuridiqueUniteLegale"].eq("1000").any()
    assert "[ND]" not in set(directory["nom"])
    row = directory.set_index("siret").loc["10000000100011"]
    assert row["nom"] == "AIDE A DOMICILE DU BOCAGE"
    assert row["enseigne"] == "SERVICE D'AIDE SAINT-LO"
    assert row["famille"] == "associations"
    assert row["A21"] == "Q"
    assert row["tranche_libelle"] == "20 à 49 salariés"


ALLOW_LIST_CASES = {
    # siret: (diffusion of the unit, of the establishment, catégorie juridique, name)
    "20000000100010": ("O", "O", "9220", "AMICALE DU BOCAGE"),  # the only one listed
    "20000000200010": ("N", "O", "9220", "ASSOCIATION DU LAVOIR"),
    "20000000300010": ("p", "O", "9220", "CLUB DES ANCIENS"),
    "20000000400010": ("O", "O", "2110", "INDIVISION JEAN DUPONT"),
    "20000000500010": ("O", "O", "1000", None),  # entrepreneur individuel
    "20000000600010": ("O", "P", "9300", "FONDATION DE L'ACCUEIL"),
    "20000000700010": ("O", None, "9220", "CERCLE SANS STATUT"),
}


def allow_list_cases(classified: pd.DataFrame) -> pd.DataFrame:
    """Copies of one ESS employer (…100011), each with one status or catégorie changed."""
    model = classified.set_index("siret").loc[["10000000100011"]]
    rows = []
    for number, (unit, establishment, category, name) in ALLOW_LIST_CASES.items():
        rows.append(
            model.assign(
                siren=number[:9],
                statutDiffusionUniteLegale=unit,
                statutDiffusionEtablissement=establishment,
                categorieJuridiqueUniteLegale=category,
                denominationUniteLegale=name,
            ).set_axis([number])
        )
    return pd.concat(rows).rename_axis("siret").reset_index()


def test_directory_lists_only_the_allow_list(classified):
    cases = allow_list_cases(classified)
    assert cases["employeur"].all() and cases["ess"].all()
    assert ess.listable(cases).tolist() == [True, False, False, False, False, False, False]
    directory = ess.ess_directory(cases, NAF)
    assert directory["siret"].tolist() == ["20000000100010"]
    assert directory["nom"].tolist() == ["AMICALE DU BOCAGE"]
    assert directory.attrs["non_listes"] == 6


def test_primary_secret_by_hand():
    count = pd.Series([0, 1, 2, 3, 3, 4])
    value = pd.Series([0.0, 10.0, 5.0, 100.0, 100.0, 40.0])
    # largest: 85.0 is not above 85 % of 100 (=85), 85.5 is.
    largest = pd.Series([0.0, 10.0, 4.0, 85.0, 85.5, 10.0])
    result = ess_communes.primary_secret(count, value, largest)
    assert result.tolist() == [False, True, True, False, True, False]


def test_secondary_secret_by_hand():
    masked = pd.Series([True, False, False, False, False, True, True, False])
    value = pd.Series([5.0, 30.0, 12.0, 0.0, 50.0, 3.0, 4.0, 9.0])
    count = pd.Series([1, 5, 4, 0, 6, 2, 1, 3])
    group = pd.Series(["a", "a", "a", "a", "b", "c", "c", "c"])
    result = ess_communes.secondary_secret(masked, value, count, group)
    # group a: one secret → the smallest cell with contributors (12.0, not the empty 0.0)
    # group b: no secret; group c: already two secrets → nothing added.
    assert result.tolist() == [True, False, True, False, False, True, True, False]


def test_commune_table_secrecy(classified):
    communes = pd.DataFrame(
        {"CODGEO": ["50502", "50431", "50147"], "groupe": ["epci-a", "epci-a", "epci-b"]}
    )
    table = ess_communes.commune_table(classified, communes).set_index("CODGEO")
    # ESS: 50431 has 2 establishments (74.5 and 1.5) → primary; 50502 (5 establishments,
    # top 34.5 of 51.5 = 67 %) is masked as secondary in EPCI A; 50147 (6, top 14.5 of 23)
    # is published.
    assert table["secret_ess"].tolist() == [True, True, False]
    assert table.loc["50147", "ess_effectif_salarie_estime"] == 23
    assert pd.isna(table.loc["50502", "ess_effectif_salarie_estime"])
    # Counts are not masked.
    assert table["ess_etablissements_employeurs"].tolist() == [5, 2, 6]
    # All employers: 50502 top 374.5 of 440.5 = 85.02 % > 85 % → secret; 50431 top 74.5 of
    # 76 → secret; 50147 (7, top 34.5 of 57.5) published.
    assert table["secret_total"].tolist() == [True, True, False]
    assert table.loc["50147", "effectif_salarie_estime"] == 57.5
    assert table.loc["50147", "part_ess_effectif_salarie_estime"] == pytest.approx(40.0)
    assert pd.isna(table.loc["50431", "part_ess_effectif_salarie_estime"])


def test_official_table_replaces_estimate(classified):
    membership = make_membership()
    indicators = ess.ess_indicators(classified, membership, "Sirene", "2026")
    official = pd.DataFrame(
        {
            "CODGEO": ["50502", "50502", "50147", "50431"],
            "famille": ["associations", "mutuelles", "fondations", "cooperatives"],
            "etablissements": [10.0, 1.0, 1.0, 2.0],
            "effectifs": [200.0, 20.0, 30.0, np.nan],
        }
    )
    result = ess_official.apply_official_table(indicators, official, membership, "Commande", "2024")
    values = wide(result)
    # Centre: establishments 10+1+1+2 = 14; jobs involve a secret cell (50431) → missing.
    assert values.loc["ess_etablissements_employeurs", "centre-manche"] == 14
    assert np.isnan(values.loc["ess_effectif_salarie_estime", "centre-manche"])
    # EPCI B: 30 jobs, all fondations; share 30 / 57.5 (SIRENE denominator).
    assert values.loc["ess_effectif_salarie_estime", "epci-b"] == 30
    assert values.loc["ess_effectif_salarie_estime_fondations", "epci-b"] == 30
    assert values.loc["ess_effectif_salarie_estime_associations", "epci-b"] == 0
    assert values.loc["part_ess_effectif_salarie_estime", "epci-b"] == pytest.approx(
        100 * 30 / 57.5
    )
    assert values.loc["effectif_salarie_estime", "epci-b"] == 57.5
    rows = result.set_index(["territoire_code", "indicateur"])
    assert rows.loc[("epci-b", "ess_effectif_salarie_estime"), "source"] == "Commande"
    assert rows.loc[("epci-b", "effectif_salarie_estime"), "source"] == "Sirene"


def test_official_table_of_the_territory_leaves_wider_areas_on_the_estimate(classified):
    # Rule chosen (docs/methode_ess.md): a commune absent from the order counts as zero only
    # inside the territory, or in an EPCI of which the order lists another commune. Manche also
    # has 50129 (outside the territory, its EPCI "ext" has no listed commune): a partial sum
    # would be wrong, so Manche keeps its SIRENE estimate.
    membership = make_membership()
    indicators = ess.ess_indicators(classified, membership, "Sirene", "2026")
    official = pd.DataFrame(
        {
            "CODGEO": ["50502", "50147"],
            "famille": ["associations", "fondations"],
            "etablissements": [10.0, 1.0],
            "effectifs": [200.0, 30.0],
        }
    )
    groups = pd.DataFrame(
        {"CODGEO": ["50502", "50431", "50147", "50129"], "groupe": ["a", "a", "b", "ext"]}
    )
    territory = ["50502", "50431", "50147"]
    covered = ess_official.official_table_areas(official, membership, territory, groups)
    assert covered == ["centre-manche", "epci-a", "epci-b"]
    result = ess_official.apply_official_table(
        indicators, official, membership, "Commande", "2024", covered
    )
    before = indicators.set_index(["territoire_code", "indicateur"])
    after = result.set_index(["territoire_code", "indicateur"])
    # The territory: 200 + 30 official jobs (50431 absent: zero).
    assert after.loc[("centre-manche", "ess_effectif_salarie_estime"), "valeur"] == 230
    assert after.loc[("centre-manche", "ess_effectif_salarie_estime"), "source"] == "Commande"
    # Manche: every row as estimated, with its SIRENE source (not 230 official jobs).
    manche = after.loc["dep-50"]
    pd.testing.assert_frame_equal(manche, before.loc["dep-50"])
    assert manche.loc["ess_effectif_salarie_estime", "source"] == "Sirene"
    # An order that lists a commune of 50129's EPCI outside the territory covers Manche too.
    wider = pd.concat([groups, pd.DataFrame({"CODGEO": ["50999"], "groupe": ["ext"]})])
    more = pd.concat([official, official.iloc[:1].assign(CODGEO="50999")], ignore_index=True)
    assert "dep-50" in ess_official.official_table_areas(more, membership, territory, wider)


def test_family_table_matches_insee_labels():
    from pathlib import Path

    raw = Path(__file__).resolve().parents[1] / "data" / "raw" / "cj_septembre_2022.xls"
    insee = pd.read_excel(raw, sheet_name="Niveau III", header=3, dtype=str, engine="calamine")
    insee = insee.apply(lambda c: c.str.strip().str.replace(r"\s+", " ", regex=True))
    table = reference.families_table()
    assert table["categorie_juridique"].tolist() == insee["Code"].tolist()
    assert table["libelle"].tolist() == insee["Libellé"].tolist()
    assert set(table["famille"]) == set(reference.FAMILIES)
    assert table["justification"].str.len().gt(20).all()
    # Every label saying coopérative is a coopérative, except the documented public or
    # health-cooperation bodies.
    coop = table[table["libelle"].str.contains("coopérative", case=False)]
    assert set(coop.loc[coop["famille"] != "cooperatives", "categorie_juridique"]) == set()
    families = table.set_index("categorie_juridique")["famille"]
    assert families["5195"] == "cooperatives"
    # INSEE's fifth family: the project's documented choice (no official list was found).
    fifth = sorted(families[families == "organismes_non_lucratifs"].index)
    assert fifth == ["8310", "8311", "9223", "9900", "9970"]
    assert families[["8410", "8510", "9150", "9224"]].eq("autres").all()


def test_band_table():
    bands = reference.bands_table().set_index("tranche")
    assert bands.loc["01", ["effectif_bas", "effectif_central", "effectif_haut"]].tolist() == [
        1.0,
        1.5,
        2.0,
    ]
    assert bands.loc["00", "employeur"] and not bands.loc["NN", "employeur"]
    assert bands.loc["53", "effectif_haut"] == 10000


def test_official_table_named_in_the_territory_replaces_the_estimate(built_project, tmp_path):
    from ressol_analysis.context import load

    # A territory file of its own beside its official table (the session's project is read only).
    text = (built_project / "territoires" / "centre-manche.yaml").read_text(encoding="utf-8")
    text = text.replace("id: centre-manche", "id: cm-officiel")
    territory = tmp_path / "cm-officiel.yaml"
    territory.write_text(text + "ess_officiel: ess_officiel.csv\n", encoding="utf-8")
    # Saint-Lô (50502) and Coutances (50147): hand-written official counts; every other
    # commune of the territory is absent (no ESS employer in the order).
    (tmp_path / "ess_officiel.csv").write_text(
        "CODGEO;famille;etablissements;effectifs\n"
        "50502;associations;40;900\n50502;cooperatives;5;300\n"
        "50147;associations;20;250\n50147;mutuelles;s;s\n",
        encoding="utf-8",
    )
    rows = load(str(territory), str(built_project)).indicators
    value = rows.set_index(["territoire_code", "indicateur"])["valeur"]
    source = rows.set_index(["territoire_code", "indicateur"])["source"]
    # Saint-Lô Agglo: 900 + 300 official jobs, 40 + 5 establishments.
    assert value[("epci-200066389", "ess_effectif_salarie_estime")] == 1200
    assert value[("epci-200066389", "ess_etablissements_employeurs")] == 45
    assert value[("epci-200066389", "ess_effectif_salarie_estime_cooperatives")] == 300
    # Coutances Mer et Bocage includes a secret cell: its total is not published.
    assert pd.isna(value[("epci-200067023", "ess_effectif_salarie_estime")])
    assert "Tableau officiel" in source[("epci-200066389", "ess_effectif_salarie_estime")]
    # The order covers the territory only: Manche and Normandie keep the SIRENE estimate
    # (never the territory's 1 450 official jobs as a département or regional total).
    estimate = load("centre-manche", str(built_project)).indicators
    estimated = estimate.set_index(["territoire_code", "indicateur"])["valeur"]
    for area in ("dep-50", "reg-28"):
        for key in ("ess_effectif_salarie_estime", "part_ess_effectif_salarie_estime_bas"):
            assert value[(area, key)] == estimated[(area, key)]
        assert "Tableau officiel" not in source[(area, "ess_effectif_salarie_estime")]
    assert pd.isna(value[("cm-officiel", "part_ess_effectif_salarie_estime_bas")])


def test_family_levels_table_follows_the_nomenclature_and_the_family_table():
    from pathlib import Path

    raw = Path(__file__).resolve().parents[1] / "data" / "raw" / "cj_septembre_2022.xls"
    levels = reference.family_levels_table()
    families = reference.families_table()
    for sheet, level in (("Niveau II", "II"), ("Niveau I", "I")):
        insee = pd.read_excel(raw, sheet_name=sheet, header=3, dtype=str, engine="calamine")
        insee = insee.apply(lambda c: c.str.strip().str.replace(r"\s+", " ", regex=True))
        mine = levels[levels["niveau"] == level]
        assert mine["code"].tolist() == insee["Code"].tolist()
        assert mine["libelle"].tolist() == insee["Libellé"].tolist()
    assert levels.loc[levels["niveau"] == "I", "famille"].ne("").all()
    for row in levels[levels["niveau"] == "II"].itertuples():
        found = set(families.loc[families["categorie_juridique"].str[:2] == row.code, "famille"])
        if row.code == "92":  # documented choice: an unknown association form is an association
            assert row.famille == "associations"
        elif len(found) == 1:
            assert row.famille == found.pop()
        else:
            assert row.famille == ""  # mixed: the niveau I decides
    assert levels["justification"].str.len().gt(40).all()


def test_indicators_need_only_the_required_sirene_columns(built_project, tmp_path):
    from support.cli import ressol

    from ressol_analysis.sources.sirene import ETAB_REQUIRED, UL_REQUIRED

    # The ESS issue requires only these 8 + 5 columns, « everything else is optional »: the
    # fixture cut down to them (no dates, no employer flag, no band year, no names of signs).
    folder = tmp_path / "sirene"
    folder.mkdir()
    for stem, columns in (
        ("StockEtablissement_utf8", ETAB_REQUIRED),
        ("StockUniteLegale_utf8", UL_REQUIRED),
    ):
        table = pd.read_csv(FIXTURE / f"{stem}.csv", dtype=str, keep_default_na=False)
        table[list(columns)].to_csv(folder / f"{stem}.csv", index=False)
    out = tmp_path / "indicateurs.csv"
    args = ("indicators", "--territory", "centre-manche", "--sirene", str(folder))
    # Without dateCreationEtablissement and dateDebut the dynamics are left out, and said so.
    with pytest.warns(UserWarning, match="dateCreationEtablissement et dateDebut"):
        result = ressol(built_project, *args, "--output", str(out))
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(out, dtype={"territoire_code": str})
    value = rows.set_index(["territoire_code", "indicateur"])["valeur"]
    # Hand-computed in test_indicators_of_the_territory (the same establishments).
    assert value[("centre-manche", "ess_etablissements_employeurs")] == 13
    assert value[("centre-manche", "ess_effectif_salarie_estime")] == 150.5
    assert value[("centre-manche", "effectif_salarie_estime")] == 574
    assert not rows["indicateur"].str.contains("depuis_2013|_crees_|_01_01_").any()
