from __future__ import annotations

from aiogram import Router

from handlers import get_routers


def _all(router: Router) -> list[Router]:
    return [router, *(r for child in router.sub_routers for r in _all(child))]


def test_every_filter_is_a_coroutine() -> None:
    """aiogram runs synchronous filters (such as `F.text`) in a worker thread; on every
    update that hop costs more than the handler's own work, so filters stay async."""
    sync = []
    for top in get_routers():
        for router in _all(top):
            for name, observer in router.observers.items():
                filters = [f for h in observer.handlers for f in h.filters or []]
                filters += observer._handler.filters or []
                sync += [
                    f"{router.name}.{name}: {f.callback!r}" for f in filters if not f.awaitable
                ]
    assert sync == []
