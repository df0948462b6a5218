"""Raw files cut short are refused by ``data update`` (dry run too) and ``data build``.

The files are real: copies of the project's INSEE files with their end cut off, in the
middle of the last line (an interrupted download) or after a whole line (the communes of the
end of Seine-Maritime lost). Each refusal names the file, what is wrong and what to do, and
leaves ``data/raw``, the manifest and ``data/processed`` as they were.
"""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_series_equal
from support.cli import assert_clean_error, ressol
from test_cli import record_new_file
from test_update import COMPARATEUR, NEW_NAME, TODAY, new_vintage_text, state

from ressol_analysis.build import build_processed
from ressol_analysis.coverage import census_geography, check_census_coverage
from ressol_analysis.errors import RessolError
from ressol_analysis.geography import communes_at
from ressol_analysis.paths import project_paths
from ressol_analysis.update import update_source

AGES = "insee_dossier_complet_2025_rp2022_ages_normandie.csv"
# The last lines of both census files: communes of Seine-Maritime, in code order.
LAST_COMMUNES = ["76755", "76756", "76757", "76758", "76759"]


def cut_in_last_line(text: str, characters: int = 40) -> str:
    """The file as an interrupted download leaves it: the last line loses its end."""
    assert len(text.rstrip("\n").rsplit("\n", 1)[-1]) > characters
    return text.rstrip("\n")[:-characters]


def without_last_lines(text: str, count: int = 5) -> str:
    """The file with its last lines gone, every remaining line complete."""
    return "\n".join(text.rstrip("\n").split("\n")[:-count]) + "\n"


def test_the_cut_files_lose_the_last_communes(root):
    text = (root / "data" / "raw" / COMPARATEUR).read_text(encoding="utf-8")
    last = [line.split(";")[0] for line in text.rstrip("\n").split("\n")[-5:]]
    assert last == LAST_COMMUNES
    assert cut_in_last_line(text).rsplit("\n", 1)[-1].startswith("76759;")


@pytest.mark.parametrize("dry_run", [True, False], ids=["essai", "mise-a-jour"])
@pytest.mark.parametrize(
    ("source", "cut", "message"),
    [
        (
            COMPARATEUR,
            cut_in_last_line,
            r"s'arrête au milieu de sa ligne 2653 \(« …[0-9.;s]+ », sans fin de ligne\) : il a "
            r"été coupé",
        ),
        (
            COMPARATEUR,
            without_last_lines,
            r"RP 2023, publié dans la géographie au 01/01/2026.*5 commune\(s\) de la/des "
            r"région\(s\) 28 manquent \(76755, 76756, 76757, 76758, 76759\).*coupé",
        ),
        (AGES, cut_in_last_line, r"s'arrête au milieu de sa ligne 2645"),
        (
            AGES,
            without_last_lines,
            r"RP 2022, publié dans la géographie au 01/01/2025.*5 commune\(s\) .*manquent "
            r"\(76755, 76756, 76757, 76758, 76759\)",
        ),
    ],
    ids=[
        "comparateur-ligne-coupee",
        "comparateur-lignes-perdues",
        "ages-ligne-coupee",
        "ages-lignes-perdues",
    ],
)
def test_update_refuses_a_cut_file(project, source, cut, message, dry_run):
    paths = project_paths(project)
    raw = paths.raw
    if source == COMPARATEUR:  # next year's edition, as the consultant would drop it in
        key, text = "comparateur", new_vintage_text(raw)
    else:
        key, text = "rp_ages", (raw / AGES).read_text(encoding="utf-8")
    new_file = project / "nouveau.csv"
    new_file.write_text(cut(text), encoding="utf-8")
    before = state(project)
    with pytest.raises(RessolError, match=message) as caught:
        update_source(paths, key, new_file, today=TODAY, dry_run=dry_run)
    assert "nouveau.csv" in str(caught.value)
    assert "Rien n'a été modifié" in str(caught.value)
    assert state(project) == before


def test_dry_run_says_what_it_would_do_and_refuses_a_cut_file(project):
    raw = project / "data" / "raw"
    (raw / NEW_NAME).write_text(new_vintage_text(raw), encoding="utf-8")
    before = state(project)
    good = ressol(project, "data", "update", "--essai")
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("Essai (--essai) : les fichiers sont valides ; rien n'a été")
    assert "Mis à jour" not in good.stdout
    assert f"remplacerait {COMPARATEUR}, RP 2022, qui serait archivé" in good.stdout
    assert state(project) == before

    (raw / NEW_NAME).write_text(cut_in_last_line(new_vintage_text(raw)), encoding="utf-8")
    cut = ressol(project, "data", "update", "--essai")
    assert_clean_error(cut, NEW_NAME, "s'arrête au milieu de sa ligne", "Rien n'a été modifié")
    assert "Mis à jour" not in cut.stdout + cut.stderr


