"""The shared checks of an output path (ressol_analysis.files)."""

from pathlib import Path

import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.files import check_workbook_path


def test_a_workbook_path_in_an_existing_folder_is_returned_as_a_path(tmp_path):
    assert check_workbook_path(str(tmp_path / "grille.XLSX"), "La grille") == Path(
        tmp_path / "grille.XLSX"
    )


def test_a_name_without_xlsx_says_what_the_file_is_and_what_was_given(tmp_path):
    with pytest.raises(RessolError) as error:
        check_workbook_path(tmp_path / "grille.csv", "La grille d'évaluation")
    assert str(error.value) == (
        "La grille d'évaluation est un classeur Excel : donnez un nom de fichier en .xlsx "
        "(reçu : grille.csv)."
    )


def test_a_missing_folder_is_refused_before_anything_is_written(tmp_path):
    target = tmp_path / "absent" / "comparaison.xlsx"
    with pytest.raises(RessolError, match="absent"):
        check_workbook_path(target, "La comparaison")
    assert not (tmp_path / "absent").exists()
