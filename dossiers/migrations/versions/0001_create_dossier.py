"""Creates the dossier table.

Revision ID: 0001
Revises:
Create Date: 2026-11-26

"""
from alembic import op
import sqlalchemy as sa

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

INDEXED = ("created_at", "conversation_id", "departement", "operator")


def upgrade() -> None:
    op.create_table(
        "dossier",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("conversation_id", sa.Text(), nullable=False),
        sa.Column("rules_date", sa.Date(), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_version", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("target_number", sa.Text(), nullable=True),
        sa.Column("target_title", sa.Text(), nullable=True),
        sa.Column("branch", sa.Text(), nullable=True),
        sa.Column("route", sa.Text(), nullable=True),
        sa.Column("experience_months", sa.Float(), nullable=True),
        sa.Column("financing", sa.Text(), nullable=True),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("project", sa.Text(), nullable=False),
        sa.Column("departement", sa.Text(), nullable=False),
        sa.Column("contact_kind", sa.Text(), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("availability", sa.Text(), nullable=False),
        sa.Column("operator", sa.Text(), nullable=False),
        sa.Column("operator_reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dossier"),
    )
    for column in INDEXED:
        op.create_index(f"ix_dossier_{column}", "dossier", [column])


def downgrade() -> None:
    for column in INDEXED:
        op.drop_index(f"ix_dossier_{column}", table_name="dossier")
    op.drop_table("dossier")
