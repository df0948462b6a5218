"""One PDF of a whole report for the board pack, printed by headless Chromium.

Each HTML page (synthesis first, then the chapters, then the sources) is printed on A4 with its
own print style sheet, then the PDFs are joined in order with pypdf, with one bookmark per page,
and every sheet gets one footer numbered through the whole document (page title, ``page n/N``).
The first page may carry a table of contents: an element ``<span class="page-pdf"
data-page="03_ess.html">`` receives the PDF page where that HTML page starts, and the first page
is printed again with the numbers. Without Chromium the report stays complete in HTML:
:func:`report_pdf` returns ``None`` and logs a French sentence saying what to install.
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
PAGE_MARK = re.compile(r'(<span class="page-pdf" data-page="([^"]+)">)[^<]*(</span>)')
# One A4 sheet per footer, printed without margins and laid over the report's pages.
FOOTER_SHEET = (
    '<div style="height:11.6in;position:relative;break-after:page">'
    '<div style="position:absolute;bottom:0.22in;width:100%;text-align:center;font-size:8px;'
    'color:#555;font-family:DejaVu Sans,Arial,sans-serif">{text}</div></div>'
)


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
    from pypdf import PdfReader, PdfWriter
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
        for title, path, _ in printed:
            start = len(writer.pages)
            writer.append(str(path))
            writer.add_outline_item(title=title, page_number=start)
        footers = PdfReader(str(printed[0][2]))
        for page, footer in zip(writer.pages, footers.pages, strict=True):
            page.merge_page(footer)
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


def page_starts(counts: Sequence[int]) -> list[int]:
    """First page number (from 1) of each part of a document, from the parts' page counts."""
    starts, next_page = [], 1
    for count in counts:
        starts.append(next_page)
        next_page += count
    return starts


def fill_contents(html: str, starts: dict[str, int]) -> str:
    """Write the PDF page of each HTML page into the table of contents (``page-pdf`` marks)."""
    return PAGE_MARK.sub(
        lambda m: (
            f"{m.group(1)}p. {starts[m.group(2)]}{m.group(3)}"
            if m.group(2) in starts
            else m.group(0)
        ),
        html,
    )


def footer_sheets(titles: Sequence[str], counts: Sequence[int]) -> str:
    """An HTML document of one sheet per report page, each with its numbered footer."""
    total = sum(counts)
    sheets, number = [], 0
    for title, count in zip(titles, counts, strict=True):
        for _ in range(count):
            number += 1
            sheets.append(
                FOOTER_SHEET.format(text=f"{escape(title, quote=False)} — page {number}/{total}")
            )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>@page { margin: 0; }'
        " body { margin: 0; } div:last-child { break-after: auto; }</style></head><body>"
        + "".join(sheets)
        + "</body></html>"
    )


def _count(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def _print_pages(pages: Sequence[Path], work: Path) -> list[tuple[str, Path, Path]]:
    """Print each page to its own PDF in ``work``, then the footers numbered throughout.

    Returns (title, PDF, footers PDF) in reading order; the footers PDF is the same for all.
    """
    printed = []
    with chromium() as browser:
        # One tab for every page: a new tab costs a renderer process and as much as a print.
        tab = browser.new_page(viewport=WINDOW)
        for number, page in enumerate(pages):
            target = work / f"{number:02d}.pdf"
            printed.append((page_title(page), print_page(tab, page, target)))
        counts = [_count(path) for _, path in printed]
        first = pages[0].read_text(encoding="utf-8")
        if PAGE_MARK.search(first):
            starts = dict(zip((p.name for p in pages), page_starts(counts), strict=True))
            filled = pages[0].with_name(f".{pages[0].stem}-pdf.html")
            filled.write_text(fill_contents(first, starts), encoding="utf-8")
            try:
                print_page(tab, filled, printed[0][1])
            finally:
                filled.unlink(missing_ok=True)
            if _count(printed[0][1]) != counts[0]:
                raise RessolError(
                    "La table des matières du PDF a changé la longueur de la première page : "
                    "relancez le rapport."
                )
        footers = work / "pieds.pdf"
        tab.set_content(footer_sheets([t for t, _ in printed], counts))
        tab.pdf(
            path=footers,
            width=A4[0],
            height=A4[1],
            margin={"top": "0", "bottom": "0", "left": "0", "right": "0"},
        )
        if _count(footers) != sum(counts):
            raise RessolError(
                "Les pieds de page du PDF ne tombent pas juste : relancez le rapport."
            )
    return [(title, path, footers) for title, path in printed]


def print_page(tab: Page, page: Path, out_pdf: Path, footer: str | None = None) -> Path:
    """Print one page to an A4 PDF (print style sheet, backgrounds, optional footer).

    Parameters
    ----------
    tab : playwright.sync_api.Page
        A tab of a browser started by :func:`ressol_analysis.browser.chromium`; the page is
        loaded in it.
    page : Path
        HTML file to print.
    out_pdf : Path
        PDF file to write.
    footer : str, optional
        Text printed at the bottom of every page, before ``page n/N`` of this page alone;
        without it, no footer (:func:`report_pdf` numbers the whole document itself).

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
        f"{escape(footer or '', quote=False)}{' — ' if footer else ''}page "
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
            display_header_footer=footer is not None,
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
