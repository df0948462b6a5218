"""Territories as data: one YAML file per territory, resolved to lists of communes.

A territory file (``territoires/<id>.yaml``)::

    id: centre-manche
    nom: Centre Manche
    millesime_geographie: 2026
    perimetre:
      epci: ["200066389", "200067023", "200067031"]
    comparaisons:
      - dep-50
      - id: basse-normandie
        nom: Basse-Normandie (Calvados, Manche, Orne)
        departements: ["14", "50", "61"]
      - reg-28

``perimetre`` takes exactly one of ``epci``, ``communes``, ``departements`` or ``regions``.
Each comparison is either a short code (``dep-50``, ``reg-28``, ``epci-200066389``) or a
named area with its own ``id``, ``nom`` and perimeter. Without ``comparaisons``, the
territory is compared with its département(s) and region(s). Codes must be quoted strings.
An optional ``sirene`` key gives the folder of the official SIRENE stock files (relative to the
YAML file), used instead of the synthetic demonstration extract; an optional ``ess_officiel`` key
gives an official table of ESS jobs by commune × family (INSEE or CRESS custom order, schema in
``docs/methode_ess.md``) that replaces the band-based estimate; an optional ``urssaf`` key gives
the URSSAF file of private employers and salaried jobs by commune × APE; an optional
``scenarios`` key gives the folder of the strategy scenarios and members' grids (format in
``docs/scenarios.md``), shown in the scenarios chapter — without it the chapter says there are
none. An optional ``adherents`` key gives the members file of the network (CSV or XLSX,
``docs/reseau.md``) and ``reseau`` the network's name, printed on the communication kit.
An optional ``fiches`` key gives the folder of the action sheets (the plan chapter says
there are none without it); an optional ``diagnostic_2013`` key names the file of the figures of
the territory's earlier diagnostic (a path relative to the YAML file, or the name of a file of
the package's ``reference`` folder): the report compares them with today's only when it is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import RessolError, list_codes
from .geography import move_codes
from .inputs import load_yaml
from .sources.reference import reference_path

PERIMETER_KINDS = ("epci", "communes", "departements", "regions")
ALLOWED_KEYS = {
    "id",
    "nom",
    "description",
    "millesime_geographie",
    "perimetre",
    "comparaisons",
    "sirene",
    "ess_officiel",
    "urssaf",
    "scenarios",
    "adherents",
    "reseau",
    "fiches",
    "diagnostic_2013",
}
SHORT_CODE = re.compile(r"(dep|reg|epci)-([0-9AB]{2,3}|\d{9})")


@dataclass(frozen=True)
class AreaSpec:
    """An area before resolution: an id, a name (or None) and a perimeter."""

    code: str
    name: str | None
    kind: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Territory:
    """A territory read from its YAML file."""

    id: str
    name: str
    geography_year: int
    perimeter: AreaSpec
    comparisons: tuple[AreaSpec, ...] | None
    source: Path
    description: str = ""
    sirene: Path | None = None
    official_ess: Path | None = None
    urssaf: Path | None = None
    scenarios: Path | None = None
    members: Path | None = None
    network: str | None = None
    fiches: Path | None = None
    diagnostic_2013: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def folder(self, key: str, given: str | Path | None = None) -> Path | None:
        """The folder given, else the one the territory file names under ``key``.

        Parameters
        ----------
        key : {"fiches", "scenarios"}
            Key of the territory file (the action sheets, the strategy scenarios).
        given : path, optional
            Folder given by the consultant (command option, notebook parameter).

        Returns
        -------
        Path or None
            None when neither names one: no example folder stands in for another
            territory's.

        Raises
        ------
        RessolError
            If the folder named by the territory file does not exist.
        """
        if given:
            return Path(given)
        named = {"fiches": self.fiches, "scenarios": self.scenarios}[key]
        if named is not None and not named.is_dir():
            what = {"fiches": "de fiches actions", "scenarios": "de scénarios"}[key]
            raise RessolError(
                f"Le dossier {what} {named}, nommé par la clé « {key} » de {self.source}, "
                "n'existe pas. Corrigez le chemin (relatif au fichier du territoire) ou retirez "
                "la clé."
            )
        return named


def _codes(value: Any, where: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        example = {"communes": "50502", "departements": "50", "regions": "28"}.get(
            where, "200066389"
        )
        raise RessolError(
            f"Dans {path}, « {where} » doit être une liste non vide de codes entre guillemets, "
            f'par exemple ["{example}"].'
        )
    not_strings = [v for v in value if not isinstance(v, str)]
    if not_strings:
        raise RessolError(
            f"Dans {path}, « {where} » contient des codes écrits sans guillemets "
            f"({', '.join(map(str, not_strings[:5]))}). Un code n'est pas un nombre : "
            'écrivez-le entre guillemets ("01001", "200066389") pour ne pas perdre de zéro.'
        )
    return tuple(v.strip() for v in value)


def _area_spec(entry: dict[str, Any], code: str, name: str | None, path: Path) -> AreaSpec:
    kinds = [k for k in PERIMETER_KINDS if k in entry]
    if len(kinds) != 1:
        raise RessolError(
            f"Dans {path}, la zone « {code} » doit avoir exactement un périmètre parmi "
            f"{', '.join(PERIMETER_KINDS)} (trouvé : {', '.join(kinds) or 'aucun'})."
        )
    return AreaSpec(code, name, kinds[0], _codes(entry[kinds[0]], kinds[0], path))


def _comparison(item: Any, path: Path) -> AreaSpec:
    if isinstance(item, str):
        match = SHORT_CODE.fullmatch(item.strip())
        if not match:
            raise RessolError(
                f"Dans {path}, comparaison « {item} » non reconnue. Écrivez dep-50, reg-28, "
                "epci-<siren>, ou une zone nommée avec id, nom et un périmètre."
            )
        kind = {"dep": "departements", "reg": "regions", "epci": "epci"}[match.group(1)]
        return AreaSpec(item.strip(), None, kind, (match.group(2),))
    if isinstance(item, dict) and "id" in item:
        return _area_spec(item, str(item["id"]), item.get("nom"), path)
    raise RessolError(
        f"Dans {path}, une comparaison n'est ni un code (dep-50) ni une zone avec « id »."
    )


def load_territory(reference: str | Path, territories_dir: Path) -> Territory:
    """Read a territory from its id (``centre-manche``) or the path of its YAML file.

    Parameters
    ----------
    reference : str or Path
        Territory id, looked up as ``<territories_dir>/<id>.yaml``, or a path to a YAML file.
    territories_dir : Path
        Folder of territory files.

    Returns
    -------
    Territory
        The validated territory.

    Raises
    ------
    RessolError
        If the file is missing, not valid YAML, or its content is not a valid territory.
    """
    path = Path(reference)
    if path.suffix not in (".yaml", ".yml"):
        path = territories_dir / f"{reference}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in territories_dir.glob("*.yaml"))
        raise RessolError(
            f"Territoire « {reference} » introuvable ({path} n'existe pas). Territoires "
            f"disponibles : {', '.join(known) or 'aucun'}. Créez un fichier YAML dans "
            f"{territories_dir} (voir README) ou donnez le chemin d'un fichier YAML."
        )
    content = load_yaml(path)
    if not isinstance(content, dict):
        raise RessolError(f"Le fichier {path} doit décrire un territoire (id, nom, perimetre).")
    unknown = sorted(set(content) - ALLOWED_KEYS)
    if unknown:
        raise RessolError(
            f"Dans {path}, clé(s) inconnue(s) : {', '.join(unknown)}. Clés possibles : "
            f"{', '.join(sorted(ALLOWED_KEYS))}."
        )
    for key in ("id", "nom", "perimetre"):
        if key not in content:
            raise RessolError(f"Dans {path}, la clé « {key} » est obligatoire.")
    territory_id = str(content["id"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", territory_id):
        raise RessolError(
            f"Dans {path}, l'id « {territory_id} » doit être en minuscules, chiffres et tirets "
            "(par exemple centre-manche) : il sert de nom de dossier et de code."
        )
    year = content.get("millesime_geographie", 2026)
    if not isinstance(year, int):
        raise RessolError(f"Dans {path}, millesime_geographie doit être une année (ex. 2026).")
    if not isinstance(content["perimetre"], dict):
        raise RessolError(f"Dans {path}, « perimetre » doit contenir epci, communes, etc.")
    perimeter = _area_spec(content["perimetre"], territory_id, str(content["nom"]), path)
    comparisons = content.get("comparaisons")
    if comparisons is not None:
        if not isinstance(comparisons, list):
            raise RessolError(f"Dans {path}, « comparaisons » doit être une liste.")
        comparisons = tuple(_comparison(item, path) for item in comparisons)
    return Territory(
        id=territory_id,
        name=str(content["nom"]),
        geography_year=year,
        perimeter=perimeter,
        comparisons=comparisons,
        source=path,
        description=str(content.get("description", "")),
        sirene=(path.parent / str(content["sirene"])).resolve() if content.get("sirene") else None,
        official_ess=(
            (path.parent / str(content["ess_officiel"])).resolve()
            if content.get("ess_officiel")
            else None
        ),
        urssaf=(path.parent / str(content["urssaf"])).resolve() if content.get("urssaf") else None,
        scenarios=(
            (path.parent / str(content["scenarios"])).resolve()
            if content.get("scenarios")
            else None
        ),
        members=(
            (path.parent / str(content["adherents"])).resolve()
            if content.get("adherents")
            else None
        ),
        network=str(content["reseau"]) if content.get("reseau") else None,
        fiches=(path.parent / str(content["fiches"])).resolve() if content.get("fiches") else None,
        diagnostic_2013=_diagnostic_2013(content.get("diagnostic_2013"), path),
    )


def _diagnostic_2013(value: Any, path: Path) -> Path | None:
    """File of the earlier diagnostic's figures: beside the YAML, else in the package."""
    if not value:
        return None
    beside = (path.parent / str(value)).resolve()
    if beside.is_file():
        return beside
    packaged = reference_path(str(value))
    if Path(str(value)).name == str(value) and packaged.is_file():
        return packaged
    raise RessolError(
        f"Dans {path}, le fichier « {value} » de la clé diagnostic_2013 est introuvable (ni à "
        f"côté du fichier du territoire, {beside}, ni parmi les fichiers de référence du "
        "paquet). Corrigez le nom ou retirez la clé."
    )


