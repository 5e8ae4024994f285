"""/champion and /podium."""

from __future__ import annotations

from discord import Interaction, app_commands

from bot.adapter.client import PitwallBot
from bot.adapter.translator import describe_command, describe_options
from cogs.options import competition_choices, year_choices
from cogs.reply import AnsweringCog, usable_everywhere

# Wide enough for any plausible season; the core explains which ones are on record.
Year = app_commands.Range[int, 1900, 2100]


class Championships(AnsweringCog):
    """Championship questions: who won, and the season podium."""

    @usable_everywhere
    @app_commands.command(name="champion", description=describe_command("champion"))
    @app_commands.describe(**describe_options("champion", "year", "competition"))
    @app_commands.autocomplete(year=year_choices)
    @app_commands.autocomplete(competition=competition_choices)
    async def champion(self, interaction: Interaction, year: Year, competition: str | None = None) -> None:
        await self.answer(interaction, self.bot.core.questions.champion(year, competition))

    @usable_everywhere
    @app_commands.command(name="podium", description=describe_command("podium"))
    @app_commands.describe(**describe_options("podium", "competition", "year"))
    @app_commands.autocomplete(competition=competition_choices)
    @app_commands.autocomplete(year=year_choices)
    async def podium(self, interaction: Interaction, competition: str, year: Year | None = None) -> None:
        await self.answer(interaction, self.bot.core.questions.podium(competition, year))


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(Championships(bot))
