"""/release and /releases."""

from __future__ import annotations

from discord import Interaction, app_commands

from bot.adapter.client import PitwallBot
from cogs.options import game_choices
from cogs.reply import AnsweringCog, usable_everywhere


class Releases(AnsweringCog):
    """Release-date questions: one game, or the timeline."""

    @usable_everywhere
    @app_commands.command(name="release", description="Release dates and platforms of a game")
    @app_commands.describe(game="e.g. gt7 or Gran Turismo 7")
    @app_commands.autocomplete(game=game_choices)
    async def release(self, interaction: Interaction, game: str) -> None:
        await self.answer(interaction, self.bot.core.questions.release(game))

    @usable_everywhere
    @app_commands.command(name="releases", description="Upcoming release dates first, then recent ones")
    async def releases(self, interaction: Interaction) -> None:
        await self.answer(interaction, self.bot.core.questions.releases())


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(Releases(bot))
