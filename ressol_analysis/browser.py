"""Open report pages in headless Chromium, as a board member would, and print them to PDF.

Chromium (Debian package ``chromium``) is driven through the DevTools protocol over a pipe
(``--remote-debugging-pipe``): no network port, no extra Python package. The browser never
reaches the network: every host name except ``localhost`` resolves to nothing, so a page that
tries to fetch an external resource shows a failed request instead of silently working online.

Two kinds of checks:

* :func:`external_urls` reads the HTML (no browser): any script, style sheet, image, font or
  frame whose address points outside the file (``https://…``, ``//cdn…``);
* :class:`Chromium` opens a page and reports failed requests, console errors and images that
  do not decode, and saves a screenshot; it also prints a page to PDF.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .errors import RessolError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    # Nothing but loopback resolves: the report must work offline, and tests never go online.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
    "--remote-debugging-pipe",
)
MISSING_CHROMIUM = (
    "Chromium n'est pas installé : le PDF n'a pas été produit. Installez le paquet Debian "
    "« chromium » (apt-get install chromium) puis relancez, ou imprimez les pages HTML depuis "
    "un navigateur (Fichier > Imprimer > Enregistrer au format PDF)."
)
A4_INCHES = (8.27, 11.69)
MAX_SCREENSHOT_HEIGHT = 16000
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


def find_chromium() -> str | None:
    """Path of a Chromium executable, or ``None`` when none is installed.

    ``$RESSOL_CHROMIUM`` names a specific executable; otherwise the usual names are looked up
    on the ``PATH``.
    """
    explicit = os.environ.get("RESSOL_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else shutil.which(explicit)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


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
        if tag in (
            "script",
            "img",
            "iframe",
            "embed",
            "audio",
            "video",
            "source",
            "track",
            "input",
        ):
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
        if tag in ("video",):
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
    """Addresses outside the page that it would fetch (scripts, styles, images, fonts, frames).

    Links that a reader may click (``<a href>``) are not fetched and are not listed.

    Parameters
    ----------
    html : str
        The page's HTML.

    Returns
    -------
    list of str
        One ``<tag attribute="url">`` description per external address, in page order.
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
# The browser


@dataclass
class PageCheck:
    """What a headless browser saw when it opened one page."""

    page: Path
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    images: int = 0
    screenshot: Path | None = None

    @property
    def problems(self) -> list[str]:
        """One French sentence per problem; empty when the page is fine."""
        name = self.page.name
        return (
            [f"{name} : requête en échec — {r}" for r in self.failed_requests]
            + [f"{name} : erreur dans la console — {e}" for e in self.console_errors]
            + [f"{name} : image illisible — {i}" for i in self.broken_images]
        )


