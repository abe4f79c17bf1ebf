"""Change notification: awaitable conditions for tests and event streams for UIs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from .models import Event

T = TypeVar("T")


class Changes:
    """Wakes every waiter on each state change, so waiting never needs sleep loops."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def until(self, predicate: Callable[[], T | None], timeout: float) -> T:
        """Return predicate()'s first truthy result; TimeoutError after timeout seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            # Taken before checking, so a change between check and wait is not lost.
            event = self._event
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout} s")
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue


class Subscription:
    """An async iterator over events published after it was opened."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()

    def push(self, event: Event | None) -> None:
        self._queue.put_nowait(event)

    def close(self) -> None:
        self._bus.unsubscribe(self)
        self._queue.put_nowait(None)

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        while True:
            event = await self._queue.get()
            if event is None:
                return
            yield event


class EventBus:
    """Fan-out of events to subscriptions (SSE) and synchronous listeners (callbacks)."""

    def __init__(self) -> None:
        self.history: list[Event] = []
        self._subscriptions: list[Subscription] = []
        self._listeners: list[Callable[[Event], None]] = []

    def publish(self, kind: str, chat_id: int | None, data: dict[str, Any]) -> Event:
        event = Event(len(self.history) + 1, kind, chat_id, dict(data))
        self.history.append(event)
        for subscription in list(self._subscriptions):
            subscription.push(event)
        for listener in list(self._listeners):
            listener(event)
        return event

    def subscribe(self) -> Subscription:
        subscription = Subscription(self)
        self._subscriptions.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)

    def add_listener(self, listener: Callable[[Event], None]) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[Event], None]) -> None:
        self._listeners.remove(listener)

    def close_all(self) -> None:
        for subscription in list(self._subscriptions):
            subscription.close()
