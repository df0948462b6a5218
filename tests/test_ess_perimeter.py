"""The ESS perimeters side by side and the range of the job share, worked out by hand.

On the SIRENE fixture of ``test_ess`` (its docstring lists the establishments), and on tiny
hand-built tables for the statistical perimeter's families and exclusions.
"""

from __future__ import annotations

import pandas as pd
import pytest
from support.facts import assert_states
from test_sirene import make_membership

from ressol_analysis import ess, ess_perimeter, ess_perimeter_text
from ressol_analysis.formatting import NBSP


@pytest.fixture(scope="module")
def classified() -> pd.DataFrame:
    from test_ess import FIXTURE, make_passage, read_sirene

    return ess.classify(read_sirene(FIXTURE, make_membership(), make_passage()))


def values(classified: pd.DataFrame) -> pd.Series:
    rows = ess_perimeter.complementary_indicators(classified, make_membership(), "src", "2026")
    return rows[rows["territoire_code"] == "centre-manche"].set_index("indicateur")["valeur"]


def test_share_range_puts_the_ess_and_the_others_at_opposite_ends_of_their_bands(classified):
    centre = values(classified)
    # Low ends of the 17 employers' bands: 20+1+6+10+250+3+3+50+1+0+10+1+3+0+20+1+1 = 380;
    # high ends: 49+2+9+19+499+5+5+99+2+0+19+2+5+0+49+2+2 = 768.
    assert centre["effectif_salarie_estime_bas"] == 380
    assert centre["effectif_salarie_estime_haut"] == 768
    # ESS low 100, high 201 (test_ess): others 280 to 567.
    assert centre["part_ess_effectif_salarie_estime_bas"] == pytest.approx(100 * 100 / 667)
    assert centre["part_ess_effectif_salarie_estime_haut"] == pytest.approx(100 * 201 / 481)


def test_statistical_perimeter_whatever_the_run_perimeter(classified):
    centre = values(classified)  # a run on the law's perimeter
    # Families by legal form minus CJ 1000 (…22), the SAS (…25) and the religious
    # association (NAF 94.91Z, …33): 10 of 17 employers, 146 of 574 jobs.
    assert centre["ess_etablissements_employeurs_perimetre_statistique"] == 10
    assert centre["ess_effectif_salarie_estime_perimetre_statistique"] == 146
    assert centre["part_ess_etablissements_employeurs_perimetre_statistique"] == pytest.approx(
        100 * 10 / 17
    )
    assert centre["part_ess_effectif_salarie_estime_perimetre_statistique"] == pytest.approx(
        100 * 146 / 574
    )
    rows = ess_perimeter.complementary_indicators(
        classified, make_membership(), "src", "2026", synthetic=True
    )
    assert list(dict.fromkeys(rows["indicateur"])) == list(ess_perimeter.complementary_units())
    assert set(rows["synthetique"]) == {"oui"}


def units(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Active employers (band 01) with a catégorie juridique, an ESS flag and an activity."""
    return pd.DataFrame(
        {
            "etatAdministratifEtablissement": "A",
            "trancheEffectifsEtablissement": "01",
            "categorieJuridiqueUniteLegale": [r[0] for r in rows],
            "economieSocialeSolidaireUniteLegale": [r[1] for r in rows],
            "activitePrincipaleEtablissement": [r[2] for r in rows],
        }
    )


def test_statistical_perimeter_has_insee_s_fifth_family_and_only_the_documented_exclusions():
    table = units(
        [
            ("8310", None, "94.99Z"),  # CSE: other private non-profit body, no flag -> in
            ("9223", "N", "78.30Z"),  # groupement d'employeurs -> in
            ("9900", None, "88.99B"),  # other private legal person -> in
            ("9970", None, "86.10Z"),  # private GCS (non-profit by law) -> in
            ("9220", "O", "94.12Z"),  # association of professionals: not excluded -> in
            ("9220", "O", "94.20Z"),  # trade union in association form -> out (activity)
            ("9220", "O", "84.11Z"),  # public administration activity -> out
            ("5710", "O", "88.10A"),  # commercial ESS company -> out (law's perimeter only)
            ("8410", None, "94.20Z"),  # syndicat de salariés: not a family -> out
        ]
    )
    stat = ess.classify(table, perimeter="statistique")
    assert stat["ess"].tolist() == [True] * 5 + [False] * 4
    assert stat["famille"].tolist()[:4] == ["organismes_non_lucratifs"] * 4
    law = ess.classify(table)
    assert law["ess"].tolist() == [False, False, False, False, True, True, True, True, False]


def test_flag_against_legal_form_by_hand():
    table = ess.classify(
        units(
            [
                ("9220", "O", "88.10A"),
                ("9220", None, "88.10A"),  # association without the flag
                ("9220", "N", "93.12Z"),  # association flagged N
                ("6317", None, "01.61Z"),  # cooperative without the flag
                ("8310", None, "94.99Z"),  # CSE without the flag
                ("5710", "O", "88.10A"),  # commercial ESS company
                ("5499", "N", "47.11B"),  # ordinary company
            ]
        )
    )
    flags = ess_perimeter.flag_by_family(table).set_index("famille")
    assert flags.loc["associations", ["avec_indicateur_ess", "sans_indicateur_ess"]].tolist() == [
        1,
        2,
    ]
    assert flags.loc["cooperatives", "sans_indicateur_ess"] == 1
    assert flags.loc["organismes_non_lucratifs", "sans_indicateur_ess"] == 1
    assert flags.loc["autres", ["etablissements_employeurs", "avec_indicateur_ess"]].tolist() == [
        2,
        1,
    ]
    assert flags.loc["associations", "effectif_sans_indicateur_ess"] == 3.0  # 2 × 1,5
    wide = pd.DataFrame(
        {"territoire_code": ["t"], "ess_etablissements_employeurs_perimetre_statistique": [5.0]}
    )
    first, second, third = ess_perimeter_text.flag_findings(flags.reset_index(), wide, "t")
    assert_states(
        first,
        "4 établissement(s) employeur(s)",
        "n'ont pas l'indicateur ESS",
        "2 associations",
        "1 coopératives",
        "1 autres organismes à but non lucratif",
        "6 emplois estimés",
    )
    assert_states(second, "À l'inverse", "1 établissement(s) déclaré(s) ESS", "autre forme")
    # 2 flagged units (association, SAS) by the flag; 5 by the statistical perimeter.
    assert_states(
        third,
        "2 établissements employeurs",
        "indicateur de Sirene",
        "5 selon le périmètre statistique",
    )
    table = ess_perimeter_text.flag_table(flags.reset_index())
    assert table.iloc[-1].tolist() == ["Ensemble des employeurs", 7, 2, 5, 10.5 - 3.0]
    html = ess_perimeter_text.flag_html(flags.reset_index(), "Terre", "Source", "")
    assert "Autres organismes privés à but non lucratif" in html and f"7{NBSP}" not in html
