"""Drop-in updates of raw files, bad new files refused with nothing changed, and determinism."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import make_copy

from ressol_analysis.build import build_processed
from ressol_analysis.catalogue import catalogue_status
from ressol_analysis.errors import RessolError
from ressol_analysis.paths import project_paths
from ressol_analysis.sources.manifest import check_manifest, load_manifest
from ressol_analysis.update import (
    pending_files,
    rewrite_entry,
    update_all,
    update_source,
    validate_file,
)

COMPARATEUR = "insee_comparateur_territoires_2025_normandie.csv"
NEW_NAME = "insee_comparateur_territoires_2026_normandie.csv"
TODAY = date(2026, 7, 1)


def new_vintage_text(raw: Path) -> str:
    """The real comparateur as next year's edition: P22_ → P23_, P16_ → P17_, one value changed."""
    lines = (raw / COMPARATEUR).read_text(encoding="utf-8").splitlines()
    header = lines[0].replace("P22_", "P23_").replace("P16_", "P17_")
    first = lines[1].split(";")
    first[1] = "1200"  # commune 14001: P23_POP 1 200 instead of 1 177 in P22_POP
    return "\n".join([header, ";".join(first), *lines[2:]]) + "\n"


def state(root: Path) -> dict[str, str]:
    """Checksums of every file under data/ (raw, processed, archives…)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "data").rglob("*"))
        if p.is_file()
    }


def test_new_vintage_comparateur_is_put_in_service(project):
    paths = project_paths(project)
    manifest_path = paths.raw / "manifest.yaml"
    before_text = manifest_path.read_text(encoding="utf-8")
    before = load_manifest(paths.raw)
    old_sha = before["comparateur"].sha256
    new_file = paths.raw / NEW_NAME
    new_file.write_text(new_vintage_text(paths.raw), encoding="utf-8")

    result = update_source(paths, "comparateur", new_file, today=TODAY)

    new_sha = hashlib.sha256(new_file.read_bytes()).hexdigest()
    assert (result.file, result.vintage, result.sha256) == (NEW_NAME, "RP 2023", new_sha)
    assert (result.previous_file, result.previous_vintage) == (COMPARATEUR, "RP 2022")
    after = load_manifest(paths.raw)
    assert after["comparateur"].path.name == NEW_NAME
    assert after["comparateur"].vintage == "RP 2023"
    assert after["comparateur"].sha256 == new_sha
    entries = {e["cle"]: e for e in yaml.safe_load(manifest_path.read_text())["fichiers"]}
    assert entries["comparateur"]["date_ajout"] == "2026-07-01"
    assert entries["comparateur"]["remplace"] == (
        f"archives/{COMPARATEUR} (RP 2022, sha256 {old_sha[:12]}…)"
    )
    # Every other entry, and every other field of this one, is unchanged.
    old_entries = {e["cle"]: e for e in yaml.safe_load(before_text)["fichiers"]}
    for key, entry in old_entries.items():
        if key != "comparateur":
            assert entries[key] == entry
    for field in ("titre", "editeur", "source", "origine", "licence", "citation", "usage"):
        assert entries["comparateur"][field] == old_entries["comparateur"][field]
    # Lines outside the entry are byte-identical (comments included).
    after_text = manifest_path.read_text(encoding="utf-8")
    assert after_text.startswith(before_text[: before_text.index("  - cle: comparateur")])
    assert after_text.endswith(before_text[before_text.index("  - cle: cog_communes") :])
    # The previous file is archived outside data/raw; the raw folder is consistent again.
    assert (project / "data" / "archives" / COMPARATEUR).is_file()
    assert not (paths.raw / COMPARATEUR).exists()
    assert check_manifest(paths.raw) == []
    status = catalogue_status(paths.raw).set_index("cle")
    assert status.loc["comparateur", "millesime"] == "RP 2023"
    assert status.loc["comparateur", "empreinte"] == "conforme"


def test_catalogue_sees_the_waiting_file_then_the_scan_puts_it_in_service(project):
    paths = project_paths(project)
    (paths.raw / NEW_NAME).write_text(new_vintage_text(paths.raw), encoding="utf-8")
    status = catalogue_status(paths.raw).set_index("cle")
    assert status.loc["comparateur", "plus_recent"] == f"{NEW_NAME} (RP 2023)"
    assert status.loc["comparateur", "millesime"] == "RP 2022"
    assert pending_files(paths.raw) == [(paths.raw / NEW_NAME, ["comparateur"])]

    results = update_all(paths, today=TODAY)

    assert [(r.key, r.file, r.vintage) for r in results] == [("comparateur", NEW_NAME, "RP 2023")]
    assert pending_files(paths.raw) == []
    assert catalogue_status(paths.raw).set_index("cle").loc["comparateur", "plus_recent"] == ""


def test_official_zip_is_extracted_and_archived(project):
    paths = project_paths(project)
    archive = paths.raw / "base_cc_comparateur_csv.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("base_cc_comparateur.csv", new_vintage_text(paths.raw))
        handle.writestr("meta_base_cc_comparateur.csv", "COD_VAR;LIB_VAR\n")
    result = update_source(paths, "comparateur", archive, today=TODAY)
    assert result.file == "base_cc_comparateur.csv"
    assert (paths.raw / "base_cc_comparateur.csv").is_file()
    assert (project / "data" / "archives" / "base_cc_comparateur_csv.zip").is_file()
    assert check_manifest(paths.raw) == []


def test_file_outside_raw_is_copied_in(project, tmp_path):
    paths = project_paths(project)
    outside = tmp_path / NEW_NAME
    outside.write_text(new_vintage_text(paths.raw), encoding="utf-8")
    update_source(paths, "comparateur", outside, today=TODAY)
    assert (paths.raw / NEW_NAME).read_bytes() == outside.read_bytes()
    assert check_manifest(paths.raw) == []


def test_dry_run_changes_nothing(project):
    paths = project_paths(project)
    (paths.raw / NEW_NAME).write_text(new_vintage_text(paths.raw), encoding="utf-8")
    before = state(project)
    result = update_source(paths, "comparateur", paths.raw / NEW_NAME, dry_run=True)
    assert result.vintage == "RP 2023"
    assert state(project) == before


def _truncated_zip(raw: Path, path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("base_cc_comparateur.csv", new_vintage_text(raw))
    data = buffer.getvalue()
    path.write_bytes(data[: len(data) // 2])


def _text_edit(edit):
    def write(raw: Path, path: Path) -> None:
        path.write_bytes(edit(new_vintage_text(raw)))

    return write


def _line(text: str, number: int, old: str, new: str) -> str:
    lines = text.split("\n")
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    return "\n".join(lines)


def _field(text: str, line: int, column: int, value: str) -> str:
    lines = text.split("\n")
    cells = lines[line - 1].split(";")
    cells[column] = value
    lines[line - 1] = ";".join(cells)
    return "\n".join(lines)


BAD_FILES = {
    "zip_tronque": (
        "base_cc_comparateur_csv.zip",
        _truncated_zip,
        r"base_cc_comparateur_csv\.zip est endommagée ou incomplète",
    ),
    "encodage": (
        NEW_NAME,
        # Line 10 holds a cp1252 "é", as if re-saved by a spreadsheet.
        _text_edit(
            lambda t: _line(
                t,
                10,
                ";",
                ";é",
            ).encode("cp1252")
        ),
        r"n'est pas encodé en UTF-8 \(octet illisible ligne 10\)",
    ),
    "separateur": (
        NEW_NAME,
        _text_edit(lambda t: t.replace(";", ",").encode()),
        r"séparateur attendu « ; ».*Il semble séparé par « , »",
    ),
    "commune_en_double": (
        NEW_NAME,
        _text_edit(lambda t: (t + t.split("\n")[1] + "\n").encode()),
        r"colonne CODGEO : code\(s\) présent\(s\) plusieurs fois \(14001\)",
    ),
    "effectif_negatif": (
        NEW_NAME,
        _text_edit(lambda t: _field(t, 5, 1, "-12").encode()),
        r"colonne P23_POP, ligne\(s\) 5 : valeur négative",
    ),
    "effectif_non_numerique": (
        NEW_NAME,
        _text_edit(lambda t: _field(t, 7, 1, "mille").encode()),
        r"colonne P23_POP, ligne\(s\) 7 : valeur\(s\) non numérique\(s\) \(mille\)",
    ),
    "entete_inconnue": (
        NEW_NAME,
        _text_edit(
            lambda t: t.replace(
                "P23_",
                "P_23_",
            ).encode()
        ),
        r"ne correspond à aucune édition connue.*deux millésimes de recensement",
    ),
    "millesime_plus_ancien": (
        NEW_NAME,
        _text_edit(lambda t: t.replace("P23_", "P21_").replace("P17_", "P15_").encode()),
        r"millésime « RP 2021 ».*plus ancien que celui en service « RP 2022 »",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_new_file_is_refused_and_nothing_changes(project, case):
    name, write, message = BAD_FILES[case]
    paths = project_paths(project)
    (paths.processed / "marqueur.txt").write_text("rapport précédent\n")
    bad = paths.raw / name
    write(paths.raw, bad)
    before = state(project)
    manifest_bytes = (paths.raw / "manifest.yaml").read_bytes()

    with pytest.raises(RessolError, match=message) as caught:
        update_source(paths, "comparateur", bad, today=TODAY)
    assert name in str(caught.value)
    assert "Rien n'a été modifié" in str(caught.value)
    with pytest.raises(RessolError):
        update_all(paths, today=TODAY)

    assert (paths.raw / "manifest.yaml").read_bytes() == manifest_bytes
    assert state(project) == before
    assert not (project / "data" / "archives").exists()
    assert sorted(p.name for p in (project / "data").iterdir()) == ["processed", "raw"]


def test_unknown_file_in_raw_stops_the_scan(project):
    paths = project_paths(project)
    (paths.raw / "notes_reunion.txt").write_text("bonjour\n")
    with pytest.raises(RessolError, match=r"notes_reunion\.txt.*--source CLE FICHIER"):
        update_all(paths)


def test_identical_file_is_not_an_update(project, tmp_path):
    paths = project_paths(project)
    copy = tmp_path / NEW_NAME
    copy.write_bytes((paths.raw / COMPARATEUR).read_bytes())
    with pytest.raises(RessolError, match="identique à celui déjà en service"):
        update_source(paths, "comparateur", copy)


def test_source_without_vintage_in_file_needs_it_given(project, tmp_path):
    paths = project_paths(project)
    regions = tmp_path / "v_region_2027.csv"
    text = (paths.raw / "cog_dgcl_regions.csv").read_text(encoding="utf-8")
    regions.write_text(text.replace("Normandie", "Normandie (2027)"), encoding="utf-8")
    with pytest.raises(RessolError, match="ne porte pas son millésime.*--millesime"):
        update_source(paths, "cog_regions", regions)
    result = update_source(paths, "cog_regions", regions, vintage="COG 2027", today=TODAY)
    assert load_manifest(paths.raw)["cog_regions"].vintage == "COG 2027"
    assert result.file == "v_region_2027.csv"


def test_validate_reads_real_files_of_every_source(root):
    raw = root / "data" / "raw"
    manifest = load_manifest(raw)
    found = {
        key: validate_file(key, manifest[key].path)
        for key in ("epci", "cog_mouvements", "urssaf_commune_ape", "itdd")
    }
    assert found["epci"].label == "EPCI 2025"
    assert found["cog_mouvements"].label == "COG 2026"
    assert found["urssaf_commune_ape"].label == "Urssaf, effectifs au 31/12 de 2006 à 2022"
    assert found["itdd"].label == "ESS : 2014 et 2008 (Insee, Clap)"


def test_rewrite_entry_quotes_values_that_need_it():
    text = "fichiers:\n  - cle: a\n    millesime: x\n    usage: y\n  - cle: b\n    millesime: z\n"
    new = rewrite_entry(text, "a", {"millesime": "RP 2023: révisé", "date_ajout": "2026-07-01"})
    assert new == (
        'fichiers:\n  - cle: a\n    millesime: "RP 2023: révisé"\n    usage: y\n'
        '    date_ajout: "2026-07-01"\n  - cle: b\n    millesime: z\n'
    )
    assert yaml.safe_load(new)["fichiers"][0]["millesime"] == "RP 2023: révisé"


@pytest.mark.slow
def test_processed_data_is_byte_identical_across_two_builds(built_project, tmp_path):
    # The session's project was built earlier in this run from the same raw files.
    second = make_copy(tmp_path / "second")
    build_processed(project_paths(second))

    def checksums(root: Path) -> dict[str, str]:
        folder = root / "data" / "processed"
        return {
            str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    sums = checksums(built_project)
    assert {"communes.csv", "build.json", "codes_deplaces.csv"} <= set(sums)
    assert sums == checksums(second)
