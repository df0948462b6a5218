"""A report for another territory than Centre Manche carries none of Centre Manche's words.

One report of Villedieu Intercom (a single EPCI of the Manche, inland) is produced for the
session, without PDF (``other_run`` in tests/conftest.py); every page the run wrote is read as
a board member reads it (the visible text, images aside) and scanned for another territory's
places, comparisons, 2013 diagnostic, example action sheets, sources and the paths of the
machine that produced it.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

# Words of Centre Manche (its places, its comparisons, its 2013 diagnostic, its coast) and of
# the other areas whose files ship with the project.
FOREIGN = (
    "Centre Manche",
    "Saint-Lô",
    "Coutances",
    "Côte Ouest",
    "Basse-Normandie",
    "diagnostic de 2013",
    "2013 et aujourd",
    "conchyliculture",
    "côte ouest",
    "Rouen",
    "(exemple)",
    "réseau RESSOL",  # Centre Manche's network: Villedieu's file names none
)


def visible(page: Path) -> str:
    """The text a reader sees on a page: no style, no embedded image, no markup."""
    html = page.read_text(encoding="utf-8")
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    html = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_no_page_carries_another_territory_s_words(other_run, built_project):
    pages = sorted(other_run.glob("*.html"))
    assert len(pages) >= 7  # the index, the sources annex and every chapter
    # The territory file lies outside the project (other_run is <folder>/rapports/<id>/<run>).
    territory_folder = str(other_run.parents[2])
    machine = (
        str(built_project),
        str(other_run),
        territory_folder,
        str(Path.home()),
        "shared/data",
    )
    for page in pages:
        text = visible(page)
        assert "Villedieu Intercom" in text, page.name
        found = [w for w in (*FOREIGN, *machine) if w in text]
        assert found == [], f"{page.name} : {found}"


def test_the_other_territory_s_chapters_say_what_is_true_for_it(other_run):
    plan = visible(other_run / "06_plan_actions.html")
    assert "aucune fiche action n'est encore rattachée à ce territoire" in plan
    assert "Le plan en un tableau" not in plan
    ess = visible(other_run / "03_ess.html")
    # One EPCI: its commune table is shown all the same.
    assert "Villedieu Intercom : les 12 communes qui comptent le plus d'établissements" in ess
    index = visible(other_run / "index.html")
    assert "À retenir et à décider" in index and "Les questions posées au bureau" in index
    assert "Zones de comparaison : Manche ; Normandie." in visible(
        other_run / "01_demographie.html"
    )
    # The network chapter is named after the territory's network (none here), everywhere.
    network = (other_run / "04_reseau.html").read_text(encoding="utf-8")
    assert "<title>Le réseau et ses adhérents — Villedieu Intercom</title>" in network
    assert "Le réseau et ses adhérents" in index
    assert "RESSOL" not in index  # the index names no network: the territory's file names none
    sources = visible(other_run / "sources.html")
    assert "Urssaf" not in sources  # the Rouen sample is not this territory's
    assert "Sirene" in sources
