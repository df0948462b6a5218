from datetime import date

import pandas as pd
import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.geography import build_passage
from ressol_analysis.inputs import AmbiguousNumberError, DuplicateKeyError
from ressol_analysis.territory import Geography, load_territory, resolve

COMMUNES = pd.DataFrame(
    {
        "CODGEO": ["50001", "50002", "50003", "14001", "61001"],
        "LIBELLE": ["A", "B", "C", "D", "E"],
        "DEP": ["50", "50", "50", "14", "61"],
        "REG": ["28", "28", "28", "28", "28"],
        "EPCI": ["200000001", "200000001", "200000002", "200000003", "200000004"],
        "EPCI_NOM": ["CC Un", "CC Un", "CC Deux", "CC Trois", "CC Quatre"],
    },
    dtype="string",
)
MOVES = pd.DataFrame(
    [("32", "2017-01-01", "COM", "50999", "COM", "50001")],
    columns=["MOD", "DATE_EFF", "TYPECOM_AV", "COM_AV", "TYPECOM_AP", "COM_AP"],
    dtype="string",
)
GEO = Geography(
    communes=COMMUNES,
    departements=pd.DataFrame(
        {"DEP": ["14", "50", "61"], "LIBELLE": ["Calvados", "Manche", "Orne"]}
    ),
    regions=pd.DataFrame({"REG": ["28"], "LIBELLE": ["Normandie"]}),
    passage=build_passage(MOVES, date(1943, 1, 1)),
    year=2026,
)


def write(tmp_path, text):
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_real_centre_manche_file(root):
    territory = load_territory("centre-manche", root / "territoires")
    assert territory.perimeter.codes == ("200066389", "200067023", "200067031")
    assert [c.code for c in territory.comparisons] == ["dep-50", "basse-normandie", "reg-28"]
    assert territory.comparisons[1].codes == ("14", "50", "61")
    assert territory.scenarios == root / "scenarios"  # relative to the territory file
    assert load_territory("saint-lo-agglo", root / "territoires").scenarios is None


def test_five_line_epci_territory_gets_its_departement_and_region(tmp_path):
    path = write(
        tmp_path,
        'id: cc-un\nnom: CC Un\nmillesime_geographie: 2026\nperimetre:\n  epci: ["200000001"]\n',
    )
    areas = resolve(load_territory(path, tmp_path), GEO)
    summary = areas.groupby(["ordre", "territoire_code", "territoire", "niveau"]).size()
    assert summary.to_dict() == {
        (0, "cc-un", "CC Un", "territoire"): 2,
        (1, "dep-50", "Manche", "comparaison"): 3,
        (2, "reg-28", "Normandie", "comparaison"): 5,
    }


def test_epcis_of_a_multi_epci_territory_are_areas(tmp_path):
    path = write(
        tmp_path,
        'id: t\nnom: T\nperimetre:\n  epci: ["200000001", "200000002"]\ncomparaisons:\n'
        '  - id: bn\n    nom: Basse\n    departements: ["14", "50", "61"]\n',
    )
    areas = resolve(load_territory(path, tmp_path), GEO)
    names = areas.drop_duplicates("territoire_code").set_index("territoire_code")["territoire"]
    assert names.to_dict() == {
        "t": "T",
        "epci-200000001": "CC Un",
        "epci-200000002": "CC Deux",
        "bn": "Basse",
    }
    assert sorted(areas.loc[areas["territoire_code"] == "bn", "CODGEO"]) == [
        "14001",
        "50001",
        "50002",
        "50003",
        "61001",
    ]


def test_old_commune_codes_are_moved_to_the_current_cog(tmp_path):
    path = write(tmp_path, 'id: t\nnom: T\nperimetre:\n  communes: ["50999", "50003"]\n')
    areas = resolve(load_territory(path, tmp_path), GEO)
    assert sorted(areas.loc[areas["territoire_code"] == "t", "CODGEO"]) == ["50001", "50003"]


