"""Resident memory with N servers: `pitwall run` against a plain discord.py client, through the local stand-in.

Run: .venv/bin/python -m bench.memory [--guilds 1000]
The stand-in runs in this process and delivers N realistic servers (categories, text and voice channels, roles,
permission overwrites, a few members) in GUILD_CREATE. Each client runs as its own process, one after the other:
`python -m bot run` on a temporary database and the shipped dataset, then `python -m bench.default_client`
(`discord.Client(intents=discord.Intents.default())`, every cache at its default). Once a client has logged that it
is ready in all N servers, it settles for SETTLE seconds and its VmRSS (and VmHWM, the peak) is read from
/proc/<pid>/status. The floor is an idle `python -c "import discord"`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import random
import re
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bot.config import PROJECT_ROOT
from tests.discord_standin import DiscordStandIn, PermissionOverwrite, User
from tests.e2e import TOKEN, standin

SETTLE = 2.0  # seconds between "ready" and reading VmRSS
READY_WITHIN = 60.0  # seconds a client may take from start to ready

VIEW_CHANNEL, SEND_MESSAGES, CONNECT, SPEAK = 1 << 10, 1 << 11, 1 << 20, 1 << 21
MANAGE_MESSAGES, KICK_MEMBERS, BAN_MEMBERS, MANAGE_ROLES = 1 << 13, 1 << 1, 1 << 2, 1 << 28
ADMINISTRATOR, MENTION_EVERYONE, ADD_REACTIONS, EMBED_LINKS = 1 << 3, 1 << 17, 1 << 6, 1 << 14
BOT_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | (1 << 33) | (1 << 44)  # + manage/create events

ROLE_NAMES = ("Admin", "Moderator", "Helper", "Race Control", "Driver", "Team Principal", "Engineer", "Member",
              "Verified", "Nitro Booster", "Muted", "Events", "Announcements ping", "Sim Racer", "Spectator")
TEXT_NAMES = ("general", "announcements", "rules", "welcome", "off-topic", "race-chat", "results", "setups",
              "memes", "media", "help", "suggestions", "bot-commands", "mod-chat", "mod-log", "leaderboard",
              "events", "introductions", "hardware", "links")
CATEGORY_NAMES = ("Information", "Community", "Racing", "Voice", "Staff")
VOICE_NAMES = ("Lounge", "Race Room 1", "Race Room 2", "Commentary", "AFK", "Team Radio")


@dataclasses.dataclass(frozen=True)
class Reading:
    rss_mb: float  # VmRSS after ready + SETTLE
    peak_mb: float  # VmHWM: the most the process held at any point
    ready_s: float  # process start → "ready" logged


def build(discord: DiscordStandIn, guilds: int, seed: int = 15) -> None:
    """N community servers: 15-25 channels (3-5 categories, text, voice), 8-15 roles, a few overwrites and members."""
    rng = random.Random(seed)
    people: list[User] = [discord.add_user(f"member{i}") for i in range(200)]
    for g in range(guilds):
        guild = discord.add_guild(f"Server {g}", bot_permissions=BOT_PERMISSIONS)
        roles = {name: discord.add_role(guild.id, name, color=rng.randrange(0xFFFFFF), mentionable=rng.random() < .3,
                                        permissions=_role_permissions(name))
                 for name in rng.sample(ROLE_NAMES, rng.randint(6, 13))}  # + @everyone and the bot's own role
        role_ids = [r.id for r in roles.values()]
        for user in rng.sample(people, rng.randint(2, 5)):  # bot, owner and one more are already members
            discord.add_member(guild.id, user, roles=rng.sample(role_ids, rng.randint(0, 3)),
                               nick=f"nick{user.id % 1000}" if rng.random() < .3 else None)
        staff = [roles[n].id for n in ("Admin", "Moderator", "Race Control") if n in roles]
        muted = roles["Muted"].id if "Muted" in roles else None
        categories = [discord.add_channel(guild.id, name, type=4)
                      for name in CATEGORY_NAMES[:rng.randint(3, 5)]]
        total = rng.randint(15, 25) - len(categories)
        voices = rng.randint(2, min(6, total - 8))
        for name in rng.sample(TEXT_NAMES, total - voices):
            overwrites: list[PermissionOverwrite] = []
            if name.startswith("mod-"):  # staff only
                overwrites = [PermissionOverwrite(guild.id, deny=VIEW_CHANNEL),
                              *(PermissionOverwrite(r, allow=VIEW_CHANNEL | SEND_MESSAGES) for r in staff)]
            elif name in ("announcements", "rules", "results", "welcome"):  # read-only
                overwrites = [PermissionOverwrite(guild.id, deny=SEND_MESSAGES),
                              *(PermissionOverwrite(r, allow=SEND_MESSAGES) for r in staff[:1])]
            elif muted is not None and rng.random() < .2:
                overwrites = [PermissionOverwrite(muted, deny=SEND_MESSAGES | ADD_REACTIONS)]
            discord.add_channel(guild.id, name, parent_id=rng.choice(categories).id, overwrites=overwrites,
                                topic=f"All about {name}" if rng.random() < .6 else None)
        for name in rng.sample(VOICE_NAMES, voices):
            overwrites = [PermissionOverwrite(muted, deny=SPEAK)] if muted is not None else []
            discord.add_channel(guild.id, name, type=2, parent_id=categories[-1].id, overwrites=overwrites)


def _role_permissions(name: str) -> int:
    member = VIEW_CHANNEL | SEND_MESSAGES | ADD_REACTIONS | EMBED_LINKS | CONNECT | SPEAK
    return {"Admin": ADMINISTRATOR, "Moderator": member | MANAGE_MESSAGES | KICK_MEMBERS | BAN_MEMBERS,
            "Race Control": member | MANAGE_MESSAGES | MANAGE_ROLES | MENTION_EVERYONE, "Muted": 0}.get(name, member)


def rss(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB (KiB / 1024), from /proc/<pid>/status."""
    fields: dict[str, str] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


