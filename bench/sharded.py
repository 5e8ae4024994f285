"""Delivery past one process: the same burst of reminders posted by `pitwall run` processes on one PostgreSQL
database: one process serving every shard, then two processes on shards 0 and 1 of 2, against the stand-in's
Discord limits (5 messages per 5 s per channel, 50 requests per second for the whole bot, across its processes).

Each figure: delivered posts over the time from the first to the last, 429s, duplicates and losses (from the
nonces of the messages that exist), and each process's share of the posts. Discord's global limit is the bot's,
so two processes cannot post faster than one; what sharding buys is gateway connections (Discord requires one per
2,500 servers) and a second machine, at no cost in exactly-once delivery.

Run: .venv/bin/python -m bench.sharded [--guilds 10 --channels 30 --releases 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.delivery import _tally, populate
from bot.clock import FixedClock
from bot.config import DEFAULT_DATA_DIR, PROJECT_ROOT, Settings
from bot.core import Core
from bot.shards import shard_of
from tests.e2e import standin
from tests.postgres_server import TemporaryPostgres, install
from tests.test_e2e_shards import build_sharded_world
from tests.test_e2e_startup import pitwall_environ


async def burst(server: TemporaryPostgres, name: str, layouts: list[list[str]], guilds: int, channels: int,
                releases: int, progress: Callable[[str], None]) -> dict[str, Any]:
    url = server.create_database(name)
    async with standin() as discord:
        world = build_sharded_world(discord, guilds // 2, channels)
        with tempfile.TemporaryDirectory() as folder:
            now = datetime.now(UTC).replace(second=0, microsecond=0)
            settings = Settings(db_path=Path(folder) / "unused", data_dir=DEFAULT_DATA_DIR, database_url=url)
            core = await Core.open(settings, FixedClock(now - timedelta(hours=1)))
            count = await populate(core, world, releases, now - timedelta(minutes=1))
            await core.close()
            environ = pitwall_environ(discord, Path(folder) / "unused") | {"PITWALL_DATABASE_URL": url}
            # Each process its own token label, so that the stand-in says which process posted each message.
            labels = ["main"] + [f"p{i}" for i in range(1, len(layouts))]
            tokens = [discord.token] + [discord.issue_token(label) for label in labels[1:]]
            progress(f"  {name}: {count} reminders due at once, {len(layouts)} process(es)…")
            started = time.monotonic()
            processes = [await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", *layout, cwd=PROJECT_ROOT, env=environ | {"DISCORD_TOKEN": token},
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
                for layout, token in zip(layouts, tokens, strict=True)]

            def delivered() -> int:
                return sum(len(discord.messages(c.id)) for cs in world.values() for c in cs)

            async with asyncio.timeout(300):
                while delivered() < count:  # noqa: ASYNC110 - other processes post
                    await asyncio.sleep(0.05)
            elapsed = time.monotonic() - started
            await asyncio.sleep(0.5)  # anything extra would arrive now
            for process in processes:
                process.terminate()
            await asyncio.gather(*(process.wait() for process in processes))
            found = _tally(discord, world, count)
            served = list(discord.limiter.served_429)
            by = Counter(m.posted_by for cs in world.values() for c in cs for m in discord.messages(c.id))
            wrong = sum(1 for guild_id, cs in world.items() for c in cs for m in discord.messages(c.id)
                        if len(layouts) > 1 and m.posted_by != labels[shard_of(guild_id, 2)])
    result = {k: found[k] for k in ("due", "delivered", "duplicates", "lost", "http_429", "http_429_global",
                                    "msgs_per_s")}
    result["refused_routes"] = sorted({f"{method} {path}" for method, path, *_ in served})
    result.update({"processes": len(layouts), "start_to_last_s": round(elapsed, 2),
                   "posts_per_process": [by[label] for label in labels], "by_wrong_process": wrong})
    progress(f"  {name}: {found['delivered']}/{count} at {found['msgs_per_s']} msgs/s, {found['http_429']} × 429, "
             f"{found['duplicates']} duplicated, {found['lost']} lost, per process {result['posts_per_process']}")
    return result


async def measure(guilds: int, channels: int, releases: int, progress: Callable[[str], None]) -> dict[str, Any]:
    why_not = install()
    if why_not:
        raise RuntimeError(f"the sharded delivery bench needs PostgreSQL: {why_not}")
    server = TemporaryPostgres()
    server.start()
    try:
        one = await burst(server, "bench_one", [[]], guilds, channels, releases, progress)
        two = await burst(server, "bench_two", [["--shards", "0", "--shard-count", "2"],
                                                ["--shards", "1", "--shard-count", "2"]],
                          guilds, channels, releases, progress)
    finally:
        server.stop()
    return {"one_process": one, "two_processes": two}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--guilds", type=int, default=10)
    parser.add_argument("--channels", type=int, default=30)
    parser.add_argument("--releases", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON line, last")
    args = parser.parse_args()
    result = asyncio.run(measure(args.guilds, args.channels, args.releases, print))
    print(json.dumps(result) if args.json else result, flush=True)


async def in_fresh_process(progress: Callable[[str], None]) -> dict[str, Any]:
    """The stage from `make bench`, in a process of its own: the stand-in's clock must not share an event loop and
    a heap with the earlier stages (a million-row store, garbage collections), or its rate limiter sees requests
    bunched that pitwall sent evenly (measured: 4 global 429s inside `make bench`, 0 alone)."""
    child = await asyncio.create_subprocess_exec(sys.executable, "-m", "bench.sharded", "--json", cwd=PROJECT_ROOT,
                                                 stdout=asyncio.subprocess.PIPE)
    assert child.stdout is not None
    last = ""
    async for line in child.stdout:
        last = line.decode().rstrip()
        if not last.startswith("{"):
            progress(last)
    if await child.wait() != 0:
        raise RuntimeError("bench.sharded failed")
    result: dict[str, Any] = json.loads(last)
    return result


if __name__ == "__main__":
    main()
