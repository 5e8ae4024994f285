"""What only the PostgreSQL backend has to show: the same schema as SQLite, migrations and dataset loads done once
when processes start together, claims that never overlap between processes, and no password in any message."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.dataset.check import check_dataset
from bot.shard_lock import ShardLock, StandbyStopped
from bot.shards import ShardScope
from bot.store import Store, StoreError, reads
from bot.store.postgres import PostgresDatabase, numbered, redacted
from tests.conftest import MINI_DATA, NOW, database_names, utc
from tests.postgres_server import TemporaryPostgres
from tests.test_e2e_live_season_process import decide_2026


@pytest.fixture
def fresh_url(postgres_server: TemporaryPostgres) -> Callable[[], str]:
    return lambda: postgres_server.create_database(f"pitwall_{next(database_names)}")


def test_placeholders_are_numbered_outside_string_literals() -> None:
    assert numbered("SELECT ? WHERE a = '?' AND b = ? AND c = 'it''s ?'") == (
        "SELECT $1 WHERE a = '?' AND b = $2 AND c = 'it''s ?'")
    for url, shown in (("postgresql://pitwall:s3cret@db.example:5432/pitwall",
                        "postgresql://pitwall:***@db.example:5432/pitwall"),
                       ("postgresql://db/pitwall?sslmode=require&password=s3cret",
                        "postgresql://db/pitwall?sslmode=require&password=***"),
                       ("postgresql://pitwall:s3#c/r?et@db/pitwall", "postgresql://pitwall:***@db/pitwall"),
                       ("postgresql://pitwall:s3@cret@db/pitwall", "postgresql://pitwall:***@db/pitwall")):
        assert redacted(url) == shown


async def test_both_backends_reach_the_same_tables_and_columns(fresh_url: Callable[[], str], tmp_path: Path) -> None:
    sqlite = await Store.open(tmp_path / "s.sqlite3")
    postgres = await Store.open(fresh_url())
    try:
        sqlite_tables = {t: set(c) for t, c in (await sqlite.db.tables()).items()}
        postgres_tables = {t: set(c) for t, c in (await postgres.db.tables()).items()}
        assert sqlite_tables == postgres_tables
        assert await postgres.integrity_check() == "ok"
    finally:
        await sqlite.close()
        await postgres.close()


async def test_processes_starting_together_migrate_and_load_the_dataset_once(fresh_url: Callable[[], str]) -> None:
    url = fresh_url()
    first, second = await asyncio.gather(PostgresDatabase.open(url), PostgresDatabase.open(url))
    try:
        assert sorted([first.applied_migrations, second.applied_migrations]) == [(), ("0007_schema.sql",)]
        stores = [Store(first), Store(second)]
        dataset = check_dataset(MINI_DATA).dataset
        loaded = await asyncio.gather(*(store.dataset.load(dataset, NOW) for store in stores))
        assert sorted(loaded) == [False, True]
        assert len((await stores[1].dataset.everything()).seasons) == len(dataset.seasons)
    finally:
        await first.close()
        await second.close()


async def test_a_reader_refuses_a_database_that_was_never_migrated(fresh_url: Callable[[], str]) -> None:
    with pytest.raises(StoreError, match="schema version 0, this pitwall needs 7: run `pitwall db migrate`"):
        await Store.open_readonly(fresh_url())


@pytest.mark.parametrize("url", ["postgresql://pitwall:s3cret@127.0.0.1:1/pitwall",
                                 "postgresql://pitwall:s3#cret@127.0.0.1:1/pitwall",
                                 "postgresql://127.0.0.1:1/pitwall?password=s3cret"])
async def test_an_unreachable_server_is_named_without_its_password(url: str) -> None:
    with pytest.raises(StoreError) as refused:
        await Store.open(url)
    assert "cannot connect to the database at postgresql://" in str(refused.value)
    assert "s3" not in str(refused.value) and "cret" not in str(refused.value)


async def test_two_processes_claiming_the_same_servers_never_claim_one_reminder_twice(
        fresh_url: Callable[[], str]) -> None:
    """A standby started too early, or two processes given the same shards: the claims still never overlap."""
    url = fresh_url()
    stores = [await Store.open(url), await Store.open(url)]
    try:
        async with stores[0].db.transaction() as db:
            for s in range(50):
                await db.execute("INSERT INTO subscription (id, guild_id, channel_id, offsets, created_by, created_at)"
                                 " VALUES (?, 1, ?, '[\"0\"]', 1, ?)", (s + 1, 1000 + s, NOW.isoformat()))
            due = utc(2026, 11, 1).isoformat()
            await db.executemany(
                'INSERT INTO reminder (subscription_id, release_key, "offset", release_on, anchor_at, due_at,'
                " attempt_at, state) VALUES (?, ?, '0', 'd', ?, ?, ?, 'pending')",
                [(s + 1, f"k{r}", due, due, due) for s in range(50) for r in range(20)])

        async def claim_all(store: Store) -> list[int]:
            claimed: list[int] = []
            while batch := await store.reminders.claim_due(NOW, 25):
                claimed += [d.reminder.id for d in batch]
            return claimed

        first, second = await asyncio.gather(*(claim_all(store) for store in stores))
        assert first and second  # both took part
        assert not set(first) & set(second)
        assert len(first) + len(second) == 1000
    finally:
        for store in stores:
            await store.close()


async def test_processes_starting_together_on_a_new_database_share_one_install_id(
        fresh_url: Callable[[], str]) -> None:
    """The install id is in every nonce: a claim one process left and another re-sends must carry the same one."""
    url = fresh_url()
    stores = [await Store.open(url) for _ in range(4)]
    try:
        ids = await asyncio.gather(*(store.reminders.install_id(NOW) for store in stores))
        assert len(set(ids)) == 1
        assert await stores[0].reminders.install_id(NOW) == ids[0]
    finally:
        for store in stores:
            await store.close()


async def test_a_dataset_read_while_another_process_loads_a_new_one_is_wholly_one_or_the_other(
        fresh_url: Callable[[], str], data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = fresh_url()
    reader, loader = await Store.open(url), await Store.open(url)
    try:
        old = check_dataset(MINI_DATA).dataset
        await loader.dataset.load(old, NOW)
        decide_2026(data_copy)
        new = check_dataset(data_copy).dataset
        games = reads.games

        async def load_in_the_middle(db: Any) -> Any:  # another process's load commits halfway through the read
            await loader.dataset.load(new, NOW)
            return await games(db)

        monkeypatch.setattr(reads, "games", load_in_the_middle)
        view = await reader.dataset.everything()
        assert view.content_hash == old.content_hash
        assert [s.standing for s in view.seasons] == [s.standing for s in old.seasons]
        monkeypatch.setattr(reads, "games", games)
        assert (await reader.dataset.everything()).content_hash == new.content_hash
    finally:
        await reader.close()
        await loader.close()


async def test_shard_locks_are_per_database_and_a_stopped_standby_stops_waiting(
        fresh_url: Callable[[], str]) -> None:
    first, second = fresh_url(), fresh_url()  # staging and production on one server
    held = [ShardLock(first, None), ShardLock(second, None)]
    for lock in held:
        await lock.acquire()  # neither refuses the other: they are different databases
    standby = ShardLock(first, None)
    waiting = asyncio.create_task(standby.acquire(standby=True))
    await asyncio.sleep(0.3)
    assert not waiting.done()  # the shards are held: it waits
    standby.stop_waiting()
    with pytest.raises(StandbyStopped):
        await asyncio.wait_for(waiting, timeout=5)
    for lock in held:
        await lock.release()


async def test_a_shard_layout_too_long_to_show_other_processes_is_refused(fresh_url: Callable[[], str]) -> None:
    every_other = ShardScope(tuple(range(0, 64, 2)), 64)
    with pytest.raises(StoreError, match="too long for PostgreSQL to show other processes"):
        await ShardLock(fresh_url(), every_other).acquire()
