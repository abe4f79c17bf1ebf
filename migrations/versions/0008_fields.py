"""Fields the business defines for deals and customers, and their values

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_defs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_defs")),
        sa.UniqueConstraint("entity", "key", name=op.f("uq_field_defs_entity")),
    )
    op.create_table(
        "field_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=8), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["field_defs.id"],
            name=op.f("fk_field_values_field_id_field_defs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_values")),
        sa.UniqueConstraint("field_id", "object_id", name=op.f("uq_field_values_field_id")),
    )
    op.create_index("ix_field_values_object", "field_values", ["entity", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_field_values_object", table_name="field_values")
    op.drop_table("field_values")
    op.drop_table("field_defs")
