"""/release and /releases."""

from __future__ import annotations

from discord import Interaction, app_commands

from bot.adapter.client import PitwallBot
from bot.adapter.translator import describe_command, describe_options
from cogs.options import game_choices
from cogs.reply import AnsweringCog, usable_everywhere


class Releases(AnsweringCog):
    """Release-date questions: one game, or the timeline."""

    @usable_everywhere
    @app_commands.command(name="release", description=describe_command("release"))
    @app_commands.describe(**describe_options("release", "game"))
    @app_commands.autocomplete(game=game_choices)
    async def release(self, interaction: Interaction, game: str) -> None:
        await self.answer(interaction, self.bot.core.questions.release(game))

    @usable_everywhere
    @app_commands.command(name="releases", description=describe_command("releases"))
    async def releases(self, interaction: Interaction) -> None:
        await self.answer(interaction, self.bot.core.questions.releases())


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(Releases(bot))
