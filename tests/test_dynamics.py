"""Dynamics since 2013: each rule on a hand-built stock, in Parquet, CSV and the official zip.

The stock is dated 31 March 2026 (latest ``dateDernierTraitementEtablissement``): creations and
closures run from 2013 to 2025, active establishments are counted each 1 January from 2013 to
2026, survival cohorts run from 2013 to 2022. Every expected value below is counted by hand from
the rows of :data:`ROWS`.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from support.facts import assert_states

from ressol_analysis import dynamics, ess
from ressol_analysis.errors import RessolError
from ressol_analysis.sources.sirene_dates import read_sirene_dates
from ressol_analysis.sources.sirene_files import typed_table

STOCK = date(2026, 3, 31)
UPDATE = "2026-03-31T06:00:00.000"
# siret suffix, commune, state, creation, dateDebut, catégorie juridique, ESS flag — and why.
ROWS = [
    ("01", "50431", "A", "2012-06-15", "2012-06-15", "9220", "O"),  # ESS association since 2012
    ("02", "50119", "F", "2014-03-10", "2017-03-10", "9220", "O"),  # old code; closed at 3 years
    ("03", "75101", "F", "2014-03-10", "2017-03-11", "5499", "N"),  # arrondissement; 3 y + 1 day
    ("04", "50431", "F", "2015-07-01", "2020-01-01", "5499", "N"),  # closed on 1 January 2020
    ("05", "50431", "A", "1900-01-01", "1900-01-01", "5458", "O"),  # INSEE's « non déterminée »
    ("06", "50431", "F", None, "2019-05-01", "5499", "N"),  # no creation date
    ("07", "50431", "F", "2010-01-01", "2011-05-05", "9220", "O"),  # closed before 2013: left out
    ("08", "75101", "F", "2016-02-01", None, "5710", "N"),  # closed, no closure date
    ("09", "50431", "A", "2023-05-05", "2023-05-05", "5710", "N"),  # created 2023 (no cohort)
    ("10", "14118", "A", "2015-01-01", "2015-01-01", "9220", "O"),  # outside the areas
    ("11", "50431", "A", "2025-12-31", "2025-12-31", "9300", "O"),  # foundation created 2025
    ("12", "50431", "A", "2013-01-01", "2013-01-01", "5458", "O"),  # coop created on 1 Jan 2013
]
MEMBERSHIP = pd.DataFrame(
    {
        "territoire_code": ["zone", "zone", "paris"],
        "territoire": ["Zone", "Zone", "Paris"],
        "CODGEO": ["50431", "75056", "75056"],
    },
    dtype="string",
)
PASSAGE = pd.DataFrame(
    {"code_ancien": ["50119", "75101"], "code_actuel": ["50431", "75056"]}, dtype="string"
)


def stock_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    etab = pd.DataFrame(
        {
            "siren": [f"1000000{r[0]}" for r in ROWS],
            "nic": "00010",
            "siret": [f"1000000{r[0]}00010" for r in ROWS],
            "statutDiffusionEtablissement": "O",
            "dateCreationEtablissement": [r[3] for r in ROWS],
            "trancheEffectifsEtablissement": "NN",
            "anneeEffectifsEtablissement": None,
            "dateDernierTraitementEtablissement": UPDATE,
            "codeCommuneEtablissement": [r[1] for r in ROWS],
            "dateDebut": [r[4] for r in ROWS],
            "etatAdministratifEtablissement": [r[2] for r in ROWS],
            "activitePrincipaleEtablissement": "88.99B",
            "nomenclatureActivitePrincipaleEtablissement": "NAFRev2",
        },
        dtype=object,
    )
    units = pd.DataFrame(
        {
            "siren": etab["siren"],
            "statutDiffusionUniteLegale": "O",
            "dateDernierTraitementUniteLegale": UPDATE,
            "denominationUniteLegale": "DEMO",
            "categorieJuridiqueUniteLegale": [r[5] for r in ROWS],
            "economieSocialeSolidaireUniteLegale": [r[6] for r in ROWS],
        },
        dtype=object,
    )
    return etab, units


def write_stock(folder: Path, fmt: str) -> Path:
    """Write the hand-built stock as Parquet (dates typed), CSV or the official zip."""
    folder.mkdir()
    for stem, frame in zip(
        ("StockEtablissement_utf8", "StockUniteLegale_utf8"), stock_frames(), strict=True
    ):
        if fmt == "parquet":
            pq.write_table(typed_table(frame), folder / f"{stem}.parquet")
            continue
        frame.to_csv(folder / f"{stem}.csv", index=False)
        if fmt == "zip":
            with zipfile.ZipFile(folder / f"{stem}.zip", "w") as archive:
                archive.write(folder / f"{stem}.csv", f"{stem}.csv")
            (folder / f"{stem}.csv").unlink()
    return folder


def indicators(folder: Path) -> pd.DataFrame:
    found = read_sirene_dates(folder, MEMBERSHIP, PASSAGE, dynamics.FIRST_YEAR)
    table = found.join(ess.ess_membership(found))
    stock = dynamics.stock_date(found.attrs["date_stock"], table)
    return dynamics.dynamics_indicators(table, MEMBERSHIP, stock, "source", "millésime")


@pytest.fixture(scope="module")
def by_format(tmp_path_factory) -> dict[str, pd.DataFrame]:
    root = tmp_path_factory.mktemp("dates")
    return {fmt: indicators(write_stock(root / fmt, fmt)) for fmt in ("parquet", "csv", "zip")}


@pytest.fixture(scope="module")
def zone(by_format) -> pd.Series:
    table = by_format["parquet"]
    return table[table["territoire_code"] == "zone"].set_index("indicateur")["valeur"]


def test_parquet_csv_and_zip_give_the_same_figures(by_format):
    pd.testing.assert_frame_equal(by_format["parquet"], by_format["csv"])
    pd.testing.assert_frame_equal(by_format["parquet"], by_format["zip"])


def test_period_follows_the_stock_date():
    years = dynamics.period(STOCK)
    assert years["flux"] == list(range(2013, 2026))
    assert years["actifs"] == list(range(2013, 2027))
    assert years["cohortes"] == list(range(2013, 2023))
    # A stock of 31 December closes its own year.
    assert dynamics.period(date(2025, 12, 31))["flux"][-1] == 2025
    assert dynamics.period(date(2025, 12, 31))["actifs"][-1] == 2026
    assert dynamics.period(date(2025, 12, 30))["actifs"][-1] == 2025
    assert dynamics.period(date(2026, 1, 1))["flux"][-1] == 2025


def test_creation_and_closure_years(zone):
    created = {y: zone[f"etablissements_crees_{y}"] for y in range(2013, 2026)}
    assert {y: n for y, n in created.items() if n} == {2013: 1, 2014: 2, 2015: 1, 2023: 1, 2025: 1}
    closed = {y: zone[f"etablissements_fermes_{y}"] for y in range(2013, 2026)}
    # Row 06 closed in 2019 but has no creation date: « date inconnue », in no series.
    assert {y: n for y, n in closed.items() if n} == {2017: 2, 2020: 1}
    assert zone["ess_etablissements_crees_2014"] == 1  # row 02 (the other is not ESS)
    assert zone["ess_etablissements_fermes_2017"] == 1


def test_active_on_1_january_includes_a_closure_on_that_day(zone):
    active = [zone[f"etablissements_actifs_01_01_{y}"] for y in range(2013, 2027)]
    # 2013: only row 01 (row 12 was created on 1 January 2013, not before it).
    assert active == [1, 2, 4, 5, 5, 3, 3, 3, 2, 2, 2, 3, 3, 4]
    # Row 04 closed on 1 January 2020: active that day, closed in 2020, gone on 1 January 2021.
    ess_active = [zone[f"ess_etablissements_actifs_01_01_{y}"] for y in range(2013, 2027)]
    assert ess_active == [1, 2, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 3]


def test_stock_identity_holds(zone):
    for scope in ("", "ess_"):
        for y in range(2013, 2026):
            before = zone[f"{scope}etablissements_actifs_01_01_{y}"]
            flows = (
                zone[f"{scope}etablissements_crees_{y}"] - zone[f"{scope}etablissements_fermes_{y}"]
            )
            assert zone[f"{scope}etablissements_actifs_01_01_{y + 1}"] == before + flows


def test_missing_dates_are_counted_not_dropped(zone):
    # Rows 05 (1900-01-01), 06 (no creation), 08 (closed, no closure date); row 07 closed
    # before 2013 is out of scope, row 10 is outside the areas.
    assert zone["etablissements_date_inconnue"] == 3
    assert zone["ess_etablissements_date_inconnue"] == 1


def test_active_establishment_without_date_debut_is_dated():
    # The issue counts a missing dateDebut « date inconnue »; the rules only read dateDebut
    # for a closed establishment, so an active one with a known creation date stays in every
    # series (docs/methode_ess.md, rule 9). Its closure is the missing one only when closed.
    history = pd.DataFrame(
        {
            "CODGEO": ["50431"] * 3,
            "etatAdministratifEtablissement": ["A", "A", "F"],
            "dateCreationEtablissement": ["2014-05-01", "2014-05-01", "2014-05-01"],
            "dateDebut": [None, "pas une date", ""],
            "ess": [False, True, False],
            "famille": [None, "associations", None],
        }
    )
    rows = dynamics.dated(history, STOCK)
    assert rows["inconnue"].tolist() == [False, False, True]
    sums = dynamics.dynamics_sums(history, MEMBERSHIP, STOCK).loc["zone"]
    assert sums["etablissements_crees_2014"] == 2
    assert sums["etablissements_actifs_01_01_2026"] == 2
    assert sums["etablissements_date_inconnue"] == 1
    assert sums["etablissements_survivants_3_ans"] == 2


def test_survival_exactly_at_three_years_is_not_survival(zone):
    # Cohorts 2013-2022: rows 12 (active), 02 (closed exactly 3 years after), 03 (3 years and
    # one day), 04 (closed after 4 years): 3 survivors out of 4.
    assert zone["etablissements_cohortes_survie_3_ans"] == 4
    assert zone["taux_survie_3_ans"] == 75.0
    assert zone["ess_taux_survie_3_ans"] == 50.0
    assert zone["ess_taux_survie_3_ans_associations"] == 0.0
    assert zone["ess_taux_survie_3_ans_cooperatives"] == 100.0
    assert pd.isna(zone["ess_taux_survie_3_ans_fondations"])  # created 2025: no cohort


def test_evolution_since_2013(zone):
    assert zone["evolution_etablissements_actifs_depuis_2013"] == 300.0
    assert zone["ess_evolution_etablissements_actifs_depuis_2013"] == 200.0


def test_arrondissement_counts_in_its_commune(by_format):
    paris = by_format["csv"]
    paris = paris[paris["territoire_code"] == "paris"].set_index("indicateur")["valeur"]
    # Rows 03 and 08 are coded 75101 (Paris 1er): both are Paris's.
    assert paris["etablissements_crees_2014"] == 1
    assert paris["etablissements_fermes_2017"] == 1
    assert paris["etablissements_date_inconnue"] == 1
    assert paris["taux_survie_3_ans"] == 100.0


def test_every_area_has_the_same_keys_and_units(by_format):
    table = by_format["parquet"]
    keys = table.groupby("territoire_code")["indicateur"].agg(tuple)
    assert keys.nunique() == 1
    units = dynamics.indicator_units(STOCK)
    assert list(keys.iloc[0]) == list(units)
    assert "ess_taux_survie_3_ans_associations" in units
    assert units["ess_evolution_etablissements_actifs_depuis_2013"] == "%"


def test_yearly_series_indexes_on_2013():
    table = indicators_frame()
    series = dynamics.yearly_series(table)
    zone = series[(series["territoire_code"] == "zone") & (series["champ"] == "ensemble")]
    assert zone["annee"].tolist() == list(range(2013, 2027))
    assert zone["indice"].tolist()[:3] == [100.0, 200.0, 400.0]
    first = zone.iloc[1]  # 2014: 2 created for 2 active on 1 January
    assert first["taux_creation"] == 100.0


def indicators_frame() -> pd.DataFrame:
    etab, units = stock_frames()
    table = etab.merge(units, on="siren")
    table["CODGEO"] = table["codeCommuneEtablissement"].replace(
        {"50119": "50431", "75101": "75056"}
    )
    table = table[table["dateDebut"].ne("2011-05-05").fillna(True)]
    table = table.join(ess.ess_membership(table))
    return dynamics.dynamics_indicators(table, MEMBERSHIP, STOCK, "s", "m")


def test_reader_refuses_a_stock_without_dates(tmp_path):
    folder = write_stock(tmp_path / "csv", "csv")
    path = folder / "StockEtablissement_utf8.csv"
    table = pd.read_csv(path, dtype=str).drop(columns="dateDebut")
    table.to_csv(path, index=False)
    with pytest.raises(RessolError, match="dateDebut"):
        read_sirene_dates(folder, MEMBERSHIP, PASSAGE, dynamics.FIRST_YEAR)


AREAS = pd.DataFrame(
    {
        "territoire_code": ["zone", "paris"],
        "territoire": ["Zone", "Paris"],
        "niveau": ["territoire", "comparaison"],
        "ordre": [0, 1],
    }
)


def test_section_tables_and_findings_say_the_hand_counted_figures():
    from ressol_analysis import dynamics_text

    table = indicators_frame()
    by_area = dynamics_text.areas_table(table, AREAS).set_index("Zone")
    assert by_area.at["Zone", "ESS actifs au 1er janv. 2013"] == 1
    assert by_area.at["Zone", "ESS actifs au 1er janv. 2026"] == 3
    assert by_area.at["Zone", "Évolution ESS"] == 200.0
    assert by_area.at["Zone", "Survie à 3 ans, tous"] == 75.0
    # 3 ESS creations (2013, 2014, 2025) over the 13 years 2013-2025.
    assert by_area.at["Zone", "Créations ESS par an"] == pytest.approx(3 / 13)
    years = dynamics_text.years_table(table, "zone").set_index("Année")
    assert years.at["2014", "Créations ESS"] == 1
    assert years.at["2017", "Fermetures ESS"] == 1
    html = dynamics_text.tables_html(table, AREAS, "zone", "paris", " — démo")
    assert "+200,0" in html and "75,0" in html and "démo" in html
    lines = dynamics_text.findings(table, AREAS, "zone", "paris")
    assert lines[0].startswith("Zone : 1 établissement de l'ESS actif au 1er janvier 2013, 3 ")
    assert "+300,0\xa0%" in lines[0] and "Paris : n.d." in lines[0]
    assert "créés de 2013 à 2022" in lines[2] and "50\xa0%" in lines[2] and "75\xa0%" in lines[2]
    # 3 creations and 1 closure over the 13 years 2013-2025: 3 / 13 = 0,23 ≈ 0,2 and
    # 1 / 13 = 0,08 ≈ 0,1 a year.
    assert_states(
        lines[1],
        "De 2013 à 2025",
        "3 établissements de l'ESS ont été créés",
        "1 a fermé",
        "0,2 créations",
        "0,1 fermetures par an",
    )
    assert lines[3].startswith("3 établissements (dont 1 de l'ESS) n'ont pas de date")


def test_section_figures_draw_three_charts_with_their_source():
    import matplotlib.pyplot as plt

    from ressol_analysis import dynamics_charts

    figures = dynamics_charts.figures(indicators_frame(), AREAS, "zone", "paris", synthetic=True)
    assert len(figures) == 3
    # Each alternative text says what is drawn and for which area (the territory by its name).
    stock, rates, survival = (alt for _, alt in figures)
    assert_states(
        stock,
        "Courbes",
        "établissements de l'ESS actifs au 1er janvier",
        "depuis 2013",
        "indice",
        "pour Zone et les zones de comparaison",
    )
    assert_states(rates, "Courbes", "taux de création et de fermeture", "ESS et ensemble", "Zone")
    assert_states(
        survival,
        "Barres",
        "encore actifs trois ans après",
        "par famille de l'ESS et pour tous les établissements",
        "pour Zone",
    )
    for fig, _ in figures:
        texts = " ".join(t.get_text() for t in fig.texts)
        assert "Source : s" in texts and "Données synthétiques" in texts
        plt.close(fig)


def test_section_says_why_when_the_stock_had_no_dates():
    from ressol_analysis import dynamics_charts, dynamics_text

    # A run on a stock without date columns has no dynamics key: no figure, no finding, and
    # the table slot says why (the notebook calls the three unchanged).
    without = pd.DataFrame(
        {"territoire_code": ["t", "r"], "territoire": ["T", "R"], "indicateur": "population"}
    )
    areas = without[["territoire_code", "territoire"]]
    assert not dynamics.available(without)
    assert dynamics_charts.figures(without, areas, "t", "r", False) == []
    assert dynamics_text.findings(without, areas, "t", "r") == []
    html = dynamics_text.tables_html(without, areas, "t", "r", "")
    assert "dateCreationEtablissement et dateDebut" in html
    with_dates = pd.DataFrame({"indicateur": ["evolution_etablissements_actifs_depuis_2013"]})
    assert dynamics.available(with_dates)
