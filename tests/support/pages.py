"""Check report pages as a board member would see them: offline, in headless Chromium.

Two kinds of checks:

* :func:`external_urls` reads the HTML (no browser): any script, style sheet, image, font or
  frame whose address points outside the file (``https://…``, ``//cdn…``);
* :func:`check_page` opens a page in the browser started by
  :func:`ressol_analysis.browser.chromium` (Playwright on the system Chromium, every host name
  but loopback unresolvable) and reports failed requests, console errors and images that do not
  decode, and saves a screenshot; :func:`evaluate` returns what a script reads on a page.

:func:`chromium_or_skip` decides what a test does on a machine without Chromium: it is skipped
with the reason on a developer's machine, and fails where the browser tests are required (CI).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response

from ressol_analysis.browser import find_chromium

# Set by .ci/run: there the browser tests must run, a missing Chromium is a failure.
REQUIRED = "RESSOL_EXIGER_NAVIGATEUR"
MAX_SCREENSHOT_HEIGHT = 16000
TIMEOUT_MS = 60_000
EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)
IMAGE_CHECK = """
(async () => {
  const broken = [];
  for (const img of Array.from(document.images)) {
    img.loading = "eager";
    try { await img.decode(); } catch (e) { }
    if (!(img.complete && img.naturalWidth > 0)) {
      const src = (img.currentSrc || img.src).slice(0, 80);
      broken.push((img.getAttribute("alt") || "") + " [" + src + "]");
    }
  }
  return {count: document.images.length, broken: broken};
})()
"""


# ---------------------------------------------------------------------------------------------
# Is there a browser to test with?


def browser_required() -> bool:
    """Whether a missing browser fails the tests (CI) instead of skipping them."""
    required = os.environ.get(REQUIRED, "").strip().lower()
    ci = os.environ.get("CI", "").strip().lower()
    return required not in ("", "0", "non", "false") or ci in ("1", "true", "yes")


def chromium_or_skip() -> str:
    """Path of Chromium; skip the test without one, or fail when the browser is required."""
    executable = find_chromium()
    if executable is None and browser_required():
        pytest.fail(
            f"Chromium est absent, et les tests navigateur sont exigés ici ({REQUIRED} ou CI) : "
            "installez le paquet Debian « chromium » (make chromium) ou nommez l'exécutable "
            "dans RESSOL_CHROMIUM.",
            pytrace=False,
        )
    if executable is None:
        pytest.skip(
            "Chromium absent : tests navigateur ignorés. Installez le paquet Debian « chromium » "
            "(make chromium) ou nommez l'exécutable dans RESSOL_CHROMIUM."
        )
    return executable


# ---------------------------------------------------------------------------------------------
# Static check of the HTML


class _ResourceParser(HTMLParser):
    """Collect the addresses a page fetches by itself (not the links a reader may follow)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self._in_style = False

    def _add(self, tag: str, attribute: str, value: str | None) -> None:
        if value is not None:
            self.found.append((tag, attribute, value))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe", "embed", "audio", "video", "source", "track"):
            self._add(tag, "src", values.get("src"))
        if tag == "input":
            self._add(tag, "src", values.get("src"))
        if tag in ("img", "source"):
            for candidate in (values.get("srcset") or "").split(","):
                if candidate.strip():
                    self._add(tag, "srcset", candidate.split()[0])
        if tag == "link":
            self._add(tag, "href", values.get("href"))
        if tag in ("image", "use", "feimage"):  # SVG
            self._add(tag, "href", values.get("href") or values.get("xlink:href"))
        if tag == "object":
            self._add(tag, "data", values.get("data"))
        if tag == "video":
            self._add(tag, "poster", values.get("poster"))
        for url in CSS_URL.findall(values.get("style") or ""):
            self._add(tag, "style", url)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for url in CSS_URL.findall(data):
                self._add("style", "url", url)


