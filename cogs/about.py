"""/about."""

from __future__ import annotations

from discord import Interaction, app_commands
from discord.ext import commands

from bot.client import PitwallBot
from cogs.reply import answer_in_time


class About(commands.Cog):
    def __init__(self, bot: PitwallBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="Version, data coverage and sources of pitwall")
    async def about(self, interaction: Interaction) -> None:
        await answer_in_time(interaction, self.bot.core.questions.about())


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(About(bot))
