"""Numbered schema migrations, applied in order, each in its own transaction, tracked by PRAGMA user_version."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources

import aiosqlite

log = logging.getLogger(__name__)
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    folder = resources.files("bot.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..N without gaps: {[m.name for m in found]}")
    return found


async def schema_version(connection: aiosqlite.Connection) -> int:
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def migrate(connection: aiosqlite.Connection, target: int | None = None) -> list[str]:
    """Bring the schema up to `target` (default: the newest). Returns the names of the migrations applied.

    Each migration and its version bump commit together, so a failure leaves the previous version intact.
    """
    migrations = available_migrations()
    newest = migrations[-1].version if migrations else 0
    target = newest if target is None else target
    current = await schema_version(connection)
    if current > newest:
        raise RuntimeError(
            f"the database is at schema version {current}, newer than this pitwall ({newest}): "
            "upgrade pitwall or point PITWALL_DB_PATH at another file"
        )
    applied = []
    for migration in migrations:
        if current < migration.version <= target:
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
