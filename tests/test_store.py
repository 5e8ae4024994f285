from collections.abc import Callable
from pathlib import Path

import aiosqlite
import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.core import Core
from bot.dataset.loader import read_dataset
from bot.store import Store, StoreError
from bot.store.migrate import available_migrations, migrate, schema_version
from bot.store.writes import replace_dataset
from tests.conftest import MINI_DATA, NOW, dump_database


async def count(store: Store, table: str) -> int:
    async with store.connection.execute(f"SELECT COUNT(*) FROM {table}") as cursor:  # noqa: S608
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def test_a_new_database_gets_every_migration_and_safe_pragmas(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "new.sqlite3")
    try:
        assert await schema_version(store.connection) == len(available_migrations())
        async with store.connection.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"  # type: ignore[index]
        async with store.connection.execute("PRAGMA foreign_keys") as cursor:
            assert (await cursor.fetchone())[0] == 1  # type: ignore[index]
        assert await store.integrity_check() == "ok"
    finally:
        await store.close()


async def test_an_older_database_is_upgraded_in_place_without_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    dataset, problems = read_dataset(MINI_DATA)
    assert problems == []
    async with aiosqlite.connect(path, isolation_level=None) as old:
        await old.execute("PRAGMA foreign_keys = ON")
        await migrate(old, target=1)
        await old.execute("BEGIN")
        await replace_dataset(old, dataset, NOW)
        await old.commit()
        assert await schema_version(old) == 1
    store = await Store.open(path)
    try:
        assert await schema_version(store.connection) == len(available_migrations())
        assert await count(store, "season") == len(dataset.seasons)
        assert await count(store, "placing") > 0
        assert await store.dataset.content_hash() == dataset.content_hash
        await store.state.set("k", "v", NOW)  # the table migration 2 added works
        assert await store.state.get("k") == "v"
    finally:
        await store.close()


async def test_a_database_newer_than_the_code_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    async with aiosqlite.connect(path) as future:
        await future.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError, match="newer than this pitwall"):
        await Store.open(path)


async def test_a_second_start_loads_nothing_and_duplicates_nothing(
    make_settings: Callable[..., Settings], clock: FixedClock
) -> None:
    settings = make_settings()
    first = await Core.open(settings, clock)
    await first.close()
    before = dump_database(settings.db_path)
    clock.set(NOW.replace(year=2027))
    second = await Core.open(settings, clock)
    try:
        assert not await second.store.dataset.load(read_dataset(MINI_DATA)[0], clock.now())
    finally:
        await second.close()
    assert dump_database(settings.db_path) == before


async def test_a_changed_dataset_is_reloaded_and_the_bots_own_state_survives(
    make_settings: Callable[..., Settings], clock: FixedClock, data_copy: Path
) -> None:
    data = data_copy
    settings = make_settings(data)
    core = await Core.open(settings, clock)
    await core.store.state.set("command_tree_hash:global", "abc", NOW)
    await core.close()
    seasons = (data / "seasons.toml").read_text(encoding="utf-8")
    (data / "seasons.toml").write_text(seasons.replace('name = "Valerio Gallo"', 'name = "Valerio Gallo (fixed)"'))
    core = await Core.open(settings, clock)
    try:
        champions = await core.services.champions(2021, core.services.resolve_competition("nations-cup"))
        assert champions[0].standing[0].name == "Valerio Gallo (fixed)"
        assert await count(core.store, "season") == 4
        assert await core.store.state.get("command_tree_hash:global") == "abc"  # the bot's own rows stay
    finally:
        await core.close()


async def test_a_broken_dataset_never_replaces_a_good_one(
    make_settings: Callable[..., Settings], clock: FixedClock, data_copy: Path
) -> None:
    data = data_copy
    settings = make_settings(data)
    await (await Core.open(settings, clock)).close()
    before = dump_database(settings.db_path)
    (data / "seasons.toml").write_text((data / "seasons.toml").read_text().replace('country = "IT"', 'country = "XX"'))
    core = await Core.open(settings, clock)
    try:
        assert (await core.questions.podium("nations-cup", 2021)).description.count("Italy") == 1
    finally:
        await core.close()
    assert dump_database(settings.db_path) == before
