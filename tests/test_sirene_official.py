"""SIRENE files as published: full width, official order, typed Parquet, zip, geolocated files.

The fixture is built here, in INSEE's column order, with every shape the national stock holds:
an arrondissement of Paris, activities in NAF rév. 1 (one convertible, one split), NAF 1993, NAP
and the provisional 00.00Z, a catégorie juridique the nomenclature no longer lists (5720), an
unknown band code, a stale band, an employer flag that contradicts the band, an establishment
abroad, a closed one, and the historical file lying in the folder.

Establishments (stock of March 2026, latest band year 2023, so a band of 2020 or before is
stale); « emp. » is the employer test, jobs are the central estimate:

siret  | commune     | band | flag | year | activity (nomenclature) | unit      | emp. | jobs
…10011 | 50502       | 12   | O    | 2023 | 88.10A (NAFRev2)        | U1 9220 O | yes  | 34.5
…10029 | 75101→75056 | 03   | O    | 2023 | 85.3K (NAFRev1, split)  | U1        | yes  | 7.5
…20012 | 75108→75056 | 11   | O    | 2023 | 85.3G (NAFRev1→88.91A)  | U2 5720 N | yes  | 14.5
…30013 | 50147       | 01   | O    | 2023 | 00.00Z (NAFRev2)        | U3 5710 O | yes  | 1.5
…40014 | 50147       | 21   | O    | 2023 | 01.4A (NAF1993)         | U4 6317 O | yes  | 74.5
…40022 | 50502       | 02   | N    | 2023 | 10.51A                  | U4        | no (flag N)
…50015 | 50502       | NN   | N    | 2023 | 47.11B                  | U5 1000 N | no
…50023 | 50502       | 03   | O    | 2019 | 6411 (NAP)              | U5        | no (stale)
…60016 | 50147       | 1    | O    | 2023 | 87.10A                  | U6 9300 O | no (unknown band)
…60024 | 50147 (closed) | 11 | O    | 2023 | 87.10A                  | U6        | —
…10037 | abroad (99134, ESPAGNE) | 11 | O | 2023 | 88.10A              | U1        | —
…30021 | 50502       | —    | O    | —    | 88.10A (created lately) | U3        | yes  | 0
…40030 | 75120→75056 | 22   | —    | 2023 | 46.21Z (band decides)   | U4        | yes  | 149.5
…20038 | 69381 (Lyon, outside the areas) | 11 | O | 2023 | 70.22Z     | U2        | —

Paris (75056): employers …029, …012, …030 = 3; ESS …029 (7.5), …030 (149.5) = 2; jobs 171.5,
ESS 157, ESS low 6 + 100 = 106, high 9 + 199 = 208.
Manche (50502, 50147): employers …011, …013, …014, …021 = 4, all ESS; jobs 34.5 + 1.5 + 74.5 + 0
= 110.5; low 20 + 1 + 50 + 0 = 71; high 49 + 2 + 99 + 0 = 150.
"""

from __future__ import annotations

import csv
import gzip
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlwt
from support.cli import ressol

