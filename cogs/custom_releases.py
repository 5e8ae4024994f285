"""/custom-release add|remove|list: a server's own release dates, for its own reminders.

Not `/releases add`: `/releases` answers every member, and Discord cannot give one top-level command both
its own answer and subcommands, nor different permissions per subcommand.
"""

from __future__ import annotations

from discord import Interaction, app_commands

from bot.adapter.client import PitwallBot
from bot.adapter.translator import describe_command, describe_options
from bot.answer import Answer
from bot.reminders.render import custom_list_answer, custom_saved_answer, private
from bot.text import t
from cogs.admin import AdminGroupCog
from cogs.options import choices


async def custom_choices(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    bot: PitwallBot = interaction.client  # type: ignore[assignment]
    if not interaction.permissions.manage_guild:  # autocomplete skips interaction_check
        return []
    customs = await bot.core.reminders.rows.custom_releases(interaction.guild_id or 0)
    typed = current.casefold()
    return choices((c.name, c.choice_value) for c in customs if typed in c.name.casefold())


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)  # a server's settings: never from a member's own install
class CustomReleases(AdminGroupCog, group_name="custom-release", group_description=describe_command("custom-release")):
    @app_commands.command(name="add", description=describe_command("custom-release add"))
    @app_commands.describe(**describe_options("custom-release add", "name", "date", "time", "platforms"))
    async def add(self, interaction: Interaction, name: app_commands.Range[str, 1, 100],
                  date: app_commands.Range[str, 1, 20], time: str | None = None, platforms: str | None = None) -> None:
        async def question() -> Answer:
            custom = await self.bot.core.reminders.save_custom(interaction.guild_id or 0, name, date, time, platforms,
                                                               interaction.user.id)
            return custom_saved_answer(custom)

        await self.answer(interaction, question())

    @app_commands.command(name="remove", description=describe_command("custom-release remove"))
    @app_commands.describe(**describe_options("custom-release remove", "name"))
    @app_commands.autocomplete(name=custom_choices)
    async def remove(self, interaction: Interaction, name: str) -> None:
        async def question() -> Answer:
            removed = await self.bot.core.reminders.remove_custom(interaction.guild_id or 0, name)
            return private(t("custom.list_title"), t("custom.removed", name=removed))

        await self.answer(interaction, question())

    async def cog_load(self) -> None:
        self.answer_clicks_on("/custom-release list", self.releases)

    async def releases(self, interaction: Interaction) -> Answer:
        return custom_list_answer(await self.bot.core.reminders.rows.custom_releases(interaction.guild_id or 0))

    @app_commands.command(name="list", description=describe_command("custom-release list"))
    async def list(self, interaction: Interaction) -> None:
        await self.answer(interaction, self.releases(interaction))


async def setup(bot: PitwallBot) -> None:
    await bot.add_cog(CustomReleases(bot))
