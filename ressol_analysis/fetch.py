"""Downloading official files: progress bar, resume, checksum, atomic rename.

:func:`fetch` downloads one address into a folder. The bytes go to ``<name>.part`` first; an
interrupted transfer leaves that file, and the next call asks the server for the rest only
(HTTP ``Range``). The finished file is checked (size, then sha256 when one is expected) and
only then renamed to its final name, so a half-downloaded or corrupted file never carries the
name of a real one. :func:`fetch_source` looks up the address in the sources catalogue;
:func:`manifest_entry` builds the manifest entry of a downloaded file. Only the standard
library is used for HTTP.
"""

from __future__ import annotations

import http.client
import os
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

from tqdm import tqdm

from .catalogue import SourceSpec, source_spec
from .errors import RessolError
from .paths import ProjectPaths
from .sources.manifest import sha256_of

CHUNK_SIZE = 1 << 16
TIMEOUT_SECONDS = 60
DOWNLOAD_FOLDER = "telechargements"
USER_AGENT = "ressol-analysis (diagnostic ESS RESSOL)"


def _file_name(url: str) -> str:
    name = Path(urllib.parse.urlparse(url).path).name
    if not name:
        raise RessolError(
            f"L'adresse {url} ne se termine pas par un nom de fichier : indiquez le nom du "
            "fichier à écrire."
        )
    return name