from ressol_analysis import dynamics, ess
from ressol_analysis.errors import RessolError
from ressol_analysis.geography import last_update_passage
from ressol_analysis.national import national_indicators
from ressol_analysis.sources import naf
from ressol_analysis.sources.sirene import SIRENE_COLUMNS, read_sirene
from ressol_analysis.sources.sirene_dates import read_sirene_dates
from ressol_analysis.sources.sirene_files import (
    ETAB_COLUMNS,
    GEO_COLUMNS,
    UL_COLUMNS,
    typed_table,
)

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
UPDATE = "2026-03-31T18:02:11.000"
ETAB_ROWS = [
    # siren, nic, commune, état, band, flag, year, activity, nomenclature
    ("100000001", "00011", "50502", "A", "12", "O", "2023", "88.10A", "NAFRev2"),
    ("100000001", "00029", "75101", "A", "03", "O", "2023", "85.3K", "NAFRev1"),
    ("100000002", "00012", "75108", "A", "11", "O", "2023", "85.3G", "NAFRev1"),
    ("100000003", "00013", "50147", "A", "01", "O", "2023", "00.00Z", "NAFRev2"),
    ("100000004", "00014", "50147", "A", "21", "O", "2023", "01.4A", "NAF1993"),
    ("100000004", "00022", "50502", "A", "02", "N", "2023", "10.51A", "NAFRev2"),
    ("100000005", "00015", "50502", "A", "NN", "N", "2023", "47.11B", "NAFRev2"),
    ("100000005", "00023", "50502", "A", "03", "O", "2019", "6411", "NAP"),
    ("100000006", "00016", "50147", "A", "1", "O", "2023", "87.10A", "NAFRev2"),
    ("100000006", "00024", "50147", "F", "11", "O", "2023", "87.10A", "NAFRev2"),
    ("100000001", "00037", "", "A", "11", "O", "2023", "88.10A", "NAFRev2"),
    ("100000003", "00021", "50502", "A", "", "O", "", "88.10A", "NAFRev2"),
    ("100000004", "00030", "75120", "A", "22", "", "2023", "46.21Z", "NAFRev2"),
    ("100000002", "00038", "69381", "A", "11", "O", "2023", "70.22Z", "NAFRev2"),
]
UNIT_ROWS = [
    ("100000001", "9220", "O", "ASSOCIATION D'AIDE, A DOMICILE"),
    ("100000002", "5720", "N", "SAS UNIPERSONNELLE DEMO"),
    ("100000003", "5710", "O", "SCIC DEMO"),
    ("100000004", "6317", "O", "COOPERATIVE AGRICOLE DEMO"),
    ("100000005", "1000", "N", ""),
    ("100000006", "9300", "O", "FONDATION DEMO"),
]
# Etalab's geolocated files carry the 48 columns of the stock before format 3.11.
NEW_IN_3_11 = {
    "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement",
    "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "activitePrincipaleNAF25Etablissement",
}
V3_COLUMNS = [c for c in ETAB_COLUMNS if c not in NEW_IN_3_11]
COORDINATES = {"75": ("2.3412", "48.8601"), "50": ("-1.0903", "49.1157")}


def etab_frame() -> pd.DataFrame:
    rows = []
    for siren, nic, commune, state, band, flag, year, activity, nomenclature in ETAB_ROWS:
        row = dict.fromkeys(ETAB_COLUMNS, "")
        row |= {
            "siren": siren,
            "nic": nic,
            "siret": siren + nic,
            "statutDiffusionEtablissement": "O",
            "dateCreationEtablissement": "2012-05-01" if year else "2025-06-02",
            "trancheEffectifsEtablissement": band,
            "anneeEffectifsEtablissement": year,
            "dateDernierTraitementEtablissement": UPDATE,
            "etablissementSiege": "true" if nic == "00011" else "false",
            "nombrePeriodesEtablissement": "2",
            "numeroVoieEtablissement": "12",
            "libelleVoieEtablissement": "RUE DU PONT, BATIMENT B",  # a comma: quoted field
            "codeCommuneEtablissement": commune,
            "dateDebut": "2020-01-01",
            "etatAdministratifEtablissement": state,
            "enseigne1Etablissement": 'LE "RELAIS"' if nic == "00011" else "",
            "activitePrincipaleEtablissement": activity,
            "nomenclatureActivitePrincipaleEtablissement": nomenclature,
            "caractereEmployeurEtablissement": flag,
        }
        if not commune:
            row |= {"codePaysEtrangerEtablissement": "99134"}
            row |= {"libellePaysEtrangerEtablissement": "ESPAGNE"}
        rows.append(row)
    return pd.DataFrame(rows, columns=ETAB_COLUMNS)


