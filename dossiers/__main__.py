"""python -m dossiers migrate | list | show ID | export --format csv|json | delete ID | purge [--days N]

Exit code: 0 done, 1 nothing found or error (French message on stderr), 2 wrong usage.
"""
from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from datetime import date
from typing import Callable, Dict, Iterator, Optional, TextIO

from .export import write_csv, write_json
from .model import DEPARTEMENTS, OPERATORS
from .report import full_page, summary_line
from .settings import retention_days
from .store import StorageError, Store


class FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="utilisation : " if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
    """argparse with its own words in French, as far as it lets us."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et s'arrête")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        with Store(getattr(args, "url", None)) as store:
            return COMMANDS[args.command](store, args)
    except (StorageError, ValueError, OSError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1


def build_parser() -> FrenchParser:
    parser = FrenchParser(
        prog="python -m dossiers",
        description="Dossiers de pré-qualification transmis aux conseillers en évolution professionnelle (CEP).",
        epilog="Base : --url, sinon la variable CQP_DOSSIERS_URL, sinon var/dossiers.sqlite. Dates et heures en UTC.",
    )
    _add_url(parser)
    commands = parser.add_subparsers(dest="command", required=True, title="commandes", metavar="COMMANDE")
    _add_url(commands.add_parser("migrate", help="crée ou met à jour les tables (alembic upgrade head)"))
    listing = commands.add_parser("list", help="une ligne par dossier : identifiant, date, département, opérateur, certification")
    _add_filters(listing)
    show = commands.add_parser("show", help="affiche un dossier complet, lisible par un conseiller")
    show.add_argument("id", help="identifiant du dossier")
    _add_url(show)
    export = commands.add_parser("export", help="exporte les dossiers en CSV (virgule, UTF-8) ou en JSON")
    export.add_argument("--format", required=True, choices=("csv", "json"), help="format du fichier")
    export.add_argument("--output", metavar="FICHIER", help="fichier à écrire (défaut : la sortie standard)")
    _add_filters(export)
    remove = commands.add_parser("delete", help="supprime un dossier")
    remove.add_argument("id", help="identifiant du dossier")
    _add_url(remove)
    purge = commands.add_parser("purge", help="supprime les dossiers plus anciens que la durée de conservation")
    purge.add_argument(
        "--days", type=_days, metavar="N",
        help="durée de conservation en jours (défaut : CQP_DOSSIERS_RETENTION_DAYS, sinon 180)",
    )
    _add_url(purge)
    return parser


def _add_url(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS on both levels: a subcommand's default would otherwise hide a --url given before it.
    parser.add_argument("--url", default=argparse.SUPPRESS, help="adresse SQLAlchemy de la base (remplace CQP_DOSSIERS_URL)")


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_day, metavar="AAAA-MM-JJ", help="reçus ce jour-là ou après (UTC)")
    parser.add_argument("--until", type=_day, metavar="AAAA-MM-JJ", help="reçus ce jour-là ou avant (UTC)")
    parser.add_argument("--departement", type=_departement, metavar="D", help="département (01 à 95, 2A, 2B, 971 à 976)")
    parser.add_argument("--operator", choices=OPERATORS, metavar="O", help="opérateur CEP : " + ", ".join(OPERATORS))
    _add_url(parser)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une date AAAA-MM-JJ") from None


def _departement(text: str) -> str:
    code = text.strip().upper()
    if code not in DEPARTEMENTS:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un département français")
    return code


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"« {text} » : un nombre entier de jours, au moins 1, est attendu")
    return int(text)


def _filters(args: argparse.Namespace) -> dict:
    return {"since": args.since, "until": args.until, "departement": args.departement, "operator": args.operator}


def _nothing(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def run_migrate(store: Store, args: argparse.Namespace) -> int:
    store.migrate()
    print("Base des dossiers à jour.")
    return 0


def run_list(store: Store, args: argparse.Namespace) -> int:
    dossiers = store.find(**_filters(args))
    for d in dossiers:
        print(summary_line(d))
    return 0 if dossiers else _nothing("Aucun dossier ne correspond.")


def run_show(store: Store, args: argparse.Namespace) -> int:
    dossier = store.get(args.id)
    if dossier is None:
        return _nothing(f"Aucun dossier avec l'identifiant {args.id}.")
    print(full_page(dossier))
    return 0


def run_export(store: Store, args: argparse.Namespace) -> int:
    dossiers = store.find(**_filters(args))
    write = write_csv if args.format == "csv" else write_json
    with _output(args.output) as out:
        write(dossiers, out)
    if args.output:
        print(f"{len(dossiers)} dossier(s) exporté(s) dans {args.output}.", file=sys.stderr)
    return 0 if dossiers else _nothing("Aucun dossier ne correspond : l'export est vide.")


@contextmanager
def _output(path: Optional[str]) -> Iterator[TextIO]:
    if not path:
        yield sys.stdout
        return
    # Readable by its owner only: an export holds contacts.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(descriptor, "w", encoding="utf-8", newline="") as out:
        yield out


def run_delete(store: Store, args: argparse.Namespace) -> int:
    if not store.delete(args.id):
        return _nothing(f"Aucun dossier avec l'identifiant {args.id}.")
    print(f"Dossier {args.id} supprimé.")
    return 0


def run_purge(store: Store, args: argparse.Namespace) -> int:
    days = args.days if args.days is not None else retention_days()
    deleted = store.purge(days)
    print(f"{deleted} dossier(s) reçu(s) il y a plus de {days} jours supprimé(s).")
    return 0


COMMANDS: Dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "migrate": run_migrate,
    "list": run_list,
    "show": run_show,
    "export": run_export,
    "delete": run_delete,
    "purge": run_purge,
}


if __name__ == "__main__":
    # Exports and pages are UTF-8 whatever the terminal's locale says.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    sys.exit(main())
