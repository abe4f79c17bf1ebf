"""Which discounts count against the managers' limit: a manager's own, not an owner's, a rule's
or one the owners approved. Discounts given before are left as they are (not counted).

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place with a constant default: SQLite would otherwise copy the table, and the
    # copy would lose AUTOINCREMENT, letting a removed discount's id be given again.
    with op.batch_alter_table("discounts") as discounts:
        discounts.add_column(
            sa.Column("limited", sa.Boolean(), server_default="0", nullable=False)
        )
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("discounts", "limited", server_default=None)


def downgrade() -> None:
    # In place on SQLite too (3.35 and later), for the same reason.
    op.drop_column("discounts", "limited")
