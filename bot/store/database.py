"""The database: the one object that owns the connection, its transactions and its schema.

The repositories (`dataset_rows`, `state_rows`, `reminder_rows`) each take it and hold one feature's SQL;
`bot.store.store.Store` puts them together. Nothing outside `bot.store` sees SQL.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.store.migrate import available_migrations, migrate, schema_version

log = logging.getLogger(__name__)


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says why."""


class StoreMissing(StoreError):
    """There is no database file yet."""


class Database:
    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        # One connection serves every task: write transactions take turns (SQLite has one writer anyway).
        self._write_lock = asyncio.Lock()
        self.applied_migrations: tuple[str, ...] = ()  # by Database.open, for `pitwall db migrate` to report

    @property
    def connection(self) -> aiosqlite.Connection:
        """For the repositories of this package (and tests that read rows) only."""
        return self._db

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed) and upgrade the database at `path`."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = await aiosqlite.connect(path, isolation_level=None)
        except Exception as exc:  # sqlite3 and OS errors here are about the file, not the query
            raise StoreError(f"cannot open the database at {path}: {exc}") from exc
        try:
            # WAL lets readers (the console, a backup) work while the bot writes; the busy timeout rides out
            # a concurrent writer instead of failing at once.
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA foreign_keys = ON")
            await connection.execute("PRAGMA busy_timeout = 5000")
            await connection.execute("PRAGMA synchronous = NORMAL")
            applied = await migrate(connection)
        except Exception as exc:
            await connection.close()
            raise StoreError(f"cannot prepare the database at {path}: {exc}") from exc
        database = cls(connection, path)
        database.applied_migrations = tuple(applied)
        return database

    @classmethod
    async def open_readonly(cls, path: Path) -> Database:
        """Open an existing database for reading only: nothing is created, migrated or written.

        For the offline tools, which may run beside a live bot: they must never change what it serves.
        """
        if not await asyncio.to_thread(path.is_file):
            raise StoreMissing(f"there is no database at {path} yet")
        uri = await asyncio.to_thread(lambda: path.resolve().as_uri())
        try:
            connection = await aiosqlite.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
            await connection.execute("PRAGMA busy_timeout = 5000")
            version = await schema_version(connection)
        except Exception as exc:
            raise StoreError(f"cannot read the database at {path}: {exc}") from exc
        latest = available_migrations()[-1].version
        if version != latest:
            await connection.close()
            raise StoreError(f"the database at {path} is at schema version {version}, this pitwall needs {latest}: "
                             "run `pitwall db migrate` (or start the bot, which migrates)")
        return cls(connection, path)

    @classmethod
    async def open_memory(cls) -> Database:
        """A private database in memory, for answering offline when no database exists yet."""
        connection = await aiosqlite.connect(":memory:", isolation_level=None)
        await connection.execute("PRAGMA foreign_keys = ON")
        await migrate(connection)
        return cls(connection, Path(":memory:"))

    async def close(self) -> None:
        await self._db.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction: committed on success, rolled back on any error. Never nest them."""
        async with self._write_lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                yield self._db
            except BaseException:
                if self._db.in_transaction:  # also when cancelled while BEGIN itself was running
                    await self._db.rollback()
                raise
            else:
                await self._db.commit()

    async def integrity_check(self) -> str:
        """SQLite's own verdict on the file: "ok" when sound."""
        async with self._db.execute("PRAGMA integrity_check") as cursor:
            row = await cursor.fetchone()
        return str(row[0]) if row else "no answer"
