"""INSEE's NAF rév. 2 nomenclature: sous-classes and their aggregated levels.

The reader builds one reference table, one row per sous-classe (``88.10A``), with its division
(A88), A38, section (A21), A17 and A10 codes and French labels, from INSEE's own files
(cp1252, ``;``, CRLF, quoted multi-line header cells). :func:`naf_levels` maps APE codes written
as in SIRENE (``88.10A``) or as in URSSAF files (``8810A``) to those levels with a join; a code
absent from the nomenclature is an error listing it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import RessolError, list_codes
from .manifest import raw_file
from .tables import open_workbook, read_sheet

ENCODING = "cp1252"
LEVELS = ("A88", "A38", "A21", "A17", "A10")

# Manifest keys of the INSEE files read here.
PASSAGE_KEY = "naf_table_passage"
LABEL_KEYS = {
    "A10": "naf_a10",
    "A17": "naf_a17",
    "A21": "naf_a21",
    "A38": "naf_a38",
    "A88": "naf_a88",
}

# table_NAF2-NA.csv: its second line names the level of each column; we check it, then use it.
PASSAGE_LEVEL_LINE = [
    "A 732",
    "",
    "A 615",
    "A 272",
    "A 129",
    "A 88",
    "A 64",
    "A 38",
    "A 21",
    "A 10",
]
PASSAGE_COLUMNS = [
    "sous_classe",
    "libelle_sous_classe",
    "classe",
    "groupe",
    "A129",
    "A88",
    "A64",
    "A38",
    "A21",
    "A10",
]

# int_eng_na_2008_aXX.csv: position of the code column and of the French label column.
LABEL_POSITIONS = {
    "A10": (1, 4),
    "A17": (0, 6),
    "A21": (1, 3),
    "A38": (0, 3),
    "A88": (2, 4),
}
A17_DIVISIONS_POSITION = 4

NAF_COLUMNS = [
    "sous_classe",
    "libelle_sous_classe",
    "groupe",
    "classe",
    *[c for level in LEVELS for c in (level, f"libelle_{level}")],
]


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise RessolError(f"Fichier introuvable : {path}. Restaurez-le depuis le dépôt git.")
    raw = path.read_bytes()
    # INSEE's accented cp1252 bytes are invalid UTF-8: a file that decodes as non-ASCII UTF-8
    # has been re-saved, and decoding it as cp1252 would silently garble every label.
    try:
        raw.decode("utf-8")
        resaved = not raw.isascii()
    except UnicodeDecodeError:
        resaved = False
    try:
        if resaved:
            raise UnicodeDecodeError(ENCODING, raw, 0, 1, "UTF-8 file")
        return raw.decode(ENCODING)
    except UnicodeDecodeError:
        raise RessolError(
            f"Le fichier {path} n'est pas encodé en Windows-1252 comme les fichiers NAF de "
            "l'Insee (il a sans doute été réenregistré en UTF-8 ou avec Excel). Restaurez le "
            "fichier officiel."
        ) from None


def _read_raw(path: Path, skiprows: int) -> pd.DataFrame:
    table = pd.read_csv(
        io.StringIO(_read_text(path)),
        sep=";",
        header=None,
        skiprows=skiprows,
        dtype=str,
        keep_default_na=False,
    )
    return table.apply(lambda column: column.str.strip())


def read_naf_passage(path: Path) -> pd.DataFrame:
    """Read INSEE's ``table_NAF2-NA.csv`` (sous-classe → every aggregated level).

    Parameters
    ----------
    path : Path
        The INSEE file (cp1252, ``;``, a title line then a level line ``A 732;;A 615;…``).

    Returns
    -------
    DataFrame
        One row per sous-classe, columns ``sous_classe`` (``01.11Z``), ``libelle_sous_classe``,
        ``classe``, ``groupe``, ``A129``, ``A88``, ``A64``, ``A38``, ``A21``, ``A10``, as strings.

    Raises
    ------
    RessolError
        If the level line is not the expected one or a sous-classe appears twice.
    """
    raw = _read_raw(path, skiprows=1)
    level_line = raw.iloc[0, : len(PASSAGE_LEVEL_LINE)].tolist() if len(raw) else []
    if level_line != PASSAGE_LEVEL_LINE:
        raise RessolError(
            f"Le fichier {path} n'a pas la structure de la table de passage NAF rév. 2 de "
            f"l'Insee : la deuxième ligne devrait être « {';'.join(PASSAGE_LEVEL_LINE)} », "
            f"trouvé « {';'.join(level_line)} ». Restaurez le fichier officiel."
        )
    table = raw.iloc[1:, : len(PASSAGE_COLUMNS)].set_axis(PASSAGE_COLUMNS, axis=1)
    table = table[table["sous_classe"] != ""].reset_index(drop=True)
    duplicated = table.loc[table["sous_classe"].duplicated(), "sous_classe"]
    if not duplicated.empty:
        raise RessolError(
            f"Dans {path}, sous-classe(s) en double : {list_codes(duplicated)}. "
            "Restaurez le fichier officiel."
        )
    return table


def read_naf_labels(path: Path, level: str) -> pd.DataFrame:
    """Read the French labels of one aggregated level from an ``int_eng_na_2008_*.csv`` file.

    Parameters
    ----------
    path : Path
        The INSEE file of that level.
    level : {"A10", "A17", "A21", "A38", "A88"}
        The level the file describes.

    Returns
    -------
    DataFrame
        Columns ``<level>`` and ``libelle_<level>`` (for A17 also ``divisions``, the INSEE
        notation of the divisions it groups, e.g. ``05-09,35-39``). Notes and "dont" lines of
        the file are kept; the join with the passage table ignores them.
    """
    code_at, label_at = LABEL_POSITIONS[level]
    raw = _read_raw(path, skiprows=1)
    table = pd.DataFrame({level: raw[code_at], f"libelle_{level}": raw[label_at]})
    if level == "A17":
        table["divisions"] = raw[A17_DIVISIONS_POSITION]
    return table[table[level] != ""].reset_index(drop=True)


def _expand_divisions(notation: str) -> list[str]:
    """Expand INSEE's ``13-18,20-25, 31-33`` notation into two-digit division codes."""
    divisions = []
    for part in notation.split(","):
        first, _, last = part.strip().partition("-")
        last = last or first
        divisions += [f"{n:02d}" for n in range(int(first), int(last) + 1)]
    return divisions


