"""« À retenir et à décider »: findings and questions worked out by hand on a tiny table."""

from __future__ import annotations

import pandas as pd
from support.facts import assert_states
from test_synthesis import page, plain, tidy_fixture

from ressol_analysis import synthesis_decide as sd
from ressol_analysis.labels import SYNTHETIC_MARK
from ressol_analysis.synthesis_text import check_table

CHAPTERS = {
    "01_demographie": ("Démographie", "01_demographie.html"),
    "03_ess": ("Économie sociale et solidaire", "03_ess.html"),
}


def table(synthetic: bool = False) -> pd.DataFrame:
    return check_table(tidy_fixture(synthetic=synthetic), "tc")


def test_findings_say_what_stands_out_and_complete_with_the_population():
    found = sd.findings(table(), "tc", "Terre du Centre")
    texts = [plain(p.text) for p in found]
    # ESS: 15,0 % against 12,0 and 11,0 (a point or more above both).
    assert_states(
        texts[0],
        "environ 15,0 % des emplois salariés de Terre du Centre",
        "plus que dans chacune de ses zones de comparaison",
        "Département : 12,0 %",
        "Région : 11,0 %",
    )
    # 75 and over: 12,0 % against 11,0 and 9,0 (exactly one point above the highest).
    assert_states(
        texts[1],
        "12,0 % des habitants ont 75 ans ou plus",
        "plus que dans chacune des zones de comparaison",
        "Département : 11,0 %",
        "Région : 9,0 %",
    )
    # Only two stand out: the population sentence completes the three.
    assert len(found) == 3 and texts[2].startswith("Terre du Centre compte 1 000 habitants")
    assert [p.chapter for p in found] == ["03_ess", "01_demographie", "01_demographie"]
    assert not any(p.synthetic for p in found)


def test_a_gap_under_one_point_is_not_a_finding():
    tidy = tidy_fixture(synthetic=False)
    tidy.loc[
        (tidy["territoire_code"] == "tc") & (tidy["indicateur"] == "part_75_ans_plus"), "valeur"
    ] = 11.9
    tidy.loc[
        (tidy["territoire_code"] == "tc") & (tidy["indicateur"] == "part_60_ans_plus"), "valeur"
    ] = 28.5
    found = sd.findings(check_table(tidy, "tc"), "tc", "Terre du Centre")
    assert not any("ans ou plus, plus que" in p.text for p in found)
    assert sd.question_care(check_table(tidy, "tc"), "tc", "Terre du Centre") is None


def test_findings_on_the_synthetic_extract_carry_the_mark():
    found = sd.findings(table(synthetic=True), "tc", "Terre du Centre")
    assert found[0].synthetic and found[0].sentence.startswith(SYNTHETIC_MARK)
    assert not found[1].synthetic and SYNTHETIC_MARK not in found[1].sentence


def test_where_the_ess_is_uses_unmasked_communes_only():
    tidy = tidy_fixture(synthetic=False)
    total = (
        tidy[tidy["territoire_code"] == "tc"]
        .iloc[[0]]
        .assign(indicateur="ess_effectif_salarie_estime", valeur=100.0, unite="emplois")
    )
    communes = pd.DataFrame(
        {
            "CODGEO": ["99001", "99002", "99003", "99004"],
            "LIBELLE": ["Bourg", "Village", "Hameau", "Lieu-dit"],
            "ess_effectif_salarie_estime": [50.0, 30.0, 20.0, 0.0],
            "secret_ess": [False, True, False, False],
        }
    )
    point = sd.where_ess(
        communes, check_table(pd.concat([tidy, total]), "tc"), "tc", "Terre du Centre"
    )
    # Village is masked: never named nor counted; Lieu-dit has no ESS job. 50 + 20 = 70 %.
    assert_states(
        point.text,
        "2 communes qui comptent le plus d'emplois salariés estimés dans l'ESS",
        "Bourg (50)",
        "Hameau (20)",
        "70 % des emplois de l'ESS de Terre du Centre",
    )
    assert "Village" not in point.text
    assert sd.where_ess(None, table(), "tc", "Terre du Centre") is None


def test_questions_follow_from_the_findings():
    asked = sd.questions(table(), "tc", "Terre du Centre")
    texts = [plain(p.text) for p in asked]
    assert texts[0].startswith("Avec 12,0 % d'habitants de 75 ans ou plus, les besoins d'aide")
    # CC Nord 14,0 % is a point below the territory's 15,0 %; CC Sud has 16,5 %.
    assert_states(
        texts[1],
        "14,0 % des emplois salariés dans CC Nord",
        "16,5 % dans CC Sud",
        "15,0 % pour Terre du Centre",
        "effort d'accompagnement de projets sur CC Nord ?",
    )
    assert len(asked) == 2  # the ESS weighs more than in the comparison areas: no ambition gap
    assert [p.chapter for p in asked] == ["01_demographie", "03_ess"]


def test_the_sector_question_picks_a_sector_of_weight_far_below_the_region():
    sectors = pd.DataFrame(
        {
            "territoire_code": ["tc"] * 3 + ["reg-99"] * 3,
            "territoire": ["Terre du Centre"] * 3 + ["Région (trois départements)"] * 3,
            "libelle": ["ENSEIGNEMENT", "COMMERCE", "PÊCHE"] * 2,
            "effectif_salarie_estime": [100.0, 1000.0, 10.0, 1.0, 1.0, 1.0],
            "part_ess_effectif_salarie_estime": [5.0, 2.0, 0.0, 20.0, 3.0, 50.0],
        }
    )
    point = sd.question_sector(sectors, "tc", "reg-99")
    # Enseignement: 100 / 1 110 = 9 % of jobs, 15 points below; commerce 1 point below only;
    # pêche 50 points below but 0,9 % of jobs.
    assert_states(
        point.text,
        "« Enseignement » (9 % des emplois salariés du territoire)",
        "l'ESS tient 5,0 % des emplois",
        "20,0 % en Région",
        "15 points d'écart",
        "accompagner des projets de l'ESS ?",
    )
    assert (
        sd.question_sector(sectors.assign(part_ess_effectif_salarie_estime=5.0), "tc", "reg-99")
        is None
    )


def test_decision_section_links_each_point_to_its_chapter():
    found = sd.findings(table(), "tc", "Terre du Centre")
    html = sd.decision_html(found, [], CHAPTERS, "<figure>carte</figure>")
    assert html.startswith('<section id="a-retenir"><h2>À retenir et à décider</h2>')
    assert html.count('href="03_ess.html">→ chapitre « Économie sociale et solidaire »') == 1
    assert html.count('href="01_demographie.html">→ chapitre « Démographie »') == 2
    assert "<figure>carte</figure>" in html
    assert "aucun écart marqué" in html  # no question: said, not left empty


def test_the_index_opens_with_the_decision_page():
    html = page()
    assert html.index('id="a-retenir"') < html.index('class="rapport"') < html.index('id="mots"')
    assert "Emplois salariés estimés" in html[html.index('id="mots"') :]
