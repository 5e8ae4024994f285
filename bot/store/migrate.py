"""Numbered schema migrations, one folder per backend (`migrations/sqlite`, `migrations/postgres`), applied in
order, each in its own transaction with its version bump. The same number means the same schema in both: a new
migration is written twice (tests/test_store_postgres.py checks both reach the same tables and columns).

PostgreSQL support arrived at version 7, so its folder starts there, with the whole schema of that version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations(dialect: str = "sqlite") -> list[Migration]:
    folder = resources.files("bot.store") / "migrations" / ("postgres" if dialect == "postgresql" else "sqlite")
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if not versions or versions != list(range(versions[0], versions[0] + len(versions))):
        raise RuntimeError(f"{dialect} migrations must be numbered without gaps: {[m.name for m in found]}")
    return found


def newest_version(dialect: str = "sqlite") -> int:
    return available_migrations(dialect)[-1].version


def pending(dialect: str, current: int, target: int | None = None) -> list[Migration]:
    """The migrations that bring a schema at `current` to `target` (default: the newest), refusing a newer one."""
    migrations = available_migrations(dialect)
    newest = migrations[-1].version
    if current > newest:
        raise RuntimeError(f"the database is at schema version {current}, newer than this pitwall ({newest}): "
                           "upgrade pitwall or point pitwall at another database")
    if current == 0 and migrations[0].version > 1:
        current = migrations[0].version - 1  # a new database starts from the folder's first, complete schema
    target = newest if target is None else target
    return [m for m in migrations if current < m.version <= target]
