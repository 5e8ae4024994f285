"""Small pieces of the bot's own state that survive a restart (the synced tree's hash, the install id, the
heartbeat), by key."""

from __future__ import annotations

from datetime import datetime

from bot.store import reads, writes
from bot.store.database import Database


class StateRows:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def get(self, key: str) -> str | None:
        return await reads.state(self._database, key)

    async def set(self, key: str, value: str, now: datetime) -> None:
        async with self._database.transaction() as db:
            await writes.set_state(db, key, value, now)

    async def set_once(self, key: str, value: str, now: datetime) -> str:
        """`value` unless the key already has one (another process may have set it a moment ago): what is stored."""
        async with self._database.transaction() as db:
            await db.execute("INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?)"
                             " ON CONFLICT (key) DO NOTHING", (key, value, now.isoformat()))
        stored = await self.get(key)
        assert stored is not None
        return stored
