"""Who gets a request: managers' level, capacity, languages and tags, and the business's
chosen strategy

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("level", sa.Integer(), server_default="1", nullable=False))
        users.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
        users.add_column(
            sa.Column("languages", sa.String(length=16), server_default="en az ru", nullable=False)
        )
        users.add_column(
            sa.Column("tags", sa.String(length=200), server_default="", nullable=False)
        )
    op.create_table(
        "assignment_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("strategy", sa.String(length=16), nullable=False),
        sa.Column("level_from", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("tag", sa.String(length=32), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_assignment_rule_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_rule")),
    )


def downgrade() -> None:
    op.drop_table("assignment_rule")
    with op.batch_alter_table("users") as users:
        users.drop_column("tags")
        users.drop_column("languages")
        users.drop_column("capacity")
        users.drop_column("level")
