"""Pre-qualification dossiers: what a visitor consented to send to a CEP advisor.

    store = Store()            # CQP_DOSSIERS_URL, else var/dossiers.sqlite
    store.migrate()            # alembic upgrade head
    dossier_id = store.save(Dossier(...))

No Rasa and no knowledge/ in here: the bot hands over plain values. Personal data
(project, contact, availability, département) is never logged. The advisors' guide is
README.md beside this file; the command line is `python -m dossiers`.
"""
from .model import Dossier
from .settings import DEFAULT_RETENTION_DAYS, database_url
from .store import StorageError, Store

__all__ = ["DEFAULT_RETENTION_DAYS", "Dossier", "StorageError", "Store", "database_url"]