@pytest.mark.parametrize(
    ("name", "key", "cut", "message"),
    [
        (COMPARATEUR, "comparateur", without_last_lines, r"5 commune\(s\) .* manquent"),
        (AGES, "rp_ages", cut_in_last_line, r"s'arrête au milieu de sa ligne 2645"),
        (
            "cog_dgcl_communes.csv",
            "cog_communes",
            cut_in_last_line,
            r"cog_dgcl_communes\.csv s'arrête au milieu de sa ligne",
        ),
    ],
    ids=["comparateur", "ages", "cog"],
)
def test_build_refuses_a_cut_file_even_once_registered(project, name, key, cut, message):
    path = project / "data" / "raw" / name
    path.write_text(cut(path.read_text(encoding="utf-8")), encoding="utf-8")
    record_new_file(project, key)  # registered by hand: the build must still refuse it
    processed = project / "data" / "processed"
    (processed / "marqueur.txt").write_text("données précédentes\n", encoding="utf-8")
    with pytest.raises(RessolError, match=message):
        build_processed(project_paths(project))
    assert sorted(p.name for p in processed.iterdir()) == ["marqueur.txt"]
    assert sorted(p.name for p in (project / "data").iterdir()) == ["processed", "raw"]


def test_cut_compressed_urssaf_file_is_refused(project):
    source = (
        project / "data" / "raw" / "urssaf_etab_effectifs_commune_x_ape_ze_rouen_2006_2022.csv.gz"
    )
    data = source.read_bytes()
    assert gzip.decompress(data)  # the real file reads
    cut = project / "urssaf_coupe.csv.gz"
    cut.write_bytes(data[: len(data) - 1000])
    with pytest.raises(RessolError, match=r"compressé .*incomplet ou endommagé.*à nouveau"):
        update_source(project_paths(project), "urssaf_commune_ape", cut, dry_run=True)
    plain = project / "urssaf_coupe.csv"
    plain.write_bytes(cut_in_last_line(gzip.decompress(data).decode("utf-8-sig")).encode())
    with pytest.raises(RessolError, match=r"urssaf_coupe\.csv s'arrête au milieu de sa ligne"):
        update_source(project_paths(project), "urssaf_commune_ape", plain, dry_run=True)


def test_a_short_line_in_the_middle_is_named(project):
    path = project / "nouveau.csv"
    lines = new_vintage_text(project / "data" / "raw").split("\n")
    lines[9] = ";".join(lines[9].split(";")[:10])  # line 10 lost its last columns
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(
        RessolError,
        match=r"1 ligne\(s\) n'ont pas le nombre de champs de "
        r"l'en-tête \(32\) : ligne 10 : 10 champs",
    ):
        update_source(project_paths(project), "comparateur", path, dry_run=True)


# --------------------------------------------------------------------------- worked on paper

# Today (COG 2026): 50001 (merged 50002 and 50003 on 1/1/2025), 50004 (restored out of 50001 on
# 1/1/2026, its code kept as a commune déléguée meanwhile), 14001, 14002 (renamed on 1/1/2026).
CURRENT = ["14001", "14002", "50001", "50004"]
MOVEMENTS = pd.DataFrame(
    [
        ("32", "2025-01-01", "COM", "50001", "COM", "50001"),
        ("32", "2025-01-01", "COM", "50002", "COM", "50001"),
        ("32", "2025-01-01", "COM", "50003", "COM", "50001"),
        ("32", "2025-01-01", "COM", "50004", "COMD", "50004"),
        ("32", "2025-01-01", "COM", "50004", "COM", "50001"),
        ("21", "2026-01-01", "COM", "50001", "COM", "50001"),
        ("21", "2026-01-01", "COM", "50001", "COM", "50004"),
        ("35", "2026-01-01", "COMD", "50004", "COM", "50001"),
        ("10", "2026-01-01", "COM", "14002", "COM", "14002"),
    ],
    columns=["MOD", "DATE_EFF", "TYPECOM_AV", "COM_AV", "TYPECOM_AP", "COM_AP"],
    dtype="string",
)
DEPARTEMENTS = pd.DataFrame({"DEP": ["14", "50", "61"], "REG": ["28", "28", "28"]})


def test_communes_at_undoes_the_later_movements():
    def at(year: int) -> list[str]:
        return communes_at(CURRENT, MOVEMENTS, date(year, 1, 1)).tolist()

    assert at(2026) == ["14001", "14002", "50001", "50004"]
    assert at(2025) == ["14001", "14002", "50001"]  # 50004 was part of 50001 during 2025
    assert at(2024) == ["14001", "14002", "50001", "50002", "50003", "50004"]
    assert_series_equal(
        communes_at(CURRENT, MOVEMENTS.iloc[:0], date(2020, 1, 1)),
        pd.Series(CURRENT, dtype="string"),
    )


def test_census_files_are_on_the_geography_of_their_census_plus_three():
    assert census_geography(2022) == date(2025, 1, 1)


def check(codes: list[str], census: int, cog: int = 2026) -> None:
    check_census_coverage(Path("f.csv"), codes, census, CURRENT, MOVEMENTS, DEPARTEMENTS, cog)


def test_coverage_of_a_hand_drawn_region():
    check(["14001", "14002", "50001"], census=2022)  # geography 2025: complete
    check(["14001", "14002", "50001", "50004"], census=2023)  # geography 2026
    with pytest.raises(
        RessolError,
        match=r"1 commune\(s\) de la/des région\(s\) 28 manquent "
        r"\(14002\).*coupé",
    ):
        check(["14001", "50001"], census=2022)
    with pytest.raises(
        RessolError,
        match=r"1 code\(s\) n'existent pas à cette date \(50004\)"
        r".*pas dans la géographie de son millésime",
    ):
        check(["14001", "14002", "50001", "50004"], census=2022)
    with pytest.raises(
        RessolError,
        match=r"géographie au 01/01/2027, plus récente que le COG "
        r"2026.*Mettez d'abord à jour le COG",
    ):
        check(["14001", "14002", "50001", "50004"], census=2024)
