from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.core import Core

MINI_DATA = Path(__file__).parent / "fixtures" / "mini"
REAL_DATA = DEFAULT_DATA_DIR
# "Today" for every test: the day this suite was written, so answers never depend on the real date.
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


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


def dump_database(path: Path) -> list[str]:
    """Every row and schema statement of a database, to prove something did not change it."""
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())