def unit_frame(update: str = UPDATE) -> pd.DataFrame:
    rows = []
    for siren, cj, flag, name in UNIT_ROWS:
        row = dict.fromkeys(UL_COLUMNS, "")
        row |= {
            "siren": siren,
            "statutDiffusionUniteLegale": "O",
            "dateCreationUniteLegale": "2001-01-01",
            "dateDernierTraitementUniteLegale": update,
            "dateDebut": "2020-01-01",
            "etatAdministratifUniteLegale": "A",
            "denominationUniteLegale": name,
            "nomUniteLegale": "DEMO" if cj == "1000" else "",
            "categorieJuridiqueUniteLegale": cj,
            "economieSocialeSolidaireUniteLegale": flag,
            "nombrePeriodesUniteLegale": "3",
        }
        rows.append(row)
    return pd.DataFrame(rows, columns=UL_COLUMNS)


def write_csv(frame: pd.DataFrame, path: Path, sep: str = ",") -> None:
    """INSEE's CSV: header, fields quoted when needed, empty strings for missing values."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=sep, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(frame.columns)
        writer.writerows(frame.itertuples(index=False))


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    pq.write_table(typed_table(frame.replace("", None)), path)


def history(folder: Path) -> None:
    columns = ["siren", "nic", "siret", "dateFin", "dateDebut", "etatAdministratifEtablissement"]
    rows = [["100000001", "00011", "10000000100011", "", "2020-01-01", "F"]]
    write_csv(pd.DataFrame(rows, columns=columns), folder / "StockEtablissementHistorique_utf8.csv")


def make_stock(root: Path, fmt: str) -> Path:
    folder = root / fmt
    folder.mkdir()
    etab, units = etab_frame(), unit_frame()
    if fmt == "csv":
        write_csv(etab, folder / "StockEtablissement_utf8.csv")
        write_csv(units, folder / "StockUniteLegale_utf8.csv")
    elif fmt == "zip":
        for name, frame in (("StockEtablissement_utf8", etab), ("StockUniteLegale_utf8", units)):
            write_csv(frame, root / f"{name}.csv")
            with zipfile.ZipFile(folder / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(root / f"{name}.csv", f"{name}.csv")
    elif fmt == "parquet":
        write_parquet(etab, folder / "StockEtablissement_utf8.parquet")
        write_parquet(units, folder / "StockUniteLegale_utf8.parquet")
    else:  # Etalab's geolocated files, one per département (the foreign row with no département)
        geo = etab.copy()
        dep = geo["codeCommuneEtablissement"].str.slice(0, 2).replace("", "50")
        geo["longitude"] = dep.map(lambda d: COORDINATES.get(d, ("", ""))[0])
        geo["latitude"] = dep.map(lambda d: COORDINATES.get(d, ("", ""))[1])
        for column in GEO_COLUMNS[2:]:
            geo[column] = ""
        for code, part in geo.groupby(dep):
            write_csv(part[[*V3_COLUMNS, *GEO_COLUMNS]], folder / f"geo_siret_{code}.csv.gz")
        write_csv(units, folder / "StockUniteLegale_utf8.csv")
    history(folder)
    return folder


MEMBERSHIP = pd.DataFrame(
    {
        "territoire_code": ["paris", "manche", "manche"],
        "territoire": ["Paris", "Manche (extrait)", "Manche (extrait)"],
        "CODGEO": ["75056", "50502", "50147"],
    },
    dtype="string",
)
ARRONDISSEMENTS = pd.DataFrame(
    {"ARM": ["75101", "75108", "75120", "69381"], "COMPARENT": ["75056"] * 3 + ["69123"]}
)
MOVES = pd.DataFrame(columns=["MOD", "DATE_EFF", "TYPECOM_AV", "COM_AV", "TYPECOM_AP", "COM_AP"])


def passage() -> pd.DataFrame:
    return last_update_passage(MOVES, ["75056", "50502", "50147", "69123"], ARRONDISSEMENTS)


@pytest.fixture(scope="module")
def stocks(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("officiel")
    return {fmt: make_stock(root, fmt) for fmt in ("csv", "parquet", "zip", "geo")}


def classified_of(folder: Path) -> pd.DataFrame:
    found = read_sirene(folder, MEMBERSHIP, passage())
    rule = ess.employer_rule(found, found.attrs["annee_tranche_recente"], found.attrs["colonnes"])
    return ess.classify(found, rule=rule)


def values_of(classified: pd.DataFrame) -> pd.DataFrame:
    table = ess.ess_indicators(classified, MEMBERSHIP, "s", "m")
    return table.pivot(index="indicateur", columns="territoire_code", values="valeur")


def test_full_width_files_are_in_insee_order_and_typed(stocks):
    assert len(V3_COLUMNS) == 48
    header = (stocks["csv"] / "StockEtablissement_utf8.csv").read_text().splitlines()[0]
    assert header.split(",") == ETAB_COLUMNS and len(ETAB_COLUMNS) == 54
    assert "codePaysEtranger2Etablissement" in ETAB_COLUMNS
    assert (
        '"RUE DU PONT, BATIMENT B"' in (stocks["csv"] / "StockEtablissement_utf8.csv").read_text()
    )
    schema = pq.read_schema(stocks["parquet"] / "StockEtablissement_utf8.parquet")
    assert schema.names == ETAB_COLUMNS
    assert schema.field("dateCreationEtablissement").type == pa.date32()
    assert schema.field("dateDernierTraitementEtablissement").type == pa.timestamp("ms")
    assert schema.field("siren").type == pa.string()
    assert pq.read_schema(stocks["parquet"] / "StockUniteLegale_utf8.parquet").names == UL_COLUMNS


def test_reader_on_the_official_shapes(stocks):
    found = read_sirene(stocks["csv"], MEMBERSHIP, passage())
    assert list(found.columns) == SIRENE_COLUMNS
    # 14 rows: closed …024, abroad …037 and Lyon …038 are left out; 11 remain.
    assert len(found) == 11
    by_siret = found.set_index("siret")
    assert by_siret.loc["10000000100029", ["codeCommuneEtablissement", "CODGEO"]].tolist() == [
        "75101",
        "75056",
    ]
    assert by_siret.loc["10000000100011", "enseigne1Etablissement"] == 'LE "RELAIS"'
    assert found.attrs["annee_tranche_recente"] == 2023
    assert "caractereEmployeurEtablissement" in found.attrs["colonnes"]


def test_figures_checked_by_hand(stocks):
    values = values_of(classified_of(stocks["csv"]))
    paris, manche = values["paris"], values["manche"]
    assert paris["etablissements_employeurs"] == 3
    assert paris["ess_etablissements_employeurs"] == 2
    assert paris["effectif_salarie_estime"] == 171.5
    assert paris["ess_effectif_salarie_estime"] == 157
    assert (
        paris["ess_effectif_salarie_estime_bas"],
        paris["ess_effectif_salarie_estime_haut"],
    ) == (
        106,
        208,
    )
    assert paris["ess_effectif_salarie_estime_associations"] == 7.5
    assert paris["ess_effectif_salarie_estime_cooperatives"] == 149.5
    assert manche["etablissements_employeurs"] == 4
    assert manche["ess_etablissements_employeurs"] == 4
    assert manche["effectif_salarie_estime"] == 110.5
    assert (
        manche["ess_effectif_salarie_estime_bas"],
        manche["ess_effectif_salarie_estime_haut"],
    ) == (
        71,
        150,
    )
    assert manche["ess_etablissements_employeurs_autres"] == 2  # …013 (SAS ESS) and …021
    assert manche["ess_effectif_salarie_estime_cooperatives"] == 74.5


def test_anomalies_are_counted(stocks):
    anomalies = ess.input_anomalies(classified_of(stocks["csv"]))
    assert anomalies["categories"].to_dict("list") == {
        "categorie_juridique": ["5720"],
        "niveau_famille": ["II"],
        "famille": ["autres"],
        "unites": [1],
        "etablissements": [1],
    }
    assert anomalies["tranches"].to_dict("list") == {"tranche": ["1"], "etablissements": [1]}
    assert anomalies["anciennes"]["etablissements"].tolist() == [1]


@pytest.mark.parametrize("fmt", ["parquet", "zip", "geo"])
def test_csv_parquet_zip_and_geolocated_files_give_identical_results(stocks, fmt):
    expected = read_sirene(stocks["csv"], MEMBERSHIP, passage())
    found = read_sirene(stocks[fmt], MEMBERSHIP, passage())
    coordinates = ["longitude", "latitude"]
    pd.testing.assert_frame_equal(
        found.drop(columns=coordinates), expected.drop(columns=coordinates)
    )
    pd.testing.assert_frame_equal(
        values_of(classified_of(stocks[fmt])), values_of(classified_of(stocks["csv"]))
    )
    assert found.attrs["geolocalise"] == (fmt == "geo")
    if fmt == "geo":
        paris = found[found["CODGEO"] == "75056"]
        assert paris["longitude"].eq("2.3412").all() and paris["latitude"].eq("48.8601").all()


@pytest.mark.parametrize("fmt", ["csv", "parquet", "zip", "geo"])
def test_national_path_gives_the_same_figures_and_messages(stocks, fmt):
    with pytest.warns(UserWarning) as caught:
        national = national_indicators(stocks[fmt], MEMBERSHIP, passage(), source="s", vintage="m")
    expected = ess.ess_indicators(classified_of(stocks["csv"]), MEMBERSHIP, "s", "m")
    snapshot = national["indicateur"].isin(list(ess.indicator_units()))
    pd.testing.assert_frame_equal(national[snapshot].reset_index(drop=True), expected)
    # The same scan gives the dynamics keys, equal to the territory path's on the CSV files.
    dated = read_sirene_dates(stocks["csv"], MEMBERSHIP, passage(), dynamics.FIRST_YEAR)
    day = dynamics.stock_date(dated.attrs["date_stock"], dated)
    flows = dynamics.dynamics_indicators(
        dated.join(ess.ess_membership(dated)), MEMBERSHIP, day, "s", "m"
    )
    columns = ["territoire_code", "indicateur", "valeur"]
    pd.testing.assert_frame_equal(
        national[~snapshot][columns].reset_index(drop=True), flows[columns]
    )
    messages = [str(w.message) for w in caught]
    assert any("5720 (1 unité légale, 1 établissement" in m for m in messages)
    assert any("tranche d'effectifs inconnu : « 1 » (1)" in m for m in messages)
    assert national.attrs["regle_employeur"].name == "caractere_employeur"
    assert national.attrs["regle_employeur"].latest_year == 2023


@pytest.mark.parametrize(
    ("option", "paris", "lyon", "manche"),
    [
        ("--all-departements", "dep-75", "dep-69", ["dep-50"]),
        ("--all-epci", "epci-200054781", "epci-200046977", ["epci-200066389", "epci-200067023"]),
    ],
)
def test_national_command_places_the_arrondissements_and_states_vintage_and_geography(
    root, stocks, tmp_path, option, paris, lyon, manche
):
    output = tmp_path / "national.csv"
    with pytest.warns(UserWarning):
        result = ressol(root, "indicators", option, "--sirene", str(stocks["parquet"]), "--output",
                        str(output))  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(output, dtype={"territoire_code": str, "indicateur": str})
    employers = table[table["indicateur"] == "etablissements_employeurs"].set_index(
        "territoire_code"
    )["valeur"]
    # Paris: …029 (75101), …012 (75108), …030 (75120); Lyon: …038 (69381); Manche: 4.
    assert employers[paris] == 3
    assert employers[lyon] == 1
    assert employers[manche].sum() == 4
    assert employers.sum() == 8
    ess_rows = table["indicateur"].isin(list(ess.indicator_units()))
    assert table.loc[ess_rows, "millesime"].eq("Stock Sirene, effectifs au 31/12/2023").all()
    assert table.loc[~ess_rows, "millesime"].eq("Stock Sirene au 31/03/2026").all()
    assert table["source"].str.endswith(" — géographie au 01/01/2026").all()


def test_warnings_of_the_command_are_french_lines_without_python_internals(root, stocks, tmp_path):
    # The real entry point, as a process: Python's own display would add the module's path,
    # « UserWarning » and a line of source code to each message.
    result = subprocess.run(
        [sys.executable, "-m", "ressol_analysis.cli", "--racine", str(root), "indicators",
         "--all-departements", "--sirene", str(stocks["csv"]), "--output",
         str(tmp_path / "national.csv")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith(
        "Attention : Sirene : 2 établissements employeurs des zones étudiées relèvent de "
        "catégories juridiques absentes de la nomenclature"
    )
    assert "Attention : Sirene : 1 établissement actif des zones étudiées" in result.stderr
    assert "UserWarning" not in result.stderr
    assert ".py:" not in result.stderr


def correspondence_xls(path: Path) -> Path:
    """INSEE's table_NAF2-NAF1.xls layout: header cells on two lines, partial links with p."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("table NAF 2 - NAF 1 07.2008")
    header = ["0", "NAF\nrév. 2", "Intitulé de poste", "NAF\nrév. 1", "Intitulé de poste",
              "Précisions sur la nature du lien", "Commentaires  ", "Date \nmodification",
              "NAF 2\nN liens", "NAF 1\nN liens", "NAF 2 rang lien", "NAF 1 rang lien"]  # fmt: skip
    links = [
        ("88.91A", "Accueil de jeunes enfants", "85.3G", "Crèches et garderies", "0", "0"),
        ("88.99Ap", "Autre accueil sans hébergement", "85.3Kp", "Autres formes d'action", "1", "1"),
        (
            "88.99Bp",
            "Action sociale sans hébergement",
            "85.3Kp",
            "Autres formes d'action",
            "1",
            "1",
        ),
        ("01.11Zp", "Culture de céréales", "01.1Ap", "Culture de céréales", "1", "1"),
    ]
    for column, text in enumerate(header):
        sheet.write(0, column, text)
    for number, (rev2, label2, rev1, label1, n2, n1) in enumerate(links, start=1):
        for column, value in enumerate([number, rev2, label2, rev1, label1, "CC", "", "2008-07-03",
                                        n2, n1, 1, 1]):  # fmt: skip
            sheet.write(number, column, value)
    book.add_sheet("Guide de lecture").write(0, 0, "Les liens partiels sont repérés par un p.")
    book.save(str(path))
    return path


