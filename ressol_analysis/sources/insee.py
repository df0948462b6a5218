"""Readers of INSEE population files: census age bands, legal populations, estimates.

Census vintages are detected from the column prefixes (``P22_``, ``P23_``…) rather than
hard-coded, so that next year's file drops in.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..errors import RessolError
from .tables import (
    check_not_negative,
    check_separator,
    check_unique,
    open_workbook,
    read_delimited,
    read_sheet,
    require_columns,
)

AGE_BANDS = ("0014", "1529", "3044", "4559", "6074", "7589", "90P")


def _header(path: Path, sep: str) -> list[str]:
    if not path.is_file():
        raise RessolError(f"Fichier introuvable : {path}. Restaurez-le depuis le dépôt git.")
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8", errors="replace").strip()
    check_separator(path, first, sep)
    return first.split(sep)


def detect_census_years(path: Path, columns: list[str], stem: str) -> list[int]:
    """Census years for which a ``PYY_<stem>`` column exists, most recent first.

    Parameters
    ----------
    path : Path
        File, named in the error message.
    columns : list of str
        Header of the file.
    stem : str
        Variable name after the prefix, e.g. ``POP``.

    Returns
    -------
    list of int
        Four-digit years, most recent first.

    Raises
    ------
    RessolError
        If no column matches.
    """
    pattern = re.compile(rf"P(\d\d)_{re.escape(stem)}")
    years = sorted({2000 + int(m.group(1)) for c in columns if (m := pattern.fullmatch(c))})
    if not years:
        raise RessolError(
            f"Le fichier {path} n'a aucune colonne PAA_{stem} (par exemple P22_{stem}) : "
            "son en-tête ne correspond à aucun millésime connu du recensement. Vérifiez "
            "qu'il s'agit du fichier Insee attendu, au format publié."
        )
    return years[::-1]


def read_rp_ages(path: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """Read the census age bands of the dossier complet, and earlier total populations.

    Parameters
    ----------
    path : Path
        Semicolon-separated file with ``CODGEO``, ``PYY_POP0014`` … ``PYY_POP90P`` and
        earlier totals ``PYY_POP``.

    Returns
    -------
    DataFrame
        ``CODGEO`` and ``POP0014`` … ``POP90P`` (weighted counts, decimals kept) for the most
        recent census, and ``POP_<year>`` for each earlier total found.
    dict
        ``{"rp": year}`` and ``{"rp_<year>": year}`` for the earlier totals.
    """
    columns = _header(path, ";")
    year = detect_census_years(path, columns, "POP0014")[0]
    prefix = f"P{year % 100:02d}_"
    bands = [f"{prefix}POP{b}" for b in AGE_BANDS]
    earlier = [y for y in detect_census_years(path, columns, "POP") if y < year]
    totals = [f"P{y % 100:02d}_POP" for y in earlier]
    table, _ = read_delimited(
        path, sep=";", code_columns=["CODGEO"], numeric_columns=bands + totals, allow_secret=False
    )
    check_unique(table, "CODGEO", path)
    check_not_negative(table, bands + totals, path)
    missing_band = table[bands].isna().any(axis=1)
    if missing_band.any():
        raise RessolError(
            f"Dans {path}, tranche(s) d'âge vide(s) pour la/les commune(s) "
            f"{', '.join(table.loc[missing_band, 'CODGEO'].head(5))}. Le fichier semble "
            "incomplet : restaurez le fichier officiel."
        )
    renamed = {f"{prefix}POP{b}": f"POP{b}" for b in AGE_BANDS}
    renamed |= {c: f"POP_{y}" for c, y in zip(totals, earlier, strict=True)}
    vintages = {"rp": year} | {f"rp_{y}": y for y in earlier}
    return table.rename(columns=renamed), vintages


def read_rp_population(path: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """Read census population, previous census population and area of the comparateur.

    Parameters
    ----------
    path : Path
        INSEE comparateur de territoires communal file (semicolon-separated).

    Returns
    -------
    DataFrame
        ``CODGEO``, ``POP`` (most recent census), ``POP_<previous year>``, ``SUPERF`` (km²),
        current communes only (rows of former communes, with no population, are dropped).
    dict
        ``{"rp": year, "rp_<previous>": previous}``.
    """
    columns = _header(path, ";")
    years = detect_census_years(path, columns, "POP")
    if len(years) < 2:
        raise RessolError(
            f"Le fichier {path} n'a qu'un millésime de population (P{years[0] % 100:02d}_POP) : "
            "le comparateur de territoires en contient deux. Vérifiez le fichier."
        )
    latest, previous = years[0], years[1]
    pop, prev = f"P{latest % 100:02d}_POP", f"P{previous % 100:02d}_POP"
    table, _ = read_delimited(
        path, sep=";", code_columns=["CODGEO"], numeric_columns=[pop, prev, "SUPERF"]
    )
    check_unique(table, "CODGEO", path)
    check_not_negative(table, [pop, prev, "SUPERF"], path)
    # Rows of former communes are empty but for Filosofi columns; a secret population is kept.
    table = table[table[[pop, prev, "SUPERF"]].notna().any(axis=1)].reset_index(drop=True)
    table = table.rename(columns={pop: "POP", prev: f"POP_{previous}"})
    return table, {"rp": latest, f"rp_{previous}": previous}


def read_legal_populations(path: Path) -> pd.DataFrame:
    """Read INSEE legal populations by commune (``COM``, ``PMUN``, ``PTOT``).

    Parameters
    ----------
    path : Path
        ``cog_dgcl_donnees_communes.csv`` (semicolon-separated).

    Returns
    -------
    DataFrame
        ``CODGEO``, ``PMUN`` (population municipale), ``PTOT`` (population totale).
    """
    table, _ = read_delimited(
        path, sep=";", code_columns=["COM"], numeric_columns=["PMUN", "PTOT"], allow_secret=False
    )
    table = table.rename(columns={"COM": "CODGEO"})
    check_unique(table, "CODGEO", path)
    check_not_negative(table, ["PMUN", "PTOT"], path)
    return table


FIVE_YEAR_BANDS = 20  # 0-4 … 95+


def read_estimates_five_year(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Read INSEE population estimates by département and five-year age band, every year.

    Parameters
    ----------
    path : Path
        ``estim-pop-dep-sexe-aq-1975-YYYY.xlsx``: one sheet per year; rows from line 6:
        column 0 département code, 1 name, 2–21 the 20 bands (both sexes), 22 total.

    Returns
    -------
    DataFrame
        Long table ``annee`` (int), ``DEP`` (str), ``pop_0_19``, ``pop_60_plus``,
        ``pop_65_plus``, ``pop_75_plus``, ``pop_totale`` (floats), one row per year ×
        département. A row whose bands do not add up to its total is kept with missing
        values, never used.
    list of str
        One French sentence per such inconsistent row (the published file has one: Corrèze
        2021), for the build information and the report.

    Raises
    ------
    RessolError
        If the layout is not the expected one or a count is not numeric.
    """
    book = open_workbook(path)
    frames = []
    gaps: dict[tuple[str, str, str], list[str]] = {}
    for sheet in book.sheet_names:
        if not re.fullmatch(r"\d{4}", sheet):
            continue
        raw = read_sheet(book, sheet, "Restaurez le fichier officiel.", header=None)
        header = [str(v) for v in raw.iloc[4, 2:23]]
        if not header[0].startswith("0 à 4") or not header[-1].startswith("Total"):
            raise RessolError(
                f"Dans {path}, feuille {sheet} : la ligne 5 devrait porter les tranches "
                f"« 0 à 4 ans » … « Total » (trouvé « {header[0]} » … « {header[-1]} »). "
                "La mise en page du fichier Insee a changé : vérifiez le fichier."
            )
        body = raw.iloc[5:, :23]
        body = body[body[0].fillna("").str.fullmatch(r"\d[\dAB]|97\d")]
        values = body.iloc[:, 2:23].apply(pd.to_numeric, errors="coerce")
        bands, total = values.iloc[:, :FIVE_YEAR_BANDS].to_numpy(), values.iloc[:, 20].to_numpy()
        incomplete = values.isna().any(axis=1).to_numpy()
        gap = bands.sum(axis=1) - total
        inconsistent = (abs(gap) > 0.5) & ~incomplete
        for code, name in zip(body[0][incomplete], body[1][incomplete], strict=True):
            gaps.setdefault((str(code), str(name), "tranches d'âge incomplètes"), []).append(sheet)
        for code, name, delta in zip(
            body[0][inconsistent], body[1][inconsistent], gap[inconsistent], strict=True
        ):
            reason = f"somme des tranches ≠ total publié (écart {delta:+.0f})"
            gaps.setdefault((str(code), str(name), reason), []).append(sheet)
        inconsistent |= incomplete
        frame = pd.DataFrame(
            {
                "annee": int(sheet),
                "DEP": body[0].astype("string").to_numpy(),
                "pop_0_19": bands[:, :4].sum(axis=1),
                "pop_60_plus": bands[:, 12:].sum(axis=1),
                "pop_65_plus": bands[:, 13:].sum(axis=1),
                "pop_75_plus": bands[:, 15:].sum(axis=1),
                "pop_totale": total.astype(float),
            }
        )
        counts = ["pop_0_19", "pop_60_plus", "pop_65_plus", "pop_75_plus", "pop_totale"]
        frame.loc[inconsistent, counts] = None
        frames.append(frame)
    if not frames:
        raise RessolError(
            f"Le classeur {path} n'a aucune feuille d'année (AAAA). Fournissez le fichier "
            "Insee des estimations de population par département et âge quinquennal."
        )
    result = pd.concat(frames, ignore_index=True)
    anomalies = [
        f"{name} ({code}), années {min(years)}–{max(years)} ({len(years)} an(s)) : {reason} ; "
        "valeurs écartées."
        for (code, name, reason), years in sorted(gaps.items())
    ]
    return result.sort_values(["annee", "DEP"]).reset_index(drop=True), anomalies


