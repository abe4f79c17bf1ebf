"""Fields the owner defines through /fields, as the fields' tests need them."""

from __future__ import annotations

from tests.support.deals import OLGA
from tests.support.harness import Harness

EDITOR = 950  # the message id of the owner's /fields


async def add_field(tg: Harness, entity: int, kind: int, names: list[str | None]) -> None:
    """Through the editor: ➕, the entity, the kind, then each name (None: Same as English)."""
    await tg.press(OLGA, "fd:a:0:0", message_id=EDITOR)
    await tg.press(OLGA, "fd:e:0:" + str(entity), message_id=EDITOR)
    await tg.press(OLGA, f"fd:k:{entity}:{kind}", message_id=EDITOR)
    for name in names:
        if name is None:
            await tg.press(OLGA, "fd:s:0:0", message_id=EDITOR)
        else:
            await tg.send(OLGA, name)
