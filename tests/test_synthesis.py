"""The synthesis page and the XLSX export, on a tiny hand-made indicator table."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
from support.facts import assert_states
from support.pages import external_urls

from ressol_analysis.errors import RessolError
from ressol_analysis.formatting import NBSP
from ressol_analysis.labels import SYNTHETIC_MARK
from ressol_analysis.sources.manifest import RawFile
from ressol_analysis.sources.reference import load_reference_2013
from ressol_analysis.synthesis_page import (
    comparison_2013_table,
    key_figures_table,
    sources_page,
    synthesis_page,
    text_to_html,
)
from ressol_analysis.synthesis_text import synthesis_findings

RP = "Insee, RP 2022"
SIRENE = "Insee, base Sirene (stock), estimation par tranche"
# (code, name, population, density, <15, 60+, 75+, growth, ESS establishments, ESS jobs)
AREAS = [
    ("tc", "Terre du Centre", 1000, 50.0, 15.0, 33.5, 12.0, -0.20, 12.0, 15.0),
    ("epci-1", "CC Nord", 600, 80.0, 16.0, 25.0, 10.0, 0.10, 11.0, 14.0),
    ("epci-2", "CC Sud", 400, 30.0, 13.5, 37.5, 15.0, -0.60, 13.5, 16.5),
    ("dep-99", "Département", 10000, 100.0, 17.0, 28.0, 11.0, 0.30, 10.0, 12.0),
    ("reg-99", "Région (trois départements)", 100000, 120.0, 18.0, 26.0, 9.0, 0.40, 9.0, 11.0),
]


def tidy_fixture(with_ess: bool = True, synthetic: bool = True) -> pd.DataFrame:
    """Tidy rows of the five areas; the ESS rows carry the synthetic marker when asked."""
    rows = []
    for code, name, pop, dens, young, old, older, growth, ess_e, ess_j in AREAS:
        values = [
            ("population", pop, "habitants", RP, "RP 2022"),
            ("densite_hab_km2", dens, "hab./km²", RP, "RP 2022"),
            ("part_moins_15_ans", young, "%", RP, "RP 2022"),
            ("part_60_ans_plus", old, "%", RP, "RP 2022"),
            ("part_75_ans_plus", older, "%", RP, "RP 2022"),
            ("taux_evolution_annuel_2016_2022", growth, "% par an", RP, "RP 2016 et RP 2022"),
        ]
        if with_ess:
            values += [
                ("part_ess_etablissements_employeurs", ess_e, "%", SIRENE, "Sirene 2026"),
                ("part_ess_effectif_salarie_estime", ess_j, "%", SIRENE, "Sirene 2026"),
            ]
        rows += [
            dict(
                territoire_code=code,
                territoire=name,
                indicateur=k,
                valeur=v,
                unite=u,
                source=s,
                millesime=m,
                synthetique="oui" if synthetic and s == SIRENE else "non",
            )
            for k, v, u, s, m in values
        ]
    return pd.DataFrame(rows)


def entry(key: str) -> RawFile:
    return RawFile(
        key=key,
        path=Path(f"/raw/{key}.csv"),
        title=f"Fichier {key}",
        publisher="Insee",
        source="insee.fr — page",
        origin="",
        licence="Licence Ouverte",
        vintage="RP 2022",
        geography="COG 2025",
        citation="Insee",
        usage="tests",
        sha256="ab" * 32,
    )


RUN_INFO = {
    "territoire": "tc",
    "donnees": {
        "cog": 2026,
        "millesimes": {"rp": 2022},
        "anomalies_sources": ["Corrèze écartée."],
    },
}


def page(synthetic: bool = False, table: pd.DataFrame | None = None) -> str:
    return synthesis_page(
        tidy_fixture(synthetic=synthetic) if table is None else table,
        "tc",
        "Terre du Centre",
        [("Démographie", "01_demographie.html"), ("Économie", "02_economie.html")],
        synthetic,
        RUN_INFO,
    )


def annex(synthetic: bool = False) -> str:
    return sources_page(
        "Terre du Centre",
        [entry("rp"), entry("sirene")],
        "Règles :\n\n- une\n  suite\n- deux",
        synthetic,
        RUN_INFO,
    )


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_key_figures_table_shows_french_figures_for_territory_and_comparisons():
    html = plain(key_figures_table(tidy_fixture(), "tc"))
    # territory, then comparison areas (département, région); EPCIs are not comparison areas
    assert html.index("Terre du Centre") < html.index("Département") < html.index("Région")
    assert "CC Nord" not in html
    for text in (
        "1 000",
        "10 000",
        "100 000",
        "50,0",
        "120,0",
        "15,0 %",
        "33,5 %",
        "12,0 %",
        "9,0 %",
        "11,0 %",
    ):
        assert text in html
    assert "Sources :" in html and RP in html and SIRENE in html


def test_key_figures_skip_missing_keys():
    html = key_figures_table(tidy_fixture(with_ess=False), "tc")
    assert "ESS :" not in html
    assert "Emplois situés" not in html  # absent from the table: skipped, not an error
    assert "Habitants" in html


def test_epci_table_lists_the_epcis():
    page_html = plain(page())
    assert "Terre du Centre et ses intercommunalités" in page_html
    assert "CC Nord" in page_html and "CC Sud" in page_html


def test_findings_are_generated_from_the_numbers():
    findings = [plain(f) for f in synthesis_findings(tidy_fixture(), "tc", "Terre du Centre")]
    # One finding per topic, in reading order: population and density, growth, 60 and over,
    # under 15, the EPCIs, the ESS.
    assert [f.split(" ")[:3] for f in findings] == [
        ["Terre", "du", "Centre"],
        ["Entre", "2016", "et"],
        ["Environ", "un", "habitant"],
        ["Les", "moins", "de"],
        ["Les", "intercommunalités", "diffèrent"],
        ["L'économie", "sociale", "et"],
    ]
    text = " ".join(findings)
    assert "Terre du Centre compte 1 000 habitants" in text
    assert "50,0 habitants par km²" in text
    assert "moins densément peuplé que toutes ses zones de comparaison" in text
    assert "a diminué de 0,20 % par an" in text
    # 33,5 % aged 60+: about one in three (100 / 3 = 33,3), more than every comparison area
    assert "Environ un habitant sur trois a 60 ans ou plus (33,5 %)" in text
    assert "plus que dans toutes les zones de comparaison" in text
    assert (
        "CC Nord est la plus dense (80,0 hab./km²), CC Sud la moins dense (30,0 hab./km²)" in text
    )
    assert "CC Sud (37,5 %)" in text
    assert "CC Sud a perdu des habitants entre 2016 et 2022" in text
    assert "12,0 % des établissements employeurs" in text
    assert "environ 15,0 % des emplois salariés" in text


def test_never_more_than_eight_findings_the_2013_comparison_gives_way_first(monkeypatch):
    from ressol_analysis import synthesis_text

    eight = tuple(lambda t, c, n, i=i: f"Constat {i}." for i in range(1, 9))
    monkeypatch.setattr(synthesis_text, "FINDINGS", eight)
    monkeypatch.setattr(synthesis_text, "finding_since_2013", lambda *a: "Depuis 2013.")
    findings = synthesis_findings(tidy_fixture(), "tc", "Terre du Centre")
    assert findings == [f"Constat {i}." for i in range(1, 9)]
    monkeypatch.setattr(synthesis_text, "FINDINGS", eight[:7])
    findings = synthesis_findings(tidy_fixture(), "tc", "Terre du Centre")
    assert findings == [*(f"Constat {i}." for i in range(1, 8)), "Depuis 2013."]


def test_findings_follow_the_data_not_fixed_text():
    table = tidy_fixture()
    table.loc[
        (table.territoire_code == "tc") & (table.indicateur == "densite_hab_km2"), "valeur"
    ] = 150.0
    text = plain(" ".join(synthesis_findings(table, "tc", "Terre du Centre")))
    assert "150,0 habitants par km²" in text
    assert "plus densément peuplé que toutes ses zones de comparaison" in text


def test_page_is_self_contained_french_and_links_the_report():
    html = page()
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in html
    assert "<script" not in html.lower()
    assert external_urls(html) == []
    assert 'name="viewport"' in html and "@media print" in html and "@media (max-width" in html
    for link in (
        "01_demographie.html",
        "02_economie.html",
        "indicateurs.csv",
        "indicateurs.xlsx",
        "rapport.pdf",
        "sources.html",
    ):
        assert f'href="{link}"' in html
    assert SYNTHETIC_MARK not in html


def test_appendix_lists_every_source_with_checksum_and_rules():
    html = annex()
    assert html.startswith("<!DOCTYPE html>") and '<a href="index.html">' in html
    assert "Fichier rp" not in page()  # the index links the annex, at its end
    assert (
        page()
        .rstrip()
        .endswith(
            '<a href="sources.html">Sources et méthode</a>.</p></section>'
            "\n</main>\n</body>\n</html>"
        )
    )
    appendix = html[html.index('id="sources"') :]
    for field in (
        "Fichier rp",
        "Fichier sirene",
        "Insee",
        "RP 2022",
        "COG 2025",
        "Licence Ouverte",
        "ab" * 32,
    ):
        assert field in appendix
    assert "<li>une suite</li>" in appendix  # the ESS rules, continuation joined
    assert "Corrèze écartée." in appendix
    assert "Aucune : tous les chiffres" in appendix


def test_synthetic_mark_follows_the_marker_column_not_the_source_text():
    # Same Sirene source lines, marker « non »: real data, nothing is marked.
    html = page(synthetic=False, table=tidy_fixture(synthetic=False))
    assert SYNTHETIC_MARK not in html
    # A row marked « oui » is marked whatever its source says.
    table = tidy_fixture(synthetic=False)
    table.loc[table["indicateur"] == "population", "synthetique"] = "oui"
    figures = page(table=table)
    figures = figures[figures.index('id="chiffres-cles"') : figures.index('id="sources"')]
    rows = [r for r in figures.split("<tr>")[1:] if SYNTHETIC_MARK in r]
    assert rows and all(r.startswith('<th scope="row">Habitants') for r in rows)


def test_synthetic_mark_on_every_part_built_from_sirene():
    html = page(synthetic=True)
    # banner, the two ESS rows of each of the two tables, the ESS finding, the appendix
    assert html.count(SYNTHETIC_MARK) >= 1 + 4 + 1 + 1
    figures = html[html.index('id="chiffres-cles"') : html.index('id="sources"')]
    for row in figures.split("<tr>")[1:]:
        marked = SYNTHETIC_MARK in row
        assert marked == ("ESS :" in row), row[:80]


def test_bad_table_is_refused_with_a_french_message():
    with pytest.raises(RessolError, match="colonnes source"):
        key_figures_table(tidy_fixture().drop(columns="source"), "tc")
    with pytest.raises(RessolError, match="« inconnu » n'a aucune ligne"):
        synthesis_findings(tidy_fixture(), "inconnu", "Inconnu")


EST = "Insee, estimations de population au 1er janvier, 2021 — départements entiers"


def centre_manche(synthetic: bool) -> pd.DataFrame:
    """Centre Manche's figures as the run writes them (rounded), ESS marked when synthetic."""
    ess = "oui" if synthetic else "non"
    rows = []
    for code, name, values in [
        (
            "centre-manche",
            "Centre Manche",
            [146623.0, 1946.49, 75.3269, 16.2748, None, 33.0255, None, 12.5877, 9.7261],
        ),
        (
            "dep-50",
            "Manche",
            [495045.0, 5938.0, 83.3669, 15.9, 21.3994, 33.4, 26.1077, 13.1, 10.2],
        ),
        (
            "basse-normandie",
            "Basse-Normandie (Calvados, Manche, Orne)",
            [1464589.0, 17589.0, 83.2, 16.4, 22.1035, 31.7012, 24.8415, 13.3, 9.9],
        ),
    ]:
        keys = [
            ("population", "habitants", RP, "RP 2022", "non"),
            ("superficie_km2", "km²", "Insee, SUPERF", "Superficie, COG 2025", "non"),
            ("densite_hab_km2", "hab./km²", RP, "RP 2022", "non"),
            ("part_moins_15_ans", "%", RP, "RP 2022", "non"),
            ("part_moins_20_ans", "%", EST, "Estimations de population 2021", "non"),
            ("part_60_ans_plus", "%", RP, "RP 2022", "non"),
            ("part_65_ans_plus_estimations", "%", EST, "Estimations de population 2021", "non"),
            ("part_ess_effectif_salarie_estime_perimetre_statistique", "%", SIRENE, "2023", ess),
            ("part_ess_etablissements_employeurs_perimetre_statistique", "%", SIRENE, "2023", ess),
        ]
        rows += [
            dict(
                territoire_code=code,
                territoire=name,
                indicateur=k,
                valeur=v,
                unite=u,
                source=src,
                millesime=m,
                synthetique=flag,
            )
            for (k, u, src, m, flag), v in zip(keys, values, strict=True)
        ]
    return pd.DataFrame(rows)


