"""Several workers: a chat's outbox rows are claimed whole by one sender, updates held by a named
worker, and named leases for what one process does at a time

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_chats",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("worker", sa.String(length=64), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_outbox_chats")),
    )
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )
    with op.batch_alter_table("outbox") as outbox:
        outbox.drop_column("claimed_until")
    with op.batch_alter_table("inbox") as inbox:
        inbox.add_column(sa.Column("holder", sa.String(length=64), nullable=True))
        inbox.create_index("ix_inbox_chat", ["chat_id", "update_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("inbox") as inbox:
        inbox.drop_index("ix_inbox_chat")
        inbox.drop_column("holder")
    with op.batch_alter_table("outbox") as outbox:
        outbox.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
    op.drop_table("leases")
    op.drop_table("outbox_chats")
