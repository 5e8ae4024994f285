"""Processes on different shards of one database: each delivers the reminders of its own servers, and together they
deliver every reminder exactly once (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.core import Core
from bot.shards import ShardScope, parse_shards, shard_of
from tests.conftest import utc
from tests.test_reminder_dispatcher import FakePoster, dispatcher_for, settle

pytestmark = pytest.mark.both_backends

ADMIN = 4004
# Snowflakes whose shard (of 2) is known: the shard is taken from the bits above the low 22.
GUILDS = {0: [(2 * n) << 22 | 7 for n in range(1, 4)], 1: [(2 * n + 1) << 22 | 7 for n in range(1, 4)]}


def test_the_shard_of_a_server_is_discords_formula() -> None:
    assert all(shard_of(g, 2) == shard for shard, guilds in GUILDS.items() for g in guilds)
    assert shard_of(81384788765712384, 8) == (81384788765712384 >> 22) % 8
    scope = parse_shards("0-2,5", 8)
    assert scope.ids == (0, 1, 2, 5) and str(scope) == "shards 0-2,5 of 8" and not scope.everything
    assert parse_shards("0-3", 4).everything
    for bad, why in (("4", "names shard 4"), ("3-1", "runs backwards"), ("x", "such as 0-3")):
        with pytest.raises(ValueError, match=why):
            parse_shards(bad, 4)


async def test_two_processes_on_two_shards_deliver_every_reminder_once_each_its_own(
        make_settings: Callable[..., Settings], clock: FixedClock) -> None:
    settings = make_settings()
    cores = [await Core.open(dataclasses.replace(settings, shards=ShardScope((shard,), 2)), clock) for shard in (0, 1)]
    try:
        channels = {}
        for shard, guilds in GUILDS.items():
            for guild in guilds:
                await cores[0].reminders.save_custom(guild, "Cup final", "2026-12-20", None, "PS5", ADMIN)
                for c in range(4):
                    channel = guild + 100 + c
                    channels[channel] = shard
                    await cores[0].reminders.subscribe(guild, channel, "cup final", "0", None, ADMIN)
        posters = [FakePoster(), FakePoster()]
        dispatchers = [dispatcher_for(core, poster) for core, poster in zip(cores, posters, strict=True)]
        for dispatcher in dispatchers:
            dispatcher.start()
        # Both claim at the same moment (on PostgreSQL, two pools: truly concurrent transactions).
        clock.set(utc(2026, 12, 20, 9))
        await asyncio.gather(*(settle(dispatcher, clock) for dispatcher in dispatchers))
        for dispatcher in dispatchers:
            await dispatcher.stop()
        for shard, poster in enumerate(posters):
            posted = [channel for channel, _, _ in poster.posts]
            assert posted and all(channels[channel] == shard for channel in posted)  # only its own servers
        every = [channel for poster in posters for channel, _, _ in poster.posts]
        assert sorted(every) == sorted(channels)  # all of them, each once
        nonces = [nonce for poster in posters for _, _, nonce in poster.posts]
        assert len(set(nonces)) == len(nonces)
    finally:
        for core in cores:
            await core.close()


async def test_a_process_sees_only_its_own_servers_claims_and_discord_events(
        make_settings: Callable[..., Settings], clock: FixedClock) -> None:
    settings = make_settings()
    everything = await Core.open(settings, clock)
    shard_one = await Core.open(dataclasses.replace(settings, shards=ShardScope((1,), 2)), clock)
    try:
        for guilds in GUILDS.values():
            for guild in guilds:
                await everything.reminders.save_custom(guild, "Cup final", "2026-12-20", None, "PS5", ADMIN)
                await everything.reminders.subscribe(guild, guild + 1, "cup final", "0", None, ADMIN)
                await everything.store.discord_events.set_enabled(guild, True, clock.now())
        assert await shard_one.store.discord_events.enabled_guilds() == sorted(GUILDS[1])
        assert len(await everything.store.discord_events.enabled_guilds()) == 6
        assert {s.guild_id for s in await shard_one.store.reminders.subscriptions()} == set(GUILDS[1])
        claimed = await shard_one.store.reminders.claim_due(utc(2026, 12, 20, 9), 100)
        assert {d.subscription.guild_id for d in claimed} == set(GUILDS[1])
        # Left claimed as if the process died: at its restart it finds its own in flight, and only those.
        assert {d.reminder.id for d in await shard_one.store.reminders.in_flight()} == {d.reminder.id for d in claimed}
        left = await everything.store.reminders.claim_due(utc(2026, 12, 20, 9), 100)
        assert {d.subscription.guild_id for d in left} == set(GUILDS[0])
    finally:
        await shard_one.close()
        await everything.close()