def test_unknown_commune_codes_are_listed(tmp_path):
    path = write(tmp_path, 'id: t\nnom: T\nperimetre:\n  communes: ["50001", "50777", "1234"]\n')
    with pytest.raises(RessolError, match=r"inconnu.*1234, 50777"):
        resolve(load_territory(path, tmp_path), GEO)


def test_unknown_epci_is_named(tmp_path):
    path = write(tmp_path, 'id: t\nnom: T\nperimetre:\n  epci: ["200000001", "123456789"]\n')
    with pytest.raises(RessolError, match=r"t\.yaml, EPCI\(s\) inconnu\(s\).*123456789.*SIREN"):
        resolve(load_territory(path, tmp_path), GEO)


def test_unquoted_codes_are_refused(tmp_path):
    path = write(tmp_path, "id: t\nnom: T\nperimetre:\n  communes: [50001, 50002]\n")
    with pytest.raises(RessolError, match=r"sans guillemets \(50001, 50002\).*entre guillemets"):
        load_territory(path, tmp_path)


def test_leading_zero_codes_are_refused_instead_of_turning_octal(tmp_path):
    # YAML 1.1 reads 01001 as the octal number 513: the error used to show codes nobody typed.
    path = write(tmp_path, "id: t\nnom: T\nperimetre:\n  communes: [01001, 50002]\n")
    with pytest.raises(
        AmbiguousNumberError,
        match=r"t\.yaml, ligne 4, « perimetre › communes › 1 » : 01001 est un nombre écrit avec "
        r"un zéro en tête, sans guillemets\. YAML le lit comme le nombre 513 \(en octal\), pas "
        r'comme 01001\. Si c\'est un code ou un texte, mettez-le entre guillemets \("01001"\)',
    ):
        load_territory(path, tmp_path)
    path = write(tmp_path, 'id: t\nnom: T\nperimetre:\n  communes: ["01001", "050002"]\n')
    assert load_territory(path, tmp_path).perimeter.codes == ("01001", "050002")


def test_a_key_written_twice_in_a_territory_file(tmp_path):
    # PyYAML alone keeps the second perimeter: the report would describe another territory.
    text = 'id: t\nnom: T\nperimetre:\n  epci: ["200000001"]\nperimetre:\n  epci: ["200000002"]\n'
    path = write(tmp_path, text)
    with pytest.raises(
        DuplicateKeyError, match=r"t\.yaml, ligne 5 : la clé « perimetre » est écrite deux fois"
    ):
        load_territory(path, tmp_path)


def test_unreadable_yaml_says_where_and_why_in_french(tmp_path):
    path = write(tmp_path, 'id: t\nnom: T\nperimetre:\n\tepci: ["200000001"]\n')
    with pytest.raises(
        RessolError,
        match=r"t\.yaml n'est pas un YAML valide \(ligne 4, colonne 1\)"
        r" : cette ligne est indentée avec une tabulation",
    ):
        load_territory(path, tmp_path)
    path = write(tmp_path, "id: t\nnom: Saint-Lô: agglo\nperimetre:\n  epci: []\n")
    with pytest.raises(RessolError, match=r"\(ligne 2, colonne 14\).*entre guillemets"):
        load_territory(path, tmp_path)
    path.write_bytes("id: t\nnom: Saint-Lô\n".encode("cp1252"))
    with pytest.raises(
        RessolError, match=r"n'est pas encodé en UTF-8 \(caractère illisible ligne 2\)"
    ):
        load_territory(path, tmp_path)


def test_unknown_territory_lists_the_available_ones(root):
    with pytest.raises(RessolError, match=r"« pays-inconnu » introuvable.*centre-manche"):
        load_territory("pays-inconnu", root / "territoires")


def test_wrong_geography_vintage(tmp_path):
    path = write(
        tmp_path, 'id: t\nnom: T\nmillesime_geographie: 2024\nperimetre:\n  epci: ["200000001"]\n'
    )
    with pytest.raises(RessolError, match=r"géographie 2024.*COG 2026"):
        resolve(load_territory(path, tmp_path), GEO)


