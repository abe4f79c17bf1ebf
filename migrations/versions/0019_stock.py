"""Stock held by deals: stages that reserve it, when a deal began to hold it, and what it holds
of each product

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place with a constant default (SQLite would otherwise copy the table), kept so
    # that a stage written without naming it does not reserve.
    with op.batch_alter_table("stages") as stages:
        stages.add_column(sa.Column("reserves", sa.Boolean(), server_default="0", nullable=False))
    with op.batch_alter_table("deals") as deals:
        deals.add_column(sa.Column("reserved_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_reservations_deal_id_deals")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_reservations_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservations")),
        sa.UniqueConstraint("deal_id", "product_id", name=op.f("uq_reservations_deal_id")),
    )
    op.create_index(
        op.f("ix_reservations_product_id"), "reservations", ["product_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_reservations_product_id"), table_name="reservations")
    op.drop_table("reservations")
    # In place on SQLite too (3.35 and later), for the same reason.
    op.drop_column("deals", "reserved_at")
    op.drop_column("stages", "reserves")
