"""/schedule and /next: the World Series calendar."""

from __future__ import annotations

from discord import Interaction, app_commands

from bot.adapter.client import PitwallBot
from bot.adapter.translator import describe_command, describe_options
from cogs.options import season_choices
from cogs.reply import AnsweringCog, usable_everywhere

Season = app_commands.Range[int, 1900, 2100]


class Calendar(AnsweringCog):
    """The World Series calendar: a season's events, and what is next."""

    @usable_everywhere
    @app_commands.command(name="schedule", description=describe_command("schedule"))
    @app_commands.describe(**describe_options("schedule", "season"))
    @app_commands.autocomplete(season=season_choices)
    async def schedule(self, interaction: Interaction, season: Season | None = None) -> None:
        await self.answer(interaction, self.bot.core.questions.schedule(season))

    @usable_everywhere
    @app_commands.command(name="next", description=describe_command("next"))
    async def next_events(self, interaction: Interaction) -> None:
        await self.answer(interaction, self.bot.core.questions.next_events())


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(Calendar(bot))
