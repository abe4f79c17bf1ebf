"""The rules every business starts with (a request not taken in time moved on, the missed-call
call-back, contract renewal reminders, customer notices on 🔔 stages, the overdue-task report):
switched and changed by owners; how far each request was moved on

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "standard_rules",
        sa.Column("key", sa.String(length=24), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("fired", sa.Integer(), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_standard_rules_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_standard_rules")),
    )
    with op.batch_alter_table("deals") as deals:
        deals.add_column(sa.Column("escalated", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("deals") as deals:
        deals.drop_column("escalated")
    op.drop_table("standard_rules")
