"""Deliveries: the date a deal's order is delivered and its tracking number, as a manager typed

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("delivery_on", sa.Date(), nullable=True),
        sa.Column("tracking", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deliveries_deal_id_deals")
        ),
        sa.PrimaryKeyConstraint("deal_id", name=op.f("pk_deliveries")),
    )


def downgrade() -> None:
    op.drop_table("deliveries")
