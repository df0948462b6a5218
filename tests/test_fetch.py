"""Downloads against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import hashlib
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ressol_analysis.errors import RessolError
from ressol_analysis.fetch import fetch, fetch_source, manifest_entry
from ressol_analysis.paths import project_paths

FIXTURE = Path(__file__).parent / "fixtures" / "economy" / "comparateur_2026_p23.csv"
# 40 000 bytes: several 64 KiB-or-less reads, and a half that is easy to compute (20 000).
PAYLOAD = bytes(range(256)) * 156 + b"x" * 64


class Handler(BaseHTTPRequestHandler):
    """Serves ``files``; honours ``Range: bytes=N-``; can cut the first answer in half."""

    files: dict[str, bytes] = {}
    cut_next = False
    requests: list[tuple[str, str | None]] = []

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):  # noqa: N802 (http.server naming)
        type(self).requests.append((self.path, self.headers.get("Range")))
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        if match:
            start = int(match.group(1))
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        chunk = body[start:]
        if type(self).cut_next:
            type(self).cut_next = False
            self.wfile.write(chunk[: len(chunk) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(chunk)


@pytest.fixture
def server():
    Handler.files = {"/donnees/fichier.bin": PAYLOAD, "/comparateur.csv": FIXTURE.read_bytes()}
    Handler.cut_next = False
    Handler.requests = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_full_download_with_checksum(server, tmp_path):
    expected = hashlib.sha256(PAYLOAD).hexdigest()
    path = fetch(f"{server}/donnees/fichier.bin", tmp_path, expected, progress=False)
    assert path == tmp_path / "fichier.bin"
    assert path.read_bytes() == PAYLOAD
    assert not (tmp_path / "fichier.bin.part").exists()
    assert Handler.requests == [("/donnees/fichier.bin", None)]


def test_interrupted_download_resumes_with_a_range_request(server, tmp_path):
    Handler.cut_next = True
    with pytest.raises(RessolError, match=r"(interrompu|incomplet).*relancez la même commande"):
        fetch(f"{server}/donnees/fichier.bin", tmp_path, progress=False)
    part = tmp_path / "fichier.bin.part"
    assert part.read_bytes() == PAYLOAD[:20000]  # half of 40 000 bytes was served
    assert not (tmp_path / "fichier.bin").exists()

    expected = hashlib.sha256(PAYLOAD).hexdigest()
    path = fetch(f"{server}/donnees/fichier.bin", tmp_path, expected, progress=False)
    assert path.read_bytes() == PAYLOAD
    assert Handler.requests[-1] == ("/donnees/fichier.bin", "bytes=20000-")
    assert not part.exists()


def test_complete_part_file_is_finished_without_downloading_again(server, tmp_path):
    (tmp_path / "fichier.bin.part").write_bytes(PAYLOAD)
    path = fetch(f"{server}/donnees/fichier.bin", tmp_path, progress=False)
    assert path.read_bytes() == PAYLOAD  # the server answered 416 to bytes=40000-


def test_part_file_longer_than_the_published_file_is_downloaded_again(server, tmp_path):
    # Left by an interrupted download of a previous, larger edition under the same name.
    (tmp_path / "fichier.bin.part").write_bytes(PAYLOAD + b"fin de l'ancienne edition")
    path = fetch(f"{server}/donnees/fichier.bin", tmp_path, progress=False)
    assert path.read_bytes() == PAYLOAD
    assert Handler.requests == [
        ("/donnees/fichier.bin", f"bytes={len(PAYLOAD) + 25}-"),
        ("/donnees/fichier.bin", None),
    ]


def test_checksum_mismatch_leaves_no_file(server, tmp_path):
    with pytest.raises(RessolError, match="empreinte attendue.*attendu 000000000000"):
        fetch(f"{server}/donnees/fichier.bin", tmp_path, "0" * 64, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_not_found_is_explained(server, tmp_path):
    with pytest.raises(RessolError, match=r"répondu 404 \(introuvable\).*catalogue_sources"):
        fetch(f"{server}/absent.zip", tmp_path, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_existing_file_is_never_overwritten(server, tmp_path):
    (tmp_path / "fichier.bin").write_bytes(b"ancien")
    with pytest.raises(RessolError, match="existe déjà"):
        fetch(f"{server}/donnees/fichier.bin", tmp_path, progress=False)
    assert (tmp_path / "fichier.bin").read_bytes() == b"ancien"


def test_unreachable_server_is_explained(tmp_path):
    with pytest.raises(RessolError, match="Impossible de joindre"):
        fetch("http://127.0.0.1:9/x.csv", tmp_path, progress=False, timeout=2)


def test_fetch_source_downloads_outside_raw_and_builds_a_manifest_entry(server, project):
    paths = project_paths(project)
    path = fetch_source(paths, "comparateur", url=f"{server}/comparateur.csv", progress=False)
    assert path == project / "data" / "telechargements" / "comparateur.csv"
    entry = manifest_entry("comparateur", path, "RP 2023", origin=f"{server}/comparateur.csv")
    assert entry["sha256"] == hashlib.sha256(FIXTURE.read_bytes()).hexdigest()
    assert entry["millesime"] == "RP 2023"
    assert entry["fichier"] == "comparateur.csv"
    assert entry["editeur"] == "Insee"


def test_source_without_direct_address_names_its_page(project):
    with pytest.raises(RessolError, match="pas d'adresse de téléchargement direct.*1893198"):
        fetch_source(project_paths(project), "estimations_quinquennales", progress=False)
