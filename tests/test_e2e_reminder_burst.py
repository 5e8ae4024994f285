"""A burst of reminders due at once, through the stand-in with Discord's limits: none lost, none doubled,
no 429 — and the same when the bot process is killed (SIGKILL) mid-burst and started again."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.config import PROJECT_ROOT, Settings
from bot.core import Core
from bot.reminders.service import ReminderService
from tests.conftest import REAL_DATA
from tests.discord_standin import Channel, DiscordStandIn
from tests.e2e import TOKEN, running_pitwall, standin

GUILDS, CHANNELS_PER_GUILD, RELEASES_PER_GUILD = 4, 10, 5  # 200 reminders due at the same instant
ADMIN = 1


def build_world(discord: DiscordStandIn) -> dict[int, list[Channel]]:
    # Discord's own limit on posting in one channel: 5 messages per 5 seconds.
    discord.set_rate_limit("POST /channels/*/messages", limit=5, window=5.0)
    world = {}
    for g in range(GUILDS):
        guild = discord.add_guild(f"League {g}")
        world[guild.id] = [discord.add_channel(guild.id, f"paddock-{c}") for c in range(CHANNELS_PER_GUILD)]
    return world


async def subscribe_everyone(reminders: ReminderService, world: dict[int, list[Channel]], at: datetime) -> None:
    for guild_id, channels in world.items():
        for r in range(RELEASES_PER_GUILD):
            await reminders.save_custom(guild_id, f"Round {r}", at.date().isoformat(), at.strftime("%H:%M"), None,
                                        ADMIN)
        for channel in channels:
            await reminders.subscribe(guild_id, channel.id, None, "0", None, ADMIN)


def posted(discord: DiscordStandIn, world: dict[int, list[Channel]]) -> list[str]:
    """The nonce of every message that exists in any channel."""
    return [str(m.payload.get("nonce"))
            for channels in world.values() for channel in channels for m in discord.messages(channel.id)]


async def pending_count(core: Core) -> int:
    row = await core.store.db.fetchone("SELECT COUNT(*) FROM reminder WHERE state = 'pending'")
    return int(row[0]) if row else 0


async def test_a_burst_is_delivered_once_each_without_a_single_429(make_settings: Callable[..., Settings],
                                                                   clock: FixedClock) -> None:
    async with standin() as discord:
        world = build_world(discord)
        async with running_pitwall(discord, make_settings(REAL_DATA), clock) as bot:
            due = datetime(2026, 12, 20, 20, 0, tzinfo=UTC)
            await subscribe_everyone(bot.core.reminders, world, due)
            expected = await pending_count(bot.core)
            assert expected == GUILDS * CHANNELS_PER_GUILD * RELEASES_PER_GUILD
            assert bot.dispatcher is not None
            clock.set(due)
            bot.dispatcher.wake()
            await asyncio.wait_for(bot.dispatcher.idle.wait(), timeout=60)
            nonces = posted(discord, world)
            assert len(nonces) == expected and len(set(nonces)) == expected
            assert discord.rate_limited_count == 0
            assert bot.dispatcher.stats.sent == expected and await pending_count(bot.core) == 0


async def _wait_for_posts(discord: DiscordStandIn, world: dict[int, list[Channel]], at_least: int) -> None:
    async with asyncio.timeout(60):
        while len(posted(discord, world)) < at_least:  # noqa: ASYNC110 - another process does the posting
            await asyncio.sleep(0.02)


async def _start_bot(environ: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT, env=environ,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


def claimed_count(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT COUNT(*) FROM reminder WHERE state = 'claimed'").fetchone()[0])


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
async def test_stopped_mid_burst_and_restarted_every_reminder_is_posted_exactly_once(tmp_path: Path,
                                                                                     stop: signal.Signals) -> None:
    async with standin() as discord:
        world = build_world(discord)
        database = tmp_path / "burst.sqlite3"
        # Planned an hour ago for a release five minutes ago: all due now, late but within the grace window.
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        core = await Core.open(Settings(db_path=database, data_dir=REAL_DATA), FixedClock(now - timedelta(hours=1)))
        await subscribe_everyone(core.reminders, world, now - timedelta(minutes=5))
        expected = await pending_count(core)
        await core.close()

        environ = {k: v for k, v in os.environ.items() if not k.startswith(("PITWALL_", "DISCORD_"))}
        environ.update({"DISCORD_TOKEN": TOKEN, "PITWALL_API_BASE": discord.api_base,
                        "PITWALL_GATEWAY_URL": discord.gateway_url, "PITWALL_DB_PATH": str(database)})
        first = await _start_bot(environ)
        await _wait_for_posts(discord, world, expected // 3)
        # SIGKILL: no clean-up, possibly between a send and its "sent" mark. SIGTERM: a service manager's stop,
        # which lets the sends under way finish and gives back every claim it has not sent.
        first.send_signal(stop)
        await asyncio.wait_for(first.wait(), timeout=30)
        killed_at = len(posted(discord, world))
        assert 0 < killed_at < expected
        if stop == signal.SIGTERM:
            assert first.returncode == 0 and claimed_count(database) == 0

        second = await _start_bot(environ)
        try:
            try:
                await _wait_for_posts(discord, world, expected)
            except TimeoutError:
                second.kill()
                _, stderr = await second.communicate()
                raise AssertionError(f"{len(posted(discord, world))}/{expected} posted; the restarted bot said:\n"
                                     f"{stderr.decode()[-6000:]}") from None
            second.send_signal(15)
            _, stderr = await asyncio.wait_for(second.communicate(), timeout=30)
        finally:
            if second.returncode is None:
                second.kill()
        assert second.returncode == 0, stderr.decode()[-6000:]
        nonces = posted(discord, world)
        assert len(nonces) == expected and len(set(nonces)) == expected
        # A new process cannot know how much of each channel's bucket the killed one used: at most the first
        # post per channel may meet a 429, which discord.py waits out.
        assert discord.rate_limited_count <= GUILDS * CHANNELS_PER_GUILD
        core = await Core.open(Settings(db_path=database, data_dir=REAL_DATA), FixedClock(now))
        try:
            assert await pending_count(core) == 0
            assert await core.store.integrity_check() == "ok"
        finally:
            await core.close()
