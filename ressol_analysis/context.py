"""Everything a chapter needs about one territory, loaded in one call.

Notebooks start with ``diag = context.load(territoire, racine)``: the processed data (built
if needed), the territory, its areas and the demographic indicators in the tidy contract.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .build import ProcessedData, load_geometry, load_processed
from .indicators import demography_indicators
from .paths import ProjectPaths, project_paths
from .territory import Territory, load_territory, resolve


@dataclass
class Diagnostic:
    """One territory's data and indicators."""

    paths: ProjectPaths
    data: ProcessedData
    territory: Territory
    membership: pd.DataFrame
    indicators: pd.DataFrame

    @property
    def areas(self) -> pd.DataFrame:
        """``territoire_code``, ``territoire``, ``niveau``, ``ordre``, one row per area."""
        columns = ["territoire_code", "territoire", "niveau", "ordre"]
        return self.membership[columns].drop_duplicates().sort_values("ordre")

    @property
    def names(self) -> dict[str, str]:
        """Area code → area name."""
        return dict(zip(self.areas["territoire_code"], self.areas["territoire"], strict=True))

    def wide(self, keys: list[str] | None = None) -> pd.DataFrame:
        """Indicators as one row per area (in display order) and one column per key."""
        table = self.indicators
        if keys is not None:
            table = table[table["indicateur"].isin(keys)]
        wide = table.pivot(index="territoire_code", columns="indicateur", values="valeur")
        wide = self.areas.set_index("territoire_code").join(wide).reset_index()
        return wide[["territoire_code", "territoire", "niveau", "ordre", *(keys or [])]] if keys \
            else wide

    def source(self, key: str) -> str:
        """Source line of an indicator key (identical for every area)."""
        return str(self.indicators.loc[self.indicators["indicateur"] == key, "source"].iloc[0])

    def communes(self, area: str | None = None) -> list[str]:
        """Commune codes of an area (the territory by default)."""
        area = area or self.territory.id
        return sorted(self.membership.loc[self.membership["territoire_code"] == area, "CODGEO"])

    def geometry(self):
        """Outlines of the territory's communes with their EPCI."""
        shapes = load_geometry(self.paths)
        shapes = shapes[shapes["CODGEO"].isin(self.communes())]
        return shapes.merge(self.data.communes[["CODGEO", "EPCI", "EPCI_NOM"]], on="CODGEO")


def load(territory: str, root: str | None = None) -> Diagnostic:
    """Load the diagnostic of a territory.

    Parameters
    ----------
    territory : str
        Territory id (``centre-manche``) or path of its YAML file.
    root : str, optional
        Project root (defaults to the checkout).

    Returns
    -------
    Diagnostic
        Data, territory, areas and indicators.
    """
    paths = project_paths(root)
    data = load_processed(paths)
    spec = load_territory(territory, paths.territories)
    membership = resolve(spec, data.geo)
    return Diagnostic(paths, data, spec, membership, demography_indicators(data, membership))
