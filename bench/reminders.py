"""Reminder delivery under Discord's limits, through the local Discord stand-in.

Run: .venv/bin/python -m bench.reminders [--guilds 10 --channels 10 --releases 10] [--kill]
Prints reminders due / delivered / duplicated / lost, 429s served, lateness (due → Discord accepted, from
the database) and wall time. With --kill, `pitwall run` runs as a process that is SIGKILLed a third of the
way through and started again.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FixedClock, SystemClock
from bot.config import DEFAULT_DATA_DIR, PROJECT_ROOT, Settings
from bot.core import Core
from tests.discord_standin import Channel, DiscordStandIn
from tests.e2e import TOKEN, running_pitwall, standin


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
    async with core.store.connection.execute("SELECT COUNT(*) FROM reminder WHERE state = 'pending'") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def lateness(database: Path) -> list[float]:
    core = await Core.open(Settings(db_path=database, data_dir=DEFAULT_DATA_DIR), SystemClock())
    try:
        async with core.store.connection.execute("SELECT due_at, sent_at FROM reminder WHERE state = 'sent'") as cur:
            rows = await cur.fetchall()
    finally:
        await core.close()
    return [(datetime.fromisoformat(s) - datetime.fromisoformat(d)).total_seconds() for d, s in rows]


def report(label: str, due: int, discord: DiscordStandIn, world: dict[int, list[Channel]], late: list[float],
           wall: float) -> None:
    nonces = Counter(str(m.payload.get("nonce")) for cs in world.values() for c in cs for m in discord.messages(c.id))
    posts = len(discord.requests_to("POST /channels/*/messages"))
    ordered = sorted(late) or [0.0]
    print(f"| {label} | {due} | {len(nonces)} | {sum(n - 1 for n in nonces.values())} | {due - len(nonces)} |"
          f" {discord.rate_limited_count} | {posts} | {statistics.median(ordered):.2f} |"
          f" {ordered[int(len(ordered) * 0.95) - 1]:.2f} | {ordered[-1]:.2f} | {wall:.1f} |")


async def in_process(guilds: int, channels: int, releases: int) -> None:
    due = datetime(2026, 12, 20, 20, 0, tzinfo=UTC)
    async with standin() as discord:
        world = build(discord, guilds, channels)
        with tempfile.TemporaryDirectory() as folder:
            database = Path(folder) / "bench.sqlite3"
            clock = ShiftedClock(timedelta(0))
            core = await Core.open(Settings(db_path=database, data_dir=DEFAULT_DATA_DIR),
                                   FixedClock(due - timedelta(days=1)))
            count = await populate(core, world, releases, due)
            await core.close()
            clock.shift = due - datetime.now(UTC) + timedelta(seconds=2)  # due two seconds after start-up
            started = time.perf_counter()
            async with running_pitwall(discord, Settings(db_path=database, data_dir=DEFAULT_DATA_DIR), clock) as bot:
                assert bot.dispatcher is not None
                async with asyncio.timeout(600):
                    while bot.dispatcher.stats.sent + bot.dispatcher.stats.missed < count:  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
            wall = time.perf_counter() - started
            report("in-process", count, discord, world, await lateness(database), wall)


async def killed(guilds: int, channels: int, releases: int) -> None:
    async with standin() as discord:
        world = build(discord, guilds, channels)
        with tempfile.TemporaryDirectory() as folder:
            database = Path(folder) / "bench.sqlite3"
            now = datetime.now(UTC).replace(second=0, microsecond=0)
            core = await Core.open(Settings(db_path=database, data_dir=DEFAULT_DATA_DIR),
                                   FixedClock(now - timedelta(hours=1)))
            count = await populate(core, world, releases, now - timedelta(minutes=1))
            await core.close()
            environ = {k: v for k, v in os.environ.items() if not k.startswith(("PITWALL_", "DISCORD_"))}
            environ.update({"DISCORD_TOKEN": TOKEN, "PITWALL_API_BASE": discord.api_base,
                            "PITWALL_GATEWAY_URL": discord.gateway_url, "PITWALL_DB_PATH": str(database)})

            def delivered() -> int:
                return sum(len(discord.messages(c.id)) for cs in world.values() for c in cs)

            started = time.perf_counter()
            for kill_at in (count // 3, None):
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "run", cwd=PROJECT_ROOT, env=environ,
                    stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
                async with asyncio.timeout(600):
                    while delivered() < (kill_at or count):  # noqa: ASYNC110
                        await asyncio.sleep(0.02)
                if kill_at:
                    process.kill()
                else:
                    process.terminate()
                await process.wait()
            wall = time.perf_counter() - started
            report("SIGKILL at 1/3, restarted", count, discord, world, await lateness(database), wall)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--guilds", type=int, default=10)
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument("--releases", type=int, default=10)
    parser.add_argument("--kill", action="store_true")
    args = parser.parse_args()
    print("| run | due | delivered | duplicated | lost | 429s | POSTs | lateness p50 s | p95 s | max s | wall s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    asyncio.run(in_process(args.guilds, args.channels, args.releases))
    if args.kill:
        asyncio.run(killed(args.guilds, args.channels, args.releases))


if __name__ == "__main__":
    main()
