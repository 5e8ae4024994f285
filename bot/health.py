"""A heartbeat the running bot records and `pitwall health` reads: for a container health check or a monitor.

The bot records it while it is connected to Discord and its reminder dispatcher is alive; the reader opens the
database read-only, so checking never disturbs the bot.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.store import Store

HEARTBEAT_KEY = "heartbeat"
HEARTBEAT_EVERY = timedelta(seconds=30)
STALE_AFTER = 3 * HEARTBEAT_EVERY


async def record(store: Store, now: datetime) -> None:
    await store.state.set(HEARTBEAT_KEY, now.isoformat(), now)


async def check(store: Store, now: datetime) -> tuple[bool, str]:
    """(healthy, one line saying why)."""
    raw = await store.state.get(HEARTBEAT_KEY)
    if raw is None:
        return False, "unhealthy: no heartbeat recorded yet (is `pitwall run` running on this database?)"
    age = now - datetime.fromisoformat(raw)
    if age > STALE_AFTER:
        return False, f"unhealthy: the last heartbeat is {int(age.total_seconds())} s old (is `pitwall run` running?)"
    return True, f"healthy: heartbeat {max(0, int(age.total_seconds()))} s ago"
