"""Reading the files people fill in by hand: YAML and workbooks, blank cells, loose matching.

Action sheets, scenarios, members' grids and decisions are written by the consultant or by
members, in YAML or in a spreadsheet. :func:`load_yaml` refuses a key written twice (PyYAML
would silently keep the last value), :func:`open_workbook` turns a damaged workbook into a
French error, :func:`is_blank` says whether a cell or value is empty, and :func:`normalise`
compares labels without case, accents or punctuation.
"""

from __future__ import annotations

import math
import re
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from .errors import RessolError


def normalise(text: object) -> str:
    """Casefolded text without accents, punctuation or repeated spaces (for matching)."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z.]+", " ", text).split())


def is_blank(value: object) -> bool:
    """Whether a cell is empty: None, blank text or NaN."""
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, float) and math.isnan(value))
    )


def load_yaml(path: Path) -> Any:
    """Read a YAML file written by a contributor (fiches, scenarios, grids, decisions).

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    object
        Its content (``None`` for an empty file).

    Raises
    ------
    RessolError
        If the file is not valid UTF-8 YAML.
    DuplicateKeyError
        If a key is written twice in the same mapping: PyYAML would silently keep the last
        value, and a note or an amount would be lost without anyone knowing.
    """
    try:
        loader = yaml.SafeLoader(path.read_text(encoding="utf-8"))
        try:
            node = loader.get_single_node()
            twice = _key_written_twice(node, ()) if node is not None else None
            content = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RessolError(
            f"Le fichier {path} n'est pas un YAML valide ({exc}). Vérifiez l'indentation et "
            "mettez entre guillemets les textes qui contiennent « : »."
        ) from None
    if twice is not None:
        raise DuplicateKeyError(path, *twice, content)
    return content


class DuplicateKeyError(RessolError):
    """A key written twice in one mapping of a YAML file.

    ``keys`` are the keys (or 1-based list positions) above it, ``key`` the repeated key,
    ``line`` the 1-based line of its second occurrence and ``content`` the file as PyYAML reads
    it (last value kept), so that callers can name what the key belongs to.
    """

    def __init__(self, path: Path, keys: tuple, key: str, line: int, content: Any) -> None:
        self.path, self.keys, self.key, self.line, self.content = path, keys, key, line, content
        under = f" (dans « {' › '.join(map(str, keys))} »)" if keys else ""
        super().__init__(
            f"Dans {path}, ligne {line} : la clé « {key} » est écrite deux fois{under}. Le "
            "fichier n'en garderait qu'une sans prévenir : gardez la bonne et supprimez l'autre."
        )


def _key_written_twice(node: yaml.Node, keys: tuple) -> tuple[tuple, str, int] | None:
    """The first key written twice in a mapping below ``node``: (keys above, key, line)."""
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value, start=1):
            found = _key_written_twice(item, (*keys, index))
            if found:
                return found
    elif isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is not None and key != "<<":
                if key in seen:
                    return keys, key, key_node.start_mark.line + 1
                seen.add(key)
            found = _key_written_twice(value_node, (*keys, key))
            if found:
                return found
    return None


def open_workbook(path: Path) -> openpyxl.Workbook:
    """Open a workbook written by a contributor, with its computed values.

    Parameters
    ----------
    path : Path
        The ``.xlsx`` file.

    Returns
    -------
    openpyxl.Workbook
        The workbook (cell values, not formulas).

    Raises
    ------
    RessolError
        If the file is damaged or not an Excel workbook.
    """
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise RessolError(
            f"Le fichier {path} ne s'ouvre pas comme un classeur Excel ({exc}). Enregistrez-le "
            "au format .xlsx depuis votre tableur et redéposez-le."
        ) from None
