"""What changed between two runs: two hand-written indicator CSVs of the tidy contract."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from support.facts import assert_states

from ressol_analysis.compare import compare_runs, format_comparison, read_indicators
from ressol_analysis.errors import RessolError

FIXTURES = Path(__file__).parent / "fixtures" / "vintages"
A, B = FIXTURES / "indicateurs_a.csv", FIXTURES / "indicateurs_b.csv"


def test_changed_added_removed_and_vintage_only():
    result = compare_runs(A, B)
    # A → B: two populations changed; densite and part_moins_20_ans keep their value with a new
    # vintage; superficie is identical (not listed); evolution key renamed (added + removed).
    # The territory first, then each area in the file's order; within an area by status.
    assert result[["territoire_code", "indicateur", "statut"]].values.tolist() == [
        ["centre-manche", "population", "modifié"],
        ["centre-manche", "densite", "millésime seul"],
        ["centre-manche", "part_moins_20_ans", "millésime seul"],
        ["dep-50", "population", "modifié"],
        ["dep-50", "evolution_2017_2023", "ajouté"],
        ["dep-50", "evolution_2016_2022", "retiré"],
    ]
    assert result.loc[0, "libelle"] == "Population municipale"
    assert result.loc[0, "evolution_pct"] == pytest.approx(0.45)  # 100 × 450 / 100 000
    assert result.loc[3, "evolution_pct"] == pytest.approx(-800 / 4900)
    assert math.isnan(result.loc[4, "evolution_pct"])  # a share moves in points
    assert result.attrs["avertissements"] == []
    population = result.iloc[0]
    assert (population["valeur_a"], population["valeur_b"]) == (100000.0, 100450.0)
    assert population["difference"] == 450.0  # 100 450 − 100 000
    assert (population["millesime_a"], population["millesime_b"]) == ("RP 2022", "RP 2023")
    assert result.iloc[3]["difference"] == -800.0  # 489 200 − 490 000
    added, removed = result.iloc[4], result.iloc[5]
    assert math.isnan(added["valeur_a"]) and added["valeur_b"] == -0.2
    assert removed["valeur_a"] == 0.1 and math.isnan(removed["valeur_b"])


def test_same_file_gives_an_empty_comparison():
    result = compare_runs(A, A)
    assert result.empty
    assert format_comparison(result, "a", "a") == "Aucun indicateur ne change entre a et a.\n"


def test_tiny_float_noise_is_not_a_change(tmp_path):
    noisy = tmp_path / "b.csv"
    noisy.write_text(A.read_text().replace("61.2,", "61.200000000000003,"), encoding="utf-8")
    assert compare_runs(A, noisy).empty


def test_french_rendering_names_values_vintages_and_gap():
    text = format_comparison(compare_runs(A, B), "rapport 2025", "rapport 2026")
    nbsp = "\u00a0"
    assert_states(
        text.splitlines()[0],
        "rapport 2025 et rapport 2026",
        "2 valeur(s) modifiée(s)",
        "2 changement(s) de millésime",
        "1 indicateur(s) ajouté(s)",
        "1 retiré(s)",
    )
    # 100 000 → 100 450 inhabitants: +450, +0,45 % rounded to +0,5 %.
    assert_states(
        text.splitlines()[1],
        "Centre Manche (centre-manche)",
        "Population municipale",
        "100 000 habitants (RP 2022)",
        "100 450 habitants (RP 2023)",
        "+450 (+0,5 %)",
    )
    assert f"écart −800 (−0,2{nbsp}%)" in text
    assert "+ Manche (dep-50) · evolution_2017_2023 : −0,2 % (RP 2023) — nouveau dans" in text


def test_missing_contract_column_is_refused(tmp_path):
    bad = tmp_path / "sans_millesime.csv"
    pd.read_csv(A, dtype=str).drop(columns="millesime").to_csv(bad, index=False)
    with pytest.raises(RessolError, match=r"sans_millesime\.csv.*millesime"):
        compare_runs(A, bad)


def test_non_numeric_value_names_the_line(tmp_path):
    bad = tmp_path / "virgule.csv"
    bad.write_text(A.read_text().replace("61.2,", '"61,2",'), encoding="utf-8")
    with pytest.raises(RessolError, match=r"virgule\.csv, colonne valeur, ligne\(s\) 3 .*61,2"):
        read_indicators(bad)


def test_duplicated_indicator_is_refused(tmp_path):
    bad = tmp_path / "double.csv"
    lines = A.read_text().splitlines()
    bad.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(RessolError, match="centre-manche · population"):
        compare_runs(bad, B)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(RessolError, match="introuvable.*absent.csv"):
        compare_runs(tmp_path / "absent.csv", B)


def test_demonstration_figures_are_named_from_the_marker_or_old_source_lines(tmp_path):
    # B with the marker column: B's population of Centre Manche is synthetic.
    marked = pd.read_csv(B, dtype=str, keep_default_na=False)
    marked["synthetique"] = "non"
    synthetic_row = (marked.territoire_code == "centre-manche") & (
        marked.indicateur == "population"
    )
    marked.loc[synthetic_row, "synthetique"] = "oui"
    b = tmp_path / "b.csv"
    marked.to_csv(b, index=False)
    # A written before the marker existed: its source line says the figure is synthetic.
    old = pd.read_csv(A, dtype=str, keep_default_na=False)
    is_dep = (old.territoire_code == "dep-50") & (old.indicateur == "population")
    old.loc[is_dep, "source"] = "Données synthétiques de démonstration au format Sirene"
    a = tmp_path / "a.csv"
    old.to_csv(a, index=False)
    assert read_indicators(a)["synthetique"].tolist().count("oui") == 1
    result = compare_runs(a, b).set_index(["territoire_code", "indicateur"])
    assert result.loc[
        ("centre-manche", "population"), ["synthetique_a", "synthetique_b"]
    ].tolist() == [
        "non",
        "oui",
    ]
    assert result.loc[("dep-50", "population"), "synthetique_a"] == "oui"
    text = format_comparison(compare_runs(a, b))
    line = next(x for x in text.splitlines() if "(centre-manche) · Population municipale" in x)
    assert line.count("[démonstration]") == 1 and "(RP 2023) [démonstration]" in line
    line = next(x for x in text.splitlines() if "(dep-50) · Population municipale" in x)
    assert "(RP 2022) [démonstration] →" in line


def test_a_copy_resaved_by_a_spreadsheet_is_named_as_such(tmp_path):
    # French Excel saves with « ; », decimal commas and Windows-1252.
    semicolons = tmp_path / "excel.csv"
    semicolons.write_text(A.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    with pytest.raises(
        RessolError,
        match=r"excel\.csv n'utilise pas le séparateur attendu « , ».*"
        r"séparé par « ; ».*réenregistrée par un tableur",
    ):
        read_indicators(semicolons)
    windows = tmp_path / "windows.csv"
    windows.write_bytes(
        A.read_text(encoding="utf-8").replace("Manche", "Manche é").encode("cp1252")
    )
    with pytest.raises(RessolError, match=r"windows\.csv n'est pas encodé en UTF-8"):
        read_indicators(windows)


def zone_files(tmp_path: Path) -> tuple[Path, Path]:
    """A: Centre Manche with Manche; B: Saint-Lô Agglo with Manche and Normandie."""
    a = pd.read_csv(A, dtype=str, keep_default_na=False)
    b = pd.read_csv(B, dtype=str, keep_default_na=False)
    b = b.assign(
        territoire_code=b["territoire_code"].replace("centre-manche", "saint-lo-agglo"),
        territoire=b["territoire"].replace("Centre Manche", "Saint-Lô Agglo"),
    )
    normandie = b[b["territoire_code"] == "dep-50"].assign(
        territoire_code="reg-28", territoire="Normandie"
    )
    b = pd.concat([b, normandie])
    paths = tmp_path / "a.csv", tmp_path / "b.csv"
    a.to_csv(paths[0], index=False)
    b.to_csv(paths[1], index=False)
    return paths


def test_whole_areas_added_or_removed_are_one_line_each_and_another_territory_is_flagged(
    tmp_path,
):
    a, b = zone_files(tmp_path)
    result = compare_runs(a, b)
    assert result.attrs["avertissements"] == [
        "Les deux rapports ne portent pas sur le même territoire (A : Centre Manche, "
        "centre-manche ; B : Saint-Lô Agglo, saint-lo-agglo). Seules les zones présentes dans "
        "les deux se comparent ; vérifiez que vous avez choisi les bons dossiers."
    ]
    # B's territory first, then B's areas, then the area only in A.
    assert list(dict.fromkeys(result["territoire_code"])) == [
        "saint-lo-agglo",
        "dep-50",
        "reg-28",
        "centre-manche",
    ]
    assert set(result.loc[result["territoire_code"] == "reg-28", "statut"]) == {"zone ajoutée"}
    text = format_comparison(result, "A", "B")
    lines = text.splitlines()
    assert lines[0].startswith("Attention : Les deux rapports ne portent pas sur le même")
    assert lines[1].endswith("2 zone(s) ajoutée(s), 1 zone(s) retirée(s).")
    assert "+ Zone Saint-Lô Agglo (saint-lo-agglo) : nouvelle dans B (3 indicateurs)" in lines
    assert "+ Zone Normandie (reg-28) : nouvelle dans B (3 indicateurs)" in lines
    assert "− Zone Centre Manche (centre-manche) : absente de B (3 indicateurs)" in lines
    assert sum("Normandie" in line for line in lines) == 1


def test_a_share_moves_in_points(tmp_path):
    b = pd.read_csv(B, dtype=str, keep_default_na=False)
    b.loc[b["indicateur"] == "part_moins_20_ans", "valeur"] = "23.8"
    changed = tmp_path / "b.csv"
    b.to_csv(changed, index=False)
    text = format_comparison(compare_runs(A, changed))
    line = next(x for x in text.splitlines() if "moins de 20 ans" in x)
    assert line.endswith("écart +1,3 point")  # 23,8 − 22,5, not +5,8 %


def test_compare_writes_the_workbook_and_the_command_prints_the_warning(tmp_path, capsys):
    import openpyxl

    from ressol_analysis.cli import main
    from ressol_analysis.workbook import PERCENT, WHOLE

    a, b = zone_files(tmp_path)
    output = tmp_path / "comparaison.xlsx"
    assert main(["compare", str(a), str(b), "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Attention : Les deux rapports ne portent pas sur le même territoire")
    assert f"Comparaison écrite dans {output}." in out
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == ["Comparaison", "Rapports"]
    sheet = book["Comparaison"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "Zone",
        "Code de la zone",
        "Indicateur",
        "Unité",
        "Changement",
        "Valeur A",
        "Valeur B",
        "Écart (B − A)",
        "Évolution (%)",
    )
    assert rows[1][:5] == (
        "Saint-Lô Agglo",
        "saint-lo-agglo",
        "3 indicateurs",
        None,
        "zone ajoutée",
    )
    population = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "dep-50")
    assert population[2].value == "Population municipale"
    assert (population[5].value, population[6].value, population[7].value) == (
        490000,
        489200,
        -800,
    )
    assert population[8].value == pytest.approx(-800 / 4900)
    assert population[5].number_format == WHOLE and population[8].number_format == PERCENT
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref.startswith("A1:")
    notes = book["Rapports"]
    assert notes["B2"].value == str(a) and notes["A4"].value.startswith("Attention :")
    assert main(["compare", str(a), str(b), "--output", str(tmp_path / "c.csv")]) == 2
    assert "classeur Excel" in capsys.readouterr().err


def test_an_empty_run_is_all_removed_without_a_territory_warning(tmp_path):
    empty = tmp_path / "vide.csv"
    empty.write_text(A.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result = compare_runs(A, empty)
    assert set(result["statut"]) == {"zone retirée"} and result.attrs["avertissements"] == []
    assert format_comparison(result).splitlines()[1:] == [
        "− Zone Centre Manche (centre-manche) : absente de B (3 indicateurs)",
        "− Zone Manche (dep-50) : absente de B (3 indicateurs)",
    ]
