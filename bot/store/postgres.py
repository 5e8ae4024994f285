"""The PostgreSQL backend (`PITWALL_DATABASE_URL=postgresql://…`), for several processes sharing one database.

asyncpg with a small pool. The SQL is the repositories' own, with `?` numbered into asyncpg's `$1…`. The schema is
versioned by a one-row `schema_version` table; two processes starting together migrate once (an advisory lock).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from bot.store.database import POSTGRESQL, Database, Params, Reads, Row, StoreError, Transaction, lock_key
from bot.store.migrate import newest_version, pending

if TYPE_CHECKING:
    import asyncpg

log = logging.getLogger(__name__)
_QUOTED_OR_MARK = re.compile(r"'(?:[^']|'')*'|\?")
_MIGRATION_LOCK = lock_key("pitwall", "migrate")


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs, whatever form it takes: user:password@ (even with
    characters a URL should have escaped), or ?password= / ?sslpassword= among the parameters."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return "<the database URL>"
    userinfo, at, place = rest.rpartition("@")  # a host never holds "@"; a password may
    user = userinfo.split(":", 1)[0] if at else ""
    shown_user = f"{user}:***@" if ":" in userinfo else f"{user}@" if at else ""
    where, question, query = place.partition("?")
    kept = [p for p in query.split("&") if p and p.split("=", 1)[0].lower() not in ("password", "sslpassword")]
    hidden = len(kept) != len([p for p in query.split("&") if p])
    parameters = "&".join(kept + (["password=***"] if hidden else []))
    return f"{scheme}://{shown_user}{where}{'?' + parameters if question and parameters else ''}"


def unreachable(url: str, exc: Exception) -> StoreError:
    """Why the server could not be reached, never with the password: asyncpg's message for a URL it cannot read may
    quote a piece of it."""
    if isinstance(exc, ValueError):
        why = ("the URL could not be read (characters such as @ # / ? in the password must be percent-encoded, "
               "e.g. %40 for @)")
    else:
        why = f"{exc.__class__.__name__}: {exc}"
    return StoreError(f"cannot connect to the database at {redacted(url)}: {why}")


@functools.lru_cache(maxsize=512)
def numbered(sql: str) -> str:
    """`?` placeholders as `$1, $2…`, leaving string literals alone."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(0) != "?":
            return match.group(0)
        count += 1
        return f"${count}"

    return _QUOTED_OR_MARK.sub(number, sql)


def _changed(status: str) -> int:
    """Rows changed, from asyncpg's command status ("UPDATE 3", "INSERT 0 1", "DELETE 0")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class _PostgresRows:
    dialect = POSTGRESQL

    def __init__(self, connection: asyncpg.Connection | asyncpg.Pool) -> None:
        self._db = connection

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(record) for record in await self._db.fetch(numbered(sql), *params)]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        record = await self._db.fetchrow(numbered(sql), *params)
        return None if record is None else tuple(record)

    async def execute(self, sql: str, params: Params = ()) -> int:
        return _changed(await self._db.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        listed = list(rows)
        if listed:
            await self._db.executemany(numbered(sql), listed)

    async def serialise(self, *name: object) -> None:
        await self._db.execute("SELECT pg_advisory_xact_lock($1)", lock_key(*name))


class PostgresDatabase(Database):
    dialect = POSTGRESQL

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self.pool = pool
        self.url = url
        self._rows = _PostgresRows(pool)

    @property
    def where(self) -> str:
        return redacted(self.url)

    @classmethod
    async def open(cls, url: str, *, readonly: bool = False) -> PostgresDatabase:
        """Connect, and (unless `readonly`) bring the schema up to date; read only, a schema that is not current
        is refused, as for SQLite."""
        try:
            import asyncpg
        except ImportError as exc:
            raise StoreError("PITWALL_DATABASE_URL names PostgreSQL, which needs asyncpg: "
                             "pip install 'pitwall[postgres]'") from exc
        settings = {"application_name": "pitwall", **({"default_transaction_read_only": "on"} if readonly else {})}
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=8, server_settings=settings)
        except Exception as exc:  # asyncpg, OS and DNS errors: all about reaching the server
            raise unreachable(url, exc) from exc
        database = cls(pool, url)
        try:
            if readonly:
                version, latest = await database.schema_version(), newest_version("postgresql")
                if version != latest:
                    raise StoreError(f"the database at {redacted(url)} is at schema version {version}, this pitwall "
                                     f"needs {latest}: run `pitwall db migrate` (or start the bot, which migrates)")
            else:
                database.applied_migrations = tuple(await database.migrate())
        except BaseException as exc:
            await pool.close()
            if isinstance(exc, StoreError):
                raise
            if isinstance(exc, Exception):
                raise StoreError(f"cannot prepare the database at {redacted(url)}: {exc}") from exc
            raise
        return database

    async def schema_version(self) -> int:
        if await self.pool.fetchval("SELECT to_regclass('schema_version')") is None:
            return 0
        return int(await self.pool.fetchval("SELECT version FROM schema_version"))

    async def migrate(self, target: int | None = None) -> list[str]:
        """Each migration and its version bump in one transaction; the first process to start migrates, the others
        wait for it and find nothing left to do."""
        applied = []
        for migration in pending("postgresql", await self.schema_version(), target):
            async with self.pool.acquire() as connection, connection.transaction():
                await connection.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK)
                if await self.schema_version() >= migration.version:
                    continue  # another process applied it meanwhile
                await connection.execute(migration.sql)
                await connection.execute("UPDATE schema_version SET version = $1", migration.version)
            log.info("applied migration %s", migration.name)
            applied.append(migration.name)
        return applied

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Reads]:
        async with self.pool.acquire() as connection, connection.transaction(isolation="repeatable_read",
                                                                            readonly=True):
            yield _PostgresRows(connection)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        async with self.pool.acquire() as connection, connection.transaction():
            yield _PostgresRows(connection)

    async def tables(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for table, column in await self.fetchall(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " AND table_name <> 'schema_version' ORDER BY table_name, ordinal_position"):
            found.setdefault(table, []).append(column)
        return found

    async def integrity_check(self) -> str:
        """PostgreSQL keeps its own files sound; what can be checked here is that the schema is current and no
        index was left invalid (an interrupted CREATE INDEX CONCURRENTLY)."""
        version, latest = await self.schema_version(), newest_version("postgresql")
        if version != latest:
            return f"schema version {version}, expected {latest}"
        invalid = await self.pool.fetchval("SELECT count(*) FROM pg_index WHERE NOT indisvalid")
        return "ok" if invalid == 0 else f"{invalid} invalid index(es)"

    async def close(self) -> None:
        await self.pool.close()