def a17_by_division(a17_labels: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    """Table division (A88) → A17 code, from the divisions column of the A17 file.

    Parameters
    ----------
    a17_labels : DataFrame
        Output of :func:`read_naf_labels` for level A17.
    path : Path, optional
        File named in error messages.

    Returns
    -------
    DataFrame
        Columns ``A88`` and ``A17``, one row per division number covered.

    Raises
    ------
    RessolError
        If a division falls in two A17 groups.
    """
    rows = [
        (division, code)
        for code, notation in zip(a17_labels["A17"], a17_labels["divisions"], strict=True)
        for division in _expand_divisions(notation)
    ]
    table = pd.DataFrame(rows, columns=["A88", "A17"])
    twice = table.loc[table["A88"].duplicated(), "A88"]
    if not twice.empty:
        raise RessolError(
            f"Dans {path or 'la table A17'}, division(s) rattachée(s) à deux postes A17 : "
            f"{list_codes(twice)}. Restaurez le fichier officiel de l'Insee."
        )
    return table


def build_naf_table(passage: pd.DataFrame, labels: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Assemble the sous-classe reference table from the passage table and level labels.

    Parameters
    ----------
    passage : DataFrame
        Output of :func:`read_naf_passage`.
    labels : dict of str to DataFrame
        Output of :func:`read_naf_labels` for each level of :data:`LEVELS`.

    Returns
    -------
    DataFrame
        Columns :data:`NAF_COLUMNS`, one row per sous-classe, every code and label a string.

    Raises
    ------
    RessolError
        If a code of the passage table has no label or no A17 group.
    """
    table = passage.merge(a17_by_division(labels["A17"]), on="A88", how="left")
    for level in LEVELS:
        table = table.merge(
            labels[level][[level, f"libelle_{level}"]].drop_duplicates(level),
            on=level,
            how="left",
        )
        unlabelled = table.loc[table[f"libelle_{level}"].isna(), level]
        if not unlabelled.empty:
            raise RessolError(
                f"Nomenclature NAF : code(s) {level} sans libellé ni rattachement dans les "
                f"fichiers de l'Insee : {list_codes(unlabelled.fillna('(vide)'))}. "
                "Vérifiez que les fichiers NAF de data/raw sont les fichiers officiels."
            )
    return table[NAF_COLUMNS].astype("string")


def read_naf(raw_dir: Path) -> pd.DataFrame:
    """Read the NAF rév. 2 reference table from the manifest-checked files of ``data/raw``.

    Parameters
    ----------
    raw_dir : Path
        The ``data/raw`` folder (entries ``naf_table_passage``, ``naf_a10`` … ``naf_a88``).

    Returns
    -------
    DataFrame
        See :func:`build_naf_table`: 732 sous-classes with A88, A38, A21, A17, A10 and labels.
    """
    passage = read_naf_passage(raw_file(raw_dir, PASSAGE_KEY).path)
    labels = {
        level: read_naf_labels(raw_file(raw_dir, key).path, level)
        for level, key in LABEL_KEYS.items()
    }
    return build_naf_table(passage, labels)


def normalise_ape(codes: pd.Series) -> pd.Series:
    """Write APE codes as NAF sous-classes with a dot (``8810A`` → ``88.10A``).

    Parameters
    ----------
    codes : Series of str
        Codes with a dot (SIRENE) or without (URSSAF); spaces and case are ignored.

    Returns
    -------
    Series of str
        Codes of the form ``NN.NNL``; other shapes are returned unchanged (and will be
        reported as unknown by :func:`naf_levels`).
    """
    cleaned = codes.astype("string").str.strip().str.upper()
    undotted = cleaned.str.len().eq(5) & ~cleaned.str.contains(".", regex=False)
    dotted = cleaned.str.slice(0, 2) + "." + cleaned.str.slice(2)
    return cleaned.mask(undotted.fillna(False), dotted)


def naf_levels(codes: pd.Series, naf: pd.DataFrame, where: str) -> pd.DataFrame:
    """Map APE codes to their sous-classe and aggregated levels.

    Parameters
    ----------
    codes : Series of str
        APE codes, ``88.10A`` or ``8810A``.
    naf : DataFrame
        Reference table from :func:`read_naf`.
    where : str
        Where the codes come from (file and column), named in the error message.

    Returns
    -------
    DataFrame
        Same index as ``codes``; columns :data:`NAF_COLUMNS`.

    Raises
    ------
    RessolError
        Listing every code absent from NAF rév. 2 (including empty codes).
    """
    normalised = normalise_ape(codes)
    known = normalised.isin(naf["sous_classe"]).fillna(False)
    if not known.all():
        unknown = codes[~known].astype("string").fillna("(vide)")
        raise RessolError(
            f"Dans {where}, {int((~known).sum())} code(s) APE absent(s) de la nomenclature "
            f"NAF rév. 2 : {list_codes(unknown)}. Vérifiez qu'il s'agit de codes NAF rév. 2 "
            "(sous-classes « 88.10A » ou « 8810A ») ; les codes d'anciennes nomenclatures "
            "(NAF rév. 1, NAF 1993) ou provisoires (00.00Z) doivent être écartés avant."
        )
    lookup = naf.set_index("sous_classe")
    result = lookup.reindex(normalised.to_numpy()).reset_index()
    result.index = codes.index
    return result[NAF_COLUMNS].astype("string")


# --- Older nomenclatures: INSEE's NAF rév. 1 → NAF rév. 2 table, activities of the register ---

REV1_KEY = "naf_rev1_rev2"  # manifest key of INSEE's correspondence table, when registered
REV1_HEADERS = ("NAF rév. 2", "NAF rév. 1")
PROVISIONAL = "00.00Z"
UNKNOWN_SECTOR = "ZZ"
UNKNOWN_SECTOR_LABEL = "Secteur inconnu (ancienne nomenclature ou code provisoire)"
ACTIVITY_COLUMNS = ["activiteNAFRev2", "origineActivite"]


def _normalise_header(value: object) -> str:
    return " ".join(str(value).split())


def read_naf_rev1_table(path: Path) -> pd.DataFrame:
    """Read INSEE's correspondence table between NAF rév. 1 (2003) and NAF rév. 2 (2008).

    INSEE publishes the same links sorted either way (``table_NAF2-NAF1.xls``, « NAF rév. 2 à
    NAF rév. 1 », or « NAF rév. 1 à NAF rév. 2 »): one row per link between a NAF rév. 1 class
    (``85.3K``) and a NAF rév. 2 sous-classe (``88.99B``), a code being suffixed ``p`` when the
    post is split among several links. The sheet is found by its two header cells ``NAF
    rév. 2`` and ``NAF rév. 1`` (written on two lines in INSEE's file) within its first rows.

    Parameters
    ----------
    path : Path
        The workbook (``.xls`` as published, or ``.xlsx``).

    Returns
    -------
    DataFrame
        One row per NAF rév. 1 class: ``naf_rev1``, ``naf_rev2`` (the single sous-classe it
        goes to, or missing when the class is split among several: the conversion would be a
        guess). ``attrs["liens"]`` counts the link rows read.

    Raises
    ------
    RessolError
        If no sheet has the two header cells, or a code does not have the NAF shape.
    """
    advice = (
        "Fournissez la table de correspondance NAF rév. 2 – NAF rév. 1 de l'Insee "
        "(table_NAF2-NAF1.xls, page « Nomenclature d'activités française – NAF rév. 2 »)."
    )
    book = open_workbook(path, advice)
    for sheet in book.sheet_names:
        raw = read_sheet(book, sheet, advice, header=None)
        for row in range(min(len(raw), 10)):
            cells = [_normalise_header(v) for v in raw.iloc[row].tolist()]
            if all(h in cells for h in REV1_HEADERS):
                rev2, rev1 = (cells.index(h) for h in REV1_HEADERS)
                links = raw.iloc[row + 1 :, [rev1, rev2]].set_axis(["rev1", "rev2"], axis=1)
                return _rev1_links(links.dropna(how="all"), path, advice)
    raise RessolError(
        f"Le classeur {path} n'a pas de feuille avec les colonnes « NAF rév. 2 » et « NAF rév. 1 » "
        f"(feuilles : {', '.join(book.sheet_names)}). {advice}"
    )


def _rev1_links(links: pd.DataFrame, path: Path, advice: str) -> pd.DataFrame:
    # A lowercase ``p`` marks a partial link: the code is the one without it.
    codes = links.apply(
        lambda c: c.astype("string").str.strip().str.replace(r"p$", "", regex=True).str.upper()
    )
    shapes = {"rev1": r"\d{2}\.\d[A-Z]", "rev2": r"\d{2}\.\d{2}[A-Z]"}
    for column, shape in shapes.items():
        bad = codes.loc[~codes[column].str.fullmatch(shape).fillna(False), column]
        if not bad.empty:
            example = "85.3K" if column == "rev1" else "88.99B"
            raise RessolError(
                f"Dans {path}, codes qui n'ont pas la forme d'un code NAF ({example}) : "
                f"{list_codes(bad.fillna('(vide)'))}. {advice}"
            )
    targets = codes.drop_duplicates().groupby("rev1")["rev2"].agg(list)
    table = pd.DataFrame(
        {
            "naf_rev1": targets.index.astype("string"),
            "naf_rev2": [t[0] if len(t) == 1 else pd.NA for t in targets],
        }
    ).astype("string")
    table.attrs["liens"] = len(links)
    return table.reset_index(drop=True)


def activity_rev2(
    codes: pd.Series, nomenclatures: pd.Series, correspondence: pd.DataFrame | None
) -> pd.DataFrame:
    """The NAF rév. 2 activity of each establishment, whatever nomenclature the register used.

    A NAF rév. 2 code is kept (``00.00Z``, the provisional code of a unit without activity
    yet, has no sector); a NAF rév. 1 code is converted when INSEE's table sends its class to a
    single sous-classe; NAF 1993, NAP and a NAF rév. 1 code without a single target (or
    without the table) have no sector.

    Parameters
    ----------
    codes : Series of str
        ``activitePrincipaleEtablissement``.
    nomenclatures : Series of str
        ``nomenclatureActivitePrincipaleEtablissement`` (``NAFRev2``, ``NAFRev1``,
        ``NAF1993``, ``NAP``).
    correspondence : DataFrame or None
        Output of :func:`read_naf_rev1_table`, or None when the table is not registered.

    Returns
    -------
    DataFrame
        Same index; ``activiteNAFRev2`` (sous-classe, missing when the sector is unknown) and
        ``origineActivite`` (the nomenclature, ``00.00Z`` for the provisional code, empty
        when the register has no activity).
    """
    code = codes.astype("string").str.strip().str.upper()
    origin = nomenclatures.astype("string").str.strip().fillna("")
    origin = origin.mask(code.isna(), "").mask(code.eq(PROVISIONAL).fillna(False), PROVISIONAL)
    result = code.where(origin.eq("NAFRev2"))
    if correspondence is not None:
        lookup = correspondence.set_index("naf_rev1")["naf_rev2"]
        converted = code.map(lookup).astype("string")
        result = result.mask(origin.eq("NAFRev1"), converted)
    return pd.DataFrame(
        {"activiteNAFRev2": result.astype("string"), "origineActivite": origin.astype("string")},
        index=codes.index,
    )


def activity_origins(activities: pd.DataFrame) -> pd.DataFrame:
    """Establishments whose activity is not NAF rév. 2, converted or without sector (pure).

    Parameters
    ----------
    activities : DataFrame
        Output of :func:`activity_rev2`.

    Returns
    -------
    DataFrame
        ``nomenclature``, ``convertis``, ``sans_secteur``, one row per origin other than
        NAF rév. 2 found (``NAFRev1``, ``NAF1993``, ``NAP``, ``00.00Z``, empty…), in that order.
    """
    other = activities[activities["origineActivite"].ne("NAFRev2")]
    converted = other["activiteNAFRev2"].notna()
    table = pd.DataFrame(
        {
            "nomenclature": other["origineActivite"].to_numpy(),
            "convertis": converted.astype(int).to_numpy(),
            "sans_secteur": (~converted).astype(int).to_numpy(),
        }
    )
    table = table.groupby("nomenclature", as_index=False)[["convertis", "sans_secteur"]].sum()
    order = {name: i for i, name in enumerate(["NAFRev1", "NAF1993", "NAP", PROVISIONAL, ""])}
    return table.sort_values("nomenclature", key=lambda s: s.map(order).fillna(9)).reset_index(
        drop=True
    )
