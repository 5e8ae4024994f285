from collections.abc import Callable
from pathlib import Path

import aiosqlite
import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.core import Core
from bot.dataset.loader import read_dataset
from bot.store import Store, StoreError
from bot.store.migrate import newest_version
from bot.store.sqlite import SqliteDatabase, migrate, schema_version
from tests.conftest import MINI_DATA, NOW, dump_database


async def count(store: Store, table: str) -> int:
    row = await store.db.fetchone(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
    assert row is not None
    return int(row[0])


async def test_a_new_database_gets_every_migration_and_safe_pragmas(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "new.sqlite3")
    try:
        assert isinstance(store.db, SqliteDatabase)
        assert await schema_version(store.db.connection) == newest_version("sqlite")
        assert await store.db.fetchone("PRAGMA journal_mode") == ("wal",)
        assert await store.db.fetchone("PRAGMA foreign_keys") == (1,)
        assert await store.integrity_check() == "ok"
    finally:
        await store.close()


async def test_an_older_database_is_upgraded_in_place_without_losing_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as old:
        await old.execute("PRAGMA foreign_keys = ON")
        await migrate(old, target=1)
        # Rows as version 1 wrote them (today's writer needs today's columns).
        await old.execute("INSERT INTO source (id, url, publisher, title, read) VALUES ('s', 'https://x', 'P', 'T',"
                          " '2026-01-01')")
        await old.execute("INSERT INTO competition (slug, name, kind, sort_order) VALUES ('nc', 'NC', 'driver', 0)")
        await old.execute("INSERT INTO season (year, competition, title, series, status, format) VALUES"
                          " (2021, 'nc', 'T', 'S', 'concluded', 'driver')")
        await old.execute("INSERT INTO placing (season_id, classification, ordinal, position, name, country)"
                          " VALUES (1, 'standing', 0, 1, 'Valerio Gallo', 'IT')")
        await old.execute("INSERT INTO dataset_meta (key, value) VALUES ('content_hash', 'old')")
        assert await schema_version(old) == 1
    store = await Store.open(path)
    try:
        assert await store.db.fetchone("PRAGMA user_version") == (newest_version("sqlite"),)
        assert await count(store, "season") == 1
        assert await count(store, "placing") == 1
        (season,) = (await store.dataset.everything()).seasons
        assert season.standing[0].name == "Valerio Gallo"
        # The old rows lack the calendar and the newer details: the next start loads the dataset again.
        assert await store.dataset.content_hash() is None
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
        champions = core.services.catalog.champions(2021, core.services.catalog.resolve_competition("nations-cup"))
        assert champions[0].standing[0].name == "Valerio Gallo (fixed)"
        assert await count(core.store, "season") == 5
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
