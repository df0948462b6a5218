"""Matching members to SIRENE and the network's coverage, on a hand-built SIRENE extract.

Territory « terr »: EPCI A = Saint-Lô (50502) + Agneaux (50002), EPCI B = Coutances (50147);
the département adds 50129. Active establishments of the territory after classify
(central jobs of the band; « m » = belongs to a member of the members file below):

id   | unit                           | commune | band | jobs | CJ   | ESS | diffusion UL/étab | m
E1a  | AIDE A DOMICILE DU BOCAGE (ADB)| 50502   | 12   | 34.5 | 9220 | O   | O / O             | L2
E1b  | idem                           | 50147   | 03   | 7.5  | 9220 | O   | O / O             | L2
E1c  | idem (non-employer)            | 50002   | NN   | 0    | 9220 | O   | O / O             | L2
E1d  | idem, closed (F)               | 50502   | 11   | -    |      |     |                   | -
E2   | CLUB SPORTIF DE LA VIRE        | 50502   | 01   | 1.5  | 9220 | O   | O / O             | L4
E3   | CLUB NAUTIQUE DE LA VIRE       | 50502   | 02   | 4    | 9220 | O   | O / O             |
E4   | COOPERATIVE LAITIERE DU MARAIS | 50002   | 21   | 74.5 | 6317 | O   | O / O             | L3
E5   | MUTUELLE SANTE CENTRE          | 50147   | 11   | 14.5 | 8210 | O   | O / O             | L5
E6   | GARAGE DUPONT                  | 50502   | 11   | 14.5 | 5710 | N   | O / O             |
E7   | (entrepreneur individuel)      | 50147   | 01   | 1.5  | 1000 | O   | O / O             |
E8   | INDIVISION MARTIN              | 50502   | 01   | 1.5  | 2110 | O   | O / O             |
E9   | [ND]                           | 50147   | 02   | 4    | 9220 | O   | P / P             |
E10  | ASSOCIATION DU LAVOIR          | 50002   | 01   | 1.5  | 9220 | O   | N / O             |
E11  | AMICALE DES ANCIENS            | 50502   | 01   | 1.5  | 9220 | O   | p / O             |
E12  | FONDATION DE L'ACCUEIL         | 50147   | 02   | 4    | 9300 | O   | O / P             |
E13  | LA POSTE                       | 50502   | 12   | 34.5 | 5599 | N   | O / O             | L7
E16  | ENTRAIDE SOLIDAIRE             | 50147   | 12   | 34.5 | 9220 | O   | O / O             |
E15  | ASSOCIATION DE LA DIGUE        | 50129   | 01   | 1.5  | 9220 | O   | O / O (outside)   |

ESS employer establishments of the territory: E1a E1b E2 E3 E4 E5 E7 E8 E9 E10 E11 E12 E16 =
13, estimated jobs 185.0; those of members: E1a E1b E2 E4 E5 = 5, jobs 132.5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ressol_analysis import ess, network, network_lists
from ressol_analysis.errors import RessolError
from ressol_analysis.network_matching import (
    FOUND,
    NOT_FOUND,
    REVIEW,
    match_members,
    normalise_name,
    resolve_communes,
)
from ressol_analysis.sources.sirene import SIRENE_COLUMNS


def check_digit(prefix: str) -> str:
    """Complete ``prefix`` with its Luhn check digit (to build valid test numbers)."""
    for digit in "0123456789":
        number = prefix + digit
        total = sum(
            (int(c) * 2 - 9 if int(c) > 4 else int(c) * 2) if i % 2 else int(c)
            for i, c in enumerate(reversed(number))
        )
        if total % 10 == 0:
            return number
    raise AssertionError(prefix)


def siren(n: int) -> str:
    return check_digit(f"{200000000 + n * 10}"[:8])


def siret(unit: str, nic: int) -> str:
    return check_digit(f"{unit}{nic:04d}")


# (id, unit number, denomination, sigle, commune, band, CJ, ESS, diffusion UL, étab, état)
ROWS = [
    ("E1a", 1, "AIDE A DOMICILE DU BOCAGE", "ADB", "50502", "12", "9220", "O", "O", "O", "A"),
    ("E1b", 1, "AIDE A DOMICILE DU BOCAGE", "ADB", "50147", "03", "9220", "O", "O", "O", "A"),
    ("E1c", 1, "AIDE A DOMICILE DU BOCAGE", "ADB", "50002", "NN", "9220", "O", "O", "O", "A"),
    ("E1d", 1, "AIDE A DOMICILE DU BOCAGE", "ADB", "50502", "11", "9220", "O", "O", "O", "F"),
    ("E2", 2, "CLUB SPORTIF DE LA VIRE", None, "50502", "01", "9220", "O", "O", "O", "A"),
    ("E3", 3, "CLUB NAUTIQUE DE LA VIRE", None, "50502", "02", "9220", "O", "O", "O", "A"),
    ("E4", 4, "COOPERATIVE LAITIERE DU MARAIS", None, "50002", "21", "6317", "O", "O", "O", "A"),
    ("E5", 5, "MUTUELLE SANTE CENTRE", None, "50147", "11", "8210", "O", "O", "O", "A"),
    ("E6", 6, "GARAGE DUPONT", None, "50502", "11", "5710", "N", "O", "O", "A"),
    ("E7", 7, None, None, "50147", "01", "1000", "O", "O", "O", "A"),
    ("E8", 8, "INDIVISION MARTIN", None, "50502", "01", "2110", "O", "O", "O", "A"),
    ("E9", 9, "[ND]", None, "50147", "02", "9220", "O", "P", "P", "A"),
    ("E10", 10, "ASSOCIATION DU LAVOIR", None, "50002", "01", "9220", "O", "N", "O", "A"),
    ("E11", 11, "AMICALE DES ANCIENS", None, "50502", "01", "9220", "O", "p", "O", "A"),
    ("E12", 12, "FONDATION DE L'ACCUEIL", None, "50147", "02", "9300", "O", "O", "P", "A"),
    ("E13", None, "LA POSTE", None, "50502", "12", "5599", "N", "O", "O", "A"),
    ("E15", 15, "ASSOCIATION DE LA DIGUE", None, "50129", "01", "9220", "O", "O", "O", "A"),
    ("E16", 16, "ENTRAIDE SOLIDAIRE", None, "50147", "12", "9220", "O", "O", "O", "A"),
]
LA_POSTE_SIRET = "35600000000010"  # digit sum 15: valid by La Poste's rule only
SIRETS = {}
for row in ROWS:
    if row[1] is None:
        SIRETS[row[0]] = LA_POSTE_SIRET
    else:
        SIRETS[row[0]] = siret(siren(row[1]), 10 + ROWS.index(row))


def make_establishments() -> pd.DataFrame:
    records = []
    for ident, _, name, sigle, commune, band, cj, flag, diff_ul, diff_et, state in ROWS:
        number = SIRETS[ident]
        record = dict.fromkeys(SIRENE_COLUMNS)
        record.update(
            siren=number[:9],
            siret=number,
            codeCommuneEtablissement=commune,
            CODGEO=commune,
            etatAdministratifEtablissement=state,
            trancheEffectifsEtablissement=band,
            activitePrincipaleEtablissement="88.10A",
            nomenclatureActivitePrincipaleEtablissement="NAFRev2",
            statutDiffusionEtablissement=diff_et,
            statutDiffusionUniteLegale=diff_ul,
            categorieJuridiqueUniteLegale=cj,
            economieSocialeSolidaireUniteLegale=flag,
            denominationUniteLegale=name,
            sigleUniteLegale=sigle,
        )
        records.append(record)
    return pd.DataFrame(records, columns=SIRENE_COLUMNS).astype("string")


MEMBERSHIP = pd.DataFrame(
    [("terr", "Territoire", "territoire", 0, c) for c in ("50502", "50002", "50147")]
    + [("epci-a", "EPCI A", "epci", 1, c) for c in ("50502", "50002")]
    + [("epci-b", "EPCI B", "epci", 2, "50147")]
    + [("dep-50", "Manche", "comparaison", 3, c) for c in ("50502", "50002", "50147", "50129")],
    columns=["territoire_code", "territoire", "niveau", "ordre", "CODGEO"],
).astype({"territoire_code": "string", "territoire": "string", "CODGEO": "string"})
COMMUNES = pd.DataFrame(
    {
        "CODGEO": ["50502", "50002", "50147"],
        "LIBELLE": ["Saint-Lô", "Agneaux", "Coutances"],
        "EPCI": ["200000001", "200000001", "200000002"],
        "EPCI_NOM": ["EPCI A", "EPCI A", "EPCI B"],
    },
    dtype="string",
)
PASSAGE = pd.DataFrame({"code_ancien": ["50119"], "code_actuel": ["50002"]}, dtype="string")


def make_members(rows: list[tuple], fichier: str = "adherents.csv") -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=["ligne", "nom", "siret", "siren", "commune"])
    table = table.astype({c: "string" for c in ("nom", "siret", "siren", "commune")})
    table.attrs["fichier"] = fichier
    return table


MEMBERS = [
    (2, "Aide à domicile du Bocage", None, siren(1), None),
    (3, "Coopérative laitière", SIRETS["E4"], None, "Saint-Lô"),  # commune ignored
    (4, "Club sportif de la Vire", None, None, "Saint-Lô"),  # 100 (CLUB NAUTIQUE: 76.6)
    (5, "Mutuelle santé du Centre", None, None, "50147"),  # 93.3
    (6, "Club de la Vire", None, None, "saint lo"),  # 79.0 and 76.9: to check
    (7, "La Poste", LA_POSTE_SIRET, None, None),
    (8, "Amicale des pêcheurs", None, None, "Saint-Lô"),  # best 44.4: not found
    (9, "Épicerie solidaire", None, None, "Cherbourg"),  # not a commune of the territory
    (10, "Unité d'ailleurs", None, siren(99), None),  # no establishment in the territory
]


@pytest.fixture(scope="module")
def territory() -> pd.DataFrame:
    classified = ess.classify(make_establishments())
    return ess.select_area(classified, MEMBERSHIP, "terr")


@pytest.fixture(scope="module")
def matches(territory) -> pd.DataFrame:
    return match_members(make_members(MEMBERS), territory, COMMUNES, PASSAGE, "Territoire")


@pytest.fixture(scope="module")
def flagged(territory, matches) -> pd.DataFrame:
    return network.flag_members(territory, matches)


def rows_of(matches: pd.DataFrame, line: int) -> pd.DataFrame:
    return matches[matches["ligne"] == line]


def test_normalised_names():
    assert normalise_name("Comité d'Aide & Soins – St-Lô") == "COMITE D AIDE ET SOINS SAINT LO"
    assert normalise_name("Œuvre") == "OEUVRE"
    assert normalise_name(pd.NA) == ""


def test_siret_rule(matches):
    found = rows_of(matches, 3)
    assert found[["statut", "regle", "siret", "score"]].values.tolist() == [
        [FOUND, "siret", SIRETS["E4"], 100.0]
    ]


def test_siren_rule_takes_every_active_establishment_of_the_territory(matches):
    found = rows_of(matches, 2)
    assert set(found["statut"]) == {FOUND}
    assert set(found["regle"]) == {"siren"}
    # E1d is closed: not among the active establishments.
    assert sorted(found["siret"]) == sorted([SIRETS["E1a"], SIRETS["E1b"], SIRETS["E1c"]])


def test_name_rule_exact_and_above_the_threshold(matches):
    club = rows_of(matches, 4)
    assert club[["statut", "siret", "score"]].values.tolist() == [[FOUND, SIRETS["E2"], 100.0]]
    mutual = rows_of(matches, 5)
    assert mutual[["statut", "siret", "score"]].values.tolist() == [[FOUND, SIRETS["E5"], 93.3]]


def test_uncertain_name_goes_to_review_and_is_not_counted(matches, flagged):
    review = rows_of(matches, 6)
    assert set(review["statut"]) == {REVIEW}
    assert review["siret"].tolist() == [SIRETS["E2"], SIRETS["E3"]]  # 79.0 then 76.9
    assert review["score"].tolist() == [78.9, 76.9]
    assert review["motif"].iloc[0].startswith("nom proche mais score 78,9 inférieur au seuil")
    assert not flagged.loc[flagged["siret"] == SIRETS["E3"], "adherent"].any()


def test_reasons_of_members_not_found(matches):
    expected = {
        8: "aucun nom proche dans la commune (meilleur score 44,4 sur 100)",
        9: "commune « Cherbourg » introuvable dans le territoire",
        10: "aucun établissement actif de ce SIREN dans le territoire",
    }
    for line, reason in expected.items():
        row = rows_of(matches, line)
        assert row["statut"].tolist() == [NOT_FOUND]
        assert row["motif"].iloc[0].startswith(reason), row["motif"].iloc[0]


def test_la_poste_siret_is_matched(matches):
    assert rows_of(matches, 7)["siret"].tolist() == [LA_POSTE_SIRET]


def test_commune_by_code_name_or_former_code():
    members = make_members(
        [
            (2, "A", None, None, "50002"),
            (3, "B", None, None, "AGNEAUX"),
            (4, "C", None, None, "50119"),  # merged into Agneaux
            (5, "D", None, None, "50000"),  # Saint-Lô's postcode
            (6, "E", None, None, None),
        ]
    )
    resolved = resolve_communes(members, COMMUNES, PASSAGE)
    assert resolved["CODGEO_fichier"].tolist()[:3] == ["50002", "50002", "50002"]
    assert resolved["CODGEO_fichier"].isna().tolist()[3:] == [True, True]
    assert "un code postal ?" in resolved.loc[3, "motif_commune"]
    assert resolved.loc[4, "motif_commune"] is pd.NA


def test_siret_outside_the_territory_is_refused(territory):
    members = make_members([(2, "Digue", SIRETS["E15"], None, None)], "mes_adherents.csv")
    with pytest.raises(
        RessolError,
        match=rf"(?s)mes_adherents\.csv.*ligne 2 : SIRET {SIRETS['E15']} \(Digue\).*hors du "
        "territoire",
    ):
        match_members(members, territory, COMMUNES, PASSAGE, "Territoire")


def test_two_lines_for_one_establishment_are_refused(territory):
    members = make_members(
        [(2, "ADB", None, siren(1), None), (5, "ADB Coutances", SIRETS["E1b"], None, None)]
    )
    with pytest.raises(RessolError, match=rf"même établissement : {SIRETS['E1b']} \(lignes 2, 5\)"):
        match_members(members, territory, COMMUNES)


def test_names_are_matched_only_to_listable_establishments(territory):
    members = make_members(
        [
            (2, "Indivision Martin", None, None, "Saint-Lô"),  # 21xx
            (3, "Amicale des anciens", None, None, "Saint-Lô"),  # diffusion « p »
            (4, "Fondation de l'accueil", None, None, "Coutances"),  # establishment P
        ]
    )
    matches = match_members(members, territory, COMMUNES)
    assert set(matches["statut"]) == {NOT_FOUND}
    assert matches["siret"].isna().all()


def pool_of(names: list[str], commune: str = "50502") -> pd.DataFrame:
    rows = []
    for i, name in enumerate(names):
        unit = siren(500 + i)
        rows.append(
            {
                "siren": unit,
                "siret": siret(unit, 10),
                "CODGEO": commune,
                "denominationUniteLegale": name,
                "statutDiffusionUniteLegale": "O",
                "statutDiffusionEtablissement": "O",
                "categorieJuridiqueUniteLegale": "9220",
            }
        )
    return pd.DataFrame(rows).astype("string")


@pytest.mark.parametrize(
    ("query", "names", "status", "score"),
    [
        # Indel similarity 1 - 2/20 = 90.0: at the threshold, accepted.
        ("ABCDEFGHIJ", ["ABCDEFGHIX"], FOUND, 90.0),
        # 1 - 2/18 = 88.9: just under, to check.
        ("ABCDEFGHI", ["ABCDEFGHX"], REVIEW, 88.9),
        # 1 - 8/20 = 60.0: the floor, to check.
        ("ABCDEFGHIJ", ["ABCDEFWXYZ"], REVIEW, 60.0),
        # 1 - 8/18 = 55.6: under the floor, not found.
        ("ABCDEFGHI", ["ABCDEWXYZ"], NOT_FOUND, np.nan),
        # 95 against 90: 5 points apart, accepted.
        ("ABCDEFGHIJKLMNOPQRST", ["ABCDEFGHIJKLMNOPQRSX", "ABCDEFGHIJKLMNOPQRXY"], FOUND, 95.0),
        # 40 letters: 97.5 against 95, 2.5 points apart: ambiguous, to check.
        ("ABCDEFGHIJ" * 4, ["ABCDEFGHIJ" * 3 + "ABCDEFGHIX", "ABCDEFGHIJ" * 3 + "ABCDEFGHXY"],
         REVIEW, 97.5),
        # Identical name (100) beside a 90: accepted.
        ("ABCDEFGHIJ", ["ABCDEFGHIJ", "ABCDEFGHIX"], FOUND, 100.0),
        # Two identical names: ambiguous.
        ("ABCDEFGHIJ", ["ABCDEFGHIJ", "abcdefghij"], REVIEW, 100.0),
    ],
)  # fmt: skip
def test_both_sides_of_each_threshold(query, names, status, score):
    members = make_members([(2, query, None, None, "50502")])
    matches = match_members(members, pool_of(names), COMMUNES)
    assert matches["statut"].iloc[0] == status
    if np.isnan(score):
        assert matches["score"].isna().all()
    else:
        assert matches["score"].iloc[0] == score
    if status == FOUND:
        assert len(matches) == 1


def test_listable_is_an_allow_list(territory):
    by_siret = territory.set_index("siret")
    allowed = ess.listable(territory).set_axis(territory["siret"])
    assert allowed[SIRETS["E16"]] and allowed[SIRETS["E3"]] and allowed[LA_POSTE_SIRET]
    for ident in ("E7", "E8", "E9", "E10", "E11", "E12"):  # 1000, 2110, P, N, p, étab P
        assert not allowed[SIRETS[ident]], ident
    assert by_siret.loc[SIRETS["E11"], "statutDiffusionUniteLegale"] == "p"


def wide(indicators: pd.DataFrame) -> pd.DataFrame:
    return indicators.pivot(index="indicateur", columns="territoire_code", values="valeur")


def test_indicators_computed_by_hand(flagged):
    table = network.network_indicators(flagged, MEMBERSHIP, "source", "millésime")
    values = wide(table)
    expected = {
        # territory: members L2 L3 L4 L5 L7; ESS employers of members E1a E1b E2 E4 E5
        ("reseau_adherents", "terr"): 5,
        ("reseau_ess_etablissements_employeurs_adherents", "terr"): 5,
        ("reseau_ess_effectif_salarie_estime", "terr"): 34.5 + 7.5 + 1.5 + 74.5 + 14.5,
        ("part_reseau_ess_etablissements_employeurs", "terr"): 100 * 5 / 13,
        ("part_reseau_ess_effectif_salarie_estime", "terr"): 100 * 132.5 / 185.0,
        ("reseau_adherents_hors_ess", "terr"): 1,  # La Poste
        ("reseau_adherents_associations", "terr"): 2,  # L2, L4
        ("reseau_adherents_cooperatives", "terr"): 1,
        ("reseau_adherents_mutuelles", "terr"): 1,
        ("reseau_adherents_fondations", "terr"): 0,
        ("reseau_adherents_autres", "terr"): 0,
        # associations: E1a E1b E2 E3 E9 E10 E11 E16 = 8 (89.0 jobs); members E1a E1b E2
        ("reseau_ess_etablissements_employeurs_adherents_associations", "terr"): 3,
        ("part_reseau_ess_etablissements_employeurs_associations", "terr"): 100 * 3 / 8,
        ("part_reseau_ess_effectif_salarie_estime_associations", "terr"): 100 * 43.5 / 89.0,
        ("part_reseau_ess_etablissements_employeurs_cooperatives", "terr"): 100.0,
        ("part_reseau_ess_etablissements_employeurs_fondations", "terr"): 0.0,
        ("part_reseau_ess_effectif_salarie_estime_autres", "terr"): 0.0,
        # EPCI A: ESS employers E1a E2 E3 E4 E8 E10 E11 (119.0); members E1a E2 E4 (110.5);
        # members with an establishment there: L2 (E1a, E1c), L3, L4, L7.
        ("reseau_adherents", "epci-a"): 4,
        ("reseau_adherents_hors_ess", "epci-a"): 1,
        ("part_reseau_ess_etablissements_employeurs", "epci-a"): 100 * 3 / 7,
        ("part_reseau_ess_effectif_salarie_estime", "epci-a"): 100 * 110.5 / 119.0,
        # EPCI B: E1b E5 E7 E9 E12 E16 (66.0); members E1b E5 (22.0): L2 and L5.
        ("reseau_adherents", "epci-b"): 2,
        ("part_reseau_ess_etablissements_employeurs", "epci-b"): 100 * 2 / 6,
        ("part_reseau_ess_effectif_salarie_estime", "epci-b"): 100 * 22.0 / 66.0,
    }
    for (key, area), value in expected.items():
        assert values.at[key, area] == pytest.approx(value), (key, area)
    # Families with no ESS employer of their own in an area have no share.
    assert np.isnan(values.at["part_reseau_ess_etablissements_employeurs_cooperatives", "epci-b"])


def test_indicator_contract_same_keys_everywhere(flagged):
    table = network.network_indicators(flagged, MEMBERSHIP, "source", "millésime")
    assert list(table.columns) == [
        "territoire_code", "territoire", "indicateur", "valeur", "unite", "source", "millesime",
        "synthetique",
    ]  # fmt: skip
    assert (table["synthetique"] == "non").all()
    demo = network.network_indicators(flagged, MEMBERSHIP, "source", "millésime", synthetic=True)
    # Every row of the demonstration is marked, the comparison areas' empty rows included.
    assert (demo["synthetique"] == "oui").all() and demo["valeur"].isna().sum() > 0
    keys = table.groupby("territoire_code")["indicateur"].apply(list)
    assert all(k == list(network.indicator_units()) for k in keys)
    assert len(keys) == 4
    assert table.loc[table["territoire_code"] == "dep-50", "valeur"].isna().all()
    assert table["territoire_code"].drop_duplicates().tolist() == [
        "terr",
        "epci-a",
        "epci-b",
        "dep-50",
    ]
    sums = wide(table)
    for area in ("terr", "epci-a", "epci-b"):
        by_family = sum(sums.at[f"reseau_adherents_{f}", area] for f in ess.FAMILIES)
        assert (
            by_family + sums.at["reseau_adherents_hors_ess", area]
            == sums.at["reseau_adherents", area]
        )


def test_coverage_by_family_and_area(flagged):
    families = network.coverage_by_family(flagged).set_index("famille")
    assert families.loc["associations", "ess_etablissements_employeurs"] == 8
    assert families.loc["associations", "reseau_ess_effectif_salarie_estime"] == 43.5
    assert families.loc["autres", "ess_etablissements_employeurs"] == 2  # E7, E8
    assert families.loc["ensemble", "ess_effectif_salarie_estime"] == 185.0
    assert families.loc["ensemble", "part_reseau_ess_etablissements_employeurs"] == pytest.approx(
        100 * 5 / 13
    )
    areas = network.coverage_by_area(flagged, MEMBERSHIP).set_index("territoire_code")
    assert areas.index.tolist() == ["terr", "epci-a", "epci-b"]
    assert areas.loc["epci-b", "territoire"] == "EPCI B"
    assert areas.loc["epci-a", "reseau_ess_effectif_salarie_estime"] == 110.5


def test_coverage_by_sector(flagged):
    naf = pd.DataFrame(
        {"sous_classe": ["88.10A"], "A21": ["Q"], "libelle_A21": ["Santé humaine"]},
        dtype="string",
    )
    table = network.coverage_by_sector(flagged, naf, "A21")
    assert table["A21"].tolist() == ["Q"]
    assert table.loc[0, "ess_etablissements_employeurs"] == 13
    assert table.loc[0, "reseau_ess_etablissements_employeurs_adherents"] == 5
    assert table.loc[0, "part_reseau_ess_effectif_salarie_estime"] == pytest.approx(
        100 * 132.5 / 185.0
    )


def test_coverage_by_commune_keeps_the_secrecy_of_the_ess_map():
    # G1: C1 (3 members of 10, 3 others of 5), C2 (3 members of 10, 1 other of 5), C3 (no
    # member, 2 others of 5), C6 (3 members of 20, 3 others of 5); G2: C4 (members 40, 2, 2).
    cells = {
        "C1": ([10, 10, 10], [5, 5, 5]),
        "C2": ([10, 10, 10], [5]),
        "C3": ([], [5, 5]),
        "C6": ([20, 20, 20], [5, 5, 5]),
        "C4": ([40, 2, 2], []),
    }
    rows = [
        {"CODGEO": c, "employeur": True, "ess": True, "effectif_central": float(v), "adherent": m}
        for c, (members, others) in cells.items()
        for m, values in ((True, members), (False, others))
        for v in values
    ]
    flagged = pd.DataFrame(rows).astype({"CODGEO": "string"})
    communes = pd.DataFrame(
        {"CODGEO": ["C1", "C2", "C3", "C6", "C4"], "groupe": ["G1", "G1", "G1", "G1", "G2"]},
        dtype="string",
    )
    table = network.coverage_by_commune(flagged, communes).set_index("CODGEO")
    # C2: its complement (1 establishment) is secret; G1 then has one secret cell, so the
    # smallest other cell with members (C1, 30) is masked too; C3 has no member (0, public);
    # C4: one member makes 91 % of its jobs.
    assert table["secret_reseau"].to_dict() == {
        "C1": True, "C2": True, "C3": False, "C6": False, "C4": True,
    }  # fmt: skip
    jobs = table["reseau_ess_effectif_salarie_estime"]
    assert jobs.isna().to_dict() == {"C1": True, "C2": True, "C3": False, "C6": False, "C4": True}
    assert jobs["C6"] == 60.0 and jobs["C3"] == 0.0
    assert table.at["C6", "part_reseau_ess_effectif_salarie_estime"] == pytest.approx(80.0)
    assert np.isnan(table.at["C3", "part_reseau_ess_effectif_salarie_estime"])  # ESS cell secret
    assert table["reseau_ess_etablissements_employeurs_adherents"].tolist() == [3, 3, 0, 3, 3]
    assert table.at["C2", "part_reseau_ess_etablissements_employeurs"] == 75.0


def test_non_members_list_names_only_listable_legal_persons_largest_first(flagged):
    naf = pd.DataFrame(
        {"sous_classe": ["88.10A"], "A21": ["Q"], "libelle_A21": ["Santé humaine"]},
        dtype="string",
    )
    listed = network_lists.non_member_employers(flagged, naf, COMMUNES)
    assert listed["siret"].tolist() == [SIRETS["E16"], SIRETS["E3"]]  # 34.5 then 4.0
    assert listed["effectif_salarie_estime"].tolist() == [34.5, 4.0]
    assert listed.loc[0, "commune"] == "Coutances" and listed.loc[0, "EPCI_NOM"] == "EPCI B"
    assert listed.loc[0, "famille"] == "associations" and listed.loc[0, "A21"] == "Q"
    assert listed.attrs["non_listes"] == 6  # E7 E8 E9 E10 E11 E12


def test_non_members_list_gives_the_address_when_the_stock_has_one(flagged):
    naf = pd.DataFrame(
        {"sous_classe": ["88.10A"], "A21": ["Q"], "libelle_A21": ["Santé humaine"]},
        dtype="string",
    )
    with_address = flagged.assign(
        numeroVoieEtablissement=pd.NA,
        indiceRepetitionEtablissement=pd.NA,
        typeVoieEtablissement=pd.NA,
        libelleVoieEtablissement=pd.NA,
        codePostalEtablissement=pd.NA,
    ).astype({"numeroVoieEtablissement": "string", "codePostalEtablissement": "string"})
    e16 = with_address["siret"] == SIRETS["E16"]
    with_address.loc[e16, "numeroVoieEtablissement"] = "12"
    with_address.loc[e16, "indiceRepetitionEtablissement"] = "B"
    with_address.loc[e16, "typeVoieEtablissement"] = "RUE"
    with_address.loc[e16, "libelleVoieEtablissement"] = " DES ECOLES "
    with_address.loc[e16, "codePostalEtablissement"] = "50200"
    listed = network_lists.non_member_employers(with_address, naf, COMMUNES)
    assert listed["siret"].tolist() == [SIRETS["E16"], SIRETS["E3"]]
    assert listed.loc[0, ["adresse", "code_postal"]].tolist() == ["12 B RUE DES ECOLES", "50200"]
    assert listed.loc[1, ["adresse", "code_postal"]].isna().all()  # the stock has none for E3
    # A stock without address columns at all (the demonstration extract): the columns are empty.
    bare = network_lists.non_member_employers(flagged, naf, COMMUNES)
    assert bare["adresse"].isna().all() and bare["code_postal"].isna().all()


def test_working_lists(matches, flagged, territory):
    review = network_lists.review_list(matches, territory, COMMUNES)
    assert review["ligne"].tolist() == [6, 6]
    assert review["nom_candidat"].tolist() == [
        "CLUB SPORTIF DE LA VIRE",
        "CLUB NAUTIQUE DE LA VIRE",
    ]
    assert review["commune_candidat"].tolist() == ["Saint-Lô", "Saint-Lô"]
    missing = network_lists.unmatched_list(matches)
    assert missing["ligne"].tolist() == [8, 9, 10]
    assert missing.loc[2, "siren"] == siren(99)
    found = network_lists.members_found(matches, flagged).set_index("ligne")
    assert found.index.tolist() == [2, 3, 4, 5, 7]
    assert found.at[2, "etablissements"] == 3
    assert found.at[2, "ess_etablissements_employeurs"] == 2  # E1c is not an employer
    assert found.at[7, "ess_etablissements_employeurs"] == 0
    assert found.at[5, "regle"] == "nom" and found.at[5, "score"] == 93.3
