"""Start-up through the stand-in: login, READY, the synced command set, and no needless re-sync."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

from bot.clock import FixedClock
from bot.config import PROJECT_ROOT, Settings
from tests.conftest import REAL_DATA
from tests.discord_standin import DEFAULT_EVERYONE_PERMISSIONS, DiscordStandIn
from tests.e2e import TOKEN, reply_of, running_pitwall, standin


def pitwall_environ(discord: DiscordStandIn, database: Path) -> dict[str, str]:
    """The environment of a `pitwall` process pointed at the stand-in: only what an operator would set."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PITWALL_", "DISCORD_"))}
    environ.update({"DISCORD_TOKEN": TOKEN, "PITWALL_API_BASE": discord.api_base,
                    "PITWALL_GATEWAY_URL": discord.gateway_url, "PITWALL_DB_PATH": str(database)})
    return environ


async def pitwall_process(environ: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, cwd=PROJECT_ROOT, env=environ,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


def _shape(command: dict[str, object]) -> dict[str, object]:
    """What a member sees of a command in Discord's picker, independent of ids Discord assigns."""
    keys = ("name", "description", "type", "options", "default_member_permissions", "contexts",
            "integration_types", "nsfw", "name_localizations", "description_localizations")
    return {k: command.get(k) for k in keys if command.get(k) not in (None, [], False)}


async def test_start_up_syncs_exactly_the_commands_the_code_defines(make_settings: Callable[..., Settings],
                                                                   clock: FixedClock) -> None:
    async with standin() as discord:
        discord.add_guild("Paddock")
        async with running_pitwall(discord, make_settings(REAL_DATA), clock) as bot:
            synced = {c["name"]: _shape(c) for c in discord.synced_commands()}
            translator = bot.tree.translator
            assert translator is not None
            defined = {c.name: _shape(await c.get_translated_payload(bot.tree, translator))
                       for c in bot.tree.get_commands()}
            assert synced == defined
            # In French and Spanish too: names, descriptions and options, each with its translation.
            assert synced["release"]["name_localizations"] == {"fr": "sortie", "es-ES": "lanzamiento",
                                                               "es-419": "lanzamiento"}
            assert set(cast("dict[str, str]", synced["champion"]["description_localizations"])) >= {
                "fr", "es-ES", "es-419"}
            assert set(synced) >= {"champion", "podium", "release", "releases", "about", "reminders", "settings"}
            assert discord.sync_count == 1
            assert discord.identify_count == 1
            assert not discord.unexpected_requests


async def test_a_second_start_with_an_unchanged_tree_does_not_sync_again(make_settings: Callable[..., Settings],
                                                                         clock: FixedClock) -> None:
    settings = make_settings(REAL_DATA)
    async with standin() as discord:
        guild = discord.add_guild("Paddock")
        discord.add_channel(guild.id, "general")
        async with running_pitwall(discord, settings, clock):
            pass
        assert discord.sync_count == 1
        async with running_pitwall(discord, settings, clock):
            result = await discord.invoke("about")
            assert reply_of(result)[0]["title"].startswith("About pitwall")
        assert discord.sync_count == 1


async def test_a_development_guild_gets_the_commands_at_once(make_settings: Callable[..., Settings],
                                                             clock: FixedClock) -> None:
    async with standin() as discord:
        guild = discord.add_guild("Dev")
        settings = dataclasses.replace(make_settings(REAL_DATA), dev_guild_id=guild.id)
        async with running_pitwall(discord, settings, clock):
            assert {c["name"] for c in discord.synced_commands(guild_id=guild.id)} >= {"champion", "podium"}


async def test_pitwall_run_as_a_process_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with standin() as discord:
        guild = discord.add_guild("Paddock")
        discord.add_channel(guild.id, "general")
        environ = pitwall_environ(discord, tmp_path / "p.sqlite3")
        process = await pitwall_process(environ, "run")
        try:
            await discord.wait_ready(timeout=30)
            embed, _, _ = reply_of(await discord.invoke("podium", {"competition": "NC", "year": 2021}))
            assert "Valerio Gallo" in embed["description"]
            # What a container's health check runs: it reads the heartbeat the bot records.
            async with asyncio.timeout(20):
                while True:
                    check = await pitwall_process(environ, "health")
                    said, _ = await check.communicate()
                    if check.returncode == 0:
                        break
                    await asyncio.sleep(0.2)
            assert said.decode().startswith("healthy: heartbeat")
        finally:
            process.send_signal(signal.SIGTERM)
            stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        output = (stdout + stderr).decode()
        assert process.returncode == 0, output
        assert TOKEN not in output and "Traceback" not in output
        assert "synced 10 commands" in output


async def test_pitwall_sync_pushes_the_commands_to_one_guild_and_exits(tmp_path: Path) -> None:
    async with standin() as discord:
        guild = discord.add_guild("Dev")
        environ = pitwall_environ(discord, tmp_path / "s.sqlite3")
        for _ in range(2):  # forced: the second sync happens although nothing changed
            process = await pitwall_process(environ, "sync", "--guild", str(guild.id))
            stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
            assert process.returncode == 0, (stdout + stderr).decode()
        assert {c["name"] for c in discord.synced_commands(guild_id=guild.id)} == {
            "champion", "podium", "release", "releases", "schedule", "next", "about", "reminders", "settings",
            "custom-release"}
        assert discord.sync_count == 2


async def test_a_second_pitwall_on_the_same_database_refuses_to_start(tmp_path: Path) -> None:
    async with standin() as discord:
        guild = discord.add_guild("Paddock")
        channel = discord.add_channel(guild.id, "general")
        environ = pitwall_environ(discord, tmp_path / "one.sqlite3")
        first = await pitwall_process(environ, "run")
        try:
            await discord.wait_ready(timeout=30)
            second = await pitwall_process(environ, "run")
            _, refused = await asyncio.wait_for(second.communicate(), timeout=30)
            assert second.returncode == 2
            lines = [line for line in refused.decode().splitlines() if line.startswith("pitwall:")]
            assert len(lines) == 1 and "already running" in lines[0] and f"pid {first.pid}" in lines[0]
            assert "Traceback" not in refused.decode()
            assert discord.identify_count == 1  # the second never reached the gateway

            # One /reminders add, one subscription: only the first process answered.
            admin = DEFAULT_EVERYONE_PERMISSIONS | (1 << 5)
            result = await discord.invoke("reminders add", {"channel": channel.id}, permissions=admin)
            assert "Subscription #1" in reply_of(result)[0]["description"]
            listed = await discord.invoke("reminders list", {}, permissions=admin)
            assert reply_of(listed)[0]["title"] == "Reminder subscriptions (1)"
        finally:
            first.send_signal(signal.SIGTERM)
            await asyncio.wait_for(first.communicate(), timeout=30)
        assert first.returncode == 0
