"""The command line's parser, in French: help headings, usage line and errors.

:mod:`argparse` writes its own words in English (``usage:``, ``options:``, ``show this help
message and exit``, ``the following arguments are required``). A consultant reads the command's
help and errors in French, so :class:`FrenchParser` gives the headings and the ``-h`` line in
French and translates argparse's error messages (:data:`ERRORS`) before printing them as the
command's other errors are printed (``Erreur : …``, exit status 2).
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

# argparse's error messages (Python 3.11 to 3.13) and their French; an unknown one is printed
# as it is, after the French « Erreur : ».
ERRORS: list[tuple[str, str]] = [
    (r"the following arguments are required: (.+)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.+)", r"arguments non reconnus : \1"),
    (
        r"argument (.+?): invalid choice: (.+?) \(choose from (.+)\)",
        r"argument \1 : choix invalide : \2 (choix possibles : \3)",
    ),
    (r"argument (.+?): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"argument (.+?): expected at least one argument", r"argument \1 : au moins une valeur"),
    (r"argument (.+?): expected (\d+) arguments?", r"argument \1 : \2 valeur(s) attendue(s)"),
    (r"argument (.+?): invalid (\w+) value: (.+)", r"argument \1 : valeur invalide : \3"),
    (
        r"argument (.+?): not allowed with argument (.+)",
        r"argument \1 : incompatible avec l'argument \2",
    ),
    (r"argument (.+?): ignored explicit argument (.+)", r"argument \1 : valeur inattendue \2"),
    (r"ambiguous option: (.+?) could match (.+)", r"option ambiguë : \1 peut désigner \2"),
    (r"one of the arguments (.+) is required", r"l'un des arguments \1 est obligatoire"),
]
# Value names shown in the help for the options that have none of their own.
METAVARS = {
    "territory": "TERRITOIRE",
    "output": "SORTIE",
    "processus": "N",
    "racine": "DOSSIER",
}


def french_error(message: str) -> str:
    """The French of an English error ``message`` of argparse (unchanged when unknown).

    Parameters
    ----------
    message : str
        The message argparse passes to :meth:`argparse.ArgumentParser.error`.

    Returns
    -------
    str
        The French message.
    """
    for pattern, french in ERRORS:
        found = re.fullmatch(pattern, message)
        if found:
            return found.expand(french)
    return message


class FrenchHelpFormatter(argparse.HelpFormatter):
    """Help text whose usage line starts with « utilisation : »."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        """Add the usage line with a French prefix."""
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` that speaks French to the consultant.

    Sub-commands made with ``add_subparsers().add_parser`` are French parsers too.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="afficher cette aide et quitter")

    def add_argument(self, *args, **kwargs):
        """Add an argument, with a French value name for the options listed in METAVARS."""
        action = super().add_argument(*args, **kwargs)
        if action.option_strings and action.metavar is None and action.dest in METAVARS:
            action.metavar = METAVARS[action.dest]
        return action

    def add_subparsers(self, **kwargs):
        """Sub-commands parsed by French parsers, listed under « commandes »."""
        kwargs.setdefault("parser_class", FrenchParser)
        kwargs.setdefault("title", "commandes")
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        """Print the error in French, the usage line and where the help is; exit status 2."""
        sys.stderr.write(f"Erreur : {french_error(message)}\n")
        self.print_usage(sys.stderr)
        self.exit(2, f"Aide : {self.prog} --help\n")
