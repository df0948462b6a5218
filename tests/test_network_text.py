"""The network chapter's French findings, tables and figures, on the hand-built extract.

Same territory as ``test_network.py``: members file lines 2 to 10; found L2 (SIREN), L3 (SIRET),
L4 and L5 (name), L7 (La Poste, SIRET, not ESS); to check L6; not found L8, L9, L10. ESS employer
establishments by commune (members in brackets): Saint-Lô 50502 E1a E2 E3 E8 E11 = 5 (E1a E2),
Agneaux 50002 E4 E10 = 2 (E4), Coutances 50147 E1b E5 E7 E9 E12 E16 = 6 (E1b E5): 13, of which 5
belong to a member; estimated jobs 185.0, of which 132.5. EPCI A = Saint-Lô + Agneaux (3 of 7),
EPCI B = Coutances (2 of 6).
"""

from __future__ import annotations

from html import unescape

import geopandas as gpd
import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from shapely.geometry import box
from support.facts import assert_states
from test_network import COMMUNES, MEMBERS, MEMBERSHIP, PASSAGE, make_establishments, make_members

from ressol_analysis import ess, network, network_charts, network_text
from ressol_analysis.labels import SYNTHETIC_MARK
from ressol_analysis.network_matching import match_members

NB = "\u00a0"


@pytest.fixture(scope="module")
def matches() -> pd.DataFrame:
    territory = ess.select_area(ess.classify(make_establishments()), MEMBERSHIP, "terr")
    return match_members(make_members(MEMBERS), territory, COMMUNES, PASSAGE, "Territoire")


@pytest.fixture(scope="module")
def flagged(matches) -> pd.DataFrame:
    territory = ess.select_area(ess.classify(make_establishments()), MEMBERSHIP, "terr")
    return network.flag_members(territory, matches)


@pytest.fixture(scope="module")
def communes(flagged) -> pd.DataFrame:
    groups = COMMUNES.rename(columns={"EPCI": "groupe"})[["CODGEO", "LIBELLE", "groupe"]]
    return network.coverage_by_commune(flagged, groups)


def test_members_summary(matches, flagged):
    found, review, missing, employers, working = network_text.members_summary(
        matches, flagged, "adherents.csv"
    )
    # 9 lines: L2 (SIREN), L3 and L7 (SIRET), L4 and L5 (name) found; L6 to check; 3 not found.
    assert_states(
        found,
        "`adherents.csv`",
        "9 adhérents",
        "5 sont retrouvés",
        "2 par leur SIRET",
        "1 par leur SIREN",
        "2 par leur nom",
    )
    assert_states(review, "1 adhérent est à vérifier", "n'est pas compté", "SIRET")
    assert_states(missing, "3 adhérents ne sont pas retrouvés")
    # L2, L3, L4, L5 have an ESS employer establishment; La Poste (L7) has none.
    assert_states(employers, "4 des 5 adhérents retrouvés", "employeur de l'ESS", "L'autre")
    assert_states(working, "La liste nominative", "`ressol reseau`", "pas joint à ce rapport")


def test_coverage_findings(flagged):
    coverage = network.coverage_by_area(flagged, MEMBERSHIP)
    findings = network_text.coverage_findings(coverage, "terr")
    assert len(findings) == 5
    # 5 of the 13 ESS employer establishments: 100 × 5 / 13 = 38.5 %.
    assert_states(findings[0], "5 établissements employeurs de l'ESS", "sur les 13", "38,5 %")
    # 132.5 jobs (printed 133, to the unit, half up): 100 × 132.5 / 185 = 71.6 %.
    assert_states(findings[1], "environ 133 salariés", "71,6 %")
    # 71.6 − 38.5 = 33.2 points (unrounded shares): members are larger employers.
    assert_states(findings[2], "plus forte dans l'emploi", "33,2 points", "plus grands employeurs")
    # EPCI B 2 of 6 = 33.3 %, EPCI A 3 of 7 = 42.9 %.
    assert_states(findings[3], "de 33,3 % (EPCI B)", "à 42,9 % (EPCI A)")
    # 7 - 3 = 4 and 6 - 2 = 4 non-members: a tie, both named.
    assert_states(findings[4], "EPCI A et EPCI B", "non adhérents", "4 chacune")


def test_family_table_and_findings(flagged):
    families = network_text.family_labels(network.coverage_by_family(flagged))
    assert families["famille"].tolist() == [
        "Associations",
        "Coopératives",
        "Mutuelles",
        "Fondations",
        "Autres organismes privés à but non lucratif",
        "Autres entreprises de l'ESS",
        "Ensemble de l'ESS",
    ]
    # Only associations have at least 5 ESS employers: 3 members of 8; coopérative and mutuelle
    # (1 of 1) are not called the best covered.
    best, reserve, none = network_text.family_findings(families)
    assert_states(
        best, "mieux représentée", "Associations", "3 employeurs adhérents sur 8", "37,5 %"
    )
    assert_states(reserve, "réserve", "Associations", "5 employeurs de l'ESS", "pas adhérents")
    assert_states(none, "Sans aucun adhérent", "Fondations (1)", "Autres entreprises de l'ESS (2)")
    html = unescape(network_text.family_html(families, "Source test", " — marque"))
    assert "La part de chaque famille de l'ESS que rassemble le réseau — marque" in html
    assert "Source : Source test" in html and "37,5" in html


