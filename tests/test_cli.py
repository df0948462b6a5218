"""The ``ressol`` command as a consultant uses it, including bad inputs.

Commands run in this process (support.cli), except the entry point ``python -m
ressol_analysis.cli`` itself, which the help tests start as a real process.
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.cli import assert_clean_error, ressol


def record_new_file(root: Path, key: str) -> None:
    """Update the manifest's sha256 of an entry, as the consultant does for a new edition."""
    manifest = root / "data" / "raw" / "manifest.yaml"
    content = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    for entry in content["fichiers"]:
        if entry["cle"] == key:
            path = root / "data" / "raw" / entry["fichier"]
            entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")


def test_data_check_on_the_real_files(built_project):
    result = ressol(built_project, "data", "check")
    assert result.returncode == 0, result.stderr
    assert "sont présents et intacts" in result.stdout


def test_missing_raw_file(project):
    (project / "data" / "raw" / "cog_dgcl_regions.csv").unlink()
    result = ressol(
        project, "indicators", "--territory", "centre-manche", "--output", str(project / "x.csv")
    )
    assert_clean_error(result, "Fichier manquant", "cog_dgcl_regions.csv", "git checkout")
    assert not (project / "x.csv").exists()


def test_checksum_mismatch(project):
    path = project / "data" / "raw" / "insee_comparateur_territoires_2025_normandie.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("14001;1177", "14001;1178"), encoding="utf-8"
    )
    check = ressol(project, "data", "check")
    assert check.returncode == 1
    assert "Empreinte différente" in check.stderr
    assert "insee_comparateur_territoires_2025_normandie.csv" in check.stderr
    build = ressol(project, "data", "build")
    assert_clean_error(build, "Empreinte différente", "manifest.yaml")


def test_renamed_column(project):
    path = project / "data" / "raw" / "insee_dossier_complet_2025_rp2022_ages_normandie.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("P22_POP6074", "P22_POP6075", 1), encoding="utf-8")
    record_new_file(project, "rp_ages")
    result = ressol(project, "data", "build")
    assert_clean_error(
        result,
        "insee_dossier_complet_2025_rp2022_ages_normandie.csv",
        "P22_POP6074 (colonne proche trouvée : P22_POP6075)",
    )
    assert not (project / "data" / "processed" / "communes.csv").exists()


def test_other_encoding(project):
    path = project / "data" / "raw" / "cog_dgcl_communes.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252", errors="replace"))
    record_new_file(project, "cog_communes")
    result = ressol(project, "data", "build")
    assert_clean_error(result, "cog_dgcl_communes.csv", "n'est pas encodé en UTF-8")


def test_other_separator(project):
    path = project / "data" / "raw" / "insee_dossier_complet_2025_rp2022_ages_normandie.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(";", ","), encoding="utf-8")
    record_new_file(project, "rp_ages")
    result = ressol(project, "data", "build")
    assert_clean_error(result, "séparateur attendu « ; »", "séparé par « , »")


@pytest.mark.slow
def test_secret_population_is_missing_not_zero(project, tmp_path):
    # Saint-Lô (50502) population replaced by INSEE's secret marker.
    path = project / "data" / "raw" / "insee_comparateur_territoires_2025_normandie.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [
        ";".join(["50502", "s", *line.split(";")[2:]]) if line.startswith("50502;") else line
        for line in lines
    ]
    path.write_text("".join(lines), encoding="utf-8")
    record_new_file(project, "comparateur")
    out = tmp_path / "i.csv"
    result = ressol(project, "indicators", "--territory", "centre-manche", "--output", str(out))
    assert result.returncode == 0, result.stderr
    rows = {
        (r["territoire_code"], r["indicateur"]): r["valeur"]
        for r in csv.DictReader(out.open(encoding="utf-8"))
    }
    assert rows[("centre-manche", "population")] == ""
    assert rows[("epci-200066389", "population")] == ""
    assert rows[("reg-28", "population")] == ""
    assert float(rows[("epci-200067023", "population")]) == 47755  # other EPCIs unaffected


def test_unknown_epci_and_output_left_untouched(built_project, tmp_path):
    territory = tmp_path / "faux.yaml"
    territory.write_text(
        'id: faux\nnom: Faux\nperimetre:\n  epci: ["200066389", "999999999"]\n', encoding="utf-8"
    )
    out = tmp_path / "i.csv"
    out.write_text("ancien contenu\n", encoding="utf-8")
    result = ressol(
        built_project, "indicators", "--territory", str(territory), "--output", str(out)
    )
    assert_clean_error(result, "faux.yaml", "999999999", "SIREN")
    assert out.read_text(encoding="utf-8") == "ancien contenu\n"


def test_unknown_territory(built_project):
    result = ressol(built_project, "report", "--territory", "pays-de-nulle-part")
    assert_clean_error(result, "« pays-de-nulle-part » introuvable", "centre-manche")


def test_not_a_project_root(tmp_path):
    result = ressol(tmp_path, "data", "check")
    assert_clean_error(result, "n'existe pas", "--racine")


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        (
            ["--help"],
            [
                "Diagnostic territorial de l'économie sociale et solidaire (RESSOL).",
                "report         produire le rapport HTML (et PDF) d'un territoire",
                "indicators     écrire les indicateurs en CSV",
            ],
        ),
        (
            ["data", "--help"],
            [
                "check     vérifier les fichiers de data/raw (sha256)",
                "build     reconstruire data/processed",
            ],
        ),
    ],
)
def test_help_is_french(args, lines):
    # The installed entry point, as a real process: it answers without importing pandas.
    result = subprocess.run(
        [sys.executable, "-m", "ressol_analysis.cli", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"utilisation : ressol {' '.join(args[:-1])}".rstrip() + " [-h]"
    )
    words = " ".join(result.stdout.split())  # the column widths follow the longest option
    for line in lines:
        assert " ".join(line.split()) in words, result.stdout
    assert "-h, --help" in result.stdout and "afficher cette aide et quitter" in result.stdout
    for english in ("usage:", "positional arguments", "show this help"):
        assert english not in result.stdout
