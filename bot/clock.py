"""Time comes from an injected clock so that tests never sleep and never depend on today's date."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    async def sleep_until(self, instant: datetime) -> None:
        """Return once `instant` has come (at once if it has passed). Cancellable."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, instant: datetime) -> None:
        await asyncio.sleep(max(0.0, (instant - self.now()).total_seconds()))


class FixedClock:
    """A clock that only moves when told to: for tests and reproducible console answers.

    Sleepers wake when `set` or `advance` moves the clock past their instant, never on their own.
    """

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = instant.astimezone(UTC)
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC)
        waiting = []
        for due, future in self._sleepers:
            if due <= self._now:
                if not future.done():
                    future.set_result(None)
            elif not future.done():
                waiting.append((due, future))
        self._sleepers = waiting

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)

    @property
    def sleepers(self) -> int:
        """How many tasks are waiting on this clock (tests wait for the dispatcher to go to sleep)."""
        return sum(1 for _, future in self._sleepers if not future.done())

    async def sleep_until(self, instant: datetime) -> None:
        if instant <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((instant, future))
        await future
