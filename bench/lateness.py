"""How late reminders are posted: pitwall's dispatcher against a 60-second polling loop, in real time.

Reminders fall due at random moments (milliseconds apart, not minute boundaries) over a short window. Lateness is
the time from a reminder's due instant to the stand-in receiving its post. Then the same number of reminders goes
through a polling loop, the way most reminder bots work (every 60 s: send whatever is due), with a random phase
against the due times, through the same claim, compose and send code and the same Discord poster: only the
timing differs.

Run: .venv/bin/python -m bench.lateness [--count 200] [--window 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.growth import percentile
from bot.adapter.client import PitwallBot
from bot.adapter.poster import DiscordPoster
from bot.clock import SystemClock
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.reminders.dispatcher import ReminderDispatcher
from tests.discord_standin import Channel, DiscordStandIn
from tests.e2e import running_pitwall, standin

POLL_EVERY = timedelta(seconds=60)


class PollingDispatcher(ReminderDispatcher):
    """The usual way: wake every POLL_EVERY, send what is due. Same claim, compose, pacing and poster."""

    def __init__(self, *args: Any, first_poll_in: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.next_poll = self.clock.now() + timedelta(seconds=first_poll_in)

    async def _step(self) -> None:
        while self.clock.now() < self.next_poll and not self._stopping:  # a change does not make it look sooner
            self._wake.clear()
            await self._sleep_until(self.next_poll)
        if self._stopping:
            return
        self.next_poll += POLL_EVERY
        while claimed := await self.rows.claim_due(self.clock.now(), self.batch):
            await self._deliver(claimed)


def _wall_offset() -> float:
    """Add to a time.monotonic() reading to get a POSIX time."""
    return time.time() - time.monotonic()


async def _plant(bot: PitwallBot, world: dict[int, list[Channel]], count: int, start: datetime,
                 window: float) -> dict[int, datetime]:
    """`count` reminders, one a channel in turn, due at random moments in [start, start + window] (exact to the
    millisecond: rows written as the planner writes them, for a server release far ahead that never moves)."""
    reminders = bot.core.reminders
    channels = [(guild_id, channel) for guild_id, cs in world.items() for channel in cs]
    due_by_channel: dict[int, datetime] = {}
    targets: dict[int, Any] = {}
    for guild_id in world:
        custom = await reminders.save_custom(guild_id, "Season finale", "2027-06-01", "18:00", "PS5", 1)
        targets[guild_id] = next(x for x in await reminders.targets(guild_id) if x.key == custom.key)
    db = bot.core.store.db
    for i in range(count):
        guild_id, channel = channels[i % len(channels)]
        subscription = await reminders.subscribe(guild_id, channel.id, "Season finale", "0", None, 1)
        due = start + timedelta(seconds=random.uniform(0, window))
        due_by_channel[channel.id] = due
        target = targets[guild_id]
        async with db.transaction() as connection:
            await connection.execute(
                'INSERT INTO reminder (subscription_id, release_key, "offset", release_on, anchor_at, due_at,'
                " attempt_at, state) VALUES (?, ?, '5m', ?, ?, ?, ?, 'pending')",
                (subscription.subscription.id, target.key, target.release_on, due.isoformat(), due.isoformat(),
                 due.isoformat()))
    return due_by_channel


def _lateness_ms(discord: DiscordStandIn, due: dict[int, datetime], offset: float, since: float) -> list[float]:
    found = []
    for channel_id, when in due.items():
        posts = [m for m in discord.messages(channel_id) if m.created_at >= since]
        if posts:
            found.append((posts[0].created_at + offset - when.timestamp()) * 1000)
    return found


async def _run(discord: DiscordStandIn, bot: PitwallBot, world: dict[int, list[Channel]], count: int, window: float,
               *, polling: bool, progress: Callable[[str], None]) -> list[float]:
    assert bot.dispatcher is not None
    since = time.monotonic()
    dispatcher: ReminderDispatcher = bot.dispatcher
    if polling:
        await bot.dispatcher.stop()
        dispatcher = PollingDispatcher(bot.core.reminders, DiscordPoster(bot), per_second=bot.dispatcher.per_second,
                                       first_poll_in=random.uniform(0, POLL_EVERY.total_seconds()))
        bot.core.reminders.on_change = dispatcher.wake
        dispatcher.start()
    start = datetime.now(UTC) + timedelta(seconds=3)
    due = await _plant(bot, world, count, start, window)
    dispatcher.wake()
    deadline = time.monotonic() + window + (POLL_EVERY.total_seconds() if polling else 0) + 30
    offset = _wall_offset()
    while len(_lateness_ms(discord, due, offset, since)) < count and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    if polling:
        await dispatcher.stop()
    found = _lateness_ms(discord, due, offset, since)
    progress(f"  lateness ({'60 s polling' if polling else 'pitwall'}): {len(found)}/{count} posted, "
             f"p50 {percentile(found, 0.5):.1f} ms, p99 {percentile(found, 0.99):.1f} ms")
    return found


async def measure(count: int = 200, window: float = 20.0, progress: Callable[[str], None] = print) -> dict[str, Any]:
    async with standin() as discord:
        world = {g.id: [discord.add_channel(g.id, f"c{c}") for c in range(20)]
                 for g in (discord.add_guild(f"League {i}") for i in range(10))}
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(db_path=Path(folder) / "lateness.sqlite3", data_dir=DEFAULT_DATA_DIR)
            async with running_pitwall(discord, settings, SystemClock()) as bot:
                pitwall = await _run(discord, bot, world, count, window, polling=False, progress=progress)
                polled = await _run(discord, bot, world, count, window, polling=True, progress=progress)
    return {"count": count, "window_s": window,
            "p50": round(percentile(pitwall, 0.5), 2), "p99": round(percentile(pitwall, 0.99), 2),
            "poll60_p50": round(percentile(polled, 0.5), 1), "poll60_p99": round(percentile(polled, 0.99), 1),
            "posted": len(pitwall), "poll60_posted": len(polled)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--window", type=float, default=20.0)
    args = parser.parse_args()
    print(asyncio.run(measure(args.count, args.window)))


if __name__ == "__main__":
    main()
