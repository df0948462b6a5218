from pathlib import Path

import pandas as pd
import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.sources import insee
from ressol_analysis.sources.manifest import check_manifest, load_manifest, raw_file
from ressol_analysis.sources.tables import read_delimited


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_secret_markers_become_missing_and_are_counted(tmp_path):
    path = write(
        tmp_path / "c.csv", "CODGEO;MED21;P22_POP\n50001;s;12\n50002;21480,5;7\n01001;;3\n"
    )
    table, report = read_delimited(
        path, sep=";", code_columns=["CODGEO"], numeric_columns=["MED21", "P22_POP"]
    )
    assert table["CODGEO"].tolist() == ["50001", "50002", "01001"]  # leading zero kept
    assert table["MED21"].isna().tolist() == [True, False, True]
    assert table["MED21"].iloc[1] == 21480.5  # decimal comma
    assert report.secret_cells == {"MED21": 1}
    assert table["P22_POP"].sum() == 22


def test_non_numeric_cell_names_file_column_and_line(tmp_path):
    path = write(tmp_path / "c.csv", "CODGEO;P22_POP\n50001;12\n50002;douze\n")
    with pytest.raises(RessolError, match=r"c\.csv, colonne P22_POP, ligne\(s\) 3.*douze"):
        read_delimited(path, sep=";", code_columns=["CODGEO"], numeric_columns=["P22_POP"])


def test_other_encoding_is_refused_with_the_line(tmp_path):
    path = write(tmp_path / "c.csv", "CODGEO;LIBELLE\n50001;Saint-Lô\n", encoding="latin-1")
    with pytest.raises(RessolError, match=r"c\.csv n'est pas encodé en UTF-8.*ligne 2"):
        read_delimited(path, sep=";", code_columns=["CODGEO", "LIBELLE"])


def test_other_separator_is_named(tmp_path):
    path = write(tmp_path / "c.csv", "CODGEO,P22_POP\n50001,12\n")
    with pytest.raises(RessolError, match=r"séparateur attendu « ; ».*séparé par « , »"):
        read_delimited(path, sep=";", code_columns=["CODGEO"], numeric_columns=["P22_POP"])


def test_renamed_column_is_named_with_the_closest_match(tmp_path):
    path = write(tmp_path / "c.csv", "CODGEO;P22_POPULATION\n50001;12\n")
    with pytest.raises(RessolError, match=r"P22_POP \(colonne proche trouvée : P22_POPULATION\)"):
        read_delimited(path, sep=";", code_columns=["CODGEO"], numeric_columns=["P22_POP"])


def test_rp_ages_detects_the_census_vintage(tmp_path):
    header = "CODGEO;P23_POP0014;P23_POP1529;P23_POP3044;P23_POP4559;P23_POP6074;P23_POP7589;"
    header += "P23_POP90P;P17_POP;P12_POP\n"
    path = write(tmp_path / "ages.csv", header + "50001;1;2;3;4;5;6;7;30;29\n")
    table, vintages = insee.read_rp_ages(path)
    assert vintages == {"rp": 2023, "rp_2017": 2017, "rp_2012": 2012}
    assert table.columns.tolist() == [
        "CODGEO",
        "POP0014",
        "POP1529",
        "POP3044",
        "POP4559",
        "POP6074",
        "POP7589",
        "POP90P",
        "POP_2017",
        "POP_2012",
    ]


def test_rp_ages_header_of_no_known_vintage(tmp_path):
    path = write(tmp_path / "ages.csv", "CODGEO;AGE0014;AGE1529\n50001;1;2\n")
    with pytest.raises(RessolError, match=r"ages\.csv n'a aucune colonne PAA_POP0014"):
        insee.read_rp_ages(path)


def test_duplicate_communes_are_refused(tmp_path):
    header = "CODGEO;P22_POP0014;P22_POP1529;P22_POP3044;P22_POP4559;P22_POP6074;P22_POP7589;"
    header += "P22_POP90P;P16_POP\n"
    rows = "50001;1;2;3;4;5;6;7;30\n50001;1;2;3;4;5;6;7;30\n"
    path = write(tmp_path / "ages.csv", header + rows)
    with pytest.raises(RessolError, match=r"CODGEO : code\(s\) présent\(s\) plusieurs fois.*50001"):
        insee.read_rp_ages(path)


