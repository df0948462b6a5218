"""indicateurs.xlsx and the shared sheet layout, read back cell by cell with openpyxl."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.indicator_labels import indicator_label, unlabelled
from ressol_analysis.labels import SYNTHETIC_MARK
from ressol_analysis.workbook import (
    KEY_FIGURES_SHEET,
    PERCENT,
    WHOLE,
    key_figures,
    unit_format,
    write_indicators_xlsx,
    write_table,
)

INSEE = "Insee, RP 2022"
SIRENE = "Données synthétiques de démonstration — Sirene"


def tidy() -> pd.DataFrame:
    """Three zones (territory, one EPCI, one département) and three keys, as in the contract."""
    rows = [
        ("tc", "Terre du Centre", "population", 12345.0, "habitants", INSEE, "RP 2022", "non"),
        (
            "tc",
            "Terre du Centre",
            "part_ess_effectif_salarie_estime",
            12.3456,
            "%",
            SIRENE,
            "Sirene 2026",
            "oui",
        ),
        ("tc", "Terre du Centre", "population_2016", 12000.0, "habitants", INSEE, "RP 2016", "non"),
        ("epci-200000001", "CC Une", "population", 2345.0, "habitants", INSEE, "RP 2022", "non"),
        (
            "epci-200000001",
            "CC Une",
            "part_ess_effectif_salarie_estime",
            float("nan"),
            "%",
            SIRENE,
            "Sirene 2026",
            "oui",
        ),
        (
            "epci-200000001",
            "CC Une",
            "population_2016",
            2300.0,
            "habitants",
            INSEE,
            "RP 2016",
            "non",
        ),
        ("dep-01", "Ain", "population", 660000.0, "habitants", INSEE, "RP 2022", "non"),
        (
            "dep-01",
            "Ain",
            "part_ess_effectif_salarie_estime",
            10.5,
            "%",
            SIRENE,
            "Sirene 2026",
            "oui",
        ),
        ("dep-01", "Ain", "population_2016", 640000.0, "habitants", INSEE, "RP 2016", "non"),
    ]
    columns = [
        "territoire_code",
        "territoire",
        "indicateur",
        "valeur",
        "unite",
        "source",
        "millesime",
        "synthetique",
    ]
    return pd.DataFrame(rows, columns=columns)


def test_labels_cover_every_key_of_the_golden_file_and_fill_years_and_families(root):
    golden = pd.read_csv(root / "tests/golden/indicateurs_centre-manche.csv", dtype=str)
    assert unlabelled(golden["indicateur"]) == []
    assert indicator_label("population_2016") == "Population municipale en 2016"
    assert indicator_label("taux_evolution_annuel_2017_2023") == (
        "Évolution annuelle moyenne de la population, 2017-2023"
    )
    assert indicator_label("ess_effectif_salarie_estime_organismes_non_lucratifs") == (
        "Emplois salariés estimés de l'ESS : autres organismes privés à but non lucratif"
    )
    assert indicator_label("ess_effectif_salarie_estime_bas") == (
        "Emplois salariés estimés de l'ESS, bas des tranches"
    )
    assert indicator_label("part_reseau_ess_effectif_salarie_estime_mutuelles") == (
        "Part des adhérents dans les emplois salariés estimés de l'ESS : mutuelles"
    )
    assert indicator_label("cle_inconnue") is None
    assert unlabelled(["population", "cle_inconnue"]) == ["cle_inconnue"]


def test_key_figures_is_one_row_per_indicator_and_one_column_per_zone_in_order():
    wide = key_figures(tidy())
    assert list(wide.columns) == [
        "Indicateur",
        "Unité",
        "Terre du Centre",
        "CC Une",
        "Ain",
        "Millésime",
        "Source",
        "Avertissement",
        "Clé",
    ]
    assert list(wide["Clé"]) == [
        "population",
        "part_ess_effectif_salarie_estime",
        "population_2016",
    ]
    assert wide.loc[0, "Indicateur"] == "Population municipale"
    assert wide.loc[1, "Terre du Centre"] == 12.3456
    assert pd.isna(wide.loc[1, "CC Une"])
    assert wide.loc[2, "Ain"] == 640000.0
    assert list(wide["Avertissement"]) == ["", SYNTHETIC_MARK, ""]
    assert list(wide["Millésime"]) == ["RP 2022", "Sirene 2026", "RP 2016"]


def test_key_figures_without_synthetic_rows_has_no_warning_column_and_keeps_twin_names():
    table = tidy().query("synthetique == 'non'").copy()
    table.loc[table["territoire_code"] == "dep-01", "territoire"] = "CC Une"
    wide = key_figures(table)
    assert "Avertissement" not in wide.columns
    assert list(wide.columns[3:5]) == ["CC Une (epci-200000001)", "CC Une (dep-01)"]


def test_indicateurs_xlsx_reads_back_with_numbers_formats_panes_and_filters(tmp_path):
    path = write_indicators_xlsx(tidy(), tmp_path / "indicateurs.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [KEY_FIGURES_SHEET, "indicateurs"]
    sheet = book[KEY_FIGURES_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Indicateur", "Unité", "Terre du Centre", "CC Une", "Ain")
    assert rows[1][:5] == ("Population municipale", "habitants", 12345, 2345, 660000)
    assert isinstance(sheet["C2"].value, int | float)
    assert sheet["C2"].number_format == WHOLE == "#,##0"
    assert sheet["C3"].value == pytest.approx(12.3456)
    assert sheet["C3"].number_format == PERCENT == '0.0" %"'
    assert sheet["D3"].value is None
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == "A1:I4"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width >= 40
    long = book["indicateurs"]
    header = [c.value for c in long[1]]
    assert header == [
        "territoire_code",
        "territoire",
        "indicateur",
        "libelle",
        "valeur",
        "unite",
        "source",
        "millesime",
        "synthetique",
    ]
    assert [c.value for c in long[2]][:5] == [
        "tc",
        "Terre du Centre",
        "population",
        "Population municipale",
        12345,
    ]
    assert long["A2"].number_format == "@"
    assert long["E6"].value is None  # the EPCI's missing share stays empty, not zero
    assert long.freeze_panes == "A2" and long.auto_filter.ref == "A1:I10"
    assert not list(tmp_path.glob(".indicateurs.xlsx.*"))


def test_codes_stay_text_with_their_leading_zero(tmp_path):
    table = tidy().assign(territoire_code=lambda t: t["territoire_code"].replace("dep-01", "01001"))
    book = openpyxl.load_workbook(write_indicators_xlsx(table, tmp_path / "i.xlsx"))
    codes = {row[0] for row in book["indicateurs"].iter_rows(min_row=2, values_only=True)}
    assert "01001" in codes


def test_write_indicators_xlsx_refuses_a_missing_folder(tmp_path):
    with pytest.raises(RessolError, match="n'existe pas"):
        write_indicators_xlsx(tidy(), tmp_path / "absent" / "indicateurs.xlsx")


def test_unit_formats():
    assert unit_format("habitants") == WHOLE
    assert unit_format("emplois salariés (estimation par tranche)") == WHOLE
    assert unit_format("% par an") == '0.00" %"'
    assert unit_format("indice (60 ans ou plus pour 100 moins de 15 ans)") == "#,##0.0"


def test_write_table_keeps_numbers_and_text_apart(tmp_path):
    book = openpyxl.Workbook()
    table = pd.DataFrame(
        {"siret": ["00012345600011"], "effectif": [12], "part": [33.3], "commune": ["Agon"]}
    )
    write_table(book.active, table, {"part": PERCENT})
    book.save(tmp_path / "t.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [c.value for c in sheet[2]] == ["00012345600011", 12, 33.3, "Agon"]
    assert [c.number_format for c in sheet[2]] == ["@", WHOLE, PERCENT, "@"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D2"


def test_the_report_run_workbook_labels_every_key_and_formats_every_zone(report_run):
    indicators = pd.read_csv(report_run / "indicateurs.csv", dtype=str)
    assert unlabelled(indicators["indicateur"]) == []
    sheet = openpyxl.load_workbook(report_run / "indicateurs.xlsx")[KEY_FIGURES_SHEET]
    header = [c.value for c in sheet[1]]
    zones = list(dict.fromkeys(indicators["territoire"]))
    assert header[2 : 2 + len(zones)] == zones
    assert zones[0] == "Centre Manche"
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == indicators["indicateur"].nunique()
    population = next(r for r in rows if r[-1].value == "population")
    assert population[2].value == 146623 and population[2].number_format == WHOLE
    share = next(r for r in rows if r[-1].value == "part_ess_effectif_salarie_estime")
    assert share[-2].value == SYNTHETIC_MARK
    assert all(c.number_format == PERCENT for c in share[2 : 2 + len(zones)])


def test_excel_csv_is_semicolon_decimal_comma_utf8_bom_and_keeps_codes(tmp_path):
    from ressol_analysis.files import excel_name, write_csv, write_excel_csv

    table = pd.DataFrame(
        {
            "CODGEO": ["01001", "2A004", "50502"],
            "LIBELLE": ["L'Abergement-Clémenciat", "Ajaccio", "Saint-Lô"],
            "part": [12.3456, float("nan"), 7.0],
            "emplois": [1200, 3, 0],
        }
    )
    write_csv(table, tmp_path / "t.csv")
    path = write_excel_csv(table, excel_name(tmp_path / "t.csv"), ("CODGEO",))
    assert path.name == "t_excel.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].decode("utf-8").splitlines()
    assert lines == [
        "CODGEO;LIBELLE;part;emplois",
        '"=""01001""";L\'Abergement-Clémenciat;12,3456;1200',
        "2A004;Ajaccio;;3",
        '"=""50502""";Saint-Lô;7,0;0',
    ]
    # The program's CSV beside it is untouched: commas, points, codes as they are.
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()[1] == (
        "01001,L'Abergement-Clémenciat,12.3456,1200"
    )
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig", dtype={"CODGEO": str})
    assert back.loc[0, "part"] == 12.3456 and back.loc[0, "CODGEO"] == '="01001"'


