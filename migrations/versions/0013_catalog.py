"""What is being sold: the catalog (categories, products, measure sets), the sales settings,
and on each deal its items, measurements and discounts

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
    )
    op.create_table(
        "measure_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_sets")),
    )
    op.create_table(
        "sales_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vat_included", sa.Boolean(), nullable=False),
        sa.Column("manager_discount_limit", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_settings")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("search", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("photo_file_id", sa.String(length=256), nullable=True),
        sa.Column("stock", sa.Numeric(precision=14, scale=3), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("measure_set_id", sa.Integer(), nullable=True),
        sa.Column("formula", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_products_category_id_categories")
        ),
        sa.ForeignKeyConstraint(
            ["measure_set_id"],
            ["measure_sets.id"],
            name=op.f("fk_products_measure_set_id_measure_sets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("code", name=op.f("uq_products_code")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_products_category_id"), ["category_id"], unique=False)
        batch_op.create_index("ix_products_active_search", ["active", "search"], unique=False)

    op.create_table(
        "deal_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_measures_deal_id_deals")
        ),
        sa.ForeignKeyConstraint(
            ["set_id"], ["measure_sets.id"], name=op.f("fk_deal_measures_set_id_measure_sets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_measures")),
    )
    with op.batch_alter_table("deal_measures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_measures_deal_id"), ["deal_id"], unique=False)

    op.create_table(
        "deal_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("vat_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_items_deal_id_deals")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["deal_measures.id"],
            name=op.f("fk_deal_items_measure_id_deal_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_deal_items_product_id_products")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_items")),
    )
    with op.batch_alter_table("deal_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_items_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_items_product_id"), ["product_id"], unique=False)

    op.create_table(
        "discounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_discounts_by_id_users")),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_discounts_deal_id_deals")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["deal_items.id"], name=op.f("fk_discounts_item_id_deal_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discounts")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("discounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discounts_deal_id"), ["deal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("discounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discounts_deal_id"))

    op.drop_table("discounts")
    with op.batch_alter_table("deal_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_items_product_id"))
        batch_op.drop_index(batch_op.f("ix_deal_items_deal_id"))

    op.drop_table("deal_items")
    with op.batch_alter_table("deal_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deal_measures_deal_id"))

    op.drop_table("deal_measures")
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_active_search")
        batch_op.drop_index(batch_op.f("ix_products_category_id"))

    op.drop_table("products")
    op.drop_table("sales_settings")
    op.drop_table("measure_sets")
    op.drop_table("categories")
