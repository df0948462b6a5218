"""The communication kit from a small tidy indicator table written here, and its files."""

from __future__ import annotations

import struct

import geopandas as gpd
import pandas as pd
import pytest
from pypdf import PdfReader
from shapely.geometry import box

from ressol_analysis import kit, kit_charts, network_run
from ressol_analysis.contract import TIDY_COLUMNS
from ressol_analysis.errors import RessolError
from ressol_analysis.labels import SYNTHETIC_MARK

NB = "\u00a0"
SIRENE_DEMO = "Données synthétiques de démonstration au format du stock Sirene (Insee)"
SIRENE_REAL = "Insee, base Sirene (stock), établissements actifs"
CENSUS = "Insee, RP 2022"
AREAS = {
    "terr": "Territoire test",
    "epci-a": "CA Alpha",
    "epci-b": "CC Bêta",
    "dep-50": "Manche",
    "reg-28": "Normandie",
}
VALUES = {
    # key: (terr, dep-50, reg-28)
    "ess_effectif_salarie_estime": (600, 2400, 12000),
    "ess_effectif_salarie_estime_bas": (400, 1600, 8000),
    "ess_effectif_salarie_estime_haut": (800, 3200, 16000),
    "part_ess_effectif_salarie_estime": (12.5, 11.0, 10.0),
    "ess_etablissements_employeurs": (50, 250, 2000),
    "part_ess_etablissements_employeurs": (10.0, 9.0, 8.04),
    "ess_effectif_salarie_estime_associations": (450, 1800, 8400),
    "population": (30000, 500000, 3000000),
    "taux_de_chomage_15_64_ans": (8.26, 8.7, 11.4),
    "part_60_ans_plus": (31.0, 33.3, 29.1),
}
EPCI_SHARES = {"epci-a": 14.0, "epci-b": 9.5}


def tidy(synthetic: bool) -> pd.DataFrame:
    sirene = SIRENE_DEMO if synthetic else SIRENE_REAL
    rows = []
    for key, values in VALUES.items():
        source = (
            CENSUS
            if key in ("population", "taux_de_chomage_15_64_ans", "part_60_ans_plus")
            else sirene
        )
        vintage = "RP 2022" if source == CENSUS else "Stock Sirene"
        mark = "oui" if synthetic and source == sirene else "non"
        for area, value in zip(("terr", "dep-50", "reg-28"), values, strict=True):
            rows.append((area, AREAS[area], key, float(value), "u", source, vintage, mark))
    for area, value in EPCI_SHARES.items():
        rows.append(
            (
                area,
                AREAS[area],
                "part_ess_effectif_salarie_estime",
                value,
                "%",
                sirene,
                "Stock Sirene",
                "oui" if synthetic else "non",
            )
        )
    return pd.DataFrame(rows, columns=TIDY_COLUMNS)


def test_key_figures_and_comparisons_by_hand():
    figures = kit.key_figures(tidy(True), "terr", ["dep-50", "reg-28"]).set_index("cle")
    jobs = figures.loc["ess_effectif_salarie_estime"]
    assert jobs["texte"] == "600"
    assert jobs["fourchette"] == "fourchette de 400 à 800"
    # 600 / 2 400 = 25 %, 600 / 12 000 = 5 %
    assert jobs["comparaison"] == f"25,0{NB}% du total Manche · 5,0{NB}% du total Normandie"
    share = figures.loc["part_ess_effectif_salarie_estime"]
    assert share["texte"] == f"12,5{NB}%"
    assert share["comparaison"] == f"Manche{NB}:{NB}11,0{NB}% · Normandie{NB}:{NB}10,0{NB}%"
    # Associations: 450 / 600 = 75 %; Manche 1 800 / 2 400 = 75 %; Normandie 8 400 / 12 000 = 70 %
    associations = figures.loc["ess_effectif_salarie_estime_associations"]
    assert associations["valeur"] == 75.0
    assert associations["comparaison"] == f"Manche{NB}:{NB}75,0{NB}% · Normandie{NB}:{NB}70,0{NB}%"
    assert figures.loc["population", "texte"] == f"30{NB}000"
    assert figures.loc["population", "comparaison"].endswith(f"1,0{NB}% du total Normandie")
    assert figures.loc["taux_de_chomage_15_64_ans", "texte"] == f"8,3{NB}%"
    assert figures.loc["part_ess_etablissements_employeurs", "comparaison"].endswith(f"8,0{NB}%")
    assert len(figures) == 8