@dataclass(frozen=True)
class Geography:
    """Reference tables needed to resolve areas: communes with their EPCI, names, passage."""

    communes: pd.DataFrame  # CODGEO, LIBELLE, DEP, REG, EPCI, EPCI_NOM
    departements: pd.DataFrame  # DEP, LIBELLE
    regions: pd.DataFrame  # REG, LIBELLE
    passage: pd.DataFrame  # code_ancien, code_actuel
    year: int


def _resolve(spec: AreaSpec, geo: Geography, source: Path) -> tuple[list[str], str]:
    communes = geo.communes
    if spec.kind == "communes":
        codes = pd.Series(spec.codes, dtype="string")
        moved = move_codes(
            codes,
            geo.passage,
            pd.Index(communes["CODGEO"]),
            what=f"{source} ({spec.code})",
            keep_current=True,
        )
        return sorted(set(moved)), spec.name or spec.code
    column, names, label = {
        "epci": ("EPCI", None, "EPCI"),
        "departements": ("DEP", geo.departements.set_index("DEP")["LIBELLE"], "département"),
        "regions": ("REG", geo.regions.set_index("REG")["LIBELLE"], "région"),
    }[spec.kind]
    unknown = [c for c in spec.codes if c not in set(communes[column].dropna())]
    if unknown:
        hint = ""
        if spec.kind == "epci":
            hint = (
                " Les EPCI sont désignés par leur SIREN à 9 chiffres (par exemple 200066389 "
                "pour Saint-Lô Agglo) ; les données fournies couvrent la Normandie."
            )
        raise RessolError(
            f"Dans {source}, {label}(s) inconnu(s) pour la zone « {spec.code} » : "
            f"{list_codes(unknown)}.{hint} Corrigez le code ou ajoutez les données de ce "
            "territoire."
        )
    selected = communes[communes[column].isin(spec.codes)]
    if spec.name:
        name = spec.name
    elif spec.kind == "epci":
        name = " + ".join(selected.drop_duplicates("EPCI")["EPCI_NOM"])
    else:
        name = " + ".join(str(names.get(c, c)) for c in spec.codes)
    return sorted(selected["CODGEO"]), name


