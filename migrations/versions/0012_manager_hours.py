"""A manager's own working hours, for who gets a request

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("work_days", sa.Integer(), nullable=True))
        users.add_column(sa.Column("work_start", sa.Integer(), nullable=True))
        users.add_column(sa.Column("work_end", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.drop_column("work_end")
        users.drop_column("work_start")
        users.drop_column("work_days")
