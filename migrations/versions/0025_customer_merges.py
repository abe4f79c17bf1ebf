"""Customer merges an owner can undo: the merge record (with the numbers, tags and card events
it moved), the merged record's mark, e-mails found

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place, not by copying the table: deals refer to it.
    op.add_column("customers", sa.Column("merged_into_id", sa.Integer(), nullable=True))
    op.create_index("ix_customers_email", "customers", ["email"])
    op.create_table(
        "customer_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("into_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("other", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("filled", sa.JSON(), nullable=False),
        sa.Column("deals", sa.JSON(), nullable=False),
        sa.Column("phoned", sa.JSON(), nullable=False),
        sa.Column("field_values", sa.JSON(), nullable=False),
        sa.Column("phones", sa.JSON(), nullable=False),
        sa.Column("main_phone", sa.Integer(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("merged_by", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_by", sa.Integer(), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["merged_by"], ["users.id"], name=op.f("fk_customer_merges_merged_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["undone_by"], ["users.id"], name=op.f("fk_customer_merges_undone_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_merges")),
    )
    op.create_index("ix_customer_merges_into_id", "customer_merges", ["into_id"])
    op.create_index("ix_customer_merges_other_id", "customer_merges", ["other_id"])
    op.create_index("ix_customer_merges_phone", "customer_merges", ["phone"])


def downgrade() -> None:
    op.drop_table("customer_merges")
    op.drop_index("ix_customers_email", "customers")
    op.drop_column("customers", "merged_into_id")