def rows_2013(table: pd.DataFrame) -> dict[str, list[str]]:
    """Each row of the 2013 table as its four cells' text, by the label of the figure."""
    html = unescape(plain(comparison_2013_table(table, "centre-manche", load_reference_2013())))
    cells = {}
    for row in html.split("<tr>")[2:]:
        texts = [re.sub(r"<[^>]+>", " ", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        cells[" ".join(texts[0].split())] = [" ".join(t.split()) for t in texts[1:]]
    return cells


def test_2013_figures_are_data_with_today_side_by_side():
    reference = load_reference_2013()
    assert reference["source"] == "Diagnostic RESSOL 2013"
    published = {c["libelle"]: c["valeur"] for c in reference["chiffres"]}
    assert published["Habitants"] == 148000 and published["Habitants par km²"] == 70
    rows = rows_2013(centre_manche(synthetic=False))
    then, now, note = rows["Habitants"]
    assert then == "148 000" and now.startswith("146 623 Source : Insee, RP 2022 (RP 2022)")
    # Density: 148 000 / 70 = 2 114 km² (1 967 to 2 285 with the rounding), not 1 946.
    then, now, note = rows["Habitants par km²"]
    assert then == "70" and now.startswith("75,3")
    assert "Même définition" not in note
    assert_states(
        note,
        "148 000 habitants à 70 hab./km²",
        "environ 2 110 km²",
        "de 1 970 à 2 280 km² compte tenu des arrondis",
        "1 946 km² pour le territoire d'aujourd'hui",
        "le périmètre de 2013 n'était pas le même",
    )


def test_2013_ages_never_show_an_under_15_share_as_under_20_and_give_65_plus_landmarks():
    rows = rows_2013(centre_manche(synthetic=False))
    then, now, note = rows["Part des moins de 20 ans"]
    assert now.startswith("n.d. Non calculable pour le territoire : les tranches d'âge du ")
    assert "ne coupent pas à 20 ans" in now
    assert "16,3" not in now and "moins de 15 ans" not in now  # the under-15 share (16,27 %)
    assert "Repères : Manche (département) : 21,4 % de moins de 20 ans " in now
    assert "Basse-Normandie (Calvados, Manche, Orne) : 22,1 % de moins de 20 ans" in now
    assert f"Source : {EST} (Estimations de population 2021)" in now
    then, now, note = rows["Part des « 60 ans et plus » (très probablement les 65 ans et plus)"]
    assert then == "20 % 2 points de plus que la région (Basse-Normandie)"
    assert now.startswith("33,0 % Basse-Normandie : 31,7 %")
    assert "Part des 60 ans ou plus au recensement (et non des 65 ans ou plus)" in now
    assert "Manche (département) : 26,1 % de 65 ans ou plus" in now
    assert "Basse-Normandie (Calvados, Manche, Orne) : 24,8 % de 65 ans ou plus" in now
    assert "ne coupent pas à 65 ans" in note and "de 18,7 % à 19,0 % de 65 ans ou plus" in note


def test_2013_ess_rows_never_put_a_synthetic_figure_beside_a_real_one():
    rows = rows_2013(centre_manche(synthetic=True))
    for label in ("Part de l'ESS dans l'emploi", "Part de l'ESS dans les établissements"):
        then, now, note = rows[label]
        assert now.startswith("n.d. — données de démonstration"), now
        assert "12,6" not in now and "9,7" not in now and "13,3" not in now
        assert SYNTHETIC_MARK in now
        assert "réglage du générateur" in note
    real = rows_2013(centre_manche(synthetic=False))
    then, now, note = real["Part de l'ESS dans l'emploi"]
    assert then.startswith("14,3 % Basse-Normandie : 12,4 % Périmètre de 2013 : ")
    assert now.startswith("12,6 % Basse-Normandie : 13,3 % Périmètre d'aujourd'hui : périmètre ")
    assert SYNTHETIC_MARK not in now


def test_synthesis_says_the_2013_population_was_not_the_same_territory():
    from ressol_analysis.synthesis_text import finding_since_2013

    sentence = finding_since_2013(
        centre_manche(False), "centre-manche", "Centre Manche", load_reference_2013()
    )
    # 2013: 148 000 inhabitants at 70 per km² → 148 000 / 70 = 2 114 ≈ 2 110 km² (to 10 km²),
    # against 1 946,49 km² today; 146 623 is (146 623 − 148 000) / 148 000 = −0,9 %: under 2 %.
    assert_states(
        sentence,
        "2013 comptait environ 148 000 habitants",
        "en compte 146 623",
        "un niveau proche",
        "pas sur le même territoire",
        "environ 2 110 km²",
        "1 946 km² aujourd'hui",
        "« 2013 et aujourd'hui »",
    )


def test_2013_table_only_for_its_territory():
    assert comparison_2013_table(tidy_fixture(), "tc", load_reference_2013()) == ""
    assert "2013 et aujourd'hui" not in page()


def test_rules_text_lists_and_inline_code():
    html = text_to_html("Intro `code` **fort**\n\n1. un\n   suite\n2. deux\n   - a\n   - b")
    assert html == (
        "<p>Intro <code>code</code> <strong>fort</strong></p>"
        "<ol><li>un suite</li><li>deux<ul><li>a</li><li>b</li></ul></li></ol>"
    )


def test_demography_chapter_and_synthesis_say_the_same_without_double_negative():
    from ressol_analysis.synthesis_text import demography_findings

    chapter = demography_findings(tidy_fixture(), "tc", "Terre du Centre")
    synthesis = synthesis_findings(tidy_fixture(), "tc", "Terre du Centre")
    assert len(chapter) == 5 and chapter == synthesis[:5]
    falling = next(s for s in chapter if "diminué" in s)
    assert f"a diminué de 0,20{NBSP}% par an" in falling  # −0,20 %: no sign after « diminué »
    assert not re.search("diminué de [−-]", " ".join(chapter))


def test_the_annex_never_shows_a_path_of_the_machine():
    local = replace(entry("note"), source="../shared/data/demography/PROVENANCE.md")
    html = sources_page("Terre du Centre", [local], "", False, RUN_INFO)
    assert "../shared" not in html
    assert "fichier livré avec le projet (data/raw/note.csv)" in html