async def run_until_ready(argv: Sequence[str], environ: dict[str, str], ready: re.Pattern[str]) -> Reading:
    """Start a process; once a line on its stdout or stderr matches `ready`, wait SETTLE s and read its memory."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(*argv, cwd=PROJECT_ROOT, env=environ,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    seen = asyncio.Event()
    output: list[str] = []

    async def drain(stream: asyncio.StreamReader | None) -> None:
        assert stream is not None
        async for raw in stream:
            line = raw.decode(errors="replace").rstrip()
            output.append(line)
            if ready.search(line):
                seen.set()

    readers = [asyncio.create_task(drain(process.stdout)), asyncio.create_task(drain(process.stderr))]
    try:
        exited = asyncio.create_task(process.wait())
        waiting = asyncio.create_task(seen.wait())
        done, _ = await asyncio.wait({exited, waiting}, timeout=READY_WITHIN, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        if waiting not in done:
            tail = "\n".join(output[-20:])
            raise RuntimeError(f"{argv[-2:]} not ready within {READY_WITHIN:.0f} s "
                               f"(exit code {process.returncode}):\n{tail}")
        ready_s = time.perf_counter() - started
        await asyncio.sleep(SETTLE)
        now, peak = rss(process.pid)
        return Reading(now, peak, ready_s)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()
        await asyncio.gather(*readers, return_exceptions=True)


def environ_for(discord: DiscordStandIn, database: Path) -> dict[str, str]:
    """What an operator would set (as tests/test_e2e_startup.py's pitwall_environ): token, endpoints, database."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PITWALL_", "DISCORD_"))}
    environ.update({"DISCORD_TOKEN": TOKEN, "PITWALL_API_BASE": discord.api_base,
                    "PITWALL_GATEWAY_URL": discord.gateway_url, "PITWALL_DB_PATH": str(database)})
    return environ


async def readings(guilds: int) -> dict[str, Reading]:
    """Both clients, one after the other, on one stand-in holding `guilds` servers."""
    results: dict[str, Reading] = {}
    # A real heartbeat interval: the bench measures an idle bot, not one answering a heartbeat every second.
    async with standin(heartbeat_interval=41.25) as discord:
        started = time.perf_counter()
        build(discord, guilds)
        print(f"built {guilds} servers in {time.perf_counter() - started:.1f} s", flush=True)
        with tempfile.TemporaryDirectory() as folder:
            environ = environ_for(discord, Path(folder) / "memory.sqlite3")
            clients = {
                "pitwall": ([sys.executable, "-m", "bot", "run"], rf"ready as .* in {guilds} guild\(s\)"),
                "default_client": ([sys.executable, "-m", "bench.default_client"], rf"^ready in {guilds} guild\(s\)"),
            }
            for name, (argv, ready) in clients.items():
                identified = discord.identify_count
                results[name] = reading = await run_until_ready(argv, environ, re.compile(ready))
                if discord.identify_count != identified + 1:
                    raise RuntimeError(f"{name} identified {discord.identify_count - identified} times, not once")
                print(f"{name}: ready in {guilds} servers after {reading.ready_s:.1f} s, "
                      f"RSS {reading.rss_mb:.1f} MB (peak {reading.peak_mb:.1f} MB)", flush=True)
    return results


async def measure(guilds: int = 1000) -> dict[str, float]:
    """RSS in MB of `pitwall run` and of a default discord.py client, each ready in `guilds` servers."""
    found = await readings(guilds)
    return {"guilds": guilds, "pitwall": found["pitwall"].rss_mb, "default_client": found["default_client"].rss_mb}


async def floor() -> Reading:
    """An idle `python -c "import discord"`: what any discord.py process holds before it connects."""
    code = "import discord, time; print('ready', flush=True); time.sleep(3600)"
    return await run_until_ready([sys.executable, "-c", code], dict(os.environ), re.compile("^ready$"))


async def report(guilds: int) -> None:
    started = time.perf_counter()
    found = await readings(guilds)
    found["import discord (floor)"] = await floor()
    wall = time.perf_counter() - started
    print(f"\n{guilds} servers, stage {wall:.1f} s\n")
    print("| process | RSS MB | peak MB | ready s |")
    print("|---|---|---|---|")
    for name, reading in found.items():
        ready = "" if name.startswith("import") else f"{reading.ready_s:.1f}"
        print(f"| {name} | {reading.rss_mb:.1f} | {reading.peak_mb:.1f} | {ready} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--guilds", type=int, default=1000)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(report(args.guilds))


if __name__ == "__main__":
    main()
