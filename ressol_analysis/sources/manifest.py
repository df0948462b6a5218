"""The raw-data manifest: what each file of ``data/raw`` is, and whether it is intact.

``data/raw/manifest.yaml`` lists every input file with its source, publisher, licence,
vintage, citation and sha256. Readers never open a raw file directly: they ask
:func:`raw_file`, which checks that the file exists and that its checksum matches.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import RessolError

MANIFEST_NAME = "manifest.yaml"
# libyaml's safe loader when PyYAML has it: the manifest is read again for every raw file.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REQUIRED_FIELDS = (
    "cle",
    "fichier",
    "titre",
    "editeur",
    "source",
    "licence",
    "millesime",
    "geographie",
    "citation",
    "usage",
    "sha256",
)


@dataclass(frozen=True)
class RawFile:
    """One entry of the manifest."""

    key: str
    path: Path
    title: str
    publisher: str
    source: str
    origin: str
    licence: str
    vintage: str
    geography: str
    citation: str
    usage: str
    sha256: str


class Manifest(dict):
    """Entries of a manifest keyed by ``cle``; asking for an absent entry is a French error.

    Code that needs a source writes ``manifest["comparateur"]``: when a consultant has removed
    or renamed that entry, the error names the manifest, the key and what to do, instead of a
    bare ``KeyError`` reported as a defect of the program.
    """

    def __init__(self, path: Path, entries: dict[str, RawFile] | None = None) -> None:
        super().__init__(entries or {})
        self.path = path

    def __missing__(self, key: str) -> RawFile:
        raise RessolError(
            f"Le manifeste {self.path} n'a pas d'entrée « {key} » : ce fichier brut est "
            f"nécessaire (entrées présentes : {', '.join(sorted(self)) or 'aucune'}). Rétablissez "
            f"l'entrée « {key} » (git checkout -- data/raw/manifest.yaml si vous l'avez "
            "supprimée par erreur), ou enregistrez le fichier avec « ressol data update "
            f"--source {key} FICHIER »."
        )


def sha256_of(path: Path) -> str:
    """Return the hexadecimal sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_manifest(raw_dir: Path) -> Manifest:
    """Read ``manifest.yaml`` of a raw-data folder.

    Parameters
    ----------
    raw_dir : Path
        The ``data/raw`` folder.

    Returns
    -------
    Manifest
        Entries keyed by their ``cle`` (a dict; an absent key raises :class:`RessolError`).

    Raises
    ------
    RessolError
        If the manifest is missing, unreadable, or an entry lacks a field.
    """
    manifest = raw_dir / MANIFEST_NAME
    if not manifest.is_file():
        raise RessolError(
            f"Le manifeste {manifest} est introuvable. Il décrit chaque fichier de data/raw "
            "(source, licence, millésime, sha256) ; restaurez-le depuis le dépôt git "
            "(git checkout -- data/raw/manifest.yaml)."
        )
    try:
        content = yaml.load(manifest.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RessolError(
            f"Le manifeste {manifest} n'est pas un YAML lisible ({exc}). "
            "Corrigez-le ou restaurez-le depuis le dépôt git."
        ) from None
    entries = (content or {}).get("fichiers")
    if not isinstance(entries, list):
        raise RessolError(
            f"Le manifeste {manifest} doit contenir une liste « fichiers: ». "
            "Restaurez-le depuis le dépôt git."
        )
    files = Manifest(manifest)
    for number, entry in enumerate(entries, start=1):
        missing = [f for f in REQUIRED_FIELDS if not str((entry or {}).get(f, "")).strip()]
        if missing:
            raise RessolError(
                f"Dans {manifest}, l'entrée n° {number} ({(entry or {}).get('fichier', '?')}) "
                f"n'a pas de champ {', '.join(missing)}. Complétez-la : chaque fichier brut "
                "doit dire sa source, sa licence, son millésime et son sha256."
            )
        key = str(entry["cle"])
        if key in files:
            raise RessolError(
                f"Dans {manifest}, la clé « {key} » apparaît deux fois. "
                "Chaque fichier doit avoir une clé unique."
            )
        files[key] = RawFile(
            key=key,
            path=raw_dir / str(entry["fichier"]),
            title=str(entry["titre"]),
            publisher=str(entry["editeur"]),
            source=str(entry["source"]),
            origin=str(entry.get("origine", "")),
            licence=str(entry["licence"]),
            vintage=str(entry["millesime"]),
            geography=str(entry["geographie"]),
            citation=str(entry["citation"]),
            usage=str(entry["usage"]),
            sha256=str(entry["sha256"]).lower(),
        )
    return files


def check_file(entry: RawFile) -> str | None:
    """Return a French problem description for one entry, or ``None`` if it is intact."""
    if not entry.path.is_file():
        return (
            f"Fichier manquant : {entry.path} ({entry.title}). Restaurez-le depuis le dépôt git "
            f"(git checkout -- data/raw/{entry.path.name}) ou déposez le fichier officiel."
        )
    actual = sha256_of(entry.path)
    if actual != entry.sha256:
        return (
            f"Empreinte différente pour {entry.path} : attendu {entry.sha256[:12]}…, "
            f"trouvé {actual[:12]}…. Le fichier a été modifié ou remplacé. Restaurez l'original "
            "(git checkout) ou, s'il s'agit d'une nouvelle édition officielle, mettez à jour "
            "son entrée dans data/raw/manifest.yaml (millésime et sha256)."
        )
    return None


def check_manifest(raw_dir: Path) -> list[str]:
    """Verify every file of the manifest and list unlisted files.

    Parameters
    ----------
    raw_dir : Path
        The ``data/raw`` folder.

    Returns
    -------
    list of str
        One French message per problem; empty when all is well.
    """
    files = load_manifest(raw_dir)
    problems = [p for p in (check_file(e) for e in files.values()) if p]
    listed = {e.path.name for e in files.values()} | {MANIFEST_NAME}
    for path in sorted(raw_dir.iterdir()):
        if path.is_file() and path.name not in listed and not path.name.startswith("."):
            problems.append(
                f"Fichier non décrit : {path}. Ajoutez-lui une entrée dans "
                "data/raw/manifest.yaml (source, licence, millésime, sha256) ou retirez-le."
            )
    return problems


def raw_file(raw_dir: Path, key: str) -> RawFile:
    """Return a verified manifest entry.

    Parameters
    ----------
    raw_dir : Path
        The ``data/raw`` folder.
    key : str
        The entry's ``cle``.

    Returns
    -------
    RawFile
        The entry, after checking that the file exists and its sha256 matches.

    Raises
    ------
    RessolError
        If the key is unknown, the file missing or its checksum different.
    """
    files = load_manifest(raw_dir)
    problem = check_file(files[key])
    if problem:
        raise RessolError(problem)
    return files[key]
