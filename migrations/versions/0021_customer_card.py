"""The customer card: details, several phones, tags, a version; the card's edits in the
history; indexes for searching customers by a part of the name or phone, and for a manager's
customers

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

_FOLD = str.maketrans({"İ": "i", "I": "i", "ı": "i"})


def _trigram(name: str, table: str, column: str) -> None:
    op.create_index(
        name,
        table,
        [column],
        postgresql_using="gin",
        postgresql_ops={column: "gin_trgm_ops"},
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # A trusted extension since PostgreSQL 13: whoever may create tables may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # In place with constant defaults: SQLite would otherwise copy the table, which deals and
    # users refer to.
    for column in (
        sa.Column("name_key", sa.String(length=256), server_default="", nullable=False),
        sa.Column("company", sa.String(length=128), nullable=True),
        sa.Column("address", sa.String(length=256), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("birthday", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    ):
        op.add_column("customers", column)
    bind = op.get_bind()
    table = sa.table("customers", sa.column("id"), sa.column("name"), sa.column("name_key"))
    for row_id, name in bind.execute(sa.select(table.c.id, table.c.name)).all():
        key = " ".join((name or "").translate(_FOLD).lower().split())
        bind.execute(table.update().where(table.c.id == row_id).values(name_key=key))
    _trigram("ix_customers_name_key", "customers", "name_key")
    _trigram("ix_customers_phone_part", "customers", "phone")
    op.create_table(
        "customer_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("main", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_phones_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_phones")),
        sa.UniqueConstraint("customer_id", "phone", name=op.f("uq_customer_phones_customer_id")),
    )
    _trigram("ix_customer_phones_phone", "customer_phones", "phone")
    op.create_table(
        "customer_tag_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_tag_names")),
        sa.UniqueConstraint("name", name=op.f("uq_customer_tag_names_name")),
    )
    op.create_table(
        "customer_tags",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_customer_tags_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["customer_tag_names.id"],
            name=op.f("fk_customer_tags_tag_id_customer_tag_names"),
        ),
        sa.PrimaryKeyConstraint("customer_id", "tag_id", name=op.f("pk_customer_tags")),
    )
    op.create_index("ix_customer_tags_tag", "customer_tags", ["tag_id", "customer_id"])
    op.create_index("ix_deals_manager_customer", "deals", ["manager_id", "customer_id"])
    with op.batch_alter_table("events") as events:
        events.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        events.create_foreign_key(
            op.f("fk_events_customer_id_customers"), "customers", ["customer_id"], ["id"]
        )
        events.create_index(op.f("ix_events_customer_id"), ["customer_id"])


def downgrade() -> None:
    with op.batch_alter_table("events") as events:
        events.drop_index(op.f("ix_events_customer_id"))
        events.drop_constraint(op.f("fk_events_customer_id_customers"), type_="foreignkey")
        events.drop_column("customer_id")
    op.drop_index("ix_deals_manager_customer", table_name="deals")
    op.drop_index("ix_customer_tags_tag", table_name="customer_tags")
    op.drop_table("customer_tags")
    op.drop_table("customer_tag_names")
    op.drop_index("ix_customer_phones_phone", table_name="customer_phones")
    op.drop_table("customer_phones")
    op.drop_index("ix_customers_phone_part", table_name="customers")
    op.drop_index("ix_customers_name_key", table_name="customers")
    for column in ("version", "notes", "birthday", "language", "address", "company", "name_key"):
        op.drop_column("customers", column)
