"""Reading the files people fill in by hand: YAML and workbooks, blank cells, loose matching.

Territory files, action sheets, scenarios, members' grids and decisions are written by the
consultant or by members, in YAML or in a spreadsheet. :func:`load_yaml` refuses a key written
twice (PyYAML would silently keep the last value) and reads values as they were typed,
:func:`open_workbook` turns a damaged workbook into a French error, :func:`is_blank` says
whether a cell or value is empty, and :func:`normalise` compares labels without case, accents
or punctuation.

Read as typed: PyYAML follows YAML 1.1, where an unquoted number with a leading zero is octal
(``050`` is read as 40, the commune code ``01001`` as 513, silently) and ``yes``, ``no``,
``on``, ``off`` are booleans. Nobody filling in these files means that: such a number is kept
as the text typed (a code keeps its zeros; a field that expects a number converts ``"050"`` to
50), only ``true`` and ``false`` are booleans (as in YAML 1.2), and a date that does not exist
(``2026-13-01``) stays text for the caller to refuse naming its field.
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

# An unquoted integer starting with 0 and at least one more digit (YAML 1.1 octal).
LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")
BOOLEAN = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class _AsTyped(yaml.SafeLoader):
    """Safe loader that keeps leading-zero numbers, yes/no/on/off and impossible dates as text."""


_AsTyped.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "-+0":
    # First in the list: checked before the integer resolver that would read it as octal.
    _AsTyped.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, ("tag:yaml.org,2002:str", LEADING_ZERO)
    )
for _first in "tTfF":
    _AsTyped.yaml_implicit_resolvers.setdefault(_first, []).append(
        ("tag:yaml.org,2002:bool", BOOLEAN)
    )


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:  # 2026-13-01: shaped like a date, but not one
        return loader.construct_scalar(node)


_AsTyped.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


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
    """Read a YAML file written by a person (territory, fiches, scenarios, grids, decisions).

    Parameters
    ----------
    path : Path
        The file (UTF-8).

    Returns
    -------
    object
        Its content (``None`` for an empty file), values read as typed (module docstring):
        ``050`` gives ``"050"``, ``01001`` gives ``"01001"``, ``yes`` gives ``"yes"``.

    Raises
    ------
    RessolError
        If the file is not UTF-8, or not valid YAML: the message gives the line and column
        and the usual causes (a tab in the indentation, a text with « : » not in quotes).
    DuplicateKeyError
        If a key is written twice in the same mapping: PyYAML would silently keep the last
        value, and a note or an amount would be lost without anyone knowing.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise RessolError(
            f"Le fichier {path} n'est pas encodé en UTF-8 (caractère illisible ligne {line}). "
            "Réenregistrez-le en UTF-8 depuis votre éditeur de texte."
        ) from None
    try:
        loader = _AsTyped(text)
        try:
            node = loader.get_single_node()
            twice = _key_written_twice(node, ()) if node is not None else None
            content = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise RessolError(_syntax_error(path, text, exc)) from None
    if twice is not None:
        raise DuplicateKeyError(path, *twice, content)
    return content


def _syntax_error(path: Path, text: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    lines = text.splitlines()
    where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "syntaxe"
    tab = bool(mark) and mark.line < len(lines) and "\t" in lines[mark.line]
    cause = (
        "cette ligne est indentée avec une tabulation : indentez avec des espaces"
        if tab
        else "vérifiez l'indentation (des espaces, alignés) et mettez entre guillemets les "
        "textes qui contiennent « : », « # », « [ » ou « { »"
    )
    return f"Le fichier {path} n'est pas un YAML valide ({where}) : {cause}."


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