def test_naf_rev1_table_reader(tmp_path):
    table = naf.read_naf_rev1_table(correspondence_xls(tmp_path / "table_NAF2-NAF1.xls"))
    mapping = dict(zip(table["naf_rev1"], table["naf_rev2"], strict=True))
    assert mapping["85.3G"] == "88.91A"
    assert pd.isna(mapping["85.3K"])  # split between 88.99A and 88.99B: no guess
    assert mapping["01.1A"] == "01.11Z"  # partial on the rev. 2 side only: one target
    assert table.attrs["liens"] == 4


def test_activities_converted_or_without_sector(stocks, tmp_path):
    classified = classified_of(stocks["csv"])
    table = naf.read_naf_rev1_table(correspondence_xls(tmp_path / "table_NAF2-NAF1.xls"))
    codes = classified[
        ["activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement"]
    ]
    with_table = naf.activity_rev2(*(codes[c] for c in codes), table)
    by_siret = with_table.set_index(classified["siret"])
    assert by_siret.loc["10000000200012", "activiteNAFRev2"] == "88.91A"
    assert pd.isna(by_siret.loc["10000000100029", "activiteNAFRev2"])
    assert naf.activity_origins(with_table).to_dict("list") == {
        "nomenclature": ["NAFRev1", "NAF1993", "NAP", "00.00Z"],
        "convertis": [1, 0, 0, 0],
        "sans_secteur": [1, 1, 1, 1],
    }
    without = naf.activity_origins(naf.activity_rev2(*(codes[c] for c in codes), None))
    assert without.set_index("nomenclature").loc["NAFRev1"].tolist() == [0, 2]
    # By sector: the converted one is in Q (88.91A), the split one in « secteur inconnu ».
    sectors = ess.ess_by_sector(classified.join(with_table), MEMBERSHIP, naf.read_naf(RAW), "A21")
    paris = sectors[sectors["territoire_code"] == "paris"].set_index("A21")
    assert paris.loc["Q", "effectif_salarie_estime"] == 14.5
    assert paris.loc["ZZ", "effectif_salarie_estime"] == 7.5
    assert paris.loc["ZZ", "libelle"].startswith("Secteur inconnu")
    assert paris["etablissements_employeurs"].sum() == 3  # every employer still counted


