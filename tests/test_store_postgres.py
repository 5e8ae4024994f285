"""What only the PostgreSQL backend has to show: the same schema as SQLite, migrations and dataset loads done once
when processes start together, claims that never overlap between processes, and no password in any message."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.dataset.check import check_dataset
from bot.store import Store, StoreError
from bot.store.postgres import PostgresDatabase, numbered, redacted
from tests.conftest import MINI_DATA, NOW, database_names, utc
from tests.postgres_server import TemporaryPostgres


@pytest.fixture
def fresh_url(postgres_server: TemporaryPostgres) -> Callable[[], str]:
    return lambda: postgres_server.create_database(f"pitwall_{next(database_names)}")


def test_placeholders_are_numbered_outside_string_literals() -> None:
    assert numbered("SELECT ? WHERE a = '?' AND b = ? AND c = 'it''s ?'") == (
        "SELECT $1 WHERE a = '?' AND b = $2 AND c = 'it''s ?'")
    assert redacted("postgresql://pitwall:s3cret@db.example:5432/pitwall") == (
        "postgresql://pitwall:***@db.example:5432/pitwall")


async def test_both_backends_reach_the_same_tables_and_columns(fresh_url: Callable[[], str], tmp_path: object) -> None:
    from pathlib import Path
    sqlite = await Store.open(Path(str(tmp_path)) / "s.sqlite3")
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
        assert len(await stores[1].dataset.seasons()) == len(dataset.seasons)
    finally:
        await first.close()
        await second.close()


async def test_a_reader_refuses_a_database_that_was_never_migrated(fresh_url: Callable[[], str]) -> None:
    with pytest.raises(StoreError, match="schema version 0, this pitwall needs 7: run `pitwall db migrate`"):
        await Store.open_readonly(fresh_url())


async def test_an_unreachable_server_is_named_without_its_password() -> None:
    with pytest.raises(StoreError) as refused:
        await Store.open("postgresql://pitwall:s3cret@127.0.0.1:1/pitwall")
    assert "cannot connect to the database at postgresql://pitwall:***@127.0.0.1:1/pitwall" in str(refused.value)
    assert "s3cret" not in str(refused.value)


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
