"""Every YAML a person writes goes through one reader that refuses what YAML would misread.

PyYAML (YAML 1.1) silently keeps the last of two equal keys, reads ``050`` as the octal 40,
``01001`` as 513 and ``10:30`` as 630. In a territory file, a scenarios folder (definition,
members' grids, decision) or an action sheet, each of these is refused with the file, the line,
the key and what to write instead; the CLI ends with exit 2 and that French message.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.cli import assert_clean_error, ressol

from ressol_analysis import plan_sheets
from ressol_analysis import scenarios_sheets as ss
from ressol_analysis.inputs import AmbiguousNumberError, DuplicateKeyError, load_yaml
from ressol_analysis.territory import load_territory

FIXTURES = Path(__file__).parent / "fixtures"

# --------------------------------------------------------------------------- the reader


def read(tmp_path: Path, text: str):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return load_yaml(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: 1\nb: 050\n",
            r"f\.yaml, ligne 2, « b » : 050 est un nombre écrit avec un zéro en tête, sans "
            r"guillemets\. YAML le lit comme le nombre 40 \(en octal\), pas comme 050\. Si c'est "
            r'un code ou un texte, mettez-le entre guillemets \("050"\) ; si c\'est un nombre, '
            r"écrivez-le sans le zéro en tête \(50\)\.$",
        ),
        (
            # 089 is not octal: YAML 1.1 gives the text "089", while 050 gives 40.
            "codes:\n  - '050'\n  - 089\n",
            r"ligne 3, « codes › 2 » : 089 est un nombre.*tantôt en octal \(050 devient 40\), "
            r"tantôt comme texte.*\(89\)\.$",
        ),
        (
            "reunion:\n  heure: 10:30\n",
            r"ligne 2, « reunion › heure » : 10:30 est écrit avec « : », sans guillemets\. YAML le "
            r'lit comme un nombre en base 60 \(630\), pas comme 10:30\..*\("10:30"\)\.$',
        ),
        (
            "notes:\n  07: {cout: 3}\n",
            r"ligne 2, « notes › clé 07 » : 07 est un nombre écrit avec un zéro en tête",
        ),
        ("- -0050\n", r"ligne 1, « 1 » : -0050 est.*le nombre -40.*\(-50\)\.$"),
    ],
)
def test_numbers_yaml_would_misread_are_refused(tmp_path, text, message):
    with pytest.raises(AmbiguousNumberError, match=message):
        read(tmp_path, text)


def test_what_yaml_reads_as_typed_is_kept(tmp_path):
    content = read(
        tmp_path,
        "code: '050'\nzero: 0\nratio: 0.5\nmontant: 1_000\nheure: '10:30'\nnon: 10:75\n"
        "oui: yes\nbooleen: true\ndate: 2026-06-15\nfausse: 2026-13-01\n",
    )
    assert content == {
        "code": "050",
        "zero": 0,
        "ratio": 0.5,
        "montant": 1000,
        "heure": "10:30",
        "non": "10:75",
        "oui": "yes",
        "booleen": True,
        "date": __import__("datetime").date(2026, 6, 15),
        "fausse": "2026-13-01",
    }


def test_a_key_written_twice_is_refused_before_a_misread_number(tmp_path):
    with pytest.raises(
        DuplicateKeyError, match=r"ligne 3 : la clé « a » est écrite deux fois \(dans « x »\)"
    ):
        read(tmp_path, "x:\n  a: 050\n  a: 2\n")


# --------------------------------------------------------------------------- each file


def territory(tmp_path: Path, line: str):
    path = tmp_path / "t.yaml"
    path.write_text(f'id: t\nnom: T\nperimetre:\n  epci: ["200000001"]\n{line}\n', "utf-8")
    return lambda: load_territory(path, tmp_path)


def scenarios_folder(tmp_path: Path, name: str, old: str, new: str):
    folder = Path(shutil.copytree(FIXTURES / "scenarios", tmp_path / "scenarios"))
    path = folder / name
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return lambda: ss.read_folder(folder)


def fiche(tmp_path: Path, old: str, new: str):
    folder = tmp_path / "fiches"
    folder.mkdir()
    text = (FIXTURES / "plan" / "contributeur_a.yaml").read_text(encoding="utf-8")
    assert old in text
    (folder / "a.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return lambda: plan_sheets.read_sheets(folder)


DECISION = "scenario: pole\ndate: 2026-03-12\n"


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (
            lambda p: territory(p, "comparaisons:\n  - id: z\n    nom: Z\n    communes: [050502]"),
            AmbiguousNumberError,
            r"t\.yaml, ligne 8, « comparaisons › 1 › communes › 1 » : 050502 .*entre guillemets",
        ),
        (
            lambda p: territory(p, "nom: U"),
            DuplicateKeyError,
            r"t\.yaml, ligne 5 : la clé « nom » est écrite deux fois",
        ),
        (
            lambda p: scenarios_folder(
                p, "scenarios.yaml", "budget: 90000, etp: 2", "budget: 090000, etp: 2"
            ),
            AmbiguousNumberError,
            r"scenarios\.yaml, ligne \d+, « scenarios › 2 › moyens › 1 › budget » : 090000 .*"
            r"\(90000\)",
        ),
        (
            lambda p: scenarios_folder(
                p, "scenarios.yaml", "exemple: true", "exemple: true\nexemple: false"
            ),
            DuplicateKeyError,
            r"scenarios\.yaml, ligne 3 : la clé « exemple » est écrite deux fois",
        ),
        (
            lambda p: scenarios_folder(p, "grilles/alpha.yaml", "pertinence: 4", "pertinence: 04"),
            AmbiguousNumberError,
            r"alpha\.yaml, ligne 3, « notes › reseau › pertinence » : 04 est un nombre",
        ),
        (
            lambda p: scenarios_folder(p, "grilles/alpha.yaml", "cout: 2", "cout: 2, cout: 3"),
            ss.RessolError,
            r"alpha\.yaml, ligne 4, membre « Association Alpha », scénario « pole », "
            r"critère « cout » : le critère est noté deux fois",
        ),
        (
            lambda p: scenarios_folder(p, "decision.yaml", "", DECISION + "scenario: 01\n"),
            DuplicateKeyError,
            r"decision\.yaml, ligne 3 : la clé « scenario » est écrite deux fois",
        ),
        (
            lambda p: scenarios_folder(p, "decision.yaml", "", "scenario: 01\ndate: 2026-03-12\n"),
            AmbiguousNumberError,
            r'decision\.yaml, ligne 1, « scenario » : 01 est .*entre guillemets \("01"\)',
        ),
        (
            lambda p: fiche(p, "budget_total: 10000", "budget_total: 010000"),
            AmbiguousNumberError,
            r"a\.yaml, ligne \d+, « fiches › 1 › budget_total » : 010000 .*le nombre 4096 "
            r"\(en octal\).*\(10000\)",
        ),
        (
            lambda p: fiche(
                p, "budget_total: 10000", "budget_total: 10000\n    budget_total: 9000"
            ),
            DuplicateKeyError,
            r"a\.yaml, ligne \d+ : la clé « budget_total » est écrite deux fois "
            r"\(dans « fiches › 1 »\)",
        ),
    ],
    ids=[
        "territoire-octal",
        "territoire-double",
        "scenarios-octal",
        "scenarios-double",
        "grille-octal",
        "grille-double",
        "decision-double",
        "decision-octal",
        "fiche-octal",
        "fiche-double",
    ],
)
def test_each_hand_written_file_refuses_both(tmp_path, make, error, message):
    reader = make(tmp_path)
    with pytest.raises(error, match=message):
        reader()


# --------------------------------------------------------------------------- the command


def test_the_command_ends_with_exit_2_and_the_french_message(tmp_path):
    folder = Path(shutil.copytree(FIXTURES / "scenarios", tmp_path / "scenarios"))
    grid = folder / "grilles" / "alpha.yaml"
    grid.write_text(grid.read_text(encoding="utf-8").replace("cout: 5", "cout: 05"), "utf-8")
    out = tmp_path / "classement.csv"
    (tmp_path / "data" / "raw").mkdir(parents=True)  # a project root, nothing else needed
    result = ressol(tmp_path, "scenarios", "build", str(folder), "--output", str(out))
    assert_clean_error(
        result,
        f"Dans {grid}, ligne 3, « notes › reseau › cout » : 05 est un nombre écrit avec un zéro",
        'mettez-le entre guillemets ("05")',
        "écrivez-le sans le zéro en tête (5)",
    )
    assert not out.exists()


def test_a_territory_file_with_an_unquoted_leading_zero_stops_the_report(built_project, tmp_path):
    path = tmp_path / "villedieu.yaml"
    path.write_text("id: villedieu\nnom: Villedieu\nperimetre:\n  communes: [050639]\n", "utf-8")
    result = ressol(built_project, "report", "--territory", str(path), "--sans-pdf")
    assert_clean_error(
        result, f"Dans {path}, ligne 4, « perimetre › communes › 1 » : 050639", "(50639)"
    )
    assert not (built_project / "reports" / "villedieu").exists()
