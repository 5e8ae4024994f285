"""Past one process, end to end: real `pitwall run` processes on different shards of one PostgreSQL database,
against the Discord stand-in. A burst of reminders is posted exactly once, each by the process whose shard holds
its server; a standby takes a killed process's shard over; a second process for a held shard is refused."""

from __future__ import annotations

import asyncio
import io
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.adapter.client import DATASET_POLL
from bot.cli import main
from bot.clock import FixedClock
from bot.config import PROJECT_ROOT, Settings
from bot.core import Core
from bot.shards import shard_of
from tests.conftest import REAL_DATA, database_names
from tests.discord_standin import Channel, DiscordStandIn
from tests.e2e import reply_of, running_pitwall, standin
from tests.postgres_server import TemporaryPostgres
from tests.test_e2e_live_season_process import decide_2026
from tests.test_e2e_reminder_burst import CHANNELS_PER_GUILD, _wait_for_posts, pending_count, posted, subscribe_everyone
from tests.test_e2e_startup import pitwall_environ

GUILDS_PER_SHARD = 2  # 2 shards x 2 servers x 10 channels x 5 releases: 200 reminders due at once


def build_sharded_world(discord: DiscordStandIn, guilds_per_shard: int = GUILDS_PER_SHARD,
                        channels: int = CHANNELS_PER_GUILD) -> dict[int, list[Channel]]:
    """Servers split evenly between two shards (so two processes have the same work), at Discord's channel limit."""
    discord.set_rate_limit("POST /channels/*/messages", limit=5, window=5.0)
    world = {}
    for shard in (0, 1):
        for g in range(guilds_per_shard):
            guild = discord.add_guild(f"Shard {shard} league {g}", guild_id=discord.guild_id_on_shard(shard, 2))
            world[guild.id] = [discord.add_channel(guild.id, f"paddock-{c}") for c in range(channels)]
    return world


