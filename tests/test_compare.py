"""What changed between two runs: two hand-written indicator CSVs of the tidy contract."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from ressol_analysis.compare import compare_runs, format_comparison, read_indicators
from ressol_analysis.errors import RessolError

FIXTURES = Path(__file__).parent / "fixtures" / "vintages"
A, B = FIXTURES / "indicateurs_a.csv", FIXTURES / "indicateurs_b.csv"


def test_changed_added_removed_and_vintage_only():
    result = compare_runs(A, B)
    # A → B: two populations changed; densite and part_moins_20_ans keep their value with a new
    # vintage; superficie is identical (not listed); evolution key renamed (added + removed).
    assert result[["territoire_code", "indicateur", "statut"]].values.tolist() == [
        ["centre-manche", "population", "modifié"],
        ["dep-50", "population", "modifié"],
        ["centre-manche", "densite", "millésime seul"],
        ["centre-manche", "part_moins_20_ans", "millésime seul"],
        ["dep-50", "evolution_2017_2023", "ajouté"],
        ["dep-50", "evolution_2016_2022", "retiré"],
    ]
    population = result.iloc[0]
    assert (population["valeur_a"], population["valeur_b"]) == (100000.0, 100450.0)
    assert population["difference"] == 450.0  # 100 450 − 100 000
    assert (population["millesime_a"], population["millesime_b"]) == ("RP 2022", "RP 2023")
    assert result.iloc[1]["difference"] == -800.0  # 489 200 − 490 000
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
    assert text.splitlines()[0] == (
        "Entre rapport 2025 et rapport 2026 : 2 valeur(s) modifiée(s), 2 changement(s) de "
        "millésime sans changement de valeur, 1 indicateur(s) ajouté(s), 1 retiré(s)."
    )
    assert (
        f"~ Centre Manche (centre-manche) · population : 100{nbsp}000 habitants (RP 2022) → "
        f"100{nbsp}450 habitants (RP 2023), écart +450"
    ) in text
    assert "écart −800" in text
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
    line = next(x for x in text.splitlines() if "(centre-manche) · population" in x)
    assert line.count("[démonstration]") == 1 and "(RP 2023) [démonstration]" in line
    line = next(x for x in text.splitlines() if "(dep-50) · population" in x)
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