def test_negative_counts_are_refused(tmp_path):
    path = write(tmp_path / "pop.csv", "CODGEO;COM;PMUN;PTOT\nx;50001;-5;3\n")
    with pytest.raises(RessolError, match=r"PMUN, ligne\(s\) 2 : valeur négative"):
        insee.read_legal_populations(path)


def test_estimates_read_from_the_real_files_agree_across_editions(root):
    raw = root / "data" / "raw"
    five_year, anomalies = insee.read_estimates_five_year(
        raw_file(raw, "estimations_quinquennales").path
    )
    deps = insee.read_estimates_broad(raw_file(raw, "estimations_departements").path, "dep")
    regions = insee.read_estimates_broad(raw_file(raw, "estimations_regions").path, "reg")
    normandie = ["14", "27", "50", "61", "76"]
    for year, expected_total, expected_young in ((2010, 3310448, 827705), (2017, 3330478, 807567)):
        ours = five_year[(five_year["annee"] == year) & five_year["DEP"].isin(normandie)]
        dep = deps[(deps["annee"] == year) & deps["zone"].isin(normandie)]
        reg = regions[(regions["annee"] == year) & (regions["zone"] == "Normandie")]
        # Three INSEE files, two editions: definitive years agree to the person.
        assert ours["pop_totale"].sum() == dep["pop_totale"].sum() == expected_total
        assert reg["pop_totale"].iloc[0] == expected_total
        assert ours["pop_0_19"].sum() == reg["pop_0_19"].iloc[0] == expected_young
    # 2019 was revised between the 2020 and 2021 editions: the files differ, as published.
    ours_2019 = five_year[(five_year["annee"] == 2019) & five_year["DEP"].isin(normandie)]
    assert ours_2019["pop_totale"].sum() == 3320832
    assert (
        regions.loc[
            (regions["annee"] == 2019) & (regions["zone"] == "Normandie"), "pop_totale"
        ].iloc[0]
        == 3313340
    )
    # The one inconsistent metropolitan row of the published file is set aside, not used.
    correze = five_year[(five_year["annee"] == 2021) & (five_year["DEP"] == "19")]
    assert correze["pop_totale"].isna().all()
    assert any(a.startswith("Corrèze (19), années 2021") for a in anomalies)


def test_manifest_checksums_of_the_real_raw_folder(root):
    assert check_manifest(root / "data" / "raw") == []


def test_manifest_detects_a_modified_and_an_undescribed_file(project):
    raw = project / "data" / "raw"
    with (raw / "cog_dgcl_regions.csv").open("a") as handle:
        handle.write("99,00000,0,X,X,X\n")
    (raw / "nouveau.csv").write_text("a;b\n")
    problems = check_manifest(raw)
    assert any("Empreinte différente pour" in p and "cog_dgcl_regions.csv" in p for p in problems)
    assert any("Fichier non décrit" in p and "nouveau.csv" in p for p in problems)
    with pytest.raises(RessolError, match="Empreinte différente"):
        raw_file(raw, "cog_regions")


def test_codes_stay_strings_in_the_processed_table(built_project):
    table = pd.read_csv(built_project / "data" / "processed" / "communes.csv", dtype=str)
    assert table["CODGEO"].str.fullmatch(r"\d{5}").all()
    assert table["EPCI"].str.fullmatch(r"\d{9}").all()


def test_unreadable_manifest_names_the_line(tmp_path):
    # An unclosed list on line 2: the French error names the manifest and the place.
    (tmp_path / "manifest.yaml").write_text("fichiers:\n  - cle: [a\n", encoding="utf-8")
    with pytest.raises(RessolError, match=r"(?s)manifest\.yaml n'est pas un YAML lisible.*line 2"):
        load_manifest(tmp_path)
