"""How the question path costs as the store grows: realistic synthetic rows beside the shipped dataset.

The rows are what a big installation would hold: made-up competitions with a thousand past seasons each (standing,
drivers, sources), games with regional releases, World Series events, and servers with settings, subscriptions and
their reminders (most of the rows, as in a real deployment). They are written with plain SQL beside the real dataset
(its content hash stays, so the bot does not reload over them), then the bot answers the real questions.

Run: .venv/bin/python -m bench.growth [--sizes 1000,10000,100000] [--rounds 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import FixedClock
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.console import ask
from bot.core import Core

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
QUESTIONS = ("/champion 2021", "/podium nations-cup 2021", "/release gt7", "/releases", "/schedule 2026")
# Of every 100 rows: 20 dataset rows (seasons and their standings, releases, events), 80 a server's own.
DATASET_SHARE = 0.2
SEASON_ROWS = 12  # a season, 3 standing rows, 6 drivers, 2 cited sources
GAME_ROWS = 7  # a game, 3 regional releases and their sources
GUILD_ROWS = 1 + 20 + 200  # settings, 20 subscriptions, 10 reminders each


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def table_rows(core: Core) -> int:
    total = 0
    for table in await core.store.db.tables():
        row = await core.store.db.fetchone(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - names
        total += int(row[0]) if row else 0
    return total


async def grow(core: Core, rows: int) -> None:
    """Add about `rows` synthetic rows (see the module's docstring), in one transaction."""
    dataset_rows = int(rows * DATASET_SHARE)
    seasons = max(1, int(dataset_rows * 0.8) // SEASON_ROWS)
    games = max(1, int(dataset_rows * 0.15) // GAME_ROWS)
    events = max(1, int(dataset_rows * 0.05))
    guilds = max(1, (rows - dataset_rows) // GUILD_ROWS)
    competitions = max(1, seasons // 1000)
    now = NOW.isoformat()
    async with core.store.db.transaction() as db:
        await db.executemany("INSERT INTO source (id, url, publisher, title, published, read, language)"
                             " VALUES (?, ?, 'Synthetic Press', ?, '', '2026-12-01', 'en')",
                             [(f"syn-{i}", f"https://example.org/{i}", f"Report {i}") for i in range(64)])
        await db.executemany("INSERT INTO competition (slug, name, name_fr, kind, sort_order) VALUES (?, ?, '', ?, ?)",
                             [(f"synthetic-cup-{c}", f"Synthetic Cup {c}", "driver" if c % 2 else "team", 100 + c)
                              for c in range(competitions)])
        season_values, placing_values, member_values, cited = [], [], [], []
        placing_id = 10_000_000
        for s in range(seasons):
            season_id = 10_000_000 + s
            season_values.append((season_id, 1000 + s // competitions, f"synthetic-cup-{s % competitions}",
                                  f"Synthetic season {s}", "Synthetic Series"))
            cited += [(season_id, f"syn-{s % 64}", 0), (season_id, f"syn-{(s + 1) % 64}", 1)]
            for position in (1, 2, 3):
                placing_id += 1
                placing_values.append((placing_id, season_id, position - 1, position, f"Driver {s}-{position}"))
                member_values += [(placing_id, m, f"Member {s}-{position}-{m}") for m in range(2)]
        await db.executemany("INSERT INTO season (id, year, competition, title, series, status, format)"
                             " VALUES (?, ?, ?, ?, ?, 'concluded', 'driver')", season_values)
        await db.executemany("INSERT INTO season_source (season_id, source_id, ordinal) VALUES (?, ?, ?)", cited)
        await db.executemany('INSERT INTO "placing" (id, season_id, classification, ordinal, position, name, country)'
                             " VALUES (?, ?, 'standing', ?, ?, ?, 'IT')", placing_values)
        await db.executemany("INSERT INTO placing_member (placing_id, ordinal, name, country) VALUES (?, ?, ?, 'JP')",
                             member_values)
        await db.executemany("INSERT INTO game (slug, title, kind, sort_order) VALUES (?, ?, 'game', ?)",
                             [(f"synthetic-game-{g}", f"Synthetic Game {g}", 1000 + g) for g in range(games)])
        releases = [(f"synthetic-game-{g}:{region}", f"synthetic-game-{g}", r,
                     f"{1990 + g % 30:04d}-{1 + r * 4:02d}-{1 + g % 28:02d}", json.dumps(["PS5"]), region)
                    for g in range(games) for r, region in enumerate(("JP", "NA", "EU"))]
        await db.executemany("INSERT INTO game_release (key, game, ordinal, date, platforms, region)"
                             " VALUES (?, ?, ?, ?, ?, ?)", releases)
        await db.executemany("INSERT INTO game_release_source (release_key, source_id, ordinal) VALUES (?, ?, 0)",
                             [(key, f"syn-{i % 64}") for i, (key, *_) in enumerate(releases)])
        await db.executemany(
            "INSERT INTO event (id, season, name, kind, competitions, online, city, country, start, status, sources)"
            " VALUES (?, ?, ?, 'live', '[\"nations-cup\"]', 0, 'Testville', 'IT', ?, 'scheduled', '[\"syn-0\"]')",
            [(f"{1000 + e // 20}-synthetic-{e}", 1000 + e // 20, f"Synthetic round {e}",
              f"{1000 + e // 20:04d}-{1 + e % 12:02d}-01") for e in range(events)])
        for g in range(guilds):
            guild_id = 900_000_000_000_000_000 + g
            await db.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?)", (guild_id, now))
            for s in range(20):
                # One game each (re-planning an "every release" subscription costs in proportion to all releases).
                inserted = await db.fetchone(
                    "INSERT INTO subscription (guild_id, channel_id, target, offsets, created_by, created_at)"
                    " VALUES (?, ?, ?, '[\"7d\", \"0\"]', 1, ?) RETURNING id",
                    (guild_id, guild_id + 1 + s, f"synthetic-game-{(g * 20 + s) % games}", now))
                due = NOW - timedelta(days=30)
                await db.executemany(
                    'INSERT INTO reminder (subscription_id, release_key, "offset", release_on, anchor_at, due_at,'
                    " attempt_at, state, sent_at) VALUES (?, ?, '0', 'd', ?, ?, ?, 'sent', ?)",
                    [(inserted and inserted[0], f"synthetic:{r}", due.isoformat(), due.isoformat(), due.isoformat(),
                      due.isoformat()) for r in range(10)])
    await core.services.refresh()


async def timed(action: Callable[[], Awaitable[Any]], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def in_process(core: Core, rounds: int) -> list[float]:
    """Every question `rounds` times, services + render (the console's path, the one Discord's takes)."""
    samples: list[float] = []
    for line in QUESTIONS:
        async def one(line: str = line) -> None:
            answer, code = await ask(core.questions, line)
            assert answer is not None and code == 0, line

        samples += await timed(one, rounds)
    return samples


async def grown_core(folder: Path, rows: int) -> Core:
    settings = Settings(db_path=folder / f"grown-{rows}.sqlite3", data_dir=DEFAULT_DATA_DIR)
    core = await Core.open(settings, FixedClock(NOW))
    await grow(core, rows)
    return core


async def measure(sizes: tuple[int, ...], rounds: int, progress: Callable[[str], None] = print) -> list[dict[str, Any]]:
    found = []
    with tempfile.TemporaryDirectory() as name:
        for rows in sizes:
            started = time.perf_counter()
            core = await grown_core(Path(name), rows)
            try:
                grown_s = time.perf_counter() - started
                samples = await in_process(core, rounds)
                total = await table_rows(core)
            finally:
                await core.close()
            found.append({"rows": total, "synthetic_rows": rows, "inprocess_p50": round(percentile(samples, 0.5), 4),
                          "inprocess_p99": round(percentile(samples, 0.99), 4), "grow_s": round(grown_s, 1)})
            progress(f"  growth: {total:,} rows → in-process p50 {found[-1]['inprocess_p50']:.3f} ms, "
                     f"p99 {found[-1]['inprocess_p99']:.3f} ms (built in {grown_s:.1f} s)")
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(measure(tuple(int(s) for s in args.sizes.split(",")), args.rounds))


if __name__ == "__main__":
    main()
