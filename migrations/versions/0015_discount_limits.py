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
    with op.batch_alter_table("discounts") as discounts:
        discounts.add_column(
            sa.Column("limited", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("discounts") as discounts:
        discounts.drop_column("limited")
