import pandas as pd
import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.multi import epcis_of, index_page, ranking_table, write_territory_files
from ressol_analysis.territory import load_territory

COMMUNES = pd.DataFrame(
    {
        "CODGEO": ["50001", "50002", "50003", "14001"],
        "DEP": ["50", "50", "50", "14"],
        "REG": ["28", "28", "28", "28"],
        "EPCI": ["200000002", "200000001", "200000002", "200000003"],
        "EPCI_NOM": ["CC Bocage", "CA Agglo", "CC Bocage", "CC Calvados"],
    },
    dtype="string",
)


def test_epcis_of_a_departement_sorted_by_name():
    epcis = epcis_of("dep-50", COMMUNES)
    assert epcis["EPCI"].tolist() == ["200000001", "200000002"]
    assert epcis_of("reg-28", COMMUNES)["EPCI"].tolist() == ["200000001", "200000002", "200000003"]


def test_bad_area_codes():
    with pytest.raises(RessolError, match=r"« manche » n'est pas un code.*dep-50"):
        epcis_of("manche", COMMUNES)
    with pytest.raises(RessolError, match=r"Aucune commune.*974"):
        epcis_of("dep-974", COMMUNES)


def test_territory_files_are_valid_five_line_territories(tmp_path):
    paths = write_territory_files(epcis_of("dep-50", COMMUNES), tmp_path, 2026)
    assert [p.name for p in paths] == ["epci-200000001.yaml", "epci-200000002.yaml"]
    assert len(paths[0].read_text(encoding="utf-8").splitlines()) == 5
    territory = load_territory(paths[1], tmp_path)
    assert territory.id == "epci-200000002" and territory.name == "CC Bocage"
    assert territory.perimeter.codes == ("200000002",)


def test_ranking_uses_only_the_compared_territories():
    indicators = pd.DataFrame(
        {
            "territoire_code": ["a", "b", "c", "dep-50", "a", "b", "c"],
            "territoire": ["A", "B", "C", "Manche", "A", "B", "C"],
            "indicateur": ["population"] * 4 + ["part_60_ans_plus"] * 3,
            "valeur": [100.0, 300.0, 200.0, 5000.0, 30.0, 20.0, 30.0],
        }
    )
    table = ranking_table(indicators, ["a", "b", "c"]).set_index("territoire_code")
    assert table["rang_population"].to_dict() == {"a": 3, "b": 1, "c": 2}
    # Ties share the best rank.
    assert table["rang_part_60_ans_plus"].to_dict() == {"a": 1, "b": 3, "c": 1}
    page = index_page("Manche (département 50)", table.reset_index(), {"a": "a/r/index.html"}, True)
    assert '<html lang="fr">' in page and 'href="a/r/index.html"' in page
    assert "données synthétiques de démonstration" in page
    assert "300" in page and "rang 1" in page
