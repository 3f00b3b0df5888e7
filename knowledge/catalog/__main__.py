"""python -m knowledge.catalog import <export> [--db FILE] | search <words> | show <number> | branches"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .. import today
from . import IMPORTED, catalog
from .build import build
from .export import ExportError


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge.catalog", description="Catalogue des certifications (RNCP/RS).")
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("import", help="construit le catalogue depuis un export France compétences (zip ou dossier)")
    load.add_argument("export", type=Path)
    load.add_argument("--db", type=Path, default=IMPORTED, help=f"fichier SQLite à écrire (défaut : {IMPORTED})")
    find = commands.add_parser("search", help="cherche une certification par nom ou numéro")
    find.add_argument("words", nargs="+")
    show = commands.add_parser("show", help="affiche une fiche")
    show.add_argument("number")
    commands.add_parser("branches", help="liste les branches et leur nombre de CQP")
    args = parser.parse_args(argv)

    if args.command == "import":
        started = time.perf_counter()
        try:
            counts = build(args.export, args.db)
        except ExportError as error:
            print(f"Import refusé, le catalogue existant n'a pas changé.\n{error}", file=sys.stderr)
            return 1
        took = time.perf_counter() - started
        print(f"Catalogue écrit dans {args.db} en {took:.1f} s : " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        return 0
    if args.command == "search":
        result = catalog().search(" ".join(args.words), today())
        for match in result.matches:
            c = match.certification
            print(f"{match.score:5.1f}  {c.number:<10} {c.registration(today()).value:<8} {c.title}")
        return 0 if result.matches else 1
    if args.command == "show":
        fiche = catalog().get(args.number)
        if fiche is None:
            print(f"{args.number} : pas dans le catalogue", file=sys.stderr)
            return 1
        print(fiche)
        return 0
    for branch in catalog().branches():
        print(f"{branch.cqp_count:4}  {branch.id:<28} {branch.label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
