"""Drop-in updates of raw files: validate a new official file, then record it in the manifest.

The consultant drops the next INSEE file into ``data/raw`` (or names it, or a zip downloaded by
``ressol data fetch``). :func:`update_source` reads it with the project's own reader for that
source, checks that its vintage — read from the file — is not older than the one in use, then
rewrites ``data/raw/manifest.yaml`` atomically: only the entry of that source changes (file
name, sha256, vintage, ``date_ajout``, ``remplace``), every other line stays byte-identical.
The file it replaces moves to ``data/archives``. A file that does not validate is refused with
the reader's message, and nothing is changed: neither the manifest, nor ``data/raw``, nor
``data/processed`` (the caller rebuilds ``data/processed`` after a successful update).
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .catalogue import (
    Vintage,
    detect_vintage,
    load_catalogue,
    matches,
    source_spec,
    unlisted_files,
)
from .coverage import check_census_coverage
from .errors import RessolError, list_codes
from .fetch import manifest_entry
from .files import stage
from .paths import ProjectPaths
from .sources import cog, comparateur, insee, naf, sirene, urssaf
from .sources.manifest import MANIFEST_NAME, RawFile, load_manifest, raw_file, sha256_of
from .sources.tables import check_not_negative, open_workbook, read_delimited, read_sheet

ARCHIVE_FOLDER = "archives"


# --- Validation with the project's readers ----------------------------------------------------


def _delimited(sep: str, code: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    def check(path: Path) -> None:
        read_delimited(path, sep=sep, code_columns=[code], encoding=encoding)

    return check


def _check_comparateur(path: Path) -> None:
    _delimited(";", "CODGEO")(path)
    table = comparateur.read_comparateur(path)
    insee.read_rp_population(path)
    counts = list(table.columns.values())
    numbers, _ = read_delimited(path, sep=";", code_columns=["CODGEO"], numeric_columns=counts)
    check_not_negative(numbers, counts, path)


def _check_rp_ages(path: Path) -> None:
    _delimited(";", "CODGEO")(path)
    insee.read_rp_ages(path)


def _check_legal_categories(path: Path) -> None:
    advice = "Ce n'est pas la nomenclature des catégories juridiques de l'Insee."
    sheet = read_sheet(open_workbook(path, advice), "Niveau III", advice, header=None)
    codes = sheet[0].astype("string").str.strip()
    if not codes.str.fullmatch(r"\d{4}").fillna(False).any():
        raise RessolError(
            f"Dans {path}, feuille Niveau III, colonne A : aucun code à 4 chiffres. "
            "Fournissez le fichier des catégories juridiques de l'Insee."
        )


def _labels(level: str) -> Callable[[Path], None]:
    def check(path: Path) -> None:
        if naf.read_naf_labels(path, level).empty:
            raise RessolError(f"Le fichier {path} ne contient aucun libellé {level}.")

    return check


VALIDATORS: dict[str, Callable[[Path], object]] = {
    "rp_ages": _check_rp_ages,
    "comparateur": _check_comparateur,
    "cog_communes": cog.read_cog_communes,
    "cog_mouvements": cog.read_movements,
    "cog_departements": cog.read_departements,
    "cog_regions": cog.read_regions,
    "populations_legales": insee.read_legal_populations,
    "epci": cog.read_epci_composition,
    "estimations_quinquennales": insee.read_estimates_five_year,
    "estimations_departements": lambda p: insee.read_estimates_broad(p, "dep"),
    "estimations_regions": lambda p: insee.read_estimates_broad(p, "reg"),
    "categories_juridiques": _check_legal_categories,
    "itdd": sirene.read_itdd_ess,
    "naf_table_passage": naf.read_naf_passage,
    naf.REV1_KEY: naf.read_naf_rev1_table,
    **{key: _labels(level) for level, key in naf.LABEL_KEYS.items()},
    "urssaf_commune_ape": urssaf.read_urssaf_commune_ape,
}


# Communal census files whose commune list must be complete (see coverage.py).
CENSUS_FILES: dict[str, Callable[[Path], tuple]] = {
    "comparateur": insee.read_rp_population,
    "rp_ages": insee.read_rp_ages,
}


def _check_coverage(paths: ProjectPaths, key: str, path: Path) -> None:
    """Refuse a census file lacking communes of its geography (COG of data/raw)."""
    if key not in CENSUS_FILES:
        return
    table, vintages = CENSUS_FILES[key](path)
    movements = cog.read_movements(raw_file(paths.raw, "cog_mouvements").path)
    check_census_coverage(
        path,
        table["CODGEO"],
        vintages["rp"],
        cog.read_cog_communes(raw_file(paths.raw, "cog_communes").path)["CODGEO"],
        movements,
        cog.read_departements(raw_file(paths.raw, "cog_departements").path),
        cog.cog_year(movements),
    )


def validate_file(key: str, path: Path) -> Vintage | None:
    """Read a candidate file with the project's reader of its source and detect its vintage.

    Parameters
    ----------
    key : str
        Source key (``comparateur``, ``cog_mouvements``…).
    path : Path
        The candidate file (a plain file, not an archive).

    Returns
    -------
    Vintage or None
        The vintage read from the file, or ``None`` for sources whose files do not carry it.

    Raises
    ------
    RessolError
        With the reader's message (file, line, column and what to do) when the file does not
        read, or when its layout matches no known edition.
    """
    if key not in VALIDATORS:
        raise RessolError(
            f"La source « {key} » ne peut pas être mise à jour par « ressol data update » "
            f"(sources possibles : {', '.join(VALIDATORS)})."
        )
    try:
        VALIDATORS[key](path)
        return detect_vintage(key, path)
    except RessolError:
        raise
    except Exception as exc:  # a reader tripping on a damaged file must still speak French
        raise RessolError(
            f"Le fichier {path} n'a pas pu être lu comme « {source_spec(key).name} » ({exc}). "
            "Vérifiez qu'il s'agit du fichier officiel, au format publié, et téléchargez-le à "
            "nouveau s'il a été ouvert dans un tableur."
        ) from None


# --- Preparing one change ---------------------------------------------------------------------


@dataclass
class UpdateResult:
    """What an update did (or, with ``dry_run``, would do) for one source."""

    key: str
    file: str
    vintage: str
    sha256: str
    previous_file: str | None
    previous_vintage: str | None
    archived: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class _Change:
    result: UpdateResult
    source: Path  # validated file (the user's file, or a member extracted from a zip)
    target: Path  # where it goes in data/raw
    fields: dict[str, str]
    previous: RawFile | None
    consumed: Path | None = None  # an archive dropped into data/raw, archived once extracted


def _extract(archive: Path, pattern: str, workdir: Path) -> Path:
    """Extract the one useful member of an official zip into ``workdir``."""
    try:
        with zipfile.ZipFile(archive) as handle:
            members = [
                m
                for m in handle.namelist()
                if not m.endswith("/")
                and (not pattern or re.fullmatch(_glob(pattern), Path(m).name.lower()))
                and not Path(m).name.lower().startswith("meta")
            ]
            if len(members) != 1:
                raise RessolError(
                    f"L'archive {archive} devrait contenir un seul fichier « {pattern or '*'} » "
                    f"(trouvé : {', '.join(members) or 'aucun'}). Déposez l'archive officielle, "
                    "ou le fichier décompressé lui-même."
                )
            target = workdir / Path(members[0]).name
            with handle.open(members[0]) as source, target.open("wb") as copy:
                shutil.copyfileobj(source, copy)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise RessolError(
            f"L'archive {archive} est endommagée ou incomplète ({exc}). Le téléchargement a "
            "sans doute été interrompu : téléchargez-la à nouveau (ressol data fetch reprend "
            "là où il s'était arrêté)."
        ) from None
    return target


def _glob(pattern: str) -> str:
    return fnmatch.translate(pattern.lower())


def _current_vintage(key: str, entry: RawFile | None) -> Vintage | None:
    if entry is None or not entry.path.is_file():
        return None
    try:
        return detect_vintage(key, entry.path)
    except RessolError:
        return None


def _prepare(
    paths: ProjectPaths,
    manifest: dict[str, RawFile],
    key: str,
    new_file: Path,
    workdir: Path,
    vintage_label: str | None,
    origin: str | None,
    today: date,
) -> _Change:
    spec = source_spec(key)
    if spec.outside_raw:
        raise RessolError(
            f"La source « {key} » (stock SIRENE national) ne se range pas dans data/raw : "
            "indiquez simplement son dossier aux commandes qui la lisent."
        )
    new_file = Path(new_file)
    if new_file.is_dir():
        raise RessolError(
            f"{new_file} est un dossier : indiquez le fichier lui-même (le CSV, le classeur ou "
            "l'archive zip officielle), pas le dossier qui le contient."
        )
    if not new_file.is_file():
        raise RessolError(f"Fichier introuvable : {new_file}. Vérifiez le chemin.")
    candidate = new_file
    try:
        if new_file.suffix.lower() == ".zip":
            candidate = _extract(new_file, spec.member, workdir)
        vintage = validate_file(key, candidate)
    except RessolError as exc:
        where = f" (fichier {candidate.name} de l'archive)" if candidate != new_file else ""
        raise RessolError(
            f"Nouveau fichier refusé pour la source « {key} » : {new_file}{where}. {exc} "
            "Rien n'a été modifié (data/raw/manifest.yaml et data/processed sont intacts)."
        ) from None
    entry = manifest.get(key)
    current = _current_vintage(key, entry)
    sha = sha256_of(candidate)
    if entry is not None and sha == entry.sha256:
        raise RessolError(
            f"Le fichier {new_file} est identique à celui déjà en service pour « {key} » "
            f"({entry.path.name}) : rien à mettre à jour."
        )
    if vintage is not None and current is not None and vintage.rank < current.rank:
        raise RessolError(
            f"Nouveau fichier refusé pour la source « {key} » : {new_file} porte le millésime "
            f"« {vintage.label} » ({vintage.detail}), plus ancien que celui en service "
            f"« {current.label} » ({entry.path.name}). Déposez l'édition la plus récente. "
            "Rien n'a été modifié."
        )
    try:
        _check_coverage(paths, key, candidate)
    except RessolError as exc:
        raise RessolError(
            f"Nouveau fichier refusé pour la source « {key} » : {new_file}. {exc} "
            "Rien n'a été modifié (data/raw/manifest.yaml et data/processed sont intacts)."
        ) from None
    if vintage is None and not vintage_label:
        raise RessolError(
            f"Le fichier {new_file} (source « {key} ») ne porte pas son millésime : indiquez-le "
            "(option --millesime, par exemple « COG 2027 ») pour qu'il soit inscrit dans le "
            "manifeste. Rien n'a été modifié."
        )
    label = vintage_label or vintage.label
    target = paths.raw / candidate.name
    in_use = {e.path.name for k, e in manifest.items() if k != key}
    if target.name in in_use or (
        target.exists() and target.resolve() != new_file.resolve() and sha256_of(target) != sha
    ):
        raise RessolError(
            f"Un autre fichier nommé {target.name} est déjà dans {paths.raw}. Renommez le "
            "nouveau fichier (par exemple avec son millésime) puis relancez la commande."
        )
    fields = {"fichier": target.name, "millesime": label, "sha256": sha}
    fields["date_ajout"] = today.isoformat()
    notes = []
    archived = None
    if entry is not None:
        archived = f"{ARCHIVE_FOLDER}/{entry.path.name}"
        fields["remplace"] = f"{archived} ({entry.vintage}, sha256 {entry.sha256[:12]}…)"
        notes.append(
            "Relisez les champs titre, citation et usage de l'entrée « "
            f"{key} » dans data/raw/manifest.yaml : ils décrivaient le fichier précédent."
        )
    if origin:
        fields["origine"] = origin
    result = UpdateResult(
        key=key,
        file=target.name,
        vintage=label,
        sha256=sha,
        previous_file=entry.path.name if entry else None,
        previous_vintage=entry.vintage if entry else None,
        archived=archived,
        notes=notes,
    )
    consumed = None
    if candidate != new_file and new_file.resolve().parent == paths.raw.resolve():
        consumed = new_file
    return _Change(result, candidate, target, fields, entry, consumed)


# --- Rewriting the manifest -------------------------------------------------------------------


def _scalar(value: str) -> str:
    """Write ``value`` as a YAML scalar: plain when it reads back unchanged, else quoted."""
    with contextlib.suppress(yaml.YAMLError):  # unreadable as plain: quote it
        if yaml.safe_load(f"k: {value}") == {"k": value}:
            return value
    return json.dumps(value, ensure_ascii=False)


ENTRY_START = re.compile(r"^(?P<indent>\s*)-\s+cle:\s*(?P<key>.+?)\s*$")


def _entry_bounds(lines: list[str], key: str) -> tuple[int, int, str]:
    """First and past-the-end line of the entry ``key``, and the indent of its fields."""
    start = None
    for number, line in enumerate(lines):
        match = ENTRY_START.match(line)
        if match and yaml.safe_load(match.group("key")) == key:
            start, indent = number, match.group("indent")
            break
    if start is None:
        raise KeyError(key)
    end = start + 1
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            if len(line) - len(line.lstrip()) <= len(indent):
                break
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return start, end, indent + "  "


def rewrite_entry(text: str, key: str, fields: dict[str, str]) -> str:
    """Set some fields of one manifest entry, leaving every other line as it is.

    Parameters
    ----------
    text : str
        Content of ``manifest.yaml``.
    key : str
        ``cle`` of the entry to change.
    fields : dict of str to str
        Field → new value; a field the entry lacks is added at its end.

    Returns
    -------
    str
        The new content.
    """
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if text.endswith("\r\n") else "\n"
    start, end, indent = _entry_bounds(lines, key)
    block = lines[start:end]
    for name, value in fields.items():
        new_line = f"{indent}{name}: {_scalar(value)}{newline}"
        found = [
            i for i, line in enumerate(block) if re.match(rf"^{indent}{re.escape(name)}:", line)
        ]
        if found:
            first = found[0]
            last = first + 1
            while last < len(block) and (
                len(block[last]) - len(block[last].lstrip()) > len(indent) and block[last].strip()
            ):
                last += 1  # continuation lines of a multi-line value
            block[first:last] = [new_line]
        else:
            if not block[-1].endswith(("\n", "\r")):
                block[-1] += newline
            block.append(new_line)
    return "".join(lines[:start] + block + lines[end:])


def append_entry(text: str, entry: dict[str, str]) -> str:
    """Append a new entry at the end of the ``fichiers`` list of a manifest."""
    if text and not text.endswith("\n"):
        text += "\n"
    lines = [f"  - cle: {_scalar(entry['cle'])}\n"]
    lines += [f"    {name}: {_scalar(str(v))}\n" for name, v in entry.items() if name != "cle"]
    return text + "".join(lines)


def _manifest_text(raw_dir: Path, changes: list[_Change], today: date) -> str:
    path = raw_dir / MANIFEST_NAME
    before = path.read_text(encoding="utf-8")
    text = before
    for change in changes:
        key = change.result.key
        if change.previous is None:
            vintage = change.fields["millesime"]
            entry = manifest_entry(key, change.source, vintage, today=today)
            entry |= {k: v for k, v in change.fields.items() if k not in entry}
            entry["fichier"] = change.target.name
            text = append_entry(text, entry)
        else:
            text = rewrite_entry(text, key, change.fields)
    # The rewrite must change exactly the intended fields: check it by reading both back.
    old = {e["cle"]: e for e in yaml.safe_load(before)["fichiers"]}
    new = {e["cle"]: e for e in yaml.safe_load(text)["fichiers"]}
    changed = {c.result.key: c.fields for c in changes}
    for key_ in set(old) | set(new):
        got = {k: str(v) for k, v in new.get(key_, {}).items()}
        if key_ in old:
            expected = {k: str(v) for k, v in old[key_].items()} | changed.get(key_, {})
            ok = got == expected
        else:
            ok = key_ in changed and all(got.get(k) == v for k, v in changed[key_].items())
        if not ok:
            raise RuntimeError(f"manifest rewrite of {key_!r} did not give the expected entry")
    return text


def _apply(paths: ProjectPaths, changes: list[_Change], today: date) -> None:
    """Place the new files, archive the old ones, then swap the manifest in — or undo all."""
    manifest_path = paths.raw / MANIFEST_NAME
    text = _manifest_text(paths.raw, changes, today)
    staged_manifest = stage(
        manifest_path, lambda temporary: temporary.write_text(text, encoding="utf-8", newline="")
    )
    archive_dir = paths.root / "data" / ARCHIVE_FOLDER
    staged: list[tuple[Path, Path]] = []
    moved: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    try:
        for change in changes:
            if change.source.resolve() != change.target.resolve():
                copied = stage(
                    change.target,
                    lambda temporary, source=change.source: shutil.copyfile(source, temporary),
                    mode=0o644,
                )
                staged.append((copied, change.target))
        for change in changes:
            old = change.previous.path if change.previous else None
            for path in (old, change.consumed):
                if path is None or not path.is_file():
                    continue
                if path == old and old.resolve() == change.target.resolve():
                    continue
                archive_dir.mkdir(parents=True, exist_ok=True)
                destination = archive_dir / path.name
                if destination.exists() and sha256_of(destination) != sha256_of(path):
                    destination = archive_dir / f"{today.isoformat()}_{path.name}"
                os.replace(path, destination)
                moved.append((destination, path))
        for temporary, target in staged:
            os.replace(temporary, target)
            placed.append(target)
        os.replace(staged_manifest, manifest_path)
    except BaseException:
        for target in placed:
            target.unlink(missing_ok=True)
        for destination, old in reversed(moved):
            os.replace(destination, old)
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        staged_manifest.unlink(missing_ok=True)
        raise


# --- Public entry points ----------------------------------------------------------------------


def update_source(
    paths: ProjectPaths,
    key: str,
    new_file: str | os.PathLike[str],
    *,
    vintage: str | None = None,
    origin: str | None = None,
    today: date | None = None,
    dry_run: bool = False,
) -> UpdateResult:
    """Validate a new file for one source and put it in service in the manifest.

    Parameters
    ----------
    paths : ProjectPaths
        Project folders.
    key : str
        Source key (see ``reference/catalogue_sources.yaml``).
    new_file : path
        The new file: already dropped into ``data/raw``, elsewhere (it is then copied into
        ``data/raw``), or an official zip (its useful member is extracted into ``data/raw``).
    vintage : str, optional
        Vintage to record (option ``--millesime``). Required for sources whose files do not
        carry it (COG lists, legal populations); when given for other sources, it replaces the
        detected label.
    origin : str, optional
        Where the file comes from (download address), recorded in the entry.
    today : date, optional
        Date recorded as ``date_ajout`` (defaults to today).
    dry_run : bool
        Validate and report without changing anything.

    Returns
    -------
    UpdateResult
        The new file, its vintage and sha256, the file it replaced and where it was archived.

    Raises
    ------
    RessolError
        If the file does not read with the source's reader, its header matches no known
        edition, its vintage is older than the one in use, or its vintage cannot be read and
        ``vintage`` is not given. Nothing is changed then.
    """
    today = today or date.today()
    manifest = load_manifest(paths.raw)
    with tempfile.TemporaryDirectory(prefix=".ressol-maj-", dir=paths.root / "data") as work:
        change = _prepare(paths, manifest, key, Path(new_file), Path(work), vintage, origin, today)
        if not dry_run:
            _apply(paths, [change], today)
    return change.result


def pending_files(raw_dir: Path) -> list[tuple[Path, list[str]]]:
    """Files dropped into ``raw_dir`` that the manifest does not describe, with their sources.

    Parameters
    ----------
    raw_dir : Path
        The ``data/raw`` folder.

    Returns
    -------
    list of (Path, list of str)
        Each undescribed file and the source keys whose file-name patterns it matches
        (empty when none does, several when the name is ambiguous).
    """
    manifest = load_manifest(raw_dir)
    specs = [s for s in load_catalogue().values() if not s.outside_raw]
    return [
        (path, [s.key for s in specs if matches(s, path.name)])
        for path in unlisted_files(raw_dir, manifest)
    ]


def update_all(
    paths: ProjectPaths, *, today: date | None = None, dry_run: bool = False
) -> list[UpdateResult]:
    """Validate every new file dropped into ``data/raw`` and put them all in service at once.

    Parameters
    ----------
    paths : ProjectPaths
        Project folders.
    today : date, optional
        Date recorded as ``date_ajout``.
    dry_run : bool
        Validate and report without changing anything.

    Returns
    -------
    list of UpdateResult
        One per new file (empty when there is none).

    Raises
    ------
    RessolError
        If a file matches no source or several, two files target the same source, or one file
        does not validate: then no file is put in service.
    """
    today = today or date.today()
    pending = pending_files(paths.raw)
    unknown = [p.name for p, keys in pending if len(keys) != 1]
    if unknown:
        raise RessolError(
            f"Fichier(s) de {paths.raw} sans entrée dans le manifeste et dont la source n'est "
            f"pas reconnue par son nom : {list_codes(unknown)}. Indiquez la source "
            "(« ressol data update --source CLE FICHIER », clés : "
            f"{', '.join(VALIDATORS)}) ou retirez le fichier. Rien n'a été modifié."
        )
    keys = [keys[0] for _, keys in pending]
    twice = {k for k in keys if keys.count(k) > 1}
    if twice:
        raise RessolError(
            f"Plusieurs nouveaux fichiers pour la/les source(s) {list_codes(twice)} dans "
            f"{paths.raw} : gardez-en un seul par source. Rien n'a été modifié."
        )
    if not pending:
        return []
    manifest = load_manifest(paths.raw)
    with tempfile.TemporaryDirectory(prefix=".ressol-maj-", dir=paths.root / "data") as work:
        changes = [
            _prepare(paths, manifest, key, path, Path(work), None, None, today)
            for (path, _), key in zip(pending, keys, strict=True)
        ]
        if not dry_run:
            _apply(paths, changes, today)
    return [c.result for c in changes]


def format_results(results: list[UpdateResult], dry_run: bool = False) -> str:
    """French summary of an update (or of what a dry run would do) for the terminal."""
    if not results:
        return (
            "Aucun nouveau fichier dans data/raw : déposez-y la nouvelle édition officielle, "
            "puis relancez « ressol data update ».\n"
        )
    lines = []
    for result in results:
        if result.previous_file and dry_run:
            before = (
                f" (remplacerait {result.previous_file}, {result.previous_vintage}, qui serait "
                f"archivé dans data/{result.archived})"
            )
        elif result.previous_file:
            before = (
                f" (remplace {result.previous_file}, {result.previous_vintage}, archivé dans "
                f"data/{result.archived})"
            )
        else:
            before = ""
        lines.append(f"- {result.key} : {result.file}, {result.vintage}{before}.")
        lines += [f"  {note}" for note in result.notes if not dry_run]
    if dry_run:
        return (
            "Essai (--essai) : les fichiers sont valides ; rien n'a été modifié. Sans --essai, "
            "seraient mis à jour dans data/raw/manifest.yaml :\n" + "\n".join(lines) + "\n"
        )
    return "Mis à jour dans data/raw/manifest.yaml :\n" + "\n".join(lines) + "\n"
