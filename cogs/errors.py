"""The one error path for application commands: polite ephemeral replies, and a log line with context."""

from __future__ import annotations

import logging

import discord
from discord import Interaction, app_commands
from discord.ext import commands

from bot.adapter.client import PitwallBot
from bot.errors import BadInput, UserError
from bot.render import error_answer, internal_error_answer
from bot.text import permission_names, t
from cogs.reply import send_answer

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062  # Discord's JSON error code for an interaction answered too late


def _user_error(error: BaseException) -> UserError | None:
    """The UserError behind an app-command error, if any (discord.py wraps it once or twice)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, UserError):
            return seen
        seen = getattr(seen, "original", None) or seen.__cause__
    return None


def _explain(error: app_commands.AppCommandError) -> UserError | None:
    if (found := _user_error(error)) is not None:
        return found
    if isinstance(error, app_commands.MissingPermissions):
        return UserError(t("error.no_permission", permission=permission_names(error.missing_permissions)))
    if isinstance(error, app_commands.TransformerError):
        return BadInput(t("error.bad_option"))
    if isinstance(error, app_commands.CheckFailure):
        return BadInput(str(error))
    return None


class ErrorHandler(commands.Cog):
    def __init__(self, bot: PitwallBot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        explained = _explain(error)
        command = interaction.command.qualified_name if interaction.command else "?"
        context = (command, interaction.guild_id, interaction.channel_id, interaction.user.id,
                   interaction.data.get("options") if interaction.data else None)
        refused = getattr(error, "original", None)
        if isinstance(refused, discord.HTTPException):
            # Discord itself refused our reply: there is no one left to answer, only something to report.
            reason = ("the interaction expired before the answer was sent (Discord allows 3 s)"
                      if refused.code == UNKNOWN_INTERACTION else "Discord refused the reply")
            log.warning("/%s (guild %s, channel %s, user %s, options %s): %s: HTTP %s, code %s: %s",
                        *context, reason, refused.status, refused.code, refused.text)
            return
        if explained is not None:
            log.info("user error in /%s (guild %s, channel %s, user %s, options %s): %s", *context, explained)
            answer = error_answer(explained)
        else:
            log.error("command /%s failed (guild %s, channel %s, user %s, options %s)", *context, exc_info=error)
            answer = internal_error_answer()
        try:
            await send_answer(interaction, answer)
        except discord.HTTPException:
            log.warning("could not deliver the error reply for /%s", command, exc_info=True)


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(ErrorHandler(bot))
