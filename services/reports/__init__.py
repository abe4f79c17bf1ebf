"""Owners see the business: periods, SQL figures, digests and exports."""

from __future__ import annotations
