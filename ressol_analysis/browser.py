"""Start the system's headless Chromium through Playwright, offline, to print report pages.

Playwright for Python drives the Chromium the machine already has (Debian package
``chromium``, or ``$RESSOL_CHROMIUM``) with ``executable_path``: it never downloads a browser of
its own. The browser never reaches the network either: every host name except ``localhost``
resolves to nothing, so a page that needs an online resource fails visibly instead of silently
working online.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from .errors import RessolError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing but loopback resolves: the report must work offline, and tests never go online.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
)
MISSING_CHROMIUM = (
    "Chromium n'est pas installé : le PDF n'a pas été produit. Installez le paquet Debian "
    "« chromium » (apt-get install chromium) puis relancez, ou imprimez les pages HTML depuis "
    "un navigateur (Fichier > Imprimer > Enregistrer au format PDF)."
)
LAUNCH_TIMEOUT_MS = 60_000


def find_chromium() -> str | None:
    """Path of a Chromium executable, or ``None`` when none is installed.

    ``$RESSOL_CHROMIUM`` names a specific executable (a path or a command name); otherwise the
    usual names are looked up on the ``PATH``.
    """
    explicit = os.environ.get("RESSOL_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else shutil.which(explicit)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@contextmanager
def chromium(executable: str | None = None) -> Iterator[Browser]:
    """Start a headless Chromium for the duration of a ``with`` block.

    Parameters
    ----------
    executable : str, optional
        Chromium executable; found with :func:`find_chromium` by default.

    Yields
    ------
    playwright.sync_api.Browser
        The running browser; it is closed when the block ends.

    Raises
    ------
    RessolError
        If no Chromium is installed (:data:`MISSING_CHROMIUM`) or it does not start.
    """
    executable = executable or find_chromium()
    if not executable:
        raise RessolError(MISSING_CHROMIUM)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable,
                args=list(CHROMIUM_ARGS),
                headless=True,
                timeout=LAUNCH_TIMEOUT_MS,
            )
        except PlaywrightError as error:
            reason = (error.message or "").strip().splitlines()
            raise RessolError(
                f"Chromium ({executable}) n'a pas pu démarrer : "
                f"{reason[0] if reason else 'raison inconnue'}. Vérifiez l'installation du "
                "paquet Debian « chromium » (ou la variable RESSOL_CHROMIUM)."
            ) from None
        try:
            yield browser
        finally:
            browser.close()
