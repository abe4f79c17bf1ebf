"""Tasks for others and quick replies: a task may be the owners' (no assignee), tasks are
found by who gave them; saved answers to customers, the team's or one person's

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.alter_column("assignee_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index("ix_tasks_giver_open", ["created_by", "done_at"], unique=False)
    op.create_table(
        "quick_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quick_replies_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_quick_replies_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quick_replies")),
    )
    op.create_index(
        "ix_quick_replies_language_user", "quick_replies", ["language", "user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_quick_replies_language_user", table_name="quick_replies")
    op.drop_table("quick_replies")
    # The owners' tasks have no one person to fall to: they go to the first owner.
    op.execute(
        "UPDATE tasks SET assignee_id = (SELECT min(id) FROM users WHERE role = 'owner') "
        "WHERE assignee_id IS NULL"
    )
    op.execute("DELETE FROM tasks WHERE assignee_id IS NULL")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_giver_open")
        batch_op.alter_column("assignee_id", existing_type=sa.Integer(), nullable=False)