def test_the_report_run_writes_the_excel_variants_beside_the_contract_csv(report_run, root):
    contract = (report_run / "indicateurs.csv").read_text(encoding="utf-8")
    assert contract.splitlines()[0] == (
        "territoire_code,territoire,indicateur,valeur,unite,source,millesime,synthetique"
    )
    excel = pd.read_csv(
        report_run / "indicateurs_excel.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    tidy_table = pd.read_csv(report_run / "indicateurs.csv", dtype=str, keep_default_na=False)
    assert list(excel.columns) == list(tidy_table.columns)
    assert (excel["valeur"].str.replace(",", ".") == tidy_table["valeur"]).all()
    assert excel.loc[0, "valeur"] == "146623,0"
    communes = (report_run / "ess_par_commune_excel.csv").read_bytes()
    assert communes.startswith(b"\xef\xbb\xbf") and b'"=""50502"""' in communes
    # The full sector table (the chapter shows its first 10 rows) has its Excel variant too.
    sectors = pd.read_csv(report_run / "ess_par_secteur.csv", dtype=str)
    raw = (report_run / "ess_par_secteur_excel.csv").read_bytes()
    assert raw.startswith("\ufeffavertissement;Secteur;".encode())
    sectors_excel = pd.read_csv(
        report_run / "ess_par_secteur_excel.csv", sep=";", encoding="utf-8-sig", dtype=str
    )
    assert list(sectors_excel.columns) == list(sectors.columns)
    assert (sectors_excel["Secteur"] == sectors["Secteur"]).all()
    assert (
        sectors_excel["Part ESS (établ.)"] == sectors["Part ESS (établ.)"].str.replace(".", ",")
    ).all()


def test_ressol_indicators_writes_the_workbook_when_asked_for_xlsx(built_project, tmp_path):
    from ressol_analysis.cli import main

    output = tmp_path / "indicateurs.xlsx"
    args = ["--racine", str(built_project), "indicators", "--territory", "saint-lo-agglo"]
    assert main([*args, "--output", str(output)]) == 0
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == [KEY_FIGURES_SHEET, "indicateurs"]
    header = [c.value for c in book[KEY_FIGURES_SHEET][1]]
    assert header[:3] == ["Indicateur", "Unité", "Saint-Lô Agglo"]
    assert not list(tmp_path.glob("*.csv"))
