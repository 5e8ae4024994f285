"""A heartbeat the running bot records and `pitwall health` reads: for a container health check or a monitor.

The bot records it while it is connected to Discord and its reminder dispatcher is alive; the reader opens the
database read-only, so checking never disturbs the bot.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.shards import ShardScope
from bot.store import Store

HEARTBEAT_KEY = "heartbeat"
HEARTBEAT_EVERY = timedelta(seconds=30)
STALE_AFTER = 3 * HEARTBEAT_EVERY


def heartbeat_key(scope: ShardScope | None) -> str:
    """Each process its own heartbeat: one per shard layout on a shared database ("heartbeat:shards 0-3 of 8")."""
    return HEARTBEAT_KEY if scope is None else f"{HEARTBEAT_KEY}:{scope}"


async def record(store: Store, now: datetime) -> None:
    await store.state.set(heartbeat_key(store.scope), now.isoformat(), now)


async def check(store: Store, now: datetime, scope: ShardScope | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why), for the process serving `scope` (`pitwall health --shards …`)."""
    raw = await store.state.get(heartbeat_key(scope))
    if raw is None:
        return False, "unhealthy: no heartbeat recorded yet (is `pitwall run` running on this database?)"
    age = now - datetime.fromisoformat(raw)
    if age > STALE_AFTER:
        return False, f"unhealthy: the last heartbeat is {int(age.total_seconds())} s old (is `pitwall run` running?)"
    return True, f"healthy: heartbeat {max(0, int(age.total_seconds()))} s ago"
