from __future__ import annotations

import itertools
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapter.client import PitwallBot
from bot.clock import FixedClock
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.core import Core, load_into_database
from bot.dataset.check import check_dataset
from tests.discord_standin import DiscordStandIn
from tests.e2e import running_pitwall, standin
from tests.postgres_server import TemporaryPostgres, install

MINI_DATA = Path(__file__).parent / "fixtures" / "mini"
REAL_DATA = DEFAULT_DATA_DIR
# "Today" for every test: the day this suite was written, so answers never depend on the real date.
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


BACKENDS = ("sqlite", "postgresql")
database_names = itertools.count()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_backends: run the module's store-backed tests on SQLite and PostgreSQL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # The store and scheduler suites (modules marked both_backends) run once per backend.
    if "database_backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_backends"):
        metafunc.parametrize("database_backend", BACKENDS)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TemporaryPostgres]:
    """One real PostgreSQL server for the run, installed from the system's packages when missing."""
    why_not = install()
    if why_not:
        pytest.skip(f"PostgreSQL backend not tested here: {why_not}")
    server = TemporaryPostgres()
    try:
        server.start()
    except Exception as exc:
        server.stop()
        pytest.skip(f"PostgreSQL backend not tested here: the server would not start ({exc})")
    yield server
    server.stop()


@pytest.fixture
def database_backend() -> str:
    """SQLite, unless the module is marked both_backends (then each test runs on both)."""
    return "sqlite"


@pytest.fixture
def new_database_url(database_backend: str, request: pytest.FixtureRequest) -> Callable[[], str | None]:
    """A fresh database for each call: None on SQLite (the settings' file is the database), a new PostgreSQL
    database's URL on PostgreSQL."""
    def make() -> str | None:
        if database_backend == "sqlite":
            return None
        server: TemporaryPostgres = request.getfixturevalue("postgres_server")
        return server.create_database(f"pitwall_{next(database_names)}")

    return make


@pytest.fixture
def make_settings(tmp_path: Path, new_database_url: Callable[[], str | None]) -> Callable[..., Settings]:
    """Settings for a test's own database (one per db_name), on the test's backend."""
    urls: dict[str, str | None] = {}

    def make(data_dir: Path = MINI_DATA, db_name: str = "pitwall.sqlite3") -> Settings:
        if db_name not in urls:
            urls[db_name] = new_database_url()
        return Settings(token=None, db_path=tmp_path / db_name, data_dir=data_dir, database_url=urls[db_name])

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


async def data_load(settings: Settings, clock: FixedClock) -> None:
    """`pitwall data load` with no bot running, on either backend."""
    await load_into_database(settings, clock, check_dataset(settings.data_dir).dataset)


def dump_database(path: Path) -> list[str]:
    """Every row and schema statement of a database, to prove something did not change it."""
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())
