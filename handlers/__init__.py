from __future__ import annotations

from aiogram import Router

from handlers import customer, fallback, staff, start, team


def get_routers() -> list[Router]:
    """In order of precedence; the catch-all fallback comes last."""
    return [start.router(), team.router(), staff.router(), customer.router(), fallback.router()]
