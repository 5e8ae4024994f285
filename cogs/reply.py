"""Sending an Answer to an interaction, on time, whatever path produced it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

import discord
from discord.ext import commands

from bot.answer import Answer
from bot.client import PitwallBot
from bot.errors import UserError
from bot.present import to_embed
from bot.render import error_answer

log = logging.getLogger(__name__)

# Discord drops an interaction not answered within 3 s. Past this much thinking, defer and follow up.
DEFER_AFTER = 2.0


async def send_answer(interaction: discord.Interaction, answer: Answer) -> None:
    """Reply with the answer's embed; ephemeral for errors. Works before and after a defer."""
    embed = to_embed(answer)
    mentions = discord.AllowedMentions.none()
    if not interaction.response.is_done():
        await interaction.response.send_message(embed=embed, ephemeral=answer.ephemeral, allowed_mentions=mentions)
        return
    if answer.ephemeral:
        # The deferred "thinking…" message is public; an error must not be, so replace it by a private one.
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.debug("could not delete the deferred response", exc_info=True)
    await interaction.followup.send(embed=embed, ephemeral=answer.ephemeral, allowed_mentions=mentions)


async def answer_in_time(
    interaction: discord.Interaction, question: Awaitable[Answer], *, defer_after: float = DEFER_AFTER
) -> None:
    """Run a question; if it takes longer than DEFER_AFTER, defer so Discord keeps the interaction alive.

    User errors become polite replies here so that a slow path and a fast one answer the same way.
    """
    task = asyncio.ensure_future(question)
    done, _ = await asyncio.wait({task}, timeout=defer_after)
    if not done:
        try:
            await interaction.response.defer(thinking=True)
        except BaseException:
            task.cancel()  # nobody will read the answer; do not leave the question running
            raise
    try:
        answer = await task
    except UserError as error:
        answer = error_answer(error)
    await send_answer(interaction, answer)


class AnsweringCog(commands.Cog):
    """A cog whose commands each turn one question into one answer."""

    def __init__(self, bot: PitwallBot) -> None:
        self.bot = bot

    async def answer(self, interaction: discord.Interaction, question: Awaitable[Answer]) -> None:
        await answer_in_time(interaction, question, defer_after=self.bot.defer_after)
