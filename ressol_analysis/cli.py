"""The ``ressol`` command: the Makefile's doors for people who prefer a command.

Errors on input data or configuration, and places the file system refuses (a read-only or full
disk, a folder given as output file), are printed as one French paragraph, without a Python
traceback, and the command exits with status 2 (3 for an unexpected internal error; set
``RESSOL_DEBUG=1`` to see its traceback). Ctrl-C, SIGTERM and SIGHUP stop a command cleanly
(exit 130, 143, 129): no staging folder, kernel or Chromium is left behind.

Each command imports the modules it needs when it runs: ``ressol --help`` or a mistyped option
answers in 0.1 s instead of 3 s (pandas, geopandas, papermill). These imports hide no cycle:
the layers and the absence of cycles are checked by import-linter, function-level imports
included.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from .cli_parser import FrenchParser
from .errors import RessolError
from .interruption import Interrupted, interruptible
from .paths import ProjectPaths, project_paths


def _report(args: argparse.Namespace, paths: ProjectPaths) -> int:
    started = time.monotonic()
    if args.each_epci:
        from .multi import report_each_epci

        if args.adherents:
            raise RessolError(
                "--adherents ne va pas avec --each-epci : le fichier des adhérents décrit un "
                "territoire. Produisez le rapport de ce territoire (--territory ID --adherents "
                "FICHIER)."
            )

        print(f"Un rapport par intercommunalité de « {args.each_epci} » :")
        index = report_each_epci(
            paths,
            args.each_epci,
            Path(args.output) if args.output else None,
            args.sirene,
            workers=args.processus,
            replace=args.remplacer,
        )
        print(f"Index de comparaison : {index} ({time.monotonic() - started:.0f} s).")
        return 0
    from .report import run_report

    print(f"Rapport du territoire « {args.territory} » :")
    folder = run_report(
        paths,
        args.territory,
        Path(args.output) if args.output else None,
        sirene=args.sirene,
        pdf=not args.sans_pdf,
        members=args.adherents,
        replace=args.remplacer,
        fiches=args.fiches,
    )
    print(f"Rapport écrit dans {folder} ({time.monotonic() - started:.0f} s).")
    print(f"  Page d'accueil : {folder / 'index.html'}")
    return 0


def _indicators(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .files import check_writable, write_csv

    check_writable(Path(args.output))
    if args.all_epci or args.all_departements:
        from .national import national_indicators_cli

        if args.adherents:
            raise RessolError(
                "--adherents ne va pas avec --all-epci ou --all-departements : le fichier des "
                "adhérents décrit un territoire. Indiquez-le avec --territory ID."
            )

        table = national_indicators_cli(
            paths, args.sirene, "epci" if args.all_epci else "departements"
        )
        notes = table.attrs.get("notes", [])
    else:
        from .context import load

        if not args.territory:
            raise RessolError(
                "Indiquez le territoire (--territory centre-manche), ou --all-epci / "
                "--all-departements avec --sirene DOSSIER pour toute la France."
            )
        diag = load(
            args.territory, str(paths.root), args.sirene, args.perimeter, members=args.adherents
        )
        table, notes = diag.indicators, diag.sirene_notes
    if Path(args.output).suffix.lower() == ".xlsx":
        from .workbook import write_indicators_xlsx

        write_indicators_xlsx(table, Path(args.output))
    else:
        write_csv(table, Path(args.output))
    for note in notes:
        print(note)
    areas = table["territoire_code"].nunique()
    print(f"{len(table)} lignes ({areas} zones) écrites dans {args.output}.")
    return 0


def _directory(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .directory import write_directory

    folder = write_directory(paths, args.territory, args.output, args.sirene)
    print(f"Annuaire des employeurs de l'ESS écrit dans {folder} (fichier de travail : ne pas")
    print("  le joindre au rapport, il permettrait de retrouver les chiffres secrets).")
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


def _data_status(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .catalogue import catalogue_status, format_status

    sirene = Path(args.sirene) if args.sirene else None
    print(format_status(catalogue_status(paths.raw, sirene)))
    return 0


def _data_update(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .build import build_processed
    from .update import format_results, update_all, update_source

    if args.source:
        key, new_file = args.source
        results = [update_source(paths, key, new_file, vintage=args.vintage, dry_run=args.essai)]
    else:
        results = update_all(paths, dry_run=args.essai)
    print(format_results(results, dry_run=args.essai))
    if results and not args.essai:
        build_processed(paths)
        print(f"Données préparées reconstruites dans {paths.processed}.")
    return 0


def _data_fetch(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .build import build_processed
    from .fetch import fetch_source
    from .update import format_results, update_source

    downloaded = fetch_source(
        paths,
        args.source,
        sirene_dir=Path(args.sirene) if args.sirene else None,
        expected_sha256=args.sha256,
        url=args.url,
    )
    print(f"Téléchargé : {downloaded}")
    if args.source.startswith("sirene"):
        return 0
    print(format_results([update_source(paths, args.source, downloaded, origin=args.url)]))
    build_processed(paths)
    print(f"Données préparées reconstruites dans {paths.processed}.")
    return 0


def _compare(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .compare import compare_runs, format_comparison
    from .runs import latest_runs, previous_run

    def csv_of(run: Path) -> Path:
        return run / "indicateurs.csv" if run.is_dir() else run

    if args.run_b is not None:
        run_a, run_b = Path(args.run_a), Path(args.run_b)
    elif args.run_a is not None:
        run_b = Path(args.run_a)
        run_a = previous_run(run_b)
    else:
        from .territory import load_territory

        territory = load_territory(args.territory, paths.territories)
        run_a, run_b = latest_runs(paths.reports / territory.id)
    if args.run_b is None:
        print(f"Rapport précédent : {run_a}\nRapport comparé : {run_b}")
    comparison = compare_runs(csv_of(run_a), csv_of(run_b))
    print(format_comparison(comparison, str(run_a), str(run_b)))
    if args.output:
        from .compare import write_comparison_xlsx

        written = write_comparison_xlsx(comparison, args.output, str(run_a), str(run_b))
        print(f"Comparaison écrite dans {written}.")
    return 0


def _plan_template(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from . import plan_template
    from .files import check_writable

    check_writable(Path(args.output))
    keys = None
    if args.territory:
        from .context import load

        keys = sorted(set(load(args.territory, str(paths.root)).indicators["indicateur"]))
    written = plan_template.template(Path(args.output), indicator_keys=keys)
    print(f"Modèle de fiche action écrit dans {written}.")
    return 0


def _plan_build(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from . import plan_text
    from .context import load
    from .files import check_writable

    check_writable(Path(args.output))
    consolidated = load(args.territory, str(paths.root)).action_plan(args.dossier)
    for message in consolidated.warnings:
        print(f"Attention : {message}")
    written = plan_text.write_plan(consolidated, Path(args.output))
    from .formatting import count

    actions = count(len(consolidated.actions), "action", "actions")
    print(f"Plan consolidé ({actions}) écrit dans {written}.")
    return 0


def _scenarios_template(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .scenarios_definition import read_definition
    from .scenarios_sheets import template

    folder = Path(args.dossier) if args.dossier else paths.root / "scenarios"
    definition = read_definition(folder)
    written = template(Path(args.output), definition)
    print(
        f"Grille d'évaluation ({len(definition.scenarios)} scénarios, "
        f"{len(definition.criteres)} critères) écrite dans {written}."
    )
    return 0


def _scenarios_build(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .files import write_csv
    from .scenarios import classement
    from .scenarios_sheets import GRIDS_FOLDER, read_folder

    output = Path(args.output)
    if output.suffix.lower() != ".csv":
        raise RessolError(
            f"Le classement s'écrit en CSV : donnez un fichier en .csv (reçu : {output.name})."
        )
    folder = read_folder(Path(args.dossier))
    if output.resolve().parent == (folder.folder / GRIDS_FOLDER).resolve():
        raise RessolError(
            f"N'écrivez pas le classement dans le dossier des grilles ({output.parent}) : il "
            "serait pris pour une grille au prochain calcul. Choisissez un autre dossier."
        )
    table = classement(folder.notes, folder.criteres, folder.scenarios)
    retained = folder.decision.scenario if folder.decision else None
    table["retenu"] = table["scenario"] == retained
    write_csv(table, output)
    first = table[table["rang"] == 1]
    print(
        f"Classement de {len(table)} scénarios d'après {folder.members} grilles écrit dans "
        f"{output}. En tête : {' ; '.join(first['titre'])}."
    )
    if folder.decision:
        print(
            f"Scénario retenu par le {folder.decision.instance} le "
            f"{folder.decision.date:%d/%m/%Y} : {folder.decision.scenario}."
        )
    return 0


def _reseau(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .network_run import run_network

    run = run_network(paths, args.territory, args.adherents, args.output, args.sirene)
    print(f"Fichier de travail du réseau écrit dans {run.folder} (document interne).")
    print(
        f"  Adhérents retrouvés : {run.found} ; à vérifier : {run.review} (non comptés) ; "
        f"non retrouvés : {run.not_found}."
    )
    if run.synthetic:
        print("  Données synthétiques de démonstration : les établissements sont fictifs.")
    return 0


def _kit(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .network_run import run_kit

    files = run_kit(paths, args.territory, args.output, args.sirene, args.reseau, args.indicateurs)
    print("Kit de communication écrit :")
    for path in files.values():
        print(f"  {path}")
    return 0


def _territories_search(args: argparse.Namespace, paths: ProjectPaths) -> int:
    from .territory_search import format_search, search_territories

    print(format_search(search_territories(paths, args.texte)))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, ProjectPaths], int]] = {
    "report": _report,
    "indicators": _indicators,
    "annuaire": _directory,
    "data check": _data_check,
    "data build": _data_build,
    "data status": _data_status,
    "data update": _data_update,
    "data fetch": _data_fetch,
    "compare": _compare,
    "territoires chercher": _territories_search,
    "plan template": _plan_template,
    "plan build": _plan_build,
    "scenarios template": _scenarios_template,
    "scenarios build": _scenarios_build,
    "reseau": _reseau,
    "kit": _kit,
}


def _parser() -> FrenchParser:
    parser = FrenchParser(
        prog="ressol",
        description="Diagnostic territorial de l'économie sociale et solidaire (RESSOL).",
    )
    parser.add_argument(
        "--racine", help="dossier du projet (par défaut : ce dépôt, ou $RESSOL_RACINE)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    report = commands.add_parser("report", help="produire le rapport HTML (et PDF) d'un territoire")
    report.add_argument(
        "--territory",
        "--territoire",
        default="centre-manche",
        help="id du territoire ou chemin de son YAML (défaut : centre-manche)",
    )
    report.add_argument(
        "--each-epci",
        "--chaque-epci",
        metavar="ZONE",
        help="un rapport par EPCI d'un département ou d'une région (dep-50)",
    )
    report.add_argument(
        "--sirene",
        metavar="DOSSIER",
        help="fichiers Sirene officiels (défaut : données de démonstration)",
    )
    report.add_argument(
        "--fiches",
        metavar="DOSSIER",
        help="fiches actions du plan (défaut : clé « fiches » du fichier du territoire)",
    )
    report.add_argument("--output", "--sortie", help="dossier des rapports (défaut : reports/)")
    report.add_argument(
        "--adherents",
        metavar="FICHIER",
        help="fichier des adhérents du réseau, CSV ou XLSX (défaut : clé adherents du territoire)",
    )
    report.add_argument("--sans-pdf", action="store_true", help="ne pas produire le PDF")
    report.add_argument(
        "--remplacer",
        action="store_true",
        help="remplacer le dernier rapport du jour (mêmes données) au lieu d'en créer un autre",
    )
    report.add_argument(
        "--processus",
        type=int,
        default=2,
        help="rapports produits en parallèle avec --each-epci (défaut : 2)",
    )

    indicators = commands.add_parser("indicators", help="écrire les indicateurs en CSV")
    indicators.add_argument(
        "--territory", "--territoire", help="id du territoire ou chemin de son YAML"
    )
    indicators.add_argument(
        "--all-epci",
        action="store_true",
        help="indicateurs ESS de tous les EPCI de France (avec --sirene)",
    )
    indicators.add_argument(
        "--all-departements",
        action="store_true",
        help="indicateurs ESS de tous les départements (avec --sirene)",
    )
    indicators.add_argument(
        "--sirene",
        metavar="DOSSIER",
        help="fichiers Sirene officiels (défaut : données de démonstration)",
    )
    indicators.add_argument(
        "--perimetre",
        dest="perimeter",
        choices=["loi", "statistique"],
        default="loi",
        help="périmètre de l'ESS : loi de 2014 (défaut) ou statistique Insee",
    )
    indicators.add_argument(
        "--adherents",
        metavar="FICHIER",
        help="fichier des adhérents du réseau, CSV ou XLSX : ajoute les indicateurs du réseau",
    )
    indicators.add_argument(
        "--output",
        "--sortie",
        required=True,
        help="fichier à écrire : .csv (le contrat) ou .xlsx (avec la feuille « Chiffres clés »)",
    )

    directory = commands.add_parser(
        "annuaire", help="annuaire des employeurs de l'ESS (fichier de travail, hors rapport)"
    )
    directory.add_argument(
        "--territory",
        "--territoire",
        default="centre-manche",
        help="id du territoire ou chemin de son YAML (défaut : centre-manche)",
    )
    directory.add_argument(
        "--sirene",
        metavar="DOSSIER",
        help="fichiers Sirene officiels (défaut : données de démonstration)",
    )
    directory.add_argument(
        "--output", "--sortie", help="dossier de travail (défaut : travail/ ; jamais reports/)"
    )

    reseau = commands.add_parser(
        "reseau", help="rapprocher les adhérents du réseau de l'ESS du territoire"
    )
    reseau.add_argument(
        "--territory", "--territoire", required=True, help="id du territoire ou chemin de son YAML"
    )
    reseau.add_argument(
        "--adherents",
        metavar="FICHIER",
        help="fichier des adhérents, CSV ou XLSX (défaut : clé adherents du territoire)",
    )
    reseau.add_argument(
        "--sirene",
        metavar="DOSSIER",
        help="fichiers Sirene officiels (défaut : données de démonstration)",
    )
    reseau.add_argument(
        "--output", "--sortie", help="dossier du fichier de travail (défaut : travail/)"
    )

    kit = commands.add_parser("kit", help="produire le kit de communication (page A4 et carte)")
    kit.add_argument(
        "--territory", "--territoire", required=True, help="id du territoire ou chemin de son YAML"
    )
    kit.add_argument(
        "--sirene",
        metavar="DOSSIER",
        help="fichiers Sirene officiels (défaut : données de démonstration)",
    )
    kit.add_argument("--reseau", metavar="NOM", help="nom du réseau (défaut : clé reseau)")
    kit.add_argument(
        "--indicateurs",
        metavar="CSV",
        help="indicateurs.csv d'un rapport à utiliser (défaut : calculés pour le territoire)",
    )
    kit.add_argument(
        "--output", "--sortie", help="dossier du kit (défaut : reports/<territoire>/kit)"
    )

    data = commands.add_parser("data", help="données brutes et préparées")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    data_commands.add_parser("check", help="vérifier les fichiers de data/raw (sha256)")
    data_commands.add_parser("build", help="reconstruire data/processed")
    status = data_commands.add_parser("status", help="catalogue des sources et millésimes")
    status.add_argument("--sirene", metavar="DOSSIER", help="dossier des fichiers Sirene")
    update = data_commands.add_parser(
        "update", help="enregistrer un nouveau fichier Insee déposé dans data/raw"
    )
    update.add_argument(
        "--source",
        nargs=2,
        metavar=("CLE", "FICHIER"),
        help="source à remplacer et nouveau fichier (défaut : tout fichier non décrit de data/raw)",
    )
    update.add_argument("--millesime", dest="vintage", help="millésime à inscrire au manifeste")
    update.add_argument(
        "--essai", "--dry-run", action="store_true", help="vérifier sans rien modifier"
    )
    fetch = data_commands.add_parser("fetch", help="télécharger un fichier officiel")
    fetch.add_argument("source", help="clé de la source (voir ressol data status)")
    fetch.add_argument("--url", help="adresse à utiliser à la place de l'adresse officielle")
    fetch.add_argument("--sha256", help="empreinte attendue")
    fetch.add_argument("--sirene", metavar="DOSSIER", help="dossier des fichiers Sirene")

    compare = commands.add_parser(
        "compare",
        help="indicateurs qui ont changé entre deux rapports",
        description="Sans argument : les deux derniers rapports du territoire. Avec un dossier "
        "de rapport : ce rapport et celui qui le précède.",
    )
    compare.add_argument(
        "run_a", nargs="?", help="dossier du rapport (ou fichier indicateurs.csv) A, le plus ancien"
    )
    compare.add_argument(
        "run_b", nargs="?", help="dossier du rapport (ou fichier indicateurs.csv) B, le plus récent"
    )
    compare.add_argument(
        "--territory",
        "--territoire",
        default="centre-manche",
        help="territoire dont comparer les deux derniers rapports, sans argument "
        "(défaut : centre-manche)",
    )
    compare.add_argument(
        "--output", "--sortie", help="classeur Excel (.xlsx) où écrire aussi la comparaison"
    )

    territories = commands.add_parser("territoires", help="trouver les codes d'un territoire")
    territory_commands = territories.add_subparsers(
        dest="territoires_command", required=True, metavar="ACTION"
    )
    search = territory_commands.add_parser(
        "chercher",
        help="EPCI, communes et départements dont le nom contient un texte, avec leurs codes",
    )
    search.add_argument("texte", help="partie du nom (accents et majuscules indifférents) ou code")

    plan = commands.add_parser("plan", help="fiches actions et plan d'actions")
    plan_commands = plan.add_subparsers(dest="plan_command", required=True, metavar="ACTION")
    template = plan_commands.add_parser("template", help="écrire le modèle XLSX de fiche action")
    template.add_argument("--output", "--sortie", required=True, help="fichier XLSX à écrire")
    template.add_argument(
        "--territory", "--territoire", help="territoire dont les indicateurs sont proposés"
    )
    build = plan_commands.add_parser("build", help="consolider les fiches d'un dossier")
    build.add_argument("dossier", help="dossier des fiches (XLSX et YAML)")
    build.add_argument(
        "--territory",
        "--territoire",
        default="centre-manche",
        help="territoire du diagnostic (défaut : centre-manche)",
    )
    build.add_argument(
        "--output", "--sortie", required=True, help="plan consolidé à écrire (.xlsx ou .yaml)"
    )

    scenarios = commands.add_parser(
        "scenarios", help="scénarios stratégiques notés par les membres"
    )
    scenario_commands = scenarios.add_subparsers(
        dest="scenarios_command", required=True, metavar="ACTION"
    )
    grid = scenario_commands.add_parser(
        "template", help="écrire la grille d'évaluation XLSX des membres"
    )
    grid.add_argument("--output", "--sortie", required=True, help="fichier XLSX à écrire")
    grid.add_argument(
        "--dossier", help="dossier des scénarios (défaut : scenarios/ du projet, un exemple)"
    )
    ranking = scenario_commands.add_parser(
        "build", help="vérifier les grilles d'un dossier et classer les scénarios"
    )
    ranking.add_argument("dossier", help="dossier avec scenarios.yaml (ou .xlsx) et grilles/")
    ranking.add_argument("--output", "--sortie", required=True, help="classement CSV à écrire")
    return parser


_PYTHON_SHOWWARNING = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Print a warning of the program as one French line, without Python's file and code line.

    The package's messages about the input (codes worked around, establishments left out) are
    ``UserWarning``; Python's default display would show them with the path and source line of
    the module that raised them, which means nothing to a consultant.
    """
    if category is UserWarning:
        print(f"Attention : {message}", file=file or sys.stderr)
    else:
        _PYTHON_SHOWWARNING(message, category, filename, lineno, file, line)


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
    if argv is None:  # the command itself (tests call main with arguments and record warnings)
        warnings.showwarning = _show_warning
    args = _parser().parse_args(argv)
    sub = {
        "data": "data_command",
        "plan": "plan_command",
        "scenarios": "scenarios_command",
        "territoires": "territoires_command",
    }.get(args.command)
    command = args.command + (f" {getattr(args, sub)}" if sub else "")
    try:
        paths = project_paths(args.racine)
        with interruptible():
            return COMMANDS[command](args, paths)
    except RessolError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        name = f"le signal {stop.args[0]}" if isinstance(stop, Interrupted) else "Ctrl-C"
        print(
            f"Interrompu par {name} : le travail en cours est abandonné et ses fichiers "
            "temporaires supprimés ; les rapports et données déjà publiés sont intacts.",
            file=sys.stderr,
        )
        return stop.exit_status if isinstance(stop, Interrupted) else 130
    except OSError as error:
        from .files import user_file_error

        friendly = user_file_error(error, action="lire ou écrire")
        if friendly is None:
            return _defect(error)
        print(f"Erreur : {friendly}", file=sys.stderr)
        return 2
    except Exception as error:  # an unexpected failure is a bug: say so plainly
        return _defect(error)


def _defect(error: Exception) -> int:
    """Report an unexpected failure as what it is: a defect of the program."""
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
