"""ressol territoires chercher: names without accents or case, codes, a territory file to paste."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from ressol_analysis.cli import main
from ressol_analysis.errors import RessolError
from ressol_analysis.territory import load_territory
from ressol_analysis.territory_search import (
    format_search,
    normalise,
    search_areas,
    territory_id,
    territory_yaml,
)

COMMUNES = pd.DataFrame(
    {
        "CODGEO": ["50502", "50639", "07138", "68297", "50001"],
        "LIBELLE": [
            "Saint-Lô",
            "Villedieu-les-Poêles-Rouffigny",
            "Lavilledieu",
            "Saint-Louis",
            "Agon-Coutainville",
        ],
        "DEP": ["50", "50", "07", "68", "50"],
    }
)
EPCI = pd.DataFrame(
    {
        "EPCI": ["200066389", "200043354", "200043354", "200066058"],
        "EPCI_NOM": [
            "CA Saint-Lô Agglo",
            "CC de Villedieu Intercom",
            "CC de Villedieu Intercom",
            "CA Saint-Louis Agglomération",
        ],
        "NATURE": ["CA", "CC", "CC", "CA"],
        "CODGEO": ["50502", "50639", "50001", "68297"],
    }
)
DEPARTEMENTS = pd.DataFrame(
    {
        "DEP": ["07", "50", "68"],
        "REG": ["84", "28", "44"],
        "LIBELLE": ["Ardèche", "Manche", "Haut-Rhin"],
    }
)


def search(query: str):
    return search_areas(query, COMMUNES, EPCI, DEPARTEMENTS, 2026)


def test_normalise_drops_accents_case_and_separators():
    assert normalise("  SAINT-LÔ ") == "saint lo"
    assert normalise("Côte d'Ouest") == "cote d ouest"
    assert normalise("Œuilly") == "oeuilly"


def test_whole_words_first_then_parts_of_words():
    result = search("saint lo")
    assert list(result.epci["EPCI"]) == ["200066389"]  # not Saint-Louis
    assert list(result.communes["CODGEO"]) == ["50502"]
    villedieu = search("VILLEDIEU")
    assert list(villedieu.communes["CODGEO"]) == ["50639"]  # Lavilledieu is a part of a word
    part = search("villed")
    assert list(part.communes["CODGEO"]) == ["07138", "50639"]
    assert villedieu.epci.loc[0, "communes"] == 2
    assert villedieu.epci.loc[0, "DEP"] == "50"
    assert villedieu.communes.loc[0, "EPCI"] == "200043354"


def test_codes_are_found_as_codes():
    assert list(search("200043354").epci["EPCI_NOM"]) == ["CC de Villedieu Intercom"]
    assert list(search("50").departements["LIBELLE"]) == ["Manche"]
    assert list(search("50639").communes["LIBELLE"]) == ["Villedieu-les-Poêles-Rouffigny"]


def test_the_proposed_file_is_a_valid_territory(tmp_path):
    text = territory_yaml(search("villedieu"))
    content = yaml.safe_load(text)
    assert content == {
        "id": "villedieu-intercom",
        "nom": "CC de Villedieu Intercom",
        "millesime_geographie": 2026,
        "perimetre": {"epci": ["200043354"]},
    }
    path = tmp_path / "villedieu-intercom.yaml"
    path.write_text(text, encoding="utf-8")
    territory = load_territory(str(path), tmp_path)
    assert territory.id == "villedieu-intercom"
    assert territory.perimeter.codes == ("200043354",)
    communes = yaml.safe_load(territory_yaml(search("agon")))
    assert communes["perimetre"] == {"communes": ["50001"]}


def test_ids_and_too_many_matches():
    assert territory_id("CC de Villedieu Intercom") == "villedieu-intercom"
    assert territory_id("Communauté d'agglomération du Cotentin") == "cotentin"
    assert territory_id("Métropole Rouen Normandie") == "rouen-normandie"
    many = search_areas(
        "bourg",
        pd.DataFrame(
            {
                "CODGEO": [f"0{i:04d}" for i in range(20)],
                "LIBELLE": [f"Bourg {i}" for i in range(20)],
                "DEP": ["01"] * 20,
            }
        ),
        EPCI.iloc[0:0],
        DEPARTEMENTS,
        2026,
    )
    assert territory_yaml(many) is None
    text = format_search(many)
    assert "Communes (code Insee) (20)" in text
    assert "… et 5 autre(s) : précisez la recherche." in text
    assert "Trop de résultats" in text


def test_empty_query_is_refused():
    with pytest.raises(RessolError, match="partie du nom"):
        search(" - ")


def test_command_on_the_project_files(root, capsys):
    assert main(["--racine", str(root), "territoires", "chercher", "villedieu"]) == 0
    out = capsys.readouterr().out
    assert "200043354  CC de Villedieu Intercom (CC, 27 communes, département 50)" in out
    assert "50639  Villedieu-les-Poêles-Rouffigny" in out
    assert 'id: villedieu-intercom\nnom: "CC de Villedieu Intercom"' in out
    assert '    - "200043354"  # CC de Villedieu Intercom' in out
    assert main(["--racine", str(root), "territoires", "chercher", "saint-lô"]) == 0
    out = capsys.readouterr().out
    assert "200066389  CA Saint-Lô Agglo" in out and "Saint-Louis" not in out
    assert main(["--racine", str(root), "territoires", "chercher", "Xyzzy"]) == 2
    err = capsys.readouterr().err
    assert "Aucune intercommunalité, commune ni département ne contient « Xyzzy »" in err
    assert "Traceback" not in err