def test_synthetic_flag_follows_the_contract_marker():
    demo = kit.key_figures(tidy(True), "terr", ["dep-50", "reg-28"]).set_index("cle")
    assert demo.loc["ess_effectif_salarie_estime", "synthetique"]
    assert not demo.loc["population", "synthetique"]
    real = kit.key_figures(tidy(False), "terr", ["dep-50", "reg-28"])
    assert not real["synthetique"].any()
    # The ``synthetique`` column decides, whatever the source line says ...
    marked = tidy(False)
    marked.loc[marked["indicateur"] == "population", "synthetique"] = "oui"
    figures = kit.key_figures(marked, "terr", ["dep-50", "reg-28"]).set_index("cle")
    assert figures["synthetique"][figures["synthetique"]].index.tolist() == ["population"]
    # ... and a table written before the column existed is read from its source lines.
    legacy = kit.key_figures(tidy(True).drop(columns="synthetique"), "terr", ["dep-50"])
    assert legacy.set_index("cle").loc["ess_effectif_salarie_estime", "synthetique"]
    assert not legacy.set_index("cle").loc["population", "synthetique"]


def test_sources_line_names_each_source_once_with_its_vintage():
    figures = kit.key_figures(tidy(False), "terr", ["dep-50", "reg-28"])
    # The census line already says « RP 2022 »: its vintage is not repeated.
    assert kit.sources_text(figures) == f"Sources : {SIRENE_REAL} (Stock Sirene) ; {CENSUS}."
    # The geography that ends each source line is said once, at the end; the synthetic
    # extract's vintage adds nothing to its source line.
    table = tidy(True)
    table["source"] = table["source"] + " — géographie au 01/01/2026"
    figures = kit.key_figures(table, "terr", ["dep-50", "reg-28"])
    assert kit.sources_text(figures) == (
        f"Sources : {SIRENE_DEMO} ; {CENSUS} ; géographie au 01/01/2026."
    )


def test_bad_tables():
    table = tidy(True)
    with pytest.raises(RessolError, match="ne contient pas la ou les zones reg-99"):
        kit.key_figures(table, "terr", ["dep-50", "reg-99"])
    with pytest.raises(RessolError, match="n'a pas les indicateurs part_60_ans_plus pour terr"):
        kit.key_figures(table[table["indicateur"] != "part_60_ans_plus"], "terr", ["dep-50"])
    with pytest.raises(RessolError, match="n'a pas les colonnes source"):
        kit.key_figures(table.drop(columns="source"), "terr", ["dep-50"])
    empty = table.copy()
    empty.loc[
        (empty["territoire_code"] == "terr") & (empty["indicateur"] == "population"), "valeur"
    ] = None
    with pytest.raises(RessolError, match="l'indicateur population de terr est vide"):
        kit.key_figures(empty, "terr", ["dep-50"])


def test_zone_values():
    zones = kit.zone_values(tidy(True), ["epci-b", "epci-a"])
    assert zones["zone"].tolist() == ["epci-b", "epci-a"]
    assert zones["texte"].tolist() == [f"9,5{NB}%", f"14,0{NB}%"]
    assert zones["synthetique"].all()
    with pytest.raises(RessolError, match="epci-c"):
        kit.zone_values(tidy(True), ["epci-c"])


