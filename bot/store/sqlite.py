"""The SQLite backend (the default): one aiosqlite connection in WAL mode, the schema versioned by PRAGMA
user_version. One process per file (`bot.process_lock`); within it, write transactions take turns."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.store.database import SQLITE, Database, Params, Reads, Row, StoreError, StoreMissing, Transaction
from bot.store.migrate import newest_version, pending

log = logging.getLogger(__name__)


class _SqliteRows:
    dialect = SQLITE

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._db.execute(sql, params) as cursor:
            return list(await cursor.fetchall())  # type: ignore[arg-type]  # rows are tuples (no row_factory)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._db.execute(sql, params) as cursor:
            return await cursor.fetchone()  # type: ignore[return-value]

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._db.execute(sql, params) as cursor:
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._db.executemany(sql, rows)

    async def serialise(self, *name: object) -> None:
        """Nothing to do: BEGIN IMMEDIATE already made this the only writer."""


class SqliteDatabase(Database):
    dialect = SQLITE

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        self._statements = _SqliteRows(connection)  # the one connection: reads and, in turn, transactions
        self._rows = self._statements
        self.path = path
        # One connection serves every task: write transactions take turns (SQLite has one writer anyway).
        self._write_lock = asyncio.Lock()

    @property
    def where(self) -> str:
        return str(self.path)

    @property
    def connection(self) -> aiosqlite.Connection:
        """For tests of this backend only."""
        return self._db

    @classmethod
    async def open(cls, path: Path) -> SqliteDatabase:
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
    async def open_readonly(cls, path: Path) -> SqliteDatabase:
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
        latest = newest_version("sqlite")
        if version != latest:
            await connection.close()
            raise StoreError(f"the database at {path} is at schema version {version}, this pitwall needs {latest}: "
                             "run `pitwall db migrate` (or start the bot, which migrates)")
        return cls(connection, path)

    @classmethod
    async def open_memory(cls) -> SqliteDatabase:
        """A private database in memory, for answering offline when no database exists yet."""
        connection = await aiosqlite.connect(":memory:", isolation_level=None)
        await connection.execute("PRAGMA foreign_keys = ON")
        await migrate(connection)
        return cls(connection, Path(":memory:"))

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Reads]:
        # One connection, whose writes are whole transactions taken in turn: a read between two is consistent
        # already, and only this process writes the file.
        yield self._statements

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self._write_lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                yield self._statements
            except BaseException:
                if self._db.in_transaction:  # also when cancelled while BEGIN itself was running
                    await self._db.rollback()
                raise
            else:
                await self._db.commit()

    async def tables(self) -> dict[str, list[str]]:
        names = [row[0] for row in await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: [row[1] for row in await self.fetchall("SELECT * FROM pragma_table_info(?)", (name,))]
                for name in names}

    async def integrity_check(self) -> str:
        row = await self.fetchone("PRAGMA integrity_check")
        return str(row[0]) if row else "no answer"

    async def close(self) -> None:
        await self._db.close()


async def schema_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(connection: aiosqlite.Connection, target: int | None = None) -> list[str]:
    """Bring the schema up to `target` (default: the newest). Returns the names of the migrations applied.

    Each migration and its version bump commit together, so a failure leaves the previous version intact.
    """
    applied = []
    for migration in pending("sqlite", await schema_version(connection), target):
        script = f"BEGIN IMMEDIATE;\n{migration.sql}\nPRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            await connection.executescript(script)
        except Exception:
            if connection.in_transaction:
                await connection.rollback()
            raise
        log.info("applied migration %s", migration.name)
        applied.append(migration.name)
    return applied
