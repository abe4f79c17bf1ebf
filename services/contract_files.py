"""The owner's contract template: a Word file checked before it is kept (every placeholder it
names must be one Axın fills), the newest one in use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services import contract_templates, processes
from services.access import Actor, require_owner
from services.db.documents import ContractTemplate, Document
from services.field_kinds import DEAL
from services.field_views import definitions

NAME_LENGTH = 256


@dataclass(frozen=True)
class Saved:
    """`unknown` names what the template may not use; when there is any, nothing was kept."""

    placeholders: tuple[str, ...]
    unknown: tuple[str, ...]


async def field_keys(session: AsyncSession) -> list[str]:
    return [f.key for f in await definitions(session) if f.entity == DEAL]


async def save(
    session: AsyncSession, actor: Actor, name: str, data: bytes, now: datetime
) -> Saved:
    """Raises contract_templates.TemplateInvalid for a file that is not a usable template,
    one that fails when filled with sample values among them."""
    require_owner(actor)
    keys = await field_keys(session)
    await session.commit()
    # In the worker process: a large template's XML would hold the interpreter.
    checked = await processes.run(contract_templates.trial, data, keys)
    if checked.unknown:
        return Saved(checked.placeholders, checked.unknown)
    session.add(
        ContractTemplate(
            name=name[:NAME_LENGTH] or "contract.docx",
            data=data,
            placeholders=list(checked.placeholders),
            created_by=actor.user_id,
            created_at=now,
        )
    )
    await session.commit()
    return Saved(checked.placeholders, ())


async def current(session: AsyncSession) -> ContractTemplate | None:
    return (
        await session.scalars(
            select(ContractTemplate).order_by(ContractTemplate.id.desc()).limit(1)
        )
    ).first()


async def used_by(session: AsyncSession, document: Document) -> ContractTemplate:
    """The template a contract was made from."""
    return await session.get_one(ContractTemplate, document.content["template_id"])
