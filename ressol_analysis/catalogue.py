"""The sources catalogue: what each raw file is, which vintage it carries, and what is waiting.

``reference/catalogue_sources.yaml`` describes every source the project knows (official page,
download address, file-name patterns). :func:`catalogue_status` puts it together with the
manifest and with the files themselves: for each source, the file in use, its vintage **read
from the file** (census column prefixes ``P22_``/``P23_``, sheet names such as ``Epcicom2025``
or year sheets, the latest ``DATE_EFF`` of the commune movements, the date printed in the
legal-categories file…), whether its sha256 matches the manifest, and whether a newer file of
the same kind sits in ``data/raw`` without being in use. :func:`format_status` renders it in
French for ``ressol data status``.
"""

from __future__ import annotations

import csv
import fnmatch
import gzip
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import yaml

from .errors import RessolError
from .sources import cog, comparateur, insee, urssaf
from .sources.manifest import MANIFEST_NAME, RawFile, load_manifest, sha256_of
from .sources.sirene import ITDD_SHEET, ITDD_TITLE, find_stock_file
from .sources.tables import check_separator, open_workbook, read_sheet

CATALOGUE_FILE = Path(__file__).parent / "reference" / "catalogue_sources.yaml"
FROM_MANIFEST = "manifeste"
STATUS_COLUMNS = [
    "cle",
    "source",
    "fichier",
    "millesime",
    "lecture_millesime",
    "millesime_manifeste",
    "sha256",
    "empreinte",
    "url",
    "page",
    "plus_recent",
    "remarques",
]
MONTHS = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}


@dataclass(frozen=True)
class SourceSpec:
    """One source of the catalogue."""

    key: str
    name: str
    publisher: str
    patterns: tuple[str, ...]
    detector: str
    page: str
    url: str
    member: str
    download_name: str
    outside_raw: bool
    licence: str


@dataclass(frozen=True)
class Vintage:
    """A vintage read from a file.

    ``label`` is written the way the manifest writes it (``RP 2022``, ``COG 2026``);
    ``rank`` orders two files of the same source (larger is newer); ``detail`` says, in
    French, where in the file the vintage was read.
    """

    label: str
    rank: tuple[int, ...]
    detail: str


