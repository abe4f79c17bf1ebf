"""Whether a deal item's price includes VAT, kept with the item, so a deal's totals stay when the
owner switches the sales setting; the items already on deals take the setting as it is

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place with a default: SQLite would otherwise copy the table, and cannot drop the
    # old one while discounts refer to its rows.
    with op.batch_alter_table("deal_items") as items:
        items.add_column(
            sa.Column("vat_included", sa.Boolean(), server_default="1", nullable=False)
        )
    settings = sa.table(
        "sales_settings", sa.column("id", sa.Integer()), sa.column("vat_included", sa.Boolean())
    )
    setting = sa.select(settings.c.vat_included).where(settings.c.id == 1).scalar_subquery()
    deal_items = sa.table("deal_items", sa.column("vat_included", sa.Boolean()))
    # No row: the owner never changed the settings, and prices include VAT.
    op.execute(deal_items.update().values(vat_included=sa.func.coalesce(setting, sa.true())))
    # Every new item is given its mode; SQLite keeps the default, as it cannot drop one in place.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("deal_items", "vat_included", server_default=None)


def downgrade() -> None:
    # In place on SQLite too (3.35 and later), for the same reason.
    op.drop_column("deal_items", "vat_included")