def shapes() -> gpd.GeoDataFrame:
    # Four 10 km squares in Lambert-93: two in EPCI A, one in EPCI B, one outside.
    cells = [(0, 0, "epci-a"), (1, 0, "epci-a"), (0, 1, "epci-b"), (1, 1, None)]
    return gpd.GeoDataFrame(
        {
            "CODGEO": [f"5000{i}" for i in range(4)],
            "zone": pd.array([z for _, _, z in cells], dtype="string"),
        },
        geometry=[box(4e5 + 1e4 * x, 6.9e6 + 1e4 * y, 4.1e5 + 1e4 * x, 6.91e6 + 1e4 * y)
                  for x, y, _ in cells],
        crs="EPSG:2154",
    )  # fmt: skip


def png_size(path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("synthetic", [True, False])
def test_kit_files(tmp_path, synthetic):
    table = tidy(synthetic)
    figures = kit.key_figures(table, "terr", ["dep-50", "reg-28"])
    zones = kit.zone_values(table, ["epci-a", "epci-b"])
    marked = bool(figures["synthetique"].any())
    assert marked is synthetic
    page = kit_charts.kit_page(
        figures, shapes(), zones, title="Territoire test", network="Réseau test",
        sources=kit.sources_text(figures), context_name="Manche", synthetic=marked,
    )  # fmt: skip
    card_figures = figures.set_index("cle").loc[list(kit.CARD_KEYS)].reset_index()
    card = kit_charts.kit_card(
        card_figures, title="Territoire test", network="Réseau test",
        source=kit.sources_text(card_figures), synthetic=bool(card_figures["synthetique"].any()),
    )  # fmt: skip
    files = network_run.save_kit(page, card, tmp_path / "kit", "kit_terr")
    assert sorted(p.name for p in (tmp_path / "kit").iterdir()) == [
        "kit_terr_carte_1080.png", "kit_terr_page_a4.pdf", "kit_terr_page_a4.png",
    ]  # fmt: skip
    assert png_size(files["carte_png"]) == (1080, 1080)
    width, height = png_size(files["page_png"])
    assert abs(width - 210 / 25.4 * kit_charts.PAGE_DPI) <= 1
    assert abs(height - 297 / 25.4 * kit_charts.PAGE_DPI) <= 1
    pdf = PdfReader(files["page_pdf"])
    assert len(pdf.pages) == 1
    assert float(pdf.pages[0].mediabox.width) == pytest.approx(595.28, abs=0.05)
    assert float(pdf.pages[0].mediabox.height) == pytest.approx(841.89, abs=0.05)
    text = pdf.pages[0].extract_text()
    assert "L'ESS en Territoire test" in text and "Réseau test" in text
    assert "du total Manche" in text and "CA Alpha" in text and "14,0" in text
    assert (SYNTHETIC_MARK in text) is synthetic
    card_texts = [t.get_text() for t in card.texts]
    assert (SYNTHETIC_MARK in card_texts) is synthetic
    assert any(t.startswith("Sources : ") for t in card_texts)


def test_save_kit_leaves_previous_files_when_a_figure_fails(tmp_path):
    table = tidy(False)
    figures = kit.key_figures(table, "terr", ["dep-50", "reg-28"])
    card = kit_charts.kit_card(
        figures.head(3), title="T", network="R", source="Sources : x.", synthetic=False
    )
    folder = tmp_path / "kit"
    folder.mkdir()
    (folder / "kit_terr_carte_1080.png").write_bytes(b"ancien")

    class Broken:
        def savefig(self, *args, **kwargs):
            raise OSError("disque plein")

    with pytest.raises(OSError, match="disque plein"):
        network_run.save_kit(card, Broken(), folder, "kit_terr")
    assert (folder / "kit_terr_carte_1080.png").read_bytes() == b"ancien"
    assert sorted(p.name for p in folder.iterdir()) == ["kit_terr_carte_1080.png"]
