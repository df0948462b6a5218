"""French findings of the economy chapter, on hand-built tables with hand-written answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from support.facts import assert_states

from ressol_analysis import economy_text as et
from ressol_analysis import sectors_text as st
from ressol_analysis.errors import RessolError

S = "\u00a0"  # no-break space of the French number format


def jobs_wide(region_change: float = 3.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "territoire_code": ["t", "e1", "e2", "dep", "reg"],
            "territoire": ["Bocage", "CC Nord", "CC Sud", "Manche", "Normandie"],
            "niveau": ["territoire", "epci", "epci", "comparaison", "comparaison"],
            "emplois_au_lieu_de_travail": [12_344.0, 8_000.0, 4_344.0, 200_000.0, 1e6],
            "emplois_salaries_au_lieu_de_travail": [10_000.0, 7_000.0, 3_000.0, 170_000.0, 9e5],
            "evolution_emplois_2016_2022": [2.04, 4.0, -1.26, 3.9, region_change],
            "taux_de_chomage_15_64_ans": [8.7, 8.0, 9.0, 8.7, 11.4],
        }
    )


_NO_GAP = pd.DataFrame({"CODGEO": ["00001"], "emplois_precedent": [1.0]})


def test_jobs_findings():
    findings = et.jobs_findings(jobs_wide(), "t", "dep", "reg")
    # 10 000 / 12 344 = 81,0 % ; 170 / 200 = 85 %
    assert_states(
        findings[0],
        "Bocage compte 12 344 emplois au lieu de travail en 2022",
        "81 % d'emplois salariés",
        "Manche : 85 %",
    )
    # The sentence rounds the jobs as the table does (to the unit), never to the ten.
    table = et.jobs_table(
        jobs_wide(), {"rp": 2022, "rp_precedent": 2016}, lambda _: "Insee", _NO_GAP, {}
    )
    assert f"12{S}344" in table
    # Changes as given, to one decimal: +2,04 → +2,0 ; −1,26 → −1,3 (lowest EPCI, CC Sud).
    assert_states(
        findings[1],
        "Entre 2016 et 2022",
        "évolué de +2,0 % sur la période",
        "Manche : +3,9 %",
        "Normandie : +3,0 %",
    )
    assert_states(
        findings[2],
        "diffère selon les intercommunalités",
        "−1,3 % pour CC Sud",
        "+4,0 % pour CC Nord",
    )
    assert findings[3].endswith(f": 2,7{S}points de moins que la moyenne régionale.")


def test_jobs_findings_say_why_a_change_is_not_available():
    findings = et.jobs_findings(jobs_wide(np.nan), "t", "dep", "reg")
    assert "Normandie : n.d.)" in findings[1]
    assert "l'évolution de la Normandie n'est pas disponible" in findings[1]


def test_findings_name_an_unknown_area():
    with pytest.raises(RessolError, match="Zone\\(s\\) xx absente"):
        et.jobs_findings(jobs_wide(), "xx", "dep", "reg")


def test_evolution_note_explains_restored_communes_and_missing_areas():
    communes = pd.DataFrame(
        {
            "CODGEO": ["14666", "14712", "50999"],
            "emplois_precedent": [np.nan, 300.0, np.nan],
            "emplois_precedent_INCLUS_DANS": ["14712", None, None],
        }
    )
    names = {"14666": "Sannerville", "14712": "Troarn", "50999": "Ailleurs"}
    note = et.evolution_note(communes, names, jobs_wide(np.nan))
    assert_states(
        note,
        "période 2016-2022, pas par an",
        # Sannerville, restored: its 2016 jobs are inside Troarn's.
        "Sannerville (14666)",
        "rétablie après 2016",
        "comptés dans ceux de Troarn (14712)",
        # Ailleurs has no figure at all.
        "Ailleurs (50999) n'a pas de chiffre d'emploi en 2016",
        # The region's change (NaN) is not available, and the note says why.
        "n.d. : non disponible pour Normandie",
        "n'est pas calculée",
    )
    assert "Troarn (14712) n'a pas" not in note  # Troarn has its figure (300)


def test_evolution_note_without_gap_states_the_period_only():
    communes = pd.DataFrame({"CODGEO": ["1"], "emplois_precedent": [5.0]})
    note = et.evolution_note(communes, {}, jobs_wide())
    assert note == "Évolution sur l'ensemble de la période 2016-2022, pas par an."


def establishments_wide() -> pd.DataFrame:
    # Gaps with the region: agriculture +10, industrie 0, construction −1, commerce −8, admin −1.
    return pd.DataFrame(
        {
            "territoire_code": ["t", "e1", "e2", "reg"],
            "territoire": ["Bocage", "CC Nord", "CC Sud", "Normandie"],
            "niveau": ["territoire", "epci", "epci", "comparaison"],
            "etablissements_employeurs_flores": [1_234.0, 800.0, 434.0, 100_000.0],
            "part_etablissements_agriculture": [18.0, 12.0, 25.0, 8.0],
            "part_etablissements_industrie": [7.0, 7.0, 7.0, 7.0],
            "part_etablissements_construction": [9.0, 10.0, 8.0, 10.0],
            "part_etablissements_commerce_transports_services": [52.0, 56.0, 48.0, 60.0],
            "part_etablissements_administration_enseignement_sante_action_sociale": [
                14.0,
                15.0,
                12.0,
                15.0,
            ],
        }
    )


def test_establishment_findings_name_the_largest_gaps():
    findings = et.establishment_findings(establishments_wide(), "t", "reg")
    assert len(findings) == 3
    # The largest gap is agriculture, +10 points (18 against 8); the sentence says it is.
    assert_states(
        findings[0],
        "1 234 établissements employeurs",
        "sans salarié n'en font pas partie",
        "L'agriculture, la sylviculture et la pêche",
        "18,0 % des établissements employeurs",
        "contre 8,0 % en Normandie",
        "10,0 points de plus",
        "l'écart le plus marqué",
    )
    # The largest gap below the region: commerce, −8 points (52 against 60).
    assert_states(
        findings[1], "le commerce, les transports", "moins présent", "52,0 % contre 60,0 %"
    )
    # Agriculture's share is highest in CC Sud (25 against 12 in CC Nord).
    assert_states(findings[2], "agricoles", "culmine dans CC Sud", "25,0 %")


def test_specialisation_findings():
    quotients = pd.DataFrame(
        {
            "territoire_code": ["t"] * 4,
            "libelle": ["Agriculture", "Industries alimentaires", "Santé", "Immobilier"],
            "part_emplois": [10.0, 3.0, 2.0, 4.0],
            "part_reference": [5.0, 2.0, 4.0, 5.0],
            "quotient_localisation": [2.0, 1.5, 0.5, 0.8],
        }
    )
    index = pd.DataFrame(
        {
            "territoire_code": ["t", "e1", "e2"],
            "territoire": ["Bocage", "CC Nord", "CC Sud"],
            "niveau": ["territoire", "epci", "epci"],
            "indice_specialisation_krugman": [10.3, 9.0, 23.8],
        }
    )
    findings = st.specialisation_findings(quotients, index, "t", "Normandie", count=1)
    assert len(findings) == 3
    # Highest quotient 2.00 (10 % of jobs against 5 %), lowest 0.50 (2 % against 4 %); one each.
    assert_states(findings[0], "surreprésentés", "Agriculture (quotient 2,00", "10,0 %", "5,0 %")
    assert_states(findings[1], "sous-représentés", "Santé (quotient 0,50", "2,0 %", "4,0 %")
    assert "Industries alimentaires" not in " ".join(findings[:2])  # count=1
    # Krugman index 10.3 %: about 10 jobs in 100 would change sector; CC Sud has the highest.
    assert_states(
        findings[2],
        "Bocage vaut 10,3 %",
        "10 emplois salariés sur 100",
        "celle de la Normandie",
        "la plus spécialisée est CC Sud (23,8 %)",
    )


def test_sphere_findings():
    wide = pd.DataFrame(
        {
            "territoire_code": ["t", "e1", "e2", "reg"],
            "territoire": ["Bocage", "CC Nord", "CC Sud", "Normandie"],
            "niveau": ["territoire", "epci", "epci", "comparaison"],
            "part_emplois_sphere_presentielle": [60.0, 65.0, 52.5, 64.0],
        }
    )
    findings = st.sphere_findings(wide, "t", "reg")
    assert f"rassemble 60,0{S}% des emplois salariés estimés de Bocage" in findings[0]
    assert f"contre 64,0{S}% en Normandie (4,0{S}points de moins)" in findings[0]
    assert findings[0].endswith(f"en rassemble 40,0{S}%.")
    # Productive share = 100 − presential: CC Sud 100 − 52,5 = 47,5 %, the highest.
    assert_states(
        findings[1],
        "productive pèse le plus dans CC Sud (47,5 % des emplois salariés)",
        "présentielle domine dans CC Nord (65,0 %)",
    )


def test_agrifood_findings():
    wide = pd.DataFrame(
        {
            "territoire_code": ["t", "reg"],
            "territoire": ["Bocage", "Normandie"],
            "emplois_filiere_agricole": [6_779.0, 90_000.0],
            "part_emplois_agriculture": [9.8, 4.9],
            "part_emplois_industries_agroalimentaires": [2.1, 2.1],
            "part_emplois_commerce_gros_agricole": [0.8, 0.3],
            "part_emplois_filiere_agricole": [15.0, 7.5],
            "part_emplois_cooperatives_agricoles": [1.4, 0.7],
            "part_ess_emplois_filiere_agricole": [12.9, 11.5],
        }
    )
    findings = st.agrifood_findings(wide, "t", "reg")
    assert f"environ 6{S}779 emplois salariés, soit 15,0{S}%" in findings[0]
    assert findings[0].endswith(f"contre 7,5{S}% en Normandie (2,0 fois plus).")
    assert_states(
        findings[2],
        "coopératives agricoles et CUMA emploient 1,4 % des salariés du territoire",
        "12,9 % des emplois salariés de la filière relèvent de l'ESS",
        "Normandie : 11,5 %",
    )


def test_income_findings_give_the_range_and_the_secret_count_never_an_average():
    income = pd.DataFrame(
        {
            "CODGEO": ["1", "2", "3", "4"],
            "revenu_median": [21_000.0, 24_500.0, np.nan, np.nan],
            "revenu_median_affiche": ["21 000 €", "24 500 €", "secret", "non disponible"],
            "taux_pauvrete": [np.nan, np.nan, np.nan, np.nan],
            "taux_pauvrete_affiche": ["secret", "secret", "secret", "non disponible"],
        }
    )
    names = {"1": "Saint-Lô", "2": "Agneaux"}
    median, poverty = et.income_findings(income, names)
    assert_states(
        median,
        "revenu médian",
        "publié pour 2 communes sur 4",
        "1 commune sur 4 soumise au secret statistique, 1 sans donnée",
        "21 000 € (Saint-Lô)",
        "24 500 € (Agneaux)",
    )
    assert "moyenne" not in median
    assert_states(
        poverty,
        "taux de pauvreté",
        "publié pour aucune commune",
        "3 communes sur 4 soumises au secret statistique, 1 sans donnée",
    )
