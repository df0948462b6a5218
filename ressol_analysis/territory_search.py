"""Finding the codes of a new territory: EPCIs, communes and départements by name.

``ressol territoires chercher TEXTE`` answers the first question of a consultant writing a
territory file: what is the SIREN of this intercommunality, the code of this commune? The
search ignores accents, case, hyphens and apostrophes (``villedieu``, ``saint lo`` and
``SAINT-LÔ`` find what they should) and also takes a code. The answer lists the matches with
their codes and writes a territory file ready to paste (:func:`territory_yaml`).

The tables come from the raw official files (COG communes and départements, DGCL composition
of EPCIs) read by :mod:`ressol_analysis.sources.cog`; the matching itself is pure.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from .errors import RessolError
from .paths import ProjectPaths
from .sources import cog
from .sources.manifest import raw_file

# At most this many lines per kind in the listing, and areas in a proposed territory file.
SHOWN = 15
IN_YAML = 12
_PREFIX = re.compile(
    r"^(cc|ca|cu|communaute de communes|communaute d agglomeration|communaute urbaine"
    r"|metropole)\s+(de la |de l |des |du |de |d )?"
)


def normalise(text: object) -> str:
    """``Saint-Lô`` → ``saint lo``: no accents, lower case, separators as single spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[-'’_/().,]", " ", plain).split())


@dataclass(frozen=True)
class SearchResult:
    """The areas whose name (or code) matches, one table per kind, in the COG's vintage."""

    query: str
    epci: pd.DataFrame
    communes: pd.DataFrame
    departements: pd.DataFrame
    cog_year: int

    @property
    def empty(self) -> bool:
        """True when nothing matched."""
        return self.epci.empty and self.communes.empty and self.departements.empty


def _matches(names: pd.Series, codes: pd.Series, query: str, whole_words: bool) -> pd.Series:
    wanted = normalise(query)
    plain = names.map(normalise)
    if whole_words:
        by_name = (" " + plain + " ").str.contains(f" {wanted} ", regex=False)
    else:
        by_name = plain.str.contains(wanted, regex=False)
    return by_name | codes.astype(str).eq(query.strip())


def search_areas(
    query: str,
    communes: pd.DataFrame,
    epci: pd.DataFrame,
    departements: pd.DataFrame,
    cog_year: int,
) -> SearchResult:
    """Areas whose name contains ``query`` (accents, case, separators ignored) or its code.

    Names that hold the query as whole words come first: when there are any, names that only
    hold it inside a word (``Lavilledieu`` for ``villedieu``) are left out.

    Parameters
    ----------
    query : str
        Part of a name (``villedieu``) or a code (``200043354``, ``50639``, ``50``).
    communes : DataFrame
        ``CODGEO``, ``LIBELLE``, ``DEP`` (COG communes).
    epci : DataFrame
        ``EPCI``, ``EPCI_NOM``, ``NATURE``, ``CODGEO`` (DGCL composition, one row per member).
    departements : DataFrame
        ``DEP``, ``REG``, ``LIBELLE`` (COG départements).
    cog_year : int
        Vintage of the COG, written as ``millesime_geographie`` in the proposed file.

    Returns
    -------
    SearchResult
        ``epci``: ``EPCI, EPCI_NOM, NATURE, communes, DEP`` (member count, départements);
        ``communes``: ``CODGEO, LIBELLE, DEP, EPCI, EPCI_NOM``; ``departements``: ``DEP,
        LIBELLE, REG``; each sorted by name.

    Raises
    ------
    RessolError
        If the query has no letter or digit.
    """
    if not normalise(query):
        raise RessolError(
            "Indiquez une partie du nom à chercher (par exemple « villedieu » ou « saint-lô »)."
        )
    members = epci.merge(communes[["CODGEO", "DEP"]], on="CODGEO", how="left")
    groups = members.groupby(["EPCI", "EPCI_NOM", "NATURE"], as_index=False).agg(
        communes=("CODGEO", "size"),
        DEP=("DEP", lambda d: ", ".join(sorted(set(d.dropna())))),
    )
    # Whole words first (« saint lo » is Saint-Lô, not Saint-Louis), parts of words otherwise.
    for whole_words in (True, False):
        found_epci = groups[_matches(groups["EPCI_NOM"], groups["EPCI"], query, whole_words)]
        found_communes = communes[
            _matches(communes["LIBELLE"], communes["CODGEO"], query, whole_words)
        ]
        found_deps = departements[
            _matches(departements["LIBELLE"], departements["DEP"], query, whole_words)
        ]
        if len(found_epci) + len(found_communes) + len(found_deps):
            break
    found_communes = found_communes[["CODGEO", "LIBELLE", "DEP"]].merge(
        epci[["CODGEO", "EPCI", "EPCI_NOM"]].drop_duplicates("CODGEO"), on="CODGEO", how="left"
    )
    return SearchResult(
        query=query,
        epci=found_epci.sort_values(["EPCI_NOM", "EPCI"]).reset_index(drop=True),
        communes=found_communes.sort_values(["LIBELLE", "CODGEO"]).reset_index(drop=True),
        departements=found_deps[["DEP", "LIBELLE", "REG"]]
        .sort_values(["LIBELLE"])
        .reset_index(drop=True),
        cog_year=cog_year,
    )


def territory_id(name: str) -> str:
    """``CC de Villedieu Intercom`` → ``villedieu-intercom`` (the id of a territory file)."""
    plain = normalise(name)
    plain = _PREFIX.sub("", plain)
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return slug or "territoire"


def _quoted(codes: list[tuple[str, str]], kind: str) -> list[str]:
    lines = [f"  {kind}:"]
    lines += [f'    - "{code}"  # {name}' for code, name in codes]
    return lines


def territory_yaml(result: SearchResult) -> str | None:
    """A territory file built on the matched EPCIs (else communes, else départements).

    Returns
    -------
    str or None
        YAML text (id, nom, millesime_geographie, perimetre; the comparisons are left to
        their default: the département(s) and region(s)); ``None`` when nothing matched or
        too many areas matched (more than :data:`IN_YAML`) for a file to make sense.
    """
    for table, kind, code, name in (
        (result.epci, "epci", "EPCI", "EPCI_NOM"),
        (result.communes, "communes", "CODGEO", "LIBELLE"),
        (result.departements, "departements", "DEP", "LIBELLE"),
    ):
        if table.empty:
            continue
        if len(table) > IN_YAML:
            return None
        pairs = list(zip(table[code].astype(str), table[name].astype(str), strict=True))
        title = pairs[0][1] if len(pairs) == 1 else result.query.strip()
        lines = [
            f"id: {territory_id(title)}",
            f"nom: {json.dumps(title, ensure_ascii=False)}",
            f"millesime_geographie: {result.cog_year}",
            "perimetre:",
            *_quoted(pairs, kind),
        ]
        return "\n".join(lines) + "\n"
    return None


def _section(title: str, table: pd.DataFrame, line) -> list[str]:
    if table.empty:
        return []
    lines = [f"{title} ({len(table)}) :"]
    lines += [f"  {line(row)}" for row in table.head(SHOWN).itertuples(index=False)]
    if len(table) > SHOWN:
        lines.append(f"  … et {len(table) - SHOWN} autre(s) : précisez la recherche.")
    return lines


def format_search(result: SearchResult) -> str:
    """The answer of ``ressol territoires chercher`` in French: matches, then the YAML."""
    lines: list[str] = []

    def epci_line(row) -> str:
        count = f"{row.communes} commune{'s' if row.communes > 1 else ''}"
        return f"{row.EPCI}  {row.EPCI_NOM} ({row.NATURE}, {count}, département {row.DEP})"

    def commune_line(row) -> str:
        member = f"EPCI {row.EPCI} {row.EPCI_NOM}" if isinstance(row.EPCI, str) else "EPCI inconnu"
        return f"{row.CODGEO}  {row.LIBELLE} (département {row.DEP}, {member})"

    lines += _section("Intercommunalités (EPCI, code SIREN)", result.epci, epci_line)
    lines += _section("Communes (code Insee)", result.communes, commune_line)
    lines += _section(
        "Départements",
        result.departements,
        lambda row: f"{row.DEP}  {row.LIBELLE} (région {row.REG}, comparaison : dep-{row.DEP})",
    )
    proposal = territory_yaml(result)
    if proposal:
        lines += [
            "",
            f"Fichier territoire à enregistrer sous territoires/{territory_id_of(proposal)}.yaml "
            "(retirez les lignes en trop ; sans « comparaisons », le rapport compare avec le "
            "département et la région) :",
            "",
            proposal.rstrip("\n"),
        ]
    else:
        lines += [
            "",
            "Trop de résultats pour proposer un fichier territoire : précisez la recherche.",
        ]
    return "\n".join(lines)


def territory_id_of(proposal: str) -> str:
    """The ``id`` written on the first line of a proposed territory file."""
    return proposal.splitlines()[0].removeprefix("id: ").strip()


def search_territories(paths: ProjectPaths, query: str) -> SearchResult:
    """Search the project's official geography files (``data/raw``) for ``query``.

    Raises
    ------
    RessolError
        If a raw file is missing or damaged, or nothing matches (with what to try instead).
    """
    communes = cog.read_cog_communes(raw_file(paths.raw, "cog_communes").path)
    movements = cog.read_movements(raw_file(paths.raw, "cog_mouvements").path)
    epci, _ = cog.read_epci_composition(raw_file(paths.raw, "epci").path)
    departements = cog.read_departements(raw_file(paths.raw, "cog_departements").path)
    result = search_areas(query, communes, epci, departements, cog.cog_year(movements))
    if result.empty:
        raise RessolError(
            f"Aucune intercommunalité, commune ni département ne contient « {query} » dans le "
            "Code officiel géographique du projet. Essayez une partie du nom seulement "
            "(« villedieu » plutôt que « Villedieu-les-Poêles-Rouffigny »), sans article ni "
            "abréviation (« saint » et non « st »), ou le code : SIREN de l'EPCI, code Insee de "
            "la commune, numéro du département."
        )
    return result
