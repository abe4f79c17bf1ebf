"""Lead sources: the owner's own sources of requests, offered next to the built-in ones when
staff enter a request by hand

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lead_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_lead_sources_name")),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("lead_sources")
