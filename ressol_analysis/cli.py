"""The ``ressol`` command: the Makefile's doors for people who prefer a command.

Errors on input data or configuration are printed as one French paragraph, without a Python
traceback, and the command exits with status 2 (3 for an unexpected internal error; set
``RESSOL_DEBUG=1`` to see its traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import RessolError
from .paths import ProjectPaths, project_paths


def _report(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .report import run_report

    started = time.monotonic()
    print(f"Rapport du territoire « {args.territory} » :")
    folder = run_report(paths, args.territory, Path(args.output) if args.output else None)
    print(f"Rapport écrit dans {folder} ({time.monotonic() - started:.0f} s).")
    for page in sorted(folder.glob("*.html")):
        print(f"  {page}")
    return 0


def _indicators(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .context import load
    from .indicators import write_csv_atomic

    diag = load(args.territory, str(paths.root))
    write_csv_atomic(diag.indicators, Path(args.output))
    areas = diag.indicators["territoire_code"].nunique()
    print(f"{len(diag.indicators)} lignes ({areas} zones) écrites dans {args.output}.")
    return 0


def _data_check(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .sources.manifest import check_manifest, load_manifest

    problems = check_manifest(paths.raw)
    count = len(load_manifest(paths.raw))
    if problems:
        print(f"{len(problems)} problème(s) dans {paths.raw} :", file=sys.stderr)
        for problem in problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    print(f"Les {count} fichiers de {paths.raw} sont présents et intacts (sha256 vérifiés).")
    return 0


def _data_build(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .build import build_processed

    build_processed(paths)
    print(f"Données préparées écrites dans {paths.processed}.")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, ProjectPaths], int]] = {
    "report": _report,
    "indicators": _indicators,
    "data check": _data_check,
    "data build": _data_build,
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ressol",
        description="Diagnostic territorial de l'économie sociale et solidaire (RESSOL).",
    )
    parser.add_argument(
        "--racine", help="dossier du projet (par défaut : ce dépôt, ou $RESSOL_RACINE)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    report = commands.add_parser("report", help="produire le rapport HTML d'un territoire")
    report.add_argument(
        "--territory",
        "--territoire",
        default="centre-manche",
        help="id du territoire ou chemin de son YAML (défaut : centre-manche)",
    )
    report.add_argument("--output", "--sortie", help="dossier des rapports (défaut : reports/)")

    indicators = commands.add_parser("indicators", help="écrire les indicateurs en CSV")
    indicators.add_argument(
        "--territory", "--territoire", required=True, help="id du territoire ou chemin de son YAML"
    )
    indicators.add_argument("--output", "--sortie", required=True, help="fichier CSV à écrire")

    data = commands.add_parser("data", help="données brutes et préparées")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    data_commands.add_parser("check", help="vérifier les fichiers de data/raw (sha256)")
    data_commands.add_parser("build", help="reconstruire data/processed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ressol`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 success, 1 check failed, 2 bad input, 3 internal error.
    """
    args = _parser().parse_args(argv)
    command = args.command + (f" {args.data_command}" if args.command == "data" else "")
    try:
        paths = project_paths(args.racine)
        return COMMANDS[command](args, paths)
    except RessolError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    except Exception as error:  # an unexpected failure is a bug: say so plainly
        if os.environ.get("RESSOL_DEBUG"):
            traceback.print_exc()
        print(
            f"Erreur inattendue ({type(error).__name__} : {error}). C'est probablement un "
            "défaut du programme : relancez avec RESSOL_DEBUG=1 pour obtenir le détail et "
            "signalez-le à l'équipe.",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
