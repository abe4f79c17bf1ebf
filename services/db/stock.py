"""Stock held by deals: what each deal that entered a reserving stage holds of each product
whose stock is counted."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.db.base import Base, UtcDateTime


class Reservation(Base):
    """A deal's hold on a product: the quantity its items need, kept while the deal holds
    stock (`Deal.reserved_at`); the product's available stock is its stock less every hold."""

    __tablename__ = "reservations"
    __table_args__ = (UniqueConstraint("deal_id", "product_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