def _open(url: str, offset: int, timeout: float) -> http.client.HTTPResponse:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    try:
        return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (http/https only)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:
            raise
        reason = {404: "introuvable", 403: "accès refusé", 410: "retiré"}.get(exc.code, exc.reason)
        raise RessolError(
            f"Le serveur a répondu {exc.code} ({reason}) pour {url}. L'adresse a peut-être "
            "changé à la nouvelle édition : vérifiez la page officielle de la source et "
            "corrigez l'url dans ressol_analysis/reference/catalogue_sources.yaml."
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        raise RessolError(
            f"Impossible de joindre {url} ({getattr(exc, 'reason', exc)}). Vérifiez la "
            "connexion à internet (ou le proxy) puis relancez la commande."
        ) from None


def _total(response: http.client.HTTPResponse, offset: int) -> int | None:
    content_range = response.headers.get("Content-Range", "")
    if response.status == 206 and "/" in content_range:
        size = content_range.rsplit("/", 1)[1]
        return int(size) if size.isdigit() else None
    length = response.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None


def _check(path: Path, expected_sha256: str | None, url: str) -> None:
    if expected_sha256 is None:
        return
    actual = sha256_of(path)
    if actual != expected_sha256.lower():
        path.unlink(missing_ok=True)
        raise RessolError(
            f"Le fichier téléchargé depuis {url} n'a pas l'empreinte attendue (attendu "
            f"{expected_sha256[:12]}…, reçu {actual[:12]}…). Il a été supprimé. Le fichier "
            "publié a sans doute changé (nouvelle édition) : vérifiez la page officielle, "
            "puis relancez sans empreinte ou avec la nouvelle."
        )


def fetch(
    url: str,
    dest_dir: str | os.PathLike[str],
    expected_sha256: str | None = None,
    progress: bool = True,
    *,
    filename: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Path:
    """Download a file with a progress bar, resuming an interrupted transfer.

    Parameters
    ----------
    url : str
        Address of the file (http or https).
    dest_dir : path
        Folder to write into (created if missing).
    expected_sha256 : str, optional
        Hexadecimal sha256 the file must have; a mismatch deletes the download.
    progress : bool
        Show a tqdm progress bar on the terminal.
    filename : str, optional
        Name of the file to write; defaults to the last part of the address.
    timeout : float
        Seconds without data before giving up (the partial file is kept for a resume).

    Returns
    -------
    Path
        The complete, checked file.

    Raises
    ------
    RessolError
        On an HTTP error (404…), an unreachable server, an interrupted transfer (the
        ``.part`` file is kept: run the command again to resume), a size or checksum mismatch
        (the download is deleted), or an existing different file of the same name.
    """
    if urllib.parse.urlparse(url).scheme not in ("http", "https"):
        raise RessolError(f"Adresse non prise en charge : {url} (http ou https attendu).")
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / (filename or _file_name(url))
    if target.exists():
        if expected_sha256 and sha256_of(target) == expected_sha256.lower():
            return target
        raise RessolError(
            f"Le fichier {target} existe déjà. Les fichiers bruts ne sont jamais écrasés : "
            "déplacez-le ou supprimez-le s'il doit être remplacé, puis relancez."
        )
    part = target.with_name(target.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    try:
        response = _open(url, offset, timeout)
    except urllib.error.HTTPError as exc:  # 416: nothing left after the partial file's bytes
        published = exc.headers.get("Content-Range", "").rpartition("/")[2]
        if published.isdigit() and int(published) != offset:
            # Longer than the file now published: the start of another edition. Start again.
            part.unlink()
            offset = 0
            response = _open(url, offset, timeout)
        else:  # the partial file already holds every byte
            response = None
    if response is None:
        total = offset
    else:
        with response:
            if offset and response.status != 206:
                offset = 0  # the server ignored the Range request: start again
            total = _total(response, offset)
            mode = "ab" if offset else "wb"
            bar = tqdm(
                total=total,
                initial=offset,
                unit="o",
                unit_scale=True,
                unit_divisor=1024,
                desc=target.name,
                disable=not progress,
                leave=False,
            )
            try:
                with part.open(mode) as handle, bar:
                    while block := response.read(CHUNK_SIZE):
                        handle.write(block)
                        bar.update(len(block))
            except (http.client.HTTPException, OSError) as exc:
                raise RessolError(
                    f"Téléchargement de {url} interrompu ({exc.__class__.__name__}) après "
                    f"{part.stat().st_size if part.exists() else 0} octets. Le début est gardé "
                    f"dans {part} : relancez la même commande, elle reprendra là où elle "
                    "s'est arrêtée."
                ) from None
    size = part.stat().st_size if part.exists() else 0
    if total is not None and size != total:
        raise RessolError(
            f"Téléchargement de {url} incomplet : {size} octets reçus sur {total}. Le début "
            f"est gardé dans {part} : relancez la même commande pour le compléter."
        )
    _check(part, expected_sha256, url)
    os.replace(part, target)
    return target


def download_folder(paths: ProjectPaths, spec: SourceSpec, sirene_dir: Path | None) -> Path:
    """Where a source is downloaded: ``data/telechargements``, or the SIRENE folder.

    Downloads stay out of ``data/raw`` until ``update.update_source`` has validated them.
    """
    if spec.outside_raw:
        if sirene_dir is None:
            raise RessolError(
                f"Indiquez le dossier où ranger le stock SIRENE « {spec.key} » (plusieurs Go, "
                "hors de data/raw)."
            )
        return Path(sirene_dir)
    return paths.root / "data" / DOWNLOAD_FOLDER


def fetch_source(
    paths: ProjectPaths,
    key: str,
    *,
    sirene_dir: Path | None = None,
    expected_sha256: str | None = None,
    progress: bool = True,
    url: str | None = None,
) -> Path:
    """Download the official file of one source of the catalogue.

    Parameters
    ----------
    paths : ProjectPaths
        Project folders.
    key : str
        Source key (``comparateur``, ``sirene_etablissements``…).
    sirene_dir : Path, optional
        Folder of the SIRENE stocks (required for them).
    expected_sha256 : str, optional
        Checksum the file must have.
    progress : bool
        Show a progress bar.
    url : str, optional
        Address to use instead of the catalogue's (a newer edition, a mirror, a test server).

    Returns
    -------
    Path
        The downloaded file, in ``data/telechargements`` (it is put in service by
        ``update.update_source``) or in ``sirene_dir``.

    Raises
    ------
    RessolError
        If the catalogue has no direct address for the source (its page is named), or the
        download fails.
    """
    spec = source_spec(key)
    address = url or spec.url
    if not address:
        raise RessolError(
            f"La source « {key} » ({spec.name}) n'a pas d'adresse de téléchargement direct "
            f"stable. Téléchargez le fichier depuis la page officielle {spec.page}, déposez-le "
            "dans data/raw, puis lancez « ressol data update »."
        )
    name = spec.download_name or _file_name(address)
    return fetch(
        address,
        download_folder(paths, spec, sirene_dir),
        expected_sha256,
        progress,
        filename=name,
    )


def manifest_entry(
    key: str, path: Path, vintage: str, *, origin: str = "", today: date | None = None
) -> dict[str, str]:
    """Manifest entry of a file of a known source, from the catalogue.

    Parameters
    ----------
    key : str
        Source key.
    path : Path
        The file (its name and sha256 are recorded).
    vintage : str
        Vintage label (``RP 2023``…), as read by ``catalogue.detect_vintage``.
    origin : str
        Where the file was downloaded from; defaults to the catalogue's address.
    today : date, optional
        ``date_ajout``; defaults to today.

    Returns
    -------
    dict of str to str
        Every field ``sources.manifest.load_manifest`` requires, plus ``origine`` and
        ``date_ajout``; ``geographie`` and ``usage`` say « à préciser » for the consultant.
    """
    spec = source_spec(key)
    return {
        "cle": key,
        "fichier": path.name,
        "titre": f"{spec.name} ({vintage})",
        "editeur": spec.publisher,
        "source": spec.page or spec.url,
        "origine": origin or spec.url or spec.page,
        "licence": spec.licence,
        "millesime": vintage,
        "geographie": "à préciser",
        "citation": f"{spec.publisher}, {spec.name} ({vintage})",
        "usage": "à préciser",
        "sha256": sha256_of(path),
        "date_ajout": (today or date.today()).isoformat(),
    }
