from __future__ import annotations

from aiogram import Router

from handlers import (
    apitokens,
    contracts,
    customer,
    deal_inputs,
    deal_lists,
    deals,
    fallback,
    report_settings,
    reports,
    staff,
    stages,
    start,
    tasks,
    team,
)


def get_routers() -> list[Router]:
    """In order of precedence; the catch-all fallback comes last."""
    return [
        start.router(),
        team.router(),
        reports.router(),
        report_settings.router(),
        stages.router(),
        tasks.router(),
        contracts.router(),
        apitokens.router(),
        deal_inputs.router(),
        deals.router(),
        deal_lists.router(),
        staff.router(),
        customer.router(),
        fallback.router(),
    ]