def test_semicolon_csv_is_a_separator_problem(tmp_path):
    folder = tmp_path / "pv"
    folder.mkdir()
    write_csv(etab_frame(), folder / "StockEtablissement_utf8.csv", sep=";")
    write_csv(unit_frame(), folder / "StockUniteLegale_utf8.csv")
    with pytest.raises(
        RessolError, match=r"StockEtablissement_utf8\.csv.*séparateur.*« ; ».*virgules"
    ):
        read_sirene(folder, MEMBERSHIP, passage())


def test_header_that_is_not_insee_s(tmp_path):
    folder = tmp_path / "entete"
    folder.mkdir()
    write_csv(etab_frame().rename(columns=str.lower), folder / "StockEtablissement_utf8.csv")
    write_csv(unit_frame(), folder / "StockUniteLegale_utf8.csv")
    with pytest.raises(
        RessolError,
        match=r"StockEtablissement_utf8\.csv n'a pas l'en-tête d'un stock Sirene.*modifiés",
    ):
        read_sirene(folder, MEMBERSHIP, passage())


def test_parquet_with_integer_siren_is_refused(tmp_path):
    folder = tmp_path / "types"
    folder.mkdir()
    table = typed_table(unit_frame().replace("", None))
    index = table.schema.get_field_index("siren")
    table = table.set_column(index, "siren", table.column("siren").cast(pa.int64()))
    pq.write_table(table, folder / "StockUniteLegale_utf8.parquet")
    write_parquet(etab_frame(), folder / "StockEtablissement_utf8.parquet")
    with pytest.raises(RessolError, match=r"StockUniteLegale_utf8\.parquet.*siren.*int64.*zéros"):
        read_sirene(folder, MEMBERSHIP, passage())


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_folder_mixing_two_stock_months_is_refused(tmp_path, fmt):
    folder = tmp_path / fmt
    folder.mkdir()
    units = unit_frame(update="2026-04-30T19:00:00.000")
    if fmt == "csv":
        write_csv(etab_frame(), folder / "StockEtablissement_utf8.csv")
        write_csv(units, folder / "StockUniteLegale_utf8.csv")
    else:
        write_parquet(etab_frame(), folder / "StockEtablissement_utf8.parquet")
        write_parquet(units, folder / "StockUniteLegale_utf8.parquet")
    match = r"même stock.*StockEtablissement_utf8.*2026-03-31.*StockUniteLegale_utf8.*2026-04-30"
    with pytest.raises(RessolError, match=match):
        read_sirene(folder, MEMBERSHIP, passage())
    with pytest.raises(RessolError, match=match):
        national_indicators(folder, MEMBERSHIP, passage())


