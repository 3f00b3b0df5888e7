"""Keeps the retention periods the privacy page announces: deletes the dossiers older than
CQP_DOSSIERS_RETENTION_DAYS and the conversations idle for more than
CQP_CONVERSATIONS_RETENTION_DAYS, now and then every `--every-hours` hours.

    python scripts/housekeeping.py --once          # one pass (cron, a Kubernetes CronJob)
    python scripts/housekeeping.py --every-hours 24  # a pass a day (make run, make stack, compose)

Logs counts only. A failed pass (a database down) is logged and tried again at the next one.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

import dossiers  # noqa: E402
from bot.stores import retention  # noqa: E402
from dossiers.settings import retention_days as dossier_retention_days  # noqa: E402

log = logging.getLogger("housekeeping")


def one_pass() -> bool:
    ok = True
    try:
        with dossiers.Store() as store:
            # Not migrated yet (no dossier ever written): nothing to purge, and the action
            # server creates the table at its first dossier.
            count = store.purge() if sa.inspect(store.engine).has_table("dossier") else 0
            log.info("dossiers effacés (plus de %d jours) : %d", dossier_retention_days(), count)
    except (dossiers.StorageError, ValueError) as error:
        log.error("purge des dossiers impossible : %s", error)
        ok = False
    try:
        count = retention.purge_conversations(retention.tracker_url())
        log.info("conversations effacées (inactives depuis plus de %d jours) : %d", retention.retention_days(), count)
    except Exception as error:  # the kind only: a driver's message may quote rows
        log.error("purge des conversations impossible (%s)", type(error).__name__)
        ok = False
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    when = parser.add_mutually_exclusive_group(required=True)
    when.add_argument("--once", action="store_true", help="une seule passe, puis s'arrête")
    when.add_argument("--every-hours", type=float, metavar="H", help="une passe maintenant, puis toutes les H heures")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s - %(message)s")
    if args.once:
        return 0 if one_pass() else 1
    if args.every_hours <= 0:
        parser.error("--every-hours doit être positif")
    while True:
        one_pass()
        time.sleep(args.every_hours * 3600)


if __name__ == "__main__":
    sys.exit(main())
