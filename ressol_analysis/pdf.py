"""One PDF of a whole report for the board pack, printed by headless Chromium.

Each HTML page (synthesis first, then the chapters) is printed on A4 with its own print style
sheet and a footer (page title, page number), then the PDFs are joined in order with pypdf, with
one bookmark per page. Without Chromium the report stays complete in HTML: :func:`report_pdf`
returns ``None`` and logs a French sentence saying what to install.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from html import escape, unescape
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from .browser import MISSING_CHROMIUM, chromium, find_chromium
from .errors import RessolError

LOGGER = logging.getLogger(__name__)
TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
PAGE_TIMEOUT_MS = 60_000
# A4 in inches, and the window the page is laid out in before printing (CSS pixels).
A4 = ("8.27in", "11.69in")
MARGINS = {"top": "0.5in", "bottom": "0.6in", "left": "0.5in", "right": "0.5in"}
WINDOW = {"width": 1000, "height": 1400}


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
    with tempfile.TemporaryDirectory(prefix="ressol-pdf-", ignore_cleanup_errors=True) as work:
        # Playwright's synchronous API refuses to run in a thread whose asyncio loop is running
        # (a Jupyter kernel, a caller already driving a browser): print from a thread of its own.
        printer = ThreadPoolExecutor(max_workers=1)
        try:
            printed = printer.submit(_print_pages, pages, Path(work)).result()
        finally:
            # On Ctrl-C or SIGTERM, return at once: the caller stops Chromium, which ends the
            # printing thread (waiting here would print the whole report first).
            printer.shutdown(wait=False)
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


def _print_pages(pages: Sequence[Path], work: Path) -> list[tuple[str, Path]]:
    """Print each page to its own PDF in ``work``; return (title, PDF) in reading order."""
    printed = []
    with chromium() as browser:
        # One tab for every page: a new tab costs a renderer process and as much as a print.
        tab = browser.new_page(viewport=WINDOW)
        for number, page in enumerate(pages):
            title = page_title(page)
            target = work / f"{number:02d}.pdf"
            printed.append((title, print_page(tab, page, target, footer=title)))
    return printed


def print_page(tab: Page, page: Path, out_pdf: Path, footer: str = "") -> Path:
    """Print one page to an A4 PDF (print style sheet, backgrounds, numbered footer).

    Parameters
    ----------
    tab : playwright.sync_api.Page
        A tab of a browser started by :func:`ressol_analysis.browser.chromium`; the page is
        loaded in it.
    page : Path
        HTML file to print.
    out_pdf : Path
        PDF file to write.
    footer : str
        Text printed at the bottom of every page, before ``page n/N``.

    Returns
    -------
    Path
        ``out_pdf``.

    Raises
    ------
    RessolError
        If the page does not load in time or Chromium fails while printing.
    """
    page, out_pdf = Path(page), Path(out_pdf)
    template = (
        '<div style="font-size:8px;width:100%;text-align:center;color:#555;'
        'font-family:DejaVu Sans,Arial,sans-serif">'
        f"{escape(footer, quote=False)}{' — ' if footer else ''}page "
        '<span class="pageNumber"></span>/<span class="totalPages"></span></div>'
    )
    try:
        tab.goto(page.resolve().as_uri(), wait_until="load", timeout=PAGE_TIMEOUT_MS)
        tab.pdf(
            path=out_pdf,
            width=A4[0],
            height=A4[1],
            margin=MARGINS,
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=template,
        )
    except PlaywrightTimeout:
        raise RessolError(
            f"La page {page.name} n'a pas fini de se charger en {PAGE_TIMEOUT_MS // 1000} s "
            "dans Chromium : vérifiez qu'elle ne dépend d'aucune ressource en ligne."
        ) from None
    except PlaywrightError as error:
        reason = (error.message or "").strip().splitlines()
        raise RessolError(
            f"Chromium n'a pas pu imprimer {page.name} : {reason[0] if reason else '?'}. "
            "Relancez ; si le problème persiste, vérifiez l'installation du paquet « chromium »."
        ) from None
    return out_pdf
