"""`pitwall db copy`: every row of one database into a new, empty one (SQLite to PostgreSQL, the usual move), with
its ids, so that nonces already sent keep naming the same reminders and nothing is planned or posted again."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.store.database import Database, StoreError
from bot.store.postgres import PostgresDatabase, is_postgres_url
from bot.store.sqlite import SqliteDatabase
from bot.store.store import Location, Store

log = logging.getLogger(__name__)

# Parents before children (foreign keys). tests/test_db_copy.py fails if a table of the schema is missing here.
TABLES = ("source", "competition", "competition_alias", "season", "season_source", "placing", "placing_member",
          "placing_source", "game", "game_alias", "game_release", "game_release_source", "dataset_meta", "event",
          "announcement", "app_state", "guild_settings", "custom_release", "subscription", "reminder", "discord_event")
# Tables whose ids the database makes: the target must never hand out one the source already used.
_IDENTITIES = ("season", "placing", "custom_release", "subscription", "reminder")
_AUTOINCREMENT = "reminder"  # the one SQLite table that never reuses an id (no nonce carries the others')


def location(text: str) -> Location:
    """A command-line database: a postgresql:// URL, sqlite:///path, or a file path."""
    if is_postgres_url(text):
        return text
    return Path(text.removeprefix("sqlite:///") if text.startswith("sqlite:///") else text)


def _quoted(name: str) -> str:
    return f'"{name}"'


async def copy_database(source: Location, target: Location) -> dict[str, int]:
    """Copy every table, in one transaction on the target; the rows copied per table. The source is only read
    (it must be at this pitwall's schema version: `pitwall db migrate` it first); the target is migrated, and must
    hold no rows yet."""
    reader = await Store.open_readonly(source)
    try:
        writer = await Store.open(target)
        try:
            return await _copy(reader.db, writer.db)
        finally:
            await writer.close()
    finally:
        await reader.close()


async def _copy(source: Database, target: Database) -> dict[str, int]:
    columns = await source.tables()
    target_columns = await target.tables()
    if set(columns) != set(TABLES) or set(target_columns) != set(TABLES):
        raise StoreError(f"the databases' tables are not the ones this pitwall copies: {sorted(set(columns))}")
    for table in TABLES:
        row = await target.fetchone(f"SELECT COUNT(*) FROM {_quoted(table)}")  # noqa: S608 - names of TABLES
        if row and row[0]:
            raise StoreError(f"{target.where} already holds pitwall rows ({table}): copy into an empty database")
    copied: dict[str, int] = {}
    async with target.transaction() as into:
        for table in TABLES:
            names = [c for c in columns[table] if c in set(target_columns[table])]
            listed = ", ".join(_quoted(c) for c in names)
            rows = await source.fetchall(f"SELECT {listed} FROM {_quoted(table)}")  # noqa: S608 - schema names
            await into.executemany(
                f"INSERT INTO {_quoted(table)} ({listed}) VALUES ({', '.join('?' for _ in names)})", rows)  # noqa: S608
            copied[table] = len(rows)
        for table in _IDENTITIES:
            # Past the highest id the source ever gave, deleted rows' included (SQLite's AUTOINCREMENT and
            # PostgreSQL's sequences remember them): a reminder id is part of nonces Discord has seen.
            highest = await _highest_id(source, table)
            if isinstance(target, PostgresDatabase):
                await into.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ?, ?)",
                                   (max(highest, 1), highest > 0))
            elif table == _AUTOINCREMENT and highest and not await into.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?", (highest, table)):
                await into.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, highest))
    log.info("copied %d rows from %s to %s", sum(copied.values()), source.where, target.where)
    return copied


async def _highest_id(database: Database, table: str) -> int:
    row = await database.fetchone(f"SELECT MAX(id) FROM {_quoted(table)}")  # noqa: S608 - names of _IDENTITIES
    highest = int(row[0]) if row and row[0] is not None else 0
    if isinstance(database, SqliteDatabase):
        used = await database.fetchone("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,))
    else:
        used = await database.fetchone("SELECT pg_sequence_last_value(pg_get_serial_sequence(?, 'id'))", (table,))
    return max(highest, int(used[0]) if used and used[0] is not None else 0)