def test_commune_findings_and_table_with_secrecy(communes):
    present, gaps = network_text.commune_findings(communes)
    assert_states(
        present,
        "adhérents employeurs de l'ESS sont présents dans chacune des 3 communes",
        "au moins un employeur de l'ESS",
    )
    # Non-member ESS employers: Coutances 6 − 2 = 4, Saint-Lô 5 − 2 = 3, Agneaux 2 − 1 = 1.
    assert_states(
        gaps,
        "le plus d'employeurs de l'ESS non adhérents",
        "Coutances (4)",
        "Saint-Lô (3)",
        "Agneaux (1)",
    )
    html = unescape(network_text.commune_html(communes, "Source test", ""))
    # Members' cells of 1 or 2 establishments: every jobs share is secret; counts are not.
    assert html.count(">secret<") == 3
    assert "Les 3 communes qui comptent le plus d'employeurs de l'ESS" in html
    rows = html.split("<tbody>")[1]
    assert rows.index("Coutances") < rows.index("Saint-Lô") < rows.index("Agneaux")


def test_banner_says_what_to_do_without_members_file():
    missing = network_text.data_banner(True, None, "terr", "territoires/terr.yaml")
    assert "Aucun fichier des adhérents n'est fourni pour ce territoire" in missing
    assert "ressol report --territory terr --adherents FICHIER" in missing
    assert "<code>adherents:</code> du fichier <code>territoires/terr.yaml</code>" in missing
    assert SYNTHETIC_MARK not in missing  # no figure of the network is shown
    demo = network_text.data_banner(True, "exemple.csv", "terr", "territoires/terr.yaml")
    assert SYNTHETIC_MARK in demo and "ne décrivent pas le réseau réel" in demo
    real = network_text.data_banner(False, "adherents.csv", "terr", "territoires/terr.yaml")
    assert SYNTHETIC_MARK not in real and "établissements réels" in real


def test_banner_and_kit_note_never_show_the_machine_s_path():
    located = "/home/consultante/projet/territoires/terr.yaml"
    missing = network_text.data_banner(True, None, "terr", located)
    assert "<code>adherents:</code> du fichier <code>territoires/terr.yaml</code>" in missing
    note = network_text.kit_note(None, "terr", located)
    assert "fichier `territoires/terr.yaml`." in note
    assert "/home" not in missing + note and "consultante" not in missing + note


def test_kit_note_links_to_the_report_kit():
    note = network_text.kit_note("RESSOL", "terr", "territoires/terr.yaml")
    assert "(kit/kit_terr_page_a4.pdf)" in note and "(kit/kit_terr_carte_1080.png)" in note
    assert "RESSOL dispose" in note
    missing = network_text.kit_note(None, "terr", "territoires/terr.yaml")
    assert "n'est pas produit" in missing and "`reseau:`" in missing and "kit/" not in missing


def test_coverage_bars_label_each_group(flagged):
    families = network_text.family_labels(network.coverage_by_family(flagged)).iloc[:-1]
    fig = network_charts.family_bars(families, "Source test", synthetic=True)
    labels = [t.get_text().replace(NB, " ") for t in fig.axes[0].texts]
    assert labels == [
        "3 sur 8 (37,5 %)",
        "1 sur 1 (100,0 %)",
        "1 sur 1 (100,0 %)",
        "0 sur 1",
        "0 sur 2",
    ]
    assert SYNTHETIC_MARK in [t.get_text() for t in fig.texts]
    plt.close(fig)


def test_coverage_map_classes(flagged, communes):
    # Saint-Lô 2 of 5 (40 %), Coutances 2 of 6 (33.3 %): 25 to 50 %; Agneaux 1 of 2: 50 % or more.
    shapes = gpd.GeoDataFrame(
        {"CODGEO": ["50502", "50002", "50147"], "EPCI": ["A", "A", "B"]},
        geometry=[box(0, 0, 1e4, 1e4), box(1e4, 0, 2e4, 1e4), box(0, -1e4, 2e4, 0)],
        crs="EPSG:2154",
    )
    coverage = network.coverage_by_area(flagged, MEMBERSHIP)
    fig = network_charts.coverage_map(shapes, communes, coverage, "terr", "Source test")
    ax = fig.axes[0]
    fills = [mcolors.to_hex(c.get_facecolor()[0]) for c in ax.collections[:2]]
    sizes = [len(c.get_paths()) for c in ax.collections[:2]]
    classes = {label: colour for _, label, colour in network_charts.SHARE_CLASSES}
    assert fills == [classes["De 25 à moins de 50 %"], classes["50 % ou plus"]]
    assert sizes == [2, 1]
    (subtitle,) = (t.get_text() for t in ax.texts)
    # 5 member ESS employers of 13: 5 / 13 = 38,5 %.
    assert_states(
        subtitle,
        "Ensemble de Territoire",
        "5 établissements employeurs de l'ESS adhérents sur 13",
        "38,5 %",
    )
    plt.close(fig)