class Chromium:
    """A headless Chromium driven over the DevTools protocol (use as a context manager).

    Parameters
    ----------
    executable : str, optional
        Chromium executable; found with :func:`find_chromium` by default.
    timeout : float
        Seconds to wait for one protocol answer or one page load.

    Raises
    ------
    RessolError
        On entry, if Chromium is not installed or does not start.
    """

    def __init__(self, executable: str | None = None, timeout: float = 60.0) -> None:
        self.executable = executable or find_chromium()
        self.timeout = timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._profile: tempfile.TemporaryDirectory[str] | None = None
        self._next_id = 0
        self._answers: dict[int, dict] = {}
        self._events: list[dict] = []
        self._lock = threading.Condition()
        self._closed = False

    # -- process and pipe ---------------------------------------------------------------------

    def __enter__(self) -> Chromium:
        if not self.executable:
            raise RessolError(MISSING_CHROMIUM)
        self._profile = tempfile.TemporaryDirectory(prefix="ressol-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4. Copies above 10 first,
        # so that plugging one end on 3 or 4 never overwrites the other end.
        high_in = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_out = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 10)

        def plug() -> None:  # runs in the child, between fork and exec
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        log = open(Path(self._profile.name) / "chromium.log", "wb")  # noqa: SIM115
        try:
            self._process = subprocess.Popen(
                [
                    self.executable,
                    *CHROMIUM_FLAGS,
                    f"--user-data-dir={self._profile.name}",
                    "about:blank",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                # close_fds would shut 3 and 4 after plug(); Python's own fds are
                # non-inheritable (PEP 446) and do not leak into Chromium anyway.
                preexec_fn=plug,
                close_fds=False,
            )
        except OSError as exc:
            raise RessolError(
                f"Chromium ({self.executable}) n'a pas pu démarrer : {exc}. Vérifiez "
                "l'installation du paquet Debian « chromium »."
            ) from None
        finally:
            log.close()
            for fd in (to_browser_r, from_browser_w, high_in, high_out):
                os.close(fd)
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self.send("Browser.getVersion")
        except RessolError:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            try:
                if self._process.poll() is None and not self._closed:
                    self._write({"id": self._new_id(), "method": "Browser.close"})
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
            self._process = None
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):  # already closed by the browser's exit
                os.close(fd)
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _write(self, message: dict) -> None:
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._closed = True
                    self._lock.notify_all()
                return
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self._lock:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._answers[message["id"]] = message
                    else:
                        self._events.append(message)
                self._lock.notify_all()

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one DevTools command and wait for its result.

        Parameters
        ----------
        method : str
            Protocol method, e.g. ``Page.navigate``.
        params : dict, optional
            Its parameters.
        session : str, optional
            Session of the page the command is for (browser-level command otherwise).

        Returns
        -------
        dict
            The ``result`` object.

        Raises
        ------
        RessolError
            If the browser answers with an error, stops, or does not answer in time.
        """
        number = self._new_id()
        message: dict = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._write(message)
        deadline = time.monotonic() + self.timeout
        with self._lock:
            while number not in self._answers:
                remaining = deadline - time.monotonic()
                if self._closed or remaining <= 0:
                    raise RessolError(
                        f"Chromium ne répond plus (commande {method}). Relancez ; si le "
                        "problème persiste, vérifiez l'installation du paquet « chromium »."
                    )
                self._lock.wait(remaining)
            answer = self._answers.pop(number)
        if "error" in answer:
            raise RessolError(f"Chromium a refusé la commande {method} : {answer['error']}.")
        return answer.get("result", {})

    def _wait_event(self, method: str, session: str) -> dict:
        deadline = time.monotonic() + self.timeout
        with self._lock:
            while True:
                for event in self._events:
                    if event.get("method") == method and event.get("sessionId") == session:
                        return event
                remaining = deadline - time.monotonic()
                if self._closed or remaining <= 0:
                    raise RessolError(
                        f"La page n'a pas fini de se charger en {self.timeout:.0f} s dans "
                        "Chromium : vérifiez qu'elle ne dépend d'aucune ressource en ligne."
                    )
                self._lock.wait(remaining)

    def _session_events(self, session: str) -> list[dict]:
        with self._lock:
            return [e for e in self._events if e.get("sessionId") == session]

    # -- pages --------------------------------------------------------------------------------

    def _open(self, page: Path, width: int, height: int, mobile: bool) -> tuple[str, str]:
        """Open ``page`` in a new tab; return (target id, session id) once it has loaded."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable", session=session)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
            session=session,
        )
        self.send("Page.navigate", {"url": Path(page).resolve().as_uri()}, session=session)
        self._wait_event("Page.loadEventFired", session)
        return target, session

    def _close(self, target: str, session: str) -> None:
        self.send("Target.closeTarget", {"targetId": target})
        with self._lock:
            self._events = [e for e in self._events if e.get("sessionId") != session]

    def check_page(
        self, page: Path, screenshot: Path | None = None, width: int = 1280, height: int = 900
    ) -> PageCheck:
        """Open a page and report failed requests, console errors and broken images.

        Parameters
        ----------
        page : Path
            HTML file to open.
        screenshot : Path, optional
            Where to save a PNG of the whole page (cut at 16 000 pixels high).
        width, height : int
            Window size in CSS pixels; below 600 pixels wide the page is shown as on a phone.

        Returns
        -------
        PageCheck
            What went wrong, if anything, and the screenshot's path.
        """
        page = Path(page)
        target, session = self._open(page, width, height, mobile=width < 600)
        images = self.send(
            "Runtime.evaluate",
            {"expression": IMAGE_CHECK, "awaitPromise": True, "returnByValue": True},
            session=session,
        )["result"]["value"]
        check = PageCheck(page=page, images=images["count"], broken_images=images["broken"])
        urls: dict[str, str] = {}
        for event in self._session_events(session):
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
            elif method == "Network.loadingFailed":
                url = urls.get(params["requestId"], "?")
                check.failed_requests.append(f"{url[:120]} ({params.get('errorText', '')})")
            elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
                response = params["response"]
                check.failed_requests.append(f"{response['url'][:120]} ({response['status']})")
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                text = " ".join(
                    str(a.get("value", a.get("description", ""))) for a in params.get("args", [])
                )
                check.console_errors.append(text[:300])
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                text = details.get("exception", {}).get("description") or details.get("text")
                check.console_errors.append(str(text)[:300])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                check.console_errors.append(f"{entry.get('text', '')[:300]} {entry.get('url', '')}")
        if screenshot is not None:
            check.screenshot = self._screenshot(session, Path(screenshot), width)
        self._close(target, session)
        return check

    def evaluate(self, page: Path, expression: str, width: int = 1280) -> object:
        """Open a page and return the value of a JavaScript expression (JSON-serialisable).

        Parameters
        ----------
        page : Path
            HTML file to open.
        expression : str
            Expression evaluated once the page has loaded (promises are awaited).
        width : int
            Window width in CSS pixels.

        Returns
        -------
        object
            The expression's value.
        """
        target, session = self._open(Path(page), width, 900, mobile=width < 600)
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session=session,
        )
        self._close(target, session)
        if "exceptionDetails" in result:
            raise RessolError(
                f"Le script de vérification a échoué sur {Path(page).name} : "
                f"{result['exceptionDetails'].get('text', '')}."
            )
        return result["result"].get("value")

    def _screenshot(self, session: str, path: Path, width: int) -> Path:
        metrics = self.send("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        full = min(int(size["height"]) + 1, MAX_SCREENSHOT_HEIGHT)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": full, "deviceScaleFactor": 1, "mobile": width < 600},
            session=session,
        )
        data = self.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def print_pdf(self, page: Path, out_pdf: Path, footer: str = "") -> Path:
        """Print a page to an A4 PDF (print style sheet, backgrounds, page numbers).

        Parameters
        ----------
        page : Path
            HTML file to print.
        out_pdf : Path
            PDF file to write.
        footer : str
            Text printed at the bottom of every page, before the page number.

        Returns
        -------
        Path
            ``out_pdf``.
        """
        target, session = self._open(Path(page), 1000, 1400, mobile=False)
        template = (
            '<div style="font-size:8px;width:100%;text-align:center;color:#555;'
            'font-family:DejaVu Sans,Arial,sans-serif">'
            f"{_escape(footer)}{' — ' if footer else ''}page "
            '<span class="pageNumber"></span>/<span class="totalPages"></span></div>'
        )
        data = self.send(
            "Page.printToPDF",
            {
                "paperWidth": A4_INCHES[0],
                "paperHeight": A4_INCHES[1],
                "marginTop": 0.5,
                "marginBottom": 0.6,
                "marginLeft": 0.5,
                "marginRight": 0.5,
                "printBackground": True,
                "displayHeaderFooter": True,
                "headerTemplate": "<span></span>",
                "footerTemplate": template,
            },
            session=session,
        )["data"]
        self._close(target, session)
        out_pdf = Path(out_pdf)
        out_pdf.write_bytes(base64.b64decode(data))
        return out_pdf


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def check_report(
    folder: Path, artefacts: Path | None = None, widths: Iterable[int] = (1280,)
) -> list[PageCheck]:
    """Open every HTML page of a report folder in headless Chromium.

    Parameters
    ----------
    folder : Path
        A run folder (``reports/<territoire>/<run>/``).
    artefacts : Path, optional
        Folder for screenshots, named ``<page>_<width>px.png``; none are taken without it.
    widths : iterable of int
        Window widths to try (e.g. ``(1280, 390)`` for a desktop and a phone).

    Returns
    -------
    list of PageCheck
        One per page and width, pages in name order.

    Raises
    ------
    RessolError
        If Chromium is missing or the folder has no HTML page.
    """
    pages = sorted(Path(folder).glob("*.html"))
    if not pages:
        raise RessolError(f"Le dossier {folder} ne contient aucune page HTML à vérifier.")
    checks = []
    with Chromium() as browser:
        for page in pages:
            for width in widths:
                shot = artefacts / f"{page.stem}_{width}px.png" if artefacts else None
                checks.append(browser.check_page(page, shot, width=width))
    return checks
