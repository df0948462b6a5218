"""French text and display tables of the ESS chapter, on tiny tables worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from support.facts import assert_states

from ressol_analysis import ess_communes_text, ess_official_text, ess_text
from ressol_analysis.errors import RessolError
from ressol_analysis.formatting import NBSP
from ressol_analysis.labels import SYNTHETIC_MARK


def _wide() -> pd.DataFrame:
    # Territory T: 10 ESS employers out of 100 (10 %), 30 ESS jobs out of 200 (15 %).
    # EPCI A: 20 / 100 jobs (20 %); EPCI B: 10 / 100 (10 %). Region R: 12 %, 11 %.
    return pd.DataFrame(
        {
            "territoire_code": ["T", "epci-A", "epci-B", "reg-28"],
            "territoire": ["Terre", "CA Alpha", "CC Bêta", "Région"],
            "niveau": ["territoire", "epci", "epci", "comparaison"],
            "etablissements_employeurs": [100.0, 60.0, 40.0, 1000.0],
            "ess_etablissements_employeurs": [10.0, 7.0, 3.0, 120.0],
            "part_ess_etablissements_employeurs": [10.0, 7 / 60 * 100, 7.5, 12.0],
            "effectif_salarie_estime": [200.0, 100.0, 100.0, 2000.0],
            "ess_effectif_salarie_estime": [30.0, 20.0, 10.0, 220.0],
            "ess_effectif_salarie_estime_bas": [20.0, 13.0, 7.0, 150.0],
            "ess_effectif_salarie_estime_haut": [45.0, 25.0, 15.0, 3000.0],
            "part_ess_effectif_salarie_estime": [15.0, 20.0, 10.0, 11.0],
            # All employers 100 to 450 jobs: others 80 to 405. Share bounds: 20 / (20 + 405)
            # = 4,71 % and 45 / (45 + 80) = 36 %; all alike: 20 / 100 = 20 %, 45 / 450 = 10 %.
            "effectif_salarie_estime_bas": [100.0, 50.0, 50.0, 1000.0],
            "effectif_salarie_estime_haut": [450.0, 200.0, 200.0, 4000.0],
            "part_ess_effectif_salarie_estime_bas": [100 * 20 / 425, 10.0, 5.0, 8.0],
            "part_ess_effectif_salarie_estime_haut": [36.0, 30.0, 15.0, 20.0],
            "ess_etablissements_employeurs_perimetre_statistique": [9.0, 6.0, 3.0, 110.0],
            "part_ess_effectif_salarie_estime_perimetre_statistique": [14.0, 19.0, 9.0, 10.0],
        }
    )


def test_key_figures_table_formats_the_range():
    table = ess_text.key_figures_table(_wide())
    assert list(table["Zone"]) == ["Terre", "CA Alpha", "CC Bêta", "Région"]
    assert table.loc[0, "Fourchette ESS (basse à haute)"] == "20 à 45"
    assert table.loc[3, "Fourchette ESS (basse à haute)"] == f"150 à 3{NBSP}000"
    assert table.loc[0, "Part ESS (emplois)"] == 15.0
    assert table.loc[0, "Fourchette de la part ESS (emplois)"] == f"4,7 à 36,0{NBSP}%"


def test_key_figures_table_rejects_missing_key():
    with pytest.raises(RessolError, match="ess_effectif_salarie_estime_bas"):
        ess_text.key_figures_table(_wide().drop(columns="ess_effectif_salarie_estime_bas"))


def test_key_findings_compare_with_the_reference():
    findings = ess_text.key_findings(_wide(), "T", "reg-28")
    # 10 % vs 12 %: 2,0 points less; 15 % vs 11 %: 4,0 points more.
    assert "dont 10 relèvent de l'ESS, soit 10,0" in findings[0]
    assert f"2,0{NBSP}points de moins que la zone Région (12,0{NBSP}%)" in findings[0]
    assert f"4,0{NBSP}points de plus que la zone Région (11,0{NBSP}%)" in findings[1]
    assert "environ 30 salariés (entre 20 et 45" in findings[1]
    # Bounds computed in _wide(): 20 / 425 = 4,7 % to 45 / 125 = 36,0 %; all alike 10 % to 20 %.
    assert_states(
        findings[2],
        "tranches d'effectifs",
        "entre 4,7 % et 36,0 %",
        "l'ESS au bas de ses tranches et les autres employeurs au haut",
        "même place dans leur tranche",
        "entre 10,0 % et 20,0 %",
    )
    # 15 % of jobs > 10 % of establishments: ESS establishments are larger.
    assert "plus grands" in findings[3]
    assert findings[4].endswith(f"va de 10,0{NBSP}% (CC Bêta) à 20,0{NBSP}% (CA Alpha).")


def test_family_table_shares_and_total():
    wide = pd.DataFrame(
        {
            "territoire_code": ["T"],
            "ess_etablissements_employeurs": [10.0],
            "ess_effectif_salarie_estime": [40.0],
            "ess_etablissements_employeurs_associations": [6.0],
            "ess_effectif_salarie_estime_associations": [30.0],
            "ess_etablissements_employeurs_cooperatives": [2.0],
            "ess_effectif_salarie_estime_cooperatives": [6.0],
            "ess_etablissements_employeurs_mutuelles": [1.0],
            "ess_effectif_salarie_estime_mutuelles": [4.0],
            "ess_etablissements_employeurs_fondations": [0.0],
            "ess_effectif_salarie_estime_fondations": [0.0],
            "ess_etablissements_employeurs_organismes_non_lucratifs": [0.0],
            "ess_effectif_salarie_estime_organismes_non_lucratifs": [0.0],
            "ess_etablissements_employeurs_autres": [1.0],
            "ess_effectif_salarie_estime_autres": [0.0],
        }
    )
    expected = pd.DataFrame(
        {
            "Famille": [
                "Associations",
                "Coopératives",
                "Mutuelles",
                "Fondations",
                "Autres organismes privés à but non lucratif",
                "Autres entreprises de l'ESS",
                "Ensemble de l'ESS",
            ],
            "Établissements employeurs": [6.0, 2.0, 1.0, 0.0, 0.0, 1.0, 10.0],
            "Emplois salariés estimés": [30.0, 6.0, 4.0, 0.0, 0.0, 0.0, 40.0],
            "Part des emplois de l'ESS": [75.0, 15.0, 10.0, 0.0, 0.0, 0.0, 100.0],
        }
    )
    assert_frame_equal(ess_text.family_table(wide, "T"), expected)


def test_family_findings_rank_the_families():
    shares = pd.DataFrame(
        {
            "territoire_code": ["T"] * 6 + ["R"] * 6,
            "famille": [
                "associations",
                "cooperatives",
                "mutuelles",
                "fondations",
                "organismes_non_lucratifs",
                "autres",
            ]
            * 2,
            "part": [20.0, 60.0, 10.0, 5.0, 0.0, 5.0, 70.0, 20.0, 5.0, 3.0, 2.0, 0.0],
        }
    )
    first, second, third = ess_text.family_findings(shares, "T", "R", {"T": "Terre", "R": "Région"})
    assert first.startswith(f"Les coopératives portent 60,0{NBSP}% des emplois")
    assert f"devant les associations (20,0{NBSP}% ; Région : 70,0{NBSP}%)" in first
    assert_states(
        second,
        "ensuite",
        "mutuelles (10,0 %)",
        "fondations (5,0 %)",
        "autres entreprises de l'ESS (5,0 %)",
    )
    assert_states(third, "Aucun emploi estimé de l'ESS", "autres organismes privés à but non")


def _sectors() -> pd.DataFrame:
    # ESS jobs 60 + 30 + 10 = 100: shares of the ESS 60 %, 30 %, 10 %.
    return pd.DataFrame(
        {
            "A21": ["Q", "G", "R", "H"],
            "libelle": ["SANTÉ HUMAINE ET ACTION SOCIALE", "COMMERCE", "ARTS", "TRANSPORTS"],
            "etablissements_employeurs": [10, 20, 2, 5],
            "ess_etablissements_employeurs": [6, 2, 2, 0],
            "part_ess_etablissements_employeurs": [60.0, 10.0, 100.0, 0.0],
            "effectif_salarie_estime": [80.0, 300.0, 10.0, 50.0],
            "ess_effectif_salarie_estime": [60.0, 30.0, 10.0, 0.0],
            "part_ess_effectif_salarie_estime": [75.0, 10.0, 100.0, 0.0],
            "part_secteur_dans_ess": [60.0, 30.0, 10.0, 0.0],
        }
    )


def test_sector_findings():
    findings = ess_text.sector_findings(_sectors())
    assert findings[0].startswith("Le premier secteur de l'ESS est « santé humaine et action")
    assert f"60,0{NBSP}% de ses emplois estimés (60 emplois)" in findings[0]
    assert f"réunissent 100,0{NBSP}% de l'emploi estimé" in findings[1]
    # ESS share of the sector's jobs: arts 10 / 10 = 100 %, health 60 / 80 = 75 % (≥ 50 %);
    # commerce 10 % and transports 0 % are not named.
    assert_states(
        findings[2],
        "au moins 50 % de l'emploi estimé de ces secteurs",
        "« arts » (100 %)",
        "« santé humaine et action sociale » (75 %)",
    )
    assert "commerce" not in findings[2]


def test_sector_table_labels_in_sentence_case_with_code():
    table = ess_text.sector_table(_sectors(), "A21")
    assert list(table["Secteur"]) == [
        "Commerce (G)",
        "Transports (H)",
        "Santé humaine et action sociale (Q)",
        "Arts (R)",
    ]
    assert list(table["Emplois ESS"]) == [30.0, 0.0, 60.0, 10.0]


def test_band_findings():
    bands = pd.DataFrame(
        {
            "tranche": ["00", "01", "11", "12"],
            "etablissements_employeurs": [10.0, 30.0, 8.0, 2.0],
            "ess_etablissements_employeurs": [1.0, 3.0, 3.0, 1.0],
            "ess_effectif_salarie_estime": [0.0, 4.5, 43.5, 34.5],
        }
    )
    small, big = ess_text.band_findings(bands)
    # ESS: 4 of 8 under 10 (50 %); all: 40 of 50 (80 %); jobs 78 of 82,5 = 94,5 %.
    assert small.startswith(f"50,0{NBSP}% des établissements employeurs de l'ESS")
    assert f"(tous employeurs confondus : 80,0{NBSP}%)" in small
    assert f"94,5{NBSP}% de ses emplois estimés" in big


def test_itdd_key():
    assert ess_official_text.itdd_key("dep-50") == ("departement", "50")
    assert ess_official_text.itdd_key("reg-28") == ("region", "28")
    assert ess_official_text.itdd_key("epci-200066389") is None
    assert ess_official_text.itdd_key("basse-normandie") is None


def _itdd() -> pd.DataFrame:
    # Code 28 is both Normandie (region) and Eure-et-Loir (département).
    return pd.DataFrame(
        {
            "niveau": ["region", "departement", "departement"],
            "code": ["28", "28", "50"],
            "libelle": ["Normandie", "Eure-et-Loir", "Manche"],
            "part_ess_2014": [11.0, 9.0, 13.5],
            "part_ess_2008": [10.2, 8.5, 12.7],
        }
    )


def test_official_anchor_filters_on_level():
    wide = pd.DataFrame(
        {
            "territoire_code": ["T", "dep-50", "basse-normandie", "reg-28"],
            "territoire": ["Terre", "Manche", "Basse-Normandie", "Normandie"],
            "part_ess_effectif_salarie_estime": [15.0, 12.2, 13.0, 11.5],
        }
    )
    expected = pd.DataFrame(
        {
            "territoire_code": ["dep-50", "reg-28"],
            "territoire": ["Manche", "Normandie"],
            "part_ess_2008": [12.7, 10.2],
            "part_ess_2014": [13.5, 11.0],
            "part_ess_sirene": [12.2, 11.5],
            "ecart": [12.2 - 13.5, 0.5],
        }
    )
    assert_frame_equal(ess_official_text.official_anchor(_itdd(), wide), expected)


def test_official_anchor_unknown_area():
    wide = pd.DataFrame(
        {
            "territoire_code": ["dep-61"],
            "territoire": ["Orne"],
            "part_ess_effectif_salarie_estime": [1.0],
        }
    )
    with pytest.raises(RessolError, match="departement 61"):
        ess_official_text.official_anchor(_itdd(), wide)


def test_anchor_findings_warn_on_synthetic_data():
    anchor = pd.DataFrame(
        {
            "territoire": ["Manche"],
            "part_ess_2008": [12.7],
            "part_ess_2014": [13.5],
            "part_ess_sirene": [12.2],
            "ecart": [-1.3],
        }
    )
    real = ess_official_text.anchor_findings(anchor, synthetic=False)
    # 13,5 − 12,7 = 0,8 point more than in 2008; Sirene 12,2 is 1,3 point below 13,5.
    assert len(real) == 1
    assert_states(
        real[0],
        "Manche : l'Insee",
        "économie sociale de 13,5 % de l'emploi salarié en 2014",
        "12,7 % en 2008",
        "0,8 point de plus",
        "Sirene donne 12,2 %",
        "1,3 point au-dessous",
    )
    assert "ne prouve rien" in ess_official_text.anchor_findings(anchor, synthetic=True)[-1]


def test_anchor_differences_name_the_area_and_the_band():
    text = " ".join(ess_official_text.anchor_differences("Terre"))
    assert "Terre et ses intercommunalités" in text
    assert "« 20 à 49 salariés » vaut 34,5" in text


def test_commune_display_masks_and_appends_the_total():
    table = pd.DataFrame(
        {
            "CODGEO": ["50001", "50002"],
            "LIBELLE": ["Aville", "Bville"],
            "etablissements_employeurs": [12, 4],
            "effectif_salarie_estime": [1500.0, float("nan")],
            "ess_etablissements_employeurs": [5, 1],
            "ess_effectif_salarie_estime": [300.0, float("nan")],
            "part_ess_effectif_salarie_estime": [20.0, float("nan")],
            "secret_ess": [False, True],
            "secret_total": [False, True],
        }
    )
    total = pd.Series(
        {
            "territoire": "CC Test",
            "etablissements_employeurs": 16.0,
            "ess_etablissements_employeurs": 6.0,
            "effectif_salarie_estime": 1510.0,
            "ess_effectif_salarie_estime": 305.0,
            "part_ess_effectif_salarie_estime": 305 / 1510 * 100,
        }
    )
    expected = pd.DataFrame(
        {
            "Commune": ["Aville", "Bville", "Ensemble : CC Test"],
            "Établissements employeurs": ["12", "4", "16"],
            "dont ESS": ["5", "1", "6"],
            "Emplois estimés": [f"1{NBSP}500", "secret", f"1{NBSP}510"],
            "Emplois ESS": ["300", "secret", "305"],
            "Part ESS (emplois)": [f"20,0{NBSP}%", "secret", f"20,2{NBSP}%"],
        }
    )
    assert_frame_equal(ess_communes_text.commune_display(table, total), expected)


def test_rules_quote_the_secrecy_thresholds():
    secrecy = ess_text.rules()[-1]
    assert "moins de 3 établissements" in secrecy
    assert f"plus de 85{NBSP}%" in secrecy


def test_data_banner():
    synthetic = ess_text.data_banner(True, "centre-manche", "territoires/centre-manche.yaml", "x")
    assert SYNTHETIC_MARK in synthetic
    assert "ressol report --territory centre-manche --sirene DOSSIER" in synthetic
    assert "<code>sirene:</code>" in synthetic
    located = ess_text.data_banner(True, "t", "/home/consultante/projet/territoires/t.yaml", "x")
    assert "<code>territoires/t.yaml</code>" in located and "/home/consultante" not in located
    real = ess_text.data_banner(False, "centre-manche", "t.yaml", "Stock Sirene (a.parquet)")
    assert SYNTHETIC_MARK not in real and "Stock Sirene (a.parquet)" in real


def directory(listed: int, hidden: int) -> pd.DataFrame:
    table = pd.DataFrame({"siret": [f"{i:014d}" for i in range(listed)]})
    table.attrs["non_listes"] = hidden
    return table


def test_directory_note_counts_without_names_and_says_where_the_directory_is():
    note = ess_text.directory_note(directory(526, 1), "centre-manche", synthetic=False)
    assert "des 526 établissements employeurs" in note
    assert "1 employeur de l'ESS est compté" in note
    assert "`ressol annuaire --territory centre-manche`" in note
    assert "n'est pas joint à ce rapport" in note
    assert SYNTHETIC_MARK not in note
    assert "11 employeurs de l'ESS sont comptés" in ess_text.directory_note(
        directory(5, 11), "t", False
    )
    assert SYNTHETIC_MARK in ess_text.directory_note(directory(5, 0), "t", True)


def test_findings_on_the_demonstration_extract_carry_the_mark_in_each_sentence():
    from ressol_analysis.display import bullets

    shown = bullets(["Une phrase.", "Deux."], synthetic=True).data
    assert shown.splitlines() == [
        f"- {SYNTHETIC_MARK} (chiffres fictifs) — Une phrase.",
        f"- {SYNTHETIC_MARK} (chiffres fictifs) — Deux.",
    ]
    assert bullets(["Une phrase."]).data == "- Une phrase."
    anchor = pd.DataFrame(
        {
            "territoire": ["Manche"],
            "part_ess_2008": [13.0],
            "part_ess_2014": [13.5],
            "part_ess_sirene": [12.9],
            "ecart": [-0.6],
        }
    )
    demo = ess_official_text.anchor_findings(anchor, synthetic=True)[0]
    assert "l'estimation tirée de l'extrait Sirene de démonstration (chiffres fictifs)" in demo
    assert "démonstration" not in ess_official_text.anchor_findings(anchor, synthetic=False)[0]


def test_long_sector_tables_keep_the_top_and_sum_the_others():
    full = ess_text.sector_table(_sectors(), "A21")
    top = ess_text.top_sectors(full, count=2)
    # By ESS jobs: santé (60), commerce (30); arts (10) and transports (0) summed.
    assert list(top["Secteur"]) == [
        "Santé humaine et action sociale (Q)",
        "Commerce (G)",
        "Autres secteurs (2)",
    ]
    other = top.iloc[-1]
    assert other["Établissements employeurs"] == 7 and other["dont ESS"] == 2
    assert other["Emplois estimés"] == 60.0 and other["Emplois ESS"] == 10.0
    assert other["Part ESS (emplois)"] == pytest.approx(100 * 10 / 60)
    assert other["Part du secteur dans l'ESS"] == pytest.approx(10.0)
    assert ess_text.top_sectors(full, count=3) is full  # one row left: nothing to sum
    html = ess_text.sector_html(pd.concat([_sectors()] * 3, ignore_index=True), "A21", "T", "S", "")
    assert "les 10 secteurs qui comptent le plus d&#x27;emplois de l&#x27;ESS" in html
    assert "Le tableau complet (12 secteurs) est dans le fichier ess_par_secteur.csv" in html
