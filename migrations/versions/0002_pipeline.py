"""Pipeline: stages can be deleted (kept for history); deal lists by stage and by activity

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index("ix_deals_stage_open", ["stage_id", "closed_at"], unique=False)
        batch_op.create_index(
            "ix_deals_open_activity", ["closed_at", "last_activity_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_open_activity")
        batch_op.drop_index("ix_deals_stage_open")
    with op.batch_alter_table("stages", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