def test_geolocated_and_official_stock_in_one_folder_is_refused(stocks, tmp_path):
    folder = tmp_path / "les-deux"
    folder.mkdir()
    for path in stocks["geo"].iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    write_csv(etab_frame(), folder / "StockEtablissement_utf8.csv")
    with pytest.raises(RessolError, match="mélange le stock officiel"):
        read_sirene(folder, MEMBERSHIP, passage())


def test_correspondence_table_is_registered_through_data_update(project):
    from ressol_analysis.paths import project_paths
    from ressol_analysis.sources.manifest import raw_file
    from ressol_analysis.update import pending_files, update_source

    raw = project / "data" / "raw"
    xls = correspondence_xls(raw / "table_NAF2-NAF1.xls")
    assert [(p.name, keys) for p, keys in pending_files(raw)] == [
        ("table_NAF2-NAF1.xls", ["naf_rev1_rev2"])
    ]
    result = update_source(project_paths(project), "naf_rev1_rev2", xls)
    assert result.vintage == "Table NAF rév. 2 – NAF rév. 1 (07/2008)"
    table = naf.read_naf_rev1_table(raw_file(raw, "naf_rev1_rev2").path)
    assert table.set_index("naf_rev1").loc["85.3G", "naf_rev2"] == "88.91A"


