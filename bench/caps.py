"""Re-planning the largest server the caps allow: how long one server can hold the write lock.

Run: .venv/bin/python -m bench.caps. Fills one server to the caps on the shipped dataset (50 custom releases,
50 subscriptions, as many planned reminders as the cap allows), then times a full re-plan and a moved release.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import FixedClock
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.core import Core
from bot.errors import BadInput
from bot.reminders.service import MAX_CUSTOM_RELEASES_PER_GUILD, MAX_PLANNED_PER_GUILD, MAX_SUBSCRIPTIONS_PER_GUILD

GUILD, CHANNEL, ADMIN = 1, 100, 9
EIGHT = "30d, 14d, 7d, 3d, 2d, 1d, 2h, 0"


async def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        clock = FixedClock(datetime(2026, 12, 1, 12, tzinfo=UTC))
        core = await Core.open(Settings(db_path=Path(directory) / "caps.sqlite3", data_dir=DEFAULT_DATA_DIR), clock)
        try:
            for i in range(MAX_CUSTOM_RELEASES_PER_GUILD):
                await core.reminders.save_custom(GUILD, f"Round {i}", "2027-03-10", "18:00", "PS5", ADMIN)
            await core.reminders.subscribe(GUILD, CHANNEL, None, EIGHT, None, ADMIN)  # every upcoming release
            for i in range(MAX_SUBSCRIPTIONS_PER_GUILD - 1):
                for offsets in (EIGHT, "1d, 2h, 0", "0"):  # the most that still fits under the reminder cap
                    try:
                        await core.reminders.subscribe(GUILD, CHANNEL + 1 + i, f"round {i}", offsets, None, ADMIN)
                        break
                    except BadInput:
                        continue
            statuses = await core.reminders.statuses(GUILD)
            planned = sum(s.pending for s in statuses)
            replans = []
            for _ in range(10):
                started = time.perf_counter()
                await core.reminders.replan_guild(GUILD)
                replans.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await core.reminders.save_custom(GUILD, "Round 0", "2027-03-11", "18:00", "PS5", ADMIN)
            moved = (time.perf_counter() - started) * 1000
        finally:
            await core.close()
    print(f"| server at the caps | {len(statuses)} subscriptions, {MAX_CUSTOM_RELEASES_PER_GUILD} custom releases, "
          f"{planned} planned reminders (cap {MAX_PLANNED_PER_GUILD}) |")
    print(f"| full re-plan, p50 / max | {statistics.median(replans):.1f} / {max(replans):.1f} ms, "
          f"in {len(statuses)} transactions |")
    print(f"| move one release (re-plans the server) | {moved:.1f} ms |")


if __name__ == "__main__":
    asyncio.run(main())
