"""What happened to a deal, as rules see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Happened:
    """`trigger` is a trigger kind (services/rules/model.py) or an internal one a time rule
    counts from; `key` tells this occurrence from another of the same kind (a rule acts once
    per deal per key); `detail` is what the trigger looks at."""

    trigger: str
    deal_id: int
    key: str
    detail: Mapping[str, Any] = field(default_factory=dict)
    depth: int = 0
    by_rule: int | None = None
