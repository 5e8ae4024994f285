"""A plain ``discord.ext.commands.Bot`` with a few app commands, used by the stand-in's
self-tests (tests/test_standin_*.py). It is not pitwall; it only exercises the protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from .harness import running_client
from .model import PermissionOverwrite
from .scenario import DiscordStandIn

_log = logging.getLogger(__name__)

COMPETITIONS = ["national", "nations cup", "endurance", "sprint"]


@dataclass
class BotRecorder:
    """What the sample bot observed (errors raised inside commands, events)."""

    errors: list[BaseException] = field(default_factory=list)
    resumed: int = 0
    sent_messages: list[discord.Message] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)


def _root(exc: BaseException) -> BaseException:
    while isinstance(exc, (app_commands.CommandInvokeError, commands.CommandInvokeError)):
        exc = exc.original
    return exc


def make_bot(*, sync_guild: int | None = None, late_delay: float = 0.0) -> tuple[commands.Bot, BotRecorder]:
    """Build the sample bot. Commands are synced globally (or to ``sync_guild``) in setup_hook."""
    rec = BotRecorder()
    intents = discord.Intents.default()
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05, help_command=None)

    async def setup_hook() -> None:
        guild = discord.Object(id=sync_guild) if sync_guild else None
        if guild is not None:
            bot.tree.copy_global_to(guild=guild)
        await bot.tree.sync(guild=guild)

    bot.setup_hook = setup_hook  # type: ignore[method-assign]

    @bot.event
    async def on_ready() -> None:
        rec.ready.set()

    @bot.event
    async def on_resumed() -> None:
        rec.resumed += 1

    @bot.tree.error
    async def on_tree_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        rec.errors.append(_root(error))

    @bot.tree.command(name="champion", description="Who won the championship")
    @app_commands.describe(year="Season")
    async def champion(interaction: discord.Interaction, year: int) -> None:
        winners = {2021: "Max Verstappen", 2020: "Lewis Hamilton"}
        await interaction.response.send_message(
            f"{year} champion: {winners.get(year, 'unknown')}",
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @bot.tree.command(name="standings", description="Slow standings (defers)")
    async def standings(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("P1 VER 395", embed=discord.Embed(title="Standings"))

    @bot.tree.command(name="secret", description="Ephemeral reply")
    async def secret(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("only you can see this", ephemeral=True)

    async def competition_ac(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=c.title(), value=c) for c in COMPETITIONS if c.startswith(current.lower())]

    @bot.tree.command(name="podium", description="Podium of a competition")
    @app_commands.autocomplete(competition=competition_ac)
    async def podium(interaction: discord.Interaction, competition: str, top: int = 3) -> None:
        await interaction.response.send_message(f"podium {competition} top {top}")

    @bot.tree.command(name="announce", description="Post to the channel with a nonce")
    async def announce(interaction: discord.Interaction, text: str, nonce: str = "n-1") -> None:
        assert isinstance(interaction.channel, discord.abc.Messageable)
        try:
            msg = await interaction.channel.send(text, nonce=nonce)
        except discord.HTTPException as exc:
            await interaction.response.send_message(f"failed: {exc.status} {exc.code}", ephemeral=True)
            raise
        rec.sent_messages.append(msg)
        await interaction.response.send_message(f"posted {msg.id}", ephemeral=True)

    @bot.tree.command(name="report", description="Ephemeral defer, edit, file follow-up")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content="report ready")
        await interaction.followup.send("raw data", file=discord.File(io.BytesIO(b"lap,time\n1,90.1"), "laps.csv"))

    @bot.tree.command(name="slowpoke", description="Answers too late")
    async def slowpoke(interaction: discord.Interaction) -> None:
        await asyncio.sleep(late_delay)
        await interaction.response.send_message("finally")

    reminders = app_commands.Group(name="reminders", description="Race reminders")
    race = app_commands.Group(name="race", description="Race reminders", parent=reminders)

    @reminders.command(name="add", description="Add a reminder")
    async def reminders_add(interaction: discord.Interaction, minutes: int, note: str = "") -> None:
        await interaction.response.send_message(f"reminder in {minutes} min {note}".strip())

    @race.command(name="list", description="List race reminders")
    async def race_list(interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        where = channel.name if channel is not None else "here"
        await interaction.response.send_message(f"no race reminders in {where}")

    bot.tree.add_command(reminders)
    return bot, rec


def build_world(standin: DiscordStandIn) -> tuple[int, int, int]:
    """A guild with #general (writable), #locked (bot denied SEND_MESSAGES) and a role."""
    guild = standin.add_guild("Paddock")
    general = standin.add_channel(guild.id, "general", topic="chat")
    locked = standin.add_channel(
        guild.id, "locked",
        overwrites=[PermissionOverwrite(id=standin.bot_user.id, type=1, deny=1 << 11)],
    )
    standin.add_role(guild.id, "Stewards", permissions=1 << 13, members=[standin.default_user.id])
    return guild.id, general.id, locked.id


@dataclass
class SampleEnv:
    """The sample bot running against a stand-in with the world `build_world` makes."""

    standin: DiscordStandIn
    bot: commands.Bot
    rec: BotRecorder
    guild_id: int
    general_id: int
    locked_id: int


@contextlib.asynccontextmanager
async def running_sample(*, late_delay: float = 0.3, **standin_options: Any) -> AsyncIterator[SampleEnv]:
    """A stand-in (with `standin_options`) and the sample bot connected to it, commands synced."""
    async with DiscordStandIn(**standin_options) as standin:
        guild_id, general_id, locked_id = build_world(standin)
        bot, rec = make_bot(late_delay=late_delay)
        async with running_client(bot, standin, wait_synced=True):
            yield SampleEnv(standin, bot, rec, guild_id, general_id, locked_id)
