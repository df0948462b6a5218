"""A user's mistake is not a program defect: a French message naming the place, and exit 2.

Each case used to end with exit 3 and « probablement un défaut du programme ». The refusals of
the file system are real (a folder given as output file, a folder nobody may write into), not
mocked; the outputs are checked before the long work starts, so these commands fail at once.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from support.cli import assert_clean_error, ressol
from support.filesystem import read_only

from ressol_analysis.errors import RessolError
from ressol_analysis.files import user_file_error, write_csv


def remove_entry(root: Path, key: str) -> None:
    """Delete one entry from the project's manifest, as a hasty hand edit would."""
    manifest = root / "data" / "raw" / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    start = text.index(f"  - cle: {key}\n")
    end = text.find("  - cle:", start + 1)
    manifest.write_text(text[:start] + (text[end:] if end > 0 else ""), encoding="utf-8")


def test_output_path_that_is_a_folder(built_project, tmp_path):
    folder = tmp_path / "indicateurs.csv"
    folder.mkdir()
    result = ressol(
        built_project, "indicators", "--territory", "centre-manche", "--output", str(folder)
    )
    assert_clean_error(result, f"Le chemin de sortie {folder} est un dossier, pas un fichier")
    assert list(folder.iterdir()) == []


def test_output_in_a_read_only_folder(built_project, tmp_path):
    folder = tmp_path / "protege"
    folder.mkdir()
    with read_only(folder):
        result = ressol(built_project, "plan", "template", "--output", str(folder / "fiche.xlsx"))
    assert_clean_error(result, f"Impossible d'écrire dans {folder}", "Choisissez un dossier")
    assert list(folder.iterdir()) == []


def test_output_whose_folder_is_a_file(built_project, tmp_path):
    blocking = tmp_path / "sortie"
    blocking.write_text("un fichier, pas un dossier\n", encoding="utf-8")
    out = blocking / "i.csv"
    result = ressol(
        built_project, "indicators", "--territory", "centre-manche", "--output", str(out)
    )
    assert_clean_error(result, f"{blocking} est un fichier, pas un dossier")


def test_read_only_reports_folder(project):
    reports = project / "reports"
    with read_only(reports):
        result = ressol(project, "report", "--territory", "centre-manche", "--sans-pdf")
    assert_clean_error(result, f"Impossible d'écrire dans {reports}")
    assert list(reports.iterdir()) == []
    # Refused before loading anything: data/processed was not even built.
    assert list((project / "data" / "processed").iterdir()) == []


def test_read_only_file_system_while_writing(tmp_path):
    """An error met while writing (not foreseen by the checks) is explained the same way."""
    import pandas as pd

    folder = tmp_path / "protege"
    folder.mkdir()
    with read_only(folder), pytest.raises(RessolError, match=r"Impossible d'écrire .*i\.csv"):
        write_csv(pd.DataFrame({"a": ["1"]}), folder / "i.csv")


def test_file_system_errors_that_are_not_the_users(tmp_path):
    disk_full = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x"))
    assert "le disque est plein" in str(user_file_error(disk_full))
    # A missing internal file is not the user's place: it stays a defect of the program.
    assert user_file_error(FileNotFoundError(errno.ENOENT, "nope", "x")) is None


@pytest.mark.parametrize("command", [["data", "build"], ["indicators", "--output", "i.csv"]])
def test_manifest_missing_an_entry(project, tmp_path, command):
    remove_entry(project, "itdd")
    if command[0] == "indicators":
        command = [
            "indicators",
            "--territory",
            "centre-manche",
            "--output",
            str(tmp_path / "i.csv"),
        ]
    result = ressol(project, *command)
    assert_clean_error(
        result,
        f"Le manifeste {project / 'data' / 'raw' / 'manifest.yaml'} n'a pas d'entrée « itdd »",
        "ressol data update --source itdd",
    )
    assert not (tmp_path / "i.csv").exists()


def test_each_epci_output_that_is_a_file(built_project, tmp_path):
    blocking = tmp_path / "rapports"
    blocking.write_text("un fichier\n", encoding="utf-8")
    result = ressol(built_project, "report", "--each-epci", "dep-50", "--output", str(blocking))
    assert_clean_error(result, f"{blocking} est un fichier, pas un dossier. Choisissez")


def test_update_given_a_folder_instead_of_a_file(built_project, tmp_path):
    result = ressol(built_project, "data", "update", "--source", "comparateur", str(tmp_path))
    assert_clean_error(result, f"{tmp_path} est un dossier : indiquez le fichier lui-même")
