from __future__ import annotations

from aiogram import Router

from handlers import (
    apitokens,
    assignment,
    catalog,
    catalog_files,
    contracts,
    customer,
    deal_inputs,
    deal_lists,
    deals,
    discounts,
    fallback,
    field_values,
    fields,
    groups,
    inline,
    items,
    merge,
    report_settings,
    reports,
    rule_builder,
    rule_files,
    rule_standard,
    rule_templates,
    rules,
    staff,
    stages,
    start,
    tasks,
    team,
    team_members,
)


def get_routers() -> list[Router]:
    """In order of precedence; the catch-all fallback comes last. Customers' messages are
    taken right after /start and /cancel: no staff router has anything for them, and the
    customer router's own filter lets staff pass straight through."""
    return [
        start.router(),
        customer.router(),
        team.router(),
        team_members.router(),
        assignment.router(),
        reports.router(),
        report_settings.router(),
        stages.router(),
        fields.router(),
        catalog.router(),
        items.router(),
        discounts.router(),
        inline.router(),
        rule_builder.router(),
        rules.router(),
        rule_templates.router(),
        rule_standard.router(),
        field_values.router(),
        rule_files.router(),
        catalog_files.router(),
        tasks.router(),
        contracts.router(),
        apitokens.router(),
        merge.router(),
        deal_inputs.router(),
        deals.router(),
        deal_lists.router(),
        staff.router(),
        groups.router(),
        fallback.router(),
    ]
