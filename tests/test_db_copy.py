"""`pitwall db copy`: a SQLite database moved to PostgreSQL keeps every row and every id, and a reminder id used
and deleted before the move is never handed out again after it."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import FixedClock
from bot.config import Settings
from bot.core import Core
from bot.store import Store, StoreError
from bot.store.copy import TABLES, copy_database
from tests.conftest import MINI_DATA, NOW, database_names
from tests.postgres_server import TemporaryPostgres

GUILD, ADMIN = 1001, 4004


async def _filled_sqlite(path: Path) -> None:
    core = await Core.open(Settings(db_path=path, data_dir=MINI_DATA), FixedClock(NOW))
    try:
        await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", "18:00", "PS5", ADMIN)
        for channel in range(3):
            await core.reminders.subscribe(GUILD, 3000 + channel, "cup final", "1d, 0", None, ADMIN)
        await core.reminders.subscribe(GUILD, 3999, "results", None, None, ADMIN)
        gone = await core.reminders.subscribe(GUILD, 4000, "cup final", "7d, 1d, 0", None, ADMIN)
        await core.reminders.remove(GUILD, gone.subscription.id)  # its reminder ids were used: never again
        await core.store.discord_events.set_enabled(GUILD, True, NOW)
        await core.store.discord_events.remember(GUILD, "event:x", 77, "digest", "scheduled", NOW)
    finally:
        await core.close()


async def _rows(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {table: sorted(await store.db.fetchall(f'SELECT * FROM "{table}"'), key=repr)  # noqa: S608 - names
            for table in TABLES}


async def test_a_sqlite_database_moves_to_postgresql_with_every_row_and_id(
        tmp_path: Path, postgres_server: TemporaryPostgres) -> None:
    source = tmp_path / "pitwall.sqlite3"
    await _filled_sqlite(source)
    url = postgres_server.create_database(f"pitwall_{next(database_names)}")
    out = io.StringIO()
    assert await asyncio.to_thread(main, ["db", "copy", str(source), url], out=out) == 0
    assert "copied" in out.getvalue() and "reminder 6" in out.getvalue()

    before, after = await Store.open_readonly(source), await Store.open(url)
    try:
        assert set(TABLES) == set(await before.db.tables()) == set(await after.db.tables())  # no table left out
        assert await _rows(before) == await _rows(after)
        used = await before.db.fetchone("SELECT seq FROM sqlite_sequence WHERE name = 'reminder'")
        assert used is not None and used[0] > 6  # the removed subscription's reminders were 7-9
    finally:
        await before.close()
        await after.close()

    moved = await Core.open(Settings(db_path=tmp_path / "unused", data_dir=MINI_DATA, database_url=url),
                            FixedClock(NOW))
    try:
        statuses = await moved.reminders.statuses(GUILD)
        assert [s.pending for s in statuses] == [2, 2, 2, 0]
        fresh = await moved.reminders.subscribe(GUILD, 5000, "cup final", "0", None, ADMIN)
        new_ids = [r.id for r in await moved.store.reminders.reminders(fresh.subscription.id)]
        assert new_ids and min(new_ids) > used[0]  # an id a nonce may already carry is never reused
    finally:
        await moved.close()


async def test_a_copy_into_a_database_that_has_rows_is_refused_and_changes_nothing(
        tmp_path: Path, postgres_server: TemporaryPostgres) -> None:
    source = tmp_path / "pitwall.sqlite3"
    await _filled_sqlite(source)
    url = postgres_server.create_database(f"pitwall_{next(database_names)}")
    await copy_database(source, url)
    with pytest.raises(StoreError, match="already holds pitwall rows"):
        await copy_database(source, url)
    err = io.StringIO()
    assert await asyncio.to_thread(main, ["db", "copy", str(source), url], err=err) == 2
    assert "copy into an empty database" in err.getvalue() and "Traceback" not in err.getvalue()


async def test_a_copy_back_to_sqlite_never_hands_out_an_id_postgresql_used(
        tmp_path: Path, postgres_server: TemporaryPostgres) -> None:
    url = postgres_server.create_database(f"pitwall_{next(database_names)}")
    core = await Core.open(Settings(db_path=tmp_path / "unused", data_dir=MINI_DATA, database_url=url),
                           FixedClock(NOW))
    try:
        await core.reminders.save_custom(GUILD, "Cup final", "2026-12-20", "18:00", "PS5", ADMIN)
        kept = await core.reminders.subscribe(GUILD, 3000, "cup final", "0", None, ADMIN)
        gone = await core.reminders.subscribe(GUILD, 4000, "cup final", "7d, 1d, 0", None, ADMIN)
        used = max(r.id for r in await core.store.reminders.reminders(gone.subscription.id))
        await core.reminders.remove(GUILD, gone.subscription.id)
    finally:
        await core.close()
    target = tmp_path / "back.sqlite3"
    await copy_database(url, target)
    back = await Core.open(Settings(db_path=target, data_dir=MINI_DATA), FixedClock(NOW))
    try:
        assert [s.subscription.id for s in await back.reminders.statuses(GUILD)] == [kept.subscription.id]
        fresh = await back.reminders.subscribe(GUILD, 5000, "cup final", "0", None, ADMIN)
        assert min(r.id for r in await back.store.reminders.reminders(fresh.subscription.id)) > used
    finally:
        await back.close()
