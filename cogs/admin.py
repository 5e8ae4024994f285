"""The base of admin command groups: hidden from members without Manage Server, and checked again at run time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter.client import PitwallBot
from bot.answer import Answer
from bot.errors import UserError
from bot.text import permission_names, t
from cogs.reply import answer_in_time


class AdminGroupCog(commands.GroupCog):
    """Subclasses are decorated with default_permissions(manage_guild=True) and guild_only().

    Discord hides such commands from members without the permission, but server admins can override that
    in Integrations settings, so every call is checked again here.
    """

    def __init__(self, bot: PitwallBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.guild is None:
            raise app_commands.NoPrivateMessage(t("error.guild_only"))
        if not interaction.permissions.manage_guild:
            raise app_commands.MissingPermissions(["manage_guild"])
        return True

    def answer_clicks_on(self, line: str, question: Callable[[discord.Interaction], Awaitable[Answer]]) -> None:
        """Let a button on an admin answer ask `line` again, with the same permission check as the command."""

        async def checked(interaction: discord.Interaction) -> Answer:
            if interaction.guild is None:
                raise UserError(t("error.guild_only"))
            if not interaction.permissions.manage_guild:
                raise UserError(t("error.no_permission", permission=permission_names(["manage_guild"])))
            return await question(interaction)

        self.bot.line_handlers[line] = checked

    async def answer(self, interaction: discord.Interaction, question: Awaitable[Answer]) -> None:
        await answer_in_time(interaction, question, defer_after=self.bot.defer_after)