def resolve(territory: Territory, geo: Geography) -> pd.DataFrame:
    """Resolve a territory, its EPCIs and its comparison areas to communes.

    Parameters
    ----------
    territory : Territory
        Output of :func:`load_territory`.
    geo : Geography
        Current communes with their EPCI, names of départements and regions, code passage.

    Returns
    -------
    DataFrame
        ``territoire_code``, ``territoire``, ``niveau`` (``territoire``, ``epci`` or
        ``comparaison``), ``ordre`` (display order) and ``CODGEO``; one row per area × commune.

    Raises
    ------
    RessolError
        If the geography vintage differs from the data's, or a code is unknown.
    """
    if territory.geography_year != geo.year:
        raise RessolError(
            f"Le territoire {territory.source} demande la géographie {territory.geography_year} "
            f"mais les données de data/raw sont dans le COG {geo.year}. Indiquez "
            f"millesime_geographie: {geo.year}, ou déposez le COG {territory.geography_year}."
        )
    rows: list[tuple[str, str, str, int, str]] = []
    codes, _ = _resolve(territory.perimeter, geo, territory.source)
    areas: list[tuple[str, str, str, list[str]]] = [
        (territory.id, territory.name, "territoire", codes)
    ]
    if territory.perimeter.kind == "epci" and len(territory.perimeter.codes) > 1:
        for siren in territory.perimeter.codes:
            spec = AreaSpec(f"epci-{siren}", None, "epci", (siren,))
            epci_codes, epci_name = _resolve(spec, geo, territory.source)
            areas.append((spec.code, epci_name, "epci", epci_codes))
    comparisons = territory.comparisons
    if comparisons is None:
        inside = geo.communes[geo.communes["CODGEO"].isin(codes)]
        comparisons = tuple(
            AreaSpec(f"dep-{d}", None, "departements", (d,)) for d in sorted(inside["DEP"].unique())
        ) + tuple(
            AreaSpec(f"reg-{r}", None, "regions", (r,)) for r in sorted(inside["REG"].unique())
        )
    for spec in comparisons:
        area_codes, area_name = _resolve(spec, geo, territory.source)
        areas.append((spec.code, area_name, "comparaison", area_codes))
    seen: set[str] = set()
    for code, _, _, _ in areas:
        if code in seen:
            raise RessolError(f"Dans {territory.source}, la zone « {code} » apparaît deux fois.")
        seen.add(code)
    for order, (code, name, level, area_codes) in enumerate(areas):
        rows.extend((code, name, level, order, c) for c in area_codes)
    return pd.DataFrame(
        rows, columns=["territoire_code", "territoire", "niveau", "ordre", "CODGEO"]
    ).astype(
        {
            "territoire_code": "string",
            "territoire": "string",
            "niveau": "string",
            "CODGEO": "string",
        }
    )
