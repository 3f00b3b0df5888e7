"""Adds health_consent_at: when the visitor agreed, apart from the dossier's consent, to
answer the question on a recognised disability (RQTH, health data under RGPD art. 9).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("dossier", sa.Column("health_consent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("health_consent_at")
