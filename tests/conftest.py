from __future__ import annotations

import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapter.client import PitwallBot
from bot.clock import FixedClock
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.core import Core
from tests.discord_standin import DiscordStandIn
from tests.e2e import running_pitwall, standin

MINI_DATA = Path(__file__).parent / "fixtures" / "mini"
REAL_DATA = DEFAULT_DATA_DIR
# "Today" for every test: the day this suite was written, so answers never depend on the real date.
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(data_dir: Path = MINI_DATA, db_name: str = "pitwall.sqlite3") -> Settings:
        return Settings(token=None, db_path=tmp_path / db_name, data_dir=data_dir)

    return make


@pytest.fixture
async def core(make_settings: Callable[..., Settings], clock: FixedClock) -> AsyncIterator[Core]:
    opened = await Core.open(make_settings(MINI_DATA), clock)
    yield opened
    await opened.close()


@pytest.fixture
async def real_core(make_settings: Callable[..., Settings], clock: FixedClock) -> AsyncIterator[Core]:
    opened = await Core.open(make_settings(REAL_DATA, "real.sqlite3"), clock)
    yield opened
    await opened.close()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the mini dataset that a test may edit."""
    target = tmp_path / "data"
    shutil.copytree(MINI_DATA, target)
    return target


@pytest.fixture
async def discord() -> AsyncIterator[DiscordStandIn]:
    """The Discord stand-in with one server and one text channel."""
    async with standin() as server:
        guild = server.add_guild("Paddock")
        server.add_channel(guild.id, "general")
        yield server


@pytest.fixture
async def pitwall(discord: DiscordStandIn, make_settings: Callable[..., Settings],
                  clock: FixedClock) -> AsyncIterator[PitwallBot]:
    """pitwall on the real dataset, connected to the stand-in; its store must be intact afterwards."""
    async with running_pitwall(discord, make_settings(REAL_DATA), clock) as bot:
        yield bot
        assert await bot.core.store.integrity_check() == "ok"


def dump_database(path: Path) -> list[str]:
    """Every row and schema statement of a database, to prove something did not change it."""
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())