async def start(environ: dict[str, str], token: str, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", *args, cwd=PROJECT_ROOT, env=environ | {"DISCORD_TOKEN": token},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def stop(process: asyncio.subprocess.Process) -> str:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()[-3000:]
    return stderr.decode()


async def refused(environ: dict[str, str], token: str, *args: str) -> str:
    process = await start(environ, token, *args)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 2, stderr.decode()[-3000:]
    return stderr.decode()


async def test_two_processes_on_two_shards_post_a_burst_exactly_once_each_by_the_right_process(
        tmp_path: Path, postgres_server: TemporaryPostgres) -> None:
    url = postgres_server.create_database(f"pitwall_{next(database_names)}")
    async with standin() as discord:
        world = build_sharded_world(discord)
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        settings = Settings(db_path=tmp_path / "unused.sqlite3", data_dir=REAL_DATA, database_url=url)
        core = await Core.open(settings, FixedClock(now - timedelta(hours=1)))
        await subscribe_everyone(core.reminders, world, now - timedelta(minutes=5))
        expected = await pending_count(core)
        await core.close()
        assert expected == 2 * GUILDS_PER_SHARD * CHANNELS_PER_GUILD * 5

        environ = pitwall_environ(discord, tmp_path / "unused.sqlite3") | {"PITWALL_DATABASE_URL": url}
        tokens = {label: discord.issue_token(label) for label in ("one", "standby")}
        zero = await start(environ, discord.token, "--shards", "0", "--shard-count", "2")
        one = await start(environ, tokens["one"], "--shards", "1", "--shard-count", "2")
        standby: asyncio.subprocess.Process | None = None
        try:
            async with asyncio.timeout(60):  # shard 0's process posts, so it holds its shard: now the standby
                while not any(m.posted_by == "main" for cs in world.values() for c in cs  # noqa: ASYNC110
                              for m in discord.messages(c.id)):
                    await asyncio.sleep(0.02)
            standby = await start(environ, tokens["standby"], "--shards", "0", "--shard-count", "2", "--standby")
            await _wait_for_posts(discord, world, expected // 4)
            # Shard 0's process dies mid-burst (possibly between a post and its "sent" mark): the standby, waiting
            # on its lock, takes shard 0 over and finishes it.
            zero.send_signal(signal.SIGKILL)
            await asyncio.wait_for(zero.wait(), timeout=30)
            await _wait_for_posts(discord, world, expected)
            # While both shards are held, a process for a held shard, or for another split, is refused.
            held = await refused(environ, discord.token, "--shards", "1", "--shard-count", "2")
            assert "another pitwall (shards 1 of 2" in held and "serves shards 1 of 2" in held
            assert "--standby" in held and "Traceback" not in held
            resplit = await refused(environ, discord.token, "--shards", "2-3", "--shard-count", "4")
            assert "splits servers into 2 shards, not 4" in resplit
            # A standby stopped while it waits (systemctl stop) exits cleanly, having served nothing.
            waiting = await start(environ, discord.token, "--shards", "1", "--shard-count", "2", "--standby")
            await asyncio.sleep(3)  # long enough to be waiting on the lock
            assert "standby: another pitwall" in await stop(waiting)
            await asyncio.sleep(0.5)  # anything extra would arrive now
            await stop(one)
            await stop(standby)
        finally:
            for process in (zero, one, standby):
                if process is not None and process.returncode is None:
                    process.kill()

        nonces = posted(discord, world)
        assert len(nonces) == expected == len(set(nonces))  # every reminder, each once
        by_shard: dict[int, set[str | None]] = {0: set(), 1: set()}
        for guild_id, channels in world.items():
            for channel in channels:
                by_shard[shard_of(guild_id, 2)] |= {m.posted_by for m in discord.messages(channel.id)}
        assert by_shard[1] == {"one"}  # shard 1's servers: only its process
        assert by_shard[0] == {"main", "standby"}  # shard 0's: the first process, then the standby


async def test_a_dataset_loaded_into_the_shared_database_is_answered_by_a_running_process_without_a_restart(
        tmp_path: Path, data_copy: Path, postgres_server: TemporaryPostgres, clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = postgres_server.create_database(f"pitwall_{next(database_names)}")
    settings = Settings(db_path=tmp_path / "unused.sqlite3", data_dir=data_copy, database_url=url)
    async with standin() as discord:
        guild = discord.add_guild("Paddock")
        discord.add_channel(guild.id, "general")
        async with running_pitwall(discord, settings, clock) as bot:
            before = await discord.invoke("champion", {"year": "2026"}, guild_id=guild.id)
            assert "José Serrano" not in str(reply_of(before)[0])
            # Another machine's `pitwall data load`, into the database every process shares.
            decide_2026(data_copy)
            monkeypatch.setenv("PITWALL_DATABASE_URL", url)
            monkeypatch.setenv("PITWALL_DATA_DIR", str(data_copy))
            out = io.StringIO()
            assert await asyncio.to_thread(main, ["data", "load"], clock=clock, out=out) == 0
            assert "running bots answer from it within a minute" in out.getvalue()
            clock.advance(DATASET_POLL)
            async with asyncio.timeout(10):
                while bot.core.services.catalog.content_hash != await bot.core.store.dataset.content_hash():  # noqa: ASYNC110 - the bot polls on its own clock
                    await asyncio.sleep(0.02)
            after = await discord.invoke("champion", {"year": "2026"}, guild_id=guild.id)
            assert "José Serrano" in str(reply_of(after)[0])


async def test_with_no_shards_given_one_process_runs_every_shard_discord_recommends(
        make_settings: Callable[..., Settings], clock: FixedClock) -> None:
    async with standin(recommended_shards=2) as discord:
        world = build_sharded_world(discord, guilds_per_shard=1, channels=1)
        async with running_pitwall(discord, make_settings(REAL_DATA), clock) as bot:
            assert bot.shard_count == 2 and sorted(s.shard_id for s in discord.sessions()) == [0, 1]
            for guild_id in world:  # a member of a server on either shard is answered
                result = await discord.invoke("champion", {"year": "2021"}, guild_id=guild_id)
                assert "Valerio Gallo" in str(reply_of(result)[0])


async def test_sqlite_refuses_a_process_that_would_serve_only_some_shards(tmp_path: Path) -> None:
    async with standin() as discord:
        environ = pitwall_environ(discord, tmp_path / "pitwall.sqlite3")
        said = await refused(environ, discord.token, "--shards", "0", "--shard-count", "2")
        assert "SQLite serves one process" in said and "PITWALL_DATABASE_URL" in said and "Traceback" not in said
        assert discord.sessions() == []  # refused before connecting: it never answers a member of shard 0
