"""The Store: the database and one repository per feature, opened together. Services ask it questions in domain
terms through `dataset`, `state`, `reminders` and `discord_events`; the repositories run on either backend."""

from __future__ import annotations

from pathlib import Path

from bot.shards import ShardScope
from bot.store.database import Database
from bot.store.dataset_rows import DatasetRows
from bot.store.discord_event_rows import DiscordEventRows
from bot.store.postgres import PostgresDatabase, is_postgres_url
from bot.store.reminder_rows import ReminderRows
from bot.store.sqlite import SqliteDatabase
from bot.store.state_rows import StateRows

# Where a database is: a SQLite file, or a PostgreSQL URL (postgresql://user@host/name).
Location = Path | str


class Store:
    def __init__(self, database: Database, scope: ShardScope | None = None) -> None:
        self.db = database
        # The servers this process delivers for and keeps Discord events of (None: all of them).
        self.scope = scope
        self.dataset = DatasetRows(database)
        self.state = StateRows(database)
        # Guild-owned rows: settings, custom releases, subscriptions, reminders.
        self.reminders = ReminderRows(database, self.state, scope)
        # A server's Discord scheduled events: its opt-in, a pause reason, the Discord id made for each subject.
        self.discord_events = DiscordEventRows(database, scope)

    @classmethod
    async def open(cls, where: Location, *, scope: ShardScope | None = None) -> Store:
        """Open (creating if needed) and upgrade the database: for the bot and the explicit tools."""
        if isinstance(where, str) and is_postgres_url(where):
            return cls(await PostgresDatabase.open(where), scope)
        return cls(await SqliteDatabase.open(Path(where)), scope)

    @classmethod
    async def open_readonly(cls, where: Location) -> Store:
        """An existing database, read only (see `SqliteDatabase.open_readonly`)."""
        if isinstance(where, str) and is_postgres_url(where):
            return cls(await PostgresDatabase.open(where, readonly=True))
        return cls(await SqliteDatabase.open_readonly(Path(where)))

    @classmethod
    async def open_memory(cls) -> Store:
        return cls(await SqliteDatabase.open_memory())

    @property
    def where(self) -> str:
        """The database for an operator's eyes (a path, or a URL without its password)."""
        return self.db.where

    @property
    def applied_migrations(self) -> tuple[str, ...]:
        return self.db.applied_migrations

    async def close(self) -> None:
        await self.db.close()

    async def integrity_check(self) -> str:
        return await self.db.integrity_check()
