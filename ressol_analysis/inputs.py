"""Reading the files people fill in by hand: YAML and workbooks, blank cells, loose matching.

Territory files, action sheets, scenarios, members' grids and decisions are written by the
consultant or by members, in YAML or in a spreadsheet. :func:`load_yaml` refuses a key written
twice (PyYAML would silently keep the last value) and reads values as they were typed,
:func:`open_workbook` turns a damaged workbook into a French error, :func:`is_blank` says
whether a cell or value is empty, and :func:`normalise` compares labels without case, accents
or punctuation.

Read as meant: PyYAML follows YAML 1.1, where an unquoted number with a leading zero is octal
(``050`` is read as 40, the commune code ``01001`` as 513, silently), ``10:30`` is a base-60
number (630) and ``yes``, ``no``, ``on``, ``off`` are booleans. Nobody filling in these files
means that. Such a number is refused with the file, line and key, and the advice to quote it
(a code) or drop the leading zero (a number): guessing would be wrong for one or the other.
Only ``true`` and ``false`` are booleans (as in YAML 1.2; ``no`` stays the text typed), and a
date that does not exist (``2026-13-01``) stays text for the caller to refuse naming its field.
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

# Unquoted numbers YAML 1.1 reads otherwise than typed: a leading zero (octal: 050 is 40, 089
# is text) or a colon (base 60: 10:30 is 630).
LEADING_ZERO = re.compile(r"^[-+]?0[0-9_]+$")
SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
BOOLEAN = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class _AsTyped(yaml.SafeLoader):
    """Safe loader where only true/false are booleans and impossible dates stay text."""


_AsTyped.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
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
        Its content (``None`` for an empty file); ``yes`` gives ``"yes"``, only ``true`` and
        ``false`` give booleans (module docstring).

    Raises
    ------
    RessolError
        If the file is not UTF-8, or not valid YAML: the message gives the line and column
        and the usual causes (a tab in the indentation, a text with « : » not in quotes).
    DuplicateKeyError
        If a key is written twice in the same mapping: PyYAML would silently keep the last
        value, and a note or an amount would be lost without anyone knowing.
    AmbiguousNumberError
        If a value or key is an unquoted number with a leading zero (``050``, which YAML 1.1
        reads as the octal 40) or a colon (``10:30``, read as 630).
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
            ambiguous = _ambiguous_number(node, ()) if node is not None else None
            content = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise RessolError(_syntax_error(path, text, exc)) from None
    if twice is not None:
        raise DuplicateKeyError(path, *twice, content)
    if ambiguous is not None:
        raise AmbiguousNumberError(path, *ambiguous)
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


class AmbiguousNumberError(RessolError):
    """An unquoted number that YAML 1.1 reads otherwise than typed (``050`` → 40, ``10:30`` → 630).

    ``keys`` are the keys (or 1-based list positions) leading to it, ``text`` the value as typed
    and ``line`` its 1-based line.
    """

    def __init__(self, path: Path, keys: tuple, text: str, line: int) -> None:
        self.path, self.keys, self.text, self.line = path, keys, text, line
        where = f"« {' › '.join(map(str, keys))} »" if keys else "le document"
        read = yaml.safe_load(text)
        if LEADING_ZERO.match(text):
            digits = text.replace("_", "").lstrip("+")
            number = ("-" if digits.startswith("-") else "") + (digits.lstrip("-0") or "0")
            surprise = (
                f"YAML le lit comme le nombre {read} (en octal), pas comme {text}"
                if isinstance(read, int)
                else "YAML lit un tel nombre tantôt en octal (050 devient 40), tantôt comme texte"
            )
            problem = f"{text} est un nombre écrit avec un zéro en tête, sans guillemets"
            advice = f" ; si c'est un nombre, écrivez-le sans le zéro en tête ({number})"
        else:
            problem = f"{text} est écrit avec « : », sans guillemets"
            surprise = f"YAML le lit comme un nombre en base 60 ({read}), pas comme {text}"
            advice = ""
        super().__init__(
            f"Dans {path}, ligne {line}, {where} : {problem}. {surprise}. Si c'est un code ou "
            f'un texte, mettez-le entre guillemets ("{text}"){advice}.'
        )


def _ambiguous_number(node: yaml.Node, keys: tuple) -> tuple[tuple, str, int] | None:
    """The first plain scalar below ``node`` read otherwise than typed: (keys, text, line)."""
    if isinstance(node, yaml.ScalarNode):
        if node.style is None and (
            LEADING_ZERO.match(node.value)
            or (SEXAGESIMAL.match(node.value) and node.tag != "tag:yaml.org,2002:str")
        ):
            return keys, node.value, node.start_mark.line + 1
        return None
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value, start=1):
            found = _ambiguous_number(item, (*keys, index))
            if found:
                return found
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            found = _ambiguous_number(key_node, (*keys, f"clé {key}")) or _ambiguous_number(
                value_node, (*keys, key)
            )
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
