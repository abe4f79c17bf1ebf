"""What the business sells: categories, products and services, the measurements some of them ask
for; on each deal, its items, the measurements typed for them and the discounts given."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)
    # A deleted category stays as a row; its products are left without one.
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class MeasureSet(Base):
    """Named inputs several products may share (a room: length and width in metres). `inputs`
    is a list of {"key": …, "names": {language: name}, "unit": …}."""

    __tablename__ = "measure_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    inputs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Product(Base):
    """A product or a service. `search` is its names and code folded for matching what a
    person types; a product with a measure set gets its quantity from `formula`."""

    __tablename__ = "products"
    # Search walks the active products in order of `search`, reading only this index.
    __table_args__ = (Index("ix_products_active_search", "active", "search"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(32), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(JSON)
    search: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    unit: Mapped[str] = mapped_column(String(8))
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # Percent; None: no VAT on it.
    vat_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    photo_file_id: Mapped[str | None] = mapped_column(String(256))
    stock: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    measure_set_id: Mapped[int | None] = mapped_column(ForeignKey("measure_sets.id"))
    formula: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class SalesSettings(Base):
    """The business's one row (id 1), absent until the owner changes something: whether prices
    include VAT, and the largest discount a manager may give without the owner."""

    __tablename__ = "sales_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vat_included: Mapped[bool] = mapped_column(Boolean)
    # Percent of what is discounted.
    manager_discount_limit: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DealMeasure(Base):
    """Measurements typed on a deal for one measure set (`values`: key → decimal string); every
    item that reads them is counted again when they change."""

    __tablename__ = "deal_measures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("measure_sets.id"))
    values: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DealItem(Base):
    """A line of a deal: the price, VAT rate and unit as they were when it was added, and whether
    its price includes VAT: the sales setting then, or the mode of the deal's other items, so
    a deal's items share one mode and its totals stay when the owner switches the setting."""

    __tablename__ = "deal_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("deal_measures.id"))
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    unit: Mapped[str] = mapped_column(String(8))
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    vat_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    vat_included: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Discount(Base):
    """On one item, or on the whole deal when `item_id` is None: a percent or an amount, given
    by a person (`by_id`) or a rule (`rule_id`). `state` is applied, or pending while the owner
    has not approved one above the manager's limit."""

    __tablename__ = "discounts"
    # Ids are never used again (SQLite would reuse a deleted row's): the owners' question and
    # the answer to the manager name a discount by its id.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("deal_items.id"))
    kind: Mapped[str] = mapped_column(String(8))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rule_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(8))
    # A manager's, counted against their limit; not an owner's, a rule's, or one the owners
    # approved.
    limited: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