def test_run_notes_say_the_rule_and_what_was_worked_around(stocks):
    from ressol_analysis.sirene_text import input_notes

    classified = classified_of(stocks["csv"])
    anomalies = ess.input_anomalies(classified)
    columns = ["activitePrincipaleEtablissement", "nomenclatureActivitePrincipaleEtablissement"]
    origins = naf.activity_origins(naf.activity_rev2(*(classified[c] for c in columns), None))
    notes = input_notes(
        ess.EmployerRule(flag=True, latest_year=2023),
        anomalies["categories"],
        anomalies["tranches"],
        origins,
        stale=1,
    )
    assert notes[0].startswith("Règle employeur : caractère employeur du répertoire")
    assert "2020 ou avant" in notes[0]
    text = " ".join(notes)
    # One establishment: the verbs agree (singular), as they do for two.
    assert "1 établissement actif dont la tranche d'effectifs est trop ancienne n'est pas " in text
    assert "1 établissement employeur des zones étudiées relève de catégories juridiques" in text
    assert "Il reste compté, dans la famille" in text
    assert "1 établissement actif des zones étudiées a un code de tranche d'effectifs" in text
    plural = input_notes(ess.EmployerRule(flag=True, latest_year=2023), *[anomalies[k] for k in (
        "categories", "tranches")], origins, stale=2)  # fmt: skip
    assert "2 établissements actifs dont la tranche d'effectifs est trop ancienne ne sont " in (
        " ".join(plural)
    )
    assert "NAF rév. 1 : 2 en « secteur inconnu »" in text
    assert "NAF 1993 : 1 en « secteur inconnu »" in text
    assert "code provisoire 00.00Z : 1" in text
    assert "table de correspondance NAF rév. 1 → NAF rév. 2 de l'Insee n'est pas" in text


