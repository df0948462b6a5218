"""The board-pack PDF: pages printed by headless Chromium and joined in order."""

from __future__ import annotations

import unicodedata

import pytest
from pypdf import PdfReader

from ressol_analysis import pdf
from ressol_analysis.browser import MISSING_CHROMIUM, chromium
from ressol_analysis.errors import RessolError


def text(page):
    """A PDF page's text with ligatures (ﬀ) and no-break spaces as plain characters."""
    return unicodedata.normalize("NFKC", page.extract_text())


def write_page(path, title, paragraphs, style=""):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    path.write_text(
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{style}</style></head><body><h1>{title}</h1>{body}"
        "</body></html>",
        encoding="utf-8",
    )
    return path


@pytest.mark.usefixtures("chromium_path")
def test_pages_are_printed_and_joined_in_order(tmp_path):
    first = write_page(
        tmp_path / "index.html",
        "Synthèse & chiffres",
        ["Chiffres clés : 146 623.", '<span class="ecran">Visible à l\'écran</span>'],
        "@media print { .ecran { display: none; } }",
    )
    second = write_page(tmp_path / "02.html", "Économie", [f"Ligne {i}" for i in range(120)])
    out = pdf.report_pdf([first, second], tmp_path / "rapport.pdf")
    assert out == tmp_path / "rapport.pdf"
    reader = PdfReader(out)
    assert [o.title for o in reader.outline] == ["Synthèse & chiffres", "Économie"]
    assert [reader.get_destination_page_number(o) for o in reader.outline] == [0, 1]
    texts = [text(p) for p in reader.pages]
    total = len(reader.pages)
    assert "146 623" in texts[0]
    # One numbering through the whole document; the title is escaped, not markup.
    assert texts[0].rstrip().endswith(f"Synthèse & chiffres — page 1/{total}")
    assert "Visible à l'écran" not in texts[0]  # the print style sheet applies
    # 120 lines do not fit on one A4 page: the second HTML page fills the others.
    assert total >= 3
    for number, content in enumerate(texts[1:], start=2):
        assert content.rstrip().endswith(f"Économie — page {number}/{total}")
    assert "Ligne 0" in texts[1] and "Ligne 119" in texts[-1]
    assert reader.pages[0].mediabox.width == pytest.approx(8.27 * 72, abs=1)  # A4
    assert reader.pages[0].mediabox.height == pytest.approx(11.69 * 72, abs=1)
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_missing_chromium_gives_none_and_a_french_message(tmp_path, monkeypatch):
    page = write_page(tmp_path / "index.html", "Synthèse", ["x"])
    monkeypatch.setenv("RESSOL_CHROMIUM", str(tmp_path / "pas-de-chromium"))
    messages = []
    assert pdf.report_pdf([page], tmp_path / "rapport.pdf", log=messages.append) is None
    assert messages == [MISSING_CHROMIUM]
    assert "apt-get install chromium" in MISSING_CHROMIUM
    assert not (tmp_path / "rapport.pdf").exists()
    with pytest.raises(RessolError, match="^Chromium n'est pas installé"), chromium():
        pass


def test_a_chromium_that_does_not_start_is_a_french_error(tmp_path, monkeypatch):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'pas un navigateur' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("RESSOL_CHROMIUM", str(fake))
    page = write_page(tmp_path / "index.html", "Synthèse", ["x"])
    (tmp_path / "rapport.pdf").write_bytes(b"ancien rapport")
    with pytest.raises(RessolError, match=rf"^Chromium \({fake}\) n'a pas pu démarrer : .+"):
        pdf.report_pdf([page], tmp_path / "rapport.pdf")
    assert (tmp_path / "rapport.pdf").read_bytes() == b"ancien rapport"  # the old one is kept


def test_missing_page_is_an_error(tmp_path):
    with pytest.raises(RessolError, match="Pages introuvables.*absente.html"):
        pdf.report_pdf([tmp_path / "absente.html"], tmp_path / "rapport.pdf")
    with pytest.raises(RessolError, match="Aucune page"):
        pdf.report_pdf([], tmp_path / "rapport.pdf")


@pytest.mark.usefixtures("chromium_path")
def test_the_first_page_gets_the_pdf_page_of_each_part(tmp_path):
    first = write_page(
        tmp_path / "index.html",
        "Synthèse",
        [
            'Économie <span class="page-pdf" data-page="02.html"></span>',
            'Sources <span class="page-pdf" data-page="03.html"></span>',
        ],
    )
    second = write_page(tmp_path / "02.html", "Économie", [f"Ligne {i}" for i in range(120)])
    third = write_page(tmp_path / "03.html", "Sources", ["Fichiers"])
    reader = PdfReader(pdf.report_pdf([first, second, third], tmp_path / "rapport.pdf"))
    starts = [reader.get_destination_page_number(o) + 1 for o in reader.outline]
    assert starts[0] == 1 and starts[2] - starts[1] >= 2  # the chapter takes two pages or more
    contents = text(reader.pages[0])
    assert f"Économie p. {starts[1]}" in contents and f"Sources p. {starts[2]}" in contents
    assert not list(tmp_path.glob(".index-pdf.html"))  # the numbered copy is removed


def test_page_starts_and_contents_marks():
    assert pdf.page_starts([2, 3, 1]) == [1, 3, 6]
    html = '<li>A <span class="page-pdf" data-page="a.html"></span></li>'
    html += '<li>B <span class="page-pdf" data-page="b.html">p. 9</span></li>'
    filled = pdf.fill_contents(html, {"a.html": 3})
    assert '<span class="page-pdf" data-page="a.html">p. 3</span>' in filled
    assert '<span class="page-pdf" data-page="b.html">p. 9</span>' in filled  # unknown: kept
    sheets = pdf.footer_sheets(["Synthèse & co", "Économie"], [1, 2])
    assert sheets.count("break-after:page") == 3
    assert "Synthèse &amp; co — page 1/3" in sheets and "Économie — page 3/3" in sheets
