"""The board-pack PDF: pages printed by headless Chromium and joined in order."""

from __future__ import annotations

import pytest

from ressol_analysis import pdf
from ressol_analysis.browser import MISSING_CHROMIUM, find_chromium
from ressol_analysis.errors import RessolError


def write_page(path, title, paragraphs):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    path.write_text(
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>",
        encoding="utf-8",
    )
    return path


@pytest.mark.skipif(find_chromium() is None, reason="Chromium absent (paquet Debian « chromium »)")
def test_pages_are_printed_and_joined_in_order(tmp_path):
    from pypdf import PdfReader

    first = write_page(tmp_path / "index.html", "Synthèse", ["Chiffres clés : 146 623."])
    second = write_page(tmp_path / "02.html", "Économie", [f"Ligne {i}" for i in range(120)])
    out = pdf.report_pdf([first, second], tmp_path / "rapport.pdf")
    assert out == tmp_path / "rapport.pdf"
    reader = PdfReader(out)
    assert [o.title for o in reader.outline] == ["Synthèse", "Économie"]
    texts = [p.extract_text() for p in reader.pages]
    assert "146 623" in texts[0] and "page 1/1" in texts[0]
    assert len(reader.pages) >= 3  # 120 lines do not fit on one A4 page
    assert "Ligne 0" in texts[1] and "Ligne 119" in texts[-1]
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_missing_chromium_gives_none_and_a_french_message(tmp_path, monkeypatch):
    page = write_page(tmp_path / "index.html", "Synthèse", ["x"])
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    messages = []
    assert pdf.report_pdf([page], tmp_path / "rapport.pdf", log=messages.append) is None
    assert messages == [MISSING_CHROMIUM]
    assert "apt-get install chromium" in MISSING_CHROMIUM
    assert not (tmp_path / "rapport.pdf").exists()


def test_missing_page_is_an_error(tmp_path):
    with pytest.raises(RessolError, match="Pages introuvables.*absente.html"):
        pdf.report_pdf([tmp_path / "absente.html"], tmp_path / "rapport.pdf")
    with pytest.raises(RessolError, match="Aucune page"):
        pdf.report_pdf([], tmp_path / "rapport.pdf")