def external_urls(html: str) -> list[str]:
    """Addresses outside the page that it would fetch, as ``<tag attribute="url">``.

    Links that a reader may click (``<a href>``) are not fetched and are not listed.
    """
    parser = _ResourceParser()
    parser.feed(html)
    parser.close()
    return [
        f'<{tag} {attribute}="{url}">'
        for tag, attribute, url in parser.found
        if EXTERNAL.match(url)
    ]


# ---------------------------------------------------------------------------------------------
# In the browser


@dataclass
class PageCheck:
    """What the headless browser saw when it opened one page."""

    page: Path
    width: int
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    images: int = 0
    screenshot: Path | None = None

    @property
    def problems(self) -> list[str]:
        """One French sentence per problem; empty when the page is fine."""
        name = f"{self.page.name} ({self.width} px)"
        return (
            [f"{name} : requête en échec — {r}" for r in self.failed_requests]
            + [f"{name} : erreur dans la console — {e}" for e in self.console_errors]
            + [f"{name} : image illisible — {i}" for i in self.broken_images]
        )


@contextmanager
def opened(browser: Browser, width: int = 1280, height: int = 900) -> Iterator[Page]:
    """A tab in a fresh browser context; below 600 pixels wide it is shown as on a phone."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=width < 600
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def check_page(tab: Page, page: Path, screenshot: Path | None = None) -> PageCheck:
    """Open a page in a tab and report failed requests, console errors and broken images.

    Parameters
    ----------
    tab : playwright.sync_api.Page
        A tab from :func:`opened`; the page is loaded in it (a tab may check several pages).
    page : Path
        HTML file to open.
    screenshot : Path, optional
        Where to save a PNG of the whole page (cut at 16 000 pixels high).
    """
    page = Path(page)
    width = tab.viewport_size["width"]
    check = PageCheck(page=page, width=width)

    def failed(request: Request) -> None:
        check.failed_requests.append(f"{request.url[:120]} ({request.failure})")

    def answered(response: Response) -> None:
        if response.status >= 400:
            check.failed_requests.append(f"{response.url[:120]} ({response.status})")

    def logged(message: ConsoleMessage) -> None:
        if message.type in ("error", "assert"):
            check.console_errors.append(message.text[:300])

    def thrown(error: Exception) -> None:
        check.console_errors.append(str(error)[:300])

    listeners = {
        "requestfailed": failed,
        "response": answered,
        "console": logged,
        "pageerror": thrown,
    }
    for event, listener in listeners.items():
        tab.on(event, listener)
    try:
        tab.goto(page.resolve().as_uri(), wait_until="load")
        images = tab.evaluate(IMAGE_CHECK)
        check.images, check.broken_images = images["count"], images["broken"]
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            full = tab.evaluate("document.documentElement.scrollHeight")
            clip = None
            if full > MAX_SCREENSHOT_HEIGHT:
                clip = {"x": 0, "y": 0, "width": width, "height": MAX_SCREENSHOT_HEIGHT}
            tab.screenshot(path=screenshot, full_page=True, clip=clip)
            check.screenshot = screenshot
    finally:
        for event, listener in listeners.items():
            tab.remove_listener(event, listener)
    return check


def evaluate(browser: Browser, page: Path, expression: str, width: int = 1280) -> object:
    """Open a page and return the value of a JavaScript expression (promises are awaited)."""
    with opened(browser, width) as tab:
        tab.goto(Path(page).resolve().as_uri(), wait_until="load")
        return tab.evaluate(expression)


def check_report(
    browser: Browser,
    folder: Path,
    artefacts: Path | None = None,
    widths: Iterable[int] = (1280,),
) -> list[PageCheck]:
    """Open every HTML page of a report folder at each width (one tab per width).

    Screenshots go to ``artefacts/<page>_<width>px.png`` when ``artefacts`` is given.
    """
    pages = sorted(Path(folder).glob("*.html"))
    assert pages, f"{folder} ne contient aucune page HTML"
    checks = []
    for width in widths:
        with opened(browser, width) as tab:
            for page in pages:
                shot = artefacts / f"{page.stem}_{width}px.png" if artefacts else None
                checks.append(check_page(tab, page, shot))
    return checks
