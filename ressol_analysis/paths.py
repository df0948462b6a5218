"""Where the project's folders are.

A *project root* holds ``data/raw``, ``data/processed``, ``reports`` and ``territoires``.
It is the checkout the package was installed from, unless ``RESSOL_RACINE`` or the CLI's
``--racine`` option names another one (tests use a temporary copy).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import RessolError


@dataclass(frozen=True)
class ProjectPaths:
    """The folders of one project root."""

    root: Path

    @property
    def raw(self) -> Path:
        """Read-only input files and their manifest."""
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        """Tables built from ``raw`` by ``ressol data build``."""
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        """Executed notebooks, HTML reports and indicator exports."""
        return self.root / "reports"

    @property
    def territories(self) -> Path:
        """One YAML file per territory."""
        return self.root / "territoires"

    @property
    def notebooks(self) -> Path:
        """Parameterised notebooks executed by ``ressol report``."""
        return self.root / "notebooks"


def project_paths(root: str | os.PathLike[str] | None = None) -> ProjectPaths:
    """Locate the project root.

    Parameters
    ----------
    root : path, optional
        Explicit root. Defaults to ``$RESSOL_RACINE``, then to the checkout that contains
        this package, then to the current directory.

    Returns
    -------
    ProjectPaths
        The folders of that root.

    Raises
    ------
    RessolError
        If the chosen folder has no ``data/raw`` directory.
    """
    if root is None:
        root = os.environ.get("RESSOL_RACINE")
    if root is None:
        checkout = Path(__file__).resolve().parent.parent
        root = checkout if (checkout / "data" / "raw").is_dir() else Path.cwd()
    paths = ProjectPaths(Path(root).resolve())
    if not paths.raw.is_dir():
        raise RessolError(
            f"Le dossier {paths.raw} n'existe pas : ce n'est pas la racine d'un projet "
            "ressol-analysis. Lancez la commande depuis le dossier du projet, ou indiquez-le "
            "avec --racine ou la variable d'environnement RESSOL_RACINE."
        )
    return paths
