"""Customer search: the trigram indexes keep their pending list of new entries, which every
search reads whole, to its least (64 kB rather than 4 MB)

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

_TRIGRAMS = ("ix_customers_name_key", "ix_customers_phone_part", "ix_customer_phones_phone")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in _TRIGRAMS:
            op.execute(f"ALTER INDEX {name} SET (gin_pending_list_limit = 64)")
            # What is pending already moves into the index now, not at the next VACUUM.
            op.execute(f"SELECT gin_clean_pending_list('{name}')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in _TRIGRAMS:
            op.execute(f"ALTER INDEX {name} RESET (gin_pending_list_limit)")
