"""Reader of the members file: formats, check digits and every bad input, on files made here."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.sources.members import (
    luhn_is_valid,
    read_members,
    siren_is_valid,
    siret_is_valid,
)


def write(tmp_path: Path, text: str, name: str = "adherents.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_luhn_on_numbers_checked_by_hand():
    # 123456782: 2 + (8*2-9) + 7 + (6*2-9) + 5 + 4*2 + 3 + 2*2 + 1 = 40.
    assert siren_is_valid("123456782")
    assert not siren_is_valid("123456783")
    assert not siren_is_valid("12345678")  # 8 digits
    # 12345678200010 (sum 40) and 12345678200028 (sum 50) are the unit's first two NICs.
    assert siret_is_valid("12345678200010")
    assert siret_is_valid("12345678200028")
    assert not siret_is_valid("12345678200011")
    assert not siret_is_valid("1234567820001A")


def test_la_poste_uses_the_digit_sum_rule():
    # 35600000000010: Luhn sum 16 (fails), digit sum 3+5+6+1 = 15, a multiple of 5.
    assert not luhn_is_valid("35600000000010")
    assert siret_is_valid("35600000000010")
    # La Poste's head office 35600000000048 passes Luhn (sum 30) though its digit sum is 26.
    assert siret_is_valid("35600000000048")
    # Digit sum 40 (multiple of 5) and Luhn sum 42: refused, the exception is La Poste's only.
    assert not siret_is_valid("12345678200020")
    # La Poste with Luhn sum 17 and digit sum 16: refused.
    assert not siret_is_valid("35600000000011")


def test_csv_with_bom_semicolons_spaces_and_empty_lines(tmp_path):
    path = write(
        tmp_path,
        "\ufeffNom;SIRET;Siren;Commune;Courriel\n"
        "Aide à domicile;123 456 782 00010;;50502;a@b.fr\n"
        "\n"
        "Club;;123.456.782;Saint-Lô;\n"
        "Épicerie;;;01001;\n",
    )
    table = read_members(path)
    assert list(table.columns) == ["ligne", "nom", "siret", "siren", "commune"]
    assert table["ligne"].tolist() == [2, 4, 5]
    assert table.loc[0, "siret"] == "12345678200010"
    assert table.loc[1, "siren"] == "123456782"
    assert table.loc[2, "commune"] == "01001"  # leading zero kept
    assert table.loc[0, "siren"] is pd.NA
    assert str(table["siret"].dtype) == "string"
    assert table.attrs["fichier"] == str(path)


@pytest.mark.parametrize("separator", [",", "\t", "|"])
def test_other_separators_are_detected(tmp_path, separator):
    header = separator.join(["nom", "siret"])
    path = write(tmp_path, f'{header}\n"Dupont{separator} fils"{separator}12345678200010\n')
    table = read_members(path)
    assert table.loc[0, "nom"] == f"Dupont{separator} fils"
    assert table.loc[0, "siret"] == "12345678200010"


def test_one_column_file_keeps_commas_in_names(tmp_path):
    table = read_members(write(tmp_path, "nom\nLes Amis, du Bocage\n"))
    assert table["nom"].tolist() == ["Les Amis, du Bocage"]


def test_xlsx_with_numbers_typed_as_numbers(tmp_path):
    path = tmp_path / "adherents.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["NOM", "Siret", "commune"])
    sheet.append(["Aide à domicile", 12345678200010, "50502"])
    sheet.append(["Club", None, 50502])
    book.save(path)
    table = read_members(path)
    assert table["siret"].tolist()[0] == "12345678200010"
    assert table["commune"].tolist() == ["50502", "50502"]
    assert table["ligne"].tolist() == [2, 3]


def test_xlsx_that_lost_a_leading_zero(tmp_path):
    path = tmp_path / "adherents.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["nom", "siren"])
    book.active.append(["Ancienne unité", 5520135])  # was "005520135"
    book.save(path)
    with pytest.raises(RessolError, match=r"ligne 2 : SIREN « 5520135 ».*zéros initiaux"):
        read_members(path)


def test_no_nom_column(tmp_path):
    path = write(tmp_path, "raison sociale;siret\nClub;12345678200010\n")
    with pytest.raises(RessolError, match=r"adherents\.csv n'a pas de colonne « nom ».*siret"):
        read_members(path)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1234567820001", r"ligne 2 : SIRET « 1234567820001 » : 14 chiffres attendus"),
        ("12345678200011", r"ligne 2 : SIRET « 12345678200011 » : la clé de contrôle"),
        ("1,23456782E+13", r"ligne 2 : SIRET .* converti en nombre"),
    ],
)
def test_malformed_siret(tmp_path, value, message):
    path = write(tmp_path, f'nom;siret\nClub;"{value}"\n')
    with pytest.raises(RessolError, match=message):
        read_members(path)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345678", r"ligne 2 : SIREN « 12345678 » : 9 chiffres attendus"),
        ("123456783", r"ligne 2 : SIREN « 123456783 » : la clé de contrôle"),
    ],
)
def test_malformed_siren(tmp_path, value, message):
    with pytest.raises(RessolError, match=message):
        read_members(write(tmp_path, f"nom;siren\nClub;{value}\n"))


def test_siret_of_another_siren(tmp_path):
    path = write(tmp_path, "nom;siret;siren\nClub;12345678200010;356000000\n")
    with pytest.raises(RessolError, match=r"ligne 2 : le SIRET 12345678200010 n'appartient pas"):
        read_members(path)


def test_all_problems_are_listed_together(tmp_path):
    path = write(tmp_path, "nom;siret\n;12345678200010\nClub;999\n")
    with pytest.raises(RessolError, match=r"2 problème\(s\)") as error:
        read_members(path)
    assert "ligne 2 : le nom est vide" in str(error.value)
    assert "ligne 3 : SIRET « 999 »" in str(error.value)
    assert "rien n'a été écrit" in str(error.value)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("A;12345678200010;\nB;;\nC;12345678200010;\n", r"lignes 2, 4 : même SIRET"),
        ("A;;123456782\nB;;123456782\n", r"lignes 2, 3 : même SIREN"),
        ("Club de la Vire;;\nCLUB DE LA VIRE;;\n", r"lignes 2, 3 : même nom et commune"),
    ],
)
def test_duplicated_members(tmp_path, rows, message):
    with pytest.raises(RessolError, match=message):
        read_members(write(tmp_path, "nom;siret;siren\n" + rows))


def test_same_name_in_two_communes_is_not_a_duplicate(tmp_path):
    path = write(tmp_path, "nom;commune\nComité des fêtes;50502\nComité des fêtes;50147\n")
    assert len(read_members(path)) == 2


def test_windows_1252_file(tmp_path):
    path = write(tmp_path, "nom;commune\nClub;50502\nAmicale;Saint-Lô\n", encoding="cp1252")
    with pytest.raises(RessolError, match=r"n'est pas encodé en UTF-8 .*ligne 3.*CSV UTF-8"):
        read_members(path)


def test_unsupported_format_and_missing_file(tmp_path):
    with pytest.raises(RessolError, match=r"ni un CSV ni un classeur \.xlsx"):
        read_members(write(tmp_path, "nom\nClub\n", name="adherents.ods"))
    with pytest.raises(RessolError, match=r"introuvable : .*absent\.csv"):
        read_members(tmp_path / "absent.csv")
    with pytest.raises(RessolError, match=r"ne se lit pas comme un classeur"):
        read_members(write(tmp_path, "pas un classeur", name="faux.xlsx"))


def test_name_containing_the_separator_without_quotes(tmp_path):
    path = write(tmp_path, "nom;commune\nClub; section tennis;50502\n")
    with pytest.raises(RessolError, match=r"ligne 2, a 3 champs pour 2 colonnes"):
        read_members(path)


def test_header_only(tmp_path):
    with pytest.raises(RessolError, match="ne contient aucun adhérent"):
        read_members(write(tmp_path, "nom;siret\n"))
