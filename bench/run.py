"""`make bench`: every benchmark in one run on one machine, written to bench/results.json and bench/RESULTS.md.

Stages (each prints progress and is bounded): answers in process and their growth with the store (1k to 1M rows),
answers end to end through the Discord stand-in, the same answers in French and Spanish against English, reminder
lateness against a 60-second polling loop, a burst of 3,000 reminders at Discord's limits, the same burst across a
SIGKILL and restart, the same burst on PostgreSQL by one process and by two processes on two shards, and memory
with 1,000 servers.
These machines are noisy: compare figures of the same run. Run: make bench (about 6 minutes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bench import delivery, growth, languages, lateness, memory, sharded
from bot.clock import FixedClock
from bot.config import DEFAULT_DATA_DIR, PROJECT_ROOT, Settings
from tests.e2e import running_pitwall, standin

T = TypeVar("T")
BENCH = PROJECT_ROOT / "bench"
START, END = "<!-- make bench: start -->", "<!-- make bench: end -->"
E2E_ROWS = 100_000
E2E_OPTIONS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("champion", {"year": 2021}), ("podium", {"competition": "nations-cup", "year": 2021}),
    ("release", {"game": "gt7"}), ("releases", {}), ("schedule", {"season": 2026}))


def progress(line: str) -> None:
    print(line, flush=True)


async def stage(name: str, limit_s: float, work: Callable[[], Awaitable[T]]) -> T:
    progress(f"[{datetime.now(UTC):%H:%M:%S}] {name} (at most {limit_s:.0f} s)…")
    started = time.perf_counter()
    async with asyncio.timeout(limit_s):
        result = await work()
    progress(f"  done in {time.perf_counter() - started:.1f} s")
    return result


async def end_to_end(rounds: int) -> list[float]:
    """Each question through the stand-in: INTERACTION_CREATE dispatched → initial callback accepted, in ms."""
    samples: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        await (await growth.grown_core(Path(folder), E2E_ROWS)).close()
        database = Path(folder) / f"grown-{E2E_ROWS}.sqlite3"
        async with standin() as discord:
            guild = discord.add_guild("Paddock")
            discord.add_channel(guild.id, "general")
            async with running_pitwall(discord, Settings(db_path=database, data_dir=DEFAULT_DATA_DIR),
                                       FixedClock(growth.NOW)) as bot:
                assert bot.core.services.catalog.season_count > 1000  # the grown store, not a reloaded one
                for command, options in E2E_OPTIONS:
                    for _ in range(rounds):
                        result = await discord.invoke(command, options, timeout=10)
                        assert result.latency is not None and not result.record.rejected, command
                        samples.append(result.latency * 1000)
    progress(f"  end to end at {E2E_ROWS:,} synthetic rows: p50 {growth.percentile(samples, 0.5):.2f} ms, "
             f"p99 {growth.percentile(samples, 0.99):.2f} ms")
    return samples


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


async def run_all(args: argparse.Namespace) -> dict[str, Any]:
    sizes = (1_000, 10_000, 100_000, 1_000_000)
    grown = await stage("answers in process, growth to 1M rows", 240,
                        lambda: growth.measure(sizes, args.rounds, progress))
    at_100k = next(g for g in grown if g["synthetic_rows"] == 100_000)
    e2e = await stage("answers end to end through the stand-in", 120, lambda: end_to_end(args.e2e_rounds))
    spoken = await stage("answers in English, French and Spanish", 60,
                         lambda: languages.measure(args.rounds, progress))
    late = await stage("reminder lateness vs 60 s polling", 180, lambda: lateness.measure(200, 20.0, progress))
    burst = await stage("delivery: 3,000 due at once", 150, lambda: delivery.in_process(10, 30, 10, progress))
    crash = await stage("crash: SIGKILL mid-burst, restart", 180, lambda: delivery.killed(10, 30, 10, progress))
    shards = await stage("delivery on PostgreSQL: one process, then two on two shards", 300,
                         lambda: sharded.in_fresh_process(progress))
    rss = await stage("memory with 1,000 servers", 120, lambda: memory.measure(1000))
    progress(f"  memory: pitwall {rss['pitwall']:.1f} MB, default discord.Client {rss['default_client']:.1f} MB")
    return {
        "commit": commit(),
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "command_latency_ms": {
            "rows": at_100k["rows"], "inprocess_p50": at_100k["inprocess_p50"],
            "inprocess_p99": at_100k["inprocess_p99"],
            "e2e_p50": round(growth.percentile(e2e, 0.5), 3), "e2e_p99": round(growth.percentile(e2e, 0.99), 3),
            "growth": [{"rows": g["rows"], "inprocess_p50": g["inprocess_p50"], "inprocess_p99": g["inprocess_p99"]}
                       for g in grown],
        },
        "language_latency_ms": spoken,
        "reminder_lateness_ms": late,
        "delivery": burst,
        "crash_restart": crash,
        "sharded": shards,
        "rss_mb": rss,
    }


GOALS: tuple[tuple[str, str, Callable[[dict[str, Any]], float], str, Callable[[float, dict[str, Any]], bool]], ...] = (
    ("in-process p99 at ≥100k rows", "ms", lambda r: r["command_latency_ms"]["inprocess_p99"], "≤ 1",
     lambda v, r: v <= 1),
    ("in-process p99 at 1M rows", "ms", lambda r: r["command_latency_ms"]["growth"][-1]["inprocess_p99"],
     "≤ 1, flat", lambda v, r: v <= 1),
    ("end to end p99 (stand-in)", "ms", lambda r: r["command_latency_ms"]["e2e_p99"], "≤ 20", lambda v, r: v <= 20),
    ("French / Spanish p99 ÷ English p99", "×",
     lambda r: max(r["language_latency_ms"][x]["p99"] for x in ("fr", "es-ES"))
     / max(r["language_latency_ms"]["en-GB"]["p99"], 0.001), "≤ 1.2", lambda v, r: v <= 1.2),
    ("reminder lateness p99", "ms", lambda r: r["reminder_lateness_ms"]["p99"], "≤ 100", lambda v, r: v <= 100),
    ("60 s polling lateness p99 ÷ pitwall's", "×",
     lambda r: r["reminder_lateness_ms"]["poll60_p99"] / max(r["reminder_lateness_ms"]["p99"], 0.001), "≥ 300",
     lambda v, r: v >= 300),
    ("burst throughput", "msgs/s", lambda r: r["delivery"]["msgs_per_s"], "≥ 48 (of 50)", lambda v, r: v >= 48),
    ("burst 429s / duplicates / lost", "", lambda r: r["delivery"]["http_429"] + r["delivery"]["duplicates"]
     + r["delivery"]["lost"], "0", lambda v, r: v == 0),
    ("crash: duplicates + lost", "", lambda r: r["crash_restart"]["duplicates"] + r["crash_restart"]["lost"], "0",
     lambda v, r: v == 0),
    ("crash: recovery after restart", "s", lambda r: r["crash_restart"]["recovery_s"], "(measured)",
     lambda v, r: True),
    ("PostgreSQL, one process: burst throughput", "msgs/s", lambda r: r["sharded"]["one_process"]["msgs_per_s"],
     "≥ 98 % of SQLite's", lambda v, r: v >= 0.98 * r["delivery"]["msgs_per_s"]),
    ("PostgreSQL, two processes on two shards: throughput", "msgs/s",
     lambda r: r["sharded"]["two_processes"]["msgs_per_s"], "≥ 47 (one pace, less 1/s per other process)",
     lambda v, r: v >= 47),
    ("two processes: 429s + duplicates + lost + posted by the wrong process", "",
     lambda r: sum(r["sharded"]["two_processes"][k] for k in ("http_429", "duplicates", "lost", "by_wrong_process")),
     "0", lambda v, r: v == 0),
    ("RSS, 1,000 servers", "MB", lambda r: r["rss_mb"]["pitwall"], "≤ 60 and below the default client",
     lambda v, r: v <= 60 and v < r["rss_mb"]["default_client"]),
    ("RSS of a default discord.Client", "MB", lambda r: r["rss_mb"]["default_client"], "(comparison)",
     lambda v, r: True),
)


def table(results: dict[str, Any]) -> str:
    lines = [f"Run {results['date']}, commit `{results['commit'][:12]}`, {results['machine']}, 2 cores. "
             "Rerun: `make bench` (writes `bench/results.json` and this table).", "",
             "| figure | value | goal | met |", "|---|---|---|---|"]
    for name, unit, value, goal, met in GOALS:
        figure = value(results)
        shown = f"{figure:,.0f}" if figure >= 1000 else f"{figure:.3g}" if figure < 10 else f"{figure:.1f}"
        lines.append(f"| {name} | {shown} {unit} | {goal} | {'yes' if met(figure, results) else '**no**'} |")
    growth_rows = " · ".join(f"{g['rows']:,} rows: {g['inprocess_p99']:.3f} ms"
                             for g in results["command_latency_ms"]["growth"])
    lines += ["", f"In-process p99 as the store grows: {growth_rows}."]
    return "\n".join(lines)


def write(results: dict[str, Any]) -> None:
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    path = BENCH / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    block = f"{START}\n{table(results)}\n{END}"
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        head, _, rest = text.partition("\n## ")
        text = f"{head}\n## Latest `make bench`\n\n{block}\n\n## {rest}"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200, help="in-process rounds per question")
    parser.add_argument("--e2e-rounds", type=int, default=100, help="end-to-end rounds per question")
    args = parser.parse_args()
    started = time.perf_counter()
    results = asyncio.run(run_all(args))
    write(results)
    progress(f"wrote bench/results.json and bench/RESULTS.md in {time.perf_counter() - started:.0f} s")
    print(table(results))
    sys.exit(0)


if __name__ == "__main__":
    main()