@cache
def load_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, SourceSpec]:
    """Read the catalogue of sources.

    Parameters
    ----------
    path : Path
        The YAML catalogue (defaults to the one shipped with the package).

    Returns
    -------
    dict of str to SourceSpec
        Sources keyed by their manifest key, in catalogue order.

    Raises
    ------
    RessolError
        If the file is not a readable catalogue or names an unknown vintage reader.
    """
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = content["sources"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise RessolError(
            f"Le catalogue des sources {path} est illisible ({exc}). Restaurez-le depuis le "
            "dépôt git."
        ) from None
    specs: dict[str, SourceSpec] = {}
    for entry in entries:
        detector = str(entry.get("millesime", FROM_MANIFEST))
        if detector != FROM_MANIFEST and detector not in DETECTORS:
            raise RessolError(
                f"Dans {path}, la source « {entry.get('cle')} » annonce une lecture du "
                f"millésime « {detector} » inconnue (connues : {', '.join(sorted(DETECTORS))}, "
                f"{FROM_MANIFEST})."
            )
        key = str(entry["cle"])
        specs[key] = SourceSpec(
            key=key,
            name=str(entry["nom"]),
            publisher=str(entry["editeur"]),
            patterns=tuple(str(p) for p in entry.get("motifs", [])),
            detector=detector,
            page=str(entry.get("page") or ""),
            url=str(entry.get("url") or ""),
            member=str(entry.get("membre") or ""),
            download_name=str(entry.get("fichier_telecharge") or ""),
            outside_raw=bool(entry.get("hors_data_raw", False)),
            licence=str(entry.get("licence") or "Licence Ouverte / Etalab 2.0"),
        )
    return specs


def source_spec(key: str) -> SourceSpec:
    """Return the catalogue entry of one source, or explain which keys exist."""
    specs = load_catalogue()
    if key not in specs:
        raise RessolError(
            f"Source « {key} » inconnue du catalogue. Sources connues : {', '.join(specs)}."
        )
    return specs[key]


# --- Reading the vintage in the file itself ---------------------------------------------------


def _first_line(path: Path, encoding: str = "utf-8") -> str:
    if not path.is_file():
        raise RessolError(f"Fichier introuvable : {path}. Vérifiez le chemin.")
    opener = gzip.open if path.read_bytes()[:2] == b"\x1f\x8b" else open
    with opener(path, "rb") as handle:
        raw = handle.readline()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise RessolError(
            f"Le fichier {path} n'est pas encodé en {encoding.upper()} (octet illisible ligne "
            f"1). Il a sans doute été réenregistré (Excel…) : téléchargez à nouveau le fichier "
            "officiel."
        ) from None
    return text.lstrip("\ufeff").rstrip("\r\n")


def _header(path: Path, sep: str) -> list[str]:
    line = _first_line(path)
    advice = "Téléchargez à nouveau le fichier officiel, sans l'ouvrir dans un tableur."
    check_separator(path, line, sep, advice)
    return [c.strip() for c in next(csv.reader([line], delimiter=sep))]


DOWNLOAD_AGAIN = "Vérifiez le chemin ou téléchargez à nouveau le fichier officiel."


def _workbook(path: Path) -> pd.ExcelFile:
    return open_workbook(path, DOWNLOAD_AGAIN)


def _census_ages(path: Path) -> Vintage:
    years = insee.detect_census_years(path, _header(path, ";"), "POP0014")
    year = years[0]
    return Vintage(f"RP {year}", (year,), f"colonnes P{year % 100:02d}_POP0014 … (RP {year})")


def _comparateur(path: Path) -> Vintage:
    found = comparateur.detect_vintages(_header(path, ";"), path)
    rp, previous = found["rp"], found["rp_precedent"]
    detail = (
        f"colonnes P{rp % 100:02d}_ et P{previous % 100:02d}_ (RP {rp} et {previous}), "
        f"ETTOT{found['flores'] % 100:02d} (Flores {found['flores']}), "
        f"MED{found['filosofi'] % 100:02d} (Filosofi {found['filosofi']})"
    )
    return Vintage(f"RP {rp}", (rp, found["flores"], found["filosofi"]), detail)


def _movements(path: Path) -> Vintage:
    movements = cog.read_movements(path)
    if movements.empty:
        raise RessolError(
            f"Le fichier {path} ne contient aucun mouvement de commune : ce n'est pas la table "
            "des mouvements du COG. Téléchargez à nouveau le fichier officiel."
        )
    year = cog.cog_year(movements)
    latest = movements["DATE_EFF"].max()
    return Vintage(f"COG {year}", (year,), f"dernier mouvement DATE_EFF {latest}")


def _epcicom(path: Path) -> Vintage:
    sheets = sorted(s for s in _workbook(path).sheet_names if re.fullmatch(r"Epcicom\d{4}", s))
    if not sheets:
        raise RessolError(
            f"Le classeur {path} n'a pas de feuille « EpcicomAAAA » : son millésime est "
            "illisible. Fournissez le fichier de composition des EPCI publié par la DGCL."
        )
    year = int(sheets[-1][-4:])
    return Vintage(f"EPCI {year}", (year,), f"feuille {sheets[-1]}")


def _year_sheets(path: Path) -> Vintage:
    years = sorted(int(s) for s in _workbook(path).sheet_names if re.fullmatch(r"\d{4}", s))
    if not years:
        raise RessolError(
            f"Le classeur {path} n'a aucune feuille d'année (AAAA) : ce n'est pas un fichier "
            "d'estimations de population de l'Insee."
        )
    label = f"Estimations de population {years[0]}-{years[-1]}"
    return Vintage(label, (years[-1],), f"feuilles {years[0]} à {years[-1]}")


def _cj_update(path: Path) -> Vintage:
    book = _workbook(path)
    sheets = book.sheet_names
    top = read_sheet(book, sheets[0], DOWNLOAD_AGAIN, header=None, nrows=5)
    text = " ".join(str(v) for v in top.to_numpy().ravel() if isinstance(v, str))
    match = re.search(r"mise à jour le (\d{1,2})(?:er)? (\w+) (\d{4})", text, re.IGNORECASE)
    if not match or match.group(2).lower() not in MONTHS:
        raise RessolError(
            f"Le classeur {path} ne porte pas la mention « Dernière mise à jour le … » en tête "
            "de sa première feuille : son millésime est illisible. Fournissez le fichier des "
            "catégories juridiques de l'Insee."
        )
    day = date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
    return Vintage(
        f"Catégories juridiques au {day:%d/%m/%Y}",
        (day.year, day.month, day.day),
        f"mention « {match.group(0)} » (feuille {sheets[0]})",
    )


def _itdd(path: Path) -> Vintage:
    advice = "Fournissez le fichier ITDD (données détaillées) de l'Insee."
    sheet = read_sheet(_workbook(path), ITDD_SHEET, advice, header=None)
    cells = sheet.apply(lambda c: c.astype("string").str.strip())
    titles = cells.eq(ITDD_TITLE).fillna(False).to_numpy().nonzero()
    years_rows = cells.eq("Année").fillna(False).any(axis=1).to_numpy().nonzero()[0]
    if len(titles[1]) == 0 or len(years_rows) == 0:
        raise RessolError(
            f"Dans {path}, feuille {ITDD_SHEET} : colonne « {ITDD_TITLE} » ou ligne « Année » "
            "introuvable ; le millésime de l'ESS est illisible. Fournissez le fichier ITDD "
            "officiel."
        )
    column, row = int(titles[1][0]), int(years_rows[0])
    years = [str(cells.iat[row, column + i]) for i in (0, 1)]
    if not all(re.fullmatch(r"\d{4}", y) for y in years):
        raise RessolError(
            f"Dans {path}, feuille {ITDD_SHEET}, ligne {row + 1} : années de l'ESS illisibles "
            f"({', '.join(years)}). Fournissez le fichier ITDD officiel."
        )
    return Vintage(
        f"ESS : {years[0]} et {years[1]} (Insee, Clap)",
        (int(years[0]),),
        f"ligne « Année » de la feuille {ITDD_SHEET} ({years[0]} et {years[1]})",
    )


def _naf(path: Path) -> Vintage:
    line = _first_line(path, encoding="cp1252")
    match = re.search(r"NAF r[ée]v\. ?(\d+), (\d{4})", line)
    if not match:
        raise RessolError(
            f"La première ligne du fichier {path} ne mentionne pas « NAF rév. N, AAAA » : ce "
            "n'est pas la table de passage NAF de l'Insee. Restaurez le fichier officiel."
        )
    revision, year = int(match.group(1)), int(match.group(2))
    return Vintage(
        f"NAF rév. {revision} ({year})", (revision, year), f"titre « {match.group(0)} » (ligne 1)"
    )


def _naf_rev1(path: Path) -> Vintage:
    names = " ".join(open_workbook(path).sheet_names)
    match = re.search(r"(\d{2})\.(\d{4})", names)
    if not match:
        raise RessolError(
            f"Les feuilles du classeur {path} ({names}) ne portent pas la date de la table "
            "(« 07.2008 ») : indiquez le millésime avec --millesime."
        )
    month, year = int(match.group(1)), int(match.group(2))
    return Vintage(
        f"Table NAF rév. 2 – NAF rév. 1 ({month:02d}/{year})",
        (year, month),
        f"nom de feuille « {match.group(0)} »",
    )


def _urssaf(path: Path) -> Vintage:
    years = urssaf.detect_years(_header(path, ";"), path)
    return Vintage(
        f"Urssaf, effectifs au 31/12 de {years[0]} à {years[-1]}",
        (years[-1],),
        f"colonnes « Nombre d'établissements {years[0]} » … « {years[-1]} »",
    )


def _sirene(column: str) -> Callable[[Path], Vintage]:
    def detect(path: Path) -> Vintage:
        latest = _sirene_latest(path, column)
        day = date.fromisoformat(latest[:10])
        return Vintage(
            f"Stock SIRENE au {day:%d/%m/%Y}",
            (day.year, day.month, day.day),
            f"plus récente valeur de {column}",
        )

    return detect


def _sirene_latest(path: Path, column: str) -> str:
    if path.suffix.lower() == ".parquet":
        try:
            metadata = pq.ParquetFile(path).metadata
        except Exception as exc:  # pyarrow raises ArrowInvalid and others on damaged files
            raise RessolError(
                f"Le fichier Parquet {path} est illisible ({exc}). Téléchargez-le à nouveau."
            ) from None
        names = metadata.schema.names
        if column not in names:
            raise RessolError(
                f"Le fichier {path} n'a pas de colonne {column} : ce n'est pas un stock SIRENE "
                "au format publié sur data.gouv.fr. Téléchargez-le à nouveau."
            )
        index = names.index(column)
        values = [
            str(stats.max)
            for group in range(metadata.num_row_groups)
            if (stats := metadata.row_group(group).column(index).statistics) is not None
            and stats.has_min_max
        ]
        if values:
            return max(values)
    if path.suffix.lower() == ".zip":
        raise RessolError(
            f"Le millésime de l'archive {path} n'est pas lu (il faudrait la décompresser en "
            "entier) : préférez le fichier Parquet du même stock."
        )
    relation = "read_parquet" if path.suffix.lower() == ".parquet" else "read_csv"
    options = "" if relation == "read_parquet" else ", all_varchar=true, header=true"
    try:
        found = duckdb.sql(
            f"select max({column}) from {relation}('{path.as_posix()}'{options})"
        ).fetchone()[0]
    except duckdb.Error as exc:
        raise RessolError(
            f"Le fichier {path} est illisible ou n'a pas de colonne {column} ({exc}). "
            "Téléchargez à nouveau le stock SIRENE officiel."
        ) from None
    if not found:
        raise RessolError(f"Le fichier {path} n'a aucune valeur dans {column}.")
    return str(found)


DETECTORS: dict[str, Callable[[Path], Vintage]] = {
    "recensement_ages": _census_ages,
    "comparateur": _comparateur,
    "mouvements": _movements,
    "feuille_epcicom": _epcicom,
    "feuilles_annees": _year_sheets,
    "mise_a_jour_cj": _cj_update,
    "itdd": _itdd,
    "naf": _naf,
    "naf_rev1": _naf_rev1,
    "urssaf": _urssaf,
    "sirene_etablissements": _sirene("dateDernierTraitementEtablissement"),
    "sirene_unites_legales": _sirene("dateDernierTraitementUniteLegale"),
}


def detect_vintage(key: str, path: Path) -> Vintage | None:
    """Read the vintage of a file of one source from the file itself.

    Parameters
    ----------
    key : str
        Source key of the catalogue (``comparateur``, ``epci``…).
    path : Path
        File to look at.

    Returns
    -------
    Vintage or None
        ``None`` when files of this source do not carry their vintage (COG lists of
        communes, départements and regions, legal populations, NAF label files): the
        manifest is then the only record of it.

    Raises
    ------
    RessolError
        If the file is unreadable or its layout matches no known edition.
    """
    spec = source_spec(key)
    if spec.detector == FROM_MANIFEST:
        return None
    return DETECTORS[spec.detector](path)


# --- Status of every source -------------------------------------------------------------------


def matches(spec: SourceSpec, name: str) -> bool:
    """Whether a file name looks like a file of this source (case-insensitive patterns)."""
    return any(fnmatch.fnmatch(name.lower(), p.lower()) for p in spec.patterns)


def unlisted_files(raw_dir: Path, manifest: dict[str, RawFile]) -> list[Path]:
    """Files of ``raw_dir`` that no manifest entry describes (hidden files excepted)."""
    listed = {e.path.name for e in manifest.values()} | {MANIFEST_NAME}
    return [
        p
        for p in sorted(raw_dir.iterdir())
        if p.is_file() and p.name not in listed and not p.name.startswith(".")
    ]


def _candidates(spec: SourceSpec, files: list[Path], current: Vintage | None) -> tuple[str, str]:
    newer, others = [], []
    for path in files:
        if not matches(spec, path.name):
            continue
        if path.suffix.lower() == ".zip":
            others.append(f"{path.name} (archive à intégrer avec « ressol data update »)")
            continue
        try:
            found = detect_vintage(spec.key, path)
        except RessolError:
            others.append(f"{path.name} (illisible : « ressol data update » dira pourquoi)")
            continue
        if found is None:
            others.append(f"{path.name} (millésime non inscrit dans le fichier)")
        elif current is None or found.rank > current.rank:
            newer.append(f"{path.name} ({found.label})")
        else:
            others.append(f"{path.name} ({found.label}, pas plus récent)")
    remark = ""
    if others:
        remark = f"autre(s) fichier(s) du même type non utilisé(s) : {', '.join(others)}"
    return ", ".join(newer), remark


def _row(spec: SourceSpec | None, entry: RawFile | None, files: list[Path]) -> dict[str, str]:
    key = spec.key if spec else entry.key
    row = dict.fromkeys(STATUS_COLUMNS, "")
    row |= {
        "cle": key,
        "source": spec.name if spec else entry.title,
        "url": spec.url if spec else "",
        "page": spec.page if spec else "",
    }
    remarks = []
    current: Vintage | None = None
    if entry is None:
        row["empreinte"] = "hors manifeste"
    else:
        row |= {
            "fichier": entry.path.name,
            "millesime_manifeste": entry.vintage,
            "sha256": entry.sha256,
        }
        if not entry.path.is_file():
            row["empreinte"] = "fichier absent"
        else:
            row["empreinte"] = "conforme" if sha256_of(entry.path) == entry.sha256 else "différente"
            try:
                current = detect_vintage(key, entry.path) if spec else None
            except RessolError as exc:
                remarks.append(f"millésime illisible : {exc}")
        if current is not None:
            row |= {"millesime": current.label, "lecture_millesime": current.detail}
            if not entry.vintage.startswith(current.label):
                remarks.append(
                    f"le manifeste indique « {entry.vintage} », le fichier dit « {current.label} »"
                )
        else:
            row |= {
                "millesime": entry.vintage,
                "lecture_millesime": "manifeste (le fichier ne porte pas son millésime)",
            }
    if spec is not None:
        row["plus_recent"], remark = _candidates(spec, files, current)
        remarks += [remark] if remark else []
    row["remarques"] = " ; ".join(remarks)
    return row


def _sirene_row(spec: SourceSpec, sirene_dir: Path | None) -> dict[str, str]:
    row = dict.fromkeys(STATUS_COLUMNS, "")
    row |= {"cle": spec.key, "source": spec.name, "url": spec.url, "page": spec.page}
    row["empreinte"] = "hors manifeste (stock national, hors data/raw)"
    if sirene_dir is None:
        row["remarques"] = "dossier des stocks SIRENE non indiqué"
        return row
    stock = "etablissements" if spec.key.endswith("etablissements") else "unites_legales"
    try:
        found = find_stock_file(Path(sirene_dir), stock)
        row["fichier"] = str(found.path)
        vintage = detect_vintage(spec.key, found.path)
    except RessolError as exc:
        row["remarques"] = str(exc)
        return row
    row |= {"millesime": vintage.label, "lecture_millesime": vintage.detail}
    return row


def catalogue_status(raw_dir: Path, sirene_dir: Path | None = None) -> pd.DataFrame:
    """State of every known source: file in use, vintage read from it, checksum, newer files.

    Parameters
    ----------
    raw_dir : Path
        The ``data/raw`` folder (with its ``manifest.yaml``).
    sirene_dir : Path, optional
        Folder of the national SIRENE stock files, when the consultant has one.

    Returns
    -------
    DataFrame
        One row per source (catalogue order, then manifest entries the catalogue does not
        describe), all columns strings: ``cle``, ``source``, ``fichier``, ``millesime`` (read
        from the file when it carries it, else the manifest's), ``lecture_millesime`` (where
        it was read), ``millesime_manifeste``, ``sha256`` (manifest), ``empreinte``
        (``conforme``, ``différente``, ``fichier absent``, ``hors manifeste``…), ``url``
        (direct download), ``page`` (official page), ``plus_recent`` (files of the same kind
        in ``raw_dir``, not in use, with a newer vintage) and ``remarques``.

    Raises
    ------
    RessolError
        If the manifest or the catalogue is unreadable.
    """
    manifest = load_manifest(raw_dir)
    files = unlisted_files(raw_dir, manifest)
    rows = []
    for spec in load_catalogue().values():
        if spec.outside_raw:
            rows.append(_sirene_row(spec, sirene_dir))
        else:
            rows.append(_row(spec, manifest.get(spec.key), files))
    specs = load_catalogue()
    rows += [_row(None, entry, files) for key, entry in manifest.items() if key not in specs]
    return pd.DataFrame(rows, columns=STATUS_COLUMNS).astype("string")


def format_status(status: pd.DataFrame) -> str:
    """French text of :func:`catalogue_status` for the terminal.

    Parameters
    ----------
    status : DataFrame
        Output of :func:`catalogue_status`.

    Returns
    -------
    str
        One block per source, then a summary line saying what to do.
    """
    blocks = []
    for row in status.fillna("").to_dict("records"):
        lines = [f"{row['cle']} — {row['source']}"]
        lines.append(f"  fichier    : {row['fichier'] or '(aucun)'}")
        if row["millesime"]:
            lines.append(f"  millésime  : {row['millesime']} — lu : {row['lecture_millesime']}")
        empreinte = row["empreinte"]
        if row["sha256"]:
            empreinte += f" (sha256 {row['sha256'][:12]}…)"
        lines.append(f"  empreinte  : {empreinte}")
        lines.append(f"  source     : {row['url'] or row['page'] or '(voir le manifeste)'}")
        if row["plus_recent"]:
            lines.append(
                f"  ⚠ plus récent, pas encore utilisé : {row['plus_recent']} — intégrez-le avec "
                "« ressol data update »"
            )
        if row["remarques"]:
            lines.append(f"  remarque   : {row['remarques']}")
        blocks.append("\n".join(lines))
    damaged = int(status["empreinte"].isin(["différente", "fichier absent"]).sum())
    waiting = int((status["plus_recent"].fillna("") != "").sum())
    summary = f"{len(status)} sources : {damaged} fichier(s) absent(s) ou modifié(s), "
    summary += f"{waiting} source(s) avec un fichier plus récent en attente."
    if damaged:
        summary += " Restaurez les fichiers modifiés (git checkout) ou intégrez la nouvelle "
        summary += "édition avec « ressol data update »."
    return "\n\n".join(blocks) + "\n\n" + summary + "\n"
