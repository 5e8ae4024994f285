"""A burst at Discord's limits: thousands of reminders due at once, in process, and across a SIGKILL and restart.

The stand-in enforces Discord's limits: 5 messages per 5 s per channel, and 50 requests per second for the whole
bot (interaction responses are exempt, as on Discord). Throughput is delivered posts over the time from the
first to the last; duplicates and losses are counted from the nonces of the messages that exist.

Run: .venv/bin/python -m bench.delivery [--guilds 10 --channels 30 --releases 10] [--kill]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import FixedClock, SystemClock
from bot.config import DEFAULT_DATA_DIR, PROJECT_ROOT, Settings
from bot.core import Core
from tests.discord_standin import Channel, DiscordStandIn
from tests.e2e import running_pitwall, standin
from tests.test_e2e_startup import pitwall_environ

LIMIT_MSGS_PER_S = 50


class ShiftedClock(SystemClock):
    """Real time, moved by a fixed amount: the bench's due instant arrives a moment after set-up."""

    def __init__(self, shift: timedelta) -> None:
        self.shift = shift

    def now(self) -> datetime:
        return super().now() + self.shift


def build(discord: DiscordStandIn, guilds: int, channels: int) -> dict[int, list[Channel]]:
    discord.set_rate_limit("POST /channels/*/messages", limit=5, window=5.0)  # Discord's per-channel limit
    return {g.id: [discord.add_channel(g.id, f"c{c}") for c in range(channels)]
            for g in (discord.add_guild(f"g{i}") for i in range(guilds))}


async def populate(core: Core, world: dict[int, list[Channel]], releases: int, due: datetime) -> int:
    for guild_id, channels in world.items():
        for r in range(releases):
            await core.reminders.save_custom(guild_id, f"Round {r}", due.date().isoformat(), due.strftime("%H:%M"),
                                             None, 1)
        for channel in channels:
            await core.reminders.subscribe(guild_id, channel.id, None, "0", None, 1)
    row = await core.store.db.fetchone("SELECT COUNT(*) FROM reminder WHERE state = 'pending'")
    return int(row[0]) if row else 0


def _tally(discord: DiscordStandIn, world: dict[int, list[Channel]], due: int) -> dict[str, Any]:
    messages = [m for cs in world.values() for c in cs for m in discord.messages(c.id)]
    nonces = Counter(str(m.payload.get("nonce")) for m in messages)
    times = sorted(m.created_at for m in messages)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return {"due": due, "channels": sum(len(cs) for cs in world.values()), "guilds": len(world),
            "delivered": len(nonces), "duplicates": sum(n - 1 for n in nonces.values()), "lost": due - len(nonces),
            "http_429": discord.rate_limited_count,
            "msgs_per_s": round((len(messages) - 1) / span, 2) if span else 0.0, "limit_msgs_per_s": LIMIT_MSGS_PER_S,
            "http_429_global": sum(1 for *_, is_global in discord.limiter.served_429 if is_global)}


async def in_process(guilds: int, channels: int, releases: int, progress: Callable[[str], None]) -> dict[str, Any]:
    due_at = datetime(2026, 12, 20, 20, 0, tzinfo=UTC)
    async with standin() as discord:
        world = build(discord, guilds, channels)
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(db_path=Path(folder) / "burst.sqlite3", data_dir=DEFAULT_DATA_DIR)
            core = await Core.open(settings, FixedClock(due_at - timedelta(days=1)))
            count = await populate(core, world, releases, due_at)
            await core.close()
            progress(f"  delivery: {count} reminders due at once in {guilds} servers × {channels} channels…")
            clock = ShiftedClock(due_at - datetime.now(UTC) + timedelta(seconds=2))
            async with running_pitwall(discord, settings, clock) as bot:
                assert bot.dispatcher is not None
                async with asyncio.timeout(300):
                    while bot.dispatcher.stats.sent + bot.dispatcher.stats.missed < count:  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
            found = _tally(discord, world, count)
    progress(f"  delivery: {found['delivered']}/{count} at {found['msgs_per_s']} msgs/s, {found['http_429']} × 429,"
             f" {found['duplicates']} duplicated, {found['lost']} lost")
    return found


def _states(database: Path, ids: list[int]) -> Counter[str]:
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT state FROM reminder WHERE id IN (SELECT value FROM json_each(?))",
                          (str(ids),)).fetchall()
    return Counter(row[0] for row in rows)


def _claimed(database: Path) -> list[int]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT id FROM reminder WHERE state = 'claimed'")]


async def killed(guilds: int, channels: int, releases: int, progress: Callable[[str], None]) -> dict[str, Any]:
    async with standin() as discord:
        world = build(discord, guilds, channels)
        with tempfile.TemporaryDirectory() as folder:
            database = Path(folder) / "burst.sqlite3"
            now = datetime.now(UTC).replace(second=0, microsecond=0)
            core = await Core.open(Settings(db_path=database, data_dir=DEFAULT_DATA_DIR),
                                   FixedClock(now - timedelta(hours=1)))
            count = await populate(core, world, releases, now - timedelta(minutes=1))
            await core.close()
            environ = pitwall_environ(discord, database)

            def delivered() -> int:
                return sum(len(discord.messages(c.id)) for cs in world.values() for c in cs)

            async def start() -> asyncio.subprocess.Process:
                return await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT, env=environ,
                    stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)

            first = await start()
            async with asyncio.timeout(300):
                # A third of the way, and not on a batch boundary (the dispatcher claims 200 at a time): mid-batch.
                while delivered() < count // 3 + 37:  # noqa: ASYNC110 - another process posts
                    await asyncio.sleep(0.01)
            first.send_signal(signal.SIGKILL)
            await first.wait()
            in_flight = _claimed(database)
            progress(f"  crash: SIGKILL after {delivered()}/{count} posts, {len(in_flight)} reminder(s) in flight")
            restarted = time.monotonic()
            second = await start()
            recovery_s = None
            async with asyncio.timeout(300):
                while delivered() < count or recovery_s is None:
                    if recovery_s is None and not {"claimed", "pending"} & set(_states(database, in_flight)):
                        recovery_s = time.monotonic() - restarted
                    await asyncio.sleep(0.02)
            second.send_signal(signal.SIGTERM)
            await second.wait()
            found = _tally(discord, world, count)
    result = {k: found[k] for k in ("due", "delivered", "duplicates", "lost")}
    result.update({"in_flight_at_kill": len(in_flight), "recovery_s": round(recovery_s or 0.0, 2)})
    progress(f"  crash: {found['delivered']}/{count} delivered, {found['duplicates']} duplicated, {found['lost']} lost;"
             f" in-flight settled {result['recovery_s']} s after the restart")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--guilds", type=int, default=10)
    parser.add_argument("--channels", type=int, default=30)
    parser.add_argument("--releases", type=int, default=10)
    parser.add_argument("--kill", action="store_true")
    args = parser.parse_args()
    print(asyncio.run(in_process(args.guilds, args.channels, args.releases, print)))
    if args.kill:
        print(asyncio.run(killed(args.guilds, args.channels, args.releases, print)))


if __name__ == "__main__":
    main()
