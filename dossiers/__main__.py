"""python -m dossiers migrate | list | show ID | export --format csv|json | delete ID | purge [--days N]
                     | erase --contact EMAIL|TÉLÉPHONE

Exit code: 0 done, 1 nothing found or error (French message on stderr), 2 wrong usage.
Each show, export and erase is logged (logger dossiers.audit: what, which ids or how many,
never a contact nor a project).
"""
from __future__ import annotations

import argparse
import errno
import logging
import os
import stat
import sys
from contextlib import contextmanager
from datetime import date
from typing import Callable, Dict, Iterator, Optional, TextIO

from .export import write_csv, write_json
from .model import DEPARTEMENTS, OPERATORS
from .report import full_page, summary_line
from .settings import retention_days, tracker_url
from .store import StorageError, Store
from .trackers import delete_conversations

audit = logging.getLogger("dossiers.audit")


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
    erase = commands.add_parser(
        "erase", help="efface, à la demande d'une personne, ses dossiers et les conversations qu'ils désignent",
        description="Efface tous les dossiers de ce courriel ou de ce téléphone (quelle que soit son écriture : "
                    "« 06 12 34 56 78 », « +33612345678 »…) et les conversations enregistrées d'où ils viennent. "
                    "Le contact n'est ni journalisé ni affiché.",
        formatter_class=FrenchHelpFormatter,
    )
    erase.add_argument(
        "--contact", required=True, metavar="COURRIEL|TÉLÉPHONE",
        help="le contact donné dans les dossiers ; « - » le lit sur l'entrée standard (il n'apparaît alors ni "
             "dans l'historique du terminal ni dans la liste des processus)",
    )
    erase.add_argument(
        "--trackers-url", metavar="URL",
        help="adresse SQLAlchemy du stockage des conversations de Rasa (défaut : CQP_TRACKER_URL, sinon "
             "CQP_POSTGRES_*, sinon var/tracker.db)",
    )
    _add_url(erase)
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
        audit.info("consultation : aucun dossier %s", _id_shown(args.id))
        return _nothing(f"Aucun dossier avec l'identifiant {args.id}.")
    audit.info("consultation du dossier %s", dossier.id)
    print(full_page(dossier))
    return 0


def run_export(store: Store, args: argparse.Namespace) -> int:
    dossiers = store.find(**_filters(args))
    write = write_csv if args.format == "csv" else write_json
    # The filters are dates, a département and an operator: nothing that names a person.
    filters = ", ".join(f"{name}={value}" for name, value in _filters(args).items() if value is not None)
    with _output(args.output) as out:
        # Logged once the destination is accepted, before a byte is written.
        audit.info("export %s de %d dossier(s) vers %s (filtres : %s)", args.format, len(dossiers),
                   "un fichier" if args.output else "la sortie standard", filters or "aucun")
        write(dossiers, out)
    if args.output:
        print(f"{len(dossiers)} dossier(s) exporté(s) dans {args.output}.", file=sys.stderr)
    return 0 if dossiers else _nothing("Aucun dossier ne correspond : l'export est vide.")


def _id_shown(text: str) -> str:
    # An unknown id is whatever was typed: shown only when it looks like an id.
    return text if len(text) == 36 and all(ch in "0123456789abcdef-" for ch in text) else "(identifiant mal formé)"


@contextmanager
def _output(path: Optional[str]) -> Iterator[TextIO]:
    if not path:
        yield sys.stdout
        return
    # Readable by its owner only, even when the file was there before: an export holds
    # contacts. A symbolic link is refused rather than followed: it could send the export
    # anywhere its author chose. O_NONBLOCK: a named pipe is refused instead of waited on.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ValueError(f"« {path} » est un lien symbolique : indiquez le fichier lui-même.") from None
        if error.errno == errno.ENXIO:
            raise ValueError(f"« {path} » n'est pas un fichier ordinaire.") from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ValueError(f"« {path} » n'est pas un fichier ordinaire.")
        os.set_blocking(descriptor, True)
        os.fchmod(descriptor, 0o600)
        os.ftruncate(descriptor, 0)
    except BaseException:
        os.close(descriptor)
        raise
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


def run_erase(store: Store, args: argparse.Namespace) -> int:
    contact = sys.stdin.readline().strip() if args.contact == "-" else args.contact
    found = store.find_contact(contact)
    if not found:
        audit.info("effacement à la demande d'une personne : aucun dossier pour ce contact")
        return _nothing("Aucun dossier pour ce contact : rien n'a été effacé.")
    # The conversations first: once the dossiers are gone, nothing names them any more.
    # Run again after a failure, the same dossiers find the same conversations.
    conversations = delete_conversations(args.trackers_url or tracker_url(), {c for _, c in found})
    deleted = store.delete_many(d for d, _ in found)
    audit.info("effacement à la demande d'une personne : %d dossier(s) (%s) et %d conversation(s) effacé(s)",
               deleted, " ".join(d for d, _ in found), conversations)
    print(f"{deleted} dossier(s) et {conversations} conversation(s) effacé(s).")
    return 0


COMMANDS: Dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "migrate": run_migrate,
    "list": run_list,
    "show": run_show,
    "export": run_export,
    "delete": run_delete,
    "purge": run_purge,
    "erase": run_erase,
}


if __name__ == "__main__":
    # Exports and pages are UTF-8 whatever the terminal's locale says.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    # The package's own records only (what was consulted, exported, deleted: ids and
    # counts), on stderr, where the container's log collects them; not SQLAlchemy's.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s - %(message)s"))
    logging.getLogger("dossiers").addHandler(handler)
    logging.getLogger("dossiers").setLevel(logging.INFO)
    sys.exit(main())
