"""The Store: the database and one repository per feature, opened together. Services ask it questions in domain
terms through `dataset`, `state` and `reminders`; a PostgreSQL backend would provide the same repositories."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.store.database import Database
from bot.store.dataset_rows import DatasetRows
from bot.store.discord_event_rows import DiscordEventRows
from bot.store.reminder_rows import ReminderRows
from bot.store.state_rows import StateRows


class Store:
    def __init__(self, database: Database) -> None:
        self.db = database
        self.dataset = DatasetRows(database)
        self.state = StateRows(database)
        # Guild-owned rows: settings, custom releases, subscriptions, reminders.
        self.reminders = ReminderRows(database, self.state)
        # A server's Discord scheduled events: its opt-in, a pause reason, the Discord id made for each subject.
        self.discord_events = DiscordEventRows(database)

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (creating if needed) and upgrade the database at `path`: for the bot and the explicit tools."""
        return cls(await Database.open(path))

    @classmethod
    async def open_readonly(cls, path: Path) -> Store:
        """An existing database, read only (see `Database.open_readonly`)."""
        return cls(await Database.open_readonly(path))

    @classmethod
    async def open_memory(cls) -> Store:
        return cls(await Database.open_memory())

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def connection(self) -> aiosqlite.Connection:
        """For tests that read rows directly."""
        return self.db.connection

    @property
    def applied_migrations(self) -> tuple[str, ...]:
        return self.db.applied_migrations

    async def close(self) -> None:
        await self.db.close()

    async def integrity_check(self) -> str:
        return await self.db.integrity_check()
