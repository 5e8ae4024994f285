"""Sending an Answer to an interaction, on time, whatever path produced it: a command, or a click on an answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapter.client import PitwallBot
from bot.adapter.embeds import to_embed
from bot.answer import Answer
from bot.errors import UserError
from bot.render import error_answer
from cogs.components import build_view

log = logging.getLogger(__name__)
T = TypeVar("T")

# Discord drops an interaction not answered within 3 s. Past this much thinking, defer and follow up.
DEFER_AFTER = 2.0
DEADLINE_MARGIN = 2.5  # defer by this many seconds after the interaction was created, whatever else happened


def _view(interaction: discord.Interaction, answer: Answer, page: int) -> discord.ui.View | None:
    bot: PitwallBot = interaction.client  # type: ignore[assignment]
    return build_view(answer, interaction.user.id, page, bot.clock.now())


async def send_answer(interaction: discord.Interaction, answer: Answer, *, page: int = 0) -> None:
    """Reply with the answer's embed (and its buttons); ephemeral for errors. Works before and after a defer."""
    embed = to_embed(answer, page)
    view = _view(interaction, answer, page)
    mentions = discord.AllowedMentions.none()
    with_view: dict[str, Any] = {"view": view} if view is not None else {}
    if not interaction.response.is_done():
        await interaction.response.send_message(embed=embed, ephemeral=answer.ephemeral, allowed_mentions=mentions,
                                                **with_view)
        return
    if answer.ephemeral:
        # The deferred "thinking…" message is public; an error must not be, so replace it by a private one.
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.debug("could not delete the deferred response", exc_info=True)
        await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=mentions, **with_view)
        return
    # After a defer, the documented way to answer is to edit the "thinking…" message into the answer.
    await interaction.edit_original_response(embed=embed, allowed_mentions=mentions, **with_view)


async def update_answer(interaction: discord.Interaction, answer: Answer, *, page: int) -> None:
    """Show the answer a click asked for in place of the clicked message; an error goes to the clicker alone."""
    if answer.error:
        if interaction.response.is_done():
            await interaction.followup.send(embed=to_embed(answer), ephemeral=True)
        else:
            await interaction.response.send_message(embed=to_embed(answer), ephemeral=True)
        return
    embed = to_embed(answer, page)
    view = _view(interaction, answer, page)
    if interaction.response.is_done():
        await interaction.edit_original_response(embed=embed, view=view)
    else:
        await interaction.response.edit_message(embed=embed, view=view)


async def _within_deadline(interaction: discord.Interaction, question: Awaitable[Answer], defer_after: float,
                           *, update: bool) -> Answer:
    """Run a question; if it takes longer than `defer_after`, defer so Discord keeps the interaction alive.

    User errors become polite answers here so that a slow path and a fast one answer the same way.
    """
    task = asyncio.ensure_future(question)
    # Discord's 3 s count from the interaction's creation, not from when this handler got to run (a busy loop).
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    done, _ = await asyncio.wait({task}, timeout=max(0.0, min(defer_after, DEADLINE_MARGIN - age)))
    if not done:
        try:
            # A command shows "thinking…"; a click keeps its message as it is until the update arrives.
            await (interaction.response.defer() if update else interaction.response.defer(thinking=True))
        except BaseException:
            task.cancel()  # nobody will read the answer; do not leave the question running
            raise
    try:
        return await task
    except UserError as error:
        return error_answer(error)


async def answer_in_time(
    interaction: discord.Interaction, question: Awaitable[Answer], *, defer_after: float = DEFER_AFTER
) -> None:
    await send_answer(interaction, await _within_deadline(interaction, question, defer_after, update=False))


async def update_in_time(interaction: discord.Interaction, question: Awaitable[Answer], *, page: int) -> None:
    bot: PitwallBot = interaction.client  # type: ignore[assignment]
    answer = await _within_deadline(interaction, question, bot.defer_after, update=True)
    await update_answer(interaction, answer, page=page)


def usable_everywhere(command: T) -> T:
    """A read-only command: in servers, in DMs with the bot and in members' own DMs and group DMs, whether the app
    was added to the server or installed by the member (a user-installed app). Admin commands never are."""
    command = app_commands.allowed_installs(guilds=True, users=True)(command)
    return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(command)


class AnsweringCog(commands.Cog):
    """A cog whose commands each turn one question into one answer."""

    def __init__(self, bot: PitwallBot) -> None:
        self.bot = bot

    async def answer(self, interaction: discord.Interaction, question: Awaitable[Answer]) -> None:
        await answer_in_time(interaction, question, defer_after=self.bot.defer_after)
