"""One PDF of a whole report for the board pack, printed by headless Chromium.

Each HTML page (synthesis first, then the chapters) is printed on A4 with its own print style
sheet, then the PDFs are joined in order with pypdf, with one bookmark per page. Without
Chromium the report stays complete in HTML: :func:`report_pdf` returns ``None`` and logs a
French sentence saying what to install.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from html import unescape
from pathlib import Path

from .browser import MISSING_CHROMIUM, Chromium, find_chromium
from .errors import RessolError

LOGGER = logging.getLogger(__name__)
TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def page_title(html_file: Path) -> str:
    """Return the ``<title>`` of an HTML page, or its file name when it has none."""
    head = Path(html_file).read_text(encoding="utf-8", errors="replace")[:20000]
    found = TITLE.search(head)
    return " ".join(unescape(found.group(1)).split()) if found else Path(html_file).stem


def report_pdf(
    html_files: Sequence[Path], out_pdf: Path, log: Callable[[str], object] | None = None
) -> Path | None:
    """Print report pages to a single PDF with headless Chromium.

    Parameters
    ----------
    html_files : sequence of Path
        Pages in reading order (synthesis, then chapters).
    out_pdf : Path
        PDF to write; an existing file is replaced only when the new one is complete.
    log : callable, optional
        Receives the French message when Chromium is missing (default: the module's logger,
        level WARNING).

    Returns
    -------
    Path or None
        ``out_pdf``, or ``None`` when Chromium is not installed (nothing is written).

    Raises
    ------
    RessolError
        If a page is missing, or Chromium fails while printing.
    """
    pages = [Path(p) for p in html_files]
    if not pages:
        raise RessolError("Aucune page HTML à imprimer : le PDF n'a pas été produit.")
    missing = [str(p) for p in pages if not p.is_file()]
    if missing:
        raise RessolError(
            f"Pages introuvables pour le PDF : {', '.join(missing)}. Refaites le rapport "
            "(ressol report) avant d'en produire le PDF."
        )
    if find_chromium() is None:
        (log or LOGGER.warning)(MISSING_CHROMIUM)
        return None
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    out_pdf = Path(out_pdf)
    with tempfile.TemporaryDirectory(prefix="ressol-pdf-") as work:
        printed = []
        with Chromium() as browser:
            for number, page in enumerate(pages):
                title = page_title(page)
                target = Path(work) / f"{number:02d}.pdf"
                printed.append((title, browser.print_pdf(page, target, footer=title)))
        writer = PdfWriter()
        for title, path in printed:
            start = len(writer.pages)
            writer.append(str(path))
            writer.add_outline_item(title=title, page_number=start)
        writer.add_metadata({"/Title": page_title(pages[0])})
        writer.root_object[NameObject("/Lang")] = TextStringObject("fr")
        handle, temporary = tempfile.mkstemp(prefix=f".{out_pdf.name}.", dir=out_pdf.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                writer.write(stream)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
            os.replace(temporary, out_pdf)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return out_pdf
