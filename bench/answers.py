"""Latency of the offline question path and of start-up, on the shipped dataset.

Run: .venv/bin/python -m bench.answers [--rounds N]. Prints a Markdown table; figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.growth import timed
from bot.answer import Answer
from bot.clock import FixedClock
from bot.config import DEFAULT_DATA_DIR, Settings
from bot.console import ask
from bot.core import Core

LINES = ("/champion 2021", "/podium nations-cup 2021", "/podium manufacturers", "/release gt7", "/releases",
         "/about", "/podium natoins cup")


def _row(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"| {name} | {len(samples)} | {statistics.median(ordered):.2f} | {p95:.2f} | {ordered[-1]:.2f} |"


async def main(rounds: int) -> None:
    clock = FixedClock(datetime(2026, 11, 29, 12, tzinfo=UTC))
    rows = ["| what | n | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        cold: list[float] = []
        for i in range(5):
            settings = Settings(db_path=Path(folder) / f"cold{i}.sqlite3", data_dir=DEFAULT_DATA_DIR)
            started = time.perf_counter()
            core = await Core.open(settings, clock)
            cold.append((time.perf_counter() - started) * 1000)
            await core.close()
        rows.append(_row("start-up, new database (migrate + load dataset)", cold))
        settings = Settings(db_path=Path(folder) / "cold0.sqlite3", data_dir=DEFAULT_DATA_DIR)

        async def warm_open() -> None:
            await (await Core.open(settings, clock)).close()

        rows.append(_row("start-up, dataset unchanged", await timed(warm_open, 20)))
        core = await Core.open(settings, clock)
        try:
            for line in LINES:
                async def one(line: str = line) -> tuple[Answer | None, int]:
                    return await ask(core.questions, line)

                rows.append(_row(f"`{line}`", await timed(one, rounds)))
        finally:
            await core.close()
    print("\n".join(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    asyncio.run(main(parser.parse_args().rounds))
