"""The owner's rules: rules, their runs and timers, deals' tags, outgoing webhook posts, and
which rule made an event

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("trigger_kind", sa.String(length=24), nullable=False),
        sa.Column("trigger", sa.JSON(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("template", sa.String(length=32), nullable=True),
        sa.Column("fired", sa.Integer(), nullable=False),
        sa.Column("last_run_at", _WHEN, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["users.id"], name=op.f("fk_rules_updated_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules")),
    )
    op.create_index(op.f("ix_rules_trigger_kind"), "rules", ["trigger_kind"])
    op.create_table(
        "rule_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=80), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["rules.id"], name=op.f("fk_rule_runs_rule_id_rules"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_rule_runs_deal_id_deals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_runs")),
        sa.UniqueConstraint("rule_id", "deal_id", "event_key", name=op.f("uq_rule_runs_rule_id")),
    )
    op.create_index(op.f("ix_rule_runs_deal_id"), "rule_runs", ["deal_id"])
    op.create_table(
        "rule_timers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("event_key", sa.String(length=80), nullable=False),
        sa.Column("due_at", _WHEN, nullable=False),
        sa.Column("seen_until", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["rules.id"],
            name=op.f("fk_rule_timers_rule_id_rules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_rule_timers_deal_id_deals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_timers")),
        sa.UniqueConstraint(
            "rule_id",
            "deal_id",
            "event_key",
            name=op.f("uq_rule_timers_rule_id"),
        ),
    )
    op.create_index("ix_rule_timers_due", "rule_timers", ["due_at"])
    op.create_index(op.f("ix_rule_timers_deal_id"), "rule_timers", ["deal_id"])
    op.create_table(
        "deal_tags",
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_tags_deal_id_deals")
        ),
        sa.PrimaryKeyConstraint("deal_id", "tag", name=op.f("pk_deal_tags")),
    )
    op.create_table(
        "webhook_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", _WHEN, nullable=False),
        sa.Column("claimed_until", _WHEN, nullable=True),
        sa.Column("sent_at", _WHEN, nullable=True),
        sa.Column("failed_at", _WHEN, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["rules.id"],
            name=op.f("fk_webhook_posts_rule_id_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_posts")),
    )
    op.create_index(
        "ix_webhook_posts_due", "webhook_posts", ["sent_at", "failed_at", "next_attempt_at"]
    )
    with op.batch_alter_table("events") as events:
        events.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as events:
        events.drop_column("rule_id")
    op.drop_index("ix_webhook_posts_due", table_name="webhook_posts")
    op.drop_table("webhook_posts")
    op.drop_table("deal_tags")
    op.drop_index(op.f("ix_rule_timers_deal_id"), table_name="rule_timers")
    op.drop_index("ix_rule_timers_due", table_name="rule_timers")
    op.drop_table("rule_timers")
    op.drop_index(op.f("ix_rule_runs_deal_id"), table_name="rule_runs")
    op.drop_table("rule_runs")
    op.drop_index(op.f("ix_rules_trigger_kind"), table_name="rules")
    op.drop_table("rules")
