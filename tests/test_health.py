"""`pitwall health`: healthy only while a running bot keeps recording its heartbeat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from bot import health
from bot.clock import FixedClock
from bot.config import Settings
from bot.store import Store
from tests.conftest import NOW

# The store and scheduler suites: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


async def test_health_follows_the_heartbeat(make_settings: Callable[..., Settings]) -> None:
    store = await Store.open(make_settings().database)
    try:
        healthy, line = await health.check(store, NOW)
        assert not healthy and "no heartbeat" in line
        await health.record(store, NOW)
        clock = FixedClock(NOW + timedelta(seconds=20))
        assert await health.check(store, clock.now()) == (True, "healthy: heartbeat 20 s ago")
        clock.advance(health.STALE_AFTER)
        healthy, line = await health.check(store, clock.now())
        assert not healthy and "110 s old" in line
    finally:
        await store.close()
