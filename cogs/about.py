"""/about."""

from __future__ import annotations

from discord import Interaction, app_commands

from bot.adapter.client import PitwallBot
from cogs.reply import AnsweringCog, usable_everywhere


class About(AnsweringCog):
    """The /about command: what pitwall knows and where it comes from."""

    @usable_everywhere
    @app_commands.command(name="about", description="Version, data coverage and sources of pitwall")
    async def about(self, interaction: Interaction) -> None:
        await self.answer(interaction, self.bot.core.questions.about())


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(About(bot))
