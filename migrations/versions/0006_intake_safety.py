"""Updates kept before they are acknowledged, conversations kept across restarts, a request's own
phone number, a lead's e-mail and source, and the outbox's priority

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_inbox")),
    )
    op.create_index("ix_inbox_pending", "inbox", ["handled_at", "update_id"], unique=False)
    op.create_table(
        "conversations",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("state", sa.String(length=160), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_conversations")),
    )
    with op.batch_alter_table("customers") as customers:
        customers.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("deals") as deals:
        deals.add_column(sa.Column("source_detail", sa.String(length=64), nullable=True))
        deals.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
        deals.create_index(op.f("ix_deals_phone"), ["phone"], unique=False)
    with op.batch_alter_table("outbox") as outbox:
        outbox.add_column(sa.Column("priority", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as outbox:
        outbox.drop_column("priority")
    with op.batch_alter_table("deals") as deals:
        deals.drop_index(op.f("ix_deals_phone"))
        deals.drop_column("phone")
        deals.drop_column("source_detail")
    with op.batch_alter_table("customers") as customers:
        customers.drop_column("email")
    op.drop_table("conversations")
    op.drop_index("ix_inbox_pending", table_name="inbox")
    op.drop_table("inbox")
