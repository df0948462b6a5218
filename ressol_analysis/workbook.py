"""Spreadsheets a French Excel user opens without fixing them: the shared sheet layout.

One layout for every table the package writes to ``.xlsx`` (indicators, the ESS directory,
the network's working file): a bold coloured header, frozen, with filters, columns as wide
as their content (up to :data:`MAX_WIDTH`), numbers stored as numbers with a number format
(Excel shows ``146 623`` and ``12,5 %`` in a French installation: the format codes below are
the file's locale-free codes), codes stored as text so that ``01001`` keeps its zero.

This module also writes ``indicateurs.xlsx``: the sheet « Chiffres clés » (one row per
indicator, one column per zone) and the sheet ``indicateurs`` (the tidy table with a label
column).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .contract import TIDY_COLUMNS, is_synthetic
from .files import check_folder, write_atomic
from .indicator_labels import label_or_key
from .labels import SYNTHETIC_MARK

HEADER_FILL = PatternFill("solid", fgColor="DCE9EF")
MAX_WIDTH = 60
LINE_HEIGHT = 15  # points, one line of the default font
CHARACTERS_PER_WIDTH = 1.1  # a column width unit holds a little more than one average letter
TEXT = "@"
WHOLE = "#,##0"
ONE_DECIMAL = "#,##0.0"
PERCENT = '0.0" %"'  # the values are already percentages (0-100): no x100 by Excel
PERCENT_PER_YEAR = '0.00" %"'
# Number format of a value by its unit (the ``unite`` column of the tidy table).
UNIT_FORMATS = {
    "habitants": WHOLE,
    "emplois": WHOLE,
    "emplois salariés": WHOLE,
    "emplois salariés (estimation par tranche)": WHOLE,
    "établissements": WHOLE,
    "adhérents": WHOLE,
    "%": PERCENT,
    "% par an": PERCENT_PER_YEAR,
    "km²": ONE_DECIMAL,
    "hab./km²": ONE_DECIMAL,
}
KEY_FIGURES_SHEET = "Chiffres clés"
LONG_SHEET = "indicateurs"
LABEL_COLUMN = "libelle"


def unit_format(unit: object) -> str:
    """Excel number format for a value of this unit (``0.0`` for an indice or another unit).

    Parameters
    ----------
    unit : str
        Unit of the tidy table (``habitants``, ``%``, ``% par an``, ``km²``…).

    Returns
    -------
    str
        ``#,##0`` for counts, ``0.0" %"`` for shares in percent, ``#,##0.0`` otherwise.
    """
    return UNIT_FORMATS.get(str(unit).strip(), ONE_DECIMAL)


def blank(value: object) -> bool:
    """Whether a cell value is missing (``None``, ``NaN``, ``pd.NA``)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def cell_value(value: object) -> object:
    """A value as openpyxl stores it: numbers as numbers, missing as empty, the rest as text."""
    if blank(value):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return float(value) if isinstance(value, float) else int(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return cell_value(value.item())
    return str(value)


def write_table(
    sheet: Worksheet,
    table: pd.DataFrame,
    formats: Mapping[str, str] | None = None,
    *,
    wrap: Iterable[str] = (),
    freeze: str = "A2",
) -> Worksheet:
    """Write a table on an empty sheet with the shared layout.

    Parameters
    ----------
    sheet : Worksheet
        Empty sheet.
    table : DataFrame
        Table; its index is not written. Numeric columns stay numbers, everything else is
        written as text (codes keep their leading zeros).
    formats : mapping, optional
        Column → number format (default: ``@`` for text columns, :data:`WHOLE` for integer
        columns, :data:`ONE_DECIMAL` for other numbers).
    wrap : iterable of str
        Columns whose long texts wrap inside a :data:`MAX_WIDTH` column.
    freeze : str
        Top-left cell of the scrolling part (``A2``: the header stays; ``C2``: the header and
        the first two columns stay).

    Returns
    -------
    Worksheet
        ``sheet``, with bold coloured header, frozen panes, filters on every column and
        column widths fitted to the content.
    """
    formats = dict(formats or {})
    columns = [str(c) for c in table.columns]
    sheet.append(columns)
    numeric = {c: pd.api.types.is_numeric_dtype(table[c]) for c in table.columns}
    for record in table.itertuples(index=False, name=None):
        sheet.append(
            [
                cell_value(v) if numeric[c] or blank(v) else str(v)
                for c, v in zip(table.columns, record, strict=True)
            ]
        )
    for index, column in enumerate(table.columns, start=1):
        default = TEXT
        if numeric[column]:
            default = WHOLE if pd.api.types.is_integer_dtype(table[column]) else ONE_DECIMAL
        number_format = formats.get(str(column), default)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            cell.number_format = number_format
            cell.alignment = Alignment(wrap_text=column in wrap, vertical="top")
    style_header(sheet, freeze=freeze)
    fit_widths(sheet, table)
    fit_rows(sheet, table, wrap)
    return sheet


def fit_rows(sheet: Worksheet, table: pd.DataFrame, wrap: Iterable[str]) -> None:
    """Rows tall enough for the wrapped texts (Excel does not always grow them on opening)."""
    columns = list(table.columns)

    def lines(text: str, column: object) -> int:
        letter = get_column_letter(columns.index(column) + 1)
        width = sheet.column_dimensions[letter].width or MAX_WIDTH
        return max(1, math.ceil(len(text) / (CHARACTERS_PER_WIDTH * width)))

    sheet.row_dimensions[1].height = LINE_HEIGHT * max(lines(str(c), c) for c in columns)
    for column in [c for c in columns if c in set(wrap)]:
        for row, text in enumerate(table[column].astype("string").fillna(""), start=2):
            needed = LINE_HEIGHT * lines(text, column)
            if needed > LINE_HEIGHT:
                current = sheet.row_dimensions[row].height or LINE_HEIGHT
                sheet.row_dimensions[row].height = max(current, needed)


def print_setup(sheet: Worksheet) -> None:
    """Printed in landscape, as wide as one page, the header repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"


def style_header(sheet: Worksheet, *, freeze: str = "A2") -> None:
    """Bold coloured header row, frozen panes at ``freeze`` and filters over the used range."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = freeze
    sheet.auto_filter.ref = sheet.dimensions
    print_setup(sheet)


def fit_widths(sheet: Worksheet, table: pd.DataFrame, minimum: int = 8) -> None:
    """Columns as wide as their longest value or header (between ``minimum`` and MAX_WIDTH)."""
    for index, column in enumerate(table.columns, start=1):
        values = table[column].head(500)
        if pd.api.types.is_numeric_dtype(values):
            longest = 12
        else:
            lengths = values.dropna().astype(str).str.len()
            longest = int(lengths.max()) if len(lengths) else 0
        width = max(minimum, min(MAX_WIDTH, max(longest, len(str(column))) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width


def _zone_headers(indicators: pd.DataFrame) -> tuple[list[str], dict[str, str]]:
    areas = indicators.drop_duplicates("territoire_code")[["territoire_code", "territoire"]]
    names = areas["territoire"].astype(str)
    twice = names.duplicated(keep=False)
    headers = names.where(~twice, names + " (" + areas["territoire_code"].astype(str) + ")")
    return list(areas["territoire_code"].astype(str)), dict(
        zip(areas["territoire_code"].astype(str), headers, strict=True)
    )


def key_figures(indicators: pd.DataFrame) -> pd.DataFrame:
    """The tidy table as one row per indicator and one column per zone.

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table (contract columns; the areas come in the table's order: the
        territory first, then its EPCIs, then the comparison areas).

    Returns
    -------
    DataFrame
        Columns ``Indicateur`` (French label), ``Unité``, one column per zone named after it
        (values as floats, missing values empty), ``Millésime`` and ``Source`` (those of the
        first zone with a value), ``Avertissement`` (the demonstration mark on rows built
        from the synthetic extract; only when there is one) and ``Clé`` (the key of the
        tidy table). Rows in the table's order of keys.
    """
    codes, headers = _zone_headers(indicators)
    table = indicators.assign(
        territoire_code=indicators["territoire_code"].astype(str),
        valeur=pd.to_numeric(indicators["valeur"], errors="coerce"),
        _synthetic=is_synthetic(indicators).to_numpy(),
    )
    keys = list(dict.fromkeys(table["indicateur"]))
    wide = table.pivot(index="indicateur", columns="territoire_code", values="valeur")
    wide = wide.reindex(index=keys, columns=codes).rename(columns=headers)
    first = table.assign(_missing=table["valeur"].isna()).sort_values("_missing", kind="stable")
    described = first.drop_duplicates("indicateur").set_index("indicateur").reindex(keys)
    synthetic = table.groupby("indicateur", sort=False)["_synthetic"].any().reindex(keys)
    out = pd.DataFrame(
        {
            "Indicateur": [label_or_key(k) for k in keys],
            "Unité": described["unite"].astype(str).to_numpy(),
        }
    )
    out = pd.concat([out, wide.reset_index(drop=True).astype("float64")], axis=1)
    out["Millésime"] = described["millesime"].astype(str).to_numpy()
    out["Source"] = described["source"].astype(str).to_numpy()
    if synthetic.any():
        out["Avertissement"] = [SYNTHETIC_MARK if s else "" for s in synthetic]
    out["Clé"] = keys
    return out


def _key_figures_sheet(sheet: Worksheet, indicators: pd.DataFrame) -> None:
    table = key_figures(indicators)
    zones = [
        c for c in table.columns[2:] if c not in {"Millésime", "Source", "Avertissement", "Clé"}
    ]
    write_table(sheet, table, wrap=["Indicateur", "Unité"], freeze="C2")
    for row, unit in enumerate(table["Unité"], start=2):
        number_format = unit_format(unit)
        for index in range(3, 3 + len(zones)):
            sheet.cell(row=row, column=index).number_format = number_format
    widths = {"A": 50, "B": 22}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    # The vintage, text after right-aligned numbers, keeps a little space from them.
    for (cell,) in sheet.iter_rows(min_row=2, min_col=3 + len(zones), max_col=3 + len(zones)):
        cell.alignment = Alignment(vertical="top", indent=1)
    for index in range(3, 3 + len(zones)):
        header = str(table.columns[index - 1])
        sheet.column_dimensions[get_column_letter(index)].width = max(13, min(24, len(header) + 2))
    fit_rows(sheet, table, ["Indicateur", "Unité"])


def long_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """The tidy table in the contract's column order, with ``libelle`` after ``indicateur``."""
    columns = [c for c in TIDY_COLUMNS if c in indicators.columns]
    columns += [c for c in indicators.columns if c not in columns]
    table = indicators[columns].copy()
    table.insert(
        columns.index("indicateur") + 1, LABEL_COLUMN, table["indicateur"].map(label_or_key)
    )
    return table


def write_indicators_xlsx(indicators: pd.DataFrame, path: Path) -> Path:
    """Write ``indicateurs.xlsx``: « Chiffres clés » (wide) then ``indicateurs`` (tidy).

    Parameters
    ----------
    indicators : DataFrame
        Tidy indicator table (extra columns are kept after the contract's).
    path : Path
        Destination ``.xlsx``; an existing file is replaced only when the new one is
        complete.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    RessolError
        If the destination folder does not exist.
    """
    path = Path(path)
    check_folder(path)
    workbook = Workbook()
    _key_figures_sheet(workbook.active, indicators)
    workbook.active.title = KEY_FIGURES_SHEET
    table = long_table(indicators)
    table["valeur"] = pd.to_numeric(table["valeur"], errors="coerce").astype("float64")
    if "communes_manquantes" in table.columns:
        table["communes_manquantes"] = pd.to_numeric(table["communes_manquantes"], errors="coerce")
    long = workbook.create_sheet(LONG_SHEET)
    write_table(long, table, {"valeur": "General"})
    return write_atomic(path, workbook.save, suffix=".xlsx")