def read_estimates_broad(path: Path, level: str) -> pd.DataFrame:
    """Read INSEE estimates by département or region and broad age group, every year.

    Parameters
    ----------
    path : Path
        ``estim-pop-{dep,reg}-sexe-gca-1975-YYYY.xls``: one sheet per year.
    level : {"dep", "reg"}
        Départements have a code and a name column; regions only a name.

    Returns
    -------
    DataFrame
        ``annee``, ``zone`` (département code or region name), ``pop_0_19``, ``pop_totale``.
    """
    if level not in ("dep", "reg"):
        raise RessolError(f"Niveau d'estimations inconnu : « {level} » (dep ou reg).")
    book = open_workbook(path)
    first = 2 if level == "dep" else 1
    frames = []
    for sheet in book.sheet_names:
        if not re.fullmatch(r"\d{4}", sheet):
            continue
        raw = read_sheet(book, sheet, "Restaurez le fichier officiel.", header=None)
        require_columns(path, [str(v) for v in raw.iloc[4, first : first + 6]], ["0 à 19 ans"])
        body = raw.iloc[5:].dropna(subset=[first])
        zone = body[0] if level == "dep" else body[0]
        values = body.iloc[:, first : first + 6].apply(pd.to_numeric, errors="coerce")
        keep = values.notna().all(axis=1)
        frames.append(
            pd.DataFrame(
                {
                    "annee": int(sheet),
                    "zone": zone[keep].astype("string").str.strip().to_numpy(),
                    "pop_0_19": values.loc[keep].iloc[:, 0].to_numpy(),
                    "pop_totale": values.loc[keep].iloc[:, 5].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
