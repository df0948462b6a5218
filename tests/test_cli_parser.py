"""The command line speaks French: argparse's own messages, translated, as the other errors."""

from __future__ import annotations

import argparse

import pytest
from support.cli import ressol

from ressol_analysis.cli_parser import FrenchParser, french_error


def english_error(args: list[str]) -> str:
    """The message Python's own argparse gives for ``args`` on a small parser."""
    parser = argparse.ArgumentParser(prog="essai", exit_on_error=False)
    parser.add_argument("fichier")
    parser.add_argument("--nombre", type=int)
    parser.add_argument("--mode", choices=["a", "b"])
    parser.add_argument("--paire", nargs=2)
    parser.add_argument("--territory")
    parser.add_argument("--territoire")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--oui", action="store_true")
    group.add_argument("--non", action="store_true")
    messages = []
    parser.error = messages.append  # keep the message instead of exiting
    try:
        parser.parse_args(args)
    except argparse.ArgumentError as error:
        return str(error)
    return messages[0]


@pytest.mark.parametrize(
    ("args", "french"),
    [
        ([], "arguments obligatoires manquants : fichier"),
        (["f", "--nombre"], "argument --nombre : une valeur est attendue"),
        (["f", "--nombre", "x"], "argument --nombre : valeur invalide : 'x'"),
        (
            ["f", "--mode", "c"],
            "argument --mode : choix invalide : 'c' (choix possibles : 'a', 'b')",
        ),
        (["f", "--paire", "1"], "argument --paire : 2 valeur(s) attendue(s)"),
        (["f", "--oui", "--non"], "argument --non : incompatible avec l'argument --oui"),
        (["f", "--terr", "x"], "option ambiguë : --terr peut désigner --territory, --territoire"),
    ],
)
def test_argparse_messages_of_this_python_are_translated(args, french):
    assert french_error(english_error(args)) == french


def test_unknown_message_is_kept_as_it_is():
    assert french_error("something new") == "something new"


def test_bad_command_line_is_a_french_error_with_the_usage_and_where_help_is():
    result = ressol(".", "rapport")
    assert result.returncode == 2
    first, usage, hint = result.stderr.splitlines()[:3]
    assert first.startswith("Erreur : argument COMMANDE : choix invalide : 'rapport'")
    assert "'report'" in first and "choix possibles" in first
    assert usage.startswith("utilisation : ressol [-h] [--racine DOSSIER] COMMANDE")
    assert hint == "Aide : ressol --help"
    extra = ressol(".", "data", "check", "--en-trop")
    assert extra.returncode == 2
    assert extra.stderr.startswith("Erreur : arguments non reconnus : --en-trop")


def test_sub_commands_speak_french_too():
    parser = FrenchParser(prog="essai")
    commands = parser.add_subparsers(dest="commande", required=True, metavar="COMMANDE")
    sub = commands.add_parser("faire", help="faire quelque chose")
    sub.add_argument("--output")
    text = sub.format_help()
    assert text.startswith("utilisation : essai faire [-h] [--output SORTIE]")
    assert "afficher cette aide et quitter" in text
    assert "commandes:" in parser.format_help() and "positional" not in parser.format_help()
