"""The database as the repositories see it: SQL in, rows out, and transactions. One implementation per backend
(`bot.store.sqlite`, `bot.store.postgres`); the repositories hold the SQL, written once for both.

The SQL is the common dialect of SQLite and PostgreSQL with `?` placeholders. What differs is asked of `Dialect`:
a list parameter, row locks, and the locks that serialise a check-then-write (a cap) across processes.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from bot.shards import SNOWFLAKE_SHIFT, ShardScope

Params = Sequence[Any]
Row = tuple[Any, ...]


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says why."""


class StoreMissing(StoreError):
    """There is no database file yet."""


@dataclass(frozen=True)
class Dialect:
    name: str  # "sqlite" or "postgresql"
    # Appended to a SELECT that reads rows it will change: in PostgreSQL, other transactions wait for them (SQLite
    # has one writer at a time, so it needs nothing).
    lock_rows: str
    # Appended to a claim: rows another process is claiming are skipped rather than waited for.
    skip_locked_rows: str

    def any_of(self, column: str) -> str:
        """`column` is one of a list parameter (pass the list through `many`). The SQL text never depends on the
        list's length, so the statement is prepared once."""
        if self.name == "postgresql":
            return f"{column} = ANY(?)"
        return f"{column} IN (SELECT value FROM json_each(?))"  # noqa: S608 - a column name of the repositories

    def many(self, values: Iterable[Any]) -> Any:
        listed = list(values)
        return listed if self.name == "postgresql" else json.dumps(listed)


SQLITE = Dialect("sqlite", lock_rows="", skip_locked_rows="")
POSTGRESQL = Dialect("postgresql", lock_rows=" FOR UPDATE", skip_locked_rows=" FOR UPDATE OF r SKIP LOCKED")


def shard_clause(dialect: Dialect, guild_column: str, scope: ShardScope | None) -> tuple[str, Params]:
    """" AND <the server is on one of the scope's shards>" and its parameters; nothing for every shard."""
    if scope is None or scope.everything:
        return "", ()
    return (f" AND {dialect.any_of(f'(({guild_column} >> {SNOWFLAKE_SHIFT}) % ?)')}",
            (scope.count, dialect.many(scope.ids)))


def lock_key(*parts: object) -> int:
    """A signed 64-bit key naming a lock ("guild", 123): PostgreSQL's advisory locks take one."""
    digest = hashlib.blake2b(json.dumps(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Reads(Protocol):
    """What reads rows: the database itself (each statement on its own) or one transaction."""

    @property
    def dialect(self) -> Dialect: ...

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...


class Rows(Reads, Protocol):
    """What also writes them: one transaction."""

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; how many rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...


class Transaction(Rows, Protocol):
    async def serialise(self, *name: object) -> None:
        """Hold the lock `name` until this transaction ends: writers checking the same thing (a server's cap) take
        turns, also across processes."""
        ...


class Database(ABC):
    """One open database. Reads outside a transaction run as they come; writes go through `transaction()`."""

    dialect: Dialect
    # For `pitwall db migrate` to report; set by open().
    applied_migrations: tuple[str, ...] = ()

    @property
    @abstractmethod
    def where(self) -> str:
        """The database for an operator's eyes: a file path, or a URL without its password."""

    _rows: Reads  # each statement on its own: the backend's connection or pool

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._rows.fetchall(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await self._rows.fetchone(sql, params)

    @abstractmethod
    def snapshot(self) -> AbstractAsyncContextManager[Reads]:
        """Reads that all see the database as of one moment, whatever commits meanwhile (a dataset load by another
        process)."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """One write transaction: committed on success, rolled back on any error. Never nest them."""

    @abstractmethod
    async def tables(self) -> dict[str, list[str]]:
        """Every table of the schema and its columns in order (for `db copy` and the schema tests)."""

    @abstractmethod
    async def integrity_check(self) -> str:
        """The backend's verdict on the database: "ok" when sound."""

    @abstractmethod
    async def close(self) -> None: ...

