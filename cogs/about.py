"""/about."""

from __future__ import annotations

from discord import Interaction, app_commands

from bot.adapter.client import PitwallBot
from bot.adapter.translator import describe_command
from cogs.reply import AnsweringCog, usable_everywhere


class About(AnsweringCog):
    """The /about command: what pitwall knows and where it comes from."""

    @usable_everywhere
    @app_commands.command(name="about", description=describe_command("about"))
    async def about(self, interaction: Interaction) -> None:
        await self.answer(interaction, self.bot.core.questions.about())


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(About(bot))
