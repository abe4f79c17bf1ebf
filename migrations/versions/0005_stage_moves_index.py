"""Stage moves index covers the kind too, so a deal's furthest stage is read from it alone

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NAME = "ix_events_stage_moves"
WHERE = "kind IN ('stage', 'reopened')"


def _replace(columns: list[str]) -> None:
    op.drop_index(NAME, table_name="events")
    op.create_index(
        NAME,
        "events",
        columns,
        unique=False,
        sqlite_where=sa.text(WHERE),
        postgresql_where=sa.text(WHERE),
    )


def upgrade() -> None:
    _replace(["deal_id", "to_value", "kind"])


def downgrade() -> None:
    _replace(["deal_id", "to_value"])
