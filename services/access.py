"""Who is asking: every service action starts from an Actor and checks it."""

from __future__ import annotations

from dataclasses import dataclass

from services.db.deals import Deal
from services.db.users import User
from services.errors import AccessDenied

OWNER, MANAGER, CUSTOMER = "owner", "manager", "customer"


@dataclass(frozen=True)
class Actor:
    user_id: int
    tg_id: int
    role: str
    first_name: str
    locale: str

    @property
    def is_owner(self) -> bool:
        return self.role == OWNER

    @property
    def is_staff(self) -> bool:
        return self.role in (OWNER, MANAGER)


def effective_role(user: User) -> str:
    if user.role == MANAGER and not user.is_active:
        return CUSTOMER
    return user.role


def actor_of(user: User, default_locale: str) -> Actor:
    return Actor(
        user_id=user.id,
        tg_id=user.tg_id,
        role=effective_role(user),
        first_name=user.first_name,
        locale=locale_of(user, default_locale),
    )


SUPPORTED_LOCALES = ("en", "az", "ru")


def locale_of(user: User, default_locale: str) -> str:
    if user.language in SUPPORTED_LOCALES:
        return user.language
    code = (user.tg_language or "").split("-")[0].lower()
    return code if code in SUPPORTED_LOCALES else default_locale


def require_owner(actor: Actor) -> None:
    if not actor.is_owner:
        raise AccessDenied()


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise AccessDenied()


def require_deal(actor: Actor, deal: Deal) -> None:
    """The owner works every deal; a manager only the deals assigned to them."""
    if actor.is_owner:
        return
    if actor.role == MANAGER and deal.manager_id == actor.user_id:
        return
    raise AccessDenied()
