"""Reports: owners' report settings, digests sent once per period, indices for the figures

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PARTIAL_INDEXES = [
    (
        "ix_events_first_response",
        ["deal_id", "created_at"],
        "kind IN ('taken', 'first_response')",
    ),
    ("ix_events_stage_moves", ["deal_id", "to_value"], "kind IN ('stage', 'reopened')"),
]


def upgrade() -> None:
    op.create_table(
        "report_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("daily", sa.Boolean(), nullable=False),
        sa.Column("weekly", sa.Boolean(), nullable=False),
        sa.Column("digest_at", sa.Integer(), nullable=False),
        sa.Column("sla_minutes", sa.Integer(), nullable=False),
        sa.Column("work_days", sa.Integer(), nullable=False),
        sa.Column("work_start", sa.Integer(), nullable=False),
        sa.Column("work_end", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_report_settings_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_report_settings")),
    )
    op.create_table(
        "sent_digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("span", sa.String(length=4), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sent_digests_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_digests")),
        sa.UniqueConstraint("user_id", "span", "first_day", name=op.f("uq_sent_digests_user_id")),
    )
    for name, columns, where in PARTIAL_INDEXES:
        op.create_index(
            name,
            "events",
            columns,
            unique=False,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index("ix_deals_closed_at", ["closed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_closed_at")
    for name, _columns, _where in PARTIAL_INDEXES:
        op.drop_index(name, table_name="events")
    op.drop_table("sent_digests")
    op.drop_table("report_settings")
