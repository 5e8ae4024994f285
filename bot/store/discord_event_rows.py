"""A server's Discord scheduled events: whether it opted in, why its sync is paused, and the one Discord event
pitwall made for each subject (its id, so that a restart never makes a second one). The only SQL for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from bot.shards import ShardScope
from bot.store.database import Database, shard_clause

# scheduled: pitwall made it and keeps it in sync; cancelled: pitwall cancelled it (Discord allows no further
# change); dismissed: someone deleted or ended it on Discord while it was still wanted, so it is not made again.
RememberedState = Literal["scheduled", "cancelled", "dismissed"]


@dataclass(frozen=True)
class DiscordEventSettings:
    guild_id: int
    enabled: bool = False
    paused: str | None = None  # a reason code (bot.discord_events.PAUSE_REASONS), never a sentence


@dataclass(frozen=True)
class RememberedEvent:
    guild_id: int
    subject_key: str
    discord_id: int
    digest: str  # of what was last sent ("" when adopted and not yet brought up to date)
    state: RememberedState
    updated_at: datetime


class DiscordEventRows:
    def __init__(self, database: Database, scope: ShardScope | None = None) -> None:
        self._database = database
        self.scope = scope  # the servers whose events this process keeps (None: all)

    async def settings(self, guild_id: int) -> DiscordEventSettings:
        row = await self._database.fetchone(
            "SELECT discord_events, discord_events_paused FROM guild_settings WHERE guild_id = ?", (guild_id,))
        if row is None:
            return DiscordEventSettings(guild_id)
        return DiscordEventSettings(guild_id, bool(row[0]), row[1])

    async def set_enabled(self, guild_id: int, enabled: bool, now: datetime) -> None:
        """Opt in or out; either way any pause is lifted (turning it on again is how an admin resumes)."""
        async with self._database.transaction() as db:
            await db.execute(
                "INSERT INTO guild_settings (guild_id, discord_events, discord_events_paused, updated_at)"
                " VALUES (?, ?, NULL, ?) ON CONFLICT (guild_id) DO UPDATE SET"
                " discord_events = excluded.discord_events, discord_events_paused = NULL,"
                " updated_at = excluded.updated_at",
                (guild_id, int(enabled), now.isoformat()))

    async def set_paused(self, guild_id: int, reason: str | None, now: datetime) -> None:
        async with self._database.transaction() as db:
            await db.execute(
                "UPDATE guild_settings SET discord_events_paused = ?, updated_at = ? WHERE guild_id = ?",
                (reason, now.isoformat(), guild_id))

    async def enabled_guilds(self, *, include_paused: bool = False) -> list[int]:
        """The servers that opted in, among those this process serves."""
        shards, params = shard_clause(self._database.dialect, "guild_id", self.scope)
        sql = "SELECT guild_id FROM guild_settings WHERE discord_events = 1" + shards  # noqa: S608 - constants
        if not include_paused:
            sql += " AND discord_events_paused IS NULL"
        return [int(row[0]) for row in await self._database.fetchall(sql + " ORDER BY guild_id", params)]

    async def remembered(self, guild_id: int) -> dict[str, RememberedEvent]:
        rows = await self._database.fetchall(
            "SELECT subject_key, discord_id, digest, state, updated_at FROM discord_event WHERE guild_id = ?",
            (guild_id,))
        return {r[0]: RememberedEvent(guild_id, r[0], int(r[1]), r[2], cast(RememberedState, r[3]),
                                      datetime.fromisoformat(r[4])) for r in rows}

    async def remember(self, guild_id: int, subject_key: str, discord_id: int, digest: str, state: RememberedState,
                       now: datetime) -> None:
        async with self._database.transaction() as db:
            await db.execute(
                "INSERT INTO discord_event (guild_id, subject_key, discord_id, digest, state, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, subject_key) DO UPDATE SET"
                " discord_id = excluded.discord_id, digest = excluded.digest, state = excluded.state,"
                " updated_at = excluded.updated_at",
                (guild_id, subject_key, discord_id, digest, state, now.isoformat()))

    async def forget(self, guild_id: int, subject_key: str) -> None:
        async with self._database.transaction() as db:
            await db.execute("DELETE FROM discord_event WHERE guild_id = ? AND subject_key = ?",
                             (guild_id, subject_key))

    async def forget_guild(self, guild_id: int) -> int:
        """Every remembered event of a server (it removed the bot, or turned the feature off)."""
        async with self._database.transaction() as db:
            return await db.execute("DELETE FROM discord_event WHERE guild_id = ?", (guild_id,))