def test_unknown_key_and_bad_perimeter(tmp_path):
    path = write(tmp_path, 'id: t\nnom: T\nperimetre:\n  epci: ["200000001"]\nterritoir: x\n')
    with pytest.raises(RessolError, match=r"clé\(s\) inconnue\(s\) : territoir"):
        load_territory(path, tmp_path)
    path = write(
        tmp_path, 'id: t\nnom: T\nperimetre:\n  epci: ["200000001"]\n  communes: ["50001"]\n'
    )
    with pytest.raises(RessolError, match=r"exactement un périmètre.*epci, communes"):
        load_territory(path, tmp_path)


def test_the_scenarios_folder_a_territory_names(built_project, tmp_path):
    from ressol_analysis import context

    text = 'id: cc-un\nnom: CC Un\nperimetre:\n  epci: ["200066389"]\nscenarios: {}\n'
    good = tmp_path / "bon.yaml"
    good.write_text(text.format(built_project / "scenarios"), encoding="utf-8")
    diag = context.load(str(good), str(built_project))
    assert diag.scenario_folder().members == 7
    assert diag.scenarios_path(tmp_path) == tmp_path  # a folder given wins
    bad = tmp_path / "faux.yaml"
    bad.write_text(text.format("introuvable"), encoding="utf-8")
    diag = context.load(str(bad), str(built_project))
    with pytest.raises(RessolError, match=r"introuvable, nommé par la clé « scenarios » de .*faux"):
        diag.scenario_folder()


def test_fiches_and_2013_diagnostic_are_keys_of_the_territory_file(root, tmp_path):
    centre = load_territory("centre-manche", root / "territoires")
    assert centre.fiches == root / "plan" / "exemples"
    assert centre.diagnostic_2013.name == "diagnostic_2013.yaml"  # the package's file
    # Another territory names neither: no example sheets, no 2013 figures of Centre Manche.
    other = load_territory("saint-lo-agglo", root / "territoires")
    assert other.fiches is None and other.diagnostic_2013 is None
    (tmp_path / "chiffres.yaml").write_text("territoire: cc-un\nchiffres: []\n", encoding="utf-8")
    base = 'id: cc-un\nnom: CC Un\nperimetre:\n  epci: ["200000001"]\n'
    beside = load_territory(write(tmp_path, base + "diagnostic_2013: chiffres.yaml\n"), tmp_path)
    assert beside.diagnostic_2013 == tmp_path / "chiffres.yaml"
    with pytest.raises(RessolError, match="« absent.yaml » de la clé diagnostic_2013"):
        load_territory(write(tmp_path, base + "diagnostic_2013: absent.yaml\n"), tmp_path)


def test_the_fiches_folder_a_territory_names(built_project, tmp_path):
    from ressol_analysis import context
    from ressol_analysis.plan_text import heading

    text = 'id: cc-un\nnom: CC Un\nperimetre:\n  epci: ["200066389"]\n'
    none = tmp_path / "sans.yaml"
    none.write_text(text, encoding="utf-8")
    diag = context.load(str(none), str(built_project))
    assert diag.plan_folder() is None and diag.action_plan() is None
    assert diag.reference_2013 is None
    said = heading(None, "CC Un", None)
    assert "aucune fiche action n'est encore rattachée à ce territoire" in said
    assert "fiches:" in said and "--fiches DOSSIER" in said
    bad = tmp_path / "faux.yaml"
    bad.write_text(text + "fiches: introuvable\n", encoding="utf-8")
    with pytest.raises(RessolError, match=r"introuvable, nommé par la clé « fiches » de .*faux"):
        context.load(str(bad), str(built_project)).plan_folder()
    # Each chapter names the comparison areas of the territory file, not another's.
    assert diag.heading == (
        "**Territoire : CC Un**\n\n**Zones de comparaison :** Manche ; Normandie."
    )