def test_territory_and_national_paths_warn_with_the_same_words(stocks):
    from ressol_analysis.sirene_text import input_warnings

    anomalies = ess.input_anomalies(classified_of(stocks["parquet"]))
    territory = input_warnings(anomalies["categories"], anomalies["tranches"], "des zones étudiées")
    with pytest.warns(UserWarning) as caught:
        national_indicators(stocks["parquet"], MEMBERSHIP, passage())
    national = [str(w.message) for w in caught if str(w.message).startswith("Sirene :")]
    assert territory == national and len(territory) == 2


def test_malformed_legal_category_stops_both_paths(tmp_path):
    folder = tmp_path / "cj"
    folder.mkdir()
    units = unit_frame()
    units.loc[units["siren"] == "100000003", "categorieJuridiqueUniteLegale"] = "571"
    write_csv(etab_frame(), folder / "StockEtablissement_utf8.csv")
    write_csv(units, folder / "StockUniteLegale_utf8.csv")
    with pytest.raises(RessolError, match=r"StockUniteLegale_utf8\.csv.*mal formée.*571\b"):
        classified_of(folder)
    with pytest.raises(RessolError, match=r"StockUniteLegale_utf8\.csv.*mal formée.*571\b"):
        national_indicators(folder, MEMBERSHIP, passage())


def test_chapter_rules_end_with_the_run_notes():
    from ressol_analysis.ess_text import rules

    assert rules(["Règle employeur : x.", "Tous les codes sont connus."])[-1] == (
        "**Dans ce calcul** : Règle employeur : x. Tous les codes sont connus."
    )
    assert not rules()[-1].startswith("**Dans ce calcul**")


def test_reading_the_headers_leaves_no_file_open(stocks):
    import gc
    import warnings

    from ressol_analysis.sources.sirene_files import find_stock_file, stock_columns

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fmt in ("csv", "zip", "geo"):
            stock = find_stock_file(stocks[fmt], "etablissements")
            assert "siren" in stock_columns(stock, ("siren",), "etablissements")
        gc.collect()
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []
